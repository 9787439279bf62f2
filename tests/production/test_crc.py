"""A member's CRC-32 is combined from its tag's and its cached audio's: the same as zlib's of both."""

from __future__ import annotations

import random
import zlib

from radio_sched.production.crc import crc32_combine, range_crc32


def test_combined_crc_is_the_crc_of_the_joined_bytes():
    rnd = random.Random(7)
    for n in (0, 1, 2, 3, 255, 4096, 1 << 20, 1234567):
        a, b = rnd.randbytes(rnd.randrange(0, 400)), rnd.randbytes(n)
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_a_file_range_is_read_again_once_the_file_changes(tmp_path):
    f = tmp_path / "s.mp3"
    f.write_bytes(b"x" * 5000)
    assert range_crc32(f, 10, 4000) == zlib.crc32(b"x" * 4000)
    f.write_bytes(b"y" * 6000)  # a new size (and time): not the cached value
    assert range_crc32(f, 10, 4000) == zlib.crc32(b"y" * 4000)
