"""progress.Stages: one monotone count over the stages of a run, throttled, finished exactly once."""

from radio_sched.core.progress import REPORTS, Stages


def test_stages_map_each_stage_onto_one_count():
    seen = []
    steps = Stages(lambda d, t: seen.append((d, t)), 3)
    build, solve, store = steps.stage(0), steps.stage(1), steps.stage(2)
    for n in range(0, 11):
        build(n, 10)
    solve(4, 10)
    solve(10, 10)
    store(500, 2000)  # the store counts rows, not stations: a quarter of the way
    steps.finish()
    assert seen == [(n, 30) for n in range(0, 11)] + [(14, 30), (20, 30), (22, 30), (30, 30)]


def test_many_stations_are_reported_a_bounded_number_of_times():
    seen = []
    steps = Stages(lambda d, t: seen.append(d), 4)
    for k in range(4):
        report = steps.stage(k)
        for n in range(1, 10_001):
            report(n, 10_000)
    assert len(seen) <= REPORTS + 8 and seen[-1] == 40_000
    assert seen == sorted(set(seen))
    for boundary in (10_000, 20_000, 30_000, 40_000):
        assert boundary in seen


def test_no_callback_costs_nothing():
    steps = Stages(None, 4)
    assert steps.stage(0) is None
    steps.finish()
