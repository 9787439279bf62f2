"""Helpers the benchmarks share: running tools, speech-like audio made by espeak-ng and ffmpeg, sizes."""

from __future__ import annotations

import subprocess
from pathlib import Path

# what the benchmarks' speech says (espeak-ng, Vietnamese)
TEXTS = [
    "Chuyên mục cải cách hành chính. Người dân có thể nộp hồ sơ trực tuyến tại Cổng dịch vụ công, "
    "theo dõi tiến độ giải quyết và nhận kết quả qua dịch vụ bưu chính công ích, không phải đi lại.",
    "Hướng dẫn đăng ký khai sinh, đăng ký thường trú và cấp thẻ bảo hiểm y tế cho trẻ dưới sáu tuổi "
    "bằng một bộ hồ sơ liên thông trên môi trường điện tử.",
    "Gương điển hình, việc tốt trong cải cách hành chính: công chức một cửa tận tình hướng dẫn bà con, "
    "giải quyết hồ sơ đúng hạn, được nhân dân tin yêu.",
]
FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


def sh(*args: str) -> None:
    subprocess.run(args, check=True, stdin=subprocess.DEVNULL)


def voices(folder: Path, texts: list[str]) -> list[Path]:
    """Each text spoken by espeak-ng's Vietnamese voice (each at its own speed and pitch), as WAV."""
    out = []
    for n, text in enumerate(texts):
        wav = folder / f"voice{n}.wav"
        sh("espeak-ng", "-v", "vi", "-s", str(140 + 10 * n), "-p", str(40 + 8 * n), "-w", str(wav), text)
        out.append(wav)
    return out


def speech_like(voice: Path, seconds: float, seed: int, out: Path, *, noise: str = "pink",
                level: float = 0.01, gain_db: float = -10.0, encode: tuple[str, ...] = (
                    "-c:a", "libmp3lame", "-b:a", "128k")) -> Path:
    """`seconds` of the voice looped over a quiet noise bed of its own seed: no two files alike."""
    sh(*FFMPEG, "-stream_loop", "-1", "-i", str(voice), "-f", "lavfi", "-i",
       f"anoisesrc=c={noise}:a={level}:seed={seed}:d={seconds}", "-t", f"{seconds}",
       "-filter_complex", f"[0]volume={gain_db}dB[v];[v][1]amix=inputs=2:duration=shortest",
       "-ac", "1", *encode, str(out))
    return out


def tone(seconds: float, freq: int, out: Path, *, encode: tuple[str, ...] = (
        "-c:a", "libmp3lame", "-b:a", "128k")) -> Path:
    """A sine tone (the benchmarks' jingles)."""
    sh(*FFMPEG, "-f", "lavfi", "-i", f"sine=f={freq}:d={seconds}", "-t", f"{seconds}", "-af",
       "volume=-6dB", "-ac", "1", *encode, str(out))
    return out


def size(path: Path) -> int:
    """Bytes of the files under path (what a folder costs on disk); a file's own size."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0
