"""Library entry points of the scheduler: plan a month, check a stored month (CLI and web call these)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import Conflict, NotFound
from ..core.i18n import M, get_lang
from ..core.models import Schedule, ScheduleStation
from ..core.periods import Period
from ..reports.asrun import reported_between
from ..core.progress import Stages
from .schedules import current_schedule_ids
from . import instances as bridge
from ..scheduler.validate import Issue, validate
from .pipeline import STEPS, ShortfallError, solve_month, solver_status, store_version
from .store import shortfall_from_dict
from ..reference.divisions import stations_in
from ..core.scopes import PROVINCE, Scope, parse_scope

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass
class PlanResult:
    """What a plan run did, for the CLI summary, the web page and the benchmark."""

    month: str
    scope: str
    schedule_id: int | None
    version: int | None
    status: str  # complete | shortfalls
    stations: int
    airings: int
    items: int
    shortfalls: list[dict]  # each with station, name, district and the stored shortfall fields
    solver_status: str
    objective: float
    bound: float
    distinct: int  # CP-SAT runs (alike stations share one; see scheduler/sharing.py)
    seed: int
    workers: int
    jobs: int
    build_s: float
    solve_s: float
    check_s: float  # the validator over every station's schedule
    store_s: float
    wall_s: float
    penalties: Counter = field(default_factory=Counter)  # rule -> units paid, over all stations
    sharing: dict = field(default_factory=dict)  # CP-SAT runs, shapes, model/solver CPU seconds

    @property
    def gap(self) -> float:
        """Relative distance between the objective and CP-SAT's bound (0 = proved optimal)."""
        return 0.0 if self.objective <= 0 else max(0.0, self.objective - self.bound) / self.objective


def plan_month(session: Session, month: Period, scope: Scope | None = None, *, seed: int = 0,
               time_limit: float | None = None, jobs: int | None = None, workers: int | None = None,
               strict: bool = False, pinned=None, freeze_before: dt.date | None = None,
               reference=None, history=None, station_ids=None, progress: Progress | None = None,
               created_by: str | None = None, kind: str = "plan", parent_id: int | None = None,
               replan_from: dt.date | None = None) -> PlanResult:
    """Plan a month for the stations in scope, check the result, store it as a new version.

    time_limit is CP-SAT deterministic seconds per distinct station problem (the same run gives the
    same schedule). pinned/reference: {station_id: [(date, session, (slug, ...))]}; history:
    {station_id: [(date, session, slug, kind)]} (default: the current schedules of earlier months).
    strict: any shortfall raises ShortfallError and nothing is stored. progress(done, total) counts
    four steps a station: built, solved, checked, stored (progress.Stages).
    """
    if kind == "plan":
        refuse_if_reported(session, month, scope, station_ids)
    steps = Stages(progress, STEPS)
    solved = solve_month(session, month, scope, steps, seed=seed, time_limit=time_limit, jobs=jobs,
                         workers=workers, history=history, pinned=pinned,
                         freeze_before=freeze_before, reference=reference, station_ids=station_ids)
    inst, solutions, shared, workers = solved.inst, solved.solutions, solved.shared, solved.workers
    log.info("%s %s: %d stations, %d CP-SAT runs (%s)", month.label, inst.scope, len(inst.stations),
             shared["solved"], shared)
    flat = solved.flat_shortfalls()
    if strict and flat:
        raise ShortfallError(M(
            "{n} obligation(s) cannot be met; with --strict nothing was stored:\n{x}",
            "{n} nghĩa vụ không đáp ứng được; với --strict lịch không được lưu:\n{x}", n=len(flat),
            x=[f"{s['station']} {s['rule']} {s['segment'] or s['start']}: {s['reason'][get_lang()]}"
               for s in flat[:20]]))
    objective, bound, status = solved.objective(), solved.bound(), solver_status(solutions)
    header = dict(kind=kind, parent_id=parent_id, replan_from=replan_from, solver_status=status,
                  objective=objective, bound=bound, seed=seed, workers=workers, created_by=created_by,
                  stats={**shared, "stations": len(inst.stations),
                         "build_s": round(solved.build_s, 3), "solve_s": round(solved.solve_s, 3),
                         "time_limit": time_limit, "jobs": jobs})
    t_stored = time.perf_counter()
    sch = store_version(session, solved, steps, header)
    steps.finish()
    store_s = time.perf_counter() - t_stored
    sch.stats = dict(sch.stats, check_s=round(solved.check_s, 3), store_s=round(store_s, 3))
    session.flush()
    penalties: Counter = Counter()
    for sol in solutions.values():
        for p in sol.penalties:
            penalties[p.rule] += p.units
    return PlanResult(
        month=month.label, scope=inst.scope, schedule_id=sch.id, version=sch.version, status=sch.status,
        stations=len(inst.stations), airings=sum(len(s.airings) for s in solutions.values()),
        items=sum(len(a.slugs) for s in solutions.values() for a in s.airings), shortfalls=flat,
        solver_status=status, objective=objective, bound=bound, distinct=shared["solved"],
        seed=seed, workers=workers, jobs=jobs or os.cpu_count() or 1, build_s=solved.build_s,
        solve_s=solved.solve_s, check_s=solved.check_s, store_s=store_s, wall_s=sch.wall_s,
        penalties=penalties, sharing=shared)


