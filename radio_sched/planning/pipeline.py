"""The one plan pipeline that plan and re-plan share: build the instance, solve, check, store."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from ..core.config import SchedulerSettings
from ..core.errors import RadioSchedError, UserError
from ..core.i18n import M
from ..core.models import Schedule
from ..core.periods import Period
from ..core.progress import Stages
from ..core.scopes import Scope
from ..scheduler.instance import Solution
from ..scheduler.sharing import solve_stations
from ..scheduler.validate import Issue, validate
from . import instances
from .store import shortfall_dict, store

Progress = Callable[[int, int], None]
STEPS = 4  # progress counts four steps a station: built, solved, checked, stored


class ShortfallError(UserError):
    """--strict: the month has shortfalls, so no schedule was stored."""

    exit_code = 4


class ScheduleInvalid(RadioSchedError):
    """The validator found a broken rule in a schedule the solver produced (a bug): nothing stored."""

    exit_code = 70


@dataclass
class Solved:
    """A month built, solved and checked, not yet stored."""

    inst: instances.MonthInstance
    solutions: dict[int, Solution]
    shared: dict  # CP-SAT runs, shapes, model/solver CPU seconds (scheduler/sharing.py)
    workers: int
    started: float  # perf_counter at the start of the build
    build_s: float
    solve_s: float
    check_s: float

    def objective(self, ids=None) -> float:
        return sum(s.objective or 0 for i, s in self.solutions.items() if ids is None or i in ids)

    def bound(self, ids=None) -> float:
        return sum(s.bound or 0 for i, s in self.solutions.items() if ids is None or i in ids)

    def flat_shortfalls(self) -> list[dict]:
        """Every station's shortfalls with the station's code, name and district."""
        return [{"station": si.station.code, "name": si.station.name,
                 "district": si.station.district, **shortfall_dict(sf)}
                for si in self.inst.stations for sf in self.solutions[si.station.id].shortfalls]


def solve_month(session: Session, month: Period, scope: Scope | None, steps: Stages, *,
                seed: int = 0, time_limit: float | None = None, jobs: int | None = None,
                workers: int | None = None, **build) -> Solved:
    """Build the month's instance (build: history, pinned, freeze_before, reference,
    station_ids), solve every station (alike stations share a run), and check each schedule with
    the validator; a broken rule is a bug and raises ScheduleInvalid before anything is stored."""
    workers = workers or SchedulerSettings().workers
    t0 = time.perf_counter()
    inst = instances.build_month(session, month, scope, progress=steps.stage(0), **build)
    t1 = time.perf_counter()
    solutions, shared = solve_stations(inst.stations, jobs=jobs, seed=seed, time_limit=time_limit,
                                       workers=workers, progress=steps.stage(1))
    t2 = time.perf_counter()
    issues = check_solutions(inst, solutions, progress=steps.stage(2))
    if issues:
        raise ScheduleInvalid(M("the produced schedule breaks rules (a bug); nothing was stored:\n{x}",
                                "lịch vừa lập vi phạm quy tắc (lỗi chương trình); chưa lưu gì:\n{x}",
                                x=[f"{code}: {i.message}" for code, i in issues[:20]]))
    return Solved(inst, solutions, shared, workers, t0, t1 - t0, t2 - t1, time.perf_counter() - t2)


def store_version(session: Session, solved: Solved, steps: Stages, header: dict,
                  station_ids: list[int] | None = None, past=None, *,
                  version: int | None = None) -> Schedule:
    """Store the solved stations (all, or station_ids) as the month's next version (or as
    `version` exactly: IntegrityError if another planner stored that one meanwhile); past: the
    airings before the frozen day as planned, kept as they are (store.store)."""
    inst, solutions = solved.inst, solved.solutions
    if station_ids is not None:
        keep = set(station_ids)
        inst = dataclasses.replace(inst, stations=[si for si in inst.stations
                                                   if si.station.id in keep])
        solutions = {i: solutions[i] for i in station_ids}
    sch = store(session, inst, solutions, header=header, progress=steps.stage(3), past=past,
                version=version)
    sch.wall_s = time.perf_counter() - solved.started
    session.flush()
    return sch


def solver_status(solutions, ids=None) -> str:
    """'optimal' when every run proved its optimum, else the statuses found."""
    return ",".join(sorted({s.status for i, s in solutions.items() if ids is None or i in ids}))


def check_solutions(inst: instances.MonthInstance, solutions: dict[int, Solution], *,
                    progress: Progress | None = None) -> list[tuple[str, Issue]]:
    """The validator over every station: (station code, issue) for each thing wrong."""
    out = []
    for n, si in enumerate(inst.stations, 1):
        sol = solutions[si.station.id]
        out += [(si.station.code, i) for i in validate(si.problem, sol.airings, sol.shortfalls)]
        if progress:
            progress(n, len(inst.stations))
    return out
