"""ffprobe: what an audio file is (format, codec, duration), and refusing what is not usable audio."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..config import AudioSettings
from ..i18n import M, Msg
from .tools import ToolFailed, run


class AudioRefused(Exception):
    """A file that cannot become a segment, with the reason in both languages."""

    def __init__(self, path: Path | str, reason: Msg):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason.render('en')}")

    def __reduce__(self):  # travels back from worker processes intact
        return (AudioRefused, (self.path, self.reason))


@dataclass(frozen=True)
class ProbeInfo:
    path: str
    size: int
    format_name: str
    codec: str
    sample_rate: int
    channels: int
    duration_s: float | None  # None when the container does not say (raw streams)


def probe(path: Path | str, settings: AudioSettings) -> ProbeInfo:
    """Probe one file; an unreadable, empty, video-only or absurdly long file raises AudioRefused."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AudioRefused(path, M("cannot read the file: {err}", "không đọc được tệp: {err}",
                                   err=exc.strerror or str(exc))) from None
    if not path.is_file():
        raise AudioRefused(path, M("is not a file", "không phải là tệp"))
    if size == 0:
        raise AudioRefused(path, M("the file is empty (0 bytes)", "tệp rỗng (0 byte)"))
    try:
        out = run("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                              str(path)]).stdout
        data = json.loads(out or b"{}")
    except (ToolFailed, json.JSONDecodeError) as exc:
        detail = exc.detail if isinstance(exc, ToolFailed) else str(exc)
        raise AudioRefused(path, M("not an audio file that ffmpeg can read ({detail})",
                                   "không phải tệp âm thanh mà ffmpeg đọc được ({detail})",
                                   detail=detail)) from None
    audio = [s for s in data.get("streams", []) if s.get("codec_type") == "audio"]
    if not audio:
        raise AudioRefused(path, M("the file has no audio stream", "tệp không có luồng âm thanh"))
    stream, fmt = audio[0], data.get("format", {})
    duration = _float(stream.get("duration")) or _float(fmt.get("duration"))
    if duration is not None and duration > settings.max_segment_s:
        raise AudioRefused(path, M(
            "the file lasts {d}, longer than the {m} a segment may last",
            "tệp dài {d}, quá thời lượng tối đa {m} của một mục phát",
            d=clock(duration), m=clock(settings.max_segment_s)))
    return ProbeInfo(str(path), size, fmt.get("format_name", ""), stream.get("codec_name", ""),
                     int(stream.get("sample_rate") or 0), int(stream.get("channels") or 0), duration)


def _float(value) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if f == f and f >= 0 else None  # NaN and negatives are "unknown"


def clock(seconds: float) -> str:
    """Seconds as H:MM:SS or M:SS, the way a broadcast log writes durations."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
