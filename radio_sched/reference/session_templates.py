"""Broadcast sessions: the sessions.csv import, weekday sets, and which template a station follows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core.csvio import Row, RowErrors, read_rows
from .divisions import resolve_scope
from ..core.errors import NotFound, UserError
from ..core.i18n import M, get_lang, nfc
from ..core.models import SessionTemplate, Station
from ..core.scopes import Scope, parse_scope

COLUMNS = ["scope", "session", "start", "weekdays", "capacity_s"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Vietnamese calendars write Thứ Hai..Thứ Bảy as T2..T7 and Sunday as CN
_ALIASES = {"t2": "mon", "t3": "tue", "t4": "wed", "t5": "thu", "t6": "fri", "t7": "sat", "cn": "sun"}
ALL_DAYS = 0b1111111
MAX_CAPACITY_S = 3 * 3600
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class WeekdayError(ValueError):
    pass


def parse_weekdays(text: str) -> int:
    """'daily', a range 'mon-sat' (wrapping allowed: 'sat-mon') or a list 'mon,wed,fri' to a bit mask."""
    t = (text or "").strip().lower().replace(" ", "")
    if t in ("daily", "hằngngày", "hangngay"):
        return ALL_DAYS
    mask = 0
    for part in filter(None, t.split(",")):
        a, sep, b = part.partition("-")
        ia, ib = _day(a), _day(b) if sep else _day(a)
        n = ia
        while True:
            mask |= 1 << n
            if n == ib:
                break
            n = (n + 1) % 7
    if not mask:
        raise WeekdayError(t)
    return mask


def _day(name: str) -> int:
    name = _ALIASES.get(name, name)[:3]
    if name not in DAYS:
        raise WeekdayError(name)
    return DAYS.index(name)


def airs_on(mask: int, day: dt.date) -> bool:
    return bool(mask >> day.weekday() & 1)


def parse_start(text: str) -> str:
    m = _TIME.match((text or "").strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(text)
    return f"{int(m.group(1)):02d}:{m.group(2)}"


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    removed: int = 0


def import_sessions(session: Session, path: Path | str | bytes, *, replace: bool = False,
                    name: str | None = None, encoding: str | None = None) -> ImportResult:
    """Add or update session templates from sessions.csv; any bad row and nothing changes."""
    errs = RowErrors(name or str(path))
    rows = read_rows(path, COLUMNS, name=name, encoding=encoding, errors=errs)
    parsed: dict[tuple[str, str], dict] = {}
    for row in rows:
        rec = check_session_row(session, row, errs)
        key = (rec.get("scope", row["scope"]), rec["session"])
        if key in parsed:
            errs.add(row, "session", M("session '{s}' for {scope} is given twice",
                                       "buổi '{s}' của {scope} bị khai báo hai lần",
                                       s=key[1], scope=key[0]))
        parsed[key] = rec
    errs.raise_if_any()

    removed = 0
    if replace:
        removed = session.execute(delete(SessionTemplate)).rowcount or 0
    existing = {(t.scope, t.session): t for t in session.scalars(select(SessionTemplate))}
    added = updated = 0
    for key, rec in parsed.items():
        tmpl = existing.get(key)
        if tmpl is None:
            session.add(SessionTemplate(**rec))
            added += 1
        else:
            for k, v in rec.items():
                setattr(tmpl, k, v)
            updated += 1
    session.flush()
    return ImportResult(added, updated, removed)


def check_session_row(session: Session, row: Row | dict, errs: RowErrors) -> dict:
    """One sessions.csv row (or the web form's fields) checked: the template's values, with each
    problem added to `errs` at the row's line."""
    if isinstance(row, dict):  # a form: no line; cells named as in sessions.csv
        row = Row(0, {k: nfc(str(row.get(k, ""))).strip() for k in COLUMNS})
    where = row if row.line else None
    rec: dict = {}
    try:
        rec["scope"] = str(resolve_scope(session, row["scope"]))
    except UserError as exc:
        errs.add(where, "scope", exc.message)
    rec["session"] = row["session"]
    if not rec["session"] or len(rec["session"]) > 40:
        errs.add(where, "session", M("a session name of 1 to 40 characters is required, e.g. sáng",
                                     "cần tên buổi phát từ 1 đến 40 ký tự, ví dụ sáng"))
    try:
        rec["start"] = parse_start(row["start"])
    except ValueError:
        errs.add(where, "start", M("'{v}' is not a time of day; expected HH:MM, e.g. 05:30",
                                   "'{v}' không phải giờ; cần dạng HH:MM, ví dụ 05:30",
                                   v=row["start"]))
    try:
        if len(row["weekdays"]) > 40:
            raise WeekdayError(row["weekdays"])
        rec["weekday_mask"] = parse_weekdays(row["weekdays"])
        rec["weekdays"] = row["weekdays"].strip().lower()
    except WeekdayError:
        errs.add(where, "weekdays", M(
            "'{v}' is not a set of weekdays; expected daily, a range like mon-sat or a list "
            "like mon,wed,fri", "'{v}' không phải tập ngày trong tuần; cần daily, khoảng như "
            "mon-sat hoặc danh sách như mon,wed,fri", v=row["weekdays"]))
    try:
        rec["capacity_s"] = int(row["capacity_s"])
        if not 0 <= rec["capacity_s"] <= MAX_CAPACITY_S:
            raise ValueError
    except ValueError:
        errs.add(where, "capacity_s", M(
            "'{v}' is not a number of seconds from 0 to {max}",
            "'{v}' không phải số giây từ 0 đến {max}", v=row["capacity_s"], max=MAX_CAPACITY_S))
    return rec


def add_default_sessions(session: Session, defaults: list[dict]) -> int:
    """Add the preset's province-wide sessions where none of that name exist yet."""
    have = {(t.scope, t.session) for t in session.scalars(select(SessionTemplate))}
    added = 0
    for d in defaults:
        if (d["scope"], d["session"]) not in have:
            session.add(SessionTemplate(weekday_mask=parse_weekdays(d["weekdays"]), **d))
            added += 1
    session.flush()
    return added


def station_sessions(templates: list[SessionTemplate], station: Station) -> list[SessionTemplate]:
    """The templates a station follows: per session name, the most specific scope that covers it."""
    best: dict[str, tuple[int, SessionTemplate]] = {}
    for t in templates:
        scope = parse_scope(t.scope)
        if not scope.covers(station.province_code, station.district_code, station.code):
            continue
        if t.session not in best or scope.specificity > best[t.session][0]:
            best[t.session] = (scope.specificity, t)
    chosen = [t for _, t in best.values() if t.capacity_s > 0]
    return sorted(chosen, key=lambda t: (t.start, t.session))


def list_sessions(session: Session, scope: Scope | None = None) -> list[SessionTemplate]:
    """Templates, all or those whose scope lies within the given one (a district shows its communes')."""
    templates = list(session.scalars(select(SessionTemplate)))
    if scope is not None and scope.code is not None:
        keep = []
        for t in templates:
            s = parse_scope(t.scope)
            if s == scope or s.level == "province":
                keep.append(t)
            elif scope.level == "district" and s.level == "commune":
                st = session.scalar(select(Station).where(Station.code == s.code).limit(1))
                if st is not None and st.district_code == scope.code:
                    keep.append(t)
            elif scope.level == "commune" and s.level == "district":
                st = session.scalar(select(Station).where(Station.code == scope.code).limit(1))
                if st is not None and st.district_code == s.code:
                    keep.append(t)
        templates = keep
    return sorted(templates, key=lambda t: (parse_scope(t.scope).specificity, t.scope, t.start))


# Vietnamese calendars name Monday "Thứ Hai" ... Saturday "Thứ Bảy", Sunday "Chủ nhật"
_DAY_WORDS = {"vi": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"],
              "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}


def weekday_runs(mask: int, *, wrap: bool = False) -> list[list[int]]:
    """The days of a weekday mask (0 = Monday) as runs of consecutive days; with wrap, a run that
    reaches Sunday continues into Monday's ('sat-mon' is one run)."""
    runs: list[list[int]] = []
    for d in (d for d in range(7) if mask >> d & 1):
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    if wrap and len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:
        runs[0] = runs.pop() + runs[0]
    return runs


def describe_weekdays(mask: int, lang: str | None = None) -> str:
    """The days of a weekday mask as people say them: 'Hằng ngày', 'Thứ Hai đến Thứ Sáu',
    'Thứ Hai, Thứ Tư, Thứ Sáu' (English on request)."""
    lang = "vi" if (lang or get_lang()) == "vi" else "en"
    names = _DAY_WORDS[lang]
    if mask & ALL_DAYS == ALL_DAYS:
        return "Hằng ngày" if lang == "vi" else "Every day"
    runs = weekday_runs(mask, wrap=True)
    to = " đến " if lang == "vi" else " to "
    parts = [to.join((names[r[0]], names[r[-1]])) if len(r) >= 3 else ", ".join(names[d] for d in r)
             for r in runs]
    return ", ".join(parts)


def save_session(session: Session, fields: dict[str, str]) -> SessionTemplate:
    """Add or update one template from the web's form (scope, session, start, weekdays,
    capacity_s), checked as a sessions.csv row is; any problem and nothing changes."""
    errs = RowErrors(M("the form", "biểu mẫu").render())
    rec = check_session_row(session, fields, errs)
    errs.raise_if_any()
    tmpl = session.scalar(select(SessionTemplate).where(
        SessionTemplate.scope == rec["scope"], SessionTemplate.session == rec["session"]))
    if tmpl is None:
        tmpl = SessionTemplate(**rec)
        session.add(tmpl)
    else:
        for k, v in rec.items():
            setattr(tmpl, k, v)
    session.flush()
    return tmpl


def remove_session(session: Session, template_id: int) -> SessionTemplate:
    """Delete one template (its stations follow the next less specific one of that name)."""
    tmpl = session.get(SessionTemplate, template_id)
    if tmpl is None:
        raise NotFound(M("there is no session template number {n}",
                         "không có buổi phát mẫu số {n}", n=template_id))
    session.delete(tmpl)
    session.flush()
    return tmpl


def capacity_seconds(text: str) -> str:
    """What a form's capacity field says, in seconds as sessions.csv writes them: '10:00' (minutes
    and seconds) is 600; anything else is left for check_session_row to judge."""
    m = re.fullmatch(r"\s*(\d{1,3}):([0-5]\d)\s*", text or "")
    return str(int(m.group(1)) * 60 + int(m.group(2))) if m else (text or "").strip()
