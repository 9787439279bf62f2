"""Benchmark of the web's background jobs: a month planned in a job process vs in the caller, and
what a progress report costs the work while SQLite's write lock is held.

    .venv/bin/python benchmarks/bench_jobs.py --preset ha-tinh-2024

1. Builds a fresh SQLite database (the preset, a month of radio_sched.demo_content), plans the
   month in this process with plan_month (the CLI's path), then again through
   jobs.start_process("plan") (the web's path: a new Python process, progress on the job row),
   timing from the start to the job row's end, and the job process's peak memory.
2. Reports progress 40 times from a "work" loop (20 ms of work per step, as a render's bundle
   phase) while another connection holds SQLite's write lock, as a render does from its first
   bundle row to its commit: with the reporter writing in the work's thread and waiting for the
   lock (as before this branch), and with the current reporter.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_scheduler import setup  # noqa: E402

from radio_sched.jobs import runner as jobs  # noqa: E402
from radio_sched.core.config import Settings, WebSettings  # noqa: E402
from radio_sched.core.db import session_scope  # noqa: E402
from radio_sched.core.models import Job  # noqa: E402
from radio_sched.core.periods import parse_month  # noqa: E402
from radio_sched.planning.plan import plan_month  # noqa: E402
from radio_sched.core.scopes import parse_scope  # noqa: E402
from radio_sched.jobs.kinds import register  # noqa: E402


def plan_both_ways(url: str, month, scope: str, settings: Settings) -> dict:
    t0 = time.perf_counter()
    with session_scope(url) as s:
        res = plan_month(s, month, parse_scope(scope), progress=lambda d, t: None)
    inline = time.perf_counter() - t0
    register()
    t0 = time.perf_counter()
    job_id, proc = jobs.start_process(settings, "plan", month.label, scope, created_by="bench")
    proc.wait()
    wall = time.perf_counter() - t0
    with session_scope(url) as s:
        job = jobs.get_job(s, job_id)
        status, result, progress, total = job.status, dict(job.result), job.progress, job.total
    if status != "done":
        raise SystemExit(f"the plan job failed: {result}")
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"scope": scope, "stations": res.stations, "airings": res.airings,
            "plan_in_process_s": round(inline, 2), "plan_job_process_s": round(wall, 2),
            "job_overhead_s": round(wall - inline, 2), "job_version": result["version"],
            "job_progress": f"{progress}/{total}", "job_process_peak_mb": round(child_mb)}


class _WaitingReporter(jobs._Reporter):
    """The reporter as it was before this branch: it writes in the work's thread and waits up to
    0.5 s for SQLite's lock whenever its interval has passed."""

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = int(done), int(total)
        if time.monotonic() - self._last >= self.settings.job_progress_every_s or done >= total:
            self.flush(wait=True)


def progress_under_lock(url: str, steps: int = 40, work_s: float = 0.02) -> dict:
    path = url.removeprefix("sqlite:///")
    out = {}
    for name, cls in (("waiting_in_work_thread", _WaitingReporter), ("current", jobs._Reporter)):
        job_id = jobs.claim(url, "render", "2099-01", f"district:{len(out) + 1}")
        other = sqlite3.connect(path, isolation_level=None, timeout=5)
        other.execute("BEGIN IMMEDIATE")
        t0 = time.perf_counter()
        with cls(url, job_id, WebSettings()) as reporter:
            for n in range(1, steps + 1):
                time.sleep(work_s)
                reporter(n, steps + 1)
        elapsed = time.perf_counter() - t0
        other.execute("ROLLBACK")
        other.close()
        out[name] = {"work_s": round(steps * work_s, 2), "wall_s": round(elapsed, 2),
                     "per_report_ms": round((elapsed - steps * work_s) / steps * 1000, 1)}
        with session_scope(url) as s:
            s.get(Job, job_id).lock_key = None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="ha-tinh-2024")
    ap.add_argument("--month", default="2024-03")
    ap.add_argument("--scope", default="province")
    args = ap.parse_args()
    month = parse_month(args.month)
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{Path(d) / 'bench.db'}"
        report = {"preset": args.preset, "month": month.label, **setup(url, args.preset, month)}
        settings = Settings(db_url=url, library_root=Path(d) / "lib",
                            schedules_root=Path(d) / "sch")
        report["plan"] = plan_both_ways(url, month, args.scope, settings)
        report["progress_under_lock"] = progress_under_lock(url)
        jobs.dispose_side_engines()
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
