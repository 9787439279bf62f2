"""Content approval: the segments waiting for the Department (listened to, approved or refused
with a reason), the kinds that wait, and the province's bulletins."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for

from ...core.errors import Conflict, UserError
from ...core.i18n import M, tr
from ...core.models import Segment
from ...jobs.content_start import BULLETIN_FIELDS, approve as approve_segment, start_bulletin
from ...planning.content_view import approval_page
from ...production.approval import review_segment, set_needs_approval
from ...production.parts import Library
from ..common import db, settings, web_settings
from ..content import BULLETIN_LABELS, asked, said
from .base import LONG, SHORT, choices, field

bp = Blueprint("approval", __name__, url_prefix="/approval")


@bp.get("/")
def page():
    return _page()


def _page(*, error: str | None = None, status: int = 200, bulletin: dict | None = None,
          refusing: dict | None = None):
    return render_template(
        "admin/approval.html", v=approval_page(db(), user=g.user), error=error,
        choices=choices(), refusing=refusing or {}, bulletin_back=bulletin is not None,
        bulletin=bulletin or {"priority": "urgent", "scope": "province", "days": "1"}), status


def _segment(segment_id: int) -> Segment:
    seg = db().get(Segment, segment_id)
    if seg is None:
        abort(404)
    return seg


@bp.get("/<int:segment_id>/audio")
def audio(segment_id: int):
    """The segment's ready-to-air MP3, to listen to before deciding."""
    seg = _segment(segment_id)
    path = Library(settings().library_root).ready_path(seg.ready_sha256 or "") \
        if seg.ready_sha256 else None
    if path is None or not path.is_file():
        abort(404)
    return send_file(path, mimetype="audio/mpeg", conditional=True, max_age=0)


@bp.post("/<int:segment_id>/approve")
def approve(segment_id: int):
    """Approve: an ordinary segment at once; an urgent or priority bulletin in a job that
    re-plans its stations from the next session that has not started."""
    seg = _segment(segment_id)
    try:
        job_id = approve_segment(settings(), db(), g.user, seg, web_settings())
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(error=str(exc.message), status=409 if isinstance(exc, Conflict) else 400)
    if job_id is not None:
        return redirect(url_for("jobs.page", job_id=job_id))
    flash(tr("'{t}' is approved; it airs from the next planning or re-planning of a month.",
             "Đã duyệt '{t}'; tin được xếp lịch từ lần lập lịch hoặc lập lại lịch tiếp theo.",
             t=seg.title), "ok")
    return redirect(url_for("admin.approval.page"))


@bp.post("/<int:segment_id>/refuse")
def refuse(segment_id: int):
    seg = _segment(segment_id)
    reason = field("reason", LONG)
    try:
        review_segment(db(), seg.slug, approve=False, by=g.user.username, note=reason)
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(error=said(exc, {"reason": M("Reason for refusing", "Lý do không duyệt")}),
                     status=400, refusing={"id": segment_id, "reason": reason})
    flash(tr("'{t}' is refused; it is never scheduled.", "Đã không duyệt '{t}'; tin sẽ không "
             "được xếp lịch.", t=seg.title), "ok")
    return redirect(url_for("admin.approval.page"))


@bp.post("/kinds")
def kinds():
    """Whether districts' and communes' segments of a kind wait for approval."""
    kind, needed = field("kind", SHORT).lower(), request.form.get("needed") == "1"
    try:
        set_needs_approval(db(), kind, needed, by=g.user.username)
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(error=str(exc.message), status=400)
    flash(tr("Saved.", "Đã lưu."), "ok")
    return redirect(url_for("admin.approval.page") + "#kinds")


@bp.post("/bulletin")
def bulletin():
    """A bulletin of the Department: checked at once, then added and re-planned in a job."""
    form = {k: field(k, SHORT if k != "title" else LONG) for k in BULLETIN_FIELDS}
    try:
        job_id = start_bulletin(settings(), db(), g.user, request.files.get("file"), form,
                                web_settings())
    except UserError as exc:
        return _page(error=said(exc, BULLETIN_LABELS), bulletin=asked(form, exc),
                     status=409 if isinstance(exc, Conflict) else 400)
    return redirect(url_for("jobs.page", job_id=job_id))
