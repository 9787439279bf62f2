"""What every blueprint shares: the request's database session, who is asking, language, guards."""

from __future__ import annotations

import re

from functools import wraps
from urllib.parse import urlencode
from typing import Any, Callable

from flask import abort, current_app, g, redirect, request, session as cookie, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.config import Settings, WebSettings, local_today
from ..core.db import sessionmaker_for
from ..reference.divisions import station_by_code
from ..reference.labels import scope_label
from ..core.errors import NotFound, UserError
from ..core.i18n import LANGS, get_lang
from ..core.models import Station, Unit, User
from ..core.periods import (
    Period, PeriodError, in_url_years, month as make_month, parse_month, parse_period
)
from ..access.tokens import resolve_token
from ..access.users import StationPass, can_see, session_stamp

LANG_COOKIE = "lang"


def settings() -> Settings:
    return current_app.extensions["radio_sched"]["settings"]


def web_settings() -> WebSettings:
    return current_app.extensions["radio_sched"]["web"]


def db() -> Session:
    """One database session per request, closed (rolled back if not committed) at its end."""
    if "db" not in g:
        g.db = sessionmaker_for(settings().db_url)()
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    s = g.pop("db", None)
    if s is not None:
        s.close()


def choose_lang() -> str:
    """?lang=en (remembered in a cookie), else the cookie, else the configured default (vi)."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in LANGS else settings().lang


def load_user() -> User | None:
    """The signed-in user from the signed cookie, if still active and with the same password."""
    uid = cookie.get("uid")
    if not isinstance(uid, int):
        return None
    user = db().get(User, uid)
    if user is None or not user.active or cookie.get("stamp") != session_stamp(user):
        cookie.clear()
        return None
    return user


def bearer_grant() -> StationPass | None:
    """A station download token given as 'Authorization: Bearer <token>' (IP speaker systems)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return resolve_token(db(), token.strip())


def who() -> User | StationPass | None:
    return g.get("user") or g.get("grant")


def login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def district_unit_or_404(code: str, period: Period) -> Unit:
    """The district unit with that code valid in the period (404 for a malformed or unknown code)."""
    if not is_code(code):
        abort(404)
    unit = db().scalar(select(Unit).where(
        Unit.level == "district", Unit.code == str(int(code)), Unit.valid_from <= period.end,
        Unit.valid_until >= period.start).order_by(Unit.valid_from.desc()).limit(1))
    if unit is None:
        abort(404)
    return unit


def is_code(code: str) -> bool:
    """A unit or station code as an address may carry it: 1-12 ASCII digits (not '²' or '٣')."""
    return code.isascii() and code.isdigit() and len(code) <= 12


def month_or_404(text: str) -> Period:
    """The month an address names (2000-01 to 2099-12), else 404."""
    return _in_url_years(parse_month, text)


def period_or_404(text: str) -> Period:
    """The month, quarter, half-year or year an address names (years 2000-2099), else 404."""
    return _in_url_years(parse_period, text)


def _in_url_years(parse: Callable[[str], Period], text: str) -> Period:
    try:
        found = parse(text)
    except PeriodError:
        abort(404)
    if not in_url_years(found):
        abort(404)
    return found


def this_month() -> Period:
    today = local_today()
    return make_month(today.year, today.month)


def landing_month(level: str = "province", code: str | None = None) -> Period:
    """The month a home page opens on: this month if the unit's stations exist now, else the newest
    month planned for them (a database of the 2024 structure opens on its last planned month),
    else the last month the unit existed."""
    from sqlalchemy import func, select

    from ..core.models import Schedule, ScheduleStation

    now = this_month()
    stations = select(Station.id)
    if level == "district":
        stations = stations.where(Station.district_code == code)
    elif level == "commune":
        stations = stations.where(Station.code == code)
    current = db().scalar(stations.where(Station.valid_from <= now.end,
                                         Station.valid_until >= now.start).limit(1))
    if current is not None:
        return now
    newest = db().scalar(select(func.max(Schedule.month))
                         .join(ScheduleStation, ScheduleStation.schedule_id == Schedule.id)
                         .where(ScheduleStation.station_id.in_(stations)))
    if newest:
        return parse_month(newest)
    last = db().scalar(select(func.max(Station.valid_until)).where(Station.id.in_(stations)))
    return make_month(last.year, last.month) if last and last < now.start else now


def station_or_404(code: str, month: Period) -> Station:
    """The station with this code in that month, if the asker may see it (403 if not)."""
    if not is_code(code):
        abort(404)
    try:
        station = station_by_code(db(), code, on=month.start, until=month.end)
    except NotFound:
        abort(404)
    except UserError:
        abort(400)
    if not can_see(who(), station):
        abort(403)
    return station


def lang() -> str:
    return get_lang()


# A path on this site in printable ASCII: no '//host', no '/\\host', no tab or line break that
# a browser drops ('/\t/evil.com' is '//evil.com' to it) or that would split the header.
_SAME_SITE = re.compile(r"^/(?![/\\])[\x21-\x7e]*$")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never '//other.site' or 'https://...' (an open redirect)."""
    if not target or not _SAME_SITE.match(target) or "\\" in target:
        return None
    return target


def lang_url(code: str) -> str:
    """This page in another language: its path and query kept, only ?lang= changed."""
    args = [(k, v) for k, v in request.args.items(multi=True)
            if k != "lang" and (k != "next" or safe_next(v))] + [("lang", code)]
    return request.path + "?" + urlencode(args)


def place(scope: str) -> str:
    """A user's scope as people read it (Toàn tỉnh, Huyện Kỳ Anh, Xã Kỳ Xuân)."""
    return scope_label(db(), scope, on=local_today())
