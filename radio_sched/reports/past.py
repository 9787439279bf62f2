"""The reported status of each past airing that a re-planned version keeps as planned (DESIGN.md,
"Schedule export"): aired, missed, partial or unreported, from the as-run reports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.models import Schedule
from ..core.periods import Period
from .outcomes import outcomes

STATUSES = ("aired", "missed", "partial", "unreported")
Statuses = dict[tuple[dt.date, str], str]  # (date, session) -> status


def airing_status(item_statuses: Iterable[str]) -> str:
    """One session's status from its items' outcomes (reports/outcomes.py): every item aired, or
    aired and the rest not reported -> aired; nothing reported -> unreported; every item missed (or
    off the air, marked since) -> missed; anything else (some lost, a session cut short) -> partial."""
    found = set(item_statuses)
    if found <= {"unreported"}:
        return "unreported"
    if found <= {"aired", "unreported"}:
        return "aired"
    if found <= {"missed", "off_air"}:
        return "missed"
    return "partial"


def past_statuses(session: Session, month: Period, schedule_of: Mapping[int, int], *,
                  unstored: Mapping[int, dt.date | None] | None = None) -> dict[int, Statuses]:
    """{station id: {(date, session): status}} of the airings before the replan_from of each
    station's schedule (given per station) when that schedule is a re-plan; none for a plan. The
    items are those of the version in force on each day, which the re-plan kept as planned.
    unstored: {id: replan_from} of versions not stored yet (a re-plan's draft, rendered before it
    is stored): they get the statuses the stored version will (the days before it are in force of
    the versions already stored either way)."""
    froms = dict(session.execute(select(Schedule.id, Schedule.replan_from).where(
        Schedule.id.in_(set(schedule_of.values())), Schedule.replan_from.is_not(None))).all())
    froms.update({k: v for k, v in (unstored or {}).items() if v is not None})
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for sid, sch in schedule_of.items():
        if sch in froms and froms[sch] > month.start:
            by_day[froms[sch]].append(sid)
    out: dict[int, Statuses] = {}
    for day, sids in by_day.items():
        for sid, rows in outcomes(session, sids, month.start, day - dt.timedelta(days=1)).items():
            items: dict[tuple[dt.date, str], list[str]] = defaultdict(list)
            for o in rows:
                items[(o.day, o.session)].append(o.status)
            out[sid] = {k: airing_status(v) for k, v in items.items()}
    return out
