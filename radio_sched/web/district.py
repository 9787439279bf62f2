"""The district culture center's pages: its communes' month, schedule versions, shortfalls, jobs."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, url_for
from sqlalchemy import select

from ..divisions import stations_in
from ..i18n import get_lang
from ..jobs import describe, get_job, recent_jobs
from ..models import Unit
from ..overview import month_status, schedule_versions
from ..periods import Period
from ..scopes import Scope, parse_scope
from ..station_month import reason_text
from ..users import can_manage
from .common import db, login_required, month_or_404, this_month

bp = Blueprint("district", __name__)


def district_or_404(code: str, period: Period) -> Unit:
    """The district unit of that month, if the signed-in user may run its work (403 if not)."""
    if not code.isdigit() or len(code) > 12:
        abort(404)
    unit = db().scalar(select(Unit).where(
        Unit.level == "district", Unit.code == str(int(code)), Unit.valid_from <= period.end,
        Unit.valid_until >= period.start).order_by(Unit.valid_from.desc()).limit(1))
    if unit is None:
        abort(404)
    if not can_manage(g.user, Scope("district", unit.code), province_code=unit.province_code):
        abort(403)
    return unit


@bp.get("/district/<code>/")
@login_required
def index(code: str):
    month = this_month()
    district_or_404(code, month)
    return redirect(url_for("district.month", code=code, month=month.label))


@bp.get("/district/<code>/<month>/")
@login_required
def month(code: str, month: str):
    period = month_or_404(month)
    unit = district_or_404(code, period)
    scope = Scope("district", unit.code)
    stations = stations_in(db(), scope, on=period.start, until=period.end)
    return render_template(
        "district/month.html", unit=unit, period=period, statuses=month_status(db(), stations, period),
        versions=schedule_versions(db(), period.label, [s.id for s in stations]),
        jobs=recent_jobs(db(), scope=str(scope), limit=10), reason_text=reason_text)


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    found = get_job(db(), job_id)
    if not can_manage_job(found):
        abort(403)
    return render_template("job.html", job=describe(found, get_lang()))


def can_manage_job(job) -> bool:
    """A job is seen by whoever may run the work of its scope."""
    scope = parse_scope(job.scope)
    province = None
    if scope.level == "district":
        province = db().scalar(select(Unit.province_code).where(
            Unit.level == "district", Unit.code == scope.code).limit(1))
    elif scope.level == "commune":
        unit = db().scalar(select(Unit).where(Unit.level == "commune", Unit.code == scope.code)
                           .limit(1))
        if unit is None or unit.district_code is None:
            return can_manage(g.get("user"), Scope("province", unit.province_code if unit else None))
        scope, province = Scope("district", unit.district_code), unit.province_code
    return can_manage(g.get("user"), scope, province_code=province)
