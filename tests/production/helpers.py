"""Test helpers for audio: real audio made with ffmpeg and espeak-ng, measured by ffmpeg's ebur128,
and schedules stored as rows (the scheduler is not needed to render)."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
from pathlib import Path

from sqlalchemy import select

from radio_sched.production.session_audio import planned_length_s
from radio_sched.core.models import Airing, AiringItem, Schedule, ScheduleStation, Segment, Station

SOURCES = {
    # name: ffmpeg lavfi source (mono or stereo, various rates), to make the inputs differ widely
    "sine": "sine=f=440:d={d}:sample_rate=44100",
    "noise": "anoisesrc=d={d}:c=pink:a=0.3:r=48000:seed=7",
    "whisper": "anoisesrc=d={d}:c=brown:a=0.02:r=22050:seed=3",  # about -45 dBFS: barely audible
    "square": "aevalsrc='if(lt(mod(t*220\\,1)\\,0.5)\\,1.6\\,-1.6)':d={d}:s=48000",  # clipped at 0 dBFS
    "clicks": "aevalsrc='0.02*sin(2*PI*300*t)+if(lt(mod(t\\,0.5)\\,0.0015)\\,0.95\\,0)':d={d}:s=44100",
    "silence": "anullsrc=r=44100:cl=mono:d={d}",
    "stereo": "sine=f=660:d={d}:sample_rate=32000,aformat=channel_layouts=stereo",
}


def make_audio(path: Path, kind: str, seconds: float = 4.0, *, lead_s: float = 0.0,
               tail_s: float = 0.0) -> Path:
    """An audio file made by ffmpeg (format from the suffix), with optional silence around it."""
    src = SOURCES[kind].format(d=seconds)
    chain = ""
    if lead_s or tail_s:
        chain = f"adelay={int(lead_s * 1000)}:all=1,apad=pad_dur={tail_s}"
    args = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", src]
    if chain:
        args += ["-af", chain]
    if path.suffix == ".mp3":
        args += ["-c:a", "libmp3lame", "-b:a", "128k"]
    subprocess.run(args + [str(path)], check=True)
    return path


def speech(path: Path, text: str, *, gain_db: float = 0.0) -> Path:
    """Vietnamese speech by espeak-ng, optionally made quieter (a whisper) or louder (clipped)."""
    wav = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "vi", "-s", "150", "-w", str(wav), text], check=True)
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav),
                    "-af", f"volume={gain_db}dB", str(path)], check=True)
    wav.unlink()
    return path


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) measured by ffmpeg's ebur128 filter, parsed here on its own."""
    err = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-af",
                          "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    summary = err[err.rindex("Summary:"):]
    i = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    tp = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return i, tp


def decoded_samples(path: Path) -> int:
    """How many samples a decoder actually plays (ffmpeg's MP3 decoder, mono 16-bit)."""
    out = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path),
                          "-ac", "1", "-f", "s16le", "-"], capture_output=True, check=True).stdout
    return len(out) // 2


def ffprobe_tags(path: Path) -> dict[str, str]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of",
                          "default=noprint_wrappers=1", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return {k.removeprefix("TAG:").lower(): v for k, _, v in
            (line.partition("=") for line in out.splitlines() if "=" in line)}


def station_ids(session, codes: list[str] | None = None) -> dict[str, int]:
    rows = session.execute(select(Station.code, Station.id)).all()
    return {c: i for c, i in rows if codes is None or c in codes}


def add_schedule(session, month: str, version: int, airings: dict[int, list[tuple]],
                 scope: str = "province", plan_id: int | None = None) -> int:
    """Store a schedule version as the scheduler would: airings[station_id] = [(date, session, start,
    capacity_s, [segment slugs])]."""
    seg = {s.slug: s for s in session.scalars(select(Segment))}
    sch = Schedule(month=month, scope=scope, version=version, status="complete", plan_id=plan_id)
    session.add(sch)
    session.flush()
    for station_id, rows in airings.items():
        session.add(ScheduleStation(schedule_id=sch.id, station_id=station_id))
        for day, name, start, capacity, slugs in rows:
            a = Airing(schedule_id=sch.id, station_id=station_id, date=day, session=name, start=start,
                       capacity_s=capacity)
            a.items = [AiringItem(position=n, segment_id=seg[s].id, kind=seg[s].kind,
                                  duration_s=seg[s].duration_s) for n, s in enumerate(slugs)]
            session.add(a)
    session.flush()
    return sch.id


def day(n: int, month: str = "2024-03") -> dt.date:
    y, m = map(int, month.split("-"))
    return dt.date(y, m, n)


# A month for the tiny province: two stations share every airing, a third shares one.
SHARED = [(1, "sáng", "05:30", ["square", "speech"]), (1, "chiều", "17:00", ["whisper"]),
          (2, "sáng", "05:30", ["clicks", "noise", "stereo"]), (3, "sáng", "05:30", ["square"])]
PLAN = {"18073": SHARED, "18077": SHARED,
        "18202": [(1, "sáng", "05:30", ["square", "speech"]), (2, "chiều", "17:00", ["whisper", "clicks"])],
        "18205": [(1, "sáng", "05:30", ["stereo"])]}
UNIQUE = 6  # distinct item lists above


def capacity(session, slugs, gap_s=1.0):
    """The tightest whole-second capacity the planner could have used for these items."""
    dur = {s.slug: s.duration_s for s in session.scalars(select(Segment))}
    return math.ceil(planned_length_s([dur["jingle-intro"], *(dur[s] for s in slugs),
                                       dur["jingle-outro"]], gap_s))


def schedule(session, plan, version=1, month="2024-03"):
    ids = station_ids(session)
    rows = {ids[code]: [(day(d, month), name, start, capacity(session, slugs), slugs)
                        for d, name, start, slugs in airings] for code, airings in plan.items()}
    return add_schedule(session, month, version, rows)
