"""Benchmark: a preset's whole month end to end (the country: vietnam-2025, 3,321 communes).

    .venv/bin/python benchmarks/bench_country.py                                  # the country, 2025-09
    .venv/bin/python benchmarks/bench_country.py --scale 0.1                      # shorter audio
    .venv/bin/python benchmarks/bench_country.py --preset ha-tinh-2025 --scale 1  # 69 communes

In a temporary SQLite database (or --keep DIR): the preset, the month's content of every station
(radio_sched.demo.content: shared provincial items, each commune's own item) made as speech-like
audio (espeak-ng's voice looped over a noise bed of each item's own, --scale times the item's
broadcast length; jingles at their length) and imported through the segment library; then the
month planned, every station's month rendered (session cache and bundle layouts stored: bundles
ready to download) and the month audited (CSV written). Building the audio library is reported
apart. Each phase runs in a child process; per phase: wall time, peak RSS of the phase's Python
process and of its largest tool subprocess (ffmpeg; --jobs of them run at once), bytes written
(growth of schedules/, the library and the database), and for the render the distinct sessions
against the session airings and the bytes kept against the distinct session audio (goal: 1.25x).
--profile PHASE writes a cProfile of that phase (pstats file) into the work folder.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import TEXTS, size, speech_like, tone, voices  # noqa: E402

PHASES = ("library", "plan", "render", "audit")
# an upload as a producer sends it: mono MP3, modest rate (the library re-encodes it)
UPLOAD = ("-ar", "22050", "-c:a", "libmp3lame", "-b:a", "48k")


def settings_of(work: Path):
    from radio_sched.core.config import Settings

    return Settings(db_url=f"sqlite:///{work / 'bench.db'}", library_root=work / "library",
                    schedules_root=work / "schedules")


def build_library(work: Path, preset: str, month: str, scale: float, jobs: int | None) -> dict:
    """The preset, then the month's content as audio through the segment library."""
    from radio_sched.core.db import session_scope, upgrade
    from radio_sched.core.periods import parse_month
    from radio_sched.core.scopes import PROVINCE
    from radio_sched.demo.content import month_content, stations_by_district
    from radio_sched.production.catalogue import add_segments, specs_from_manifest
    from radio_sched.production.pool import run_all
    from radio_sched.reference.divisions import district_names, stations_in
    from radio_sched.reference.presets import apply_preset

    settings, period = settings_of(work), parse_month(month)
    src = work / "src"
    src.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    with session_scope(settings.db_url) as s:
        apply_preset(s, preset)
        stations = stations_in(s, PROVINCE, on=period.start, until=period.end)
        specs = month_content(stations_by_district(stations), period, district_names=district_names(s))
    spoken = voices(src, TEXTS)
    t0 = time.perf_counter()

    def make(task):
        n, spec = task
        out = src / f"{spec.slug}.mp3"
        if spec.kind == "jingle":
            return tone(spec.duration_s, 440 + 110 * n, out, encode=UPLOAD)
        return speech_like(spoken[n % len(spoken)], max(2.0, round(spec.duration_s * scale, 2)), n, out,
                           gain_db=-10 + n % 7, encode=UPLOAD)

    run_all(make, list(enumerate(specs)), jobs=jobs)
    sources_s = time.perf_counter() - t0
    with open(src / "segments.csv", "w", encoding="utf-8") as f:
        f.write("file,title,kind,scope,valid_from,valid_until,topics,language,producer,id\n")
        for spec in specs:
            f.write(",".join([f"{spec.slug}.mp3", spec.title.replace(",", " "), spec.kind, spec.scope,
                              spec.valid_from.isoformat(), spec.valid_until.isoformat(),
                              ";".join(spec.topics), "vi", spec.producer.replace(",", " "),
                              spec.slug]) + "\n")
    t0 = time.perf_counter()
    with session_scope(settings.db_url) as s:
        added = add_segments(s, settings, specs_from_manifest(s, src / "segments.csv"), jobs=jobs)
    from sqlalchemy import func, select

    from radio_sched.core.models import Segment

    with session_scope(settings.db_url) as s:
        audio_h = (s.scalar(select(func.sum(Segment.duration_s))) or 0) / 3600
    return {"stations": len(stations), "segments": len(added.added), "sources_s": round(sources_s, 1),
            "import_s": round(time.perf_counter() - t0, 1), "library_audio_h": round(audio_h, 2),
            "sources_bytes": size(src)}


def plan(work: Path, month: str, jobs: int | None) -> dict:
    from radio_sched.core.db import session_scope
    from radio_sched.core.periods import parse_month
    from radio_sched.planning.plan import plan_month

    with session_scope(settings_of(work).db_url) as s:
        res = plan_month(s, parse_month(month), jobs=jobs)
    return {"stations": res.stations, "distinct_problems": res.distinct, "airings": res.airings,
            "shortfalls": len(res.shortfalls), "solver_status": res.solver_status,
            "build_s": round(res.build_s, 1), "solve_s": round(res.solve_s, 1),
            "check_s": round(res.check_s, 1), "store_s": round(res.store_s, 1)}


