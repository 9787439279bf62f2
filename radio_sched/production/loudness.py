"""Loudness: measure with ffmpeg's ebur128, find the silence to trim, and encode a normalised part."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.config import AudioSettings
from ..core.i18n import M
from . import mp3
from .probe import AudioRefused, clock
from .tools import ToolFailed, ffmpeg

TOLERANCE_LU = 0.3  # each part this close to the target keeps whole sessions well within 1 LU
PEAK_MARGIN_DB = 0.3  # parts stay this far under the true-peak ceiling; joins cannot add it back
LIMITER_HEADROOM_DB = 1.5  # MP3 encoding overshoots a limited signal's peaks by up to about this
EDGE_PAD_S = 0.02  # keep a breath before the first sound and after the last one
MAX_ATTEMPTS = 6
# LAME's output plays about 0.4 dB quieter than its input (ffmpeg 5.1, LAME 3.100, any bitrate);
# starting with that much more gain usually saves the second encode. The loop measures anyway.
MP3_LOSS_DB = 0.4

_I = re.compile(r"^\s*I:\s+(-?[\d.]+|-inf|nan) LUFS", re.M)
_PEAK = re.compile(r"^\s*Peak:\s+(-?[\d.]+|-inf|nan) dBFS", re.M)
_SIL_START = re.compile(r"silence_start: (-?[\d.e+-]+)")
_SIL_END = re.compile(r"silence_end: (-?[\d.e+-]+)")
_SAMPLES = re.compile(r"Overall.*?Number of samples: (\d+)", re.S)
_PEAK_LEVEL = re.compile(r"Overall.*?Peak level dB: (-?[\d.]+|-inf)", re.S)


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class Analysis:
    """An original as it will be used: its sound between the trimmed silences, and how loud it is."""

    samples: int
    sample_rate: int
    peak_dbfs: float
    trim_start: int  # first sample kept
    trim_end: int  # one past the last sample kept
    loudness: Loudness

    @property
    def duration_s(self) -> float:
        return self.samples / self.sample_rate

    @property
    def kept_s(self) -> float:
        return (self.trim_end - self.trim_start) / self.sample_rate


def _num(match: re.Match | None) -> float:
    if match is None:
        raise ValueError("missing")
    text = match.group(1)
    return -math.inf if text in ("-inf", "nan") else float(text)


def _layout(settings: AudioSettings) -> str:
    return "mono" if settings.channels == 1 else "stereo"


def _ebur128(stderr: str) -> Loudness:
    summary = stderr[stderr.rfind("Summary:"):]
    return Loudness(_num(_I.search(summary)), _num(_PEAK.search(summary)))


def measure(path: Path | str) -> Loudness:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file, by ffmpeg's EBU R128 meter."""
    err = ffmpeg(["-i", str(path), "-vn", "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"])
    return _ebur128(err)


