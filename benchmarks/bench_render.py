"""Benchmark: render a month of one district and compare with a naive pydub render and the ffmpeg floor.

Everything is real: the preset Hà Tĩnh 2024 divisions and rules in a temporary SQLite database, speech
made by espeak-ng (looped to broadcast lengths, with a little noise so every segment differs), imported
through the segment library, and a month of schedule rows shaped like the planner's (shared district
and provincial items, each commune's own items, stations offset from one another).

Reported: session airings, unique sessions, wall time and peak memory of the render (run in its own
process), and the ratio to two references timed in the same run on the same ready parts:
  naive  - pydub, for each airing: decode every part, `+=` with the gaps, export MP3 with tags
           (a sample of airings is timed and extrapolated to all of them; the output says so)
  floor  - ffmpeg's concat demuxer with stream copy (-c copy) of the same parts, one file per airing
Targets (issue 4): at least 20x faster than naive, within 3x of the floor.

Usage: .venv/bin/python benchmarks/bench_render.py [--district 436] [--scale 1.0] [--naive-sample 12]
       [--floor-sample 0 (all)] [--jobs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import FFMPEG, TEXTS, sh, size, speech_like, tone, voices  # noqa: E402

MONTH = "2024-03"


def make_sources(folder: Path, scale: float) -> list[dict]:
    """Broadcast-length speech for every kind the plan uses; returns manifest rows."""
    spoken = voices(folder, TEXTS)
    specs = [("jingle-intro", "jingle", "province", 5, "", ""),
             ("jingle-outro", "jingle", "province", 4, "", ""),
             ("ct-quy1", "provincial_program", "province", 420, "2024-01-01", "2024-03-31")]
    specs += [(f"ps-{k}", "provincial_report", "province", 180, "2024-03-01", "2024-03-31") for k in (1, 2)]
    specs += [(f"tap-{k}", "district_episode", "district:{d}", 300, f"2024-03-{1 + 7 * k:02d}", "2024-03-31")
              for k in range(4)]
    specs += [("noi-vu", "home_affairs", "province", 120, "2024-03-01", "2024-03-31")]
    specs += [(f"hd-{k}", "service_guide", "province", 60 + 10 * k, "2024-01-01", "2024-12-31")
              for k in range(4)]
    rows = []
    for n, (slug, kind, scope, seconds, vf, vu) in enumerate(specs):
        out = folder / f"{slug}.mp3"
        if kind == "jingle":
            tone(seconds, 440 + 110 * n, out)
        else:  # looped speech over a quiet noise bed, each with its own seed and level
            speech_like(spoken[n % len(spoken)], max(2.0, seconds * scale), n, out,
                        gain_db=-10 + n % 7)
        rows.append(dict(id=slug, kind=kind, scope=scope, valid_from=vf, valid_until=vu, file=out.name))
    return rows


def model_citizen_rows(folder: Path, communes: list[str], scale: float) -> list[dict]:
    """Each commune's own 'model citizen' item (the content that makes sessions unique)."""
    rows = []
    for n, code in enumerate(communes):
        out = speech_like(folder / f"voice{n % 3}.wav", max(2.0, 90 * scale), 1000 + n,
                          folder / f"gdh-{code}.mp3", noise="white", level=0.005, gain_db=0.0)
        rows.append(dict(id=f"gdh-{code}", kind="model_citizen", scope=f"commune:{code}", file=out.name,
                         valid_from="2024-03-01", valid_until="2024-03-31"))
    return rows


