"""Small helpers for tests: files written in the shapes users send them."""

from __future__ import annotations

from pathlib import Path


def write(path: Path, text: str, *, bom: bool = False, crlf: bool = False, encoding: str = "utf-8") -> Path:
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


TINY_DIVISIONS = """province_code,province_name,district_code,district_name,district_type,commune_code,commune_name,commune_type
42,Tỉnh Hà Tĩnh,436,Thành phố Hà Tĩnh,thành phố,18073,Phường Nam Hà,phường
42,Tỉnh Hà Tĩnh,436,Thành phố Hà Tĩnh,thành phố,18077,Phường Bắc Hà,phường
42,Tỉnh Hà Tĩnh,440,Huyện Hương Sơn,huyện,18202,Xã Sơn Hồng,xã
42,Tỉnh Hà Tĩnh,440,Huyện Hương Sơn,huyện,18205,Xã Tân Lập,xã
42,Tỉnh Hà Tĩnh,441,Huyện Đức Thọ,huyện,18301,Xã Tân Lập,xã
"""
