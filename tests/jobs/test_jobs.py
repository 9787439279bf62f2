"""Background jobs: one per month and scope at a time, progress visible, failures recorded."""

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import select

import radio_sched.jobs.runner as jobs_module
from radio_sched.core.config import Settings
from radio_sched.core.db import session_scope
from radio_sched.core.errors import Conflict, UserError
from radio_sched.core.i18n import M
from radio_sched.jobs.runner import describe, dispose_side_engines, get_job, held, register_kind, run, start_process
from radio_sched.jobs.locks import claim, reap_stale
from radio_sched.core.models import Blackout, Job


@pytest.fixture(autouse=True)
def _side_engines():
    yield
    dispose_side_engines()


@pytest.fixture
def url(db_url, tiny):
    return db_url


def job(url, job_id):
    with session_scope(url) as s:
        return get_job(s, job_id)


@pytest.mark.all_backends
def test_one_job_per_month_and_scope(url):
    a = claim(url, "plan", "2024-03", "district:436", created_by="d436")
    with pytest.raises(Conflict) as e:
        claim(url, "render", "2024-03", "district:436", created_by="other")
    assert f"việc số {a}" in str(e.value) and "d436" in str(e.value)
    said = e.value.message  # the kind in words, the unit by name, the month as people write it
    assert "đang có việc lập lịch cho Thành phố Hà Tĩnh tháng 3 năm 2024 (" in said.render("vi")
    assert "a job is already running: planning for Thành phố Hà Tĩnh, March 2024 (job" in said.render("en")
    b = claim(url, "plan", "2024-03", "district:440")  # another district runs at the same time
    claim(url, "plan", "2024-04", "district:436")      # and another month
    with pytest.raises(Conflict):                       # the province overlaps every district
        claim(url, "plan", "2024-03", "province")
    with pytest.raises(Conflict):                       # a commune of district 436 overlaps it
        claim(url, "plan", "2024-03", "commune:18073")
    claim(url, "plan", "2024-03", "commune:18301")      # a commune of district 441 does not
    run(url, a, lambda s, p: {"n": 1})
    run(url, b, lambda s, p: {"n": 1})
    with pytest.raises(Conflict):                       # 18301's job still holds the province
        claim(url, "plan", "2024-03", "province")


@pytest.mark.all_backends
def test_a_job_without_a_month_is_named_without_one(url):
    claim(url, "segments", None, "province", created_by="so")
    with pytest.raises(Conflict) as e:
        claim(url, "segments", None, "district:440")
    vi = e.value.message.render("vi")
    assert "đang có việc thêm mục phát cho Toàn tỉnh (việc số" in vi and "tháng" not in vi
    assert "already running: adding segments for Whole province (job" in e.value.message.render("en")


@pytest.mark.all_backends
def test_run_stores_progress_and_result_and_frees_the_lock(url):
    job_id = claim(url, "import", "2024-03", "district:436", params={"file": "x.csv"})

    def work(session, progress):
        for n in range(5):
            session.add(Blackout(scope="district:436", date_from=dt.date(2024, 3, n + 1),
                                 date_to=dt.date(2024, 3, n + 1), session="", reason="bão"))
            progress(n + 1, 5)
        return {"added": 5}

    done = run(url, job_id, work)
    assert (done.status, done.progress, done.total, done.lock_key) == ("done", 5, 5, None)
    assert done.result == {"params": {"file": "x.csv"}, "added": 5}
    with session_scope(url) as s:
        assert len(s.scalars(select(Blackout)).all()) == 5
    claim(url, "plan", "2024-03", "district:436")  # the lock is free again


