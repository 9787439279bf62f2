"""The JSON API for IP speaker systems and scripts: schedules, bundles and as-run reports.

Authenticate with a station's download token (`Authorization: Bearer <token>`, that station only)
or a signed-in browser session (writes then need the X-CSRFToken header)."""

from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request, url_for

from ..reports.asrun import read_asrun_csv, record_asrun, station_reports
from ..reference.divisions import stations_in
from ..core.errors import InputErrors, UserError
from ..core.i18n import M, get_lang
from ..jobs.runner import describe, get_job
from ..core.models import Station, User
from ..core.scopes import parse_scope
from ..reports.station_month import schedule_document, station_bundles, station_month
from ..access.users import can_see
from .errors import csrf, error_response
from .common import bearer_grant, db, month_or_404, station_or_404, this_month, web_settings, who
from .jobs import can_manage_job
from .station import _send_newest

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _authenticate():
    if request.headers.get("Authorization"):
        grant = bearer_grant()
        if grant is None:
            abort(401)  # a wrong, revoked or malformed token; no cookie is tried instead
        g.user, g.grant = None, grant
        return
    if g.user is None:
        abort(401)
    csrf.protect()  # a browser's cookie rides along on any site's request: writes need the token


@bp.get("/me")
def me():
    if isinstance(who(), User):
        u = g.user
        return jsonify({"kind": "user", "username": u.username, "role": u.role, "scope": u.scope})
    station = db().get(Station, g.grant.station_id)
    return jsonify({"kind": "link", "station": station.code, "name": station.name})


@bp.get("/stations")
def stations():
    period = month_or_404(request.args.get("month") or this_month().label)
    if isinstance(who(), User):
        found = stations_in(db(), parse_scope(g.user.scope), on=period.start, until=period.end)
    else:
        found = [db().get(Station, g.grant.station_id)]
    return jsonify([{"station": s.code, "name": s.name, "district": s.district_code,
                     "kind": s.kind} for s in found if can_see(who(), s)])


@bp.get("/stations/<code>/schedule/<month>")
def schedule(code: str, month: str):
    period = month_or_404(month)
    view = station_month(db(), station_or_404(code, period), period)
    if view.schedule is None:
        return error_response(404, _no_schedule(code, month))
    return jsonify(schedule_document(view, get_lang()))


def _no_schedule(code: str, month: str):
    return M("station {code} has no schedule for {month} yet",
             "đài {code} chưa có lịch tháng {month}", code=code, month=month)


@bp.get("/stations/<code>/bundles")
def bundles(code: str):
    station = station_or_404(code, this_month())
    return jsonify([{"month": b.month, "version": b.version, "sha256": b.sha256, "size": b.size,
                     "url": url_for("api.bundle", code=code, month=b.month)}
                    for b in station_bundles(db(), station.id)])


@bp.get("/stations/<code>/bundles/<month>")
def bundle(code: str, month: str):
    period = month_or_404(month)
    return _send_newest(station_or_404(code, period), period)


@bp.get("/stations/<code>/asrun/<month>")
def asrun_list(code: str, month: str):
    period = month_or_404(month)
    station = station_or_404(code, period)
    return jsonify([{"station": station.code, "date": r.date.isoformat(), "session": r.session,
                     "status": r.status, "segment": r.segment, "reason": r.reason,
                     "source": r.source, "reported_by": r.reported_by}
                    for r in station_reports(db(), station, period.start, period.end)])


@bp.post("/asrun")
def asrun_post():
    """Reports as JSON ({"reports": [...]} or a bare list) or as asrun.csv text; all or nothing."""
    try:
        if request.mimetype in ("text/csv", "text/plain"):
            rows = read_asrun_csv(request.get_data(cache=False), name="asrun.csv",
                                  max_rows=web_settings().max_asrun_rows)
            name = "asrun.csv"
        else:
            body = request.get_json(silent=True)
            rows = body.get("reports") if isinstance(body, dict) else body
            name = "JSON"
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise UserError(M(
                    "expected JSON: a list of reports, or {{\"reports\": [...]}}, each an object "
                    "with station, date, session, status, segment and reason; or asrun.csv text "
                    "sent as text/csv",
                    "cần JSON: một danh sách báo cáo, hoặc {{\"reports\": [...]}}, mỗi báo cáo là "
                    "một đối tượng có station, date, session, status, segment và reason; hoặc nội "
                    "dung asrun.csv gửi dạng text/csv"))
        if len(rows) > web_settings().max_asrun_rows:
            raise UserError(M("at most {n} reports in one request; send them in parts",
                              "tối đa {n} báo cáo mỗi lần gửi; hãy chia nhỏ",
                              n=web_settings().max_asrun_rows))
        reporter = g.user.username if isinstance(who(), User) else f"link:{g.grant.token_id}"
        result = record_asrun(db(), rows, "api", reporter, name=name,
                              allowed=lambda s: can_see(who(), s))
        db().commit()
    except InputErrors as exc:
        db().rollback()
        resp = error_response(400, exc.message)
        body = resp.get_json()
        body["errors"] = [{"line": e.line, "column": e.column, "problem": str(e.problem)}
                          for e in exc.errors]
        resp.set_data(jsonify(body).get_data())
        return resp
    except UserError as exc:
        db().rollback()
        return error_response(400, exc.message)
    return jsonify({"added": result.added, "replaced": result.replaced}), 201


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    found = get_job(db(), job_id, settings=web_settings())  # a dead job is marked failed here
    if not can_manage_job(found):
        abort(403)
    return jsonify(describe(found, get_lang()))
