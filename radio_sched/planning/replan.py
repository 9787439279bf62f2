"""Make-goods: the rest of a month planned again after what stations reported, changing little.

The days before the re-plan date are the past: the new version keeps them exactly as planned (the
past is never rewritten), but the solver counts only the items reported aired or not reported at all
(presumed kept); items reported missed, cut short or unconfirmed, and unreported items of sessions
marked off the air since, no longer count (stored with counted false), so the obligations they leave
short get make-goods after the date. The days from the date on
are solved again with the current version as the reference (a penalty per changed session, complete
hints), so the rest stays as it was where it can. Only stations whose days from the date on change
are stored, as a new version of the month; the others keep their version (and their bundle).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.config import Settings
from ..core.db import has_written
from ..reference.divisions import stations_in
from ..core.errors import NotFound, UserError
from ..core.i18n import M
from ..core.models import AsRun, Schedule, ScheduleStation, Station
from ..reports.outcomes import Outcome, outcomes, presumed_aired
from ..core.periods import Period
from .pipeline import STEPS, Solved, solve_month, solver_status, store_version
from ..core.progress import Stages
from .schedules import CHUNK, current_schedule_ids, read_airings
from . import instances as bridge
from ..scheduler.obligations import Obligation
from .store import VERSION_TRIES, draft_airings, next_version, shortfall_dict
from ..core.scopes import PROVINCE, Scope

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
LOST = ("missed", "partial", "unconfirmed", "off_air")
MAX_LISTED = 5


@dataclass(frozen=True)
class Change:
    """One session from the re-plan date on that the new version changes."""

    station: str
    name: str
    day: dt.date
    session: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass
class ReplanResult:
    """What a re-plan did: the version stored (if any), what changed, and what cannot be restored."""

    month: str
    scope: str
    replan_from: dt.date
    stations: int  # stations in scope with a schedule: all were solved again
    schedule_id: int | None  # None: nothing would change, nothing was stored
    version: int | None
    changed: list[str]  # codes of the stations the new version covers
    changed_ids: list[int]
    changes: list[Change]
    past: Counter  # item outcomes before the date: aired, missed, partial, unconfirmed, unreported
    unrestorable: list[dict]  # shortfalls: station, name, district, rule, segment, start, end,
    #   required, planned, lost, before (short in the previous version too), code, params, reason
    solver_status: str
    distinct: int
    build_s: float
    solve_s: float
    check_s: float
    store_s: float
    wall_s: float
    bundles: list = field(default_factory=list)  # filled by the caller that renders

    @property
    def lost(self) -> int:
        return sum(self.past[k] for k in LOST)


@dataclass
class _Unstored:
    """A re-plan solved and compared, not yet stored."""

    result: ReplanResult
    solved: Solved
    header: dict
    steps: Stages
    stations: list[Station]
    started: float
    past: dict = field(default_factory=dict)  # station id -> its airings before replan_from as planned
    same_day: bool = False  # started_before: the day's sessions that started are kept


def replan_month(session: Session, month: Period, replan_from: dt.date, scope: Scope | None = None,
                 *, seed: int = 0, time_limit: float | None = None, jobs: int | None = None,
                 workers: int | None = None, progress: Progress | None = None,
                 created_by: str | None = None, started_before: str | None = None) -> ReplanResult:
    """Plan month again from replan_from with make-goods; store a new version only if the days from
    replan_from change for some station (running it twice stores nothing the second time).
    started_before ("HH:MM"): the sessions of replan_from that start before it stay as they are
    (a freeze by session start, for work done during a broadcast day).
    progress(done, total) counts four steps a station: built, solved, checked, stored."""
    draft = _solve(session, month, replan_from, scope, seed=seed, time_limit=time_limit,
                   jobs=jobs, workers=workers, progress=progress, created_by=created_by,
                   started_before=started_before)
    _store(session, draft)
    return draft.result


def _solve(session: Session, month: Period, replan_from: dt.date, scope: Scope | None, *,
           seed: int = 0, time_limit: float | None = None, jobs: int | None = None,
           workers: int | None = None, progress: Progress | None = None,
           created_by: str | None = None, started_before: str | None = None) -> _Unstored:
    """Everything a re-plan does before it writes: reads only, so it holds no write lock."""
    t0 = time.perf_counter()
    steps = Stages(progress, STEPS)
    scope = scope or PROVINCE
    stations, current = check_replan(session, month, replan_from, scope,
                                     same_day=started_before is not None)
    ids = [s.id for s in stations]

    last_kept = replan_from if started_before else replan_from - dt.timedelta(days=1)
    before = outcomes(session, ids, month.start, last_kept) if last_kept >= month.start else {}
    pinned = {sid: _as_aired(rows) for sid, rows in before.items()}
    reference = bridge.current_airings_by_station(session, month, ids)
    solved = solve_month(session, month, scope, steps, seed=seed, time_limit=time_limit, jobs=jobs,
                         workers=workers, pinned=pinned, freeze_before=replan_from,
                         reference=reference, station_ids=ids,
                         freeze_at={sid: (replan_from, started_before) for sid in ids}
                         if started_before else None)
    inst, solutions, shared = solved.inst, solved.solutions, solved.shared

    by_id = {s.id: s for s in stations}
    changes: list[Change] = []
    changed_ids: list[int] = []
    for si in inst.stations:
        sid = si.station.id
        old = _from(reference.get(sid, ()), replan_from)
        new = _from(solutions[sid].airings, replan_from)
        if old != new:
            changed_ids.append(sid)
            changes += _diff(by_id[sid], old, new)
    statuses = [o.status for rows in before.values() for o in rows]
    status = solver_status(solutions)
    header: dict = {}
    past: dict = {}
    if changed_ids:
        parent = max((session.get(Schedule, current[sid]) for sid in changed_ids),
                     key=lambda s: s.version)
        header = dict(kind="replan", parent_id=parent.id, replan_from=replan_from,
                      solver_status=status, objective=solved.objective(changed_ids),
                      bound=solved.bound(changed_ids), seed=seed, workers=solved.workers,
                      created_by=created_by,
                      stats={**shared, "stations": len(changed_ids), "solved_stations": len(ids),
                             "build_s": round(solved.build_s, 3), "solve_s": round(solved.solve_s, 3),
                             "check_s": round(solved.check_s, 3), "time_limit": time_limit,
                             "jobs": jobs, "past": dict(Counter(statuses)),
                             **({"started_before": started_before} if started_before else {})})
        past = {sid: [a for a in rows if a.date < replan_from]
                for sid, rows in read_airings(session, {i: current[i] for i in changed_ids}).items()}
    log.info("replan %s from %s for %s: %d stations solved, %d changed", month.label, replan_from,
             scope, len(ids), len(changed_ids))
    res = ReplanResult(
        month=month.label, scope=str(scope), replan_from=replan_from, stations=len(ids),
        schedule_id=None, version=None,
        changed=[by_id[i].code for i in changed_ids], changed_ids=changed_ids, changes=changes,
        past=Counter(statuses),
        unrestorable=_unrestorable(session, inst, solutions, before, current, by_id),
        solver_status=status, distinct=shared["solved"], build_s=solved.build_s,
        solve_s=solved.solve_s, check_s=solved.check_s, store_s=0.0, wall_s=0.0)
    return _Unstored(res, solved, header, steps, stations, t0, past, started_before is not None)


def _store(session: Session, draft: _Unstored, *, version: int | None = None) -> None:
    """Store the changed stations as the month's next version (or as `version`), if any changed."""
    res, solved = draft.result, draft.solved
    t0 = time.perf_counter()
    if res.changed_ids:
        sch = store_version(session, solved, draft.steps, draft.header, res.changed_ids,
                            past=draft.past, version=version)
        res.schedule_id, res.version = sch.id, sch.version
    draft.steps.finish()
    t1 = time.perf_counter()
    res.store_s, res.wall_s = t1 - t0, t1 - draft.started


