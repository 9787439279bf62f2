"""Presets: a province's divisions, default sessions and plan rules, loaded by 'radio-sched init'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from .divisions import DATA, LoadResult, load_divisions
from ..core.errors import UserError
from ..core.i18n import M
from ..core.models import BEGINNING, END_OF_TIME
from .plan_rules import load_rules
from .session_templates import add_default_sessions

REORGANISATION = dt.date(2025, 7, 1)  # Vietnam's two-tier local government took effect

DEFAULT_SESSIONS = [
    {"scope": "province", "session": "sáng", "start": "05:30", "weekdays": "daily", "capacity_s": 600},
    {"scope": "province", "session": "chiều", "start": "17:00", "weekdays": "daily", "capacity_s": 600},
]


@dataclass(frozen=True)
class Preset:
    name: str
    divisions: str
    valid_from: dt.date
    valid_until: dt.date
    rules: tuple[str, ...]
    description: str
    sessions: list[dict] = field(default_factory=lambda: DEFAULT_SESSIONS)


PRESETS = {
    p.name: p for p in [
        Preset("ha-tinh-2024", "ha_tinh_divisions_3tier.csv", BEGINNING,
               REORGANISATION - dt.timedelta(days=1), ("ha_tinh_2024_rules.toml",),
               "Hà Tĩnh before July 2025: 12 districts, 210 communes; the 2024 CCHC plan"),
        Preset("ha-tinh-2025", "ha_tinh_divisions_2tier.csv", REORGANISATION, END_OF_TIME,
               ("ha_tinh_2025_rules.toml",),
               "Hà Tĩnh from July 2025: 69 communes, no district level; the plan carried into 2025"),
        Preset("vietnam-2024", "vietnam_divisions_3tier.csv", BEGINNING,
               REORGANISATION - dt.timedelta(days=1), ("ha_tinh_2024_rules.toml",),
               "the whole country before July 2025 (10,051 communes), for scale tests"),
        Preset("vietnam-2025", "vietnam_divisions_2tier.csv", REORGANISATION, END_OF_TIME,
               ("ha_tinh_2025_rules.toml",),
               "the whole country from July 2025 (34 provinces, 3,321 communes), no district level; "
               "for scale tests"),
    ]
}


@dataclass(frozen=True)
class PresetResult:
    divisions: LoadResult
    sessions_added: int
    plans_loaded: int


def apply_preset(session: Session, name: str) -> PresetResult:
    """Load a preset's divisions, sessions and rules into the database (idempotent)."""
    preset = PRESETS.get(name)
    if preset is None:
        raise UserError(M("unknown preset '{name}'; known presets: {known}",
                          "không có bộ dữ liệu mẫu '{name}'; hiện có: {known}",
                          name=name, known=", ".join(PRESETS)))
    loaded = load_divisions(session, DATA / preset.divisions, valid_from=preset.valid_from,
                            valid_until=preset.valid_until, source=f"preset:{name}")
    sessions_added = add_default_sessions(session, preset.sessions)
    plans = sum(load_rules(session, DATA / r)[1] for r in preset.rules)
    return PresetResult(loaded, sessions_added, plans)

