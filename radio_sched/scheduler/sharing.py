"""Solving a month's stations with as few CP-SAT runs as is exact.

Stations equal up to the names of their own segments share one problem (canonical.py). Stations
equal also up to the *lengths* of those segments form one group, solved twice: relaxed (each such
segment at the shortest length in the group) and restricted (at the longest). Lengths appear only
in capacity limits, never in the objective, so the relaxed bound is a lower bound for every member
and the restricted schedule fits every member. When the restricted objective reaches the relaxed
bound, that schedule is optimal for every member (that owes the same). Otherwise a member takes
the relaxed schedule if it fits its own lengths, and is solved on its own if not.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

from .canonical import canonical, restore
from .instance import Problem, Solution, StationInstance
from .obligations import obligations, requirement
from .parallel import solve_all


def shape(cp: Problem) -> Problem:
    """A canonical problem with the lengths of local segments blanked: alike up to lengths."""
    return dataclasses.replace(cp, segments=tuple(s._replace(duration_ms=0) if s.local else s
                                                  for s in cp.segments))


def relaxed(members: Sequence[Problem], pick=min) -> Problem:
    """The group's most permissive problem (each local segment at its shortest length), or with
    pick=max the most restricted one."""
    chosen: dict[str, int] = {}
    for p in members:
        for s in p.segments:
            if s.local:
                chosen[s.slug] = pick(chosen.get(s.slug, s.duration_ms), s.duration_ms)
    return dataclasses.replace(members[0], segments=tuple(
        s._replace(duration_ms=chosen[s.slug]) if s.local else s for s in members[0].segments))


def proven(restricted: Solution, relaxed_: Solution) -> bool:
    """The restricted schedule reaches the relaxed lower bound: optimal for the whole group."""
    return (restricted.status in ("optimal", "feasible") and restricted.objective is not None
            and relaxed_.bound is not None and restricted.objective <= relaxed_.bound + 1e-6)


def fits(member: Problem, rep: Problem, sol: Solution, proof: bool = True) -> bool:
    """Does the shared schedule hold, and stay optimal, with the member's own lengths? (proof:
    the schedule must be proved optimal itself; else the caller has proved it.)"""
    if (proof and sol.status != "optimal") or sol.shortfalls:
        return False
    durations = {s.slug: s.duration_ms for s in member.segments}
    local = {s.slug for s in member.segments if s.local}
    pinned = {(f.day, f.session) for f in member.pinned}
    caps = {(s.day, s.session): s.capacity_ms for s in member.slots}
    for a in sol.airings:
        if (a.day, a.session) in pinned or not local.intersection(a.slugs):
            continue
        if member.limits.length_ms(durations[s] for s in a.slugs) > caps[(a.day, a.session)]:
            return False
    # what later days can still take of a local segment's window may depend on its length
    rules = [r for r in member.rules if r.each_segment is not None]
    for ob in obligations(rules, [s for s in member.segments if s.local], member.start, member.end):
        if ob.end > member.end and requirement(ob, member) != requirement(ob, rep):
            return False
    return True


def solve_stations(stations: Sequence[StationInstance], *, jobs: int | None = None, seed: int = 0,
                   time_limit: float | None = None, workers: int = 1,
                   progress: Callable[[int, int], None] | None = None
                   ) -> tuple[dict[int, Solution], dict]:
    """{station id: solution} for every station, and how much was shared."""
    kw = dict(jobs=jobs, seed=seed, time_limit=time_limit, workers=workers)
    canon = [canonical(si.problem) for si in stations]
    groups: dict[Problem, dict[Problem, None]] = {}
    for cp, _ in canon:
        groups.setdefault(shape(cp), {})[cp] = None
    reps: list[Problem] = []
    rep_of_shape: dict[Problem, tuple[int, int | None]] = {}
    for key, members in groups.items():
        ms = list(members)
        if len(ms) == 1:
            rep_of_shape[key] = (len(reps), None)
            reps.append(ms[0])
        else:
            rep_of_shape[key] = (len(reps), len(reps) + 1)
            reps += [relaxed(ms), relaxed(ms, max)]
    first = solve_all(reps, progress=progress, **kw)
    out: dict[int, Solution] = {}
    alone: dict[Problem, int] = {}
    pending = []
    for si, (cp, back) in zip(stations, canon):
        lo, hi = rep_of_shape[shape(cp)]
        if hi is not None and proven(first[hi], first[lo]) and fits(cp, reps[hi], first[hi], proof=False):
            out[si.station.id] = restore(dataclasses.replace(first[hi], bound=first[lo].bound), back)
        elif reps[lo] == cp or fits(cp, reps[lo], first[lo]):
            out[si.station.id] = restore(first[lo], back)
        else:
            alone.setdefault(cp, len(alone))
            pending.append((si, cp, back))
    second = solve_all(list(alone), **kw) if alone else []
    for si, cp, back in pending:
        out[si.station.id] = restore(second[alone[cp]], back)
    runs = list(first) + list(second)
    stats = {"shapes": len(groups), "solved": len(reps) + len(alone), "alone": len(alone),
             "exact": len({cp for cp, _ in canon}),
             # CPU seconds summed over the runs (in parallel processes when jobs > 1)
             "model_cpu_s": round(sum(r.stats.get("build_s", 0) for r in runs), 3),
             "cpsat_cpu_s": round(sum(r.stats.get("solve_s", 0) for r in runs), 3)}
    return out, stats
