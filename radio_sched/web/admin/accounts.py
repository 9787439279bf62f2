"""Accounts (list, add, disable or enable, reset a password) and stations' download links (made
and revoked for any station, for any month it exists)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ...access.tokens import create_token, get_token, list_tokens, revoke_token
from ...access.users import (
    ROLE_NAMES, ROLES, add_user, can_issue_links, list_users, new_password, set_active,
    set_password
)
from ...core.errors import NotFound, UserError
from ...core.i18n import tr
from ...core.models import Station, User
from ...core.periods import Period, PeriodError, parse_month
from ...core.scopes import ScopeError, parse_scope
from ...reference.divisions import station_by_code, stations_in
from ..common import db, web_settings
from .base import NAME, SHORT, choices, field, labels, period

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
_LEVELS = {"province": ("The province", "Cấp tỉnh"), "district": ("Districts", "Cấp huyện"),
           "commune": ("Communes", "Cấp xã")}


@bp.get("/")
def page():
    return _page()


def _page(*, form: dict | None = None, error: str | None = None, shown: dict | None = None,
          status: int = 200):
    users = list_users(db())
    names = labels({u.scope for u in users})
    groups: dict[str, list] = {}
    for value, label in choices():
        groups.setdefault(value.partition(":")[0], []).append((value, label))
    return render_template(
        "admin/accounts.html", users=[(u, names[u.scope]) for u in users],
        roles=[(r, ROLE_NAMES[r].render()) for r in ROLES],
        groups=[(tr(*_LEVELS[k]), groups[k]) for k in _LEVELS if k in groups],
        form=form or {"role": "station"}, error=error, shown=shown), status


@bp.post("/")
def add():
    """A new account; its password typed here, or made up and shown once."""
    form = {"username": field("username", 80), "display_name": field("display_name", NAME),
            "role": field("role", 12), "scope": field("scope", SHORT)}
    typed = request.form.get("password", "")[:1024]
    password = typed or new_password(web_settings())
    try:
        level = parse_scope(form["scope"]).level
        if form["role"] in ROLES and ROLES[form["role"]] != level:
            raise UserError(tr("A {r} account works over a unit of level {want}; choose one there.",
                               "Tài khoản {r} phải gắn với một đơn vị {want}; hãy chọn lại.",
                               r=ROLE_NAMES[form["role"]], want=tr(*_LEVELS[ROLES[form["role"]]])))
        user = add_user(db(), form["username"], password, form["role"], form["scope"],
                        display_name=form["display_name"], settings=web_settings())
        db().commit()
    except (UserError, ScopeError) as exc:
        db().rollback()
        return _page(form=form, error=str(exc.message), status=400)
    return _page(shown={"username": user.username, "password": None if typed else password,
                        "what": tr("Account added.", "Đã thêm tài khoản.")})


def _user(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        raise NotFound(tr("There is no such account.", "Không có tài khoản này."))
    return user


@bp.post("/<int:user_id>/active")
def active(user_id: int):
    """Disable an account (its open sessions end at once) or enable it again."""
    on = request.form.get("active") == "1"
    try:
        user = _user(user_id)
        if user.id == g.user.id and not on:
            raise UserError(tr("You cannot disable your own account.",
                               "Không thể tự khóa tài khoản của chính mình."))
        set_active(db(), user.username, on)
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(error=str(exc.message), status=400)
    flash(tr("{u} can sign in again.", "{u} đã được mở lại.", u=user.username) if on else
          tr("{u} is disabled.", "Đã khóa {u}.", u=user.username), "ok")
    return redirect(url_for("admin.accounts.page"))


@bp.post("/<int:user_id>/password")
def password(user_id: int):
    """A new password, typed here or made up and shown once; the old one's sessions end."""
    typed = request.form.get("password", "")[:1024]
    new = typed or new_password(web_settings())
    try:
        user = set_password(db(), _user(user_id).username, new, web_settings())
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(error=str(exc.message), status=400)
    return _page(shown={"username": user.username, "password": None if typed else new,
                        "what": tr("The password was changed.", "Đã đổi mật khẩu.")})


# --- stations' download links ---------------------------------------------------------------------

def _month() -> Period:
    try:
        return parse_month(request.values.get("month", "")[:7])
    except PeriodError:
        return period()


@bp.get("/links")
def links():
    return _links(_month(), request.values.get("station", "")[:12])


def _links(month: Period, code: str, *, new_link: str | None = None, error: str | None = None,
           status: int = 200):
    stations = stations_in(db(), parse_scope(g.user.scope), on=month.start, until=month.end)
    names = labels({f"commune:{s.code}" for s in stations})
    station = next((s for s in stations if s.code == code), None)
    return render_template(
        "admin/links.html", month=month, stations=[(s, names[f"commune:{s.code}"]) for s in stations],
        station=station, station_name=names.get(f"commune:{code}", ""), tokens=list_tokens(db(), station) if station else [], new_link=new_link,
        error=error), status


def _station(code: str, month: Period) -> Station:
    try:
        station = station_by_code(db(), code, on=month.start, until=month.end)
    except UserError:
        station = None
    if station is None or not can_issue_links(g.user, station):
        raise NotFound(tr("No such station exists in {m}.",
                          "Không có đài này trong tháng {m}.", m=month.label))
    return station


@bp.post("/links")
def make_link():
    """A password-free link to a station's page and bundles, opening on the chosen month;
    shown once (only its hash is kept)."""
    month, code = _month(), field("station", 12)
    try:
        station = _station(code, month)
        _row, token = create_token(db(), station, field("label", NAME))
        db().commit()
    except UserError as exc:
        db().rollback()
        return _links(month, code, error=str(exc.message), status=404)
    link = url_for("station.link_page", token=token, month=month.label, _external=True)
    return _links(month, station.code, new_link=link)


@bp.post("/links/<int:token_id>/revoke")
def revoke_link(token_id: int):
    month = _month()
    try:
        row = get_token(db(), token_id)
        station = db().get(Station, row.station_id)
        if not can_issue_links(g.user, station):
            raise NotFound(tr("There is no such link.", "Không có đường dẫn này."))
        revoke_token(db(), token_id)
        db().commit()
    except UserError as exc:
        db().rollback()
        return _links(month, "", error=str(exc.message), status=404)
    flash(tr("The link was revoked.", "Đã thu hồi đường dẫn."), "ok")
    return redirect(url_for("admin.accounts.links", month=month.label, station=station.code))
