"""The solver's world: plain frozen dataclasses for one station-month and its solution (no ORM here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from .plan import Rule, counts_kind


class Slot(NamedTuple):
    """One session occurrence at a station; off_air holds the reason when it cannot carry items."""

    day: dt.date
    session: str
    start: str
    capacity_ms: int
    off_air: str | None = None


class SegmentInfo(NamedTuple):
    """What the solver needs of a segment; `local` marks one made for a district or commune only."""

    slug: str
    kind: str
    duration_ms: int
    valid_from: dt.date
    valid_until: dt.date
    local: bool = False
    withdrawn: bool = False  # withdrawn the day after valid_until: a window cut short owes nothing

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


class Aired(NamedTuple):
    """An airing of one segment, as history keeps it: (date, session, segment slug, kind)."""

    day: dt.date
    session: str
    slug: str
    kind: str


class Fixed(NamedTuple):
    """A session's items in running order: a pinned airing, a reference airing or a solved one."""

    day: dt.date
    session: str
    slugs: tuple[str, ...]


@dataclass(frozen=True)
class Limits:
    """The plan's [session] limits in integer milliseconds. A jingle is part of a session when its
    duration is above zero (a plan without an intro or outro has 0 ms for it)."""

    max_items: int = 3
    gap_ms: int = 1000
    intro_ms: int = 0
    outro_ms: int = 0

    @property
    def jingles(self) -> int:
        """How many jingle parts every session that carries items has: 0, 1 or 2."""
        return (self.intro_ms > 0) + (self.outro_ms > 0)

    @property
    def fixed_ms(self) -> int:
        """What a session with items costs besides its items and the gap after each one: the
        jingles and one gap fewer than the jingles (p parts have p - 1 gaps; may be negative)."""
        return self.intro_ms + self.outro_ms + self.gap_ms * (self.jingles - 1)

    def length_ms(self, durations_ms) -> int:
        """Length of a session carrying these items: its parts (intro, items, outro) with gap_ms
        between each two consecutive parts, none before the first or after the last."""
        durations_ms = list(durations_ms)
        if not durations_ms:
            return 0
        return sum(durations_ms) + self.gap_ms * len(durations_ms) + self.fixed_ms

    def allowance_ms(self, capacity_ms: int) -> int:
        """The longest single item a session of this capacity can carry."""
        return capacity_ms - self.gap_ms - self.fixed_ms


def binds(rule: Rule, kind: str) -> bool:
    """Does the rule count segments of this kind? ('*' is any CCHC item, i.e. not a jingle.)"""
    return counts_kind(rule.kind, kind)


@dataclass(frozen=True)
class Problem:
    """Everything the solver sees of one station-month; alike stations have equal problems."""

    start: dt.date  # the month
    end: dt.date
    slots: tuple[Slot, ...]  # every session occurrence of the month (off-air ones with their reason)
    segments: tuple[SegmentInfo, ...]  # approved segments whose scope covers the station
    rules: tuple[Rule, ...]  # the rules whose scope covers the station
    limits: Limits = field(default_factory=Limits)
    future: tuple[Slot, ...] = ()  # occurrences after the month, up to the last window or period end
    history: tuple[Aired, ...] = ()  # airings before the month (earlier months' current schedules)
    pinned: tuple[Fixed, ...] = ()  # airings fixed exactly (the past, a user's choice)
    frozen_before: dt.date | None = None  # slots before this day carry only what is pinned
    reference: tuple[Fixed, ...] | None = None  # a previous version to stay close to (re-planning)

    def segment(self, slug: str) -> SegmentInfo | None:
        for s in self.segments:
            if s.slug == slug:
                return s
        return None

    def is_frozen(self, day: dt.date) -> bool:
        return self.frozen_before is not None and day < self.frozen_before


@dataclass(frozen=True)
class StationInfo:
    """Who a problem belongs to (kept apart so that alike stations share one problem)."""

    id: int
    code: str
    name: str
    district: str | None = None


@dataclass(frozen=True)
class StationInstance:
    station: StationInfo
    problem: Problem


@dataclass(frozen=True)
class Penalty:
    """A soft term that a solution paid: which rule, where, its weight and how many units."""

    name: str
    rule: str
    weight: int
    units: int


@dataclass(frozen=True)
class Shortfall:
    """An obligation of this month that the schedule does not meet, with a reason code and params."""

    rule: str
    kind: str
    segment: str | None
    start: dt.date
    end: dt.date
    required: int
    planned: int
    code: str = ""
    params: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Solution:
    """A station-month's airings (only sessions that carry items) and the solver's account."""

    airings: tuple[Fixed, ...]
    status: str = ""
    objective: float | None = None
    bound: float | None = None
    wall_s: float = 0.0
    penalties: tuple[Penalty, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    stats: dict = field(default_factory=dict, compare=False, hash=False)
