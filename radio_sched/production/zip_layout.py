"""Zips assembled on demand: a stored zip's exact layout (headers, blobs, byte ranges of cached files,
CRC-32s, central directory, size, sha256) kept as a small sidecar, and a seekable reader over it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..core.files import write_atomic
from .crc import crc32_combine, file_range, range_crc32
from .layout_pack import FORMAT, FORMAT_V1, kind_of, pack, unpack

SUFFIX = ".layout.json"
LIMIT = 0xFFFFFFFF  # no zip64: a station's month is far below 4 GiB (the country's largest: ~0.2 GB)
MAX_MEMBERS = 0xFFFE  # a zip without zip64 counts its members in 16 bits


class TooLarge(ValueError):
    """A zip that would need zip64 (over 4 GiB or 65,535 members), which bundles do not use."""

    def __init__(self, size: int, count: int):
        super().__init__(f"a zip of {size} bytes and {count} files needs zip64")
        self.size, self.count = size, count


def check_fits(size: int, count: int) -> None:
    """TooLarge unless `count` members totalling `size` bytes fit a zip without zip64."""
    if size > LIMIT or count > MAX_MEMBERS:
        raise TooLarge(size, count)


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
            yield from file_range(self.file, self.offset, self.length)


def layout_path(zip_path: Path | str) -> Path:
    """Where the layout of the zip named `zip_path` is kept (the zip itself is never written)."""
    p = Path(zip_path)
    return p.with_name(p.name.removesuffix(".zip") + SUFFIX)


def _dos(when: dt.date) -> tuple[int, int]:
    return 0, ((when.year - 1980) << 9) | (when.month << 5) | when.day


_HASHERS: dict[int, ThreadPoolExecutor] = {}  # by process: a forked child starts its own thread


def _hasher() -> ThreadPoolExecutor:
    pid = os.getpid()
    if pid not in _HASHERS:
        _HASHERS[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zip-sha256")
    return _HASHERS[pid]


def build(path: Path | str, members: Iterable[Member], when: dt.date,
          hashes: dict[str, str] | None = None) -> dict:
    """Compute the zip of `members` (stored, in order, timestamps `when`) and keep its layout next
    to `path`, atomically. Each member's sha256 goes into `hashes` by name as soon as it is known
    (a later member may be made from them). Returns the layout.

    One pass over the bytes: a member's CRC-32 is its head's combined with its file range's (known
    once per file and process), so its local header is known before its bytes, which feed the
    member's sha256 and the zip's at once, each on its own core."""
    tm, dd = _dos(when)
    pieces: list = []  # (kind, bytes) or (relative path, offset, length)
    central, offset, count = [], 0, 0
    hashes = {} if hashes is None else hashes
    whole = hashlib.sha256()

    def own(kind: str, *data: bytes) -> None:
        for d in data:
            whole.update(d)
        pieces.append((kind, b"".join(data)))

    base = Path(path).parent
    base.mkdir(parents=True, exist_ok=True)
    for m in members:
        count += 1
        name = m.name.encode("utf-8")
        check_fits(offset + 30 + len(name) + m.size, count)  # before a byte of it is read
        crc = zlib.crc32(m.head)
        if m.file is not None:
            crc = crc32_combine(crc, range_crc32(m.file, m.offset, m.length), m.length)
        flags = 0 if name.isascii() else 0x800
        fixed = (20, flags, 0, tm, dd, crc, m.size, m.size, len(name))
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fixed, 0) + name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, *fixed, 0, 0,
                                   0, 0, 0o644 << 16, offset) + name)
        h, blocks = hashlib.sha256(), m.chunks()
        head = next(blocks)
        h.update(head)
        own(kind_of(m.name), local, head)
        hasher = _hasher()
        for block in blocks:  # the two digests on two cores (hashlib lets the GIL go)
            pending = hasher.submit(whole.update, block)
            h.update(block)
            pending.result()
        if m.file is not None:
            pieces.append((os.path.relpath(m.file, base), m.offset, m.length))
        hashes[m.name] = h.hexdigest()
        offset += len(local) + m.size
    cd = b"".join(central)
    check_fits(offset + len(cd) + 22, count)
    own("central", cd, struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(cd), offset, 0))
    layout = pack(pieces, offset + len(cd) + 22, whole.hexdigest())
    write_atomic(layout_path(path), json.dumps(layout, separators=(",", ":")) + "\n")
    return layout


@dataclass(frozen=True)
class _Piece:
    start: int
    data: bytes | None
    file: Path | None
    offset: int
    length: int


def _resolve(layout: dict, base: Path) -> list[_Piece]:
    out, at = [], 0
    for p in unpack(layout):
        if isinstance(p, bytes):
            out.append(_Piece(at, p, None, 0, len(p)))
        else:
            out.append(_Piece(at, None, base / p[0], int(p[1]), int(p[2])))
        at += out[-1].length
    if at != layout["size"]:
        raise ValueError("the layout's pieces do not add up to its size")
    return out


def _chunks(pieces: list[_Piece]) -> Iterator[bytes]:
    for p in pieces:
        if p.data is not None:
            yield p.data
        else:
            yield from file_range(p.file, p.offset, p.length)


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
    return layout if isinstance(layout, dict) and layout.get("format") in (FORMAT, FORMAT_V1) else None


def files_of(layout: dict, base: Path) -> list[tuple[Path, int]]:
    """The cached files a layout reads, with the least size each must have (format 2: read from
    its list, nothing inflated)."""
    if layout.get("format") != FORMAT:
        return [(p.file, p.offset + p.length) for p in _resolve(layout, base) if p.file is not None]
    least: dict[str, int] = {}
    for p in layout["pieces"]:
        if not isinstance(p[0], str):
            rel = layout["files"][p[0]]
            least[rel] = max(least.get(rel, 0), int(p[1]) + int(p[2]))
    return [(base / rel, n) for rel, n in least.items()]


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
