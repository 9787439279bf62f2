"""Bulletins (Circular 39/2020/TT-BTTTT): an urgent one airs in every open session of its days, a
priority one at least once on each of its days (weighed as an obligation); both go first."""

from __future__ import annotations

from collections import defaultdict

from ..plan import PRIORITY_KIND, URGENT_KIND
from ..variables import Vars


def open_slots(v: Vars) -> list[int]:
    """Sessions the solver may fill: on the air, not pinned, not before the freeze."""
    p = v.problem
    return [i for i, s in enumerate(v.slots)
            if s.off_air is None and i not in v.pinned_slots and not p.is_frozen(s.day)]


def build(v: Vars) -> None:
    free = open_slots(v)
    for j, seg in enumerate(v.segs):
        if seg.kind == URGENT_KIND:
            # every open session of its days carries it; capacity and max_items displace the rest
            for i in free:
                if seg.valid_on(v.slots[i].day):
                    term = v.is_assigned(i, j)
                    if isinstance(term, int):  # it cannot fit: refused when it was added
                        continue
                    v.fix(term, 1)
        elif seg.kind == PRIORITY_KIND:
            by_day: dict = defaultdict(list)
            for (i, jj), term in v.x.items():
                if jj == j and seg.valid_on(v.slots[i].day):
                    by_day[v.slots[i].day].append(term)
            for day, terms in sorted(by_day.items()):
                if any(isinstance(t, int) for t in terms):
                    continue  # a pinned session of that day already carries it
                short = v.model.new_bool_var(f"bulletin[{day}|{seg.slug}]")
                v.model.add(sum(terms) + short >= 1)
                v.obligation(short.name, "bulletin", short, 1)
