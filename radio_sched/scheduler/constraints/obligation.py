"""What each_segment and quota share: max as a hard limit, min as weighted shortfall variables."""

from __future__ import annotations

from ..variables import Term, Vars
from ..obligations import Obligation, Requirement


def add(v: Vars, ob: Obligation, req: Requirement, terms: list[Term]) -> None:
    """Bound the month's airings of ob by its max; weigh what is missing of its min."""
    const = sum(1 for t in terms if isinstance(t, int))
    xs = [t for t in terms if not isinstance(t, int)]
    where = ob.segment or ob.label
    if req.max_now is not None and xs:
        # pinned airings are kept even past max; the solver then adds none
        v.model.add(sum(xs) <= max(0, max(req.max_now, const) - const))
    need = max(0, req.required - const)
    later = req.remainder if not ob.soft else 0
    if need + later == 0:
        return
    if ob.soft:
        short = v.model.new_int_var(0, need, f"soft[{ob.rule}|{where}]")
        v.model.add(sum(xs) + short >= need)
        v.penalize(short.name, ob.rule, v.weights.soft_rule, short, need)
        return
    # the part later days could still do: finish it now if possible, never a shortfall
    missing = max(0, req.required + req.remainder - const)
    finish = v.model.new_int_var(0, min(req.remainder, missing), f"finish[{ob.rule}|{where}]")
    short = v.model.new_int_var(0, need, f"short[{ob.rule}|{where}]")
    v.model.add(sum(xs) + short + finish >= missing)
    if req.remainder:
        v.penalize(finish.name, ob.rule, v.weights.finish, finish, req.remainder)
    if need:
        v.obligation(short.name, ob.rule, short, need)
