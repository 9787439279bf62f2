"""The Department's coverage page and the audit downloads, for a province or (also for its district
center) one district, by month, quarter, half-year or year."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from ..reports.audit import audit
from ..reports.audit_chart import chart_title, coverage_chart, pct
from ..reports.audit_report import FORMATS, MEDIA, render, rule_names
from ..reference.labels import rule_title
from ..core.config import local_today
from ..core.models import Unit
from ..core.periods import Period, period_phrase, short_period
from ..core.scopes import Scope, parse_scope
from ..access.users import can_manage_scope
from .common import db, district_unit_or_404, login_required, period_or_404
from .downloads import content_disposition

bp = Blueprint("coverage", __name__)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def scope_or_403(period: Period) -> tuple[Scope, Unit | None]:
    """?district=CODE, or the user's own scope; refused unless the user may run its work."""
    user = g.user
    code = request.args.get("district", "")
    if code:
        unit = district_unit_or_404(code, period)
        scope = Scope("district", unit.code)
    else:
        unit, scope = None, parse_scope(user.scope)
        if scope.level != "province":
            abort(403)  # a district center asks for its district by name (the page links it)
    if not can_manage_scope(db(), user, scope):
        abort(403)
    return scope, unit


@bp.get("/coverage/")
@login_required
def index():
    """Each role's own coverage page for the current quarter."""
    today = local_today()
    label = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    scope = parse_scope(g.user.scope)
    if scope.level == "district":
        return redirect(url_for("coverage.page", period=label, district=scope.code))
    if scope.level != "province":
        abort(403)
    return redirect(url_for("coverage.page", period=label))


@bp.get("/department/<period>/coverage")
@login_required
def page(period: str):
    p = period_or_404(period)
    scope, unit = scope_or_403(p)
    result = audit(db(), p, scope)
    year = p.start.year
    choices = [str(year), f"{year}-H1", f"{year}-H2"] + [f"{year}-Q{q}" for q in range(1, 5)] + \
        [f"{year}-{m:02d}" for m in range(1, 13)]
    return render_template("department/coverage.html", r=result, p=p, unit=unit, pct=pct,
                           phrase=period_phrase(p.label), chart=coverage_chart(result),
                           chart_title=chart_title(result), labels=rule_names(result),
                           rule_title=rule_title, short_period=short_period,
                           period_phrase=period_phrase,
                           choices=choices, district=unit.code if unit else None,
                           judged=sum(1 for r in result.rows if r.judged),
                           short=sum(1 for r in result.rows if r.judged and r.shortfall),
                           formats=FORMATS)


@bp.get("/department/<period>/audit.<fmt>")
@login_required
def download(period: str, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    p = period_or_404(period)
    scope, unit = scope_or_403(p)
    data = render(audit(db(), p, scope), fmt)
    place = f"_{unit.code}" if unit else ""
    plain = f"radio-sched_audit_{p.label}{place}.{fmt}"
    resp = Response(data, mimetype=MEDIA[fmt].split(";")[0])
    if fmt == "html":
        # shown in the browser to be printed: its one embedded stylesheet is allowed by its hash,
        # nothing else (no script, no other origin)
        style = _STYLE.search(data.decode("utf-8"))
        digest = base64.b64encode(hashlib.sha256(style.group(1).encode("utf-8")).digest()).decode()
        resp.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")
        resp.headers["Content-Disposition"] = f'inline; filename="{plain}"'
    else:
        resp.headers["Content-Disposition"] = content_disposition(plain, plain)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
