"""max_per_session: items of the rule's kind in one session at most."""

from __future__ import annotations

from ..instance import binds
from ..variables import Vars


def build(v: Vars) -> None:
    for rule in v.problem.rules:
        if rule.max_per_session is None:
            continue
        for i, items in v.slot_items.items():
            if i in v.pinned_slots:
                continue
            xs = [x for j, x in items if binds(rule, v.segs[j].kind)]
            if len(xs) > rule.max_per_session:
                v.model.add(sum(xs) <= rule.max_per_session)
