"""The demo's as-run files: what the stations say they aired, written as real asrun.csv files.

The choices are deterministic (hashes of station, day and session), so a second run writes the same
files byte for byte, and re-importing them replaces the stored reports instead of adding to them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from sqlalchemy.orm import Session

from ..reports.asrun import COLUMNS
from ..core.files import write_atomic
from ..core.models import Station
from ..reports.outcomes import planned

OTHER_REASONS = ["Mất điện cục bộ", "Hỏng bộ khuếch đại, đang sửa chữa",
                 "Cụm loa thông minh mất kết nối 4G", "Trùng lịch tiếp sóng chương trình thời sự"]
CUT_SHORT = "Mất điện giữa buổi, phát không trọn"


@dataclass(frozen=True)
class OnAir:
    """What happened at the stations over some days (all shares are per session)."""

    miss_share: float = 0.0  # sessions missed for an ordinary reason
    partial_share: float = 0.0  # sessions cut short: the first item aired, the rest did not
    silent: frozenset[str] = frozenset()  # station codes that send no report at all
    hit: frozenset[str] = frozenset()  # stations of a district hit by something on some days
    hit_days: frozenset[dt.date] = frozenset()
    hit_reason: str = ""
    hit_share: float = 0.0  # their sessions missed on those days


@dataclass
class Written:
    """An as-run file as written: its rows by status, and the stations silent in it."""

    path: Path
    rows: int = 0
    statuses: Counter = field(default_factory=Counter)
    stations_reporting: int = 0


def unit(*key) -> float:
    """A stable pseudo-random number in [0, 1) for a key."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def write_asrun(session: Session, stations: Sequence[Station], start: dt.date, end: dt.date,
                path: Path, on_air: OnAir) -> Written:
    """Write the as-run file of start..end for these stations from the versions in force each day."""
    items = planned(session, [s.id for s in stations], start, end)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    written = Written(path)
    for st in sorted(stations, key=lambda s: s.code):
        if st.code in on_air.silent:
            continue
        sessions: dict[tuple[dt.date, str], list[str]] = {}
        for item, _schedule, _made_good in items.get(st.id, ()):
            sessions.setdefault((item.day, item.session), []).append(item.slug)
        rows = [row for (day, name), slugs in sessions.items()
                for row in _session_rows(st.code, day, name, slugs, on_air)]
        for row in rows:
            w.writerow(row)
            written.statuses[row[3]] += 1
        written.rows += len(rows)
        written.stations_reporting += bool(rows)
    write_atomic(path, out.getvalue().encode("utf-8"))
    return written


def _session_rows(code: str, day: dt.date, name: str, slugs: list[str], on_air: OnAir) -> list[list]:
    if code in on_air.hit and day in on_air.hit_days and unit("hit", code, day, name) < on_air.hit_share:
        return [[code, day.isoformat(), name, "missed", "", on_air.hit_reason]]
    u = unit(code, day, name)
    if u < on_air.miss_share:
        reason = OTHER_REASONS[int(unit("why", code, day, name) * len(OTHER_REASONS))]
        return [[code, day.isoformat(), name, "missed", "", reason]]
    if u < on_air.miss_share + on_air.partial_share and len(slugs) > 1:
        rows = [[code, day.isoformat(), name, "partial", "", CUT_SHORT]]
        rows.append([code, day.isoformat(), name, "aired", slugs[0], ""])
        rows += [[code, day.isoformat(), name, "missed", slug, CUT_SHORT] for slug in slugs[1:]]
        return rows
    return [[code, day.isoformat(), name, "aired", "", ""]]
