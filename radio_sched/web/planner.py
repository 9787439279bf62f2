"""The planner's pages, for whoever plans a month's communes: a district culture center
(/district/<code>/<month>/), or the province where it has no districts (/province/<code>/<month>/,
every province since July 2025). Plan, render, re-plan and uploads run as background jobs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..core.config import local_today
from ..core.errors import Conflict, UserError
from ..core.i18n import get_lang, tr
from ..core.models import Blackout
from ..core.periods import Period, PeriodError, parse_date
from ..core.scopes import ScopeError, parse_scope
from ..access.users import can_manage_scope
from ..jobs.kinds import discard_upload, upload_specs
from ..jobs.launch import launch
from ..jobs.uploads import save_upload
from ..planning.planner_month import (
    Planner, closes, find_planner, may_plan, planner_month, planner_stations
)
from ..planning.replan import check_replan
from ..reference.blackouts import add_blackout, remove_blackout
from ..reports.station_month import reason_text
from .common import (
    db, is_code, landing_month, login_required, month_or_404, settings, web_settings)

UPLOAD_FIELDS = ("kind", "title", "slug", "scope", "valid_from", "valid_until", "topics",
                 "language", "producer")
LEVEL = "<any(district, province):level>"

bp = Blueprint("planner", __name__)


def planner_or_404(level: str, code: str, period: Period) -> Planner:
    """The unit that plans there that month, if the signed-in user may run its work (403 if not);
    a code unknown that month, or a province that has districts then, answers 404."""
    if not is_code(code):
        abort(404)
    planner = find_planner(db(), level, code, period)  # NotFound: a 404 page that says why
    if not may_plan(g.user, planner):
        abort(403)
    return planner


def month_url(planner: Planner, period: Period, anchor: str = "") -> str:
    return url_for("planner.month", level=planner.level, code=planner.code,
                   month=period.label) + anchor


@bp.get(f"/{LEVEL}/<code>/")
@login_required
def index(level: str, code: str):
    month = landing_month(level, code) if code.isdigit() and len(code) <= 12 else None
    if month is None:
        abort(404)
    return redirect(month_url(planner_or_404(level, code, month), month))


@bp.get(f"/{LEVEL}/<code>/<month>/")
@login_required
def month(level: str, code: str, month: str):
    period = month_or_404(month)
    return _page(planner_or_404(level, code, period), period)


def _page(planner: Planner, period: Period, *, status: int = 200, error: str | None = None,
          form: dict | None = None, upload: dict | None = None, replan_from: str | None = None,
          error_at: str = ""):
    view = planner_month(db(), planner, period, user=g.user, today=local_today(), lang=get_lang(),
                         web=web_settings())
    return render_template(
        "planner/month.html", m=view, unit=planner, period=period, error=error, form=form or {},
        error_at=error_at,
        where={"level": planner.level, "code": planner.code, "month": period.label},
        upload=upload or {"scope": str(planner.scope), "kind": view.upload_kind},
        reason_text=reason_text,
        replan_from=replan_from or (view.replan.day.isoformat() if view.replan.day else "")
    ), status


# --- background work: plan, render, re-plan, upload -----------------------------------------------

@bp.post(f"/{LEVEL}/<code>/<month>/plan")
@login_required
def plan(level: str, code: str, month: str):
    """Plan the month of the planner's communes in a job process; its page shows the progress."""
    return _start(level, code, month, "plan")


@bp.post(f"/{LEVEL}/<code>/<month>/render")
@login_required
def render(level: str, code: str, month: str):
    """Render the month (bundles for the planner's stations) in a job process."""
    return _start(level, code, month, "render")


@bp.post(f"/{LEVEL}/<code>/<month>/replan")
@login_required
def replan(level: str, code: str, month: str):
    """Re-plan the month from a chosen day in a job process: the days before stay as aired,
    make-goods after it, new versions and bundles for the communes that change."""
    period = month_or_404(month)
    planner = planner_or_404(level, code, period)
    text = request.form.get("from", "")[:40]
    try:
        day = parse_date(text)
        check_replan(db(), period, day, planner.scope)  # the quick refusals, at once
    except (UserError, PeriodError) as exc:
        return _page(planner, period, status=400, error=str(exc.message), replan_from=text)
    finally:
        db().rollback()
    return _start(level, code, month, "replan", {"from": day.isoformat()}, replan_from=text)