@pytest.mark.all_backends
def test_failure_is_recorded_in_both_languages_and_rolls_back(url):
    job_id = claim(url, "plan", "2024-03", "district:436")

    def work(session, progress):
        session.add(Blackout(scope="province", date_from=dt.date(2024, 3, 1),
                             date_to=dt.date(2024, 3, 1), session="", reason="x"))
        progress(1, 3)
        raise UserError(M("no segment for {d}", "không có mục nào cho {d}", d="huyện 436"))

    failed = run(url, job_id, work)
    assert failed.status == "failed" and failed.lock_key is None
    assert failed.result["error"] == {"en": "no segment for huyện 436",
                                      "vi": "không có mục nào cho huyện 436"}
    assert describe(failed, "vi")["error"] == "không có mục nào cho huyện 436"
    with session_scope(url) as s:
        assert s.scalars(select(Blackout)).all() == []  # the work's transaction was rolled back
    crashed = run(url, claim(url, "plan", "2024-03", "district:436"), lambda s, p: 1 / 0)
    assert crashed.status == "failed" and "ZeroDivisionError" in crashed.result["error"]["en"]


@pytest.mark.all_backends
def test_a_silent_job_is_unlocked(url):
    """A job of another machine (or whose pid was reused) is judged by its heartbeat alone."""
    job_id = claim(url, "render", "2024-03", "district:436")
    with session_scope(url) as s:
        s.get(Job, job_id).result = {"params": {}, "host": "another-server"}
    with pytest.raises(Conflict):
        claim(url, "render", "2024-03", "district:436")
    with session_scope(url) as s:
        s.get(Job, job_id).heartbeat_at = dt.datetime(2000, 1, 1)
    new = claim(url, "render", "2024-03", "district:436")
    assert job(url, job_id).status == "failed" and job(url, new).status == "queued"
    with session_scope(url) as s:
        assert reap_stale(s) == []


@pytest.mark.all_backends
def test_a_job_process_shows_progress_while_its_work_holds_the_database(url, kinds, tmp_path):
    gate = tmp_path / "gate"
    job_id, proc = start_process(settings_for(url, tmp_path), "step_at_gate", "2024-03",
                                 "district:436", params={"gate": str(gate), "write": True},
                                 created_by="d436")
    wait_for_file(tmp_path / "gate.step")
    seen = wait_for_progress(url, job_id, 1)
    assert (seen["status"], seen["progress"], seen["total"], seen["percent"]) == ("running", 1, 4, 25)
    with pytest.raises(Conflict):
        claim(url, "render", "2024-03", "district:436")
    gate.touch()
    assert proc.wait(60) == 0
    done = job(url, job_id)
    assert (done.status, done.progress, done.total, done.result["ok"]) == ("done", 4, 4, True)


def wait_for_file(path, limit_s=60):
    end = time.monotonic() + limit_s
    while not path.exists() and time.monotonic() < end:
        time.sleep(0.05)
    assert path.exists(), path


def wait_for_progress(url, job_id, done, limit_s=20):
    """A progress report is written when the database is free, else by the heartbeat: wait for it."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        seen = describe(job(url, job_id), "en")
        if seen["progress"] == done:
            return seen
        time.sleep(0.05)
    return describe(job(url, job_id), "en")


@pytest.mark.all_backends
def test_held_lock_for_command_line_work(url):
    with held(url, "plan", "2024-03", "district:436", created_by="cli") as job_id:
        with pytest.raises(Conflict):
            claim(url, "render", "2024-03", "district:436")
        assert job(url, job_id).status == "running"
    assert job(url, job_id).status == "done"
    with pytest.raises(RuntimeError):
        with held(url, "plan", "2024-03", "district:436") as job_id:
            raise RuntimeError("boom")
    assert job(url, job_id).status == "failed" and job(url, job_id).lock_key is None


# --- jobs in their own process ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def kinds(monkeypatch):
    """Job kinds from tests/web/jobwork.py, importable by the job process."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setattr(jobs_module, "REGISTERED", {})
    for name in ("close_stations", "wait_at_gate", "refuse", "step_at_gate"):
        register_kind(name, f"tests.web.jobwork:{name}")


def settings_for(url, tmp_path):
    return Settings(db_url=url, schedules_root=tmp_path / "sch", library_root=tmp_path / "lib")