def plan_rows(session, stations, gap_s: float):
    """A month shaped like the planner's output: airings[station_id] = [(date, session, start, cap, slugs)]."""
    from sqlalchemy import select

    from radio_sched.production.session_audio import planned_length_s
    from radio_sched.core.models import Segment

    seg = {s.slug: s for s in session.scalars(select(Segment))}
    jingles = [seg["jingle-intro"].duration_s, seg["jingle-outro"].duration_s]
    plan = {}
    for i, st in enumerate(stations):
        rows = []
        for d in range(1, 32):
            day, k = dt.date(2024, 3, d), d + i
            morning = []
            if k % 3 == 0:
                morning.append(f"tap-{min(3, (d - 1) // 7)}")
            if k % 2 == 0:
                morning.append(f"hd-{k % 4}")
            if k % 5 == 0:
                morning.append(f"ps-{1 + k % 2}")
            if i % 2:  # stations are solved one by one: running orders differ
                morning.reverse()
            afternoon = []
            if k % 10 == 0:
                afternoon.append("ct-quy1")
            if d in (10 + i % 3, 24 + i % 3):
                afternoon.append(f"gdh-{st.code}")
            if k % 14 == 3:
                afternoon.append("noi-vu")
            if not afternoon and k % 2 == 1:
                afternoon.append(f"hd-{(k + 1) % 4}")
            for name, start, slugs in (("sáng", "05:30", morning), ("chiều", "17:00", afternoon)):
                if not slugs:
                    continue
                need = planned_length_s([jingles[0], *(seg[s].duration_s for s in slugs), jingles[1]], gap_s)
                assert need <= 600, (slugs, need)
                rows.append((day, name, start, 600, slugs))
        plan[st.id] = rows
    return plan


def store_schedule(session, plan, scope):
    from sqlalchemy import select

    from radio_sched.core.models import Airing, AiringItem, Schedule, ScheduleStation, Segment

    seg = {s.slug: s for s in session.scalars(select(Segment))}
    sch = Schedule(month=MONTH, scope=scope, version=1, status="complete")
    session.add(sch)
    session.flush()
    for station_id, rows in plan.items():
        session.add(ScheduleStation(schedule_id=sch.id, station_id=station_id))
        for day, name, start, cap, slugs in rows:
            session.add(Airing(schedule_id=sch.id, station_id=station_id, date=day, session=name,
                               start=start, capacity_s=cap, items=[
                                   AiringItem(position=n, segment_id=seg[s].id, kind=seg[s].kind,
                                              duration_s=seg[s].duration_s) for n, s in enumerate(slugs)]))
    session.flush()


def airing_parts(session, settings, district):
    """Every airing as its list of ready part paths (intro, items, outro), and the gap part."""
    from radio_sched.production.parts import Library, lookup, make_gap, recipe_key
    from radio_sched.production.catalogue import audio_settings
    from radio_sched.reference.divisions import stations_in
    from radio_sched.core.models import Segment
    from radio_sched.planning.schedules import current_schedule_ids, station_airings
    from radio_sched.core.scopes import Scope
    from sqlalchemy import select

    lib = Library(settings.library_root)
    audio = audio_settings(session, settings, 2024)
    segs = {s.id: s for s in session.scalars(select(Segment))}
    by_slug = {s.slug: s for s in segs.values()}

    def path(seg):
        return lib.ready_path(lookup(lib, recipe_key(seg.sha256, audio)).sha256)

    gap = make_gap(str(lib.root), 1.0, audio)
    stations = stations_in(session, Scope("district", district))
    cur = current_schedule_ids(session, MONTH, [s.id for s in stations])
    out = []
    for st in stations:
        for a in station_airings(session, cur[st.id], st.id):
            parts = [path(by_slug["jingle-intro"])] + [path(segs[i.segment_id]) for i in a.items] + \
                    [path(by_slug["jingle-outro"])]
            out.append(dict(station=st.code, name=st.name, date=a.date.isoformat(), session=a.session,
                            parts=[str(p) for p in parts]))
    return out, str(lib.ready_path(gap.sha256)), audio


