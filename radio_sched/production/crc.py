"""CRC-32 arithmetic for zips made of shared files: two CRCs combined, a file range's CRC read once."""

from __future__ import annotations

import os
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..core.files import CHUNK

_POLY = 0xEDB88320  # CRC-32 (reflected), as zlib's crc32_combine (Python's zlib lacks it)
_CRCS: dict[tuple, int] = {}  # (path, offset, length, size, mtime) -> CRC-32 of that range


def file_range(path: Path, offset: int, length: int) -> Iterator[bytes]:
    """Bytes [offset, offset+length) of a file, in blocks; OSError if it is shorter."""
    with open(path, "rb") as f:
        f.seek(offset)
        left = length
        while left > 0:
            block = f.read(min(CHUNK, left))
            if not block:
                raise OSError(f"{path} is shorter than the {offset + length} bytes its layout needs")
            left -= len(block)
            yield block


def range_crc32(path: Path, offset: int, length: int) -> int:
    """The CRC-32 of bytes [offset, offset+length) of a file, read once per process and file
    version (a session file is shared by many stations' zips)."""
    st = os.stat(path)
    key = (str(path), offset, length, st.st_size, st.st_mtime_ns)
    if key not in _CRCS:
        if len(_CRCS) > 100_000:
            _CRCS.clear()
        crc = 0
        for block in file_range(path, offset, length):
            crc = zlib.crc32(block, crc)
        _CRCS[key] = crc
    return _CRCS[key]


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


@lru_cache(maxsize=1 << 16)
def _shift(len2: int) -> int:
    """x^(8 len2) mod p: what moves a CRC past len2 bytes (a session's length recurs at stations)."""
    p, k, n = 1 << 31, 3, len2
    while n:
        if n & 1:
            p = _multmodp(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return p


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A+B from crc32(A), crc32(B) and len(B), without reading either."""
    return _multmodp(_shift(len2), crc1) ^ crc2
