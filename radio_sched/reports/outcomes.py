"""What each planned item became: the schedule version in force on its day, combined with as-run reports.

A re-plan from day D is in force from D on; the days before D keep the version that was in force
when they were broadcast. So "planned" for a day is what the station had been given for that day.

How reports combine (one station, one session):
- an item row (segment given) decides that item: aired, missed, or partial (cut short: not counted);
- otherwise the whole-session row decides every item: aired -> aired, missed -> missed,
  partial -> "unconfirmed" (we do not know which items aired, so none is counted);
- no row at all -> "unreported": presumed aired when re-planning, not counted as aired by the audit;
  but if the session is now off the air (a blackout entered afterwards: a district marking its
  communes off the air in a typhoon, when they cannot report) -> "off_air", not aired.
A report always wins over a blackout: it is what the station says happened.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Iterable, NamedTuple, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..reference.blackouts import blackouts_by_station, is_off_air
from ..core.models import (
    Airing, AiringItem, AsRun, Blackout, Schedule, ScheduleStation, Segment, Station
)
from ..core.periods import Period, month as month_period

CHUNK = 500  # ids per IN (...) list, well under SQLite's parameter limit
STATUSES = ("aired", "missed", "partial", "unconfirmed", "unreported", "off_air")
COUNTED = frozenset({"aired"})  # the audit's "aired"
PRESUMED = frozenset({"aired", "unreported"})  # what a re-plan takes as broadcast


class VersionRef(NamedTuple):
    """A schedule version that covers a station in a month."""

    schedule_id: int
    version: int
    kind: str
    replan_from: dt.date | None

    def starts_by(self, day: dt.date) -> bool:
        return self.replan_from is None or self.replan_from <= day


class Outcome(NamedTuple):
    """One planned item and what became of it."""

    day: dt.date
    session: str
    position: int
    slug: str
    kind: str
    status: str  # one of STATUSES
    reason: str  # the station's reason, from the item row or the session row
    schedule_id: int
    made_good: bool  # added by a re-plan beyond what the version it replaced planned


def months_of(start: dt.date, end: dt.date) -> list[Period]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(month_period(y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def versions_by_station(session: Session, month: str, station_ids: Sequence[int]
                        ) -> dict[int, list[VersionRef]]:
    """Every version of the month covering each station, newest first."""
    out: dict[int, list[VersionRef]] = defaultdict(list)
    ids = list(station_ids)
    for n in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(ScheduleStation.station_id, Schedule.id, Schedule.version, Schedule.kind,
                   Schedule.replan_from)
            .join(Schedule, Schedule.id == ScheduleStation.schedule_id)
            .where(Schedule.month == month, ScheduleStation.station_id.in_(ids[n:n + CHUNK])))
        for sid, sch_id, version, kind, rf in rows:
            out[sid].append(VersionRef(sch_id, version, kind, rf))
    for refs in out.values():
        refs.sort(key=lambda r: -r.version)
    return dict(out)


def in_force(refs: Iterable[VersionRef], day: dt.date) -> VersionRef | None:
    """The newest version (refs newest first) that had taken effect by that day."""
    return next((r for r in refs if r.starts_by(day)), None)


class _Item(NamedTuple):
    day: dt.date
    session: str
    start: str
    position: int
    slug: str
    kind: str


def _items(session: Session, schedule_ids: set[int], station_ids: list[int], start: dt.date,
           end: dt.date) -> dict[tuple[int, int], list[_Item]]:
    """(schedule id, station id) -> its items dated start..end."""
    out: dict[tuple[int, int], list[_Item]] = defaultdict(list)
    if not schedule_ids:
        return out
    for n in range(0, len(station_ids), CHUNK):
        rows = session.execute(
            select(Airing.schedule_id, Airing.station_id, Airing.date, Airing.session, Airing.start,
                   AiringItem.position, Segment.slug, AiringItem.kind)
            .join(AiringItem, AiringItem.airing_id == Airing.id)
            .join(Segment, Segment.id == AiringItem.segment_id)
            .where(Airing.schedule_id.in_(schedule_ids),
                   Airing.station_id.in_(station_ids[n:n + CHUNK]),
                   Airing.date >= start, Airing.date <= end))
        for sch, sid, day, sess, st, pos, slug, kind in rows:
            out[(sch, sid)].append(_Item(day, sess, st, pos, slug, kind))
    for items in out.values():
        items.sort(key=lambda i: (i.day, i.start, i.session, i.position))
    return out


def planned(session: Session, station_ids: Sequence[int], start: dt.date, end: dt.date
            ) -> dict[int, list[tuple[_Item, int, bool]]]:
    """{station id: [(item, schedule id, made good)]} of the versions in force, dated start..end."""
    ids = list(station_ids)
    out: dict[int, list[tuple[_Item, int, bool]]] = defaultdict(list)
    for m in months_of(start, end):
        lo, hi = max(start, m.start), min(end, m.end)
        refs = versions_by_station(session, m.label, ids)
        items = _items(session, {r.schedule_id for rs in refs.values() for r in rs},
                       [sid for sid in ids if sid in refs], lo, hi)
        for sid, rs in refs.items():
            force = {day: in_force(rs, day) for day in _days(lo, hi)}
            added = _made_good(rs, force, items, sid)
            for ref in rs:
                for it in items.get((ref.schedule_id, sid), ()):
                    if force[it.day] == ref:
                        out[sid].append((it, ref.schedule_id, (ref.schedule_id, it) in added))
    for rows in out.values():
        rows.sort(key=lambda r: (r[0].day, r[0].start, r[0].session, r[0].position))
    return dict(out)


def _days(lo: dt.date, hi: dt.date) -> list[dt.date]:
    return [lo + dt.timedelta(n) for n in range((hi - lo).days + 1)]


def _made_good(refs: list[VersionRef], force: dict, items, sid: int) -> set[tuple[int, _Item]]:
    """Items a re-plan added over the version it replaced, on the days it is in force: per segment,
    as many placements as it has beyond the replaced version's count on those days, taking first
    those the replaced version did not have in the same session."""
    out: set[tuple[int, _Item]] = set()
    for k, ref in enumerate(refs):
        if ref.replan_from is None:
            continue
        days = {d for d, r in force.items() if r == ref}
        older = refs[k + 1:]
        old = [it for r in older for it in items.get((r.schedule_id, sid), ())
               if it.day in days and in_force(older, it.day) == r]
        before = Counter(it.slug for it in old)
        same = {(it.day, it.session, it.slug) for it in old}
        mine = [it for it in items.get((ref.schedule_id, sid), ()) if it.day in days]
        for slug in {it.slug for it in mine}:
            placed = sorted((it for it in mine if it.slug == slug),
                            key=lambda it: ((it.day, it.session, it.slug) in same, it.day))
            for it in placed[:max(0, len(placed) - before[slug])]:
                out.add((ref.schedule_id, it))
    return out


def outcomes(session: Session, station_ids: Sequence[int], start: dt.date, end: dt.date
             ) -> dict[int, list[Outcome]]:
    """Every planned item dated start..end of each station, with what its reports say."""
    plans = planned(session, station_ids, start, end)
    reports = _reports(session, list(plans), start, end)
    offs = _blackouts(session, list(plans), start, end)
    out: dict[int, list[Outcome]] = {}
    for sid, rows in plans.items():
        mine = reports.get(sid, {})
        res = []
        for it, sch, good in rows:
            status, reason = resolve(mine.get((it.day, it.session), {}), it.slug)
            if status == "unreported" and offs.get(sid):
                b = is_off_air(offs[sid], it.day, it.session)
                if b is not None:
                    status, reason = "off_air", b.reason
            res.append(Outcome(it.day, it.session, it.position, it.slug, it.kind, status, reason, sch,
                               good))
        out[sid] = res
    return out


def resolve(rows: dict[str, tuple[str, str]], slug: str) -> tuple[str, str]:
    """(status, reason) of one item from its session's reports {segment or '': (status, reason)}."""
    if slug in rows:
        return rows[slug]
    whole = rows.get("")
    if whole is None:
        return "unreported", ""
    status, reason = whole
    return ("unconfirmed" if status == "partial" else status), reason


