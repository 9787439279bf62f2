"""The district culture center's pages: its communes' month, schedule versions, shortfalls, jobs;
plan, render, re-plan and segment uploads started as background jobs."""

from __future__ import annotations

import re
import subprocess
import threading

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..reference.blackouts import add_blackout, list_blackouts, remove_blackout
from ..core.config import local_today
from ..reference.divisions import stations_in
from ..core.errors import Conflict, UserError
from ..core.i18n import get_lang, tr
from ..jobs.runner import describe, get_job, recent_jobs, start_process
from ..jobs.locks import ACTIVE
from ..core.models import Blackout, Unit
from ..reports.overview import month_status, schedule_versions
from ..core.periods import Period, PeriodError, parse_date
from ..planning.replan import check_replan, first_day_to_replan
from ..reference.plan_rules import active_plan
from ..core.scopes import PROVINCE, Scope, ScopeError, parse_scope
from ..reference.session_templates import list_sessions
from ..reports.station_month import reason_text
from ..access.users import can_manage, can_manage_scope
from ..jobs.kinds import discard_upload, upload_specs
from .common import (
    db, district_unit_or_404, landing_month, login_required, month_or_404, settings, this_month,
    web_settings
)
from ..jobs.uploads import save_upload

UPLOAD_FIELDS = ("kind", "title", "slug", "scope", "valid_from", "valid_until", "topics",
                 "language", "producer")

bp = Blueprint("district", __name__)


def district_or_404(code: str, period: Period) -> Unit:
    """The district unit of that month, if the signed-in user may run its work (403 if not)."""
    unit = district_unit_or_404(code, period)
    if not can_manage(g.user, Scope("district", unit.code), province_code=unit.province_code):
        abort(403)
    return unit


@bp.get("/district/<code>/")
@login_required
def index(code: str):
    month = landing_month("district", code) if code.isdigit() and len(code) <= 12 else this_month()
    district_or_404(code, month)
    return redirect(url_for("district.month", code=code, month=month.label))


@bp.get("/district/<code>/<month>/")
@login_required
def month(code: str, month: str):
    period = month_or_404(month)
    return _page(district_or_404(code, period), period)


def _page(unit: Unit, period: Period, *, status: int = 200, error: str | None = None,
          form: dict | None = None, upload: dict | None = None, replan_from: str | None = None):
    scope = Scope("district", unit.code)
    stations = stations_in(db(), scope, on=period.start, until=period.end)
    offair = list_blackouts(db(), scope, start=period.start, end=period.end)
    jobs = recent_jobs(db(), scope=str(scope), limit=10)
    return render_template(
        "district/month.html", unit=unit, period=period, statuses=month_status(db(), stations, period),
        versions=schedule_versions(db(), period.label, [s.id for s in stations]),
        jobs=jobs,
        running=[j for j in jobs if j.status in ACTIVE and j.month in (period.label, None)],
        reason_text=reason_text,
        sessions=list_sessions(db(), scope), stations=stations, error=error, form=form or {},
        offair=[(b, can_manage_scope(db(), g.user, parse_scope(b.scope))) for b in offair],
        session_names=sorted({t.session for t in list_sessions(db())}),
        upload=upload or {"scope": str(scope), "kind": "district_episode"},
        kinds=_kinds(period), province_too=can_manage(g.user, PROVINCE),
        replan_from=replan_from or first_day_to_replan(period, local_today()).isoformat()), status


def _kinds(period: Period) -> list[str]:
    """The kinds the year's plan names, for the upload form's suggestions (kinds stay open)."""
    try:
        rules = active_plan(db(), period.start.year)[1]
    except UserError:
        return ["district_episode", "jingle"]
    return sorted({r.kind for r in rules.rules if r.kind != "*"} | {"jingle"})


# --- background work: plan, render, upload --------------------------------------------------------

@bp.post("/district/<code>/<month>/plan")
@login_required
def plan(code: str, month: str):
    """Plan the district's month in a job process; its page shows the progress."""
    return _start(code, month, "plan")


@bp.post("/district/<code>/<month>/render")
@login_required
def render(code: str, month: str):
    """Render the district's month (bundles for its stations) in a job process."""
    return _start(code, month, "render")


@bp.post("/district/<code>/<month>/replan")
@login_required
def replan(code: str, month: str):
    """Re-plan the district's month from a chosen day in a job process: the days before stay as
    aired, make-goods after it, new versions and bundles for the communes that change."""
    period = month_or_404(month)
    unit = district_or_404(code, period)
    text = request.form.get("from", "")[:40]
    try:
        day = parse_date(text)
        check_replan(db(), period, day, Scope("district", unit.code))  # the quick refusals, at once
    except (UserError, PeriodError) as exc:
        return _page(unit, period, status=400, error=str(exc.message), replan_from=text)
    finally:
        db().rollback()
    return _start(code, month, "replan", {"from": day.isoformat()}, replan_from=text)


