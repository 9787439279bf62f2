"""What people read must not show the program's ids: the visible text of a page, a report or a
workbook checked for rule ids, scope strings and English status words.

    from tests.text_checks import visible_text, xlsx_text, internal_words, assert_reads_vietnamese

`assert_reads_vietnamese(text, rule_ids=...)` fails naming each id or English word found, with the
text around it. Only visible text counts: tags, attributes, scripts, styles and comments are left
out (an id in an href or a data- attribute is fine), so is the text of <code> elements (a file
format named on purpose).
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Iterable

ENGLISH_STATUS = ("aired", "missed", "partial", "unreported", "done", "failed", "running", "daily",
                  "queued", "unconfirmed", "off_air")
SCOPE = re.compile(r"\b(province|district:\d+|commune:\d+|district|commune)\b")


class _Visible(HTMLParser):
    SKIP = {"script", "style", "code", "title", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3", "td", "th", "option"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a browser shows of an HTML page (an SVG's <text> and <title> tooltips included)."""
    parser = _Visible()
    # an SVG's <title> is a tooltip people read, unlike the page's <title> in <head>
    parser.feed(re.sub(r"<svg\b.*?</svg>", lambda m: m.group(0).replace("<title>", "<tspan>")
                       .replace("</title>", "</tspan>"), html, flags=re.S))
    return "".join(parser.parts)


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet of a workbook, one line a row."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    lines = []
    for ws in book.worksheets:
        lines.append(ws.title)
        for row in ws.iter_rows(values_only=True):
            lines.append(" | ".join("" if v is None else str(v) for v in row))
    book.close()
    return "\n".join(lines)


def internal_words(text: str, rule_ids: Iterable[str] = (), segment_ids: Iterable[str] = ()
                   ) -> list[str]:
    """Each rule id, segment id, scope string and English status word in the text, with context."""
    found = []
    patterns = [re.escape(i) for i in list(rule_ids) + list(segment_ids) if i]
    patterns += [rf"(?<![\w-]){w}(?![\w-])" for w in ENGLISH_STATUS]
    patterns.append(SCOPE.pattern)
    for m in re.finditer("|".join(f"(?:{p})" for p in patterns), text, flags=re.I):
        a, b = max(0, m.start() - 40), min(len(text), m.end() + 40)
        found.append(f"{m.group(0)!r} in …{text[a:b]!r}…")
    return found


def assert_reads_vietnamese(text: str, *, rule_ids: Iterable[str] = (),
                            segment_ids: Iterable[str] = (), where: str = "") -> None:
    """Fail, listing them, if the text shows ids, scope strings or English status words."""
    found = internal_words(text, rule_ids, segment_ids)
    assert not found, f"{where}: ids or English words that people would read:\n" + "\n".join(found)
