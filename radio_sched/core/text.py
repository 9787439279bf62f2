"""Text a user sets, made safe to store and show: NFC, one line, no control or bidi-override marks."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

# Line and page breaks of every kind: inside a name or title they would start a new line in a
# playlist (.m3u8), a CSV row or a log, so they become one space.
_BREAKS = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029]+")
# Other C0/C1 controls (NUL, ESC of terminal sequences, DEL), bidirectional embeddings, overrides
# and isolates (U+202E makes "gpj.exe" read "exe.jpg"), marks that draw nothing (LRM/RLM, ALM),
# the BOM and unpaired surrogates: none belongs in a name, a title or a reason.
_DROP = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e"
                   "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]")
_ANY = re.compile(f"{_BREAKS.pattern}|{_DROP.pattern}")


def clean_text(value: str | None) -> str:
    """A single line of NFC text: breaks become one space, control and direction marks go,
    the ends are trimmed. What every importer, form and API stores of a user's text."""
    if not value:
        return ""
    text = str(value)
    if _ANY.search(text) is None and unicodedata.is_normalized("NFC", text):
        return text.strip()
    text = _DROP.sub("", _BREAKS.sub(" ", text))
    return unicodedata.normalize("NFC", text).strip()


def is_clean(value: str) -> bool:
    return clean_text(value) == value


_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def for_terminal(value: object) -> str:
    """Text printed to a terminal with every control character shown as an escape (\\x1b), so a
    stored value can never move the cursor, recolour or retitle the operator's terminal."""
    return _TERMINAL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                         else f"\\u{ord(m.group()):04x}", str(value))


_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def for_xlsx(value: object) -> object:
    """A cell value openpyxl accepts: the controls XML 1.0 forbids are dropped (a value stored
    before they were refused must not make a spreadsheet fail)."""
    if isinstance(value, str) and _XLSX_ILLEGAL.search(value):
        return _XLSX_ILLEGAL.sub("", value)
    return value


class Line(TypeDecorator):
    """A one-line text column: every value stored goes through clean_text (no control or
    direction marks, NFC), whichever importer, form, API or command wrote it."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return clean_text(value) if isinstance(value, str) else value
