"""The [session] limits: at most max_items items; intro + items + outro, with a gap between each two
consecutive parts, within capacity."""

from __future__ import annotations

from ..variables import Vars


def build(v: Vars) -> None:
    lim = v.problem.limits
    for i, items in v.slot_items.items():
        if i in v.pinned_slots:
            continue  # pinned sessions are taken as they are
        slot = v.slots[i]
        xs = [x for _, x in items]
        # used is true exactly when the session carries an item: only then do jingles and gaps air
        used = v.model.new_bool_var(f"used[{slot.day}|{slot.session}]")
        v.model.add(sum(xs) <= lim.max_items * used)
        v.model.add(sum(xs) >= used)
        v.model.add(sum((v.segs[j].duration_ms + lim.gap_ms) * x for j, x in items)
                    + lim.fixed_ms * used <= slot.capacity_ms)  # as Limits.length_ms counts
        for j, x in items:
            v.penalize(f"item[{slot.day}|{slot.session}|{v.segs[j].slug}]", "item", v.weights.item, x)
