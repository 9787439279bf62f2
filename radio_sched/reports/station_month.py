"""A station's month as its operator sees it: the calendar of airings, reports and its bundle."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .asrun import report_history, station_reports
from .past import past_statuses
from .readable import read_shortfalls
from ..core.models import Airing, AsRun, AsRunHistory, Bundle, Schedule, ScheduleStation, Station
from ..core.periods import Period
from ..planning.schedules import current_schedule_ids, station_airings

FORMAT = "radio-sched.schedule/1"


@dataclass
class Day:
    date: dt.date
    in_month: bool
    airings: list[Airing] = field(default_factory=list)


@dataclass
class StationMonth:
    """Everything the station page shows for one month."""

    station: Station
    month: Period
    schedule: Schedule | None
    shortfalls: list[dict[str, Any]]
    airings: list[Airing]
    weeks: list[list[Day]]
    reports: dict[tuple[dt.date, str], list[AsRun]]  # (date, session) -> reports, session first
    bundle: Bundle | None
    # (date, session) -> aired | missed | partial | unreported: the past airings that a re-planned
    # version keeps as planned (reports/past.py); later airings, and a plan's, have none
    statuses: dict[tuple[dt.date, str], str] = field(default_factory=dict)

    def status(self, airing: Airing) -> str | None:
        """The reported status of a past airing of a re-plan (None for the others)."""
        return self.statuses.get((airing.date, airing.session))
    history: dict[int, list[AsRunHistory]] = field(default_factory=dict)  # as-run id -> replaced

    @property
    def items(self) -> int:
        return sum(len(a.items) for a in self.airings)

    @property
    def new_bundle(self) -> bool:
        """The bundle replaces an earlier one made lately (a bulletin, a withdrawal, a re-plan):
        the station must download it again before its next session."""
        return is_new_bundle(self.bundle)

    def whole(self, airing: Airing) -> AsRun | None:
        """The stored report of the whole session, if any (what its form starts from)."""
        return next((r for r in self.reports.get((airing.date, airing.session), ())
                     if not r.segment), None)


def local_stamp(when: dt.datetime | None) -> str:
    """A stored UTC time as the stations' clock reads it (Vietnam, UTC+7), dd/mm/yyyy HH:MM."""
    if when is None:
        return ""
    return (when + dt.timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")


def anchor(airing: Airing) -> str:
    """The id of a session's row on the station page (the form comes back to it after a save)."""
    return f"r-{airing.date.isoformat()}-{airing.start.replace(':', '')}"


def station_month(session: Session, station: Station, month: Period) -> StationMonth:
    """The current schedule of a station for a month laid out in weeks (Monday first)."""
    schedule_id = current_schedule_ids(session, month.label, [station.id]).get(station.id)
    schedule = session.get(Schedule, schedule_id) if schedule_id else None
    airings = station_airings(session, schedule_id, station.id) if schedule_id else []
    shortfalls: list[dict[str, Any]] = []
    if schedule_id:
        link = session.get(ScheduleStation, (schedule_id, station.id))
        shortfalls = _titled(session, month, list(link.shortfalls or []) if link else [])
    by_day: dict[dt.date, list[Airing]] = {}
    for a in airings:
        by_day.setdefault(a.date, []).append(a)
    weeks = [[Day(d, d.month == month.start.month, by_day.get(d, [])) for d in week]
             for week in calendar.Calendar(0).monthdatescalendar(month.start.year,
                                                                month.start.month)]
    reports: dict[tuple[dt.date, str], list[AsRun]] = {}
    for r in station_reports(session, station, month.start, month.end):
        reports.setdefault((r.date, r.session), []).append(r)
    statuses = past_statuses(session, month, {station.id: schedule_id}).get(station.id, {}) \
        if schedule_id else {}
    ids = [r.id for rs in reports.values() for r in rs]
    return StationMonth(station, month, schedule, shortfalls, airings, weeks, reports,
                        latest_bundle(session, station.id, month.label), statuses,
                        report_history(session, ids))


def _titled(session: Session, month: Period, shortfalls: list[dict]) -> list[dict]:
    """Each stored shortfall with the rule's title, the item's title and its reason as people
    read them (the stored rows keep the ids that the JSON API and the exports carry)."""
    return read_shortfalls(session, month.start.year, shortfalls)


NEW_FOR = dt.timedelta(days=2)


def is_new_bundle(bundle: Bundle | None, *, now: dt.datetime | None = None) -> bool:
    """A bundle of version 2 or more made within the last two days (times are stored in UTC)."""
    if bundle is None or bundle.version < 2:
        return False
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return now - bundle.created_at <= NEW_FOR


def latest_bundle(session: Session, station_id: int, month: str) -> Bundle | None:
    """The newest bundle version of a station's month."""
    return session.scalar(select(Bundle).where(Bundle.station_id == station_id,
                                               Bundle.month == month)
                          .order_by(Bundle.version.desc()).limit(1))


def station_bundles(session: Session, station_id: int) -> list[Bundle]:
    """The newest bundle of each month of a station, newest month first."""
    newest: dict[str, Bundle] = {}
    for b in session.scalars(select(Bundle).where(Bundle.station_id == station_id)
                             .order_by(Bundle.month.desc(), Bundle.version.desc())):
        newest.setdefault(b.month, b)
    return list(newest.values())


def reason_text(reason: Any, lang: str) -> str:
    """A stored reason is either plain text or {"vi": ..., "en": ...}."""
    if isinstance(reason, dict):
        return str(reason.get(lang) or reason.get("vi") or reason.get("en") or "")
    return "" if reason is None else str(reason)


def schedule_document(view: StationMonth, lang: str) -> dict[str, Any]:
    """The station's month in the schedule export format of DESIGN.md (one station)."""
    st = view.station
    shortfalls = [{**s, "reason": reason_text(s.get("reason"), lang)} for s in view.shortfalls]
    return {
        "format": FORMAT, "month": view.month.label, "scope": f"commune:{st.code}",
        "version": view.schedule.version if view.schedule else None,
        "status": ("shortfalls" if shortfalls else "complete") if view.schedule else "none",
        "stations": [{
            "station": st.code, "name": st.name, "district": st.district_code,
            "airings": [{
                "date": a.date.isoformat(), "session": a.session, "start": a.start,
                "capacity_s": a.capacity_s,
                **({} if view.status(a) is None else {"status": view.status(a)}),
                "items": [{"segment": i.segment.slug, "sha256": i.segment.sha256, "kind": i.kind,
                           "duration_s": i.duration_s, "title": i.segment.title}
                          for i in a.items]} for a in view.airings],
            "shortfalls": shortfalls}]}