def check_replan(session: Session, month: Period, replan_from: dt.date, scope: Scope | None = None,
                 *, same_day: bool = False) -> tuple[list[Station], dict[int, int]]:
    """The stations in scope that have a schedule for the month, with their current version; or a
    UserError saying why the month cannot be re-planned from that day (a day outside the month,
    nothing planned yet, days on or after it already reported; with same_day, reports of that day
    itself are of the sessions kept). Changes nothing."""
    scope = scope or PROVINCE
    if not month.start <= replan_from <= month.end:
        raise UserError(M("the re-plan date {d} is not in {m}",
                          "ngày lập lại lịch {d} không thuộc tháng {m}", d=replan_from, m=month.label))
    stations = stations_in(session, scope, on=month.start, until=month.end)
    current = current_schedule_ids(session, month.label, [s.id for s in stations])
    if not current:
        raise NotFound(M("no schedule for {m} covers {scope}: plan the month first",
                         "chưa có lịch tháng {m} cho {scope}: hãy lập lịch trước",
                         m=month.label, scope=str(scope)))
    stations = [s for s in stations if s.id in current]
    _refuse_replanned_reports(session, stations, replan_from, month, same_day)
    return stations, current


def _refuse_replanned_reports(session: Session, stations: list[Station], replan_from: dt.date,
                              month: Period, same_day: bool) -> None:
    """Reports of the days a re-plan from replan_from plans again refuse it (with same_day, the
    sessions of replan_from that started are kept: its reports are of those)."""
    if not same_day or replan_from < month.end:
        _refuse_reports_after(session, stations, replan_from + dt.timedelta(days=int(same_day)),
                              month)