def naive_render(airings, gap_mp3, audio, out_dir: Path) -> float:
    """pydub as one would first write it: decode each part, += in a loop, export with tags."""
    from radio_sched.production.tools import audio_segment

    AudioSegment = audio_segment()
    started = time.perf_counter()
    for n, a in enumerate(airings):
        gap = AudioSegment.silent(duration=1000, frame_rate=audio.sample_rate)
        session = AudioSegment.empty()
        for k, p in enumerate(a["parts"]):
            if k:
                session += gap
            session += AudioSegment.from_mp3(p)
        session.export(out_dir / f"naive-{n}.mp3", format="mp3", bitrate=audio.bitrate,
                       parameters=["-ac", "1"],
                       tags={"title": f"{a['session']} {a['date']}", "artist": a["name"]}).close()
    return time.perf_counter() - started


def floor_render(airings, gap_mp3, out_dir: Path) -> float:
    """ffmpeg's concat demuxer, stream copy, one output per airing (the practical floor)."""
    started = time.perf_counter()
    for n, a in enumerate(airings):
        lst = out_dir / f"floor-{n}.txt"
        lines = []
        for k, p in enumerate(a["parts"]):
            if k:
                lines.append(f"file '{gap_mp3}'")
            lines.append(f"file '{p}'")
        lst.write_text("\n".join(lines) + "\n")
        sh(*FFMPEG, "-f", "concat", "-safe", "0",
           "-i", str(lst), "-c", "copy", "-metadata", f"artist={a['name']}", str(out_dir / f"floor-{n}.mp3"))
    return time.perf_counter() - started


