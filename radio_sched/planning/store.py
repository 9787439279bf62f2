"""Storing a solved month as a new schedule version: bulk inserts, version retried on a clash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.i18n import using_lang
from ..core.models import Airing, AiringItem, Schedule, ScheduleStation
from .instances import MonthInstance
from .schedules import CHUNK
from ..scheduler.explain import reason
from ..scheduler.instance import Fixed, Shortfall, Solution

VERSION_TRIES = 5


def shortfall_dict(sf: Shortfall) -> dict:
    """A shortfall as stored (JSON): the reason in both languages, and its code and params."""
    params = dict(sf.params)
    msg = reason(sf.code, params)
    with using_lang("vi"):
        vi = msg.render()
    with using_lang("en"):
        en = msg.render()
    return {"rule": sf.rule, "kind": sf.kind, "segment": sf.segment, "start": sf.start.isoformat(),
            "end": sf.end.isoformat(), "required": sf.required, "planned": sf.planned,
            "code": sf.code, "params": params, "reason": {"vi": vi, "en": en}}


def shortfall_from_dict(d: dict) -> Shortfall:
    return Shortfall(d["rule"], d.get("kind", ""), d.get("segment"), dt.date.fromisoformat(d["start"]),
                     dt.date.fromisoformat(d["end"]), d["required"], d["planned"], d.get("code", ""),
                     tuple(sorted((d.get("params") or {}).items())))


def content_sha256(airings: list[Fixed]) -> str:
    """A digest of a station's airings, to see at a glance whether a version changed them."""
    text = json.dumps([[a.day.isoformat(), a.session, list(a.slugs)] for a in airings],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def next_version(session: Session, month: str) -> int:
    return (session.scalar(select(func.max(Schedule.version)).where(Schedule.month == month)) or 0) + 1


@dataclass(frozen=True)
class DraftItem:
    segment_id: int
    kind: str


@dataclass(frozen=True)
class DraftAiring:
    """An airing as store() would write it, before it is (what a draft version renders)."""

    date: dt.date
    session: str
    start: str
    capacity_s: int
    items: tuple[DraftItem, ...]


def draft_airings(inst: MonthInstance, solutions: Mapping[int, Solution],
                  station_ids: list[int]) -> dict[int, list[DraftAiring]]:
    """{station id: its airings with items, by date and start}, read back as they would be stored."""
    out = {}
    for si in inst.stations:
        if si.station.id not in station_ids:
            continue
        slots = {(s.day, s.session): s for s in si.problem.slots}
        rows = []
        for a in solutions[si.station.id].airings:
            slot = slots[(a.day, a.session)]
            rows.append(DraftAiring(a.day, a.session, slot.start, slot.capacity_ms // 1000, tuple(
                DraftItem(inst.segments[slug].id, inst.segments[slug].kind) for slug in a.slugs)))
        out[si.station.id] = sorted((r for r in rows if r.items),
                                    key=lambda r: (r.date, r.start, r.session))
    return out


def store(session: Session, inst: MonthInstance, solutions: Mapping[int, Solution], *,
          header: dict, progress=None, version: int | None = None) -> Schedule:
    """Insert the schedule, one row per station and the airings that carry items; returns it.
    version: exactly that number (its bundles name it), IntegrityError if another took it."""
    status = "shortfalls" if any(s.shortfalls for s in solutions.values()) else "complete"
    sch = None
    for attempt in range(VERSION_TRIES):
        try:
            with session.begin_nested():
                sch = Schedule(month=inst.month.label, scope=inst.scope,
                               version=version or next_version(session, inst.month.label),
                               status=status, plan_id=inst.plan_id, **header)
                session.add(sch)
                session.flush()
            break
        except IntegrityError:  # another planner took the version; take the next one
            if version is not None or attempt == VERSION_TRIES - 1:
                raise
    assert sch is not None
    stations = []
    airing_rows = []
    for si in inst.stations:
        sol = solutions[si.station.id]
        stations.append({"schedule_id": sch.id, "station_id": si.station.id,
                         "shortfalls": [shortfall_dict(s) for s in sol.shortfalls],
                         "content_sha256": content_sha256(list(sol.airings))})
        slots = {(s.day, s.session): s for s in si.problem.slots}
        pinned = {(f.day, f.session) for f in si.problem.pinned}
        for a in sol.airings:
            slot = slots[(a.day, a.session)]
            airing_rows.append({"schedule_id": sch.id, "station_id": si.station.id, "date": a.day,
                                "session": a.session, "start": slot.start,
                                "capacity_s": slot.capacity_ms // 1000,
                                "pinned": (a.day, a.session) in pinned})
    for n in range(0, len(stations), CHUNK * 4):
        session.execute(insert(ScheduleStation), stations[n:n + CHUNK * 4])
    total = len(airing_rows)
    step = 20_000
    for n in range(0, total, step):
        session.execute(insert(Airing), airing_rows[n:n + step])
        if progress:
            progress(min(n + step, total), total * 2)
    ids = {(sid, day, sess): aid for aid, sid, day, sess in session.execute(
        select(Airing.id, Airing.station_id, Airing.date, Airing.session)
        .where(Airing.schedule_id == sch.id))}
    items = []
    for si in inst.stations:
        for a in solutions[si.station.id].airings:
            aid = ids[(si.station.id, a.day, a.session)]
            for pos, slug in enumerate(a.slugs, 1):
                m = inst.segments[slug]
                items.append({"airing_id": aid, "position": pos, "segment_id": m.id, "kind": m.kind,
                              "duration_s": m.duration_s})
    for n in range(0, len(items), step):
        session.execute(insert(AiringItem), items[n:n + step])
        if progress:
            progress(total + min(n + step, len(items)) * total // max(1, len(items)), total * 2)
    session.flush()
    return sch
