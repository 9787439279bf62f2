"""Solving a month's stations with as few CP-SAT runs as is exact.

Stations equal up to the names of their own segments share one problem (canonical.py). Stations
equal also up to the *lengths* of those segments and up to their off-air sessions this month form
one shape. A relaxed problem (each such segment at its shortest length among the members, every
session of the month open) is a relaxation of every member's: lengths and closed sessions only take
choices away, and never enter the objective. So its optimum is a lower bound for every member, and
when its schedule also fits a member (no item in its closed sessions, its own lengths within
capacity, the same requirements) that schedule is optimal for the member.

Members that also share their closed sessions (three or more) are solved relaxed and restricted
(longest lengths): the restricted schedule fits them all, and if it reaches the relaxed bound it is
optimal for all. The other members of a shape (their own outages) try one relaxed schedule with
every session open. A member nothing fits is solved on its own.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

from ..core.config import SchedulerWeights
from .canonical import canonical, restore
from .instance import Problem, Solution, StationInstance
from .obligations import obligations, requirement
from .parallel import solve_all

BASE_WEIGHT = SchedulerWeights().obligation  # solve_stations solves with the default weights


def _open(slots):
    return tuple(s._replace(off_air=None) if s.off_air is not None else s for s in slots)


def shape(cp: Problem) -> Problem:
    """A canonical problem with local lengths blanked and the month's sessions all open."""
    return dataclasses.replace(cp, slots=_open(cp.slots), segments=tuple(
        s._replace(duration_ms=0) if s.local else s for s in cp.segments))


def relaxed(members: Sequence[Problem], pick=min) -> Problem:
    """The group's most permissive problem (shortest lengths, every session open), or with
    pick=max its most restricted one (longest lengths, a session closed if any member's is)."""
    chosen: dict[str, int] = {}
    for p in members:
        for s in p.segments:
            if s.local:
                chosen[s.slug] = pick(chosen.get(s.slug, s.duration_ms), s.duration_ms)
    first = members[0]
    if pick is min:
        slots = _open(first.slots)
    else:
        closed: dict[tuple, str] = {}
        for p in members:
            for s in p.slots:
                if s.off_air is not None:
                    closed.setdefault((s.day, s.session), s.off_air)
        slots = tuple(s._replace(off_air=closed.get((s.day, s.session))) for s in first.slots)
    return dataclasses.replace(first, slots=slots, segments=tuple(
        s._replace(duration_ms=chosen[s.slug]) if s.local else s for s in first.segments))


def proven(restricted: Solution, relaxed_: Solution) -> bool:
    """The restricted schedule reaches the relaxed lower bound: optimal for the whole group."""
    return (restricted.status in ("optimal", "feasible") and restricted.objective is not None
            and relaxed_.bound is not None and restricted.objective <= relaxed_.bound + 1e-6
            and _ceiling(relaxed_) + _ceiling(restricted) < BASE_WEIGHT)


def _ceiling(sol: Solution) -> float:
    """What every term but the obligations can cost together in the solved model.

    A model weighs an obligation airing above its ceiling (model.set_objective), so objectives of
    two models compare only when both weigh obligations alike. A member's ceiling is at most the
    relaxed one's (fewer choices, the same requirements) or, when the restricted schedule is
    taken, the relaxed one's plus the restricted one's (its soft needs lie between theirs): below
    the base weight, every member's model uses the base weight too."""
    return sol.stats.get("ceiling", float("inf"))


def fits(member: Problem, rep: Problem, sol: Solution, proof: bool = True) -> bool:
    """Does the shared schedule hold, and stay optimal, with the member's own lengths and closed
    sessions? (proof: the schedule must be proved optimal itself; else the caller proved it.)"""
    if (proof and (sol.status != "optimal" or _ceiling(sol) >= BASE_WEIGHT)) or sol.shortfalls:
        return False
    durations = {s.slug: s.duration_ms for s in member.segments}
    local = {s.slug for s in member.segments if s.local}
    pinned = {(f.day, f.session) for f in member.pinned}
    slots = {(s.day, s.session): s for s in member.slots}
    for a in sol.airings:
        key = (a.day, a.session)
        if key in pinned:
            continue
        if slots[key].off_air is not None:
            return False
        if local.intersection(a.slugs) and member.limits.length_ms(
                durations[s] for s in a.slugs) > slots[key].capacity_ms:
            return False
    # what later days can still take of a local segment's window may depend on its length
    rules = [r for r in member.rules if r.each_segment is not None]
    for ob in obligations(rules, [s for s in member.segments if s.local], member.start, member.end):
        if ob.end > member.end and requirement(ob, member) != requirement(ob, rep):
            return False
    return True


def _closed(p: Problem) -> frozenset:
    return frozenset((s.day, s.session) for s in p.slots if s.off_air is not None)


