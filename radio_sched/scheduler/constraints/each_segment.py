"""each_segment: every segment of the kind airs min..max times in its window at each station."""

from __future__ import annotations

from ..variables import Vars
from ..obligations import obligations, requirement
from . import obligation


def build(v: Vars) -> None:
    p = v.problem
    rules = [r for r in p.rules if r.each_segment is not None]
    for ob in obligations(rules, p.segments, p.start, p.end):
        j0 = v.seg_index[ob.segment]
        terms = [x for i, x in v.seg_items.get(j0, []) if ob.contains(v.slots[i].day)]
        obligation.add(v, ob, requirement(ob, p), terms)
