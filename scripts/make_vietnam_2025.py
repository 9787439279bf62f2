"""Writes radio_sched/data/vietnam_divisions_2tier.csv; run with a venv holding vietnam-provinces==2025.10.1: /tmp/vp/bin/python scripts/make_vietnam_2025.py"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import vietnam_provinces
from vietnam_provinces import Province, Ward

VERSION = "2025.10.1"
OUT = Path(__file__).resolve().parents[1] / "radio_sched" / "data" / "vietnam_divisions_2tier.csv"
TYPES = {"xã", "phường", "đặc khu"}
EXPECTED = {"provinces": 34, "communes": 3321, "xã": 2621, "phường": 687, "đặc khu": 13}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def rows() -> list[tuple[int, str, int, str, str]]:
    provinces = {int(p.code): nfc(p.name) for p in Province.iter_all()}
    out = []
    for w in Ward.iter_all():
        kind = nfc(w.division_type.value)
        if kind not in TYPES:
            raise SystemExit(f"ward {int(w.code)}: unexpected type {kind!r}")
        pcode = int(w.province_code)
        out.append((pcode, provinces[pcode], int(w.code), nfc(w.name), kind))
    return sorted(out, key=lambda r: (r[0], r[2]))


def main() -> None:
    if vietnam_provinces.__version__ != VERSION:
        raise SystemExit(f"need vietnam-provinces=={VERSION}, found {vietnam_provinces.__version__}")
    data = rows()
    counts = Counter(r[4] for r in data)
    found = {"provinces": len({r[0] for r in data}), "communes": len(data), **counts}
    if found != EXPECTED or len({r[2] for r in data}) != len(data):
        raise SystemExit(f"unexpected counts (or duplicate codes): {found}, expected {EXPECTED}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["province_code", "province_name", "commune_code", "commune_name", "commune_type"])
    writer.writerows(data)
    OUT.write_text(buf.getvalue(), encoding="utf-8", newline="")
    print(f"wrote {OUT}: {found}", file=sys.stderr)


if __name__ == "__main__":
    main()
