"""Reading the users' CSV files: BOM, Windows line endings and NFD text accepted; errors located."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError, InputErrors
from .i18n import M, nfc
from .text import clean_text

MAX_CSV_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Row:
    """One data row: its physical line number in the file and its cells by column name."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Bytes to NFC text; UTF-8 (with or without BOM) unless told otherwise."""
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise InputError(name, None, None, M("unknown text encoding '{enc}'",
                                                 "không biết bảng mã '{enc}'", enc=encoding))
        except UnicodeDecodeError as exc:
            raise InputError(name, _line_of(data, exc.start), None, M(
                "the file is not valid {enc} text", "tệp không phải văn bản {enc} hợp lệ",
                enc=encoding))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(name, _line_of(data, exc.start), None,
                             _not_utf8(guess_legacy(data))) from None
    if "\x00" in text:
        raise InputError(name, None, None, M("the file is binary, not CSV text",
                                             "tệp là dữ liệu nhị phân, không phải văn bản CSV"))
    return nfc(text.lstrip("\ufeff"))


# Vietnamese letters beyond ASCII, as NFC text has them (to judge a cp1258 decoding)
_VIET = set(nfc("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"))
_VIET |= {c.upper() for c in _VIET}
_PUNCT = set("‘’“”–—…•€ ")


def guess_legacy(data: bytes) -> str | None:
    """Which pre-Unicode Vietnamese encoding non-UTF-8 bytes look like: 'cp1258' (Windows, which
    Python reads), 'TCVN3' (ABC, the .VnTime fonts) or 'VNI'; None if none fits."""
    high = [(i, b) for i, b in enumerate(data) if b >= 0x80]
    if len(high) < 4:  # too little to tell
        return None
    try:
        text = nfc(data.decode("cp1258"))
    except UnicodeDecodeError:
        text = None
    if text is not None:
        letters = sum(c in _VIET for c in text)
        odd = sum(1 for c in text if ord(c) >= 0x80 and c not in _VIET and c not in _PUNCT)
        if letters and not odd:  # every non-ASCII character became a Vietnamese letter
            return "cp1258"
    # TCVN3 puts ă â ê ô ơ ư đ and the toned a's at 0xA8-0xBF, where the others have symbols;
    # VNI writes a vowel's marks as a second byte from 0xC0 up, right after the ASCII letter.
    tcvn = sum(0xA8 <= b <= 0xBF for _, b in high)
    after_letter = sum(b >= 0xC0 and i > 0 and chr(data[i - 1]).isalpha() for i, b in high)
    if tcvn >= 0.2 * len(high):
        return "TCVN3"
    if after_letter >= 0.5 * len(high):
        return "VNI"
    return None


def _not_utf8(guess: str | None):
    if guess == "cp1258":
        return M("the file is not UTF-8 text; it looks like Windows Vietnamese (cp1258): save it "
                 "as UTF-8 ('CSV UTF-8' in Excel), or give its encoding: --encoding cp1258",
                 "tệp không phải văn bản UTF-8; có vẻ là bảng mã Windows tiếng Việt (cp1258): hãy "
                 "lưu lại dạng UTF-8 ('CSV UTF-8' trong Excel), hoặc cho biết bảng mã: "
                 "--encoding cp1258")
    if guess is not None:
        return M("the file is not UTF-8 text; it looks like the old {enc} encoding, which this "
                 "program does not read: convert it to Unicode (Unikey's converter, say) or save "
                 "it as 'CSV UTF-8' in Excel",
                 "tệp không phải văn bản UTF-8; có vẻ là bảng mã cũ {enc}, chương trình không đọc "
                 "được: hãy chuyển sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) hoặc "
                 "lưu lại dạng 'CSV UTF-8' trong Excel", enc=guess)
    return M("the file is not UTF-8 text (a legacy Vietnamese encoding?); save it as UTF-8, "
             "or give its encoding, e.g. --encoding cp1258",
             "tệp không phải văn bản UTF-8 (bảng mã cũ?); hãy lưu lại dạng UTF-8, "
             "hoặc cho biết bảng mã, ví dụ --encoding cp1258")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_rows(source: str | Path | bytes, required: Iterable[str],
              *, name: str | None = None, encoding: str | None = None,
              errors: "RowErrors | None" = None, max_rows: int | None = None) -> list[Row]:
    """The data rows of a CSV file with the given columns. Lines of the wrong shape are added to
    `errors` when given (so that the caller reports them with its own), else raised at once.
    Past `max_rows` data rows the file is refused without reading further."""
    if isinstance(source, bytes):
        data, name = source, name or "<upload>"
    else:
        path = Path(source)
        name = name or str(path)
        try:
            if path.stat().st_size > MAX_CSV_BYTES:
                raise InputError(name, None, None, M("the file is larger than {mb} MB",
                                                     "tệp lớn hơn {mb} MB", mb=MAX_CSV_BYTES >> 20))
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(name, None, None, M("cannot read the file: {err}",
                                                 "không đọc được tệp: {err}", err=exc.strerror))
    text = decode(data, name, encoding)
    collected: list[InputError] = []
    rows = []
    for row in _rows(text, name, list(required), collected):
        if max_rows is not None and len(rows) >= max_rows:
            raise InputError(name, row.line, None, M(
                "more than {n} rows; send the file in parts", "nhiều hơn {n} dòng; hãy chia tệp ra",
                n=max_rows))
        rows.append(row)
    if collected:
        if errors is None:
            raise InputErrors(name, collected)
        errors.errors.extend(collected)
    return rows


def _rows(text: str, name: str, required: list[str], errors: list[InputError]) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record) or record[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip().lower() for c in record]
                missing = [c for c in required if c not in header]
                if missing:
                    raise InputErrors(name, [InputError(name, line, c, M(
                        "missing column; the header must name {cols}",
                        "thiếu cột; dòng tiêu đề phải có {cols}", cols=",".join(required)))
                        for c in missing])
                continue
            if len(record) != len(header):
                errors.append(InputError(name, line, None, M(
                    "{got} fields, expected {want} ({cols})", "có {got} trường, cần {want} ({cols})",
                    got=len(record), want=len(header), cols=",".join(header))))
                continue
            yield Row(line, {h: clean_text(c) for h, c in zip(header, record) if h})
    except csv.Error as exc:
        errors.append(InputError(name, reader.line_num, None, M(
            "the CSV is malformed: {err}", "CSV sai định dạng: {err}", err=str(exc))))
    if header is None and not errors:
        errors.append(InputError(name, None, None, M(
            "the file is empty; expected a header with {cols}",
            "tệp trống; cần dòng tiêu đề có {cols}", cols=",".join(required))))


class RowErrors:
    """Collects the errors of a whole file so that the user sees all of them at once."""

    def __init__(self, name: str):
        self.name = name
        self.errors: list[InputError] = []

    def add(self, row: Row | int | None, column: str | None, problem) -> None:
        line = row.line if isinstance(row, Row) else row
        self.errors.append(InputError(self.name, line, column, problem))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.name, self.errors)


def write_csv(rows: Iterable[Iterable[object]], header: list[str]) -> str:
    """CSV text with a header; cells that a spreadsheet would run as formulas are neutralised."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def safe_cell(value: object) -> object:
    """Prefix text that starts like a spreadsheet formula (=, +, -, @) with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(value)  # a negative number is data, not a formula
            return value
        except ValueError:
            return "'" + value
    return value