def analyse(path: Path | str, settings: AudioSettings) -> Analysis:
    """One decoding pass: length, peak, the leading and trailing silence, and the loudness; files that
    are silent, too short once trimmed, or longer than allowed raise AudioRefused."""
    rate = settings.sample_rate
    chain = (f"aformat=sample_fmts=flt:sample_rates={rate}:channel_layouts={_layout(settings)},"
             f"astats=measure_perchannel=none,"
             f"silencedetect=noise={settings.silence_threshold_dbfs}dB:duration=0.02,"
             f"ebur128=peak=true:framelog=verbose")
    try:
        err = ffmpeg(["-t", f"{settings.max_segment_s + 1:.3f}", "-i", str(path), "-vn", "-map", "0:a:0",
                      "-af", chain, "-f", "null", "-"])
        samples = int(_SAMPLES.search(err).group(1))  # type: ignore[union-attr]
        peak = _num(_PEAK_LEVEL.search(err))
        loud = _ebur128(err)
    except ToolFailed as exc:
        raise AudioRefused(path, M("ffmpeg cannot decode the audio ({detail})",
                                   "ffmpeg không giải mã được âm thanh ({detail})",
                                   detail=exc.detail)) from None
    except (AttributeError, ValueError):
        raise AudioRefused(path, M("ffmpeg decoded no audio from the file",
                                   "ffmpeg không giải mã được âm thanh nào từ tệp")) from None
    if samples == 0:
        raise AudioRefused(path, M("the file holds no audio samples", "tệp không có mẫu âm thanh nào"))
    if samples > settings.max_segment_s * rate:
        raise AudioRefused(path, M(
            "the audio lasts more than {m}, longer than a segment may last",
            "âm thanh dài hơn {m}, quá thời lượng tối đa của một mục phát",
            m=clock(settings.max_segment_s)))
    if peak < settings.silence_threshold_dbfs or loud.integrated_lufs == -math.inf:
        raise AudioRefused(path, M(
            "the file is silent: its loudest sample is {p} dBFS, under the silence threshold {t} dBFS",
            "tệp im lặng: mẫu lớn nhất chỉ {p} dBFS, dưới ngưỡng im lặng {t} dBFS",
            p="-inf" if peak == -math.inf else f"{peak:.1f}", t=f"{settings.silence_threshold_dbfs:g}"))
    start, end = _trim(err, samples, rate)
    kept = (end - start) / rate
    if kept < settings.min_segment_s:
        raise AudioRefused(path, M(
            "only {k:.2f} s of sound once the silence is trimmed; a segment needs at least {m:g} s",
            "chỉ còn {k:.2f} giây âm thanh sau khi cắt khoảng lặng; một mục phát cần ít nhất {m:g} giây",
            k=kept, m=settings.min_segment_s))
    return Analysis(samples, rate, peak, start, end, loud)


def _trim(stderr: str, samples: int, rate: int) -> tuple[int, int]:
    """First and one-past-last sample to keep, from silencedetect's silences at the two ends."""
    starts = [float(m.group(1)) for m in _SIL_START.finditer(stderr)]
    ends = [float(m.group(1)) for m in _SIL_END.finditer(stderr)]
    total = samples / rate
    lead = ends[0] if starts and starts[0] <= 1e-3 and ends else 0.0
    tail = total
    if starts and (len(ends) < len(starts) or ends[-1] >= total - 1e-3):
        tail = starts[-1]
    first = max(0, int((lead - EDGE_PAD_S) * rate))
    last = min(samples, int(math.ceil((tail + EDGE_PAD_S) * rate)))
    return first, max(first, last)


@dataclass(frozen=True)
class Encoded:
    """A ready part as encoded: its frames (the duration it adds when joined) and its measured loudness."""

    frames: mp3.Frames
    loudness: Loudness
    gain_db: float
    limit_db: float | None
    attempts: int