def first_day_to_replan(month: Period, today: dt.date) -> dt.date:
    """Tomorrow, kept within the month: today's sessions may have aired already."""
    return min(max(today + dt.timedelta(days=1), month.start), month.end)


class BundlesFailed(UserError):
    """The bundles of a re-plan could not be made: nothing may be stored (the caller rolls back)."""


def replan_and_render(settings: Settings, session: Session, month: Period, replan_from: dt.date,
                      scope: Scope | None = None, *, render: bool = True,
                      progress: Progress | None = None, render_progress: Progress | None = None,
                      **kw) -> ReplanResult:
    """replan_month (kw: seed, time_limit, jobs, workers, created_by, started_before), then, with
    render, the bundles of the stations it changed: a re-plan is stored with the bundles its
    stations need, or not at all (raises BundlesFailed). The new version is rendered before it is
    stored (its zips are written unrecorded, as render_month does), then the version and its
    Bundle rows are written together: the write transaction lasts the inserts, not the encoding,
    so as-run reports are not held up meanwhile. Reports that arrived during the render for days
    the re-plan changes refuse it (those days have aired). Without render_progress, progress
    counts both as one bar. If another planner stored the version number meanwhile, the draft is
    rendered again under the next one (the session rolled back first if it had written nothing
    else: that frees SQLite's write lock for the render)."""
    from ..production.month_render import Draft, render_month

    steps = Stages(progress, 2 if render and render_progress is None else 1)
    draft = _solve(session, month, replan_from, scope, progress=steps.stage(0), **kw)
    res = draft.result
    if not (render and res.changed_ids):
        _store(session, draft)
        steps.finish()
        return res
    # the caller's own writes (a bulletin added, a segment withdrawn, the month before) must
    # survive a retry; without any, a retry starts afresh, which frees SQLite's write lock
    fresh = not has_written(session)
    airings = draft_airings(draft.solved.inst, draft.solved.solutions, res.changed_ids,
                            draft.past)  # what _store will write, rendered before it is
    for attempt in range(VERSION_TRIES):
        version = next_version(session, month.label)
        try:
            rendered = render_month(settings, session, month, scope, jobs=kw.get("jobs"),
                                    station_ids=res.changed_ids,
                                    progress=render_progress or steps.stage(1),
                                    draft=Draft(version, draft.solved.inst.plan_id, airings,
                                                draft.header))
        except UserError as exc:
            raise BundlesFailed(M(
                "{err}\nNothing was stored: a re-plan is stored together with the bundles of the "
                "stations it changes.", "{err}\nChưa lưu gì: lịch lập lại chỉ được lưu cùng gói âm "
                "thanh của các đài thay đổi.", err=exc.message)) from None
        try:
            _store(session, draft, version=version)
            break
        except IntegrityError:  # another planner stored this version number while we rendered
            if attempt == VERSION_TRIES - 1:
                raise
            if fresh:  # else store()'s savepoint was undone, the caller's writes are kept
                session.rollback()
    # in the write transaction now: what was reported meanwhile is seen, and nothing more comes
    _refuse_replanned_reports(session, draft.stations, replan_from, month, draft.same_day)
    for row in rendered.pending:
        row.schedule_id = res.schedule_id
    session.add_all(rendered.pending)
    session.flush()
    res.bundles = [(s.code, s.bundle.version, s.bundle.status) for s in rendered.stations]
    steps.finish()
    return res


