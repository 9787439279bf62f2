"""Why an obligation of the audit is short (or what it lost and recovered), in both languages,
worked out only when someone reads it."""

from __future__ import annotations

from typing import Callable

from ..core.i18n import M, Msg
from ..scheduler.obligations import Obligation
from .outcomes import Outcome, months_of
from .readable import reason_words

MAX_REASONS = 3


class Reason:
    """Why an obligation is short, worked out when someone reads it: most rows of a year's audit
    are counted, never read."""

    __slots__ = ("_make", "_parts")

    def __init__(self, make: Callable[[], list[Msg]]):
        self._make, self._parts = make, None

    @property
    def parts(self) -> list[Msg]:
        if self._parts is None:
            self._parts = self._make()
        return self._parts

    @property
    def msg(self) -> Msg:
        return join(self.parts)

    def render(self, lang: str | None = None) -> str:
        return "; ".join(p.render(lang) for p in self.parts)

    def __str__(self) -> str:
        return self.render()

    def __eq__(self, other) -> bool:
        other = other.msg if isinstance(other, Reason) else other
        return isinstance(other, Msg) and all(self.render(x) == other.render(x) for x in ("en", "vi"))

    __hash__ = None  # type: ignore[assignment]


def reason(row: dict, ob: Obligation, mine: list[Outcome], stored: dict, any_report: bool,
            planned_months: set[str], titles: dict[str, str]) -> list[Msg]:
    """Why an obligation is short (or what it lost and recovered), in both languages: the parts
    of the sentence, joined by '; ' when read."""
    parts: list[Msg] = []
    if row.get("withdrawn") is not None:
        parts.append(M("withdrawn from {d}: no more airings are owed",
                       "đã rút khỏi lịch phát từ ngày {d}: không còn phải phát", d=row["withdrawn"]))
    short = row["aired"] < row["required"] and row.get("withdrawn") is None
    if row["soft"]:
        parts.append(M("a wish of the plan (soft rule), not an obligation",
                       "mong muốn của kế hoạch (quy tắc mềm), không bắt buộc"))
    if not row["due"]:
        parts.append(M("the window runs until {end}: not yet due", "còn hạn đến {end}: chưa đến hạn",
                       end=ob.end))
    if short and row["planned"] < row["required"]:
        sf = stored.get((ob.rule, ob.segment, ob.start.isoformat()))
        gaps = [m.label for m in months_of(ob.start, ob.end) if m.label not in planned_months]
        if sf is not None and sf.get("code"):
            # people read titles, kinds in words and dd/mm/yyyy, not ids and ISO dates
            words = reason_words(sf, rules={}, titles=titles)
            parts.append(M("not planned: {why_en}", "lịch không xếp được: {why_vi}",
                           why_en=words["en"], why_vi=words["vi"]))
        elif gaps and not mine:
            parts.append(M("no schedule was planned for {m}", "không có lịch phát cho {m}",
                           m=", ".join(gaps)))
        else:
            parts.append(M("the schedule planned {p} of {r}", "lịch chỉ xếp {p}/{r} lần phát",
                           p=row["planned"], r=row["required"]))
    if row["missed"]:
        why = sorted({o.reason for o in mine if o.status in ("missed", "partial", "off_air") and o.reason})
        parts.append(M("{n} missed, cut short or off the air ({why})",
                       "{n} lần không phát, phát không trọn hoặc ngừng phát ({why})",
                       n=row["missed"], why="; ".join(why[:MAX_REASONS]) or "-"))
    if row["made_good"]:
        parts.append(M("{n} made good by re-planning", "{n} lần phát bù nhờ lập lại lịch",
                       n=row["made_good"]))
    if short and row["unconfirmed"]:
        parts.append(M("{n} in sessions reported partial without item detail (not counted)",
                       "{n} lần thuộc buổi báo phát một phần không rõ từng tin (không tính)",
                       n=row["unconfirmed"]))
    if short and row["not_reported"]:
        if any_report:
            parts.append(M("{n} planned, not reported (not counted as aired)",
                           "{n} lần có trong lịch nhưng chưa báo cáo (không tính là đã phát)",
                           n=row["not_reported"]))
        else:
            parts.append(M("{n} planned, not reported: the station sent no as-run report (not "
                           "counted as aired)", "{n} lần có trong lịch nhưng chưa báo cáo: đài chưa "
                           "gửi báo cáo phát sóng nào (không tính là đã phát)", n=row["not_reported"]))
    return parts


def join(parts: list[Msg]) -> Msg:
    """Several messages as one, separated by '; ' (braces in rendered text are kept literal)."""
    if not parts:
        return M("", "")
    esc = lambda s: s.replace("{", "{{").replace("}", "}}")  # noqa: E731
    return M("; ".join(esc(p.render("en")) for p in parts), "; ".join(esc(p.render("vi")) for p in parts))
