"""Names as people read them for what the code keeps as ids: scopes, rules, kinds, sessions, weekdays,
statuses and job kinds, in the current language (machine formats keep the ids)."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.i18n import M, Msg, get_lang, nfc, tr, using_lang
from ..core.models import Unit
from ..core.periods import MONTHS_EN
from ..core.scopes import Scope, ScopeError, level_name, parse_scope
from ..scheduler.plan import ANY_KIND, Rule
from .session_templates import ALL_DAYS, WeekdayError, parse_weekdays, weekday_runs

KINDS = {  # segment kind -> (English, Vietnamese); kinds are open, an unknown one shows as written
    "provincial_program": ("Provincial CCHC programme", "Chương trình chuyên đề CCHC của tỉnh"),
    "provincial_report": ("Provincial radio report", "Phóng sự CCHC của Đài PT-TH tỉnh"),
    "district_episode": ("District CCHC episode", "Chuyên mục CCHC của huyện"),
    "model_citizen": ("Model citizen, good deeds", "Gương điển hình, việc tốt trong CCHC"),
    "service_guide": ("Public service guide", "Hướng dẫn thủ tục, dịch vụ công"),
    "home_affairs": ("Home Affairs content", "Nội dung của Sở Nội vụ"),
    "jingle": ("Jingle", "Nhạc hiệu"),
    "bulletin_urgent": ("Urgent bulletin", "Bản tin khẩn cấp"),
    "bulletin_priority": ("Priority bulletin", "Bản tin ưu tiên"),
    "bulletin": ("Bulletin", "Bản tin"),
    ANY_KIND: ("CCHC column", "Chuyên mục CCHC"),
}
SHORT_KINDS = {  # the same, short enough for a column header
    "provincial_program": ("Provincial programme", "Chương trình chuyên đề"),
    "provincial_report": ("Provincial reports", "Phóng sự Đài tỉnh"),
    "district_episode": ("District episodes", "Chuyên mục CCHC của huyện"),
    "model_citizen": ("Model citizen", "Gương điển hình"),
    "service_guide": ("Public service guides", "Hướng dẫn dịch vụ công"),
    "home_affairs": ("Home Affairs", "Nội dung Sở Nội vụ"),
    ANY_KIND: ("CCHC column", "Chuyên mục CCHC"),
}
PERIOD_WORDS = {"week": ("weekly", "tuần"), "month": ("monthly", "tháng"),
                "quarter": ("quarterly", "quý"), "year": ("yearly", "năm")}
SESSIONS = {  # stored session names (kept as written) -> English; Vietnamese shows the stored name
    "sáng": "morning", "buổi sáng": "morning", "trưa": "midday", "buổi trưa": "midday",
    "chiều": "afternoon", "buổi chiều": "afternoon", "tối": "evening", "buổi tối": "evening",
    "đêm": "night", "buổi đêm": "night",
}
WEEKDAYS = {"vi": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}
STATUSES = {
    # an airing, as reported or worked out by the audit
    "aired": ("aired", "đã phát"), "missed": ("missed", "không phát"),
    "partial": ("partly aired", "phát một phần"), "unreported": ("not reported", "chưa báo cáo"),
    "unconfirmed": ("partly aired, items unknown", "phát một phần, không rõ tin"),
    "off_air": ("off the air", "ngừng phát"),
    # a job
    "queued": ("waiting", "đang chờ"), "running": ("running", "đang chạy"),
    "done": ("finished", "đã xong"), "failed": ("failed", "thất bại"),
    # an obligation in the audit
    "met": ("met", "đạt"), "short": ("short", "chưa đạt"), "open": ("not yet due", "chưa đến hạn"),
    "soft": ("a wish, not an obligation", "không bắt buộc"),
    # a schedule
    "complete": ("complete", "đầy đủ"), "shortfalls": ("with shortfalls", "còn thiếu"),
}
JOB_KINDS = {"plan": ("planning", "lập lịch"), "render": ("rendering audio", "dựng âm thanh"),
             "replan": ("re-planning", "lập lại lịch"), "import": ("import", "nhập dữ liệu"),
             "segments": ("adding segments", "thêm mục phát"),
             "bulletin": ("adding a bulletin", "thêm bản tin"),
             "withdraw": ("withdrawing a segment", "rút tin"),
             "review": ("approving a bulletin", "duyệt bản tin"),
             "prune": ("cleaning the audio cache", "dọn bộ nhớ đệm âm thanh")}


def _say(pair: tuple[str, str], lang: str | None = None) -> str:
    return nfc(pair[0] if (lang or get_lang()) == "en" else pair[1])


def both(fn, *args, **kwargs) -> Msg:
    """A label worked out in both languages now, for a message rendered later in either."""
    with using_lang("en"):
        en = fn(*args, **kwargs)
    with using_lang("vi"):
        vi = fn(*args, **kwargs)
    return M("{a}", "{b}", a=en, b=vi)


# --- scopes ----------------------------------------------------------------------------------------

def scope_label(session: Session, scope: str | Scope, *, on: dt.date | None = None) -> str:
    """'province' -> 'Toàn tỉnh', 'district:447' -> 'Huyện Kỳ Anh', 'commune:18757' -> 'Xã Kỳ Xuân':
    the unit's name on that day (else its newest name); a code no unit has reads 'huyện 447'."""
    try:
        sc = scope if isinstance(scope, Scope) else parse_scope(scope)
    except ScopeError:
        return str(scope)
    if sc.level == "province" and sc.code is None:
        return tr("Whole province", "Toàn tỉnh")
    units = list(session.scalars(select(Unit).where(Unit.level == sc.level, Unit.code == sc.code)
                                 .order_by(Unit.valid_from)))
    if not units:
        return M("{level} {code}", "{level} {code}", level=level_name(sc.level), code=sc.code).render()
    if on is not None:
        for u in units:
            if u.valid_from <= on <= u.valid_until:
                return u.name
    return units[-1].name


