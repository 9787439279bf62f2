"""The audit written out: CSV (DESIGN.md's audit format), XLSX, and a printable administrative report."""

from __future__ import annotations

import datetime as dt

import jinja2

from ..core.config import TEMPLATES_DIR
from .audit import COLUMNS, EXTRA_COLUMNS, AuditResult, AuditRow
from .audit_chart import chart_title, coverage_chart, pct
from ..core.csvio import safe_cell, write_csv
from ..core.i18n import get_lang, tr, using_lang
from ..core.periods import MONTHS_EN, period_phrase
from ..reference.labels import rule_label, rule_title, status_label
from . import xlsx
from ..core.text import for_xlsx

TEMPLATES = TEMPLATES_DIR / "audit"
FORMATS = ("html", "csv", "xlsx")
MEDIA = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
BOM = "\ufeff"  # the audit CSV is opened in Excel, which reads UTF-8 only after a BOM
DETAIL_LIMIT = 300  # shortfall rows printed in the HTML report; the CSV/XLSX have them all


def row_values(row: AuditRow) -> list:
    """A row in the order of COLUMNS + EXTRA_COLUMNS, the reason in the current language."""
    return [row.period, row.district, row.station, row.rule, row.segment, row.required, row.planned,
            row.aired, row.shortfall, row.reason.render(), row.station_name, row.district_name,
            row.window, row.start.isoformat(), row.end.isoformat(), row.missed, row.not_reported,
            row.unconfirmed, row.made_good, row.status]


def to_csv(result: AuditResult, lang: str | None = None) -> str:
    with using_lang(lang or get_lang()):
        return write_csv((row_values(r) for r in result.rows), COLUMNS + EXTRA_COLUMNS)


