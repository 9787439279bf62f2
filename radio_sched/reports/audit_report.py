"""The audit written out: CSV (DESIGN.md's audit format), XLSX, and a printable administrative report."""

from __future__ import annotations

import datetime as dt
import io

import jinja2

from ..core.config import TEMPLATES_DIR
from .audit import COLUMNS, EXTRA_COLUMNS, AuditResult, AuditRow
from .audit_chart import coverage_chart, pct
from ..core.csvio import safe_cell, write_csv
from ..core.i18n import get_lang, tr, using_lang
from ..core.text import for_xlsx

TEMPLATES = TEMPLATES_DIR / "audit"
FORMATS = ("html", "csv", "xlsx")
MEDIA = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
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


def period_phrase(label: str) -> str:
    """'2024-Q1' -> 'quý I năm 2024' / 'the first quarter of 2024' (the report's title)."""
    year, _, part = label.partition("-")
    if not part:
        return tr("the year {y}", "năm {y}", y=year)
    if part.startswith("Q"):
        n = int(part[1])
        return tr("the {nth} quarter of {y}", "quý {r} năm {y}", r=ROMAN[n], y=year,
                  nth=("first", "second", "third", "fourth")[n - 1])
    if part.startswith("H"):
        return tr("the first half of {y}", "6 tháng đầu năm {y}", y=year) if part == "H1" else \
            tr("the second half of {y}", "6 tháng cuối năm {y}", y=year)
    return tr("{m} {y}", "tháng {n} năm {y}", m=MONTHS_EN[int(part) - 1], n=int(part), y=year)


def date_line(place: str, day: dt.date) -> str:
    """'Hà Tĩnh, ngày 05 tháng 4 năm 2024': days under 10 and months 1 and 2 take a leading zero
    (Decree 30/2020/NĐ-CP on administrative documents)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    vi = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    en = f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    text = en if get_lang() == "en" else vi
    return f"{place}, {text}" if place else text


def scope_name(result: AuditResult) -> str:
    if result.scope.startswith("district:") and result.districts:
        return result.districts[0].name or result.scope
    if result.scope.startswith("commune:") and result.stations:
        return result.stations[0].name
    return ""


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(t=tr, pct=pct)
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
    """A workbook: the summary per rule and district, every station, and every row of the CSV."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with using_lang(lang or get_lang()):
        wb = Workbook()
        when = dt.datetime.combine(day or result.today, dt.time())
        wb.properties.creator = "radio-sched"
        wb.properties.created = wb.properties.modified = when
        wb.properties.title = tr("Coverage audit {p}", "Báo cáo kết quả phát {p}", p=result.period.label)
        bold = Font(bold=True)

        def sheet(ws, header, rows, widths, percent=()):
            ws.append([_cell(h) for h in header])
            for c in ws[ws.max_row]:
                c.font = bold
                c.alignment = Alignment(wrap_text=True, vertical="top")
            first = ws.max_row
            for row in rows:
                ws.append([_cell(v) for v in row])
            for col in percent:
                for (cell,) in ws.iter_rows(min_row=first + 1, min_col=col, max_col=col):
                    cell.number_format = "0.0%"
            for n, w in enumerate(widths, 1):
                ws.column_dimensions[get_column_letter(n)].width = w
            ws.freeze_panes = ws.cell(row=first + 1, column=1)
            ws.auto_filter.ref = f"A{first}:{get_column_letter(len(header))}{ws.max_row}"

        ws = wb.active
        ws.title = tr("Summary", "Tổng hợp")
        ws.append([_cell(f"{(result.plan.issuer or '').upper()}")])
        ws.append([_cell(tr("Coverage of the CCHC column, {p}", "Kết quả phát chuyên mục CCHC {p}",
                                p=period_phrase(result.period.label)))])
        ws["A1"].font = ws["A2"].font = bold
        ws.append([])
        rules = [r for r in result.rules if not r.soft]
        head = [tr("Unit", "Đơn vị"), tr("Stations", "Số đài"), tr("Reporting", "Có báo cáo"),
                tr("Fully compliant", "Đạt toàn bộ"), tr("Share", "Tỷ lệ đài đạt"),
                tr("Coverage", "Tỷ lệ phát đạt")] + [r.id for r in rules]
        units = [(tr("Whole province", "Toàn tỉnh"), result.province)] + [
            (d.name or d.code or "-", d) for d in result.districts]
        sheet(ws, head, [[name, u.stations, u.reporting, u.overall.compliant, u.overall.share,
                          u.overall.coverage] + [u.rules[r.id].share if r.id in u.rules else None
                                                 for r in rules] for name, u in units],
              [34, 9, 11, 12, 12, 12] + [14] * len(rules), percent=range(5, 7 + len(rules)))

        st = wb.create_sheet(tr("Stations", "Theo xã"))
        district_of = {r.station: (r.district, r.district_name) for r in result.rows}
        sheet(st, [tr("district", "mã huyện"), tr("district name", "huyện"), tr("station", "mã xã"),
                   tr("name", "tên"), tr("reporting", "có báo cáo"), tr("required", "phải phát"),
                   tr("aired", "đã phát"), tr("coverage", "tỷ lệ phát"),
                   tr("fully compliant", "đạt toàn bộ")],
              [[*district_of.get(s.code, ("", "")), s.code, s.name,
                tr("yes", "có") if s.reporting else tr("no", "không"), s.overall.required,
                s.overall.aired, s.overall.coverage,
                "" if not s.overall.stations else tr("yes", "có") if s.overall.compliant
                else tr("no", "không")] for s in result.stations],
              [10, 24, 10, 26, 11, 10, 10, 11, 12], percent=(8,))

        detail = wb.create_sheet(tr("Detail", "Chi tiết"))
        sheet(detail, COLUMNS + EXTRA_COLUMNS, (row_values(r) for r in result.rows),
              [9, 9, 9, 22, 34, 9, 9, 9, 9, 60, 24, 22, 22, 12, 12, 8, 8, 8, 8, 8])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


def render(result: AuditResult, fmt: str, lang: str | None = None, *,
           day: dt.date | None = None) -> bytes:
    """The report as bytes in one of FORMATS."""
    if fmt == "csv":
        return to_csv(result, lang).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(result, lang, day=day)
    if fmt == "html":
        return to_html(result, lang, day=day).encode("utf-8")
    raise ValueError(f"unknown audit format {fmt!r}")
