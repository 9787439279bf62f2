"""Content from the pages: notices spoken from text (the planner's and the station's), bulletins,
and withdrawals of a segment; bulletins and withdrawals re-plan in a job whose page follows them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..core.errors import Conflict, UserError
from ..core.i18n import get_lang, tr
from ..core.models import Segment, Station
from ..core.periods import Period
from ..jobs.content_start import (
    BULLETIN_FIELDS, add_notice, day_of, start_bulletin, start_withdrawal, withdrawable
)
from ..planning.content_view import content_page, notice_page, withdrawal
from ..planning.planner_month import Planner
from .common import db, login_required, month_or_404, settings, station_or_404, web_settings, who
from .planner import LEVEL, planner_or_404
from .station import _grant_station

bp = Blueprint("content", __name__)
NOTICE_FIELDS = ("kind", "scope", "title", "valid_from", "valid_until")
MAX_TEXT = 20_000


def _form(names: tuple[str, ...]) -> dict[str, str]:
    out = {k: request.form.get(k, "")[:300].strip() for k in names}
    out["text"] = request.form.get("text", "")[:MAX_TEXT + 1]
    return out


def _where(planner: Planner, period: Period) -> dict:
    return {"level": planner.level, "code": planner.code, "month": period.label}


# --- the planner's content page -------------------------------------------------------------------

@bp.get(f"/{LEVEL}/<code>/<month>/content/")
@login_required
def page(level: str, code: str, month: str):
    period = month_or_404(month)
    return _page(planner_or_404(level, code, period), period)


def _page(planner: Planner, period: Period, *, status: int = 200, error: str | None = None,
          notice: dict | None = None, bulletin: dict | None = None, preview: str | None = None):
    view = content_page(db(), planner, period, user=g.user, lang=get_lang())
    return render_template(
        "content/planner.html", v=view, unit=planner, period=period, where=_where(planner, period),
        error=error, preview=preview,
        notice=notice or {"scope": str(planner.scope), "kind": view.kinds[0][0]},
        bulletin=bulletin or {"priority": "urgent", "scope": str(planner.scope), "days": "1"},
    ), status


@bp.post(f"/{LEVEL}/<code>/<month>/content/notice")
@login_required
def notice(level: str, code: str, month: str):
    """Speak a notice typed in the form (or, with 'preview', show the text the voice reads)."""
    period = month_or_404(month)
    planner = planner_or_404(level, code, period)
    form = _form(NOTICE_FIELDS)
    preview = request.form.get("action") == "preview"
    try:
        spoken = add_notice(db(), settings(), g.user, {**form, "producer": _who_name()},
                            preview=preview)
        if not preview:
            db().commit()
    except UserError as exc:
        db().rollback()
        return _page(planner, period, status=400, error=str(exc.message), notice=form)
    if preview:
        db().rollback()
        return _page(planner, period, notice=form, preview=spoken.text)
    _said(spoken)
    return redirect(url_for("content.page", **_where(planner, period)) + "#notice")


@bp.post(f"/{LEVEL}/<code>/<month>/content/bulletin")
@login_required
def bulletin(level: str, code: str, month: str):
    """Check a bulletin at once, then add it and re-plan its stations in a job."""
    period = month_or_404(month)
    planner = planner_or_404(level, code, period)
    form = {k: request.form.get(k, "")[:300].strip() for k in BULLETIN_FIELDS}
    try:
        job_id = start_bulletin(settings(), db(), g.user, request.files.get("file"), form,
                                web_settings())
    except UserError as exc:
        return _page(planner, period, status=409 if isinstance(exc, Conflict) else 400,
                     error=str(exc.message), bulletin=form)
    return redirect(url_for("jobs.page", job_id=job_id))


@bp.route(f"/{LEVEL}/<code>/<month>/content/<int:segment_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(level: str, code: str, month: str, segment_id: int):
    """Say what withdrawing the segment from the chosen day will do; on confirmation, do it in
    a job (the stations of its place re-planned from that day)."""
    period = month_or_404(month)
    planner = planner_or_404(level, code, period)
    back = url_for("content.page", **_where(planner, period)) + "#library"
    return confirm_withdrawal(segment_id, back)


def confirm_withdrawal(segment_id: int, back: str):
    """The confirmation page (GET, or a POST without 'confirm') and the job (POST 'confirm'):
    shared by the planner's library and the Department's."""
    seg = db().get(Segment, segment_id)
    if seg is None:
        abort(404)
    if not withdrawable(db(), g.user, seg):
        abort(403)
    text = request.values.get("from", "")[:40]
    try:
        day = day_of(text, tr("the first day it no longer airs", "ngày bắt đầu ngừng phát"))
        if request.method == "POST" and request.form.get("confirm") == "1":
            return redirect(url_for("jobs.page", job_id=start_withdrawal(
                settings(), db(), g.user, seg.slug, text, web_settings())))
    except UserError as exc:
        db().rollback()
        return render_template("content/withdraw.html", seg=seg, back=back, day=text,
                               error=str(exc.message), w=None), 400
    return render_template("content/withdraw.html", seg=seg, back=back, day=text, error=None,
                           w=withdrawal(db(), seg, day, user=g.user))


# --- the station's notices: signed in, or through its download link -------------------------------

@bp.route("/station/<code>/<month>/notice", methods=["GET", "POST"])
@login_required
def station_notice(code: str, month: str):
    period = month_or_404(month)
    station = station_or_404(code, period)
    return _notice(station, period, url_for("station.page", code=code, month=period.label),
                   url_for("content.station_notice", code=code, month=period.label))


@bp.route("/d/<token>/<month>/notice", methods=["GET", "POST"])
def link_notice(token: str, month: str):
    station = _grant_station(token)
    period = month_or_404(month)
    return _notice(station, period, url_for("station.link_page", token=token, month=period.label),
                   url_for("content.link_notice", token=token, month=period.label))


def _notice(station: Station, period: Period, back: str, here: str):
    """The station's notice form: GET shows it; POST previews or speaks, for its own commune."""
    form = {"kind": "service_guide"}
    preview = error = None
    status = 200
    if request.method == "POST":
        form = _form(("kind", "title", "valid_from", "valid_until"))
        asked_preview = request.form.get("action") == "preview"
        try:
            spoken = add_notice(db(), settings(), who(), {
                **form, "scope": f"commune:{station.code}", "producer": _who_name(station)},
                preview=asked_preview)
            if asked_preview:
                preview = spoken.text
                db().rollback()
            else:
                db().commit()
                _said(spoken)
                return redirect(here)
        except UserError as exc:
            db().rollback()
            error, status = str(exc.message), 400
    return render_template("content/notice.html", station=station, period=period, back=back,
                           here=here, v=notice_page(db(), station, period), form=form,
                           preview=preview, error=error), status


def _who_name(station: Station | None = None) -> str:
    user = g.get("user")
    if user is not None and g.get("grant") is None:
        return user.display_name or user.username
    return station.name if station is not None else ""


def _said(spoken) -> None:
    """The answer after a notice is made: its length, and whether it waits for the Department."""
    seg = spoken.result.segments[0]
    flash(tr("The notice '{t}' was made ({d:.0f} s of speech); it airs from the next planning "
             "or re-planning of the month.", "Đã tạo thông báo '{t}' ({d:.0f} giây); tin được "
             "xếp lịch từ lần lập lịch hoặc lập lại lịch tháng tiếp theo.", t=seg.title,
             d=seg.duration_s), "ok")
    if seg.status == "pending":
        flash(tr("It waits for the Department's approval: the Department reviews this kind "
                 "before it is scheduled.", "Tin đang chờ Sở duyệt: Sở xem xét loại tin này "
                 "trước khi xếp lịch."), "warn")
