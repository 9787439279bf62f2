"""Scopes name where a row applies: province, district:<code>, commune:<code>; the most specific wins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import M

LEVELS = ("province", "district", "commune")
SPECIFICITY = {"province": 0, "district": 1, "commune": 2}
_CODE = re.compile(r"^[0-9]{1,6}$")


class ScopeError(ValueError):
    """A scope string that does not parse; carries a bilingual message."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True, order=True)
class Scope:
    level: str
    code: str | None = None  # None only for the bare "province" (the whole province)

    def __str__(self) -> str:
        return self.level if self.code is None else f"{self.level}:{self.code}"

    @property
    def specificity(self) -> int:
        return SPECIFICITY[self.level]

    def covers(self, province: str | None, district: str | None, commune: str) -> bool:
        """Does this scope include the station of that commune?"""
        if self.level == "province":
            return self.code is None or self.code == province
        if self.level == "district":
            return district is not None and self.code == district
        return self.code == commune


PROVINCE = Scope("province")


def station_keys(station) -> list[tuple[str, str | None]]:
    """The (level, code) keys of every scope that covers a station, widest first: what to look up
    in an index of rows by scope to find the segments, off-air days or rules that apply to it."""
    return [("province", None), ("province", station.province_code),
            ("district", station.district_code), ("commune", station.code)]


def covering(index: dict, station) -> list:
    """The rows of an index {(level, code): [rows]} whose scope covers the station."""
    return [row for key in station_keys(station) for row in index.get(key, ())]

_LEVEL_NAMES = {"province": ("province", "tỉnh"), "district": ("district", "huyện"),
                "commune": ("commune", "xã")}


def level_name(level: str) -> M:
    """The level as a user reads it (tỉnh, huyện, xã)."""
    en, vi = _LEVEL_NAMES.get(level, (level, level))
    return M(en, vi)


def parse_scope(text: str) -> Scope:
    """Parse 'province', 'province:42', 'district:436' or 'commune:18073' (codes without zero padding)."""
    raw = (text or "").strip()
    level, sep, code = raw.partition(":")
    level = level.strip().lower()
    code = code.strip()
    if level not in LEVELS:
        raise ScopeError(M(
            "'{raw}' is not a scope; expected province, district:<code> or commune:<code>",
            "'{raw}' không phải phạm vi hợp lệ; cần province, district:<mã> hoặc commune:<mã>", raw=raw))
    if not sep:
        if level != "province":
            raise ScopeError(M("scope '{raw}' needs a code, as in {level}:<code>",
                               "phạm vi '{raw}' cần có mã, ví dụ {level}:<mã>", raw=raw, level=level))
        return PROVINCE
    if not _CODE.match(code):
        raise ScopeError(M("'{code}' in scope '{raw}' is not a statistics office code (digits)",
                           "'{code}' trong phạm vi '{raw}' không phải mã thống kê (chữ số)",
                           code=code, raw=raw))
    return Scope(level, str(int(code)))


def normalize_code(code: str) -> str:
    """GSO codes are written with or without leading zeros; store them without."""
    code = code.strip()
    return str(int(code)) if code.isdigit() else code
