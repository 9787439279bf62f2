"""The text of each page of a PDF that Chromium printed (Skia: Type0 fonts with ToUnicode maps), for
tests that print the bundle's sheets; poppler is not installed here, and this reads only what Skia writes."""

from __future__ import annotations

import re
import zlib
from pathlib import Path


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}


def _stream(body: bytes) -> bytes:
    m = re.search(rb"stream\r?\n(.*)endstream", body, re.S)
    if not m:
        return b""
    raw = m.group(1)
    if b"/FlateDecode" in body[:m.start()]:
        return zlib.decompressobj().decompress(raw)
    return raw


def _cmap(text: bytes) -> dict[int, str]:
    out = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for a, b in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(a, 16)] = bytes.fromhex(b.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, c in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            lo, hi, first = int(a, 16), int(b, 16), int.from_bytes(bytes.fromhex(c.decode()), "big")
            out.update({k: chr(first + k - lo) for k in range(lo, hi + 1)})
    return out


def pages(path: Path | str) -> list[str]:
    """Each page's text in drawing order; every positioning operator becomes one space."""
    objs = _objects(Path(path).read_bytes())
    maps = {n: _cmap(_stream(objs[int(m.group(1))])) for n, body in objs.items()
            if (m := re.search(rb"/ToUnicode (\d+) 0 R", body))}
    out = []
    for _, body in sorted(objs.items()):
        if not re.search(rb"/Type\s*/Page\b(?!s)", body):
            continue
        res = body
        if (r := re.search(rb"/Resources (\d+) 0 R", body)):
            res = objs[int(r.group(1))]
        fonts = {}
        if (fd := re.search(rb"/Font\s*<<(.*?)>>", res, re.S)):
            fonts = {name: maps.get(int(num), {})
                     for name, num in re.findall(rb"/(\w+) (\d+) 0 R", fd.group(1))}
        contents = re.search(rb"/Contents (\d+) 0 R", body)
        ops = _stream(objs[int(contents.group(1))]) if contents else b""
        text, font = [], {}
        for tok in re.finditer(rb"/(\w+) [\d.]+ Tf|<([0-9A-Fa-f]*)>|(T\*|Td|TD|Tm|ET)", ops):
            if tok.group(1):
                font = fonts.get(tok.group(1), {})
            elif tok.group(2) is not None:
                h = tok.group(2)
                text.append("".join(font.get(int(h[i:i + 4], 16), "?") for i in range(0, len(h), 4)))
            else:
                text.append(" ")
        out.append(re.sub(r"\s+", " ", "".join(text)))
    return out