@pytest.mark.all_backends
def test_a_job_in_its_own_process(url, kinds, tmp_path):
    job_id, proc = start_process(settings_for(url, tmp_path), "close_stations", "2024-03",
                                 "district:440", params={"reason": "bão"}, created_by="d440")
    assert proc.wait(60) == 0
    done = job(url, job_id)
    assert (done.status, done.progress, done.total, done.lock_key) == ("done", 2, 2, None)
    assert done.result == {"params": {"reason": "bão"}, "closed": 2,
                           "schedules_root": str(tmp_path / "sch")}
    with session_scope(url) as s:
        assert sorted(b.scope for b in s.scalars(select(Blackout))) == ["commune:18202",
                                                                       "commune:18205"]
    failed_id, proc = start_process(settings_for(url, tmp_path), "refuse", "2024-03", "district:440")
    assert proc.wait(60) == 1
    failed = job(url, failed_id)
    assert failed.status == "failed" and failed.result["error"]["vi"] == "chưa có kế hoạch cho 2024-03"


@pytest.mark.all_backends
def test_a_killed_job_process_is_unlocked_and_its_work_undone(url, kinds, tmp_path):
    import os
    import signal
    import time

    gate = tmp_path / "gate"
    job_id, proc = start_process(settings_for(url, tmp_path), "wait_at_gate", "2024-03",
                                 "district:436", params={"gate": str(gate)})
    written = tmp_path / "gate.written"
    end = time.monotonic() + 60
    while not written.exists() and time.monotonic() < end:
        time.sleep(0.05)
    assert job(url, job_id).status == "running" and job(url, job_id).pid == proc.pid
    assert job(url, job_id).progress == 1
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of its transaction
    proc.wait(10)
    with session_scope(url) as s:
        assert s.scalars(select(Blackout)).all() == []  # the uncommitted row is gone
    # its process is gone from this machine: the next claim unlocks it at once
    claim(url, "render", "2024-03", "district:436")
    assert job(url, job_id).status == "failed"
    # how it ended, from the thread that waited for it, or the claim that found it gone
    assert job(url, job_id).result["error"]["vi"].startswith("tiến trình của việc ")
    with pytest.raises(ValueError):
        start_process(settings_for(url, tmp_path), "unknown", "2024-03", "district:436")


@pytest.mark.all_backends
def test_holding_shows_progress_and_keeps_a_long_run_alive(url):
    """Command-line work under the lock: its progress reaches the job row, and its heartbeat keeps
    a run longer than the stale limit from being unlocked under it."""
    import time

    from radio_sched.core.config import WebSettings
    from radio_sched.jobs.runner import holding

    quick = WebSettings(job_heartbeat_s=0.1, job_stale_s=1.0, job_progress_every_s=0.0)
    with holding(url, "render", "2024-03", "district:436", created_by="cli:an",
                 settings=quick) as progress:
        progress(3, 7)
        seen = job(url, progress.job_id)
        assert (seen.status, seen.progress, seen.total, seen.created_by) == ("running", 3, 7,
                                                                             "cli:an")
        time.sleep(1.5)  # longer than job_stale_s: only the heartbeat keeps the lock held
        with pytest.raises(Conflict):
            claim(url, "plan", "2024-03", "district:436", settings=quick)
        progress(7, 7)
    done = job(url, progress.job_id)
    assert (done.status, done.progress, done.total, done.lock_key) == ("done", 7, 7, None)


def test_progress_while_another_writer_holds_sqlite(url):
    """A progress call while the database is locked does not fail the work; the newest value is
    written by the heartbeat thread once the lock is free."""
    import sqlite3
    import time

    from radio_sched.core.config import WebSettings
    from radio_sched.jobs.runner import holding

    quick = WebSettings(job_heartbeat_s=0.1, job_progress_every_s=0.0)
    path = url.removeprefix("sqlite:///")
    with holding(url, "plan", "2024-03", "district:440", settings=quick) as progress:
        progress(1, 4)
        other = sqlite3.connect(path, isolation_level=None, timeout=5)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the database
        progress(2, 4)  # not written now; must not raise
        other.execute("ROLLBACK")
        other.close()
        end = time.monotonic() + 10
        while job(url, progress.job_id).progress != 2 and time.monotonic() < end:
            time.sleep(0.05)
        assert job(url, progress.job_id).progress == 2
