"""The station operator's pages: the month's calendar, the bundle download and as-run reports;
reached by signing in or through a password-free download link (/d/<token>/...)."""

from __future__ import annotations

import datetime as dt
import re

from flask import (Blueprint, abort, flash, g, redirect, render_template, request, url_for)

from ..reports.asrun import read_asrun_csv, record_asrun
from ..core.config import local_today
from ..core.errors import UserError
from ..core.i18n import tr
from ..core.models import Station
from ..core.periods import Period
from ..reports.station_month import (
    anchor, latest_bundle, local_stamp, reason_text, station_bundles, station_month
)
from ..access.tokens import create_token, get_token, list_tokens, resolve_token, revoke_token
from ..access.users import can_issue_links, can_see
from .common import (
    db, is_code, landing_month, login_required, month_or_404, settings, station_or_404, this_month,
    web_settings, who
)
from .downloads import send_bundle

bp = Blueprint("station", __name__)


# --- signed-in operators (and district / Department staff looking at a station) ------------------

@bp.get("/station/<code>/")
@login_required
def current(code: str):
    month = landing_month("commune", code) if is_code(code) else this_month()
    station_or_404(code, month)
    return redirect(url_for("station.page", code=code, month=month.label))


@bp.get("/station/<code>/<month>/")
@login_required
def page(code: str, month: str):
    period = month_or_404(month)
    return _page(station_or_404(code, period), period, _urls_signed_in(code, period))


@bp.get("/station/<code>/<month>/bundle")
@login_required
def bundle(code: str, month: str):
    period = month_or_404(month)
    return _send_newest(station_or_404(code, period), period)


@bp.post("/station/<code>/<month>/asrun")
@login_required
def asrun(code: str, month: str):
    period = month_or_404(month)
    station = station_or_404(code, period)
    return _record(station, period, _urls_signed_in(code, period), g.user.username, g.user)


@bp.post("/station/<code>/links")
@bp.post("/station/<code>/<month>/links")
@login_required
def create_link(code: str, month: str | None = None):
    # the month of the page the link is made from: a station of 2024 exists in no month of now
    period = month_or_404(month) if month else this_month()
    station = station_or_404(code, period)
    if not can_issue_links(g.user, station):
        abort(403)
    _row, token = create_token(db(), station, request.form.get("label", ""))
    db().commit()
    link = url_for("station.link_home", token=token, _external=True)
    # Shown once in this answer, never put in the (signed, not encrypted) flash cookie.
    return _page(station, period, _urls_signed_in(code, period), new_link=link)


@bp.post("/station/<code>/links/<int:token_id>/revoke")
@bp.post("/station/<code>/<month>/links/<int:token_id>/revoke")
@login_required
def revoke_link(code: str, token_id: int, month: str | None = None):
    period = month_or_404(month) if month else this_month()
    station = station_or_404(code, period)
    row = get_token(db(), token_id)
    if row.station_id != station.id or not can_issue_links(g.user, station):
        abort(403)
    revoke_token(db(), token_id)
    db().commit()
    flash(tr("The link was revoked.", "Đã thu hồi đường dẫn."), "ok")
    return redirect(url_for("station.page", code=code, month=period.label))


# --- download links: no password, one station ----------------------------------------------------

def _grant_station(token: str) -> Station:
    grant = resolve_token(db(), token)
    if grant is None:
        abort(404)  # unknown, revoked or malformed: the same answer, nothing to learn from it
    g.grant = grant
    station = db().get(Station, grant.station_id)
    if station is None or not can_see(grant, station):
        abort(404)
    return station


@bp.get("/d/<token>/")
def link_home(token: str):
    station = _grant_station(token)
    month = landing_month("commune", station.code)  # a month the station exists
    return redirect(url_for("station.link_page", token=token, month=month.label))


@bp.get("/d/<token>/<month>/")
def link_page(token: str, month: str):
    station = _grant_station(token)
    period = month_or_404(month)
    return _page(station, period, _urls_link(token, period), viewer=g.grant)


@bp.get("/d/<token>/<month>/bundle")
def link_bundle(token: str, month: str):
    station = _grant_station(token)
    return _send_newest(station, month_or_404(month))


@bp.post("/d/<token>/<month>/asrun")
def link_asrun(token: str, month: str):
    station = _grant_station(token)
    period = month_or_404(month)
    return _record(station, period, _urls_link(token, period), f"link:{g.grant.token_id}", g.grant)


# --- shared ---------------------------------------------------------------------------------------

