"""Alike stations keep sharing CP-SAT runs once a month has history (earlier months' own episodes
and model-citizen items), pins and a reference (a re-plan), and each gets what solving it alone gives."""

import datetime as dt

import pytest

from radio_sched.planning import pipeline
from radio_sched.reports.asrun import record_asrun
from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import check_month, plan_month
from radio_sched.planning.replan import replan_month
from radio_sched.planning import instances as bridge
from radio_sched.scheduler.canonical import canonical
from radio_sched.scheduler.sharing import solve_stations
from radio_sched.scheduler.solve import solve
from radio_sched.scheduler.validate import validate

from .conftest import add_content

FEB, MARCH = parse_month("2024-02"), parse_month("2024-03")


@pytest.fixture
def spy(monkeypatch):
    """Records what the real solve_stations got and gave (a spy on the real function, no fake)."""
    calls = []

    def recording(stations, **kw):
        sols, stats = solve_stations(stations, **kw)
        calls.append((list(stations), sols, stats))
        return sols, stats

    monkeypatch.setattr(pipeline, "solve_stations", recording)
    return calls


def as_good_as_alone(stations, sols):
    """Every station's shared schedule validates and has the objective of its own solve."""
    for si in stations:
        mine, alone = sols[si.station.id], solve(si.problem)
        assert validate(si.problem, mine.airings, mine.shortfalls) == []
        assert (mine.status, alone.status) == ("optimal", "optimal")
        assert mine.objective == alone.objective, si.station.code


@pytest.mark.all_backends
def test_march_after_february_shares_as_february_did(province, spy):
    add_content(province, "2024-02")
    feb = plan_month(province, FEB, jobs=1)
    march = plan_month(province, MARCH, jobs=1)
    assert check_month(province, MARCH).ok
    stations, sols, stats = spy[-1]
    assert all(si.problem.history for si in stations)  # February counts in March's windows
    # the five communes (three districts, items of their own then and now) share one relaxed and
    # one restricted run, as in February; without renaming February's items they were 5 runs
    assert feb.distinct == march.distinct == 2 and stats["alone"] == 0
    # four distinct problems (the items' lengths differ), one shape
    assert len({canonical(si.problem)[0] for si in stations}) == stats["exact"] == 4
    as_good_as_alone(stations, sols)


@pytest.mark.all_backends
def test_a_replan_with_history_pins_and_a_reference_shares_runs(province, spy):
    add_content(province, "2024-02")
    plan_month(province, FEB, jobs=1)
    plan_month(province, MARCH, jobs=1)
    codes = {si.station.id: si.station.code for si in spy[-1][0]}
    ids = {c: i for i, c in codes.items()}
    current = bridge.current_airings_by_station(province, MARCH, list(codes))
    # 18073 lost the 11th and 12th to a storm; the others report nothing (presumed aired)
    lost = [{"station": "18073", "date": str(d), "session": s, "status": "missed", "reason": "bão"}
            for d, s, _ in current[ids["18073"]] if d.day in (11, 12)]
    record_asrun(province, lost, "csv", "test", today=dt.date(2024, 4, 1))
    seen = []
    res = replan_month(province, MARCH, dt.date(2024, 3, 14), jobs=1,
                       progress=lambda done, total: seen.append((done, total)))
    assert check_month(province, MARCH).ok
    assert seen[0] == (0, 20) and seen[-1] == (20, 20)  # built, solved, checked, stored x 5
    stations, sols, stats = spy[-1]
    assert all(si.problem.pinned and si.problem.reference and si.problem.history for si in stations)
    # four communes kept what they aired: they share; 18073 is solved on its own
    assert res.distinct == 3 and res.stations == 5 and res.changed == ["18073"]
    as_good_as_alone(stations, sols)
