"""Plain tables as an XLSX workbook through XlsxWriter: bold header, percent columns, widths, a frozen
header and a filter (openpyxl without lxml takes ~20 µs a cell to write; a year's audit has 600,000)."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import xlsxwriter

PLAIN, HEADER, PERCENT, BOLD = 0, 1, 2, 3  # the cell styles
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


@dataclass
class Sheet:
    """Lines above the table (bold), then a table: a header row and its rows."""

    name: str
    header: Sequence[str] = ()
    rows: Iterable[Sequence] = ()
    widths: Sequence[float] = ()
    percent: Iterable[int] = ()  # 1-based columns shown as 0.0%
    lines: Sequence[Sequence] = ()  # rows above the table (title lines; an empty one is a gap)
    filtered: bool = True


def column(n: int) -> str:
    """1 -> A, 27 -> AA."""
    if n < len(_COLUMNS):
        return _COLUMNS[n]
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_COLUMNS = [""] + [chr(65 + n) for n in range(26)] + [chr(65 + a) + chr(65 + b) for a in range(26)
                                                       for b in range(26)]


def write(sheets: list[Sheet], *, title: str = "", creator: str = "",
          created: dt.datetime | None = None) -> bytes:
    """The workbook's bytes through XlsxWriter; the same sheets and date give the same bytes."""
    buf = io.BytesIO()
    when = created or dt.datetime(2000, 1, 1)
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": _clean(title), "author": _clean(creator), "created": when})
    styles = {BOLD: book.add_format({"bold": True}), PLAIN: None,
              HEADER: book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
              PERCENT: book.add_format({"num_format": "0.0%"})}
    for sheet in sheets:
        _sheet(book.add_worksheet(_clean(sheet.name)[:31].replace("/", "-")), sheet, styles)
    book.close()
    return buf.getvalue()


def _sheet(ws, sheet: Sheet, styles: dict) -> None:
    percent = set(sheet.percent)
    n = -1
    for line in sheet.lines:
        n += 1
        _row(ws, n, line, lambda _c: styles[BOLD])
    first = n + 1
    width = len(sheet.header)
    if sheet.header:
        n += 1
        _row(ws, n, sheet.header, lambda _c: styles[HEADER])
    for values in sheet.rows:
        n += 1
        width = max(width, len(values))
        _row(ws, n, values, lambda c: styles[PERCENT] if c + 1 in percent else None)
    for c, w in enumerate(sheet.widths):
        ws.set_column(c, c, w)
    if sheet.header:
        ws.freeze_panes(first + 1, 0)
        if sheet.filtered and width:
            ws.autofilter(first, 0, max(n, first), width - 1)


def _row(ws, n: int, values: Sequence, style) -> None:
    for c, v in enumerate(values):
        if v is None or v == "":
            continue
        if isinstance(v, bool):
            ws.write_boolean(n, c, v, style(c))
        elif isinstance(v, (int, float)):
            if isinstance(v, float) and not math.isfinite(v):
                continue
            ws.write_number(n, c, v, style(c))
        else:
            ws.write_string(n, c, _clean(str(v)), style(c))


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text)
