"""As-run reports: what stations say they aired or missed, checked against their schedule.

How item rows and whole-session rows combine is described (and done) in outcomes.py."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.config import local_today
from ..core.csvio import Row, RowErrors, read_rows
from ..reference.divisions import station_by_code
from ..core.errors import UserError
from ..core.i18n import M
from ..core.text import clean_text
from ..core.models import AsRun, AsRunHistory, Station
from ..core.scopes import normalize_code
from .outcomes import planned
from ..core.periods import PeriodError, month as month_period, parse_date

COLUMNS = ["station", "date", "session", "status", "segment", "reason"]
REQUIRED = ["station", "date", "session", "status"]
STATUSES = ("aired", "missed", "partial")
MAX_REASON = 300
SOURCES = ("csv", "web", "api")


@dataclass(frozen=True)
class Report:
    """One checked as-run line, ready to store."""

    station: Station
    date: dt.date
    session: str
    status: str
    segment: str
    reason: str
    line: int | None


@dataclass(frozen=True)
class AsRunResult:
    added: int
    replaced: int  # changed reports; the one before is kept in asrun_history
    statuses: dict[str, int] = field(default_factory=dict)  # status -> rows
    lost: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)  # month -> first, last
    # day reported missed or partial: where a re-plan (make-goods) may be wanted

    unchanged: int = 0  # the same status and reason as stored: left as they were

    @property
    def total(self) -> int:
        return self.added + self.replaced + self.unchanged


def read_asrun_csv(source: bytes | str, *, name: str | None = None, encoding: str | None = None,
                   max_rows: int | None = None) -> list[Row]:
    """The rows of an asrun.csv (station,date,session,status,segment,reason); segment and reason
    may be left out."""
    return read_rows(source, REQUIRED, name=name, encoding=encoding, max_rows=max_rows)


class _Lookup:
    """What the checks read, loaded once per station code and per station-month (a province's
    month of reports is thousands of rows)."""

    def __init__(self, session: Session):
        self.session = session
        self.by_code: dict[str, list[Station]] = {}
        self.planned: dict[tuple[int, str], dict[tuple[dt.date, str], set[str]]] = {}

    def station(self, code: str, day: dt.date) -> Station:
        code = normalize_code(code)
        if code not in self.by_code:
            self.by_code[code] = list(self.session.scalars(select(Station).where(Station.code == code)))
        found = [s for s in self.by_code[code] if s.valid_from <= day <= s.valid_until]
        if len(found) == 1:
            return found[0]
        return station_by_code(self.session, code, on=day)  # says why: none, or several

    def sessions(self, station: Station, day: dt.date) -> dict[tuple[dt.date, str], set[str]]:
        """(day, session) -> planned slugs of the station's month, from the version in force on
        each day: a re-plan from a later day leaves the earlier days to the version the station
        broadcast from, so a report sent again after a re-plan still fits."""
        m = month_period(day.year, day.month)
        key = (station.id, m.label)
        if key not in self.planned:
            found: dict[tuple[dt.date, str], set[str]] = defaultdict(set)
            for item, _sch, _good in planned(self.session, [station.id], m.start, m.end).get(
                    station.id, ()):
                found[(item.day, item.session)].add(item.slug)
            self.planned[key] = found
        return self.planned[key]


def check_asrun(session: Session, rows: Iterable[Row | Mapping[str, Any]], *,
                name: str = "<as-run>", today: dt.date | None = None,
                allowed: Callable[[Station], bool] | None = None) -> list[Report]:
    """Every row checked against the stations and their current schedules; all errors at once."""
    today = today or local_today()
    errs = RowErrors(name)
    lookup = _Lookup(session)
    seen: dict[tuple[int, dt.date, str, str], int | None] = {}
    out: list[Report] = []
    for n, raw in enumerate(rows, 1):
        row = raw if isinstance(raw, Row) else Row(n, {k: _text(v) for k, v in raw.items()})
        report = _check_row(lookup, row, errs, today, allowed)
        if report is None:
            continue
        key = (report.station.id, report.date, report.session, report.segment)
        if key in seen:
            errs.add(row, None, M(
                "the same station, date, session and segment are already reported on line {line}",
                "đài, ngày, buổi và mục này đã được báo cáo ở dòng {line}", line=seen[key]))
            continue
        seen[key] = row.line
        out.append(report)
    if not out and not errs.errors:
        errs.add(None, None, M("there is nothing to record", "không có báo cáo nào để ghi"))
    errs.raise_if_any()
    return out


def _text(value: Any) -> str:
    return "" if value is None else clean_text(str(value))


def _check_row(lookup: _Lookup, row: Row, errs: RowErrors, today: dt.date,
               allowed: Callable[[Station], bool] | None) -> Report | None:
    before = len(errs.errors)
    day = None
    try:
        day = parse_date(row["date"])
    except PeriodError as exc:
        errs.add(row, "date", exc.message)
    if day is not None and day > today:
        errs.add(row, "date", M("{d} is in the future; report only what has been broadcast",
                                "ngày {d} chưa đến; chỉ báo cáo những gì đã phát", d=day))
    status = row["status"].lower()
    if status not in STATUSES:
        errs.add(row, "status", M("'{s}' is not a status; expected aired, missed or partial",
                                  "'{s}' không phải trạng thái; cần aired, missed hoặc partial",
                                  s=row["status"]))
    reason = clean_text(row["reason"])
    if len(reason) > MAX_REASON:
        errs.add(row, "reason", M("the reason is longer than {n} characters",
                                  "lý do dài quá {n} ký tự", n=MAX_REASON))
    if status == "missed" and not reason:
        errs.add(row, "reason", M("a missed session needs its reason (power cut, storm, ...)",
                                  "buổi không phát cần ghi lý do (mất điện, mưa bão...)"))
    if not row["session"]:
        errs.add(row, "session", M("the session is missing", "thiếu tên buổi phát"))
    station = None
    code = row["station"]
    if not code.isdigit():
        errs.add(row, "station", M("'{v}' is not a station code (digits)",
                                   "'{v}' không phải mã đài (chữ số)", v=code))
    elif day is not None:
        try:
            station = lookup.station(code, day)
        except UserError as exc:
            errs.add(row, "station", exc.message)
    if station is not None and allowed is not None and not allowed(station):
        errs.add(row, "station", M("you may not report for station {code}",
                                   "bạn không được báo cáo cho đài {code}", code=station.code))
        return None
    if len(errs.errors) > before or station is None or day is None:
        return None
    slugs = lookup.sessions(station, day).get((day, row["session"]))
    if slugs is None:
        errs.add(row, "session", M(
            "station {code} had no session '{s}' planned on {d}",
            "đài {code} không có buổi '{s}' trong lịch ngày {d}", code=station.code, s=row["session"],
            d=day))
        return None
    segment = row["segment"]
    if segment and segment not in slugs:
        errs.add(row, "segment", M(
            "segment '{seg}' was not planned in session '{s}' of {d} at station {code}",
            "mục '{seg}' không có trong buổi '{s}' ngày {d} của đài {code}", seg=segment,
            s=row["session"], d=day, code=station.code))
        return None
    return Report(station, day, row["session"], status, segment, reason, row.line)


def record_asrun(session: Session, rows: Iterable[Row | Mapping[str, Any]], source: str,
                 reported_by: str | None, *, name: str = "<as-run>", today: dt.date | None = None,
                 allowed: Callable[[Station], bool] | None = None) -> AsRunResult:
    """Check every row, then store them in the caller's transaction. A report for a station, date,
    session and segment that is already stored replaces it (reports never count twice) and the
    one it replaces is kept in asrun_history; a report the same as the stored one changes nothing."""
    if source not in SOURCES:
        raise ValueError(f"unknown as-run source {source!r}")
    reports = check_asrun(session, rows, name=name, today=today, allowed=allowed)
    added = replaced = unchanged = 0
    stored = _stored(session, reports)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for r in reports:
        row = stored.get((r.station.id, r.date, r.session, r.segment))
        if row is None:
            row = AsRun(station_id=r.station.id, date=r.date, session=r.session, segment=r.segment)
            session.add(row)
            added += 1
        elif (row.status, row.reason) == (r.status, r.reason):
            unchanged += 1
            continue
        else:
            session.add(AsRunHistory(asrun_id=row.id, status=row.status, reason=row.reason,
                                     source=row.source, reported_by=row.reported_by,
                                     reported_at=row.reported_at, replaced_by=reported_by,
                                     replaced_at=now))
            replaced += 1
        row.status, row.reason, row.source, row.reported_by = r.status, r.reason, source, reported_by
        row.reported_at = now
    session.flush()
    lost: dict[str, tuple[dt.date, dt.date]] = {}
    for r in reports:
        if r.status != "aired":
            m = f"{r.date.year:04d}-{r.date.month:02d}"
            lo, hi = lost.get(m, (r.date, r.date))
            lost[m] = (min(lo, r.date), max(hi, r.date))
    return AsRunResult(added, replaced, dict(Counter(r.status for r in reports)), lost, unchanged)


def _stored(session: Session, reports: list[Report]) -> dict[tuple, AsRun]:
    """The stored reports the new ones may replace, read once per station."""
    days: dict[int, list[dt.date]] = defaultdict(list)
    for r in reports:
        days[r.station.id].append(r.date)
    out = {}
    for sid, ds in days.items():
        for row in session.scalars(select(AsRun).where(AsRun.station_id == sid, AsRun.date >= min(ds),
                                                       AsRun.date <= max(ds))):
            out[(row.station_id, row.date, row.session, row.segment)] = row
    return out


def import_asrun(session: Session, source: str | Path | bytes, *, name: str | None = None,
                 encoding: str | None = None, reported_by: str | None = None,
                 today: dt.date | None = None) -> AsRunResult:
    """An asrun.csv file checked whole and stored in the caller's transaction (all or nothing)."""
    label = name or ("asrun.csv" if isinstance(source, bytes) else str(source))
    rows = read_rows(source, REQUIRED, name=label, encoding=encoding)
    return record_asrun(session, rows, "csv", reported_by, name=label, today=today)


