"""The demo's two stories as data: which preset, month, planner, storm, producers and accounts.

ha-tinh-2024 is the three-tier province (12 districts plan, a storm warning in Kỳ Anh early in
March). ha-tinh-2025 is the two-tier province of today (the province plans its 69 communes; Typhoon
Bualoi, bão số 10, at the end of September 2025). docs/demo.md says which details are facts of the
public record and which are the demo's assumptions.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Sequence

from sqlalchemy.orm import Session

from ..core.errors import UserError
from ..core.i18n import M, Msg
from ..core.periods import Period
from ..reference.divisions import DATA, load_divisions
from ..reference.plan_rules import load_rules
from ..reference.presets import PRESETS, apply_preset
from ..reference.session_templates import add_default_sessions


@dataclasses.dataclass(frozen=True)
class Storm:
    """The month's storm as the planner records it: who goes off the air, when, and why."""

    reason: str  # the blackouts' reason (stored, Vietnamese)
    district: str | None = None  # three-tier: the district it hits (a run on districts: the first)
    spared: frozenset[str] = frozenset()  # two-tier: it hits every commune but these
    days: tuple[int, int] | None = None  # fixed days of the month (0: its last day); None: chosen
    length: int = 3  # days, when chosen where the first version has the most sessions
    after_reason: str = ""  # sessions lost on the two days after it (power still out)
    before_reports: bool = True  # warned before the first half is reported (else after the re-plan)
    warned: int = 0  # the re-plan starts this many days before the first day off the air


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One demo story on one preset."""

    preset: str
    default_month: str
    months: tuple[str, ...] | None  # the months it tells (None: any month of `year`)
    year: int
    two_tier: bool  # the province plans its communes (no district level)
    department: str  # who produces the provincial program and issues the reports
    department_user: str  # the Department's demo account, also the program's slug prefix
    storm: Storm
    wrong_month: Msg

    @property
    def divisions(self) -> str:
        return PRESETS[self.preset].divisions


# Typhoon Bualoi: 52 of the 69 communes without power. Which ones is not in the record we have:
# the demo spares the 17 upland communes of the west (docs/demo.md names them).
BUALOI_SPARED = frozenset({
    "18163", "18184", "18160", "18202", "18223", "18196", "18199",  # former Hương Sơn district
    "18313", "18322", "18328",  # former Vũ Quang district
    "18496", "18532", "18550", "18502", "18523", "18547", "18544",  # former Hương Khê district
})

SCENARIOS = {s.preset: s for s in [
    Scenario(
        "ha-tinh-2024", "2024-03", None, 2024, False, "Sở Thông tin và Truyền thông", "so-tttt",
        Storm("Cảnh báo giông lốc, ngừng phát để bảo đảm an toàn", district="447",
              after_reason="Mất điện kéo dài sau giông lốc"),
        M("the demo runs on the preset ha-tinh-2024 and its 2024 plan: choose a month of 2024, "
          "e.g. 2024-03", "bản chạy mẫu dùng bộ mẫu ha-tinh-2024 với kế hoạch năm 2024: hãy chọn "
          "một tháng của năm 2024, ví dụ 2024-03")),
    Scenario(
        "ha-tinh-2025", "2025-09", ("2025-09",), 2025, True, "Sở Khoa học và Công nghệ", "so-khcn",
        Storm("Bão số 10 (Bualoi): mất điện, ngừng phát", spared=BUALOI_SPARED, days=(28, 0),
              before_reports=False),
        M("the preset ha-tinh-2025 tells September 2025 (Typhoon Bualoi): choose 2025-09",
          "bộ mẫu ha-tinh-2025 kể tháng 9/2025 (bão số 10 Bualoi): hãy chọn 2025-09")),
]}
DEFAULT = SCENARIOS["ha-tinh-2024"]


def scenario(preset: str) -> Scenario:
    """The story of a preset, or a UserError naming the presets the demo knows."""
    if preset not in SCENARIOS:
        raise UserError(M("the demo has no story for the preset '{p}'; it knows {known}",
                          "bản chạy mẫu không có kịch bản cho bộ mẫu '{p}'; hiện có: {known}",
                          p=preset, known=", ".join(SCENARIOS)))
    return SCENARIOS[preset]


def check_month(sc: Scenario, period: Period) -> None:
    """A UserError when the scenario does not tell that month."""
    ok = period.label in sc.months if sc.months else period.start.year == sc.year
    if not ok or period.end > PRESETS[sc.preset].valid_until \
            or period.start < PRESETS[sc.preset].valid_from:
        raise UserError(sc.wrong_month)


def storm_days(storm: Storm, period: Period) -> list[dt.date] | None:
    """The storm's fixed days in the month, or None when the story chooses them."""
    if storm.days is None:
        return None
    first, last = (period.start.replace(day=d) if d else period.end for d in storm.days)
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def preset_districts(sc: Scenario) -> dict[str, str]:
    """{code: name} of the preset's districts, read from its file (before any database exists);
    empty for a two-tier preset."""
    with open(DATA / sc.divisions, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["district_code"]: r["district_name"] for r in rows if r.get("district_code")}


def preset_communes(sc: Scenario) -> dict[str, str]:
    """{code: name} of the preset's communes, read from its file."""
    with open(DATA / sc.divisions, encoding="utf-8", newline="") as f:
        return {r["commune_code"]: r["commune_name"] for r in csv.DictReader(f)}


def load_preset(s: Session, sc: Scenario, communes: Sequence[str] = ()) -> None:
    """The preset in the database; with `communes` (codes), only those communes (a reduced province
    for tests and quick looks: the rest of the story is unchanged)."""
    if not communes:
        apply_preset(s, sc.preset)
        return
    preset = PRESETS[sc.preset]
    text = (DATA / sc.divisions).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(r for r in rows if r["commune_code"] in set(communes))
    load_divisions(s, out.getvalue().encode("utf-8"), name=Path(sc.divisions).name,
                   valid_from=preset.valid_from, valid_until=preset.valid_until,
                   source=f"preset:{sc.preset}")
    add_default_sessions(s, preset.sessions)
    for r in preset.rules:
        load_rules(s, DATA / r)
