"""Re-planning: a penalty per session changed from the reference version, and complete hints."""

from __future__ import annotations

from ..model import Vars


def build(v: Vars) -> None:
    p = v.problem
    if p.reference is None:
        return
    ref = {(f.day, f.session): set(f.slugs) for f in p.reference}
    for i, items in v.slot_items.items():
        if i in v.pinned_slots:
            continue
        slot = v.slots[i]
        was = ref.get((slot.day, slot.session), set())
        changed = v.model.new_bool_var(f"change[{slot.day}|{slot.session}]")
        for j, x in items:
            before = v.segs[j].slug in was
            v.model.add_hint(x, before)
            v.model.add(changed >= (1 - x) if before else changed >= x)
        v.penalize(changed.name, "change", v.weights.change, changed)