def date_line(place: str, day: dt.date) -> str:
    """'Hà Tĩnh, ngày 05 tháng 4 năm 2024': days under 10 and months 1 and 2 take a leading zero
    (Decree 30/2020/NĐ-CP on administrative documents)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    vi = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    en = f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    text = en if get_lang() == "en" else vi
    return f"{place}, {text}" if place else text


def scope_name(result: AuditResult) -> str:
    """The unit a district's or commune's report is about ("" for the whole province)."""
    return "" if result.scope.startswith("province") else result.place


def window_label(row: AuditRow) -> str:
    """'tháng 3 năm 2024' for a calendar month, quarter or year; else the days, '08/03–14/03/2024'."""
    named = period_phrase(row.window)
    if named != row.window:
        return named
    a, b = row.start, row.end
    first = f"{a:%d/%m}" if a.year == b.year else f"{a:%d/%m/%Y}"
    return f"{first}–{b:%d/%m/%Y}"


def rule_names(result: AuditResult) -> dict[str, str]:
    """Rule id -> its short label, for column headers and lists."""
    return {r.id: rule_label(r, result.rules) for r in result.rules}


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(t=tr, pct=pct, rule_title=rule_title, window_label=window_label)
    return env


def to_html(result: AuditResult, lang: str | None = None, *, day: dt.date | None = None) -> str:
    """The printable report: header, summary per rule, districts, chart, stations short, method."""
    with using_lang(lang or get_lang()):
        plan = result.plan
        short = [r for r in result.rows if r.judged and r.shortfall]
        stations_short = _stations_short(result, short)
        judged = [r for r in result.rows if r.judged]
        return _env().get_template("report.html").render(
            lang=get_lang(), r=result, plan=plan, issuer=(plan.issuer or plan.name).upper(),
            date_line=date_line(plan.province, day or result.today),
            period=period_phrase(result.period.label), scope_name=scope_name(result),
            labels=rule_names(result), chart_title=chart_title(result),
            total_name=scope_name(result) or tr("Whole province", "Toàn tỉnh"),
            chart=coverage_chart(result), judged=len(judged),
            met=sum(1 for r in judged if not r.shortfall), short_rows=short[:DETAIL_LIMIT],
            short_total=len(short), stations_short=stations_short, limit=DETAIL_LIMIT,
            titles=result.titles)


def _stations_short(result: AuditResult, short: list[AuditRow]) -> list[dict]:
    by: dict[str, dict] = {}
    for row in short:
        s = by.setdefault(row.station, {"station": row.station, "name": row.station_name,
                                        "district": row.district_name or row.district, "rules": {},
                                        "obligations": 0, "airings": 0})
        s["obligations"] += 1
        s["airings"] += row.shortfall
        s["rules"][row.rule] = s["rules"].get(row.rule, 0) + 1
    return list(by.values())


def _cell(value):
    """A cell neither a formula (safe_cell) nor a character openpyxl refuses (for_xlsx)."""
    return for_xlsx(safe_cell(value))


def to_xlsx(result: AuditResult, lang: str | None = None, *, day: dt.date | None = None) -> bytes:
    """A workbook for people: the summary per rule and district, every station, and every row of
    the audit with titles and words where the CSV has ids."""
    with using_lang(lang or get_lang()):
        rules = [r for r in result.rules if not r.soft]
        labels = rule_names(result)
        head = [tr("Unit", "Đơn vị"), tr("Stations", "Số đài"), tr("Reporting", "Có báo cáo"),
                tr("Fully compliant", "Đạt toàn bộ"), tr("Share", "Tỷ lệ đài đạt"),
                tr("Coverage", "Tỷ lệ phát đạt")] + [labels[r.id] for r in rules]
        units = [(tr("Whole province", "Toàn tỉnh") if result.scope.startswith("province")
                  else result.place, result.province)] + [
            (d.name or d.code or tr("Communes (no district level)", "Các xã (không có cấp huyện)"), d)
            for d in result.districts]
        summary = xlsx.Sheet(
            tr("Summary", "Tổng hợp"), head,
            [[_cell(name), u.stations, u.reporting, u.overall.compliant, u.overall.share,
              u.overall.coverage] + [u.rules[r.id].share if r.id in u.rules else None for r in rules]
             for name, u in units],
            [34, 9, 11, 12, 12, 12] + [16] * len(rules), percent=range(5, 7 + len(rules)),
            lines=[[_cell((result.plan.issuer or "").upper())],
                   [_cell(tr("Coverage of the CCHC column, {p}", "Kết quả phát chuyên mục CCHC {p}",
                             p=period_phrase(result.period.label)))], []])
        yes, no = tr("yes", "có"), tr("no", "không")
        district_of = {r.station: (r.district, r.district_name) for r in result.rows}
        stations = xlsx.Sheet(
            tr("Stations", "Theo xã"),
            [tr("district", "mã huyện"), tr("district name", "huyện"), tr("station", "mã xã"),
             tr("name", "tên"), tr("reporting", "có báo cáo"), tr("required", "phải phát"),
             tr("aired", "đã phát"), tr("coverage", "tỷ lệ phát"), tr("fully compliant", "đạt toàn bộ")],
            [[*map(safe_cell, district_of.get(s.code, ("", ""))), s.code, _cell(s.name),
              yes if s.reporting else no, s.overall.required, s.overall.aired, s.overall.coverage,
              "" if not s.overall.stations else yes if s.overall.compliant else no]
             for s in result.stations],
            [10, 24, 10, 26, 11, 10, 10, 11, 12], percent=(8,))
        status = {k: status_label(k) for k in ("met", "short", "open", "soft")}
        period = period_phrase(result.period.label)
        windows: dict[tuple, str] = {}  # the same windows recur at every station
        detail = xlsx.Sheet(
            tr("Detail", "Chi tiết"),
            [tr("period", "kỳ"), tr("district", "mã huyện"), tr("district name", "huyện"),
             tr("station", "mã xã"), tr("name", "tên"), tr("rule", "nội dung"),
             tr("segment", "tin"), tr("window", "thời hạn"), tr("from", "từ ngày"),
             tr("until", "đến ngày"), tr("required", "phải phát"), tr("planned", "có lịch"),
             tr("aired", "đã phát"), tr("short", "còn thiếu"), tr("lost", "không phát"),
             tr("not reported", "chưa báo cáo"), tr("unconfirmed", "không rõ tin"),
             tr("made good", "phát bù"), tr("result", "kết quả"), tr("reason", "lý do")],
            ([period, r.district, _cell(r.district_name), r.station,
              _cell(r.station_name), labels.get(r.rule, r.rule),
              _cell(result.titles.get(r.segment, r.segment)),
              windows.get((r.window, r.start, r.end)) or windows.setdefault(
                  (r.window, r.start, r.end), window_label(r)),
              r.start.isoformat(), r.end.isoformat(),
              r.required, r.planned, r.aired, r.shortfall, r.missed, r.not_reported, r.unconfirmed,
              r.made_good, status[r.status], _cell(r.reason.render())] for r in result.rows),
            [9, 9, 20, 9, 22, 26, 34, 22, 11, 11, 9, 9, 9, 9, 9, 9, 9, 9, 12, 60])
        return xlsx.write([summary, stations, detail], creator="radio-sched",
                          title=tr("Coverage audit {p}", "Báo cáo kết quả phát {p}",
                                   p=result.period.label),
                          created=dt.datetime.combine(day or result.today, dt.time()))


def render(result: AuditResult, fmt: str, lang: str | None = None, *,
           day: dt.date | None = None) -> bytes:
    """The report as bytes in one of FORMATS (the CSV with a BOM, for Excel)."""
    if fmt == "csv":
        return (BOM + to_csv(result, lang)).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(result, lang, day=day)
    if fmt == "html":
        return to_html(result, lang, day=day).encode("utf-8")
    raise ValueError(f"unknown audit format {fmt!r}")