def report_history(session: Session, asrun_ids: Iterable[int]) -> dict[int, list[AsRunHistory]]:
    """The reports each stored one replaced, newest first, by as-run id."""
    ids = list(asrun_ids)
    out: dict[int, list[AsRunHistory]] = defaultdict(list)
    for n in range(0, len(ids), 500):
        for h in session.scalars(select(AsRunHistory).where(AsRunHistory.asrun_id.in_(
                ids[n:n + 500])).order_by(AsRunHistory.replaced_at.desc(), AsRunHistory.id.desc())):
            out[h.asrun_id].append(h)
    return dict(out)


@dataclass(frozen=True)
class Reported:
    """How much of a period stations have already reported on."""

    reports: int
    stations: int
    last_day: dt.date | None


def reported_between(session: Session, station_ids: list[int], start: dt.date, end: dt.date
                     ) -> Reported:
    """The reports stored for those stations between two days: how many, at how many stations,
    and the last day any of them reported."""
    reports = stations = 0
    last: dt.date | None = None
    for n in range(0, len(station_ids), 500):
        count, distinct, newest = session.execute(
            select(func.count(AsRun.id), func.count(AsRun.station_id.distinct()), func.max(AsRun.date))
            .where(AsRun.station_id.in_(station_ids[n:n + 500]), AsRun.date >= start,
                   AsRun.date <= end)).one()
        reports, stations = reports + count, stations + distinct
        last = max(d for d in (last, newest) if d is not None) if (last or newest) else None
    return Reported(reports, stations, last)


def station_reports(session: Session, station: Station, start: dt.date, end: dt.date) -> list[AsRun]:
    """A station's stored reports between two days, by date and session."""
    return list(session.scalars(select(AsRun).where(
        AsRun.station_id == station.id, AsRun.date >= start, AsRun.date <= end)
        .order_by(AsRun.date, AsRun.session, AsRun.segment)))
