"""Where a month stands for many stations at once: planned, short, bundled, reported."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..reference.divisions import stations_in
from ..core.models import (
    Airing, AiringItem, AsRun, Bundle, Schedule, ScheduleStation, Station, Unit
)
from ..core.periods import Period
from ..planning.schedules import current_schedule_ids
from ..core.scopes import Scope


@dataclass
class StationStatus:
    station: Station
    schedule: Schedule | None = None
    airings: int = 0
    items: int = 0
    shortfalls: list[dict[str, Any]] = field(default_factory=list)
    bundle: Bundle | None = None
    reports: Counter = field(default_factory=Counter)  # status -> count


@dataclass
class DistrictStatus:
    code: str | None  # None: communes with no district (the two-tier structure)
    name: str
    stations: int = 0
    planned: int = 0
    short: int = 0
    bundled: int = 0
    reported: int = 0
    missed: int = 0


def month_status(session: Session, stations: list[Station], month: Period) -> list[StationStatus]:
    """Each station's current schedule, its size and shortfalls, newest bundle and reports."""
    ids = [s.id for s in stations]
    out = {s.id: StationStatus(s) for s in stations}
    if not ids:
        return []
    current = current_schedule_ids(session, month.label, ids)
    schedules = {s.id: s for s in session.scalars(select(Schedule).where(
        Schedule.id.in_(set(current.values()))))} if current else {}
    pairs = [(sid, st) for st, sid in current.items()]
    for sid, st in pairs:
        out[st].schedule = schedules[sid]
    if pairs:
        by_schedule = defaultdict(list)
        for sid, st in pairs:
            by_schedule[sid].append(st)
        for sid, sts in by_schedule.items():
            for st, n in session.execute(
                    select(Airing.station_id, func.count(Airing.id))
                    .where(Airing.schedule_id == sid, Airing.station_id.in_(sts))
                    .group_by(Airing.station_id)):
                out[st].airings = n
            for st, n in session.execute(
                    select(Airing.station_id, func.count(AiringItem.id))
                    .join(AiringItem, AiringItem.airing_id == Airing.id)
                    .where(Airing.schedule_id == sid, Airing.station_id.in_(sts))
                    .group_by(Airing.station_id)):
                out[st].items = n
            for link in session.scalars(select(ScheduleStation).where(
                    ScheduleStation.schedule_id == sid, ScheduleStation.station_id.in_(sts))):
                out[link.station_id].shortfalls = list(link.shortfalls or [])
    for b in session.scalars(select(Bundle).where(Bundle.month == month.label,
                                                  Bundle.station_id.in_(ids))
                             .order_by(Bundle.version)):
        out[b.station_id].bundle = b  # the newest version wins
    for st, status, n in session.execute(
            select(AsRun.station_id, AsRun.status, func.count(AsRun.id))
            .where(AsRun.station_id.in_(ids), AsRun.date >= month.start, AsRun.date <= month.end)
            .group_by(AsRun.station_id, AsRun.status)):
        out[st].reports[status] = n
    return [out[s.id] for s in stations]


def district_statuses(session: Session, scope: Scope, month: Period) -> list[DistrictStatus]:
    """Month status summed per district of a scope (the Department's overview)."""
    stations = stations_in(session, scope, on=month.start, until=month.end)
    names = {u.code: u.name for u in session.scalars(select(Unit).where(
        Unit.level == "district", Unit.valid_from <= month.end, Unit.valid_until >= month.start))}
    rows: dict[str | None, DistrictStatus] = {}
    for s in month_status(session, stations, month):
        code = s.station.district_code
        d = rows.setdefault(code, DistrictStatus(code, names.get(code or "", "")))
        d.stations += 1
        d.planned += s.schedule is not None
        d.short += bool(s.shortfalls)
        d.bundled += s.bundle is not None
        d.reported += sum(s.reports.values()) > 0
        d.missed += s.reports.get("missed", 0) + s.reports.get("partial", 0)
    return sorted(rows.values(), key=lambda d: (d.code is None, int(d.code or 0)))


def schedule_versions(session: Session, month: str, station_ids: list[int]) -> list[Schedule]:
    """The schedule versions of a month that cover any of these stations, newest first."""
    if not station_ids:
        return []
    return list(session.scalars(
        select(Schedule).where(Schedule.month == month, Schedule.id.in_(
            select(ScheduleStation.schedule_id).where(ScheduleStation.station_id.in_(station_ids))))
        .order_by(Schedule.version.desc())))
