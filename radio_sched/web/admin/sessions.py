"""Session templates per scope: listed as people read them, added, updated and removed with the
checks of 'radio-sched sessions import'."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ...core.errors import UserError
from ...core.i18n import tr
from ...reference.session_templates import (
    DAYS, capacity_seconds, describe_weekdays, list_sessions, remove_session, save_session
)
from ..common import db
from .base import SHORT, choices, field, labels

bp = Blueprint("sessions", __name__, url_prefix="/sessions")


@bp.get("/")
def page():
    return _page()


def _page(*, form: dict | None = None, error: str | None = None, status: int = 200):
    templates = list_sessions(db())
    names = labels({t.scope for t in templates})
    edit = request.args.get("edit", "")
    chosen = next((t for t in templates if str(t.id) == edit), None)
    if form is None and chosen is not None:
        form = {"scope": chosen.scope, "session": chosen.session, "start": chosen.start,
                "days": [d for n, d in enumerate(DAYS) if chosen.weekday_mask >> n & 1],
                "capacity": f"{chosen.capacity_s // 60}:{chosen.capacity_s % 60:02d}"}
    return render_template(
        "admin/sessions.html", rows=[(t, names[t.scope], describe_weekdays(t.weekday_mask))
                                     for t in templates],
        choices=choices(), days=DAYS, form=form or {"scope": "province", "days": DAYS},
        error=error, editing=chosen), status


@bp.post("/")
def save():
    """Add a session, or update the one of that scope and name."""
    days = [d for d in request.form.getlist("days")[:7] if d in DAYS]
    form = {"scope": field("scope", SHORT), "session": field("session", SHORT),
            "start": field("start", 8), "days": days, "capacity": field("capacity", 12)}
    try:
        tmpl = save_session(db(), {
            "scope": form["scope"], "session": form["session"], "start": form["start"],
            "weekdays": "daily" if len(days) == 7 else ",".join(days),
            "capacity_s": capacity_seconds(form["capacity"])})
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(form=form, error=str(exc.message), status=400)
    flash(tr("Session '{s}' saved; it counts from the next planning of a month.",
             "Đã lưu buổi '{s}'; lịch tính đến từ lần lập lịch tháng tiếp theo.", s=tmpl.session),
          "ok")
    return redirect(url_for("admin.sessions.page"))


@bp.post("/<int:template_id>/delete")
def delete(template_id: int):
    try:
        tmpl = remove_session(db(), template_id)
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(error=str(exc.message), status=404)
    flash(tr("Session '{s}' removed.", "Đã xóa buổi '{s}'.", s=tmpl.session), "ok")
    return redirect(url_for("admin.sessions.page"))