def refuse_if_reported(session: Session, month: Period, scope: Scope | None,
                       station_ids=None) -> None:
    """Planning a month again gives its past days other items: once stations have reported on
    it (judged by their reports, not by the clock), only a re-plan from the day after the last
    report keeps what they aired. Says so, with the command, and plans nothing."""
    ids = list(station_ids) if station_ids is not None else [
        s.id for s in stations_in(session, scope or PROVINCE, on=month.start, until=month.end)]
    found = reported_between(session, ids, month.start, month.end)
    if not found.reports:
        return
    after = found.last_day + dt.timedelta(days=1)
    what = M("{n} as-run report(s) from {s} station(s) are recorded for {m}, the last on {d}: "
             "planning the whole month again would give those days other items, and the reports "
             "and misses recorded would no longer match the schedule. Nothing was planned.",
             "tháng {m} đã có {n} báo cáo phát sóng của {s} đài, ngày cuối {d}: lập lại lịch cả "
             "tháng sẽ xếp nội dung khác cho những ngày đó, các báo cáo và buổi không phát đã ghi "
             "nhận sẽ không còn khớp với lịch. Chưa lập lịch.", n=found.reports, s=found.stations,
             m=month.label, d=found.last_day)
    if after > month.end:
        raise Conflict(M("{w} No day of the month is left to re-plan.",
                         "{w} Tháng không còn ngày nào để lập lại lịch.", w=what))
    raise Conflict(M("{w} To make good what was missed in the rest of the month, re-plan from {f}: "
                     "radio-sched replan {m} --from {f} (on the web: the re-plan form).",
                     "{w} Để phát bù phần còn thiếu trong những ngày còn lại, hãy lập lại lịch từ "
                     "ngày {f}: radio-sched replan {m} --from {f} (trên web: mục lập lại lịch).",
                     w=what, f=after, m=month.label))


def _replanned(session: Session, month: Period, current: dict[int, int], stations=None
               ) -> dict[int, tuple[dt.date, bool]]:
    """{station id: (replan_from, whether it is the station's own version)} of the newest re-plan
    at or after each station's current version that covers it (stations: None = only its own)."""
    rows = [(sch_id, v, parse_scope(scope), day) for sch_id, v, scope, day in session.execute(
        select(Schedule.id, Schedule.version, Schedule.scope, Schedule.replan_from)
        .where(Schedule.month == month.label, Schedule.replan_from.is_not(None))
        .order_by(Schedule.version.desc()))]
    if not rows:
        return {}
    version = dict(session.execute(select(Schedule.id, Schedule.version).where(
        Schedule.id.in_(set(current.values())))).all())
    out = {}
    for st in stations if stations is not None else []:
        if st.id not in current:
            continue
        covers = (st.province_code, st.district_code, st.code)
        for sch_id, v, scope, day in rows:
            if v < version[current[st.id]]:
                break
            if sch_id == current[st.id] or scope.covers(*covers):
                out[st.id] = (day, sch_id == current[st.id])
                break
    if stations is None:
        own = {sch_id: day for sch_id, _, _, day in rows}
        out = {sid: (own[sch_id], True) for sid, sch_id in current.items() if sch_id in own}
    return out


