"""A database another program holds longer than we wait: the command says so plainly (exit 3) and
changes nothing; once it is free, the same command works."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from radio_sched.core.models import Job, Schedule

from ..scheduler.conftest import province  # noqa: F401 - fixture
from .locks import another_writer
from .procs import run

pytestmark = pytest.mark.all_backends
PLAN = ["plan", "2024-03", "--district", "436", "--jobs", "1", "--time-limit", "2"]


def test_a_plan_waits_its_turn_then_says_the_database_is_busy(province, db_url):
    with another_writer(db_url):
        busy = run(db_url, PLAN, env={"RADIO_SCHED_DB_WAIT_S": "1"})
        english = run(db_url, PLAN, env={"RADIO_SCHED_DB_WAIT_S": "0.5"}, lang="en")
    assert busy.code == 3, busy.err
    assert "cơ sở dữ liệu đang bận: một chương trình khác đã ghi vào đó hơn 1 giây" in busy.err
    assert "chưa có gì thay đổi" in busy.err and "Traceback" not in busy.err
    assert english.code == 3 and "the database is busy" in english.err and "0.5 s" in english.err
    province.expire_all()
    assert province.scalar(select(func.count(Job.id))) == 0
    done = run(db_url, PLAN)
    assert done.code == 0, done.err
    assert province.scalar(select(func.count(Schedule.id))) == 1
