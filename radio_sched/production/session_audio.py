"""Session assembly: intro, items and outro with the plan's gap between each two, joined once per
unique session and kept in a content-addressed cache.

Every part is an MP3 encoded with the same settings and no bit reservoir, so a session is the parts'
frames joined byte for byte: nothing is decoded or re-encoded, and the session lasts exactly the sum
of its parts' frames. The gap is whole frames of encoded silence, never longer than the plan's gap_s.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .parts import Library, ReadyPart, ceil_ms
from ..core.files import CHUNK, atomic_file, clean_stale_temps
from .tools import audio_segment
from . import zip_layout

FORMAT = "session/1"


def planned_length_s(durations_s: Sequence[float], gap_s: float) -> float:
    """The seconds a session takes, as the planner must count them against capacity_s: the parts'
    Segment.duration_s (intro, items, outro, in order) plus gap_s between each two consecutive parts.
    The rendered session is never longer than this."""
    parts = [d for d in durations_s if d is not None]
    return sum(parts) + gap_s * max(0, len(parts) - 1)


def with_gaps(parts: Sequence[ReadyPart], gap: ReadyPart | None) -> list[ReadyPart]:
    """The parts with the gap between each two."""
    out: list[ReadyPart] = []
    for n, part in enumerate(parts):
        if n and gap is not None:
            out.append(gap)
        out.append(part)
    return out


def session_key(parts: Sequence[ReadyPart]) -> str:
    """Names a session by what it is made of: its parts' own sha256s, in order."""
    h = hashlib.sha256(FORMAT.encode())
    for p in parts:
        h.update(b"\n" + p.sha256.encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Session:
    """A unique session: its parts and where its joined MP3 frames are cached."""

    key: str
    parts: tuple[ReadyPart, ...]
    path: Path

    @property
    def size(self) -> int:
        return sum(p.size for p in self.parts)

    @property
    def frames(self) -> int:
        return sum(p.frames for p in self.parts)

    @property
    def duration_s(self) -> float:
        first = self.parts[0]
        return self.frames * first.samples_per_frame / first.sample_rate

    @property
    def duration_ms_ceil(self) -> float:
        return ceil_ms(self.duration_s)


class SessionCache:
    """<schedules>/.cache/sessions/<key[:2]>/<key>.mp3: each unique session's audio, made once."""

    def __init__(self, schedules_root: Path | str):
        self.root = Path(schedules_root) / ".cache" / "sessions"

    def session(self, parts: Sequence[ReadyPart], gap: ReadyPart | None) -> Session:
        full = tuple(with_gaps(parts, gap))
        key = session_key(full)
        return Session(key, full, self.root / key[:2] / f"{key}.mp3")

    def has(self, s: Session) -> bool:
        try:
            return s.path.stat().st_size == s.size
        except FileNotFoundError:
            return False

    def build(self, s: Session, library: Library) -> None:
        """Join the parts' bytes into the cache (atomically: a killed run leaves no half session)."""
        with atomic_file(s.path) as (out, _):
            for part in s.parts:
                with open(library.ready_path(part.sha256), "rb") as f:
                    while block := f.read(CHUNK):
                        out.write(block)

    def clean(self) -> int:
        return clean_stale_temps(self.root)

    def prune(self, *, older_than_s: float = 86400.0) -> int:
        """Remove cached sessions that no bundle's layout under the schedules root reads (a layout
        is kept for every version a Bundle row records, so those are never removed), nor any made
        in the last `older_than_s` (a render in flight joins its sessions before its layouts).
        Returns how many files were removed. Callers hold the prune lock, which no render shares
        (jobs/maintenance.prune_cache)."""
        schedules = self.root.parents[1]
        used: set[Path] = set()
        for kept in schedules.rglob("*" + zip_layout.SUFFIX):
            layout = zip_layout.load(kept.with_name(kept.name.removesuffix(zip_layout.SUFFIX) + ".zip"))
            if layout is None:
                continue
            used.update(p.resolve() for p, _ in zip_layout.files_of(layout, kept.parent))
        removed, now = 0, time.time()
        for path in self.root.rglob("*.mp3") if self.root.is_dir() else ():
            if path.resolve() in used or now - path.stat().st_mtime < older_than_s:
                continue
            path.unlink(missing_ok=True)
            removed += 1
        return removed


def pydub_reference(parts: Sequence[Path], gap_s: float, sample_rate: int):
    """The same session assembled by decoding with pydub (silence between parts, one join): the
    reference the fast path is checked against in tests and timed against in the benchmark."""
    AudioSegment = audio_segment()

    segs = [AudioSegment.from_file(p, format="mp3") for p in parts]
    gap = AudioSegment.silent(duration=int(gap_s * 1000), frame_rate=sample_rate)
    gap = gap.set_channels(segs[0].channels).set_sample_width(segs[0].sample_width)
    pieces = []
    for n, s in enumerate(segs):
        if n:
            pieces.append(gap.raw_data)
        pieces.append(s.raw_data)
    return segs[0]._spawn(b"".join(pieces))
