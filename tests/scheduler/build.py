"""Tiny instances for the scheduler tests, readable at a glance, and a solve that always validates."""

from __future__ import annotations

import datetime as dt

from radio_sched.reference.plan_rules import parse_rules
from radio_sched.scheduler.instance import Aired, Fixed, Limits, Problem, SegmentInfo, Slot
from radio_sched.scheduler.solve import solve
from radio_sched.scheduler.validate import validate

D = dt.date
HEAD = '[plan]\nname = "test"\nyear = 2024\n'


def rules(toml: str):
    """Rules from a TOML fragment of [[rule]] tables."""
    return parse_rules(HEAD + toml).rules


def seg(slug, kind="district_episode", seconds=100, start=D(2024, 3, 1), end=D(2024, 3, 31),
        local=False) -> SegmentInfo:
    return SegmentInfo(slug, kind, int(seconds * 1000), start, end, local)


def slots(start=D(2024, 3, 1), end=D(2024, 3, 31), sessions=(("sáng", "05:30"),), capacity_s=600,
          off_air: dict | None = None) -> tuple[Slot, ...]:
    """Every day start..end, each session; off_air maps a date (or (date, session)) to a reason."""
    off_air = off_air or {}
    out, day = [], start
    while day <= end:
        for name, at in sessions:
            why = off_air.get((day, name), off_air.get(day))
            out.append(Slot(day, name, at, capacity_s * 1000, why))
        day += dt.timedelta(days=1)
    return tuple(out)


def problem(rule_toml: str, segments, *, start=D(2024, 3, 1), end=D(2024, 3, 31), sessions=None,
            capacity_s=600, off_air=None, limits=None, future_days=0, history=(), pinned=(),
            frozen_before=None, reference=None, slot_list=None) -> Problem:
    sessions = sessions or (("sáng", "05:30"),)
    month_slots = slot_list if slot_list is not None else slots(start, end, sessions, capacity_s, off_air)
    future = slots(end + dt.timedelta(days=1), end + dt.timedelta(days=future_days), sessions,
                   capacity_s, off_air) if future_days else ()
    return Problem(start, end, month_slots, tuple(segments), rules(rule_toml),
                   limits or Limits(max_items=3, gap_ms=0), future,
                   tuple(Aired(*h) for h in history), tuple(Fixed(*p) for p in pinned), frozen_before,
                   None if reference is None else tuple(Fixed(*r) for r in reference))


def solved(p: Problem, **kw):
    """Solve and insist the validator finds nothing wrong (every schedule a test makes is checked)."""
    sol = solve(p, **kw)
    assert sol.status == "optimal", sol.status
    issues = validate(p, sol.airings, sol.shortfalls)
    assert issues == [], [str(i.message) for i in issues]
    return sol


def days_of(sol, slug) -> list[dt.date]:
    return [a.day for a in sol.airings if slug in a.slugs]


def paid(sol, rule: str | None = None) -> int:
    """Penalty units times weight, for one rule or all."""
    return sum(p.weight * p.units for p in sol.penalties if rule is None or p.rule == rule)


def reason(sf, lang="en") -> str:
    from radio_sched.scheduler.explain import reason as msg

    return msg(sf.code, dict(sf.params)).render(lang)
