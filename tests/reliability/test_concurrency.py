"""Planning at the same time, in real processes, on SQLite and PostgreSQL: one district's month
is planned by one user at a time (the other is told plainly), different districts plan at once,
and schedule versions never collide."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from radio_sched.core.models import Job, Schedule, ScheduleStation, Station
from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import check_month

from ..scheduler.conftest import province  # noqa: F401 - fixture
from .procs import finish, spawn, wait_for

pytestmark = pytest.mark.all_backends
PLAN = ["plan", "2024-03", "--jobs", "1", "--time-limit", "2"]


def versions(session) -> dict[str, int]:
    """Each station's newest schedule version of March."""
    session.expire_all()
    out = {}
    for code, version in session.execute(
            select(Station.code, Schedule.version).join(ScheduleStation,
                                                        ScheduleStation.station_id == Station.id)
            .join(Schedule, Schedule.id == ScheduleStation.schedule_id).order_by(Schedule.version)):
        out[code] = version
    return out


def test_the_same_district_twice_one_runs_the_other_is_told(province, db_url, tmp_path):
    paused, go = tmp_path / "paused", tmp_path / "go"
    first = spawn(db_url, [*PLAN, "--district", "436"], hooks=[
        "--pause-after-sql", "FROM segments", "--paused", str(paused), "--go", str(go)])
    wait_for(paused, first)  # it holds the month's job lock and is reading what to plan
    second = finish(spawn(db_url, [*PLAN, "--district", "436"]))
    assert second.code == 3, second.err
    assert "đang có việc lập lịch cho Thành phố Hà Tĩnh tháng 3 năm 2024" in second.err
    assert "do cli:" in second.err and "hãy đợi việc đó xong" in second.err
    assert "Traceback" not in second.err
    english = finish(spawn(db_url, [*PLAN, "--station", "18077"], lang="en"))  # a commune of 436
    assert english.code == 3
    assert "a job is already running: planning for Thành phố Hà Tĩnh, March 2024 (job" in english.err
    assert versions(province) == {}
    go.touch()
    done = finish(first)
    assert done.code == 0, done.err
    assert versions(province) == {"18073": 1, "18077": 1}
    assert check_month(province, parse_month("2024-03")).ok


def test_three_districts_at_once_get_three_versions(province, db_url, tmp_path):
    """Started together; each holds its new version's row a moment, so the others meet it."""
    barrier = tmp_path / "start"
    procs = {}
    for district in ("436", "440", "441"):
        ready = tmp_path / f"ready-{district}"
        procs[district] = spawn(db_url, [*PLAN, "--district", district], hooks=[
            "--ready", str(ready), "--barrier", str(barrier),
            "--pause-after-sql", "INSERT INTO schedules", "--hold", "0.5"])
    for district, proc in procs.items():
        wait_for(tmp_path / f"ready-{district}", proc)
    barrier.touch()
    results = {d: finish(p) for d, p in procs.items()}
    for district, res in results.items():
        assert res.code == 0, (district, res.err)
    province.expire_all()
    got = versions(province)
    assert sorted(set(got.values())) == [1, 2, 3]
    by_district = {"436": {got["18073"], got["18077"]}, "440": {got["18202"], got["18205"]},
                   "441": {got["18301"]}}
    assert all(len(v) == 1 for v in by_district.values())  # a district's stations share a version
    assert check_month(province, parse_month("2024-03")).ok
    assert province.scalar(select(Job).where(Job.lock_key.is_not(None))) is None
