"""Alike stations share one model: station-local segments are renamed to placeholders, then grouped."""

from __future__ import annotations

import dataclasses
from typing import Iterable

from .instance import Aired, Fixed, Problem, Shortfall, Solution, StationInstance


def canonical(problem: Problem) -> tuple[Problem, dict[str, str]]:
    """The problem with local segments named ~kind~n, and the map from placeholder back to slug."""
    local = sorted((s for s in problem.segments if s.local),
                   key=lambda s: (s.kind, s.valid_from, s.valid_until, s.duration_ms, s.slug))
    if not local:
        return problem, {}
    to: dict[str, str] = {}
    counts: dict[str, int] = {}
    for s in local:
        n = counts[s.kind] = counts.get(s.kind, 0) + 1
        to[s.slug] = f"~{s.kind}~{n}"
    ren = lambda slug: to.get(slug, slug)  # noqa: E731
    segments = tuple(sorted((s._replace(slug=ren(s.slug)) for s in problem.segments),
                            key=lambda s: (s.valid_from, s.slug)))
    history = tuple(sorted(Aired(a.day, a.session, ren(a.slug), a.kind) for a in problem.history))
    return dataclasses.replace(
        problem, segments=segments, history=history, pinned=_fixed(problem.pinned, ren),
        reference=None if problem.reference is None else _fixed(problem.reference, ren),
    ), {v: k for k, v in to.items()}


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
