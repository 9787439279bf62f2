"""Content from the pages: notices spoken from text (the planner's and the station's), bulletins,
and withdrawals of a segment; bulletins and withdrawals re-plan in a job whose page follows them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..core.config import local_today
from ..core.errors import Conflict, FormErrors, UserError
from ..core.i18n import M, Msg, get_lang, tr
from ..core.models import Segment, Station
from ..core.periods import Period
from ..jobs.content_start import (
    BULLETIN_FIELDS, add_notice, start_bulletin, start_withdrawal, withdrawable,
    withdrawal_step
)
from ..planning.content_view import content_page, notice_page
from ..planning.planner_month import Planner
from .common import db, login_required, month_or_404, settings, station_or_404, web_settings, who
from .planner import LEVEL, planner_or_404
from .station import _grant_station

bp = Blueprint("content", __name__)
NOTICE_FIELDS = ("kind", "scope", "title", "valid_from", "valid_until")
# the forms' fields as their labels name them, for the problems a refusal lists
NOTICE_LABELS = {"title": M("Title", "Tiêu đề"), "text": M("Text of the notice", "Nội dung "
                 "thông báo"), "kind": M("Kind", "Loại tin"), "scope": M("For", "Phát cho"),
                 "valid_from": M("Airs from", "Phát từ ngày"), "valid_until": M("Until",
                                                                               "Đến ngày")}
BULLETIN_LABELS = {"file": M("Audio file", "Tệp âm thanh"), "title": M("Title", "Tiêu đề"),
                   "priority": M("Priority", "Mức ưu tiên"), "scope": M("For", "Phát cho"),
                   "from": M("From", "Từ ngày"), "days": M("Days", "Số ngày"),
                   "unplanned": M("Not planned yet", "Chưa có lịch")}


def _form(names: tuple[str, ...]) -> dict[str, str]:
    """The notice form's fields; the text whole (the body's cap, max_form_kb, bounds it), so
    that one too long comes back as typed and its length is told truly."""
    out = {k: request.form.get(k, "")[:300].strip() for k in names}
    out["text"] = request.form.get("text", "")
    return out


def asked(form: dict[str, str], exc: UserError) -> dict:
    """The bulletin form as it comes back, with the box that stores a bulletin for days not
    planned yet when that is what the refusal asks about."""
    return {**form, "ask_unplanned": isinstance(exc, FormErrors) and "unplanned" in exc.fields()}


def said(exc: UserError, labels: dict[str, Msg]) -> str:
    """A refusal as a page words it: each of a form's problems after its field's label."""
    return str(exc.worded(labels) if isinstance(exc, FormErrors) else exc.message)


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
        error=error, preview=preview, bulletin_back=bulletin is not None,
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
        return _page(planner, period, status=400, error=said(exc, NOTICE_LABELS), notice=form)
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
                     error=said(exc, BULLETIN_LABELS), bulletin=asked(form, exc))
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
        if request.method == "POST" and request.form.get("confirm") == "1":
            return redirect(url_for("jobs.page", job_id=start_withdrawal(
                settings(), db(), g.user, seg.slug, text, web_settings())))
        w = withdrawal_step(db(), g.user, seg, text)
    except UserError as exc:
        db().rollback()
        return render_template("content/withdraw.html", seg=seg, back=back, day=text,
                               error=str(exc.message), w=None, today=local_today()), 400
    return render_template("content/withdraw.html", seg=seg, back=back, day=text, error=None,
                           w=w, today=local_today())


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
            error, status = said(exc, NOTICE_LABELS), 400
    return render_template("content/notice.html", station=station, period=period, back=back,
                           here=here, v=notice_page(db(), station, period), form=form,
                           preview=preview, error=error), status


def _who_name(station: Station | None = None) -> str:
    user = g.get("user")
    if user is not None and g.get("grant") is None:
        return user.display_name or user.username
    return station.name if station is not None else ""


def _said(spoken) -> None:
    """The answer after a notice is made: its length, and when it airs (once the Department
    approves it, for a kind it reviews; else from the next planning)."""
    seg = spoken.result.segments[0]
    if seg.status == "pending":
        flash(tr("The notice '{t}' was made ({d:.0f} s of speech). It waits for the Department's "
                 "approval: the Department reviews this kind before it is scheduled.",
                 "Đã tạo thông báo '{t}' ({d:.0f} giây). Tin đang chờ Sở duyệt: Sở xem xét loại "
                 "tin này trước khi xếp lịch.", t=seg.title, d=seg.duration_s), "warn")
        return
    flash(tr("The notice '{t}' was made ({d:.0f} s of speech); it airs from the next planning "
             "or re-planning of the month.", "Đã tạo thông báo '{t}' ({d:.0f} giây); tin được "
             "xếp lịch từ lần lập lịch hoặc lập lại lịch tháng tiếp theo.", t=seg.title,
             d=seg.duration_s), "ok")
