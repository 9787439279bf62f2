"""prefer_sessions (a wish): a penalty per airing of the rule's kind outside the preferred sessions."""

from __future__ import annotations

from ..instance import binds
from ..variables import Vars


def build(v: Vars) -> None:
    for rule in v.problem.rules:
        if not rule.prefer_sessions:
            continue
        for (i, j), x in v.x.items():
            slot = v.slots[i]
            if isinstance(x, int) or slot.session in rule.prefer_sessions:
                continue
            if binds(rule, v.segs[j].kind):
                v.penalize(f"prefer[{rule.id}|{slot.day}|{slot.session}|{v.segs[j].slug}]", rule.id,
                           v.weights.prefer, x)
