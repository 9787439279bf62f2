"""Stored schedules: which version is current for a station and month, and reading its airings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..core.models import Airing, AiringItem, Schedule, ScheduleStation, Segment

CHUNK = 500  # station ids per IN (...) list: well under SQLite's and PostgreSQL's limits


@dataclass(frozen=True)
class StoredItem:
    slug: str
    sha256: str
    kind: str
    duration_s: float
    segment_id: int = 0
    counted: bool = True  # False: a past item kept as planned, not counted as broadcast


@dataclass
class StoredAiring:
    """One stored session airing with its items in air order."""

    date: object  # datetime.date
    session: str
    start: str
    capacity_s: int
    pinned: bool
    items: list[StoredItem] = field(default_factory=list)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(i.slug for i in self.items)

    @property
    def counted_slugs(self) -> tuple[str, ...]:
        """The items the solver counted as broadcast (all of them but past ones reported lost)."""
        return tuple(i.slug for i in self.items if i.counted)


def current_schedule_ids(session: Session, month: str,
                         station_ids: list[int] | None = None) -> dict[int, int]:
    """Station id -> id of the newest schedule version of the month that covers the station."""
    newest = (select(ScheduleStation.station_id, func.max(Schedule.version).label("version"))
              .join(Schedule, Schedule.id == ScheduleStation.schedule_id)
              .where(Schedule.month == month))
    if station_ids is not None:
        newest = newest.where(ScheduleStation.station_id.in_(station_ids))
    newest = newest.group_by(ScheduleStation.station_id).subquery()
    rows = session.execute(
        select(ScheduleStation.station_id, Schedule.id)
        .join(Schedule, Schedule.id == ScheduleStation.schedule_id)
        .join(newest, (newest.c.station_id == ScheduleStation.station_id)
              & (newest.c.version == Schedule.version))
        .where(Schedule.month == month))
    return {station_id: schedule_id for station_id, schedule_id in rows}


def schedule_of_version(session: Session, month: str, version: int) -> int | None:
    """The id of a month's schedule version, or None."""
    return session.scalar(select(Schedule.id).where(Schedule.month == month,
                                                    Schedule.version == version))


def read_airings(session: Session, schedule_of: Mapping[int, int]) -> dict[int, list[StoredAiring]]:
    """{station id: its airings (with items) in the given schedule version}, by date and start: the
    one batch reader of stored airings (airings without items are not listed)."""
    by_schedule: dict[int, list[int]] = defaultdict(list)
    for station_id, schedule_id in schedule_of.items():
        by_schedule[schedule_id].append(station_id)
    out: dict[int, list[StoredAiring]] = defaultdict(list)
    for schedule_id, sids in by_schedule.items():
        for n in range(0, len(sids), CHUNK):
            rows = session.execute(
                select(Airing.id, Airing.station_id, Airing.date, Airing.session, Airing.start,
                       Airing.capacity_s, Airing.pinned, Segment.slug, Segment.sha256,
                       AiringItem.kind, AiringItem.duration_s, AiringItem.segment_id,
                       AiringItem.counted)
                .join(AiringItem, AiringItem.airing_id == Airing.id)
                .join(Segment, Segment.id == AiringItem.segment_id)
                .where(Airing.schedule_id == schedule_id, Airing.station_id.in_(sids[n:n + CHUNK]))
                .order_by(Airing.station_id, Airing.date, Airing.start, Airing.session,
                          AiringItem.position))
            last = None
            for aid, sid, day, sess, start, cap, pin, slug, sha, kind, dur, seg_id, counted in rows:
                if aid != last:
                    out[sid].append(StoredAiring(day, sess, start, cap, bool(pin)))
                    last = aid
                out[sid][-1].items.append(StoredItem(slug, sha, kind, dur, seg_id, bool(counted)))
    return dict(out)


def station_airings(session: Session, schedule_id: int, station_id: int) -> list[Airing]:
    """A station's airings in one schedule version, by date and start, items loaded in order."""
    return list(session.scalars(
        select(Airing).where(Airing.schedule_id == schedule_id, Airing.station_id == station_id)
        .options(selectinload(Airing.items)).order_by(Airing.date, Airing.start, Airing.session)))
