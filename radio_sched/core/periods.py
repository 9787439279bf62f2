"""Dates, months and report periods (2024-03, 2024-Q1, 2024-H1, 2024) and the rules' calendar periods."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .i18n import M, tr


class PeriodError(ValueError):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True, order=True)
class Period:
    """A closed range of days with the label users write for it."""

    start: dt.date
    end: dt.date
    label: str

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(n) for n in range((self.end - self.start).days + 1)]

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list["Period"]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(month(y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def month(year: int, mon: int) -> Period:
    last = calendar.monthrange(year, mon)[1]
    return Period(dt.date(year, mon, 1), dt.date(year, mon, last), f"{year:04d}-{mon:02d}")


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$", re.ASCII)
_HALF = re.compile(r"^(\d{4})-[Hh]([12])$", re.ASCII)
_YEAR = re.compile(r"^(\d{4})$", re.ASCII)
URL_YEARS = range(2000, 2100)  # the years a page address may name (9999 is END_OF_TIME's)


def in_url_years(period: Period) -> bool:
    """Whether a page may be asked for this period: 2000-2099, so that a neighbour month or a
    year's sentinel never reaches a date the calendar cannot hold."""
    return period.start.year in URL_YEARS and period.end.year in URL_YEARS


def parse_month(text: str) -> Period:
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        raise PeriodError(M("'{t}' is not a month; expected YYYY-MM, e.g. 2024-03",
                            "'{t}' không phải tháng; cần dạng YYYY-MM, ví dụ 2024-03", t=text))
    return month(int(m.group(1)), int(m.group(2)))


def parse_period(text: str) -> Period:
    """A month (2024-03), quarter (2024-Q1), half-year (2024-H1) or year (2024)."""
    t = (text or "").strip()
    if (m := _QUARTER.match(t)) and int(m.group(1)) >= 1:
        y, q = int(m.group(1)), int(m.group(2))
        return Period(month(y, 3 * q - 2).start, month(y, 3 * q).end, f"{y}-Q{q}")
    if (m := _HALF.match(t)) and int(m.group(1)) >= 1:
        y, h = int(m.group(1)), int(m.group(2))
        return Period(month(y, 6 * h - 5).start, month(y, 6 * h).end, f"{y}-H{h}")
    if (m := _YEAR.match(t)) and int(m.group(1)) >= 1:
        y = int(m.group(1))
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}")
    try:
        return parse_month(t)
    except PeriodError:
        raise PeriodError(M(
            "'{t}' is not a period; expected 2024-03, 2024-Q1, 2024-H1 or 2024",
            "'{t}' không phải kỳ báo cáo; cần dạng 2024-03, 2024-Q1, 2024-H1 hoặc 2024", t=text)) from None


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]


def period_phrase(label: str) -> str:
    """'2024-Q1' -> 'quý I năm 2024' / 'first quarter of 2024', as a title names the period ('Kết quả
    phát quý I năm 2024', 'Coverage, first quarter of 2024'); a week or a window stays as written."""
    year, _, part = label.partition("-")
    if not year.isdigit() or (part and not re.fullmatch(r"Q[1-4]|H[12]|0[1-9]|1[0-2]", part)):
        return label
    if not part:
        return tr("{y}", "năm {y}", y=year)
    if part.startswith("Q"):
        n = int(part[1])
        return tr("{nth} quarter of {y}", "quý {r} năm {y}", r=ROMAN[n], y=year,
                  nth=("first", "second", "third", "fourth")[n - 1])
    if part.startswith("H"):
        return tr("first half of {y}", "6 tháng đầu năm {y}", y=year) if part == "H1" else \
            tr("second half of {y}", "6 tháng cuối năm {y}", y=year)
    return tr("{m} {y}", "tháng {n} năm {y}", m=MONTHS_EN[int(part) - 1], n=int(part), y=year)


def short_period(label: str) -> str:
    """A period's name in a row of links: 'Quý I', '6 tháng đầu', 'T3', 'Năm 2024' (Q1, H1, Mar)."""
    year, _, part = label.partition("-")
    if not part:
        return tr("{y}", "Năm {y}", y=year)
    if part.startswith("Q"):
        return tr("Q{n}", "Quý {r}", n=part[1], r=ROMAN[int(part[1])])
    if part.startswith("H"):
        return tr("H1", "6 tháng đầu") if part == "H1" else tr("H2", "6 tháng cuối")
    return tr("{m}", "T{n}", m=MONTHS_EN[int(part) - 1][:3], n=int(part))


def calendar_period(kind: str, day: dt.date) -> Period:
    """The week (ISO, Monday to Sunday), month, quarter or year that contains a day."""
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        iso = start.isocalendar()
        return Period(start, start + dt.timedelta(days=6), f"{iso.year}-W{iso.week:02d}")
    if kind == "month":
        return month(day.year, day.month)
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "half":
        return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")
    if kind == "year":
        return parse_period(f"{day.year}")
    raise PeriodError(M("'{k}' is not a period kind; expected week, month, quarter or year",
                        "'{k}' không phải loại kỳ; cần week, month, quarter hoặc year", k=kind))


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD, or DD/MM/YYYY as Vietnamese users write it."""
    t = (text or "").strip()
    m = _ISO_DATE.match(t)
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None and (m := _VN_DATE.match(t)):
        parts = (m.group(3), m.group(2), m.group(1))
    if parts:
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise PeriodError(M("'{t}' is not a date; expected YYYY-MM-DD or DD/MM/YYYY",
                        "'{t}' không phải ngày; cần dạng YYYY-MM-DD hoặc DD/MM/YYYY", t=text))


def daterange(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(n) for n in range((end - start).days + 1)]


def adjacent(period: Period) -> tuple[str, str]:
    """The labels of the period before and after one of the same kind (month, quarter, half-year,
    year): what month navigation links to."""
    label = period.label
    if m := _QUARTER.match(label):
        y, q = int(m.group(1)), int(m.group(2))
        return (f"{y - 1}-Q4" if q == 1 else f"{y}-Q{q - 1}",
                f"{y + 1}-Q1" if q == 4 else f"{y}-Q{q + 1}")
    if m := _HALF.match(label):
        y, h = int(m.group(1)), int(m.group(2))
        return (f"{y - 1}-H2", f"{y}-H2") if h == 1 else (f"{y}-H1", f"{y + 1}-H1")
    if _YEAR.match(label):
        return str(period.start.year - 1), str(period.start.year + 1)
    before = period.start - dt.timedelta(days=1)
    after = period.end + dt.timedelta(days=1)
    return f"{before.year:04d}-{before.month:02d}", f"{after.year:04d}-{after.month:02d}"
