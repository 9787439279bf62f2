"""The same problem, rules and seed give the same schedule: one worker or several, any run."""

import pytest

from radio_sched.scheduler.serialize import loads
from radio_sched.scheduler.solve import solve
from radio_sched.scheduler.validate import validate

from .test_regressions import FIXTURES


@pytest.mark.parametrize("workers, fixture", [(1, "ha_tinh_18073_2024_03"),
                                              (2, "quota_capped_by_each_segment_max")])
def test_same_seed_same_schedule(workers, fixture):
    (path,) = [f for f in FIXTURES if f.stem == fixture]
    problem, _ = loads(path.read_text(encoding="utf-8"))
    runs = [solve(problem, seed=7, workers=workers) for _ in range(3)]
    assert runs[0].status == "optimal"
    assert all(r.airings == runs[0].airings for r in runs)
    assert validate(problem, runs[0].airings, runs[0].shortfalls) == []


def test_a_deterministic_time_limit_is_reproducible():
    problem, _ = loads(FIXTURES[0].read_text(encoding="utf-8"))
    # far too little time to prove anything: still the same answer every time
    runs = [solve(problem, time_limit=0.01) for _ in range(3)]
    assert all(r.airings == runs[0].airings and r.status == runs[0].status for r in runs)
    assert validate(problem, runs[0].airings, runs[0].shortfalls) == []
