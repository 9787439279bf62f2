"""Off-air days and public holidays: the province's off-air periods with their reasons, added,
removed, and a year's public holidays added as 'radio-sched blackouts import --holidays' does."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ...core.errors import UserError
from ...core.i18n import tr
from ...core.periods import PeriodError, parse_date
from ...reference.blackouts import add_blackout, import_blackouts, list_blackouts, remove_blackout
from ...reference.session_templates import list_sessions
from ..common import db
from .base import LONG, SHORT, choices, field, labels, period

bp = Blueprint("offair", __name__, url_prefix="/offair")
SOURCES = {"holidays": ("public holiday", "ngày lễ"), "csv": ("file", "tệp"),
           "web": ("entered on the web", "nhập trên web")}


def _year() -> int:
    wanted = request.values.get("year", "")
    return int(wanted) if wanted.isdigit() and len(wanted) == 4 else period().start.year


@bp.get("/")
def page():
    return _page(_year())


def _page(year: int, *, form: dict | None = None, error: str | None = None, status: int = 200):
    rows = list_blackouts(db(), start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    names = labels({b.scope for b in rows})
    return render_template(
        "admin/offair.html", year=year, rows=[(b, names[b.scope]) for b in rows],
        sources={k: tr(*v) for k, v in SOURCES.items()}, choices=choices(),
        session_names=sorted({t.session for t in list_sessions(db())}),
        form=form or {"scope": "province"}, error=error), status


@bp.post("/")
def add():
    """One off-air period (a storm, a power cut, a local holiday) for a place."""
    form = {k: field(k, SHORT) for k in ("scope", "date_from", "date_to", "session")}
    form["reason"] = field("reason", LONG)
    try:
        start = parse_date(form["date_from"])
        row = add_blackout(db(), form["scope"], start, parse_date(form["date_to"]) if
                           form["date_to"] else start, form["session"], form["reason"],
                           source="web")
        db().commit()
    except (UserError, PeriodError) as exc:
        db().rollback()
        return _page(_year(), form=form, error=str(exc.message), status=400)
    flash(tr("The off-air period was saved; it counts at the next planning of a month.",
             "Đã lưu thời gian ngừng phát; lịch sẽ tính đến khi lập lịch tháng."), "ok")
    return redirect(url_for("admin.offair.page", year=row.date_from.year))


@bp.post("/holidays")
def holidays():
    """The public holidays of a year, for the whole province."""
    year = _year()
    try:
        res = import_blackouts(db(), None, holiday_years=(year,), holiday_scope="province")
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(year, error=str(exc.message), status=400)
    flash(tr("Public holidays of {y}: {a} added, {u} updated.",
             "Ngày lễ năm {y}: thêm {a}, cập nhật {u}.", y=year, a=res.added, u=res.updated), "ok")
    return redirect(url_for("admin.offair.page", year=year))


@bp.post("/<int:blackout_id>/delete")
def delete(blackout_id: int):
    try:
        row = remove_blackout(db(), blackout_id)
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(_year(), error=str(exc.message), status=404)
    flash(tr("The off-air period was removed.", "Đã xóa thời gian ngừng phát."), "ok")
    return redirect(url_for("admin.offair.page", year=row.date_from.year))