@dataclass
class CheckResult:
    """What the validator found on the current schedules of a month."""

    month: str
    stations: int
    airings: int
    schedules: list[int]
    issues: list[tuple[str, Issue]]  # (station code, issue)
    shortfalls: int

    @property
    def ok(self) -> bool:
        return not self.issues


def check_month(session: Session, month: Period, scope: Scope | None = None, *,
                schedule_id: int | None = None, progress: Progress | None = None) -> CheckResult:
    """Re-check a stored month without the solver: every hard rule and every obligation.

    A station is checked as the newest re-plan that covers it left it: the days before its
    replan_from are past, kept as stored (the sessions that version pinned as aired; or, if the
    re-plan found nothing to change for the station, the airings of its current version) and carry
    nothing else, however the sessions and off-air days were edited since."""
    stations = None
    if schedule_id is not None:
        sch = session.get(Schedule, schedule_id)
        if sch is None or sch.month != month.label:
            raise NotFound(M("no schedule {id} for {month}", "không có lịch {id} của tháng {month}",
                             id=schedule_id, month=month.label))
        station_ids = list(session.scalars(select(ScheduleStation.station_id)
                                           .where(ScheduleStation.schedule_id == schedule_id)))
        current = {sid: schedule_id for sid in station_ids}
    else:
        stations = stations_in(session, scope or PROVINCE, on=month.start, until=month.end)
        current = current_schedule_ids(session, month.label, [s.id for s in stations])
    if not current:
        raise NotFound(M("no schedule is stored for {month}: run 'radio-sched plan {month}'",
                         "chưa có lịch nào cho tháng {month}: hãy chạy 'radio-sched plan {month}'",
                         month=month.label))
    airings, pinned = bridge.stored_airings(session, current)
    frozen = _replanned(session, month, current, stations)
    for sid, (day, own) in frozen.items():
        if not own:  # a re-plan took this station's past as stored and changed nothing after it
            pinned[sid] = [f for f in airings.get(sid, []) if f.day < day]
    inst = bridge.build_month(session, month, scope, pinned={k: [tuple(f) for f in v]
                                                             for k, v in pinned.items()},
                              station_ids=list(current),
                              freeze_at=bridge.started_before_of(session, current, frozen))
    inst.stations = [si if si.station.id not in frozen else dataclasses.replace(
        si, problem=dataclasses.replace(si.problem, frozen_before=frozen[si.station.id][0]))
        for si in inst.stations]
    rows = session.execute(select(ScheduleStation.schedule_id, ScheduleStation.station_id,
                                  ScheduleStation.shortfalls).where(
        ScheduleStation.schedule_id.in_(set(current.values()))))
    declared = {sid: [shortfall_from_dict(d) for d in sfs] for sch_id, sid, sfs in rows
                if current.get(sid) == sch_id}
    issues = []
    total = len(inst.stations)
    for n, si in enumerate(inst.stations, 1):
        sid = si.station.id
        found = validate(si.problem, airings.get(sid, []), declared.get(sid, []))
        issues += [(si.station.code, i) for i in found]
        if progress:
            progress(n, total)
    return CheckResult(month.label, total, sum(len(v) for v in airings.values()),
                       sorted(set(current.values())), issues,
                       sum(len(v) for v in declared.values()))
