"""Solving the distinct problems of a month, in this process or over several (results are the same)."""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Sequence

from .instance import Problem, Solution
from .solve import solve


def _solve_batch(batch: list[tuple[int, Problem]], kw: dict) -> list[tuple[int, Solution]]:
    return [(n, solve(p, **kw)) for n, p in batch]


def solve_all(problems: Sequence[Problem], *, jobs: int | None = None, seed: int = 0,
              time_limit: float | None = None, workers: int = 1,
              progress: Callable[[int, int], None] | None = None,
              solved: Callable[[int, Solution], None] | None = None) -> list[Solution]:
    """One solution per problem, in order; jobs > 1 spreads them over processes. solved(n, sol) is
    called in this process as each one is ready (in any order), then progress(done, total)."""
    kw = dict(seed=seed, time_limit=time_limit, workers=workers)
    total = len(problems)
    jobs = max(1, min(jobs or os.cpu_count() or 1, total))
    out: list[Solution | None] = [None] * total
    if jobs == 1:
        for n, p in enumerate(problems):
            out[n] = solve(p, **kw)
            if solved:
                solved(n, out[n])  # type: ignore[arg-type]
            if progress:
                progress(n + 1, total)
        return out  # type: ignore[return-value]
    # small batches keep both processes busy to the end; fork shares the parent's imports
    size = max(1, min(16, total // (jobs * 8) or 1))
    batches = [[(n, problems[n]) for n in range(i, min(i + size, total))] for i in range(0, total, size)]
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    done = 0
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = [pool.submit(_solve_batch, b, kw) for b in batches]
        for fut in as_completed(futures):
            for n, sol in fut.result():
                out[n] = sol
                done += 1
                if solved:
                    solved(n, sol)
            if progress:
                progress(done, total)
    return out  # type: ignore[return-value]
