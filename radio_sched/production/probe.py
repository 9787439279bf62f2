"""ffprobe: what an audio file is (format, codec, duration), and refusing what is not usable audio."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from ..core.config import AudioSettings
from ..core.i18n import M, Msg
from .tools import ToolFailed, run

log = logging.getLogger(__name__)
TRUNCATION_SLACK_S = 0.5  # more missing than this (or 2 %) and a file is taken as cut short


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
    declared_s: float | None = None  # what the header promises (None if ffprobe only estimates)


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
        proc = run("ffprobe", ["-v", "warning", "-print_format", "json", "-show_format",
                               "-show_streams", str(path)])
        data = json.loads(proc.stdout or b"{}")
    except (ToolFailed, json.JSONDecodeError) as exc:
        detail = exc.detail if isinstance(exc, ToolFailed) else str(exc)
        log.info("ffprobe cannot read %s: %s", path, detail)  # for the log; people get a sentence
        raise AudioRefused(path, M("not an audio file that can be read: send an MP3, WAV, M4A or "
                                   "OGG file", "không phải tệp âm thanh đọc được: hãy gửi tệp MP3, "
                                   "WAV, M4A hoặc OGG")) from None
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
    estimated = b"Estimating duration from bitrate" in (proc.stderr or b"")
    declared = None if estimated else duration
    if fmt.get("format_name") == "wav":  # ffprobe measures a WAV by its size, not its header
        declared = _riff_declared_s(path)
    return ProbeInfo(str(path), size, fmt.get("format_name", ""), stream.get("codec_name", ""),
                     int(stream.get("sample_rate") or 0), int(stream.get("channels") or 0),
                     duration, declared)


def _riff_declared_s(path: Path) -> float | None:
    """Seconds of audio a WAV's header promises (its data chunk's size over the byte rate)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return None
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    pos, byte_rate = 12, 0
    while pos + 8 <= len(head):
        chunk, size = head[pos:pos + 4], int.from_bytes(head[pos + 4:pos + 8], "little")
        if chunk == b"fmt " and pos + 20 <= len(head):
            byte_rate = int.from_bytes(head[pos + 16:pos + 20], "little")
        elif chunk == b"data":
            # 0 and 0xFFFFFFFF are what streaming writers put before they know the size
            if not byte_rate or size in (0, 0xFFFFFFFF):
                return None
            return size / byte_rate
        pos += 8 + size + (size & 1)
    return None


def check_whole(info: ProbeInfo, decoded_s: float) -> None:
    """Refuse a file whose header promises more audio than it holds: an upload or copy cut short
    (a dropped 4G link) would otherwise air as a shorter, cut-off segment. A length the container
    only estimates from the bitrate says nothing about this, and a few frames' difference is the
    encoder's padding."""
    declared = info.declared_s
    if declared is None:
        return
    if declared - decoded_s > max(TRUNCATION_SLACK_S, 0.02 * declared):
        raise AudioRefused(info.path, M(
            "the file is cut short: its header says it lasts {d}, but it holds only {k} of audio "
            "(an interrupted upload or copy?); send the whole file again",
            "tệp bị cắt cụt: phần đầu tệp ghi dài {d} nhưng chỉ có {k} âm thanh (tải lên hoặc sao "
            "chép bị ngắt?); hãy gửi lại tệp đầy đủ", d=clock(declared), k=clock(decoded_s)))


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
