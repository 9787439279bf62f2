"""The variable container of a station-month model: one boolean per possible (session, segment)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Union

from ortools.sat.python import cp_model

from ..core.config import SchedulerWeights
from .instance import Fixed, Problem, Slot, binds
from .plan import FIRST_KINDS

Term = Union[cp_model.IntVar, int]  # a pinned item is the constant 1


@dataclass
class PenaltyTerm:
    """One weighted objective term, named so that a solved model can say which rule paid where."""

    name: str
    rule: str
    weight: int
    var: cp_model.IntVar
    ub: int


class Vars:
    """Decision variables x[slot, segment] and the penalty terms the rule modules add."""

    def __init__(self, problem: Problem, weights: SchedulerWeights | None = None):
        self.problem = problem
        self.weights = weights or SchedulerWeights()
        self.model = cp_model.CpModel()
        self.slots: list[Slot] = list(problem.slots)
        self.slot_index = {(s.day, s.session): i for i, s in enumerate(self.slots)}
        self.segs = list(problem.segments)
        self.seg_index = {s.slug: j for j, s in enumerate(self.segs)}
        self.x: dict[tuple[int, int], Term] = {}
        self.slot_items: dict[int, list[tuple[int, Term]]] = {}
        self.seg_items: dict[int, list[tuple[int, Term]]] = {}
        self.pinned_slots: dict[int, tuple[int, ...]] = {}
        self.penalties: list[PenaltyTerm] = []
        self.obligation_terms: list[PenaltyTerm] = []
        self.obligation_weight = self.weights.obligation
        self.ceiling = 0  # the most every term but the obligations can cost together
        self._create()

    # --- variables --------------------------------------------------------------------------
    def _create(self) -> None:
        p = self.problem
        for f in p.pinned:
            i = self.slot_index.get((f.day, f.session))
            if i is None:
                raise ValueError(f"pinned airing {f.day} {f.session} has no session occurrence")
            js = []
            for slug in f.slugs:
                if slug not in self.seg_index:
                    raise ValueError(f"pinned segment {slug} is not in the problem")
                js.append(self.seg_index[slug])
            self.pinned_slots[i] = tuple(js)
            for j in js:
                self._put(i, j, 1)
        kinds = {s.kind for s in self.segs if any(binds(r, s.kind) for r in p.rules)}
        kinds.update(FIRST_KINDS)  # bulletins air by their own rule (constraints/bulletin.py)
        for i, slot in enumerate(self.slots):
            if i in self.pinned_slots or slot.off_air is not None or p.is_frozen(slot.day):
                continue
            for j, seg in enumerate(self.segs):
                if (seg.kind in kinds and seg.valid_on(slot.day)
                        and p.limits.length_ms([seg.duration_ms]) <= slot.capacity_ms):
                    var = self.model.new_bool_var(f"x[{slot.day}|{slot.session}|{seg.slug}]")
                    self._put(i, j, var)

    def _put(self, i: int, j: int, term: Term) -> None:
        self.x[(i, j)] = term
        self.slot_items.setdefault(i, []).append((j, term))
        self.seg_items.setdefault(j, []).append((i, term))

    def is_assigned(self, i: int, j: int) -> Term:
        return self.x.get((i, j), 0)

    def terms(self, *, start: dt.date, end: dt.date,
              segment: Callable[[int], bool]) -> list[Term]:
        """Every x (or pinned 1) of the month dated start..end whose segment passes the test."""
        out = []
        for (i, j), term in self.x.items():
            if start <= self.slots[i].day <= end and segment(j):
                out.append(term)
        return out

    def fix(self, term: Term, value: int) -> None:
        if not isinstance(term, int):
            self.model.add(term == value)

    # --- objective --------------------------------------------------------------------------
    def penalize(self, name: str, rule: str, weight: int, var: cp_model.IntVar, ub: int = 1) -> None:
        self.penalties.append(PenaltyTerm(name, rule, weight, var, ub))

    def obligation(self, name: str, rule: str, var: cp_model.IntVar, ub: int) -> None:
        self.obligation_terms.append(PenaltyTerm(name, rule, 0, var, ub))

    def set_objective(self) -> None:
        """Minimise; one missing obligation airing weighs more than every other term together."""
        self.ceiling = ceiling = sum(t.weight * t.ub for t in self.penalties)
        self.obligation_weight = max(self.weights.obligation, ceiling + 1)
        for t in self.obligation_terms:
            t.weight = self.obligation_weight
        terms = self.penalties + self.obligation_terms
        self.model.minimize(sum(t.weight * t.var for t in terms) if terms else 0)

    # --- reading a solution -----------------------------------------------------------------
    def extract(self, value: Callable[[cp_model.IntVar], int]) -> tuple[Fixed, ...]:
        """The sessions that carry items, each in running order."""
        chosen: dict[int, list[int]] = {}
        for (i, j), term in self.x.items():
            if isinstance(term, int) or value(term):
                chosen.setdefault(i, []).append(j)
        ref = {(f.day, f.session): f.slugs for f in self.problem.reference or ()}
        out = []
        for i in sorted(chosen, key=lambda i: (self.slots[i].day, self.slots[i].start,
                                               self.slots[i].session)):
            slot = self.slots[i]
            if i in self.pinned_slots:
                slugs = tuple(self.segs[j].slug for j in self.pinned_slots[i])
            else:
                slugs = running_order(self.problem, [self.segs[j].slug for j in chosen[i]],
                                      ref.get((slot.day, slot.session)))
            out.append(Fixed(slot.day, slot.session, slugs))
        return tuple(out)


def running_order(problem: Problem, slugs: list[str], reference: tuple[str, ...] | None = None
                  ) -> tuple[str, ...]:
    """Urgent then priority bulletins first, then the order of the plan's rules (then release
    date), or the reference order if it has the same items."""
    if reference is not None and sorted(reference) == sorted(slugs):
        return tuple(reference)
    rank: dict[str, int] = {kind: n - len(FIRST_KINDS) for n, kind in enumerate(FIRST_KINDS)}
    for n, r in enumerate(problem.rules):
        if r.kind != "*":
            rank.setdefault(r.kind, n)
    segs = {s.slug: s for s in problem.segments}
    return tuple(sorted(slugs, key=lambda s: (rank.get(segs[s].kind, len(rank)), segs[s].valid_from,
                                              s)))