def _start(level: str, code: str, month: str, kind: str, params: dict | None = None, **page):
    period = month_or_404(month)
    planner = planner_or_404(level, code, period)
    try:
        job_id = _launch(kind, period.label, planner, params)
    except Conflict as exc:
        return _page(planner, period, status=409, error=str(exc.message), **page)
    return redirect(url_for("jobs.page", job_id=job_id))


def _launch(kind: str, month: str | None, planner: Planner, params: dict | None) -> int:
    return launch(settings(), kind, month, str(planner.scope), params=params,
                  created_by=g.user.username, web=web_settings())


@bp.post(f"/{LEVEL}/<code>/<month>/segments")
@login_required
def upload(level: str, code: str, month: str):
    """Add uploaded audio to the library in a job: the files with one form, or a segments.csv
    with the files it names; the same checks as 'radio-sched segments add/import'."""
    period = month_or_404(month)
    planner = planner_or_404(level, code, period)
    form = {k: request.form.get(k, "")[:300] for k in UPLOAD_FIELDS}
    try:
        params = save_upload(settings(), request.files.getlist("files"),
                             request.files.get("manifest"), web_settings())
    except UserError as exc:
        return _page(planner, period, status=400, error=str(exc.message), upload=form)
    # the month only brings the user back to the page they came from: an upload is no month's work
    params.update(form=form, replace=request.form.get("replace") == "1", month=period.label)
    try:
        # the quick checks (fields, scopes, who may add what) answer at once; the audio's own
        # checks and its preparation run in the job
        upload_specs(db(), settings(), g.user, params)
        db().rollback()
        job_id = _launch("segments", None, planner, params)
    except UserError as exc:
        discard_upload(settings(), params["upload"])
        db().rollback()
        return _page(planner, period, status=409 if isinstance(exc, Conflict) else 400,
                     error=str(exc.message), upload=form)
    except BaseException:
        discard_upload(settings(), params["upload"])
        raise
    return redirect(url_for("jobs.page", job_id=job_id))


@bp.post(f"/{LEVEL}/<code>/<month>/offair")
@login_required
def add_offair(level: str, code: str, month: str):
    """Mark the planner's communes, or one of them, off the air (a typhoon, a power cut); it
    counts at the next plan or re-plan of the month."""
    period = month_or_404(month)
    planner = planner_or_404(level, code, period)
    form = {k: request.form.get(k, "")[:300] for k in ("target", "date_from", "date_to",
                                                        "session", "reason")}
    target = form["target"] or str(planner.scope)  # the page's form makes the person choose
    try:
        if closes(planner, planner_stations(db(), planner, period), target) is None:
            abort(403)
        start = parse_date(form["date_from"])
        end = parse_date(form["date_to"] or form["date_from"])
        add_blackout(db(), target, start, end, form["session"], form["reason"], source="web")
        db().commit()
    except (UserError, ScopeError, PeriodError) as exc:
        db().rollback()
        return _page(planner, period, status=400, error=str(exc.message), form=form,
                     error_at="offair")
    if end < period.start or start > period.end:  # saved, but this page does not list it
        flash(tr("The off-air period {a}–{b} was saved; it is outside this month and counts when "
                 "its month is planned.", "Đã lưu thời gian ngừng phát {a}–{b}; thời gian này "
                 "ngoài tháng đang xem, lịch sẽ tính khi lập lịch tháng đó.",
                 a=start.strftime("%d/%m/%Y"), b=end.strftime("%d/%m/%Y")), "ok")
        return redirect(month_url(planner, period, "#offair"))
    flash(tr("The off-air period was saved; it counts at the next planning of the month.",
             "Đã lưu thời gian ngừng phát; lịch sẽ tính đến khi lập lại lịch tháng."), "ok")
    return redirect(month_url(planner, period, "#offair"))


@bp.post(f"/{LEVEL}/<code>/<month>/offair/<int:blackout_id>/delete")
@login_required
def delete_offair(level: str, code: str, month: str, blackout_id: int):
    period = month_or_404(month)
    planner = planner_or_404(level, code, period)
    found = db().get(Blackout, blackout_id)
    if found is None:
        abort(404)
    if not can_manage_scope(db(), g.user, parse_scope(found.scope)):
        abort(403)
    remove_blackout(db(), blackout_id)
    db().commit()
    flash(tr("The off-air period was removed.", "Đã xóa thời gian ngừng phát."), "ok")
    return redirect(month_url(planner, period, "#offair"))
