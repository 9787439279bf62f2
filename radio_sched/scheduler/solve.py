"""Solving one station-month on CP-SAT with explicit, deterministic parameters."""

from __future__ import annotations

import logging
import time

from ortools.sat.python import cp_model

from ..core.config import SchedulerSettings, SchedulerWeights
from .explain import shortfalls
from .greedy import greedy
from .instance import Penalty, Problem, Solution
from .model import build

log = logging.getLogger(__name__)

STATUS = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible",
          cp_model.MODEL_INVALID: "invalid", cp_model.UNKNOWN: "unknown"}


def solve(problem: Problem, *, seed: int = 0, time_limit: float | None = None, workers: int = 1,
          weights: SchedulerWeights | None = None, log_search: bool = False) -> Solution:
    """Build and solve; time_limit is in CP-SAT deterministic seconds, so the result repeats."""
    defaults = SchedulerSettings()
    t0 = time.perf_counter()
    v = build(problem, weights or defaults.weights)
    t1 = time.perf_counter()
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.random_seed = seed
    prm.num_workers = max(1, workers)
    # the obligations are covering constraints whose LP bound is tight: with the full linear
    # relaxation one worker proves optimality in a fraction of a second (without it, not in 10 s)
    prm.linearization_level = 2
    # station models are small and already tight as built; presolve cost more than it saved
    # (0.08 s -> 0.04 s a problem on the Hà Tĩnh month, every problem still proved optimal)
    prm.cp_model_presolve = False
    # the full relaxation from the start (not added lazily as cuts) and no probing: on the
    # first 300 distinct problems of a stress quarter (every commune its own outage) 15.8 s -> 9.5 s
    # of CPU in one process (lazily alone: 10.9 s), every one still optimal with the same objective
    prm.add_lp_constraints_lazily = False
    prm.cp_model_probing_level = 0
    if workers > 1:
        prm.interleave_search = True  # several strategies, still the same result every run
    prm.max_deterministic_time = time_limit if time_limit is not None else defaults.deterministic_time_s
    prm.log_search_progress = log_search
    if log_search:
        solver.log_callback = log.info
    code = solver.solve(v.model)
    t2 = time.perf_counter()
    status = STATUS.get(code, str(code))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # cannot happen for a well-built model (all-empty is feasible); fall back to the greedy filler
        log.error("CP-SAT returned %s; using the greedy schedule", status)
        sol = greedy(problem)
        return Solution(sol.airings, status=f"greedy({status})", wall_s=t2 - t0,
                        shortfalls=sol.shortfalls, stats={"build_s": t1 - t0, "solve_s": t2 - t1})
    airings = v.extract(solver.value)
    penalties = tuple(Penalty(t.name, t.rule, t.weight, int(solver.value(t.var)))
                      for t in v.penalties + v.obligation_terms if solver.value(t.var))
    return Solution(airings, status=status, objective=solver.objective_value,
                    bound=solver.best_objective_bound, wall_s=t2 - t0, penalties=penalties,
                    shortfalls=shortfalls(problem, airings),
                    stats={"build_s": t1 - t0, "solve_s": t2 - t1, "vars": len(v.x),
                           "obligation_weight": v.obligation_weight, "ceiling": v.ceiling,
                           "deterministic_s": solver.deterministic_time})
