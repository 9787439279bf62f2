"""The documented deployment (gunicorn, 2 workers, 4 threads) on SQLite and PostgreSQL: a plan job
started from one worker finishes after that worker is SIGKILLed (the master starts another); a
job whose process died with its worker is failed on its page, which says why."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import session_scope
from radio_sched.core.models import Job, Schedule

from .conftest import PASSWORD

pytestmark = pytest.mark.all_backends
pytest.importorskip("gunicorn", reason="gunicorn is in the test extra (pip install -e .[test])")
LIVE = Path(__file__).resolve().parents[2] / "benchmarks" / "live_server.py"
PAGE = "/district/436/2024-03/"


def live():
    spec = importlib.util.spec_from_file_location("live_server", LIVE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def started(client, action: str) -> int:
    st, h, body, _t = client.post_form(PAGE, PAGE + action)
    assert st == 302 and "/jobs/" in h["location"], (st, body[:500])
    return int(h["location"].rsplit("/", 1)[1])


def job_row(db_url: str, job_id: int) -> tuple[str, int]:
    with session_scope(db_url) as s:
        job = s.get(Job, job_id)
        return job.status, job.pid


def api_job(client, job_id: int, limit_s: float = 120) -> dict:
    """The job from the API (any worker answers) once it has ended."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        st, _h, body, _t = client.get(f"/api/v1/jobs/{job_id}")
        assert st == 200, st
        job = json.loads(body)
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']} after {limit_s} s")


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] in "ZX"


def test_jobs_outlive_the_gunicorn_worker_that_started_them(workshop, db_url, tmp_path):
    ls = live()
    settings = workshop.settings
    log = tmp_path / "gunicorn.log"
    with ls.server("gunicorn", db_url, settings.schedules_root, settings.library_root,
                   workers=2, threads=4, log=log) as (port, master):
        workers = ls.children(master.pid)
        assert len(workers) == 2, log.read_text()
        planner = ls.Client(port).sign_in("d436", PASSWORD)

        # the worker that started the plan dies at once; the job's process goes on, and finishes
        plan = started(planner, "plan")
        status, pid = job_row(db_url, plan)
        worker = ls.parent(pid)
        assert worker in workers and status in ("queued", "running")
        os.kill(worker, signal.SIGKILL)
        assert not gone(pid)  # the job's process is on its own
        done = api_job(planner, plan)
        assert done["status"] == "done", done
        assert done["result"]["version"] == 1 and done["result"]["stations"] == 2
        with session_scope(db_url) as s:
            assert s.scalar(select(func.count(Schedule.id))) == 1

        # the master replaced the worker; a job that dies with its worker is failed, and says why
        for _ in range(100):
            if len(ls.children(master.pid)) == 2:
                break
            time.sleep(0.1)
        render = started(planner, "render")
        _status, pid = job_row(db_url, render)
        os.kill(ls.parent(pid), signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):  # until it has ended (a zombie counts: nobody may be left to reap it)
            if gone(pid):
                break
            time.sleep(0.05)
        st, _h, page, _t = planner.get(f"/jobs/{render}")
        page = page.decode()
        assert st == 200 and 'data-status="failed"' in page, page[:3000]
        assert "tiến trình của việc đã kết thúc trước khi việc xong" in page
        assert "hãy chạy lại" in page
        failed = api_job(planner, render, limit_s=5)
        assert failed["status"] == "failed" and "hãy chạy lại" in failed["error"]
        # its lock is free: the month can be rendered again
        again = started(planner, "render")
        assert api_job(planner, again)["status"] == "done"
    assert "Traceback" not in log.read_text()
