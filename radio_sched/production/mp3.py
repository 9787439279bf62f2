"""MP3 at the byte level: counting frames (the exact joined duration) and writing ID3v2.3 headers."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_BITRATES = {  # kbps by bitrate index, Layer III
    1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class NotMp3(ValueError):
    """The bytes are not a clean run of MPEG-1/2 Layer III frames."""


@dataclass(frozen=True)
class Frames:
    """Where the audio frames of an MP3 lie and how long they play."""

    start: int  # offset of the first audio frame (after any ID3v2 tag and Xing/Info frame)
    end: int  # offset just past the last audio frame
    count: int
    sample_rate: int
    samples_per_frame: int

    @property
    def samples(self) -> int:
        return self.count * self.samples_per_frame

    @property
    def duration_s(self) -> float:
        return self.samples / self.sample_rate


def _header(data: bytes, pos: int) -> tuple[int, int, int]:
    """(frame length, sample rate, samples per frame) of the frame header at pos."""
    if pos + 4 > len(data):
        raise NotMp3(f"truncated frame header at byte {pos}")
    b1, b2 = data[pos + 1], data[pos + 2]
    if data[pos] != 0xFF or (b1 & 0xE0) != 0xE0:
        raise NotMp3(f"no frame sync at byte {pos}")
    version = (b1 >> 3) & 3  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    layer = (b1 >> 1) & 3
    if version == 1 or layer != 1:
        raise NotMp3(f"not an MPEG Layer III frame at byte {pos}")
    br_index, sr_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if br_index in (0, 15) or sr_index == 3:
        raise NotMp3(f"free-format or invalid frame header at byte {pos}")
    bitrate = _BITRATES[1 if version == 3 else 2][br_index] * 1000
    rate = _RATES[version][sr_index]
    spf = 1152 if version == 3 else 576
    length = (spf // 8) * bitrate // rate + padding
    return length, rate, spf


def id3v2_size(data: bytes) -> int:
    """Bytes taken by a leading ID3v2 tag (0 if there is none)."""
    if len(data) >= 10 and data[:3] == b"ID3":
        size = 0
        for b in data[6:10]:
            size = (size << 7) | (b & 0x7F)
        return 10 + size + (10 if data[5] & 0x10 else 0)  # footer flag
    return 0


def _is_info_frame(data: bytes, pos: int, length: int) -> bool:
    frame = data[pos:pos + length]
    return b"Xing" in frame[:64] or b"Info" in frame[:64]


def scan(data: bytes) -> Frames:
    """Walk every frame; anything but frames (after an ID3v2 tag, before an ID3v1 tag) is an error."""
    pos = id3v2_size(data)
    end = len(data)
    if end - pos >= 128 and data[end - 128:end - 125] == b"TAG":
        end -= 128
    count, rate, spf = 0, 0, 0
    start = pos
    while pos < end:
        length, r, s = _header(data, pos)
        if pos + length > end:
            raise NotMp3(f"truncated frame at byte {pos}")
        if count == 0 and pos == start and _is_info_frame(data, pos, length):
            start = pos = pos + length  # the encoder's Xing/Info frame plays no audio
            continue
        if rate and (r, s) != (rate, spf):
            raise NotMp3(f"the sample rate changes at byte {pos}")
        rate, spf = r, s
        count += 1
        pos += length
    if count == 0:
        raise NotMp3("no audio frames")
    return Frames(start, end, count, rate, spf)


def frame_offsets(data: bytes, info: Frames) -> list[int]:
    """The offset of every audio frame, and the end offset last."""
    offsets, pos = [], info.start
    while pos < info.end:
        offsets.append(pos)
        pos += _header(data, pos)[0]
    offsets.append(info.end)
    return offsets


def audio_frames(data: bytes) -> tuple[bytes, Frames]:
    """Only the audio frames of an MP3 (no tags, no Info frame), ready to be joined byte for byte."""
    info = scan(data)
    body = data[info.start:info.end]
    return body, Frames(0, len(body), info.count, info.sample_rate, info.samples_per_frame)


def info_frame(first_header: bytes, frames: int, audio_bytes: int) -> bytes:
    """A silent Xing frame tagged "Info" (the CBR form, as LAME writes it) to put before `frames`
    audio frames of `audio_bytes` bytes that begin with the 4-byte `first_header`: players and
    ffprobe then read the exact length from the frame count instead of estimating it from the
    bitrate. Same MPEG version, rate, bitrate and channel mode as the audio; no padding, no CRC; the
    byte count includes this frame (as LAME and ffmpeg count it); no seek table (CBR seeks linearly)."""
    head = bytearray(first_header[:4])
    head[1] |= 0x01  # no CRC
    head[2] &= ~0x02 & 0xFF  # no padding
    length, _, _ = _header(bytes(head), 0)
    version, mono = (head[1] >> 3) & 3, (head[3] >> 6) == 3
    side = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    body = b"Info" + struct.pack(">III", 0x3, frames, audio_bytes + length)
    if 4 + side + len(body) > length:
        raise NotMp3("frames too small for an Info frame")
    return bytes(head) + bytes(side) + body + bytes(length - 4 - side - len(body))


# --- ID3v2.3 -------------------------------------------------------------------------------------

def _text(value: str) -> bytes:
    try:
        return b"\x00" + value.encode("latin-1")
    except UnicodeEncodeError:  # Vietnamese: UTF-16 with a byte-order mark, as ID3v2.3 allows
        return b"\x01\xff\xfe" + value.encode("utf-16-le")


def _frame(frame_id: str, body: bytes) -> bytes:
    return frame_id.encode("ascii") + struct.pack(">I", len(body)) + b"\x00\x00" + body


def id3v23(title: str = "", artist: str = "", album: str = "", date: str = "", time: str = "",
           comment: str = "", extra: dict[str, str] | None = None) -> bytes:
    """An ID3v2.3 tag (the version most players and IP speakers read); date YYYY-MM-DD, time HH:MM."""
    frames = []
    for fid, value in (("TIT2", title), ("TPE1", artist), ("TALB", album)):
        if value:
            frames.append(_frame(fid, _text(value)))
    if date:
        y, m, d = date.split("-")
        frames.append(_frame("TYER", _text(y)))
        frames.append(_frame("TDAT", _text(d + m)))
    if time:
        frames.append(_frame("TIME", _text(time.replace(":", ""))))
    if comment:
        enc = _text(comment)
        term = b"\x00\x00" if enc[0] == 1 else b"\x00"
        bom = b"\xff\xfe" if enc[0] == 1 else b""
        frames.append(_frame("COMM", enc[:1] + b"vie" + bom + term + enc[1:]))
    for key, value in sorted((extra or {}).items()):
        enc_key, enc_val = _text(key), _text(value)
        if enc_key[0] != enc_val[0]:  # one encoding byte covers both strings
            enc_key, enc_val = (b"\x01\xff\xfe" + key.encode("utf-16-le"),
                                b"\x01\xff\xfe" + value.encode("utf-16-le"))
        term = b"\x00\x00" if enc_key[0] == 1 else b"\x00"
        frames.append(_frame("TXXX", enc_key + term + enc_val[1:]))
    body = b"".join(frames)
    size = len(body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + syncsafe + body
