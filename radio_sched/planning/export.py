"""Schedule export: the month's current schedule as radio-sched.schedule/1 JSON, or CSV per item."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.csvio import write_csv
from ..reference.divisions import stations_in
from ..core.errors import NotFound
from ..core.i18n import M, get_lang
from ..core.models import Schedule, ScheduleStation
from ..core.periods import Period
from .schedules import current_schedule_ids, read_airings
from ..reports.past import past_statuses
from ..core.scopes import PROVINCE, Scope

FORMAT = "radio-sched.schedule/1"
CSV_COLUMNS = ["station", "name", "district", "date", "session", "start", "capacity_s", "position",
               "segment", "sha256", "kind", "duration_s"]


def month_schedule(session: Session, month: Period, scope: Scope | None = None, *,
                   version: int | None = None, lang: str | None = None) -> dict:
    """The schedule document of DESIGN.md for the stations in scope (their current version, or one)."""
    scope = scope or PROVINCE
    lang = lang or get_lang()
    stations = stations_in(session, scope, on=month.start, until=month.end, active_only=False)
    ids = [s.id for s in stations]
    if version is None:
        current = current_schedule_ids(session, month.label, ids)
    else:
        sch_id = session.scalar(select(Schedule.id).where(Schedule.month == month.label,
                                                          Schedule.version == version))
        if sch_id is None:
            raise NotFound(M("{month} has no schedule version {v}",
                             "tháng {month} không có lịch phiên bản {v}", month=month.label, v=version))
        covered = set(session.scalars(select(ScheduleStation.station_id)
                                      .where(ScheduleStation.schedule_id == sch_id)))
        current = {sid: sch_id for sid in ids if sid in covered}
    if not current:
        raise NotFound(M("no schedule is stored for {month} in {scope}: run 'radio-sched plan {month}'",
                         "chưa có lịch tháng {month} cho {scope}: hãy chạy 'radio-sched plan {month}'",
                         month=month.label, scope=str(scope)))
    versions = dict(session.execute(select(Schedule.id, Schedule.version)
                                    .where(Schedule.id.in_(set(current.values())))).all())
    airings = _airings(session, current, past_statuses(session, month, current))
    shortfalls = _shortfalls(session, current)
    out_stations = []
    for st in stations:
        if st.id not in current:
            continue
        sfs = [{"rule": s["rule"], "segment": s.get("segment"), "required": s["required"],
                "planned": s["planned"], "reason": (s.get("reason") or {}).get(lang, "")}
               for s in shortfalls.get(st.id, [])]
        out_stations.append({"station": st.code, "name": st.name, "district": st.district_code,
                             "version": versions[current[st.id]],
                             "airings": airings.get(st.id, []), "shortfalls": sfs})
    return {"format": FORMAT, "month": month.label, "scope": str(scope),
            "version": max(versions[v] for v in current.values()),
            "status": "shortfalls" if any(s["shortfalls"] for s in out_stations) else "complete",
            "stations": out_stations}


def _airings(session: Session, current: dict[int, int], statuses: dict[int, dict]
             ) -> dict[int, list[dict]]:
    """Each station's airings; a past one of a re-plan, kept as planned, carries its status."""
    def one(a, past: dict) -> dict:
        status = past.get((a.date, a.session))
        return {"date": a.date.isoformat(), "session": a.session, "start": a.start,
                "capacity_s": a.capacity_s, **({} if status is None else {"status": status}),
                "items": [{"segment": i.slug, "sha256": i.sha256, "kind": i.kind,
                           "duration_s": round(i.duration_s, 3)} for i in a.items]}

    return {sid: [one(a, statuses.get(sid, {})) for a in stored]
            for sid, stored in read_airings(session, current).items()}


def _shortfalls(session: Session, current: dict[int, int]) -> dict[int, list[dict]]:
    rows = session.execute(select(ScheduleStation.schedule_id, ScheduleStation.station_id,
                                  ScheduleStation.shortfalls)
                           .where(ScheduleStation.schedule_id.in_(set(current.values()))))
    return {sid: sfs for sch, sid, sfs in rows if current.get(sid) == sch and sfs}


def to_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def to_csv(doc: dict) -> str:
    """One row per item: station, name, district, date, session, start, capacity_s, position, ..."""
    rows = []
    for st in doc["stations"]:
        for a in st["airings"]:
            for pos, it in enumerate(a["items"], 1):
                rows.append([st["station"], st["name"], st["district"] or "", a["date"], a["session"],
                             a["start"], a["capacity_s"], pos, it["segment"], it["sha256"], it["kind"],
                             it["duration_s"]])
    return write_csv(rows, CSV_COLUMNS)


def export_month(session: Session, month: Period, scope: Scope | None = None, *, fmt: str = "json",
                 version: int | None = None, lang: str | None = None) -> str:
    doc = month_schedule(session, month, scope, version=version, lang=lang)
    return to_json(doc) if fmt == "json" else to_csv(doc)
