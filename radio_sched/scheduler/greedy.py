"""The baseline: a slot-by-slot filler, as radio automation fills a log, for comparison with CP-SAT."""

from __future__ import annotations

import time

from .explain import shortfalls
from .instance import Fixed, Problem, Solution, binds
from .variables import running_order
from .obligations import expand, month_obligations


def greedy(problem: Problem) -> Solution:
    """Walk the sessions in time order; fill each with whatever still owes airings, in plan order."""
    t0 = time.perf_counter()
    lim = problem.limits
    obs = [(ob, req) for ob, req in month_obligations(problem)]
    pinned = {(f.day, f.session): f.slugs for f in problem.pinned}
    aired = list(problem.history) + expand(problem.pinned, problem)
    rank = {r.kind: n for n, r in enumerate(problem.rules)}
    order = sorted(problem.segments, key=lambda s: (rank.get(s.kind, len(rank)), s.valid_from, s.slug))
    gaps = {s.slug: max([r.min_gap_days for r in problem.rules if r.min_gap_days and binds(r, s.kind)],
                        default=0) for s in problem.segments}
    out: list[Fixed] = []
    for slot in sorted(problem.slots, key=lambda s: (s.day, s.start, s.session)):
        key = (slot.day, slot.session)
        if key in pinned:
            if pinned[key]:
                out.append(Fixed(slot.day, slot.session, tuple(pinned[key])))
            continue
        if slot.off_air or problem.is_frozen(slot.day):
            continue
        chosen: list = []
        for seg in order:
            if len(chosen) >= lim.max_items:
                break
            if not seg.valid_on(slot.day) or not _owed(seg, slot.day, obs, aired):
                continue
            trial = chosen + [seg]
            if lim.length_ms([s.duration_ms for s in trial]) > slot.capacity_ms:
                continue
            if any(r.max_per_session is not None
                   and sum(1 for s in trial if binds(r, s.kind)) > r.max_per_session
                   for r in problem.rules):
                continue
            g = gaps[seg.slug]
            if g and any(a.slug == seg.slug and abs((a.day - slot.day).days) < g for a in aired):
                continue
            if _breaks_max(seg, slot.day, obs, aired):
                continue
            chosen.append(seg)
            aired.append(_aired(slot, seg))
        if chosen:
            slugs = running_order(problem, [s.slug for s in chosen])
            out.append(Fixed(slot.day, slot.session, slugs))

    return Solution(tuple(out), status="greedy", wall_s=time.perf_counter() - t0,
                    shortfalls=shortfalls(problem, out))


def _aired(slot, seg):
    from .instance import Aired

    return Aired(slot.day, slot.session, seg.slug, seg.kind)


def _owed(seg, day, obs, aired) -> bool:
    """Does some obligation containing the day still want an airing of this segment?"""
    for ob, req in obs:
        if ob.contains(day) and ob.counts(seg.slug, seg.kind) and not ob.soft:
            have = sum(1 for a in aired if ob.contains(a.day) and ob.counts(a.slug, a.kind))
            if have < req.before + req.required + req.remainder:
                return True
    for ob, req in obs:  # then the soft wishes (the standing column)
        if ob.soft and ob.contains(day) and ob.counts(seg.slug, seg.kind):
            have = sum(1 for a in aired if ob.contains(a.day) and ob.counts(a.slug, a.kind))
            if have < req.before + req.required:
                return True
    return False


def _breaks_max(seg, day, obs, aired) -> bool:
    for ob, _req in obs:
        if ob.max is not None and ob.contains(day) and ob.counts(seg.slug, seg.kind):
            have = sum(1 for a in aired if ob.contains(a.day) and ob.counts(a.slug, a.kind))
            if have + 1 > ob.max:
                return True
    return False
