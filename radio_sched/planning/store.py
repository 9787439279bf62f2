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
from .schedules import CHUNK, StoredAiring
from ..scheduler.explain import reason
from ..scheduler.instance import Fixed, Problem, Shortfall, Solution

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
    duration_s: float
    counted: bool


@dataclass(frozen=True)
class DraftAiring:
    """An airing as store() writes it, before it is (what a draft version renders)."""

    date: dt.date
    session: str
    start: str
    capacity_s: int
    pinned: bool
    items: tuple[DraftItem, ...]


Kept = list[tuple[dict, list[dict]]]  # a station's airing rows with their item rows, in air order


def kept_airings(inst: MonthInstance, solutions: Mapping[int, Solution],
                 past: Mapping[int, list[StoredAiring]] | None = None,
                 station_ids: list[int] | None = None) -> dict[int, Kept]:
    """{station id: what a version stores for it}: the one decision of what a (re-)plan stores,
    read by store() and by draft_airings(), so that a draft renders what its version will hold.
    past: {station id: its airings before the frozen day as planned} (a re-plan's current version)."""
    return {si.station.id: _kept(si.problem, solutions[si.station.id],
                                 (past or {}).get(si.station.id, ()), inst)
            for si in inst.stations if station_ids is None or si.station.id in station_ids}


def draft_airings(inst: MonthInstance, solutions: Mapping[int, Solution],
                  station_ids: list[int], past: Mapping[int, list[StoredAiring]] | None = None
                  ) -> dict[int, list[DraftAiring]]:
    """{station id: its airings with items, by date and start}, as store() with the same past
    writes them and station_airings reads them back."""
    return {sid: [DraftAiring(a["date"], a["session"], a["start"], a["capacity_s"], a["pinned"],
                              tuple(DraftItem(i["segment_id"], i["kind"], i["duration_s"],
                                              i["counted"]) for i in items))
                  for a, items in kept if items]
            for sid, kept in kept_airings(inst, solutions, past, station_ids).items()}


def store(session: Session, inst: MonthInstance, solutions: Mapping[int, Solution], *,
          header: dict, progress=None, past: Mapping[int, list[StoredAiring]] | None = None,
          version: int | None = None) -> Schedule:
    """Insert the schedule, one row per station and the airings that carry items; returns it.
    past: {station id: its airings before the frozen day as planned} (a re-plan's current version):
    stored instead of the solution's pins, exactly as planned, each item marked counted when the
    pin (what the solver took as broadcast) has it, so that nothing planned in the past vanishes.
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
    rows: list[tuple[int, dict, list[dict]]] = []  # (station id, airing row, its item rows)
    for sid, kept in kept_airings(inst, solutions, past).items():
        stations.append({"schedule_id": sch.id, "station_id": sid,
                         "shortfalls": [shortfall_dict(s) for s in solutions[sid].shortfalls],
                         "content_sha256": content_sha256([Fixed(a["date"], a["session"],
                                                                 tuple(i["slug"] for i in items))
                                                           for a, items in kept])})
        rows += [(sid, dict(a, schedule_id=sch.id, station_id=sid), items) for a, items in kept]
    for n in range(0, len(stations), CHUNK * 4):
        session.execute(insert(ScheduleStation), stations[n:n + CHUNK * 4])
    total = len(rows)
    step = 20_000
    for n in range(0, total, step):
        session.execute(insert(Airing), [r[1] for r in rows[n:n + step]])
        if progress:
            progress(min(n + step, total), total * 2)
    ids = {(sid, day, sess): aid for aid, sid, day, sess in session.execute(
        select(Airing.id, Airing.station_id, Airing.date, Airing.session)
        .where(Airing.schedule_id == sch.id))}
    items = [{"airing_id": ids[(sid, a["date"], a["session"])], "position": pos,
              **{k: v for k, v in it.items() if k != "slug"}}
             for sid, a, its in rows for pos, it in enumerate(its, 1)]
    for n in range(0, len(items), step):
        session.execute(insert(AiringItem), items[n:n + step])
        if progress:
            progress(total + min(n + step, len(items)) * total // max(1, len(items)), total * 2)
    session.flush()
    return sch


def _kept(problem: Problem, sol: Solution, past, inst: MonthInstance) -> list[tuple[dict, list[dict]]]:
    """A station's airings to store, in order: the past as planned (items counted as the pins say),
    then the solution's airings from the frozen day on (all of them without a past)."""
    frozen = problem.frozen_before if past else None
    slots = {(s.day, s.session): s for s in problem.slots}
    pinned = {(f.day, f.session): f.slugs for f in problem.pinned}
    out = []
    planned = {(a.date, a.session): a for a in past if frozen and a.date < frozen}
    for a in sorted(planned.values(), key=lambda a: (a.date, a.start, a.session)):
        left = list(pinned.get((a.date, a.session), ()))
        items = []
        for i in a.items:
            counted = i.slug in left
            if counted:
                left.remove(i.slug)
            items.append({"slug": i.slug, "segment_id": i.segment_id, "kind": i.kind,
                          "duration_s": i.duration_s, "counted": counted})
        out.append(({"date": a.date, "session": a.session, "start": a.start,
                     "capacity_s": a.capacity_s, "pinned": True}, items))
    for a in sol.airings:
        if (a.day, a.session) in planned:
            continue  # kept as planned above
        slot = slots[(a.day, a.session)]
        out.append(({"date": a.day, "session": a.session, "start": slot.start,
                     "capacity_s": slot.capacity_ms // 1000,
                     "pinned": (a.day, a.session) in pinned},
                    [_item(inst.segments[slug]) for slug in a.slugs]))
    out.sort(key=lambda r: (r[0]["date"], r[0]["start"], r[0]["session"]))
    return out


def _item(m) -> dict:
    return {"slug": m.slug, "segment_id": m.id, "kind": m.kind, "duration_s": m.duration_s,
            "counted": True}