def render_child(work: Path, district: str, jobs: int | None) -> None:
    """Run in its own process so that its peak memory is its own."""
    from radio_sched.core.config import Settings
    from radio_sched.core.db import session_scope
    from radio_sched.production.month_render import render_month
    from radio_sched.core.scopes import Scope

    settings = Settings(db_url=f"sqlite:///{work / 'bench.db'}", library_root=work / "library",
                        schedules_root=work / "schedules")
    started = time.perf_counter()
    with session_scope(settings.db_url) as s:
        res = render_month(settings, s, MONTH, Scope("district", district), jobs=jobs)
    wall = time.perf_counter() - started
    ru = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall_s": wall, "maxrss_mb": ru.ru_maxrss / 1024, "children_maxrss_mb":
                      kids.ru_maxrss / 1024, "airings": res.airings, "stations": len(res.stations),
                      "unique": res.unique_sessions, "joined": res.sessions_rendered,
                      "encoded": res.parts_prepared, "audio_h": res.audio_s / 3600,
                      "bytes": sum(st.bundle.size for st in res.stations),
                      "kept": size(work / "schedules"),
                      "sessions_kept": size(work / "schedules" / ".cache" / "sessions"),
                      "status": sorted({st.bundle.status for st in res.stations})}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--district", default="436", help="district code (436: Thành phố Hà Tĩnh, 27 communes)")
    ap.add_argument("--scale", type=float, default=1.0, help="segment lengths x this (1.0 = broadcast lengths)")
    ap.add_argument("--naive-sample", type=int, default=12, help="airings timed for the naive render")
    ap.add_argument("--floor-sample", type=int, default=0, help="airings timed for the floor (0 = all)")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return render_child(args.child, args.district, args.jobs)

    from radio_sched.production.catalogue import add_segments, specs_from_manifest
    from radio_sched.core.config import Settings
    from radio_sched.core.db import dispose_engines, session_scope, upgrade
    from radio_sched.reference.divisions import stations_in
    from radio_sched.reference.presets import apply_preset
    from radio_sched.core.scopes import Scope

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-render-"))
    if work.exists():
        shutil.rmtree(work)
    (work / "src").mkdir(parents=True)
    url = f"sqlite:///{work / 'bench.db'}"
    upgrade(url)
    settings = Settings(db_url=url, library_root=work / "library", schedules_root=work / "schedules")
    print(f"work folder: {work}  (cores: {os.cpu_count()}; timings are pessimistic on a shared machine)")
    t0 = time.perf_counter()
    with session_scope(url) as s:
        apply_preset(s, "ha-tinh-2024")
        stations = stations_in(s, Scope("district", args.district))
        rows = make_sources(work / "src", args.scale)
        rows += model_citizen_rows(work / "src", [st.code for st in stations], args.scale)
    t_sources = time.perf_counter() - t0
    with open(work / "src" / "segments.csv", "w", encoding="utf-8") as f:
        f.write("file,title,kind,scope,valid_from,valid_until,id\n")
        for r in rows:
            scope = r["scope"].format(d=args.district)
            f.write(f"{r['file']},{r['id']},{r['kind']},{scope},{r['valid_from']},{r['valid_until']},{r['id']}\n")
    t0 = time.perf_counter()
    with session_scope(url) as s:
        res = add_segments(s, settings, specs_from_manifest(s, work / "src" / "segments.csv"), jobs=args.jobs)
    t_import = time.perf_counter() - t0
    with session_scope(url) as s:
        from sqlalchemy import func, select
        from radio_sched.core.models import Segment
        library_s = s.scalar(select(func.sum(Segment.duration_s)))
        stations = stations_in(s, Scope("district", args.district))
        store_schedule(s, plan_rows(s, stations, 1.0), f"district:{args.district}")
    with session_scope(url) as s:
        airings, gap_mp3, audio = airing_parts(s, settings, args.district)
    dispose_engines()
    print(f"sources made in {t_sources:.1f} s; {len(res.added)} segments ({library_s / 60:.1f} min of "
          f"ready audio) imported in {t_import:.1f} s ({library_s / t_import:.0f}x realtime)")

    def child() -> dict:
        cmd = [sys.executable, __file__, "--child", str(work), "--district", args.district]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    subprocess.run(["sync"], check=False)
    cold = child()
    warm = child()
    print(f"render (cold cache): {cold['airings']} session airings at {cold['stations']} stations, "
          f"{cold['audio_h']:.1f} h of audio, {cold['unique']} unique sessions ({cold['joined']} joined, "
          f"{cold['encoded']} parts encoded), {cold['bytes'] / 1e9:.2f} GB of bundles: "
          f"{cold['wall_s']:.1f} s, peak RSS {cold['maxrss_mb']:.0f} MB")
    print(f"render again (nothing changed): {warm['wall_s']:.1f} s, bundles {warm['status']}")
    print(f"kept in schedules/: {warm['kept'] / 1e6:.1f} MB for {warm['bytes'] / 1e6:.1f} MB of "
          f"bundles to download; distinct session audio {warm['sessions_kept'] / 1e6:.1f} MB "
          f"(kept / distinct = {warm['kept'] / max(1, warm['sessions_kept']):.3f}x)")

    refs = work / "refs"
    refs.mkdir()
    rng = random.Random(42)
    sample = rng.sample(airings, min(args.naive_sample, len(airings)))
    t_naive_sample = naive_render(sample, gap_mp3, audio, refs)
    naive = t_naive_sample / len(sample) * len(airings)
    shutil.rmtree(refs)
    refs.mkdir()
    floor_set = airings if not args.floor_sample else rng.sample(airings, min(args.floor_sample, len(airings)))
    t_floor_set = floor_render(floor_set, gap_mp3, refs)
    floor = t_floor_set / len(floor_set) * len(airings)
    shutil.rmtree(refs)
    print(f"naive pydub: {t_naive_sample:.1f} s for a sample of {len(sample)} airings -> "
          f"{naive:.0f} s extrapolated to all {len(airings)}")
    what = "all" if len(floor_set) == len(airings) else f"a sample of {len(floor_set)}, extrapolated"
    print(f"floor (ffmpeg concat -c copy): {floor:.1f} s ({what} airings)")
    print(f"ratios: naive / render = {naive / cold['wall_s']:.0f}x (target >= 20x); "
          f"render / floor = {cold['wall_s'] / floor:.2f}x (target <= 3x)")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
