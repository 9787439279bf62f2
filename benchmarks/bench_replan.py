"""Benchmark of as-run import, make-good re-planning and the coverage audit on a whole preset.

    .venv/bin/python benchmarks/bench_replan.py --preset ha-tinh-2024
    .venv/bin/python benchmarks/bench_replan.py --preset vietnam-2024 --hit 0.25

Builds a fresh SQLite database in a temporary folder (or --db), loads the preset and three months of
realistic content (radio_sched.demo_content), plans January to March, then writes an asrun.csv: a
storm leaves a share of the stations (--hit, default 52 of Hà Tĩnh's 210) off the air from Monday
4 to Sunday 10 March (every session reported missed), every station reports January to the
storm's Sunday aired except one in five that reports nothing. It imports the file (twice: the second
replaces), re-plans March from Monday 11, re-plans again (nothing changes), checks the month with
the validator, and audits the quarter and March, writing CSV, XLSX and HTML. Times are wall seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from radio_sched.reports.asrun import import_asrun  # noqa: E402
from radio_sched.reports.audit import audit  # noqa: E402
from radio_sched.reports.audit_report import render  # noqa: E402
from radio_sched.core.db import session_scope, upgrade  # noqa: E402
from radio_sched.demo.content import add_segments, month_content, stations_by_district  # noqa: E402
from radio_sched.reference.divisions import district_names, stations_in  # noqa: E402
from radio_sched.core.models import Airing  # noqa: E402
from radio_sched.core.periods import parse_month, parse_period  # noqa: E402
from radio_sched.planning.plan import check_month, plan_month  # noqa: E402
from radio_sched.reference.presets import apply_preset  # noqa: E402
from radio_sched.planning.replan import replan_month  # noqa: E402
from radio_sched.core.scopes import PROVINCE  # noqa: E402

MONTHS = ["2024-01", "2024-02", "2024-03"]
# a week without power: alike stations now share one schedule, which may leave a few days of the
# week without CCHC items (the 8th-10th of the shared March schedule carry none)
STORM = [dt.date(2024, 3, d) for d in range(4, 11)]
FROM = dt.date(2024, 3, 11)
TODAY = dt.date(2024, 4, 5)


def timed(label: str, out: dict, fn, *args, **kw):
    t0 = time.perf_counter()
    value = fn(*args, **kw)
    out[label] = round(time.perf_counter() - t0, 2)
    return value


def asrun_file(url: str, path: Path, hit_share: float) -> dict:
    """The storm's as-run file, written from the current schedules."""
    with session_scope(url) as s:
        stations = stations_in(s, PROVINCE, on=STORM[0])
        n_hit = round(len(stations) * hit_share) if hit_share < 1 else int(hit_share)
        hit = {st.id for st in stations[:: max(1, len(stations) // n_hit)][:n_hit]}
        silent = {st.id for n, st in enumerate(stations) if n % 5 == 4 and st.id not in hit}
        codes = {st.id: st.code for st in stations}
        rows = s.execute(select(Airing.station_id, Airing.date, Airing.session).distinct()
                         .where(Airing.date <= STORM[-1]).order_by(Airing.station_id, Airing.date,
                                                                   Airing.session))
        lines = ["station,date,session,status,segment,reason"]
        for sid, day, sess in rows:
            if sid in silent:
                continue
            if sid in hit and day in STORM:
                lines.append(f"{codes[sid]},{day},{sess},missed,,mất điện do bão")
            else:
                lines.append(f"{codes[sid]},{day},{sess},aired,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"stations": len(stations), "hit": len(hit), "silent": len(silent),
            "asrun_rows": len(lines) - 1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="ha-tinh-2024")
    ap.add_argument("--hit", type=float, default=52, help="stations hit: a number, or a share < 1")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--db", help="SQLAlchemy URL (default: a fresh SQLite file)")
    ap.add_argument("--out", help="folder for the reports (default: the temporary folder)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-replan-"))
    url = args.db or f"sqlite:///{tmp / 'bench.db'}"
    out_dir = Path(args.out) if args.out else tmp
    fig: dict = {"preset": args.preset, "jobs": args.jobs}
    t0 = time.perf_counter()
    upgrade(url)
    with session_scope(url) as s:
        apply_preset(s, args.preset)
        for label in MONTHS:
            m = parse_month(label)
            st = stations_in(s, PROVINCE, on=m.start, until=m.end)
            add_segments(s, month_content(stations_by_district(st), m, district_names=district_names(s)))
    fig["setup_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    for label in MONTHS:
        with session_scope(url) as s:
            plan_month(s, parse_month(label), jobs=args.jobs)
    fig["plan_3_months_s"] = round(time.perf_counter() - t0, 2)

    path = tmp / "asrun.csv"
    fig.update(asrun_file(url, path, args.hit))
    for label in ("import_s", "import_again_s"):
        with session_scope(url) as s:
            res = timed(label, fig, import_asrun, s, path, today=TODAY)
    fig["import_replaced"] = res.replaced

    march = parse_month("2024-03")
    with session_scope(url) as s:
        rp = timed("replan_s", fig, replan_month, s, march, FROM, jobs=args.jobs)
    fig.update(replan_stations=rp.stations, replan_changed=len(rp.changed),
               replan_sessions_changed=len(rp.changes), replan_unrestorable=len(rp.unrestorable),
               replan_cpsat_runs=rp.distinct, replan_solve_s=round(rp.solve_s, 2),
               replan_build_s=round(rp.build_s, 2), items_missed=rp.past["missed"])
    with session_scope(url) as s:
        again = timed("replan_again_s", fig, replan_month, s, march, FROM, jobs=args.jobs)
    fig["replan_again_stored"] = again.schedule_id is not None
    with session_scope(url) as s:
        chk = timed("check_s", fig, check_month, s, march)
    fig["check_ok"] = chk.ok

    for label in ("2024-Q1", "2024-03"):
        with session_scope(url) as s:
            result = timed(f"audit_{label}_s", fig, audit, s, parse_period(label), today=TODAY)
        fig[f"audit_{label}_rows"] = len(result.rows)
        fig[f"audit_{label}_coverage"] = round(result.province.overall.coverage or 0, 4)
        for fmt in ("csv", "xlsx", "html"):
            data = timed(f"write_{label}_{fmt}_s", fig, render, result, fmt, day=TODAY)
            (out_dir / f"audit-{label}.{fmt}").write_bytes(data)
            fig[f"write_{label}_{fmt}_kb"] = len(data) // 1024
    fig["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    fig["reports"] = str(out_dir)
    print(json.dumps(fig, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