def _reports(session: Session, station_ids: list[int], start: dt.date, end: dt.date
             ) -> dict[int, dict[tuple[dt.date, str], dict[str, tuple[str, str]]]]:
    out: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    for n in range(0, len(station_ids), CHUNK):
        for sid, day, sess, seg, status, reason in session.execute(
                select(AsRun.station_id, AsRun.date, AsRun.session, AsRun.segment, AsRun.status,
                       AsRun.reason)
                .where(AsRun.station_id.in_(station_ids[n:n + CHUNK]), AsRun.date >= start,
                       AsRun.date <= end)):
            out[sid][(day, sess)][seg or ""] = (status, reason or "")
    return out


def _blackouts(session: Session, station_ids: list[int], start: dt.date, end: dt.date
               ) -> dict[int, list[Blackout]]:
    """{station id: blackouts touching start..end that cover it}."""
    found = list(session.scalars(select(Blackout).where(Blackout.date_to >= start,
                                                        Blackout.date_from <= end)
                                 .order_by(Blackout.date_from, Blackout.id)))
    if not found:
        return {}
    out = {}
    for n in range(0, len(station_ids), CHUNK):
        stations = session.scalars(select(Station).where(Station.id.in_(station_ids[n:n + CHUNK])))
        out.update(blackouts_by_station(found, stations))
    return out


def presumed_aired(rows: Iterable[Outcome]) -> list[Outcome]:
    """What a re-plan takes as broadcast: reported aired, or planned and not reported."""
    return [o for o in rows if o.status in PRESUMED]
