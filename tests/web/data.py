"""Real schedule, as-run and bundle rows for web tests: what the scheduler and renderer would store."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import func, select

from radio_sched.production import zip_layout
from radio_sched.production.bundle import open_bundle
from radio_sched.core.models import (
    Airing, AiringItem, Bundle, Schedule, ScheduleStation, Segment, Station
)

SEGMENTS = [  # slug, title, kind, scope, duration
    ("ep-436-1", "Chuyên mục CCHC huyện số 1", "district_episode", "district:436", 300.0),
    ("ep-440-1", "Chuyên mục CCHC Hương Sơn số 1", "district_episode", "district:440", 280.0),
    ("guide-birth", "Hướng dẫn đăng ký khai sinh", "service_guide", "province", 90.0),
    ("model-18073", "Người tốt việc tốt <b>Nam Hà</b>", "model_citizen", "commune:18073", 120.0),
]


def station(session, code: str) -> Station:
    return session.scalar(select(Station).where(Station.code == code))


def add_segments(session) -> dict[str, Segment]:
    out = {}
    for slug, title, kind, scope, dur in SEGMENTS:
        seg = Segment(slug=slug, sha256=hashlib.sha256(slug.encode()).hexdigest(), title=title,
                      kind=kind, scope=scope, duration_s=dur, original_duration_s=dur)
        session.add(seg)
        out[slug] = seg
    session.flush()
    return out


def add_schedule(session, month: str, stations: list[Station], *, scope: str = "province",
                 days: tuple[int, ...] = (1, 4, 8), shortfalls: dict[str, list] | None = None
                 ) -> Schedule:
    """A schedule version with a morning airing on each given day at each station: the district
    episode of its district (if any), the birth-registration guide, and 18073's own item."""
    segs = {s.slug: s for s in session.scalars(select(Segment))} or add_segments(session)
    version = (session.scalar(select(func.max(Schedule.version)).where(Schedule.month == month))
               or 0) + 1
    sch = Schedule(month=month, scope=scope, version=version,
                   status="shortfalls" if shortfalls else "complete")
    session.add(sch)
    session.flush()
    year, mon = map(int, month.split("-"))
    for st in stations:
        session.add(ScheduleStation(schedule_id=sch.id, station_id=st.id,
                                    shortfalls=(shortfalls or {}).get(st.code, [])))
        for day in days:
            a = Airing(schedule_id=sch.id, station_id=st.id, date=dt.date(year, mon, day),
                       session="sáng", start="05:30", capacity_s=600)
            session.add(a)
            session.flush()
            chosen = [f"ep-{st.district_code}-1", "guide-birth", f"model-{st.code}"]
            for pos, slug in enumerate(s for s in chosen if s in segs):
                session.add(AiringItem(airing_id=a.id, position=pos, segment_id=segs[slug].id,
                                       kind=segs[slug].kind, duration_s=segs[slug].duration_s))
    session.flush()
    return sch


def add_bundle(session, root: Path, st: Station, schedule: Schedule, *, version: int = 1,
               size: int = 200_000) -> Bundle:
    """Keep a bundle's layout under the schedules root as the renderer does: a README and an
    incompressible 'audio' file from the session cache, and record it."""
    rel = Path(schedule.month) / st.code / f"{schedule.month}_{st.code}_v{version}.zip"
    audio = root / ".cache" / "sessions" / f"{st.code}-{schedule.month}.mp3"
    audio.parent.mkdir(parents=True, exist_ok=True)
    audio.write_bytes(hashlib.shake_256(f"{st.code}{schedule.month}".encode()).digest(size))
    readme = f"Đài {st.code}, tháng {schedule.month}, bản {version}\n".encode()
    zip_layout.build(root / rel, [
        zip_layout.Member("README.txt", readme),
        zip_layout.Member(f"{schedule.month}-01/sang.mp3", b"", audio, 0, size)],
        dt.date(2024, 3, 1))
    with open_bundle(root / rel) as f:
        data = f.read()
    b = Bundle(station_id=st.id, month=schedule.month, version=version, schedule_id=schedule.id,
               path=rel.as_posix(), sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    session.add(b)
    session.flush()
    return b
