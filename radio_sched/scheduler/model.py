"""The CP-SAT model of a station-month: the variables, then every rule's constraints in order."""

from __future__ import annotations

from ..core.config import SchedulerWeights
from .constraints import MODULES
from .instance import Problem
from .variables import Vars


def build(problem: Problem, weights: SchedulerWeights | None = None) -> Vars:
    """The CP-SAT model of a station-month: hard limits, obligations, then the wishes."""
    v = Vars(problem, weights)
    for module in MODULES:
        module.build(v)
    v.set_objective()
    return v
