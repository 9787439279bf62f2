"""The plan's rules as the solver reads them: plain dataclasses of the plan rules file (no ORM)."""

from __future__ import annotations

from dataclasses import dataclass, field

PERIODS = ("week", "month", "quarter", "year")
ANY_KIND = "*"
JINGLE_KIND = "jingle"
# Circular 39/2020/TT-BTTTT's three classes of bulletin: an urgent one airs first in every session
# of its days, a priority one first at least once a day; a normal one is an ordinary segment.
URGENT_KIND = "bulletin_urgent"
PRIORITY_KIND = "bulletin_priority"
BULLETIN_KIND = "bulletin"
BULLETIN_KINDS = {"urgent": URGENT_KIND, "priority": PRIORITY_KIND, "normal": BULLETIN_KIND}
FIRST_KINDS = (URGENT_KIND, PRIORITY_KIND)  # in running order, right after the intro


def counts_kind(rule_kind: str, kind: str) -> bool:
    """Does an item of `kind` count for a rule of `rule_kind`? ("*" counts every item, no jingle.)"""
    return rule_kind == kind or (rule_kind == ANY_KIND and kind != JINGLE_KIND)


@dataclass(frozen=True)
class SessionLimits:
    """Limits for every session: items, the silence between them, and the column's signature tunes."""

    max_items: int = 3
    gap_s: float = 1.0
    intro: str | None = None  # segment id (slug) of the intro jingle
    outro: str | None = None


@dataclass(frozen=True)
class AudioTargets:
    loudness_lufs: float = -23.0
    true_peak_dbtp: float = -1.0


@dataclass(frozen=True)
class EachSegment:
    """Every segment of the kind airs min..max times in its window [valid_from, +within_days)."""

    min: int = 1
    max: int | None = None
    within_days: int = 7


@dataclass(frozen=True)
class Quota:
    """Airings of any segment of the kind per station per calendar period, min..max."""

    per: str = "month"
    min: int = 0
    max: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # a segment kind, or "*" for any CCHC item
    title: str = ""
    source: str = ""
    scope: str = "province"  # the stations the rule binds
    each_segment: EachSegment | None = None
    quota: Quota | None = None
    min_gap_days: int | None = None
    max_per_session: int | None = None
    prefer_sessions: tuple[str, ...] = ()
    soft: bool = False  # a wish weighed below the obligations, never reported as a shortfall


@dataclass(frozen=True)
class PlanRules:
    name: str
    year: int
    issuer: str = ""
    province: str = ""
    session: SessionLimits = field(default_factory=SessionLimits)
    audio: AudioTargets = field(default_factory=AudioTargets)
    rules: tuple[Rule, ...] = ()

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)
