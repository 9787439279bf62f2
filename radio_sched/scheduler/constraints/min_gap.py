"""min_gap_days g: two airings of one segment at a station are at least g days apart (history too)."""

from __future__ import annotations

import datetime as dt

from ..instance import binds
from ..variables import Vars


def gap_of(v: Vars, kind: str) -> int | None:
    """The largest min_gap_days of the rules that bind the kind (the strictest one wins)."""
    gaps = [r.min_gap_days for r in v.problem.rules if r.min_gap_days and binds(r, kind)]
    return max(gaps) if gaps else None


def build(v: Vars) -> None:
    p = v.problem
    for j, items in v.seg_items.items():
        seg = v.segs[j]
        g = gap_of(v, seg.kind)
        if g is None:
            continue
        # airings that cannot move: earlier months and pinned sessions close the days near them
        fixed_days = [a.day for a in p.history if a.slug == seg.slug]
        fixed_days += [v.slots[i].day for i, x in items if isinstance(x, int)]
        free = [(v.slots[i].day, x) for i, x in items if not isinstance(x, int)]
        open_ = []
        for day, x in free:
            if any(abs((day - f).days) < g for f in fixed_days):
                v.fix(x, 0)
            else:
                open_.append((day, x))
        starts = sorted({day for day, _ in open_})
        for s in starts:
            end = s + dt.timedelta(days=g - 1)
            window = [x for day, x in open_ if s <= day <= end]
            if len(window) > 1:
                v.model.add_at_most_one(window)
