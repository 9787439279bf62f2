"""Stored schedules: which version is current for a station and month, and reading its airings."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..core.models import Airing, Schedule, ScheduleStation


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


def station_airings(session: Session, schedule_id: int, station_id: int) -> list[Airing]:
    """A station's airings in one schedule version, by date and start, items loaded in order."""
    return list(session.scalars(
        select(Airing).where(Airing.schedule_id == schedule_id, Airing.station_id == station_id)
        .options(selectinload(Airing.items)).order_by(Airing.date, Airing.start, Airing.session)))


def current_airings(session: Session, month: str, station_id: int) -> list[Airing]:
    """The airings a station is to broadcast this month, from the newest schedule that covers it."""
    sid = current_schedule_ids(session, month, [station_id]).get(station_id)
    return [] if sid is None else station_airings(session, sid, station_id)
