"""Re-planning: a penalty per session changed from the reference version, and complete hints."""

from __future__ import annotations

from ..variables import Vars


def build(v: Vars) -> None:
    p = v.problem
    if p.reference is None:
        return
    ref = {(f.day, f.session): set(f.slugs) for f in p.reference if f.slugs}
    for i, items in v.slot_items.items():
        if i in v.pinned_slots:
            continue
        slot = v.slots[i]
        was = ref.get((slot.day, slot.session), set())
        if was - {v.segs[j].slug for j, _ in items}:
            continue  # an item of the reference cannot air here any more: changed whatever we do
        changed = v.model.new_bool_var(f"change[{slot.day}|{slot.session}]")
        for j, x in items:
            before = v.segs[j].slug in was
            v.model.add_hint(x, before)
            v.model.add(changed >= (1 - x) if before else changed >= x)
        v.penalize(changed.name, "change", v.weights.change, changed)
    # Sessions that must change (off the air now, a segment gone or too long, no session that day)
    # pay the same whatever the schedule; paying it keeps the objective comparable with a relaxed
    # problem (scheduler/sharing.py) where such a session could still be kept as it was.
    for (day, session), was in sorted(ref.items()):
        i = v.slot_index.get((day, session))
        if i in v.pinned_slots or p.is_frozen(day):
            continue
        if i is not None and not was - {v.segs[j].slug for j, _ in v.slot_items.get(i, ())}:
            continue
        forced = v.model.new_constant(1)
        v.penalize(f"change[{day}|{session}]", "change", v.weights.change, forced)
        for j, x in v.slot_items.get(i, ()) if i is not None else ():
            v.model.add_hint(x, v.segs[j].slug in was)
