"""Jobs whose process died: marked failed with how it ended by the thread that waits for it, or,
when nobody waits any more (the web worker that started it died), when the job is read."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from radio_sched.core.db import session_scope
from radio_sched.core.models import Blackout, Job
from radio_sched.jobs.locks import claim
from radio_sched.jobs.runner import describe, get_job, recent_jobs, start_process

from .test_jobs import _side_engines, job, kinds, settings_for, url, wait_for_file  # noqa: F401

pytestmark = pytest.mark.all_backends


def watcher(job_id: int) -> threading.Thread:
    return next(t for t in threading.enumerate() if t.name == f"watch-job-{job_id}")


def test_a_job_process_killed_is_failed_with_the_signal_and_its_work_undone(url, kinds, tmp_path):
    gate = tmp_path / "gate"
    job_id, proc = start_process(settings_for(url, tmp_path), "wait_at_gate", "2024-03",
                                 "district:436", params={"gate": str(gate)}, created_by="d436")
    wait_for_file(Path(str(gate) + ".written"))  # running, a row written and not committed
    os.kill(proc.pid, signal.SIGKILL)
    watcher(job_id).join(30)
    done = job(url, job_id)
    assert (done.status, done.lock_key) == ("failed", None)
    shown = describe(done, "vi")["error"]
    assert shown.startswith("tiến trình của việc bị dừng bởi tín hiệu 9 (SIGKILL)"), shown
    assert "hãy chạy lại" in shown and "signal 9 (SIGKILL)" in done.message
    with session_scope(url) as s:
        assert s.scalars(select(Blackout)).all() == []
    claim(url, "render", "2024-03", "district:436")  # the lock is free


def zombie() -> subprocess.Popen:
    """A process that ended and that nobody waited for: it still answers kill(pid, 0)."""
    proc = subprocess.Popen(["true"])
    end = time.monotonic() + 10
    while Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
        assert time.monotonic() < end
        time.sleep(0.01)
    os.kill(proc.pid, 0)
    return proc


def test_a_dead_job_is_failed_when_its_page_or_the_list_reads_it(url):
    orphan = zombie()
    gone = subprocess.Popen(["true"])
    gone.wait()
    try:
        ids = {name: claim(url, "plan", month, scope) for name, month, scope in (
            ("zombie", "2024-03", "district:436"), ("gone", "2024-03", "district:440"),
            ("silent", "2024-03", "district:441"), ("alive", "2024-04", "district:436"))}
        with session_scope(url) as s:
            s.get(Job, ids["zombie"]).pid = orphan.pid
            s.get(Job, ids["gone"]).pid = gone.pid
            silent = s.get(Job, ids["silent"])
            silent.result = {"params": {}, "host": "another-server"}
            silent.heartbeat_at = dt.datetime(2000, 1, 1)
        with session_scope(url) as s:
            seen = get_job(s, ids["zombie"])
            assert (seen.status, seen.lock_key) == ("failed", None)
            assert describe(seen, "en")["error"].startswith(
                "the job's process ended before the job finished")
            s.rollback()  # the page's own transaction is not what keeps it
        assert job(url, ids["zombie"]).status == "failed"
        with session_scope(url) as s:
            listed = {j.id: j for j in recent_jobs(s)}
            assert {n: listed[i].status for n, i in ids.items()} == {
                "zombie": "failed", "gone": "failed", "silent": "failed", "alive": "queued"}
            assert "không báo tiến độ trong 120 giây" in describe(listed[ids["silent"]], "vi")["error"]
    finally:
        orphan.wait()
