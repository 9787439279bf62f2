"""quota: airings of any segment of the kind per calendar period (week, month, quarter, year)."""

from __future__ import annotations

from ..instance import binds
from ..variables import Vars
from ..obligations import obligations, requirement
from . import obligation


def build(v: Vars) -> None:
    p = v.problem
    for rule in p.rules:
        if rule.quota is None:
            continue
        counted = {j for j, s in enumerate(v.segs) if binds(rule, s.kind)}
        for ob in obligations([rule], (), p.start, p.end):
            terms = v.terms(start=ob.start, end=ob.end, segment=counted.__contains__)
            obligation.add(v, ob, requirement(ob, p), terms)