def _start(code: str, month: str, kind: str, params: dict | None = None, **page):
    period = month_or_404(month)
    unit = district_or_404(code, period)
    try:
        job_id = _launch(kind, period.label, f"district:{unit.code}", params)
    except Conflict as exc:
        return _page(unit, period, status=409, error=str(exc.message), **page)
    return redirect(url_for("district.job", job_id=job_id))


def _launch(kind: str, month: str | None, scope: str, params: dict | None = None) -> int:
    job_id, proc = start_process(settings(), kind, month, scope, params=params,
                                 created_by=g.user.username, web=web_settings())
    # Someone must wait for the process, or it lingers as a zombie once it ends.
    threading.Thread(target=_reap, args=(proc,), name=f"reap-job-{job_id}", daemon=True).start()
    return job_id


def _reap(proc: subprocess.Popen) -> None:
    proc.wait()


@bp.post("/district/<code>/<month>/segments")
@login_required
def upload(code: str, month: str):
    """Add uploaded audio to the library in a job: the files with one form, or a segments.csv
    with the files it names; the same checks as 'radio-sched segments add/import'."""
    period = month_or_404(month)
    unit = district_or_404(code, period)
    form = {k: request.form.get(k, "")[:300] for k in UPLOAD_FIELDS}
    try:
        params = save_upload(settings(), request.files.getlist("files"),
                             request.files.get("manifest"), web_settings())
    except UserError as exc:
        return _page(unit, period, status=400, error=str(exc.message), upload=form)
    # the month only brings the user back to the page they came from: an upload is no month's work
    params.update(form=form, replace=request.form.get("replace") == "1", month=period.label)
    try:
        # the quick checks (fields, scopes, who may add what) answer at once; the audio's own
        # checks and its preparation run in the job
        upload_specs(db(), settings(), g.user, params)
        db().rollback()
        job_id = _launch("segments", None, f"district:{unit.code}", params)
    except UserError as exc:
        discard_upload(settings(), params["upload"])
        db().rollback()
        return _page(unit, period, status=409 if isinstance(exc, Conflict) else 400,
                     error=str(exc.message), upload=form)
    except BaseException:
        discard_upload(settings(), params["upload"])
        raise
    return redirect(url_for("district.job", job_id=job_id))


@bp.post("/district/<code>/<month>/offair")
@login_required
def add_offair(code: str, month: str):
    """Mark a district or one of its communes off the air (a typhoon, a power cut); it counts at
    the next plan or re-plan of the month."""
    period = month_or_404(month)
    unit = district_or_404(code, period)
    form = {k: request.form.get(k, "")[:300] for k in ("target", "date_from", "date_to",
                                                        "session", "reason")}
    target = form["target"] or f"district:{unit.code}"
    try:
        scope = parse_scope(target)
        if not (scope == Scope("district", unit.code) or (
                scope.level == "commune" and any(s.code == scope.code for s in stations_in(
                    db(), Scope("district", unit.code), on=period.start, until=period.end)))):
            abort(403)
        add_blackout(db(), target, _date(form["date_from"]), _date(form["date_to"] or
                                                                  form["date_from"]),
                     form["session"], form["reason"], source="web")
        db().commit()
    except (UserError, ScopeError, PeriodError) as exc:
        db().rollback()
        return _page(unit, period, status=400, error=str(exc.message), form=form)
    flash(tr("The off-air period was saved; it counts at the next planning of the month.",
             "Đã lưu thời gian ngừng phát; lịch sẽ tính đến khi lập lại lịch tháng."), "ok")
    return redirect(url_for("district.month", code=unit.code, month=period.label) + "#offair")


@bp.post("/district/<code>/<month>/offair/<int:blackout_id>/delete")
@login_required
def delete_offair(code: str, month: str, blackout_id: int):
    period = month_or_404(month)
    unit = district_or_404(code, period)
    found = db().get(Blackout, blackout_id)
    if found is None:
        abort(404)
    if not can_manage_scope(db(), g.user, parse_scope(found.scope)):
        abort(403)
    remove_blackout(db(), blackout_id)
    db().commit()
    flash(tr("The off-air period was removed.", "Đã xóa thời gian ngừng phát."), "ok")
    return redirect(url_for("district.month", code=unit.code, month=period.label) + "#offair")


def _date(text: str):
    return parse_date(text)


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    found = get_job(db(), job_id)
    if not can_manage_job(found):
        abort(403)
    return render_template("job.html", job=describe(found, get_lang()), back=_back(found))


def _back(job) -> str:
    """Where the job's result shows: its district's (or station's, or the province's) month."""
    month = job.month or (job.result or {}).get("params", {}).get("month") or this_month().label
    if not isinstance(month, str) or not re.fullmatch(r"\d{4}-\d{2}", month):
        month = this_month().label
    scope = parse_scope(job.scope)
    if scope.level == "district":
        return url_for("district.month", code=scope.code, month=month)
    if scope.level == "commune":
        return url_for("station.page", code=scope.code, month=month)
    return url_for("department.month", month=month)


def can_manage_job(job) -> bool:
    """A job is seen by whoever may run the work of its scope."""
    return can_manage_scope(db(), g.get("user"), parse_scope(job.scope))
