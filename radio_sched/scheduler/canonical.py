"""Alike stations share one model: station-local segments are renamed to placeholders, then grouped.

The canonical problem keeps only what the model reads, named the same way at every station:
- local segments of the month (a district's episodes, a commune's item) become `~kind~n`, numbered
  in the order of their kind, validity and where they already air (history, pins, reference), so
  that the same pattern gets the same numbers everywhere; history, pins and reference use them too;
- history is kept as the model reads it (_history_that_counts): an airing dated by the obligations
  that count it, or by its gap to the month; segments outside the month, read by kind only,
  become `~kind~earlier`;
- reference sessions that the model ignores (pinned, frozen, empty) are dropped; items no longer
  in the problem become `~gone` (they only make a session count as changed: rules/reference.py);
- off-air reasons of frozen days are dropped: nothing can be placed there either way;
- off-air days after the month are dropped when no requirement of the month depends on them (the
  model reads the later days only through obligations.requirement, as what they can still take).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from typing import Iterable

from ..core.periods import calendar_period
from .plan import ANY_KIND, JINGLE_KIND
from .instance import Aired, Fixed, Problem, Shortfall, Solution, StationInstance, binds
from .obligations import month_obligations, segment_window

EARLIER = "~{kind}~earlier"
GONE = "~gone"


def canonical(problem: Problem) -> tuple[Problem, dict[str, str]]:
    """The problem with local segments named ~kind~n, and the map from placeholder back to slug."""
    slugs = {s.slug for s in problem.segments}
    history = _history_that_counts(problem, slugs)
    reference = _reference_that_counts(problem)
    where = _appearances(history, problem.pinned, reference or ())
    local = sorted((s for s in problem.segments if s.local),
                   key=lambda s: (s.kind, s.valid_from, s.valid_until, where.get(s.slug, ()),
                                  s.duration_ms, s.slug))
    to: dict[str, str] = {}
    counts: dict[str, int] = {}
    for s in local:
        n = counts[s.kind] = counts.get(s.kind, 0) + 1
        to[s.slug] = f"~{s.kind}~{n}"
    ren = lambda slug: to.get(slug, slug)  # noqa: E731
    segments = tuple(sorted((s._replace(slug=ren(s.slug)) for s in problem.segments),
                            key=lambda s: (s.valid_from, s.slug)))
    history = tuple(sorted(
        Aired(a.day, a.session, ren(a.slug) if a.slug in slugs else EARLIER.format(kind=a.kind), a.kind)
        for a in history))
    gone = lambda slug: ren(slug) if slug in slugs else GONE  # noqa: E731
    slots = problem.slots
    if problem.frozen_before is not None:
        slots = tuple(s._replace(off_air=None) if s.off_air is not None and problem.is_frozen(s.day)
                      else s for s in slots)
    return dataclasses.replace(
        problem, slots=slots, segments=segments, history=history, future=_future_that_counts(problem),
        pinned=tuple(sorted(_fixed(problem.pinned, ren))),
        reference=None if reference is None else tuple(sorted(_fixed(reference, gone))),
    ), {v: k for k, v in to.items()}


def _history_that_counts(problem: Problem, slugs: set[str]) -> list[Aired]:
    """History as the model reads it, in a form alike stations share.

    An earlier airing is read in two ways only: min_gap (rules/min_gap.py, explain.py) reads the
    day of an airing of a segment of the month when it falls within the gap of the month's first
    day; an obligation of the month counts it when the obligation began on or before its day
    (obligations.count; every such day is before the month). So an airing outside any gap keeps
    the same counts when moved to the latest start of an obligation that counts it, and is
    dropped when none does; the session of an earlier airing is never read."""
    if not problem.history:
        return []
    quota = _quota_starts(problem.rules, problem.start)
    windows: dict[str, list] = {}  # slug -> starts of its each_segment windows meeting the month
    for rule in problem.rules:
        if rule.each_segment is not None:
            for seg in problem.segments:
                if binds(rule, seg.kind):
                    ws, we = segment_window(rule, seg)
                    if problem.start <= we and ws <= problem.end and ws <= we:
                        windows.setdefault(seg.slug, []).append(ws)
    starts: dict[tuple[str, str], list] = {}
    gaps: dict[str, int] = {}
    out = []
    for a in problem.history:
        if a.kind not in gaps:
            gaps[a.kind] = max([r.min_gap_days for r in problem.rules
                                if r.min_gap_days and binds(r, a.kind)], default=0)
        if a.slug in slugs and (problem.start - a.day).days < gaps[a.kind]:
            out.append(a._replace(session=""))
            continue
        found = starts.get((a.slug, a.kind))
        if found is None:
            found = starts[(a.slug, a.kind)] = sorted(
                windows.get(a.slug, []) + quota.get(a.kind, [])
                + (quota.get(ANY_KIND, []) if a.kind != JINGLE_KIND else []))
        n = bisect.bisect_right(found, a.day)
        if n:
            out.append(a._replace(day=found[n - 1], session=""))
    return out


@functools.lru_cache(maxsize=64)
def _quota_starts(rules: tuple, start) -> dict[str, list]:
    """kind (or '*') -> first days of the quota periods that contain the month's first day: the
    only periods of the month that begin before it."""
    out: dict[str, list] = {}
    for r in rules:
        if r.quota is not None:
            out.setdefault(r.kind, []).append(calendar_period(r.quota.per, start).start)
    return out


def _future_that_counts(problem: Problem) -> tuple:
    """The later days with every session open, unless an off-air day changes what the month owes."""
    if all(s.off_air is None for s in problem.future):
        return problem.future
    opened = dataclasses.replace(problem, future=tuple(s._replace(off_air=None) for s in problem.future))
    if [r for _, r in month_obligations(problem)] == [r for _, r in month_obligations(opened)]:
        return opened.future
    return problem.future


def _reference_that_counts(problem: Problem) -> tuple[Fixed, ...] | None:
    """The reference without sessions the model does not compare: pinned, frozen or empty."""
    if problem.reference is None:
        return None
    pinned = {(f.day, f.session) for f in problem.pinned}
    return tuple(f for f in problem.reference
                 if f.slugs and (f.day, f.session) not in pinned and not problem.is_frozen(f.day))


def _appearances(history: Iterable[Aired], pinned: Iterable[Fixed], reference: Iterable[Fixed]
                 ) -> dict[str, tuple]:
    """slug -> where it already airs, is pinned or is referenced, as a sortable signature."""
    out: dict[str, list] = {}
    for a in history:
        out.setdefault(a.slug, []).append(("h", a.day, a.session, 0))
    for tag, rows in (("p", pinned), ("r", reference)):
        for f in rows:
            for pos, slug in enumerate(f.slugs):
                out.setdefault(slug, []).append((tag, f.day, f.session, pos))
    return {slug: tuple(sorted(v)) for slug, v in out.items()}


def _fixed(rows: Iterable[Fixed], ren) -> tuple[Fixed, ...]:
    return tuple(Fixed(f.day, f.session, tuple(ren(s) for s in f.slugs)) for f in rows)


def restore(solution: Solution, back: dict[str, str]) -> Solution:
    """A canonical problem's solution with the station's own segment slugs put back."""
    if not back:
        return solution
    ren = lambda slug: back.get(slug, slug)  # noqa: E731

    def sf(s: Shortfall) -> Shortfall:
        params = tuple((k, ren(v) if isinstance(v, str) else v) for k, v in s.params)
        return dataclasses.replace(s, segment=None if s.segment is None else ren(s.segment), params=params)

    return dataclasses.replace(
        solution, airings=_fixed(solution.airings, ren),
        shortfalls=tuple(sf(s) for s in solution.shortfalls),
        penalties=tuple(dataclasses.replace(p, name=_rename_all(p.name, back)) for p in solution.penalties))


def _rename_all(text: str, back: dict[str, str]) -> str:
    for placeholder, slug in back.items():
        if placeholder in text:
            text = text.replace(placeholder + "]", slug + "]").replace(placeholder + "|", slug + "|")
    return text


def group(stations: Iterable[StationInstance]) -> tuple[list[Problem], list[tuple[int, dict[str, str]]]]:
    """Distinct canonical problems, and for each station (in order) its problem's index and map."""
    index: dict[Problem, int] = {}
    distinct: list[Problem] = []
    per_station = []
    for si in stations:
        cp, back = canonical(si.problem)
        n = index.get(cp)
        if n is None:
            n = index[cp] = len(distinct)
            distinct.append(cp)
        per_station.append((n, back))
    return distinct, per_station
