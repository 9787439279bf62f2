"""Off-air periods: the blackouts.csv import, Vietnam's public holidays, and which slots they close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import holidays as holidays_lib
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.csvio import RowErrors, read_rows
from .divisions import resolve_scope
from ..core.errors import NotFound, UserError
from ..core.i18n import M, get_lang, nfc
from ..core.models import Blackout, SessionTemplate, Station
from ..core.periods import PeriodError, parse_date
from ..core.scopes import Scope, parse_scope

COLUMNS = ["scope", "date_from", "date_to", "session", "reason"]
MAX_SPAN_DAYS = 366


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


def import_blackouts(session: Session, path: Path | str | bytes | None = None, *,
                     holiday_years: tuple[int, ...] = (), holiday_scope: str = "province",
                     name: str | None = None, encoding: str | None = None) -> ImportResult:
    """Add blackouts from blackouts.csv and/or Vietnam's public holidays; any bad row, nothing changes."""
    records: dict[tuple, dict] = {}
    if path is not None:
        records.update(_read_file(session, path, name=name, encoding=encoding))
    for year in holiday_years:
        for rec in holiday_blackouts(year, holiday_scope):
            records.setdefault((rec["scope"], rec["date_from"], rec["date_to"], rec["session"]), rec)
    if not records and path is None and not holiday_years:
        raise UserError(M("give a blackouts.csv file, or --holidays YEAR, or both",
                          "hãy cho tệp blackouts.csv, hoặc --holidays NĂM, hoặc cả hai"))
    existing = {(b.scope, b.date_from, b.date_to, b.session): b
                for b in session.scalars(select(Blackout))}
    added = updated = 0
    for key, rec in records.items():
        b = existing.get(key)
        if b is None:
            session.add(Blackout(**rec))
            added += 1
        elif (b.reason, b.source) != (rec["reason"], rec["source"]):
            b.reason, b.source = rec["reason"], rec["source"]
            updated += 1
    session.flush()
    return ImportResult(added, updated)


def _read_file(session: Session, path, *, name, encoding) -> dict[tuple, dict]:
    errs = RowErrors(name or str(path))
    rows = read_rows(path, COLUMNS, name=name, encoding=encoding, errors=errs)
    known_sessions = set(session.scalars(select(SessionTemplate.session)))
    out: dict[tuple, dict] = {}
    for row in rows:
        rec: dict = {"session": row["session"], "reason": row["reason"][:300], "source": "csv"}
        try:
            rec["scope"] = str(resolve_scope(session, row["scope"]))
        except UserError as exc:
            errs.add(row, "scope", exc.message)
        for col in ("date_from", "date_to"):
            try:
                rec[col] = parse_date(row[col])
            except PeriodError as exc:
                errs.add(row, col, exc.message)
        if "date_from" in rec and "date_to" in rec:
            if rec["date_to"] < rec["date_from"]:
                errs.add(row, "date_to", M("ends ({b}) before it starts ({a})",
                                           "kết thúc ({b}) trước khi bắt đầu ({a})",
                                           a=rec["date_from"], b=rec["date_to"]))
            elif (rec["date_to"] - rec["date_from"]).days >= MAX_SPAN_DAYS:
                errs.add(row, "date_to", M("spans more than a year; split it per year",
                                           "kéo dài hơn một năm; hãy tách theo từng năm"))
        if rec["session"] and rec["session"] not in known_sessions:
            errs.add(row, "session", M(
                "no session is named '{s}' (known: {known}); leave it empty for every session",
                "không có buổi phát nào tên '{s}' (đang có: {known}); để trống nếu áp dụng mọi buổi",
                s=rec["session"], known=", ".join(sorted(known_sessions)) or "-"))
        if "scope" in rec and "date_from" in rec and "date_to" in rec:
            out[(rec["scope"], rec["date_from"], rec["date_to"], rec["session"])] = rec
    errs.raise_if_any()
    return out


def holiday_blackouts(year: int, scope: str = "province") -> list[dict]:
    """Vietnam's public holidays of a year (from the holidays package) as whole-day blackouts."""
    lang = "vi" if get_lang() == "vi" else "en_US"
    days = holidays_lib.country_holidays("VN", years=year, language=lang)
    return [{"scope": str(parse_scope(scope)), "date_from": day, "date_to": day, "session": "",
             "reason": nfc(str(name)), "source": "holidays"} for day, name in sorted(days.items())]