def _refuse_reports_after(session: Session, stations: list[Station], day: dt.date,
                          month: Period) -> None:
    """Days already reported have been broadcast: they cannot be planned again."""
    ids = [s.id for s in stations]
    found = []
    for n in range(0, len(ids), CHUNK):
        found += session.execute(select(AsRun.station_id, AsRun.date).where(
            AsRun.station_id.in_(ids[n:n + CHUNK]), AsRun.date >= day,
            AsRun.date <= month.end).order_by(AsRun.date.desc()).limit(MAX_LISTED)).all()
    if found:
        codes = {s.id: s.code for s in stations}
        last = max(d for _, d in found)
        raise UserError(M(
            "stations have already reported broadcasts on or after {d} ({x}): those days have "
            "aired and cannot be planned again; re-plan from the day after the last report ({n})",
            "đã có đài báo cáo buổi phát từ ngày {d} trở đi ({x}): những ngày đó đã phát, không lập "
            "lại được; hãy lập lại từ ngày sau báo cáo cuối cùng ({n})", d=day,
            x=", ".join(f"{codes[s]} {d}" for s, d in sorted(found, key=lambda r: r[1])[:MAX_LISTED]),
            n=last + dt.timedelta(days=1)))


def _as_aired(rows: list[Outcome]) -> list[tuple]:
    """A station's sessions before the date as pins: the items presumed broadcast, in order; a
    session that lost every item is pinned empty."""
    sessions: dict[tuple, list[str]] = defaultdict(list)
    for o in rows:
        sessions.setdefault((o.day, o.session), [])
    for o in presumed_aired(rows):
        sessions[(o.day, o.session)].append(o.slug)
    return [(day, sess, tuple(slugs)) for (day, sess), slugs in sorted(sessions.items())]


def _from(airings, day: dt.date) -> list[tuple]:
    return sorted((a[0], a[1], tuple(a[2])) for a in airings if a[0] >= day and a[2])


def _diff(st: Station, old: list[tuple], new: list[tuple]) -> list[Change]:
    a = {(d, s): slugs for d, s, slugs in old}
    b = {(d, s): slugs for d, s, slugs in new}
    return [Change(st.code, st.name, d, s, a.get((d, s), ()), b.get((d, s), ()))
            for d, s in sorted(set(a) | set(b)) if a.get((d, s), ()) != b.get((d, s), ())]


def _unrestorable(session: Session, inst, solutions, before: dict[int, list[Outcome]],
                  current: dict[int, int], by_id: dict[int, Station]) -> list[dict]:
    """Every obligation still short after the re-plan, with what the stations lost to it."""
    previous = _stored_shortfalls(session, current)
    out = []
    for si in inst.stations:
        sid = si.station.id
        lost = [o for o in before.get(sid, ()) if o.status in LOST]
        for sf in solutions[sid].shortfalls:
            ob = Obligation(sf.rule, sf.kind, sf.segment, sf.start, sf.end, sf.required, None)
            gone = [o for o in lost if ob.contains(o.day) and ob.counts(o.slug, o.kind)]
            st = by_id[sid]
            out.append({"station": st.code, "name": st.name, "district": st.district_code,
                        **shortfall_dict(sf), "lost": len(gone),
                        "lost_reasons": sorted({o.reason for o in gone if o.reason}),
                        "before": (sf.rule, sf.segment, sf.start.isoformat()) in previous.get(sid, set())})
    return out


def _stored_shortfalls(session: Session, current: dict[int, int]) -> dict[int, set[tuple]]:
    out: dict[int, set[tuple]] = defaultdict(set)
    for sch_id in set(current.values()):
        for sid, sfs in session.execute(select(ScheduleStation.station_id, ScheduleStation.shortfalls)
                                        .where(ScheduleStation.schedule_id == sch_id)):
            if current.get(sid) == sch_id:
                out[sid].update((d["rule"], d.get("segment"), d["start"]) for d in sfs or ())
    return out

