"""Benchmark of the monthly scheduler: a whole preset planned, checked and compared with greedy.

    .venv/bin/python benchmarks/bench_scheduler.py --preset ha-tinh-2024
    .venv/bin/python benchmarks/bench_scheduler.py --preset ha-tinh-2024 --month 2024-03 --months 3 \
        --replan 2024-03-11
    .venv/bin/python benchmarks/bench_scheduler.py --preset vietnam-2024 --skip-greedy

Builds a fresh SQLite database in a temporary folder (or --db), loads the preset, inserts a realistic
month of content (radio_sched.demo_content) for each month planned, plans the --months consecutive
months ending with --month (each with the history of the ones before) with plan_month and reports,
for each, build, solve and store times, the objective gap, CP-SAT runs and shortfalls, and the
check of the stored month with the solver-free validator. --replan DATE then re-plans the last
month from DATE (nothing reported: every station is solved again, nothing changes). On the last
month it compares CP-SAT with the greedy slot-by-slot baseline on two tight variants (TIGHT: only
Monday, Wednesday and Friday on the air with 450 s per session; only Monday with 600 s), and solves
a sample of stations alone to verify the shared solves.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from radio_sched.core.db import session_scope, upgrade  # noqa: E402
from radio_sched.demo.content import add_segments, month_content, stations_by_district  # noqa: E402
from radio_sched.reference.divisions import district_names, stations_in  # noqa: E402
from radio_sched.core.periods import parse_month  # noqa: E402
from radio_sched.planning.plan import check_month, plan_month  # noqa: E402
from radio_sched.reference.presets import apply_preset  # noqa: E402
from radio_sched.planning import instances as bridge  # noqa: E402
from radio_sched.scheduler.canonical import group, restore  # noqa: E402
from radio_sched.scheduler.greedy import greedy  # noqa: E402
from radio_sched.scheduler.obligations import expand, month_obligations  # noqa: E402
from radio_sched.scheduler.sharing import solve_stations  # noqa: E402
from radio_sched.scheduler.solve import solve  # noqa: E402
from radio_sched.core.scopes import PROVINCE  # noqa: E402


def setup(url: str, preset: str, months, unique: bool = False, outages: float = 0.0) -> dict:
    t0 = time.perf_counter()
    upgrade(url)
    n = 0
    with session_scope(url) as s:
        apply_preset(s, preset)
        for k, month in enumerate(months):
            st = stations_in(s, PROVINCE, on=month.start, until=month.end)
            specs = month_content(stations_by_district(st), month, district_names=district_names(s))
            if unique:  # every district's and commune's own item gets a length of its own
                specs = [dataclasses.replace(x, duration_s=x.duration_s + _spread(x.slug))
                         if not x.scope.startswith("province") else x for x in specs]
            n += add_segments(s, specs)
            if outages:  # a storm: this share of communes each loses power for 1-5 days of its own
                import random

                from radio_sched.core.models import Blackout

                rnd = random.Random(1 + k)
                for st_ in rnd.sample(st, int(len(st) * outages)):
                    first = month.start + dt.timedelta(days=rnd.randrange(0, 26))
                    s.add(Blackout(scope=f"commune:{st_.code}", date_from=first,
                                   date_to=first + dt.timedelta(days=rnd.randrange(0, 5)),
                                   session="", reason="mất điện sau bão"))
    return {"setup_s": round(time.perf_counter() - t0, 2), "segments": n}


def consecutive(last, count: int) -> list:
    """The count months ending with last, in order."""
    out = [last]
    while len(out) < count:
        out.insert(0, parse_month((out[0].start - dt.timedelta(days=1)).strftime("%Y-%m")))
    return out


def plan_figures(res, wall_s: float, jobs) -> dict:
    return {"wall_s": round(wall_s, 2), "build_s": round(res.build_s, 2),
            "solve_s": round(res.solve_s, 2), "check_s": round(res.check_s, 2),
            "store_s": round(res.store_s, 2), "stations": res.stations,
            "distinct": res.distinct, "airings": res.airings, "items": res.items,
            "shortfalls": len(res.shortfalls), "solver_status": res.solver_status,
            "objective": res.objective, "bound": res.bound, "gap": res.gap, "workers": res.workers,
            "jobs": jobs or os.cpu_count(), "sharing": res.sharing}


def _spread(slug: str) -> float:
    import hashlib

    return int(hashlib.sha256(slug.encode()).hexdigest()[:6], 16) % 400 / 10  # 0.0 .. 39.9 s


def obligations_met(problem, airings) -> tuple[int, int, int, int]:
    """(obligations met, obligations owed this month, airings owed, airings given) on hard rules."""
    aired = expand(airings, problem)
    met = owed = need = got = 0
    for ob, req in month_obligations(problem):
        if ob.soft or req.required == 0:
            continue
        planned = sum(1 for a in aired if ob.contains(a.day) and ob.counts(a.slug, a.kind))
        owed += 1
        met += planned >= req.required
        need += req.required
        got += min(planned, req.required)
    return met, owed, need, got


TIGHT = {  # report key -> (weekdays on the air, seconds a session may use)
    # Monday, Wednesday and Friday: the greedy filler falls short only without history (--months 1:
    # 1 March, a Friday, owes two notices); with January and February planned both meet everything
    "tight_mon_wed_fri_450s": ((0, 2, 4), 450),
    # one day a week on the air, with the usual 600 s: the filler, fitting each session in the
    # plan's rule order, misses obligations with or without history; CP-SAT meets them all
    "tight_mon_600s": ((0,), 600),
}


def tight(problem, days=(0, 2, 4), capacity_s=450):
    """Only the given weekdays are on the air, and each session may use capacity_s."""
    def cut(slots):
        return tuple(s._replace(capacity_ms=capacity_s * 1000) for s in slots if s.day.weekday() in days)
    return dataclasses.replace(problem, slots=cut(problem.slots), future=cut(problem.future))


def compare_greedy(url: str, month, days=(0, 2, 4), capacity_s=450) -> dict:
    """Obligations met by CP-SAT (with sharing) and by the greedy filler on a tight variant."""
    with session_scope(url) as s:
        inst = bridge.build_month(s, month)
    stations = [dataclasses.replace(si, problem=tight(si.problem, days, capacity_s))
                for si in inst.stations]
    t = time.perf_counter()
    cp_sols, stats = solve_stations(stations)
    cp_s = time.perf_counter() - t
    distinct, per = group(stations)
    t = time.perf_counter()
    greedy_sols = [greedy(p) for p in distinct]
    greedy_s = time.perf_counter() - t
    totals = {"cp_sat": [0, 0, 0, 0], "greedy": [0, 0, 0, 0]}
    for si, (n, back) in zip(stations, per):
        for name, airings in (("cp_sat", cp_sols[si.station.id].airings),
                              ("greedy", restore(greedy_sols[n], back).airings)):
            for k, v in enumerate(obligations_met(si.problem, airings)):
                totals[name][k] += v
    out: dict = {"cp_sat_runs": stats["solved"], "greedy_runs": len(distinct)}
    for name, (met, owed, need, got) in totals.items():
        out[name] = {"obligations_met": met, "obligations_owed": owed, "airings_owed": need,
                     "airings_given": got, "met_pct": round(100 * met / max(1, owed), 1)}
    out["cp_sat"]["wall_s"], out["greedy"]["wall_s"] = round(cp_s, 2), round(greedy_s, 2)
    return out


def verify_sharing(url: str, month, n: int) -> dict:
    """Solve n stations on their own and compare with what the shared solve gave them."""
    with session_scope(url) as s:
        inst = bridge.build_month(s, month)
    shared, stats = solve_stations(inst.stations)
    step = max(1, len(inst.stations) // n)
    sample = inst.stations[::step][:n]
    same = sum(solve(si.problem).objective == shared[si.station.id].objective for si in sample)
    return {"checked": len(sample), "same_objective": same, **stats}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="ha-tinh-2024")
    ap.add_argument("--month", default="2024-03", help="the (last) month planned")
    ap.add_argument("--months", type=int, default=1, metavar="N",
                    help="plan the N consecutive months ending with --month, each reported")
    ap.add_argument("--replan", metavar="DATE",
                    help="then re-plan the last month from DATE (YYYY-MM-DD) and report it")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--db", help="SQLite file to use (default: a temporary one)")
    ap.add_argument("--skip-greedy", action="store_true")
    ap.add_argument("--unique-durations", action="store_true",
                    help="give every district's and commune's own segment a duration of its own")
    ap.add_argument("--outages", type=float, default=0.0, metavar="F",
                    help="this share of communes each has its own 1-5 day outage (no two alike)")
    ap.add_argument("--verify", type=int, default=20, metavar="N",
                    help="solve N stations on their own and compare with the shared solve (0: skip)")
    args = ap.parse_args()
    month = parse_month(args.month)
    months = consecutive(month, args.months)
    tmp = tempfile.TemporaryDirectory()
    url = f"sqlite:///{args.db or os.path.join(tmp.name, 'bench.db')}"
    report: dict = {"preset": args.preset, "month": month.label, "cores": os.cpu_count(),
                    "load_avg_before": os.getloadavg()[0]}
    report["unique_durations"] = args.unique_durations
    report["outages"] = args.outages
    report.update(setup(url, args.preset, months, args.unique_durations, args.outages))
    report["months"] = []
    for m in months:
        t0 = time.perf_counter()
        with session_scope(url) as s:
            res = plan_month(s, m, seed=args.seed, jobs=args.jobs, workers=args.workers,
                             time_limit=args.time_limit)
        figures = {"month": m.label, **plan_figures(res, time.perf_counter() - t0, args.jobs)}
        t1 = time.perf_counter()
        with session_scope(url) as s:
            check = check_month(s, m)
        figures["check"] = {"wall_s": round(time.perf_counter() - t1, 2), "ok": check.ok,
                            "issues": len(check.issues)}
        report["months"].append(figures)
    report["plan"], report["check"] = report["months"][-1], report["months"][-1]["check"]
    if args.replan:
        from radio_sched.core.periods import parse_date
        from radio_sched.planning.replan import replan_month

        t0 = time.perf_counter()
        with session_scope(url) as s:
            rp = replan_month(s, month, parse_date(args.replan), seed=args.seed, jobs=args.jobs,
                              workers=args.workers, time_limit=args.time_limit)
        report["replan"] = {"from": args.replan, "wall_s": round(time.perf_counter() - t0, 2),
                            "build_s": round(rp.build_s, 2), "solve_s": round(rp.solve_s, 2),
                            "check_s": round(rp.check_s, 2), "stations": rp.stations,
                            "distinct": rp.distinct, "changed": len(rp.changed),
                            "unrestorable": len(rp.unrestorable),
                            "solver_status": rp.solver_status}
    if not args.skip_greedy:
        for key, (days, capacity_s) in TIGHT.items():
            report[key] = compare_greedy(url, month, days, capacity_s)
    if args.verify:
        report["verify_sharing"] = verify_sharing(url, month, args.verify)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report["load_avg_after"] = os.getloadavg()[0]
    report["measured_at"] = dt.datetime.now().isoformat(timespec="seconds")
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