def encode_args(settings: AudioSettings) -> list[str]:
    """The MP3 settings every part shares, so that parts join byte for byte: CBR, no bit reservoir
    (a frame never borrows bits from the previous part), no Xing frame or tags (joins carry none)."""
    return ["-ar", str(settings.sample_rate), "-ac", str(settings.channels), "-c:a", "libmp3lame",
            "-b:a", settings.bitrate, "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "mp3"]


def _encode(src: Path, out: Path, a: Analysis, settings: AudioSettings, gain_db: float,
            limit_db: float | None) -> None:
    rate = settings.sample_rate
    chain = [f"aformat=sample_fmts=flt:sample_rates={rate}:channel_layouts={_layout(settings)}",
             f"atrim=start_sample={a.trim_start}:end_sample={a.trim_end}", "asetpts=PTS-STARTPTS",
             f"volume={gain_db:.3f}dB"]
    if limit_db is not None:
        # limit at 4x the rate, so that peaks between samples (true peak) are limited as well
        chain += [f"aresample={4 * rate}",
                  f"alimiter=limit={10 ** (limit_db / 20):.5f}:attack=5:release=80:level=0:latency=1",
                  f"aresample={rate}"]
    ffmpeg(["-i", str(src), "-vn", "-map", "0:a:0", "-af", ",".join(chain), *encode_args(settings),
            str(out)])
    fit_frames(out, a.samples)


def fit_frames(path: Path, samples: int) -> mp3.Frames:
    """Drop the trailing frames that would make the encoded file last longer than the original's
    `samples` (at the part's rate): LAME's delay and padding add up to two frames, so a 280.000 s
    original would become 280.033 s and no longer fill a 280 s session. Frames stand alone (no bit
    reservoir), so the file is cut at a frame boundary; the cut is the original's last ~50 ms, which
    the trim's EDGE_PAD_S of kept silence usually covers."""
    data = path.read_bytes()
    info = mp3.scan(data)
    keep = samples // info.samples_per_frame
    if info.count <= keep:
        return info
    if keep == 0:
        raise mp3.NotMp3("the original is shorter than one frame")
    end = mp3.frame_offsets(data, info)[keep]
    path.write_bytes(data[:end])
    return mp3.scan(data[:end])


def normalise(src: Path | str, out: Path | str, a: Analysis, settings: AudioSettings) -> Encoded:
    """Encode the trimmed original at the target loudness under the true-peak ceiling, measuring the
    encoded result and correcting until both hold (gain, then a true-peak limiter if needed)."""
    src, out = Path(src), Path(out)
    target, ceiling = settings.loudness_lufs, settings.true_peak_dbtp - PEAK_MARGIN_DB
    gain = target - a.loudness.integrated_lufs + MP3_LOSS_DB
    limit = None
    if a.loudness.true_peak_dbtp + gain > settings.true_peak_dbtp - LIMITER_HEADROOM_DB:
        limit = settings.true_peak_dbtp - LIMITER_HEADROOM_DB
    best: tuple[float, Encoded] | None = None
    tried: list[tuple[float, float | None, float]] = []  # (gain, limit, loudness) of each attempt
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            _encode(src, out, a, settings, gain, limit)
            frames = mp3.scan(out.read_bytes())
            loud = measure(out)
        except (ToolFailed, mp3.NotMp3) as exc:
            raise AudioRefused(src, M("ffmpeg could not encode the ready version ({detail})",
                                      "ffmpeg không mã hóa được bản sẵn sàng phát ({detail})",
                                      detail=str(exc))) from None
        result = Encoded(frames, loud, gain, limit, attempt)
        miss = abs(loud.integrated_lufs - target)
        over = loud.true_peak_dbtp - ceiling
        if miss <= TOLERANCE_LU and over <= 0:
            return result
        score = miss + max(0.0, over) * 10
        if best is None or score < best[0]:
            best = (score, result)
        tried.append((gain, limit, loud.integrated_lufs))
        if over > 0:
            base = limit if limit is not None else settings.true_peak_dbtp - LIMITER_HEADROOM_DB
            limit = max(base - over - 0.2, -24.0)  # -24 dBFS: the limiter's lowest setting
        # under a limiter loudness grows slower than gain: step by the slope the last two tries showed
        slope = 1.0
        if len(tried) >= 2 and tried[-2][1] == tried[-1][1] == limit and tried[-1][0] != tried[-2][0]:
            slope = (tried[-1][2] - tried[-2][2]) / (tried[-1][0] - tried[-2][0])
            slope = min(1.0, max(0.1, slope))
        gain += (target - loud.integrated_lufs) / slope
    assert best is not None
    final = best[1]
    if abs(final.loudness.integrated_lufs - target) <= 2 * TOLERANCE_LU and \
            final.loudness.true_peak_dbtp <= settings.true_peak_dbtp:
        if final is not result:
            _encode(src, out, a, settings, final.gain_db, final.limit_db)
        return final
    raise AudioRefused(src, M(
        "cannot bring the audio to {t} LUFS under {p} dBTP (reached {i:.1f} LUFS, {tp:.1f} dBTP)",
        "không đưa được âm thanh về {t} LUFS dưới {p} dBTP (đạt {i:.1f} LUFS, {tp:.1f} dBTP)",
        t=f"{target:g}", p=f"{settings.true_peak_dbtp:g}", i=final.loudness.integrated_lufs,
        tp=final.loudness.true_peak_dbtp))