def solve_stations(stations: Sequence[StationInstance], *, jobs: int | None = None, seed: int = 0,
                   time_limit: float | None = None, workers: int = 1,
                   progress: Callable[[int, int], None] | None = None
                   ) -> tuple[dict[int, Solution], dict]:
    """{station id: solution} for every station, and how much was shared.

    progress(done, total) counts stations whose schedule is known, as the CP-SAT runs finish."""
    kw = dict(jobs=jobs, seed=seed, time_limit=time_limit, workers=workers)
    canon = [canonical(si.problem) for si in stations]
    # distinct canonical problems and shapes, numbered once (hashing a problem is not cheap)
    numbers: dict[Problem, int] = {}
    problem_of = [numbers.setdefault(cp, len(numbers)) for cp, _ in canon]
    distinct = list(numbers)
    shapes: dict[Problem, int] = {}
    shape_of = [shapes.setdefault(shape(cp), len(shapes)) for cp in distinct]
    closed_of = [_closed(cp) for cp in distinct]
    # members by shape, and by shape and closed sessions
    by_closed: dict[tuple, list[int]] = {}
    for n in range(len(distinct)):
        by_closed.setdefault((shape_of[n], closed_of[n]), []).append(n)
    reps: list[Problem] = []
    exact: dict[int, int] = {}  # problem -> its own run
    sub: dict[tuple, tuple[int, int]] = {}  # (shape, closed) -> (relaxed, restricted) run numbers
    loose: dict[int, list[int]] = {}  # shape -> members of small subgroups
    for key, members in by_closed.items():
        if len(members) >= 3:  # alike but for lengths: relaxed and restricted
            sub[key] = (len(reps), len(reps) + 1)
            ms = [distinct[n] for n in members]
            reps += [relaxed(ms), relaxed(ms, max)]
        else:
            loose.setdefault(key[0], []).extend(members)
    wide: dict[int, int] = {}  # shape -> run of its relaxed problem with every session open
    for key, members in loose.items():
        if len(members) >= 3:
            wide[key] = len(reps)
            reps.append(relaxed([distinct[n] for n in members]))
        else:
            for n in members:
                exact[n] = len(reps)
                reps.append(distinct[n])
    # each problem is decided as soon as the runs its answer depends on are done
    waiting: dict[int, list[int]] = {}
    left = []
    for n in range(len(distinct)):
        runs = (exact[n],) if n in exact else sub.get((shape_of[n], closed_of[n]), ())
        if n not in exact and shape_of[n] in wide:
            runs += (wide[shape_of[n]],)
        left.append(len(runs))
        for r in runs:
            waiting.setdefault(r, []).append(n)
    stations_of = [0] * len(distinct)
    for n in problem_of:
        stations_of[n] += 1
    first: dict[int, Solution] = {}
    decided: dict[int, Solution] = {}  # problem -> its canonical solution
    done = [0]  # stations decided

    def tell() -> None:
        if progress:
            progress(done[0], len(stations))

    def decide(n: int) -> Solution | None:
        cp, key = distinct[n], shape_of[n]
        if n in exact:
            return first[exact[n]]
        lo, hi = sub.get((key, closed_of[n]), (None, None))
        if hi is not None and proven(first[hi], first[lo]) and fits(cp, reps[hi], first[hi], proof=False):
            return dataclasses.replace(first[hi], bound=first[lo].bound)
        if lo is not None and fits(cp, reps[lo], first[lo]):
            return first[lo]
        if key in wide and fits(cp, reps[wide[key]], first[wide[key]]):
            return first[wide[key]]
        return None

    def ran(r: int, sol: Solution) -> None:
        first[r] = sol
        for n in waiting.get(r, ()):
            left[n] -= 1
            if left[n] == 0 and (found := decide(n)) is not None:
                decided[n] = found
                done[0] += stations_of[n]
        tell()

    solve_all(reps, solved=ran, **kw)
    alone = [n for n in range(len(distinct)) if n not in decided]  # in order: runs numbered alike
    if alone:
        def ran_alone(r: int, sol: Solution) -> None:
            decided[alone[r]] = sol
            done[0] += stations_of[alone[r]]
            tell()

        second = solve_all([distinct[n] for n in alone], solved=ran_alone, **kw)
    else:
        second = []
    out = {si.station.id: restore(decided[problem_of[k]], canon[k][1]) for k, si in enumerate(stations)}
    runs = list(first.values()) + second
    stats = {"shapes": len(shapes), "solved": len(reps) + len(alone), "alone": len(alone),
             "exact": len(distinct),
             # CPU seconds summed over the runs (in parallel processes when jobs > 1)
             "model_cpu_s": round(sum(r.stats.get("build_s", 0) for r in runs), 3),
             "cpsat_cpu_s": round(sum(r.stats.get("solve_s", 0) for r in runs), 3)}
    return out, stats
