"""Vietnamese numbers in words, Northern readings: nghìn, linh, mốt, tư, lăm.

read_number(1_005_000) == "một triệu không trăm linh năm nghìn"; read_decimal("3,5") == "ba phẩy năm"
(Vietnamese writing: "." groups thousands, "," marks decimals).
"""

from __future__ import annotations

import re

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
BILLION = 10**9
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _below_thousand(n: int, inner: bool) -> list[str]:
    """0 < n < 1000 in words; `inner`: not the number's first group, so "không trăm", "linh" are said."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = [DIGITS[hundreds], "trăm"] if hundreds or inner else []
    if tens == 0:
        if units:
            words += ["linh", DIGITS[units]] if words else [DIGITS[units]]
        return words
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _words(n: int, inner: bool) -> list[str]:
    if n >= BILLION:  # tỷ repeats: 10^12 = một nghìn tỷ, 10^15 = một triệu tỷ, 10^18 = một tỷ tỷ
        high, low = divmod(n, BILLION)
        return _words(high, inner) + ["tỷ"] + (_words(low, True) if low else [])
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group = n // scale % 1000
        if group:
            words += _below_thousand(group, inner) + ([name] if name else [])
            inner = True
    return words


def read_number(n: int) -> str:
    """An integer in words: 105 -> "một trăm linh năm", 21 -> "hai mươi mốt", 24 -> "hai mươi tư"."""
    if n < 0:
        return "âm " + read_number(-n)
    return " ".join(_words(n, False)) if n else DIGITS[0]


def read_digits(digits: str) -> str:
    """Digit by digit, as phone numbers and codes are read: "0239" -> "không hai ba chín"."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def _fraction(digits: str) -> str:
    """The part after the decimal comma: leading zeros one by one, then up to three digits as a number."""
    rest = digits.lstrip("0")
    words = [DIGITS[0]] * (len(digits) - len(rest))
    if rest:
        words.append(read_number(int(rest)) if len(rest) <= 3 else read_digits(rest))
    return " ".join(words)


def read_decimal(text: str) -> str:
    """A number as written in Vietnamese: "1.250.000" -> "một triệu hai trăm năm mươi nghìn",
    "12,75" -> "mười hai phẩy bảy mươi lăm". Dots that do not group thousands ("4.0", section
    "3.2") are read "chấm"."""
    text = text.strip()
    if text.startswith(("-", "−")):
        return "âm " + read_decimal(text[1:])
    whole, _, frac = text.partition(",")
    groups = whole.split(".")
    if len(whole) > 24:  # no amount is that long: a code, read digit by digit
        return read_digits(text)
    if len(groups) == 1 or (len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        words = read_number(int("".join(groups)))
    else:
        words = " chấm ".join(read_number(int(g)) for g in groups)
    return words + (" phẩy " + _fraction(frac) if frac else "")


def read_ordinal(n: int) -> str:
    """After "thứ": 1 -> "nhất", 4 -> "tư", otherwise the number ("thứ hai", "thứ mười bốn")."""
    return {1: "nhất", 4: "tư"}.get(n) or read_number(n)


def read_month(n: int) -> str:
    """After "tháng": "tháng tư" for April, "tháng một" ... "tháng mười hai"."""
    return "tư" if n == 4 else read_number(n)


def read_day(n: int) -> str:
    """After "ngày": the first ten days take "mồng" (ngày mồng năm), the others the number."""
    return f"mồng {read_number(n)}" if n <= 10 else read_number(n)


def roman(text: str) -> int | None:
    """The value of a Roman numeral in capitals ("IV" -> 4), or None if the text is not one."""
    if not text or not _ROMAN.fullmatch(text):
        return None
    values = [_ROMAN_VALUES[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
