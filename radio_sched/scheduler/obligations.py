"""Obligations as pure functions: windows and periods, counting, and what this month must do.

Shared by the model builder, the validator and (later) the audit, so that all three count alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from ..core.periods import calendar_period
from .plan import Rule, counts_kind
from .instance import Aired, Fixed, Problem, SegmentInfo, binds

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Obligation:
    """A rule's count over one window (each_segment) or calendar period (quota) at one station."""

    rule: str
    kind: str
    segment: str | None  # the segment of an each_segment window; None for a quota
    start: dt.date
    end: dt.date
    min: int
    max: int | None
    soft: bool = False
    label: str = ""  # "2024-W10", "2024-03", or the window "2024-03-01..2024-03-07"

    def counts(self, slug: str, kind: str) -> bool:
        """Does an airing of this segment count toward the obligation?"""
        if self.segment is not None:
            return slug == self.segment
        return counts_kind(self.kind, kind)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Requirement:
    """What one month owes an obligation, after the airings before it and the capacity after it."""

    before: int  # airings counted before the month
    required: int  # what this month must do (a shortfall if not done)
    remainder: int  # what later months could still do ("finish it now" is only a wish)
    max_now: int | None  # airings this month may add without breaking max


def segment_window(rule: Rule, seg: SegmentInfo) -> tuple[dt.date, dt.date]:
    """[valid_from, min(valid_from + within_days - 1, valid_until)]."""
    assert rule.each_segment is not None
    end = seg.valid_from + dt.timedelta(days=rule.each_segment.within_days - 1)
    return seg.valid_from, min(end, seg.valid_until)


def obligations(rules: Iterable[Rule], segments: Iterable[SegmentInfo], start: dt.date,
                end: dt.date) -> list[Obligation]:
    """Every window and period of the rules that meets the days start..end, in a stable order."""
    segments = sorted(segments, key=lambda s: (s.valid_from, s.slug))
    out: list[Obligation] = []
    for rule in rules:
        if rule.each_segment is not None:
            each = rule.each_segment
            for seg in segments:
                if not binds(rule, seg.kind):
                    continue
                ws, we = segment_window(rule, seg)
                if we < start or ws > end or we < ws:
                    continue
                out.append(Obligation(rule.id, seg.kind, seg.slug, ws, we, each.min, each.max,
                                      rule.soft, f"{ws.isoformat()}..{we.isoformat()}"))
        if rule.quota is not None:
            q = rule.quota
            day = start
            while day <= end:
                p = calendar_period(q.per, day)
                out.append(Obligation(rule.id, rule.kind, None, p.start, p.end, q.min, q.max,
                                      rule.soft, p.label))
                day = p.end + DAY
    return out


def count(ob: Obligation, airings: Iterable[Aired], start: dt.date | None = None,
          end: dt.date | None = None) -> int:
    """Airings that count toward the obligation, optionally only those dated start..end."""
    lo = max(ob.start, start) if start else ob.start
    hi = min(ob.end, end) if end else ob.end
    return sum(1 for a in airings if lo <= a.day <= hi and ob.counts(a.slug, a.kind))


def expand(fixed: Iterable[Fixed], problem: Problem) -> list[Aired]:
    """Airings of sessions (pinned, solved) as history-style rows; unknown slugs keep kind ''."""
    kinds = {s.slug: s.kind for s in problem.segments}
    return [Aired(f.day, f.session, slug, kinds.get(slug, "")) for f in fixed for slug in f.slugs]


def per_session_cap(problem: Problem, kind: str) -> int:
    """At most how many items of a kind (or '*') one session can carry under the plan's limits."""
    cap = problem.limits.max_items
    for r in problem.rules:
        if r.max_per_session is not None and (r.kind == kind or r.kind == "*"):
            cap = min(cap, r.max_per_session)
    return cap


def _gap(problem: Problem, kind: str) -> int | None:
    gaps = [r.min_gap_days for r in problem.rules if r.min_gap_days and binds(r, kind)]
    return max(gaps) if gaps else None


def future_capacity(ob: Obligation, problem: Problem) -> int:
    """A safe upper estimate of the airings the days after the month could still give ob."""
    if ob.end <= problem.end:
        return 0
    slots = [s for s in problem.future
             if problem.end < s.day <= ob.end and ob.start <= s.day and s.off_air is None]
    if ob.segment is None:
        return len(slots) * per_session_cap(problem, ob.kind)
    seg = problem.segment(ob.segment)
    if seg is None:
        return 0
    allowed = [s for s in slots if seg.valid_on(s.day)
               and problem.limits.length_ms([seg.duration_ms]) <= s.capacity_ms]
    if not allowed:
        return 0
    gap = _gap(problem, seg.kind)
    if gap is None:
        return len(allowed)
    days = sorted({s.day for s in allowed})
    return min(len(allowed), (days[-1] - days[0]).days // gap + 1)


def requirement(ob: Obligation, problem: Problem) -> Requirement:
    """This month's part of an obligation: history counts, and later days may finish a window."""
    before = count(ob, problem.history, end=problem.start - DAY)
    needed = max(0, ob.min - before)
    seg = problem.segment(ob.segment) if ob.segment is not None else None
    if seg is not None and seg.withdrawn and ob.end >= seg.valid_until:
        needed = 0  # a window cut short by a withdrawal owes nothing more; its max still holds
    required = max(0, needed - future_capacity(ob, problem))
    max_now = None if ob.max is None else max(0, ob.max - before)
    return Requirement(before, required, needed - required, max_now)


def month_obligations(problem: Problem) -> list[tuple[Obligation, Requirement]]:
    """The obligations meeting the month with this month's requirement of each."""
    return [(ob, requirement(ob, problem))
            for ob in obligations(problem.rules, problem.segments, problem.start, problem.end)]


def horizon(rules: Iterable[Rule], start: dt.date, end: dt.date, max_window_days: int = 0
            ) -> tuple[dt.date, dt.date]:
    """The days before and after a month that its windows and periods can reach."""
    lo, hi = start, end
    for r in rules:
        if r.quota is not None:
            lo = min(lo, calendar_period(r.quota.per, start).start)
            hi = max(hi, calendar_period(r.quota.per, end).end)
        if r.each_segment is not None:
            lo = min(lo, start - dt.timedelta(days=r.each_segment.within_days - 1))
            hi = max(hi, end + dt.timedelta(days=r.each_segment.within_days - 1))
        if r.min_gap_days:
            lo = min(lo, start - dt.timedelta(days=r.min_gap_days))
    return lo, hi

