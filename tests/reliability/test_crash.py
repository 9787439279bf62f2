"""Commands SIGKILLed at chosen moments, in real child processes, on SQLite and PostgreSQL: what
users see stays whole (no half-made schema, schedule version or import), and running the command
again completes the work."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import current_revision, head_revision, session_scope
from radio_sched.core.models import AsRun, Job, Schedule, Station, Unit
from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import check_month, plan_month
from radio_sched.planning.instances import current_airings_by_station

from ..helpers import write
from ..scheduler.conftest import province  # noqa: F401 - fixture
from .procs import run

pytestmark = pytest.mark.all_backends
MARCH = parse_month("2024-03")


def killed(db_url, args, hooks):
    done = run(db_url, args, hooks=hooks)
    assert done.code == -9, (hooks, done.err)  # the child really died at that moment


def count(db_url, model) -> int:
    with session_scope(db_url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_init_killed_in_its_migration_or_its_preset(empty_db_url):
    init = ["init", "--preset", "ha-tinh-2024"]
    killed(empty_db_url, init, ["--sql", "CREATE TABLE", "--kill-at-sql", "6"])
    assert current_revision(empty_db_url) is None  # no half-made schema: the next init starts over
    killed(empty_db_url, init, ["--sql", "INSERT INTO stations", "--kill-at-sql", "1"])
    assert current_revision(empty_db_url) == head_revision()
    assert count(empty_db_url, Unit) == count(empty_db_url, Station) == 0
    done = run(empty_db_url, init)
    assert done.code == 0, done.err
    assert count(empty_db_url, Station) == 210


PLAN = ["plan", "2024-03", "--district", "436", "--jobs", "1", "--time-limit", "2"]
PLAN_KILLS = [
    ["--sql", "INSERT INTO schedules", "--kill-at-sql", "1"],    # the version number taken
    ["--sql", "INSERT INTO airing_items", "--kill-at-sql", "1"],  # airings written, items not
    ["--kill-at-commit-of", "INSERT INTO airing_items"],         # all written, not committed
]


def test_a_plan_killed_at_any_moment_leaves_no_version(province, db_url):
    # PostgreSQL undoes a killed transaction alike at every moment: two moments suffice there
    kills = PLAN_KILLS if db_url.startswith("sqlite") else PLAN_KILLS[1:]
    for hooks in kills:
        killed(db_url, PLAN, hooks)
        assert count(db_url, Schedule) == 0
    done = run(db_url, PLAN)
    assert done.code == 0, done.err
    with session_scope(db_url) as s:
        assert [sch.version for sch in s.scalars(select(Schedule))] == [1]  # no version lost
        assert check_month(s, MARCH).ok
        jobs = [j.status for j in s.scalars(select(Job).order_by(Job.id))]
        assert jobs == ["failed"] * len(kills) + ["done"]  # the dead ones unlocked and named
        assert s.scalar(select(Job).where(Job.lock_key.is_not(None))) is None


def test_an_asrun_import_killed_stores_nothing_then_stores_all(province, db_url, tmp_path):
    plan_month(province, MARCH, jobs=1, time_limit=2)
    province.commit()
    ids = {s.code: s.id for s in province.scalars(select(Station))}
    airings = current_airings_by_station(province, MARCH, list(ids.values()))
    lines = ["station,date,session,status,segment,reason"]
    for code, sid in sorted(ids.items()):
        lines += [f"{code},{d},{s},aired,," for d, s, _ in airings[sid] if d.day <= 10]
    path = write(tmp_path / "asrun.csv", "\n".join(lines) + "\n")
    args = ["asrun", "import", str(path)]
    for hooks in (["--sql", "INSERT INTO asrun", "--kill-at-sql", "1"],
                  ["--kill-at-commit-of", "INSERT INTO asrun"]):
        killed(db_url, args, hooks)
        assert count(db_url, AsRun) == 0
    done = run(db_url, args)
    assert done.code == 0, done.err
    assert count(db_url, AsRun) == len(lines) - 1