def render(work: Path, month: str, jobs: int | None) -> dict:
    from radio_sched.core.db import session_scope
    from radio_sched.production.month_render import render_month

    settings = settings_of(work)
    with session_scope(settings.db_url) as s:
        res = render_month(settings, s, month, jobs=jobs)
    sessions = settings.schedules_root / ".cache" / "sessions"
    kept, distinct = size(settings.schedules_root), size(sessions)
    layouts = [p.stat().st_size for p in settings.schedules_root.rglob("*.layout.json")]
    return {"stations": len(res.stations), "session_airings": res.airings,
            "distinct_sessions": res.unique_sessions, "sessions_joined": res.sessions_rendered,
            "parts_encoded": res.parts_prepared, "audio_h": round(res.audio_s / 3600, 1),
            "bundles_bytes": sum(st.bundle.size for st in res.stations),
            "distinct_session_audio_bytes": distinct, "kept_bytes": kept,
            "kept_over_distinct": round(kept / max(1, distinct), 3),
            "layout_bytes_mean": round(sum(layouts) / max(1, len(layouts))),
            "layout_bytes_max": max(layouts, default=0),
            "statuses": sorted({st.bundle.status for st in res.stations})}


def audit(work: Path, month: str, jobs: int | None) -> dict:
    from radio_sched.core.db import session_scope
    from radio_sched.core.files import write_atomic
    from radio_sched.core.periods import parse_month
    from radio_sched.reports.audit import audit as run_audit
    from radio_sched.reports.audit_report import render as render_report

    with session_scope(settings_of(work).db_url) as s:
        result = run_audit(s, parse_month(month))
        data = render_report(result, "csv")
    write_atomic(work / "reports" / f"audit-{month}.csv", data)
    return {"obligations": len(result.rows), "planned_short": sum(r.planned < r.required for r in result.rows),
            "not_reported_aired": sum(r.aired < r.required for r in result.rows), "csv_bytes": len(data)}


def child(args) -> None:
    """One phase in this process; prints its figures (JSON) on the last line."""
    fn = {"library": lambda: build_library(args.work, args.preset, args.month, args.scale, args.jobs),
          "plan": lambda: plan(args.work, args.month, args.jobs),
          "render": lambda: render(args.work, args.month, args.jobs),
          "audit": lambda: audit(args.work, args.month, args.jobs)}[args.child]
    prof = cProfile.Profile() if args.child in args.profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    out = fn()
    if prof:
        prof.disable()
        prof.dump_stats(str(args.work / f"profile-{args.child}.pstats"))
    out["inner_s"] = round(time.perf_counter() - t0, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["peak_rss_tool_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(json.dumps(out))


def written(work: Path) -> dict[str, int]:
    return {"schedules": size(work / "schedules"), "library": size(work / "library"),
            "db": size(work / "bench.db") + size(work / "bench.db-wal"), "reports": size(work / "reports")}


def run_phase(args, phase: str) -> dict:
    cmd = [sys.executable, __file__, "--child", phase, "--work", str(args.work), "--preset", args.preset,
           "--month", args.month, "--scale", str(args.scale), *sum((["--profile", p] for p in args.profile),
                                                                    [])]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    before = written(args.work)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    wall = time.perf_counter() - t0
    if done.returncode:
        sys.exit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    after = written(args.work)
    out["wall_s"] = round(wall, 1)
    out["bytes_written"] = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="vietnam-2025", help="vietnam-2025 (default) or ha-tinh-2025")
    ap.add_argument("--month", default="2025-09")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="audio length x this (1.0: the broadcast lengths the month's content gives)")
    ap.add_argument("--jobs", type=int, default=None, help="tools at once (default: the cores)")
    ap.add_argument("--keep", type=Path, help="work in this folder (emptied first) and keep it")
    ap.add_argument("--profile", action="append", default=[], choices=PHASES,
                    help="write a cProfile of this phase (repeatable)")
    ap.add_argument("--only", metavar="PHASE,...",
                    help="run these phases only, in the --keep folder as an earlier run left it "
                         "(e.g. render,audit after removing its schedules/)")
    ap.add_argument("--child", choices=PHASES, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    phases = PHASES if not args.only else tuple(p for p in PHASES if p in args.only.split(","))
    if args.only and not args.keep:
        sys.exit("--only needs --keep DIR (the folder of an earlier run)")
    args.work = args.keep or Path(tempfile.mkdtemp(prefix="bench-country-"))
    if args.work.exists() and not args.only:
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict = {"preset": args.preset, "month": args.month, "scale": args.scale,
                    "cores": os.cpu_count(), "jobs": args.jobs or os.cpu_count(),
                    "load_average_before": [round(x, 2) for x in os.getloadavg()], "work": str(args.work)}
    for phase in phases:
        report[phase] = run_phase(args, phase)
        print(f"{phase}: {json.dumps(report[phase], ensure_ascii=False)}", file=sys.stderr, flush=True)
    month = [p for p in phases if p != "library"]  # plan + render + audit: the library apart
    report["month_s"] = round(sum(report[p]["wall_s"] for p in month), 1)
    report["month_peak_rss_mb"] = max((report[p]["peak_rss_mb"] for p in month), default=None)
    if "render" in report:
        report["kept_over_distinct"] = report["render"]["kept_over_distinct"]
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if not args.keep:
        shutil.rmtree(args.work)


if __name__ == "__main__":
    main()
