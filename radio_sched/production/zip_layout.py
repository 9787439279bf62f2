"""Zips assembled on demand: a stored zip's exact layout (headers, blobs, byte ranges of cached files,
CRC-32s, central directory, size, sha256) kept as a small sidecar, and a seekable reader over it."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..core.files import CHUNK, write_atomic

FORMAT = "radio-sched.zip-layout/1"
SUFFIX = ".layout.json"
LIMIT = 0xFFFFFFFF  # no zip64: a station's month is far below 4 GB


@dataclass(frozen=True)
class Member:
    """A member of the zip: its bytes are `head` followed by the range [offset, offset+length) of
    `file` (none for a text file)."""

    name: str
    head: bytes
    file: Path | None = None
    offset: int = 0
    length: int = 0

    @property
    def size(self) -> int:
        return len(self.head) + self.length

    def chunks(self) -> Iterator[bytes]:
        yield self.head
        if self.file is not None:
            yield from _file_range(self.file, self.offset, self.length)


def _file_range(path: Path, offset: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as f:
        f.seek(offset)
        left = length
        while left > 0:
            block = f.read(min(CHUNK, left))
            if not block:
                raise OSError(f"{path} is shorter than the {offset + length} bytes its layout needs")
            left -= len(block)
            yield block


def layout_path(zip_path: Path | str) -> Path:
    """Where the layout of the zip named `zip_path` is kept (the zip itself is never written)."""
    p = Path(zip_path)
    return p.with_name(p.name.removesuffix(".zip") + SUFFIX)


def _dos(when: dt.date) -> tuple[int, int]:
    return 0, ((when.year - 1980) << 9) | (when.month << 5) | when.day


def build(path: Path | str, members: Iterable[Member], when: dt.date,
          hashes: dict[str, str] | None = None) -> dict:
    """Compute the zip of `members` (stored, in order, timestamps `when`) and keep its layout next
    to `path`, atomically. Each member's sha256 goes into `hashes` by name as soon as it is known
    (a later member may be made from them). Returns the layout.

    One pass over the bytes: a member's CRC-32 is its head's combined with its file range's (known
    once per file and process), so its local header is known before its bytes, which feed the
    member's sha256 and the zip's at once."""
    tm, dd = _dos(when)
    pieces: list[dict] = []
    central, offset, count = [], 0, 0
    hashes = {} if hashes is None else hashes
    whole = hashlib.sha256()

    def blob(data: bytes) -> None:
        whole.update(data)
        if pieces and "_raw" in pieces[-1]:
            pieces[-1]["_raw"] += data
        else:
            pieces.append({"_raw": data})

    base = Path(path).parent
    base.mkdir(parents=True, exist_ok=True)
    for m in members:
        count += 1
        crc = zlib.crc32(m.head)
        if m.file is not None:
            crc = crc32_combine(crc, range_crc32(m.file, m.offset, m.length), m.length)
        name = m.name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        fixed = (20, flags, 0, tm, dd, crc, m.size, m.size, len(name))
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fixed, 0) + name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, *fixed, 0, 0,
                                   0, 0, 0o644 << 16, offset) + name)
        blob(local)
        h, first = hashlib.sha256(), True
        for block in m.chunks():
            h.update(block)
            if first:  # the head
                blob(block)
                first = False
            else:
                whole.update(block)
        if m.file is not None:
            pieces.append({"file": os.path.relpath(m.file, base), "offset": m.offset,
                           "length": m.length})
        hashes[m.name] = h.hexdigest()
        offset += len(local) + m.size
    cd = b"".join(central)
    if offset + len(cd) > LIMIT or count >= 0xFFFF:
        raise ValueError(f"{path}: a zip of {offset} bytes and {count} files needs zip64")
    blob(cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(cd),
                          offset, 0))
    for p in pieces:  # headers and text kept deflated: a layout is a few KB a station
        if "_raw" in p:
            p["z"] = base64.b64encode(zlib.compress(p.pop("_raw"), 9)).decode("ascii")
    layout = {"format": FORMAT, "size": offset + len(cd) + 22, "sha256": whole.hexdigest(),
              "pieces": pieces}
    write_atomic(layout_path(path), json.dumps(layout, separators=(",", ":")) + "\n")
    return layout


_CRCS: dict[tuple, int] = {}  # (path, offset, length, size, mtime) -> CRC-32 of that range


def range_crc32(path: Path, offset: int, length: int) -> int:
    """The CRC-32 of bytes [offset, offset+length) of a file, read once per process and file
    version (a session file is shared by many stations' zips)."""
    st = os.stat(path)
    key = (str(path), offset, length, st.st_size, st.st_mtime_ns)
    if key not in _CRCS:
        if len(_CRCS) > 100_000:
            _CRCS.clear()
        crc = 0
        for block in _file_range(path, offset, length):
            crc = zlib.crc32(block, crc)
        _CRCS[key] = crc
    return _CRCS[key]


_POLY = 0xEDB88320  # CRC-32 (reflected), as zlib's crc32_combine (Python's zlib lacks it)


def _multmodp(a: int, b: int) -> int:
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if a & (m - 1) == 0:
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


_X2N = [1 << 30]  # x^(2^k) mod p, k = 0..31
for _ in range(31):
    _X2N.append(_multmodp(_X2N[-1], _X2N[-1]))


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A+B from crc32(A), crc32(B) and len(B), without reading either."""
    p, k, n = 1 << 31, 3, len2
    while n:
        if n & 1:
            p = _multmodp(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return _multmodp(p, crc1) ^ crc2


@dataclass(frozen=True)
class _Piece:
    start: int
    data: bytes | None
    file: Path | None
    offset: int
    length: int


def _resolve(layout: dict, base: Path) -> list[_Piece]:
    out, at = [], 0
    for p in layout["pieces"]:
        if "z" in p:
            data = zlib.decompress(base64.b64decode(p["z"]))
            out.append(_Piece(at, data, None, 0, len(data)))
        else:
            out.append(_Piece(at, None, base / p["file"], int(p["offset"]), int(p["length"])))
        at += out[-1].length
    if at != layout["size"]:
        raise ValueError("the layout's pieces do not add up to its size")
    return out


def _chunks(pieces: list[_Piece]) -> Iterator[bytes]:
    for p in pieces:
        if p.data is not None:
            yield p.data
        else:
            yield from _file_range(p.file, p.offset, p.length)


class ZipReader(io.RawIOBase):
    """The assembled zip as a read-only, seekable file: nothing is hashed or copied to disk."""

    def __init__(self, layout: dict, base: Path):
        self.size: int = layout["size"]
        self.sha256: str = layout["sha256"]
        self._pieces = _resolve(layout, base)
        self._pos = 0
        self._open: dict[Path, io.BufferedReader] = {}

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self.size:
            p = self._piece(self._pos)
            inside = self._pos - p.start
            n = min(len(view) - done, p.length - inside)
            if p.data is not None:
                view[done:done + n] = p.data[inside:inside + n]
            else:
                f = self._file(p.file)
                f.seek(p.offset + inside)
                got = f.readinto(view[done:done + n])
                if not got:
                    raise OSError(f"{p.file} is shorter than its layout says")
                n = got
            done += n
            self._pos += n
        return done

    def _piece(self, pos: int) -> _Piece:
        lo, hi = 0, len(self._pieces) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._pieces[mid].start <= pos:
                lo = mid
            else:
                hi = mid - 1
        return self._pieces[lo]

    def _file(self, path: Path) -> io.BufferedReader:
        if path not in self._open:
            self._open[path] = open(path, "rb")
        return self._open[path]

    def close(self) -> None:
        for f in self._open.values():
            f.close()
        self._open.clear()
        super().close()


def load(zip_path: Path | str) -> dict | None:
    """The layout kept for the zip named `zip_path`, or None if it is missing or unreadable."""
    try:
        layout = json.loads(layout_path(zip_path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return layout if isinstance(layout, dict) and layout.get("format") == FORMAT else None


def files_of(layout: dict, base: Path) -> list[tuple[Path, int]]:
    """The cached files a layout reads, with the least size each must have."""
    return [(p.file, p.offset + p.length) for p in _resolve(layout, base) if p.file is not None]


def open_zip(zip_path: Path | str) -> ZipReader:
    """A reader over the zip named `zip_path`; FileNotFoundError if its layout or a file it reads
    is missing or too short (a cache file replaced behind its back)."""
    layout = load(zip_path)
    if layout is None:
        raise FileNotFoundError(str(layout_path(zip_path)))
    base = Path(zip_path).parent
    for path, least in files_of(layout, base):
        if path.stat().st_size < least:
            raise FileNotFoundError(f"{path} is shorter than the layout of {zip_path} needs")
    return ZipReader(layout, base)