# --- rules and kinds -------------------------------------------------------------------------------

def kind_label(kind: str, lang: str | None = None, *, short: bool = False) -> str:
    """A segment kind in words (an unknown kind as written, its underscores as spaces)."""
    pair = (SHORT_KINDS if short else KINDS).get(kind) or KINDS.get(kind)
    if pair is None:
        return kind.replace("_", " ")
    return _say(pair, lang)


def rule_title(rule: Rule) -> str:
    """The rule as the plan words it (its title), or its short label when the plan gives none."""
    return rule.title or rule_label(rule)


def rule_label(rule: Rule, rules: Iterable[Rule] = ()) -> str:
    """A short label for a column header: the kind in words, and how often when another of
    `rules` has the same kind ('Chương trình chuyên đề, mỗi quý')."""
    base = kind_label(rule.kind, short=True) if rule.kind in SHORT_KINDS or rule.kind in KINDS \
        else _short_title(rule)
    if not any(r.id != rule.id and r.kind == rule.kind for r in rules):
        return base
    if rule.quota is not None:
        en, vi = PERIOD_WORDS.get(rule.quota.per, (rule.quota.per, rule.quota.per))
        return M("{b}, {w}", "{b}, mỗi {w}", b=base, w=en if _en() else vi).render()
    if rule.each_segment is not None:
        return M("{b}, each within {n} days", "{b}, mỗi số trong {n} ngày", b=base,
                 n=rule.each_segment.within_days).render()
    return base


def _short_title(rule: Rule, limit: int = 40) -> str:
    text = (rule.title or rule.kind.replace("_", " ")).split(",")[0].split("(")[0].strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _en() -> bool:
    return get_lang() == "en"


# --- sessions, weekdays, statuses, jobs ---------------------------------------------------------

def session_label(name: str) -> str:
    """A session's name for display: the stored name in Vietnamese, 'morning' for 'sáng' in English
    (a name the table does not know is shown as stored)."""
    if not _en():
        return name
    return SESSIONS.get(nfc(name).strip().casefold(), name)


def weekdays_label(text: str) -> str:
    """'daily' -> 'hằng ngày', 'mon-sat' -> 'Thứ Hai đến Thứ Bảy', 'mon,wed' -> 'Thứ Hai, Thứ Tư'."""
    try:
        mask = parse_weekdays(text)
    except WeekdayError:
        return text
    if mask == ALL_DAYS:
        return tr("every day", "hằng ngày")
    names = WEEKDAYS["en" if _en() else "vi"]
    runs = weekday_runs(mask)
    parts = [names[r[0]] if len(r) == 1 else names[r[0]] + ", " + names[r[1]] if len(r) == 2
             else M("{a} to {b}", "{a} đến {b}", a=names[r[0]], b=names[r[-1]]).render() for r in runs]
    return ", ".join(parts)


def status_label(status: str) -> str:
    """An airing's, job's, obligation's or schedule's status word in the reader's language."""
    pair = STATUSES.get(status)
    return _say(pair) if pair else status


def counts_label(counts: Mapping[str, int]) -> str:
    """{'aired': 8, 'missed': 1} -> '8 đã phát, 1 không phát' (zero counts left out)."""
    return ", ".join(f"{n} {status_label(k)}" for k, n in counts.items() if n)


def job_kind_label(kind: str) -> str:
    pair = JOB_KINDS.get(kind)
    return _say(pair) if pair else kind


def month_label(label: str) -> str:
    """A month as a heading names it: '2026-12' -> '12/2026' / 'December 2026'."""
    year, _, part = label.partition("-")
    if not (year.isdigit() and part.isdigit() and 1 <= int(part) <= 12):
        return label
    return _say((f"{MONTHS_EN[int(part) - 1]} {year}", f"{int(part):02d}/{year}"))


FOR_PAGES = {f.__name__: f for f in (kind_label, rule_title, session_label, weekdays_label,
                                     status_label, counts_label, job_kind_label,
                                     month_label)}  # Jinja globals

__all__ = ["both", "scope_label", "kind_label", "rule_title", "rule_label", "session_label",
           "weekdays_label", "status_label", "counts_label", "job_kind_label", "month_label", "KINDS"]
