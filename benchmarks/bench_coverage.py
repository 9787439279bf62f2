"""Benchmark of the Department's coverage: the page (Flask test client) and the CSV, XLSX and HTML
audit renders, for a month, a quarter and the year, on the whole of Hà Tĩnh 2024.

    .venv/bin/python benchmarks/bench_coverage.py [--db FILE.db] [--repeat 3]

Builds a SQLite database (or reuses --db FILE.db when it exists, so that runs before and after a
change time the same data): the ha-tinh-2024 preset, three months of realistic content, January to
March planned, and as-run reports as bench_replan.py writes them (a storm leaves 52 stations off the
air on 4-10 March, one station in five reports nothing). Then it times, each --repeat times (the
best is kept): the audit, the coverage page through the web app, and each download format, for
2024-03, 2024-Q1 and 2024. Times are "wall / CPU" seconds of this process.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_replan import MONTHS, TODAY, asrun_file  # noqa: E402
from radio_sched.access.users import hash_password, session_stamp  # noqa: E402
from radio_sched.core.config import Settings  # noqa: E402
from radio_sched.core.db import session_scope, upgrade  # noqa: E402
from radio_sched.core.models import User  # noqa: E402
from radio_sched.core.periods import parse_month, parse_period  # noqa: E402
from radio_sched.core.scopes import PROVINCE  # noqa: E402
from radio_sched.demo.content import add_segments, month_content, stations_by_district  # noqa: E402
from radio_sched.planning.plan import plan_month  # noqa: E402
from radio_sched.reference.divisions import district_names, stations_in  # noqa: E402
from radio_sched.reference.presets import apply_preset  # noqa: E402
from radio_sched.reports.asrun import import_asrun  # noqa: E402
from radio_sched.reports.audit import audit  # noqa: E402
from radio_sched.reports.audit_report import render  # noqa: E402
from radio_sched.web import create_app  # noqa: E402

PERIODS = ("2024-03", "2024-Q1", "2024")
USER = "so-bench"


def build(url: str, folder: Path, jobs: int) -> dict:
    """The preset, Q1 planned and reported (bench_replan.py's storm), a Department account."""
    fig: dict = {}
    t0 = time.perf_counter()
    upgrade(url)
    with session_scope(url) as s:
        apply_preset(s, "ha-tinh-2024")
        for label in MONTHS:
            m = parse_month(label)
            st = stations_in(s, PROVINCE, on=m.start, until=m.end)
            add_segments(s, month_content(stations_by_district(st), m, district_names=district_names(s)))
        s.add(User(username=USER, display_name="Sở", role="department", scope="province",
                   password_hash=hash_password("benchmark-password")))
    for label in MONTHS:
        with session_scope(url) as s:
            plan_month(s, parse_month(label), jobs=jobs)
    fig.update(asrun_file(url, folder / "asrun.csv", 52))
    with session_scope(url) as s:
        import_asrun(s, folder / "asrun.csv", today=TODAY)
    fig["build_s"] = round(time.perf_counter() - t0, 1)
    return fig


def best(fn, repeat: int) -> tuple[str, object]:
    """The best of `repeat` runs: wall seconds and this process's CPU seconds (the machine may be
    shared: CPU time moves less with the load), as 'wall / cpu'."""
    walls, cpus, value = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        value = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return f"{min(walls):.3f} / {min(cpus):.3f}", value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="a SQLite file to build once and reuse (default: a fresh one)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-coverage-"))
    path = Path(args.db).resolve() if args.db else tmp / "bench.db"
    url = f"sqlite:///{path}"
    fig: dict = {"db": str(path)}
    if not path.exists():
        fig.update(build(url, tmp, args.jobs))

    app = create_app({"SETTINGS": Settings(db_url=url, schedules_root=tmp / "schedules"),
                      "TESTING": True, "SECRET_KEY": "benchmark key, at least 32 characters long"})
    client = app.test_client()
    with session_scope(url) as s:
        from sqlalchemy import select

        user = s.scalar(select(User).where(User.username == USER))
        uid, stamp = user.id, session_stamp(user)
    with client.session_transaction() as cookie:
        cookie["uid"], cookie["stamp"] = uid, stamp

    for label in PERIODS:
        p = parse_period(label)
        with session_scope(url) as s:
            fig[f"{label} audit_s"], result = best(lambda: audit(s, p, today=TODAY), args.repeat)
        fig[f"{label} rows"] = len(result.rows)
        for fmt in ("csv", "xlsx", "html"):
            fig[f"{label} render_{fmt}_s"], _ = best(lambda: render(result, fmt, day=TODAY), args.repeat)

        def page():
            resp = client.get(f"/department/{label}/coverage")
            assert resp.status_code == 200, resp.status_code
            return resp

        fig[f"{label} page_s"], _ = best(page, args.repeat)
        for fmt in ("xlsx",):
            def download():
                resp = client.get(f"/department/{label}/audit.{fmt}")
                assert resp.status_code == 200, resp.status_code
                return resp

            fig[f"{label} download_{fmt}_s"], _ = best(download, args.repeat)
    print(json.dumps(fig, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
