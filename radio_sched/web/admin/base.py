"""What the administration pages share: the Department-only guard, capped form fields, the
period the pickers offer units of, and unit names for scopes."""

from __future__ import annotations

from flask import abort, g, redirect, request, url_for

from ...core.periods import Period
from ...core.scopes import ScopeError, parse_scope
from ...reference.divisions import scope_choices, scope_labels
from ..common import db, landing_month

SHORT, NAME, LONG = 40, 200, 300  # the longest text a field keeps (its column's size)


def department_only():
    """Before every admin request: sign in first; then a Department account (role department,
    a province scope) or 403."""
    user = g.get("user")
    if user is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    try:
        scope = parse_scope(user.scope)
    except ScopeError:
        abort(403)
    if user.role != "department" or scope.level != "province" or not user.active:
        abort(403)
    return None


def field(name: str, limit: int = NAME) -> str:
    """A form field, stripped and cut to what its column keeps."""
    return request.form.get(name, "")[:limit * 4].strip()[:limit]


def fields(names: tuple[str, ...], limit: int = NAME) -> dict[str, str]:
    return {n: field(n, limit) for n in names}


def period() -> Period:
    """The month whose units the pickers offer: the month the Department's home page opens on
    (a database of the 2024 structure offers the 2024 districts and communes)."""
    return landing_month()


def choices() -> list[tuple[str, str]]:
    p = period()
    return scope_choices(db(), on=p.start, until=p.end)


def labels(scopes) -> dict[str, str]:
    p = period()
    return scope_labels(db(), scopes, on=p.start, until=p.end)