def station_blackouts(blackouts: list[Blackout], station: Station) -> list[Blackout]:
    """The blackouts that apply to a station (any scope that covers it)."""
    return [b for b in blackouts
            if parse_scope(b.scope).covers(station.province_code, station.district_code, station.code)]


def blackouts_by_station(blackouts: list[Blackout], stations) -> dict[int, list[Blackout]]:
    """{station id: station_blackouts(blackouts, station)} for many stations at once, each scope
    parsed once (a nation's stations against a storm's blackouts); stations with none left out."""
    index: dict[tuple, list[int]] = {}
    for n, b in enumerate(blackouts):
        sc = parse_scope(b.scope)
        index.setdefault((sc.level, sc.code), []).append(n)
    out = {}
    for st in stations:
        hits = set(index.get(("province", None), ()))
        for key in (("province", st.province_code), ("district", st.district_code),
                    ("commune", st.code)):
            if key[1] is not None:
                hits.update(index.get(key, ()))
        if hits:
            out[st.id] = [blackouts[n] for n in sorted(hits)]
    return out


def is_off_air(blackouts: list[Blackout], day: dt.date, session_name: str) -> Blackout | None:
    """The first blackout closing that session on that day, if any (for the reason)."""
    for b in blackouts:
        if b.date_from <= day <= b.date_to and (not b.session or b.session == session_name):
            return b
    return None


def list_blackouts(session: Session, scope: Scope | None = None, *, start: dt.date | None = None,
                   end: dt.date | None = None) -> list[Blackout]:
    q = select(Blackout)
    if start:
        q = q.where(Blackout.date_to >= start)
    if end:
        q = q.where(Blackout.date_from <= end)
    rows = list(session.scalars(q.order_by(Blackout.date_from, Blackout.scope)))
    if scope is not None and scope.code is not None:
        rows = [b for b in rows if parse_scope(b.scope) in (scope, Scope("province"))
                or b.scope.startswith(("province:",)) or _within(session, parse_scope(b.scope), scope)]
    return rows


def _within(session: Session, inner: Scope, outer: Scope) -> bool:
    if outer.level == "district" and inner.level == "commune":
        st = session.scalar(select(Station).where(Station.code == inner.code).limit(1))
        return st is not None and st.district_code == outer.code
    return inner == outer


def add_blackout(session: Session, scope: str, date_from: dt.date, date_to: dt.date,
                 session_name: str = "", reason: str = "", *, source: str = "web") -> Blackout:
    """One off-air period entered by hand (e.g. a typhoon), checked like a blackouts.csv row."""
    resolved = str(resolve_scope(session, scope))
    if date_to < date_from:
        raise UserError(M("the period ends ({b}) before it starts ({a})",
                          "thời gian kết thúc ({b}) trước khi bắt đầu ({a})",
                          a=date_from.strftime("%d/%m/%Y"), b=date_to.strftime("%d/%m/%Y")))
    if (date_to - date_from).days >= MAX_SPAN_DAYS:
        raise UserError(M("the period spans more than a year; split it per year",
                          "thời gian kéo dài hơn một năm; hãy tách theo từng năm"))
    session_name = nfc(session_name.strip())
    known = set(session.scalars(select(SessionTemplate.session)))
    if session_name and session_name not in known:
        raise UserError(M(
            "no session is named '{s}' (known: {known}); leave it empty for every session",
            "không có buổi phát nào tên '{s}' (đang có: {known}); để trống nếu áp dụng mọi buổi",
            s=session_name, known=", ".join(sorted(known)) or "-"))
    key = (resolved, date_from, date_to, session_name)
    row = session.scalar(select(Blackout).where(
        Blackout.scope == key[0], Blackout.date_from == key[1], Blackout.date_to == key[2],
        Blackout.session == key[3]))
    if row is None:
        row = Blackout(scope=resolved, date_from=date_from, date_to=date_to, session=session_name)
        session.add(row)
    row.reason, row.source = nfc(reason.strip())[:300], source
    session.flush()
    return row


def remove_blackout(session: Session, blackout_id: int) -> Blackout:
    """Delete one off-air period (the caller checks that the user may change its scope)."""
    row = session.get(Blackout, blackout_id)
    if row is None:
        raise NotFound(M("there is no off-air period number {n}",
                         "không có khoảng ngừng phát số {n}", n=blackout_id))
    session.delete(row)
    session.flush()
    return row
