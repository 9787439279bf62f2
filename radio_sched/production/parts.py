"""Ready parts: each original's normalised MP3 for given audio settings, made once and content-addressed.

Layout under the library root:
  originals/<sha[:2]>/<sha>.<ext>   the files as added, named by their sha256
  ready/<sha[:2]>/<sha>.mp3         ready parts (trimmed, normalised, encoded), named by their own sha256
  recipes/<key[:2]>/<key>.json      which ready part an (original, settings) pair gives, and its measures
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.config import AudioSettings
from . import mp3
from .loudness import Analysis, analyse, encode_args, normalise
from ..core.files import clean_stale_temps, temp_path, write_atomic
from .store import addressed, sha256_file
from .tools import audio_segment

PIPELINE = "ready/2"  # bump when the way ready parts are made changes: every part is remade


@dataclass(frozen=True)
class ReadyPart:
    """A ready part and what was measured making it; `duration_s` is exact (frames x samples)."""

    sha256: str
    size: int
    frames: int
    samples_per_frame: int
    sample_rate: int
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    gain_db: float = 0.0
    limit_db: float | None = None
    original_sha256: str = ""
    original_lufs: float | None = None
    original_true_peak_dbtp: float | None = None
    original_duration_s: float = 0.0
    trim_start_s: float = 0.0
    trim_end_s: float = 0.0

    @property
    def duration_s(self) -> float:
        return self.frames * self.samples_per_frame / self.sample_rate

    @property
    def planned_duration_s(self) -> float:
        """The duration the planner counts: the exact one rounded up to the millisecond."""
        return ceil_ms(self.duration_s)


def ceil_ms(seconds: float) -> float:
    return math.ceil(round(seconds * 1000, 6)) / 1000


class Library:
    """The segment library's folders."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.originals = self.root / "originals"
        self.ready = self.root / "ready"
        self.recipes = self.root / "recipes"

    def original(self, sha: str, ext: str) -> Path:
        return addressed(self.originals, sha, ext)

    def find_original(self, sha: str) -> Path | None:
        folder = self.originals / sha[:2]
        if folder.is_dir():
            for p in folder.glob(f"{sha}*"):
                if p.name == sha or p.name.startswith(sha + "."):
                    return p
        return None

    def ready_path(self, sha: str) -> Path:
        return addressed(self.ready, sha, "mp3")

    def recipe_path(self, key: str) -> Path:
        return addressed(self.recipes, key, "json")

    def clean(self) -> int:
        return sum(clean_stale_temps(d) for d in (self.originals, self.ready, self.recipes))


def recipe_key(original_sha: str, settings: AudioSettings) -> str:
    """What decides a ready part's bytes: the original, the pipeline and the audio settings."""
    spec = {"pipeline": PIPELINE, "original": original_sha, "lufs": settings.loudness_lufs,
            "tp": settings.true_peak_dbtp, "bitrate": settings.bitrate, "rate": settings.sample_rate,
            "channels": settings.channels, "silence": settings.silence_threshold_dbfs}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def gap_key(gap_s: float, settings: AudioSettings) -> str:
    spec = {"pipeline": PIPELINE, "gap_s": round(gap_s, 6), "bitrate": settings.bitrate,
            "rate": settings.sample_rate, "channels": settings.channels}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def lookup(library: Library, key: str) -> ReadyPart | None:
    """The ready part a recipe made, if both the recipe and the part are still there."""
    path = library.recipe_path(key)
    try:
        part = ReadyPart(**json.loads(path.read_text("utf-8")))
    except (FileNotFoundError, ValueError, TypeError):
        return None
    return part if library.ready_path(part.sha256).is_file() else None


def _keep(library: Library, key: str, tmp: Path, part: ReadyPart) -> ReadyPart:
    final = library.ready_path(part.sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp.replace(final)  # same bytes, same name: a concurrent writer is harmless
    write_atomic(library.recipe_path(key), json.dumps(asdict(part), sort_keys=True).encode())
    return part


def make_ready(library_root: str, original: str, original_sha: str, settings: AudioSettings,
               analysis: Analysis | None = None) -> ReadyPart:
    """The ready part of an original for these settings, made now unless already in the library.
    A plain top-level function so that worker processes can run it (--jobs)."""
    library = Library(library_root)
    key = recipe_key(original_sha, settings)
    found = lookup(library, key)
    if found is not None:
        return found
    a = analysis or analyse(original, settings)
    library.ready.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(library.ready / f"{key}.mp3")
    try:
        enc = normalise(original, tmp, a, settings)
        sha = sha256_file(tmp)
        part = ReadyPart(sha, tmp.stat().st_size, enc.frames.count, enc.frames.samples_per_frame,
                         enc.frames.sample_rate, enc.loudness.integrated_lufs,
                         enc.loudness.true_peak_dbtp, round(enc.gain_db, 3),
                         None if enc.limit_db is None else round(enc.limit_db, 3), original_sha,
                         a.loudness.integrated_lufs, a.loudness.true_peak_dbtp, a.duration_s,
                         a.trim_start / a.sample_rate, a.trim_end / a.sample_rate)
        return _keep(library, key, tmp, part)
    finally:
        tmp.unlink(missing_ok=True)


def make_gap(library_root: str, gap_s: float, settings: AudioSettings) -> ReadyPart | None:
    """Encoded silence for the gap between parts: whole frames, never longer than gap_s (None if the
    gap is shorter than one frame). pydub makes the silence; frames come from its middle, where
    every frame is alike and stands alone (no bit reservoir)."""
    AudioSegment = audio_segment()

    library = Library(library_root)
    key = gap_key(gap_s, settings)
    found = lookup(library, key)
    if found is not None:
        return found
    spf = 1152 if settings.sample_rate >= 32000 else 576
    count = math.floor(round(gap_s * settings.sample_rate, 6) / spf)
    if count == 0:
        return None
    silence = AudioSegment.silent(duration=int((gap_s + 1.0) * 1000), frame_rate=settings.sample_rate)
    silence = silence.set_channels(settings.channels)
    buf = io.BytesIO()
    params = [a for a in encode_args(settings)[:-2] if a not in ("-c:a", "libmp3lame")]
    silence.export(buf, format="mp3", bitrate=settings.bitrate, parameters=params)
    data = buf.getvalue()
    info = mp3.scan(data)
    offsets = mp3.frame_offsets(data, info)
    first = (len(offsets) - 1 - count) // 2
    body = data[offsets[first]:offsets[first + count]]
    sha = hashlib.sha256(body).hexdigest()
    tmp = temp_path(library.ready / f"{key}.mp3")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_bytes(body)
    try:
        return _keep(library, key, tmp, ReadyPart(sha, len(body), count, info.samples_per_frame,
                                                  info.sample_rate))
    finally:
        tmp.unlink(missing_ok=True)
