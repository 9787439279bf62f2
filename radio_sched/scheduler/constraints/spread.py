"""Spreading (a wish): a penalty per airing beyond the first of one kind on one day."""

from __future__ import annotations

from ..variables import Vars


def build(v: Vars) -> None:
    by_day_kind: dict[tuple, list] = {}
    for (i, j), x in v.x.items():
        by_day_kind.setdefault((v.slots[i].day, v.segs[j].kind), []).append(x)
    for (day, kind), terms in sorted(by_day_kind.items()):
        xs = [t for t in terms if not isinstance(t, int)]
        if len(terms) < 2 or not xs:
            continue
        const = len(terms) - len(xs)
        extra = v.model.new_int_var(0, len(terms) - 1, f"spread[{kind}|{day}]")
        v.model.add(extra >= sum(xs) + const - 1)
        v.penalize(extra.name, "spread", v.weights.spread, extra, len(terms) - 1)
