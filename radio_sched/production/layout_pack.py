"""Zip layouts kept to a few KB: each member's own bytes deflated against a fixed sample of its kind.

A layout lists the zip's pieces in order: the zip's own bytes (a member's local header and its head
or text, the central directory) and byte ranges of cached files. Stations' bundles of a month differ
in little (names, dates, checksums), so the own bytes of each kind (every session's tag together,
each month file alone) are deflated as one stream with a preset dictionary: the same member of a
real bundle (data/layout_dict_1.json). A layout names its dictionary, and a
dictionary is never changed once layouts name it (a new one gets a new name), so every layout kept
reads back to the same bytes. Layouts of format 1 (one deflate per run, base64) are still read.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from functools import lru_cache
from pathlib import Path

from ..core.config import DATA_DIR

FORMAT = "radio-sched.zip-layout/2"
FORMAT_V1 = "radio-sched.zip-layout/1"
DICTIONARY = "1"  # the dictionary new layouts use
WINDOW = 32768  # deflate reaches back this far: a dictionary's useful part
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}/")  # a session's own files: <date>/<stem>.<ext>


def kind_of(member: str) -> str:
    """Which sample a member's bytes are deflated against: a session's own file by its extension,
    a month's file by its name (its top folder and the month dropped)."""
    inner = member.split("/", 1)[-1]
    if _DATED.match(inner):
        return "session" + Path(inner).suffix
    return re.sub(r"\d{4}-\d{2}", "MONTH", inner)


@lru_cache(maxsize=None)
def dictionary(name: str) -> dict[str, bytes]:
    """The samples of dictionary `name`, by kind (KeyError for an unknown name)."""
    path = DATA_DIR / f"layout_dict_{name}.json"
    if not path.is_file():
        raise KeyError(name)
    raw = json.loads(path.read_text("utf-8"))
    return {k: base64.b85decode(v) for k, v in raw["samples"].items()}


def _deflate(data: bytes, zdict: bytes | None) -> str:
    c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, **({"zdict": zdict} if zdict else {}))
    return base64.b85encode(c.compress(data) + c.flush()).decode("ascii")


def _inflate(text: str, zdict: bytes | None) -> bytes:
    d = zlib.decompressobj(-15, **({"zdict": zdict} if zdict else {}))
    return d.decompress(base64.b85decode(text)) + d.flush()


def pack(pieces: list, size: int, sha256: str) -> dict:
    """The layout of a zip from its pieces in order: (kind, bytes) for its own bytes, (relative
    path, offset, length) for a range of a cached file."""
    samples = dictionary(DICTIONARY)
    files: dict[str, int] = {}
    streams: dict[str, list[bytes]] = {}  # the pieces of a kind deflated together: they are alike
    out: list = []
    for p in pieces:
        if len(p) == 2:
            kind, data = p
            streams.setdefault(kind, []).append(data)
            out.append([kind, len(data)])
        else:
            rel, offset, length = p
            out.append([files.setdefault(rel, len(files)), offset, length])
    return {"format": FORMAT, "size": size, "sha256": sha256, "dict": DICTIONARY,
            "files": list(files), "pieces": out,
            "z": {k: _deflate(b"".join(v), samples.get(k)) for k, v in streams.items()}}


def unpack(layout: dict) -> list:
    """The pieces of a layout (either format): bytes, or (relative path, offset, length)."""
    if layout.get("format") == FORMAT_V1:
        return [zlib.decompress(base64.b64decode(p["z"])) if "z" in p else
                (p["file"], int(p["offset"]), int(p["length"])) for p in layout["pieces"]]
    samples = dictionary(str(layout["dict"]))
    files = layout["files"]
    streams = {k: _inflate(v, samples.get(k)) for k, v in layout["z"].items()}
    at = dict.fromkeys(streams, 0)
    out: list = []
    for p in layout["pieces"]:
        if isinstance(p[0], str):
            kind, n = p[0], int(p[1])
            out.append(streams[kind][at[kind]:at[kind] + n])
            at[kind] += n
        else:
            out.append((files[p[0]], int(p[1]), int(p[2])))
    return out


def make_dictionary(samples: dict[str, bytes]) -> str:
    """A dictionary file's text from a sample of each kind (the end of each, where deflate reaches)."""
    return json.dumps({"samples": {k: base64.b85encode(v[-WINDOW:]).decode("ascii")
                                   for k, v in sorted(samples.items())}}, indent=0) + "\n"
