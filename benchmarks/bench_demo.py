"""Benchmark of the main job (radio-sched demo): a cold run in an empty folder, then a second run.

    .venv/bin/python benchmarks/bench_demo.py                   # the whole province (210 stations)
    .venv/bin/python benchmarks/bench_demo.py --district 436    # one district, as tests/demo/test_demo.py
    .venv/bin/python benchmarks/bench_demo.py --preset ha-tinh-2025   # today's 69 communes, Sept 2025

Reports wall seconds per step of each run, the peak memory of this process and of its largest child
(ffmpeg, espeak-ng), what the second run created (it should create nothing), and the sizes of what
the folder holds. Runs in a temporary folder unless --keep DIR is given.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from benchmarks.common import size  # noqa: E402

from radio_sched.core.config import Settings  # noqa: E402
from radio_sched.core.db import session_scope  # noqa: E402
from radio_sched.demo.story import run_demo  # noqa: E402
from radio_sched.core.models import AsRun, Bundle, Job, Schedule, Segment  # noqa: E402


def rows(url: str) -> dict[str, int]:
    with session_scope(url) as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (Schedule, Bundle, AsRun, Segment, Job)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="ha-tinh-2024", help="ha-tinh-2024 or ha-tinh-2025")
    ap.add_argument("--month", help="default: the preset's story month")
    ap.add_argument("--district", action="append", default=[], help="repeatable; default: province")
    ap.add_argument("--commune", action="append", default=[], help="ha-tinh-2025, repeatable")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--keep", help="work folder to use and keep (default: a temporary one)")
    args = ap.parse_args()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    settings = Settings(db_url=f"sqlite:///{root / 'radio-sched.db'}", library_root=root / "audio_library",
                        schedules_root=root / "schedules")
    fig: dict = {"preset": args.preset, "districts": args.district or "province",
                 "communes": args.commune or "all", "jobs": args.jobs or os.cpu_count(),
                 "load_average_before": os.getloadavg()}
    for run in ("first", "second"):
        before = rows(settings.db_url) if run == "second" else None
        t0 = time.perf_counter()
        summary = run_demo(settings, root, districts=args.district, jobs=args.jobs,
                           preset=args.preset, month=args.month, communes=args.commune)
        fig[f"{run}_s"] = round(time.perf_counter() - t0, 1)
        fig[f"{run}_steps_s"] = {s.key: s.seconds for s in summary.steps}
        if before is not None:
            after = rows(settings.db_url)
            fig["second_run_new_rows"] = {k: after[k] - before[k] for k in after}
    fig["load_average_after"] = os.getloadavg()
    fig.update(stations=summary.stations, airings=summary.airings,
               unique_sessions=summary.unique_sessions, audio_parts=summary.parts,
               bundles=summary.bundles.count, bundles_mb=round(summary.bundles.total_bytes / 1e6, 1),
               bundle_mb_min_median_max=[round(b / 1e6, 2) for b in (
                   summary.bundles.smallest, summary.bundles.median, summary.bundles.largest)],
               obligations=dict(judged=summary.obligations.judged, met=summary.obligations.met,
                                short=summary.obligations.short),
               replans=dict(storm=summary.storm["replan"], storm_short=summary.storm["short"],
                            mid_month=summary.replan, made_good=summary.obligations.made_good))
    fig["folder_mb"] = {p.name: round(size(p) / 1e6, 1) for p in sorted(root.iterdir())
                        if p.is_dir()} | {"radio-sched.db": round((root / "radio-sched.db").stat().st_size
                                                                  / 1e6, 1)}
    fig["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    fig["peak_rss_child_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    fig["folder"] = str(root)
    print(json.dumps(fig, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