def _urls_signed_in(code: str, period: Period) -> dict:
    prev, nxt = _neighbours(period)
    return {"bundle": url_for("station.bundle", code=code, month=period.label),
            "asrun": url_for("station.asrun", code=code, month=period.label),
            "prev": url_for("station.page", code=code, month=prev),
            "next": url_for("station.page", code=code, month=nxt),
            "month": lambda m: url_for("station.page", code=code, month=m),
            "bundle_of": lambda m: url_for("station.bundle", code=code, month=m),
            "notice": url_for("content.station_notice", code=code, month=period.label),
            "create_link": url_for("station.create_link", code=code, month=period.label),
            "revoke_link": lambda tid: url_for("station.revoke_link", code=code, month=period.label,
                                               token_id=tid)}


def _urls_link(token: str, period: Period) -> dict:
    prev, nxt = _neighbours(period)
    return {"bundle": url_for("station.link_bundle", token=token, month=period.label),
            "asrun": url_for("station.link_asrun", token=token, month=period.label),
            "prev": url_for("station.link_page", token=token, month=prev),
            "next": url_for("station.link_page", token=token, month=nxt),
            "month": lambda m: url_for("station.link_page", token=token, month=m),
            "bundle_of": lambda m: url_for("station.link_bundle", token=token, month=m),
            "notice": url_for("content.link_notice", token=token, month=period.label)}


def _neighbours(period: Period) -> tuple[str, str]:
    before = period.start - dt.timedelta(days=1)
    after = period.end + dt.timedelta(days=1)
    return f"{before.year:04d}-{before.month:02d}", f"{after.year:04d}-{after.month:02d}"


def source_is_form(upload) -> bool:
    """Whether a report came from one session's form (not an uploaded asrun.csv)."""
    return upload is None or not upload.filename


def _form_problem(exc: UserError) -> str:
    """A refused form report said as the form's own words: what is wrong, without the file, line
    and column that name it in an uploaded asrun.csv."""
    errors = getattr(exc, "errors", None)
    if errors:
        return "\n".join(str(e.problem) for e in errors)
    return str(exc)


def _page(station: Station, period: Period, urls: dict, *, viewer=None, status: int = 200,
          error: str | None = None, new_link: str | None = None, at: str | None = None,
          typed: dict | None = None):
    """The month page as `viewer` may see it: a download link's page never offers to make links,
    whoever else is signed in in the same browser."""
    viewer = viewer or who()
    view = station_month(db(), station, period)
    can_issue = can_issue_links(viewer, station)
    at = at or request.args.get("at", "")
    if at not in {anchor(a) for a in view.airings} | {"asrun-upload"}:
        at = ""  # the answer is then shown at the top
    return render_template(
        "station/month.html", view=view, urls=urls, today=local_today(), error=error,
        new_link=new_link, links=list_tokens(db(), station) if can_issue else [],
        can_issue=can_issue, at=at, anchor=anchor, stamp=local_stamp, typed=typed or {},
        bundles=station_bundles(db(), station.id), reason_text=reason_text), status


def _send_newest(station: Station, period: Period):
    found = latest_bundle(db(), station.id, period.label)
    if found is None:
        abort(404)
    return send_bundle(settings().schedules_root, found, station,
                       max_age=web_settings().download_max_age_s)


_ANCHOR = re.compile(r"^(r-[0-9-]{10}-[0-9]{4}|asrun-upload)$")


def _record(station: Station, period: Period, urls: dict, reported_by: str, viewer):
    """One session's report from the form, or a whole asrun.csv uploaded from the same page; the
    answer comes back to the row (or the upload form) the person was at."""
    upload = request.files.get("file")
    at = request.form.get("at", "")
    at = at if _ANCHOR.match(at) else ""
    try:
        if upload is not None and upload.filename:
            rows = read_asrun_csv(upload.read(), name=upload.filename[:200],
                                  max_rows=web_settings().max_asrun_rows)
            source, name = "csv", upload.filename[:200]
        else:
            rows = [{"station": station.code, **{k: request.form.get(k, "")[:400] for k in (
                "date", "session", "status", "segment", "reason")}}]
            source, name = "web", tr("the form", "biểu mẫu")
        # Whatever a file says, it may only speak for the station whose page this is.
        result = record_asrun(db(), rows, source, reported_by, name=name,
                              allowed=lambda s: s.id == station.id)
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(station, period, urls, viewer=viewer, status=400, at=at,
                     error=_form_problem(exc) if source_is_form(upload) else str(exc),
                     typed=dict(request.form) if source_is_form(upload) else {})
    flash(tr("Saved: {a} new, {r} changed, {u} as before.",
             "Đã lưu: {a} mới, {r} thay đổi, {u} như cũ.", a=result.added, r=result.replaced,
             u=result.unchanged), "inline")
    return redirect(urls["month"](period.label) + (f"?at={at}#{at}" if at else "#asrun"))
