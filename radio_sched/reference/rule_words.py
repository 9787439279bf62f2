"""The plan's rules in the words of the plan: what kind of content, who airs it, how often."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.i18n import M, Msg, get_lang
from ..scheduler.plan import (
    ANY_KIND, BULLETIN_KIND, JINGLE_KIND, PRIORITY_KIND, URGENT_KIND, PlanRules, Quota, Rule
)

# The kinds the Hà Tĩnh plan uses (shared/DESIGN.md); kinds are open, an unknown one shows as is.
KIND_NAMES = {
    "provincial_program": M("the province's thematic CCHC programme",
                            "Chương trình chuyên đề CCHC của tỉnh"),
    "provincial_report": M("CCHC reports of the provincial radio-TV station",
                           "Phóng sự CCHC của Đài Phát thanh - Truyền hình tỉnh"),
    "district_episode": M("the district's CCHC episode", "Chuyên mục CCHC của huyện"),
    "model_citizen": M("'model citizen, good deeds in CCHC' item",
                       "Tin gương điển hình, việc tốt trong CCHC"),
    "service_guide": M("notice guiding people to public services",
                       "Thông báo hướng dẫn sử dụng dịch vụ công"),
    "home_affairs": M("content from the Department of Home Affairs", "Nội dung của Sở Nội vụ"),
    JINGLE_KIND: M("the column's signature tune", "Nhạc hiệu chuyên mục"),
    URGENT_KIND: M("urgent bulletin", "Bản tin khẩn"),
    PRIORITY_KIND: M("priority bulletin", "Bản tin ưu tiên"),
    BULLETIN_KIND: M("bulletin", "Bản tin thường"),
    ANY_KIND: M("any CCHC item", "Mọi nội dung CCHC"),
}
_PER = {"week": M("a week", "mỗi tuần"), "month": M("a month", "mỗi tháng"),
        "quarter": M("a quarter", "mỗi quý"), "year": M("a year", "mỗi năm")}


def kind_name(kind: str, lang: str | None = None) -> str:
    """A segment kind in words (the kind itself when the plan added one of its own)."""
    found = KIND_NAMES.get(kind)
    return found.render(lang) if found else kind


def _times(lo: int, hi: int | None) -> Msg:
    if hi is None:
        return M("at least {lo} time(s)", "ít nhất {lo} lần", lo=lo)
    if lo == 0:
        return M("at most {hi} time(s)", "nhiều nhất {hi} lần", hi=hi)
    if lo == hi:
        return M("{lo} time(s)", "{lo} lần", lo=lo)
    return M("{lo}–{hi} times", "{lo}–{hi} lần", lo=lo, hi=hi)


def _quota(q: Quota) -> Msg:
    return M("{times} {per}", "{times} {per}", times=_times(q.min, q.max), per=_PER[q.per])


def how_often(rule: Rule) -> list[str]:
    """The rule's demands as short phrases: 'mỗi số phát 1–2 lần trong 7 ngày kể từ ngày phát
    hành', 'ít nhất 1 lần mỗi tháng', 'cách nhau ít nhất 3 ngày', ..."""
    out: list[Msg] = []
    if rule.each_segment:
        e = rule.each_segment
        out.append(M("each one {times} within {d} days of its release",
                     "mỗi số phát {times} trong {d} ngày kể từ ngày phát hành",
                     times=_times(e.min, e.max), d=e.within_days))
    if rule.quota:
        out.append(_quota(rule.quota))
    if rule.min_gap_days:
        out.append(M("the same item at least {n} days apart", "cách nhau ít nhất {n} ngày",
                     n=rule.min_gap_days))
    if rule.max_per_session:
        out.append(M("at most {n} in one session", "mỗi buổi nhiều nhất {n} mục",
                     n=rule.max_per_session))
    if rule.prefer_sessions:
        out.append(M("preferably in: {s}", "ưu tiên buổi: {s}", s=", ".join(rule.prefer_sessions)))
    if rule.soft:
        out.append(M("a wish, never counted as a shortfall",
                     "mong muốn, không tính là thiếu"))
    return [m.render() for m in out]


@dataclass(frozen=True)
class Obligation:
    """One rule as the rules page shows it."""

    id: str
    title: str
    kind: str  # in words
    who: str  # the stations that must air it
    how_often: list[str]
    source: str


def obligations(rules: PlanRules, scope_names: dict[str, str]) -> list[Obligation]:
    """Every rule of the plan in words; `scope_names` names each rule's scope (scope_labels)."""
    every = M("every commune station of {where}", "mọi đài xã thuộc {where}")
    out = []
    for r in rules.rules:
        where = scope_names.get(r.scope, r.scope)
        who = (M("every commune station of the province", "mọi đài xã trong tỉnh")
               if r.scope == "province" else M(every.en, every.vi, where=where))
        out.append(Obligation(r.id, r.title or kind_name(r.kind), kind_name(r.kind), who.render(),
                              how_often(r), r.source))
    return out


def session_limits(rules: PlanRules) -> list[str]:
    """The limits every session keeps, and the loudness target, as sentences."""
    s, a = rules.session, rules.audio
    lines = [M("At most {n} CCHC items in one session.", "Mỗi buổi nhiều nhất {n} mục CCHC.",
               n=s.max_items),
             M("{g:g} s of silence between two items, counted in the session's time.",
               "Nghỉ {g:g} giây giữa hai mục, tính vào thời lượng của buổi.", g=s.gap_s)]
    if s.intro or s.outro:
        lines.append(M("The column opens with '{i}' and closes with '{o}'.",
                       "Chuyên mục mở đầu bằng '{i}' và kết thúc bằng '{o}'.",
                       i=s.intro or "—", o=s.outro or "—"))
    lines.append(M("Loudness {l:g} LUFS, true peak at most {p:g} dBTP (QCVN 115:2017/BTTTT).",
                   "Độ lớn {l:g} LUFS, đỉnh thực không quá {p:g} dBTP (QCVN 115:2017/BTTTT).",
                   l=a.loudness_lufs, p=a.true_peak_dbtp))
    return [m.render(get_lang()) for m in lines]
