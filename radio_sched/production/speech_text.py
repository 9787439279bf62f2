"""Vietnamese notices made ready for a speech voice: numbers, dates, times, phone numbers, money,
document numbers and the usual abbreviations written out in words, with Northern readings.

normalize("Từ ngày 15/3/2024, UBND xã làm việc từ 7h30.")
    == "Từ ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi tư, Ủy ban nhân dân xã làm việc
        từ bảy giờ ba mươi phút."

One pass of one pattern (TOKEN) finds each written form in turn, most specific first; a form that
does not check out (a 13th month, a 61st minute) is read as plain numbers. Sentence punctuation stays,
so the voice pauses.
"""

from __future__ import annotations

import re
import unicodedata

from .speech_numbers import (read_day, read_decimal, read_digits, read_month, read_number,
                             read_ordinal, roman)

# -- the tables ------------------------------------------------------------------------------------
# Abbreviations read out in words. Codes that a listener knows by their letters are spelled.
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "MTTQ": "Mặt trận Tổ quốc",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc", "TTHC": "thủ tục hành chính", "CCHC": "cải cách hành chính",
    "BHXH": "bảo hiểm xã hội", "BHYT": "bảo hiểm y tế", "BHTN": "bảo hiểm thất nghiệp",
    "CCCD": "căn cước công dân", "CMND": "chứng minh nhân dân", "DVC": "dịch vụ công",
    "DVCTT": "dịch vụ công trực tuyến", "HCC": "hành chính công", "PCI": "pê xê i",
    "DDCI": "đê đê xê i", "PAPI": "pa pi", "TP": "thành phố", "Tp": "thành phố", "TX": "thị xã",
    "TT": "thị trấn", "HCM": "Hồ Chí Minh", "KH&CN": "Khoa học và Công nghệ",
    "KHCN": "khoa học công nghệ", "TT&TT": "Thông tin và Truyền thông",
    "GD&ĐT": "Giáo dục và Đào tạo", "LĐTB&XH": "Lao động, Thương binh và Xã hội",
    "NN&PTNT": "Nông nghiệp và Phát triển nông thôn", "TN&MT": "Tài nguyên và Môi trường",
    "BTTTT": "Bộ Thông tin và Truyền thông", "CSDL": "cơ sở dữ liệu", "VNeID": "vê en e i đi",
    "THPT": "trung học phổ thông", "THCS": "trung học cơ sở", "QĐ": "quyết định",
    "NĐ": "nghị định", "NĐ-CP": "nghị định của Chính phủ", "NQ": "nghị quyết", "KH": "kế hoạch",
    "CNTT": "công nghệ thông tin", "KT-XH": "kinh tế xã hội", "HTX": "hợp tác xã",
    "ATGT": "an toàn giao thông", "ATTP": "an toàn thực phẩm", "PCCC": "phòng cháy chữa cháy",
    "PCTT": "phòng chống thiên tai", "TKCN": "tìm kiếm cứu nạn", "CAND": "Công an nhân dân",
    "BCĐ": "Ban Chỉ đạo", "BCH": "Ban Chấp hành", "TW": "Trung ương", "CN": "Chủ nhật",
    "ĐT": "điện thoại", "SĐT": "số điện thoại", "TDP": "tổ dân phố", "LLTP": "lý lịch tư pháp",
    "GCN": "giấy chứng nhận", "QSDĐ": "quyền sử dụng đất", "XHCN": "xã hội chủ nghĩa",
    "CHXHCN": "Cộng hòa xã hội chủ nghĩa", "VN": "Việt Nam", "QR": "kiu a", "Covid": "cô vít",
    "COVID": "cô vít", "Zalo": "da lô", "email": "i meo", "Email": "i meo",
    "hotline": "đường dây nóng", "Hotline": "Đường dây nóng",
}
DOTTED = {"TP", "Tp", "TX", "TT"}  # written with a full stop that is not the end of a sentence
# Letter names, as Vietnamese speakers spell acronyms (D like Đ: "DVC" is "đê vê xê").
LETTERS = {"A": "a", "B": "bê", "C": "xê", "D": "đê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê",
           "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em", "N": "en", "O": "o",
           "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét", "T": "tê", "U": "u", "V": "vê",
           "W": "vê kép", "X": "ích", "Y": "i dài", "Z": "dét"}
URL_WORDS = {"www": "vê kép vê kép vê kép", "gov": "gốp", "vn": "vê en", "com": "com",
             "dichvucong": "dịch vụ công", "hatinh": "Hà Tĩnh", ".": " chấm ", "/": " gạch chéo ",
             "@": " a còng ", "-": " gạch ngang ", "_": " gạch dưới "}
MONEY_UNITS = {"đồng": "đồng", "đ": "đồng", "₫": "đồng", "vnđ": "đồng", "vnd": "đồng",
               "usd": "đô la Mỹ"}
MEASURES = {"km/h": "ki lô mét một giờ", "km²": "ki lô mét vuông", "km2": "ki lô mét vuông",
            "km": "ki lô mét", "m²": "mét vuông", "m2": "mét vuông", "m³": "mét khối",
            "m3": "mét khối", "ha": "héc ta", "kg": "ki lô gam", "mm": "mi li mét", "cm": "xen ti mét",
            "m": "mét", "°C": "độ xê", "℃": "độ xê"}
PER_WORDS = {"ngày", "tuần", "tháng", "quý", "năm", "giờ", "người", "hộ", "lượt", "lần", "hồ",
             "suất", "kg", "km", "m2", "ha", "con", "xã"}  # "50.000 đồng/người": "một người"

# -- the pattern -----------------------------------------------------------------------------------
NUM = r"\d+(?:\.\d+)*(?:,\d+)?"  # 1.250.000  3,5  12,75  (and 4.0, read "chấm")
L = r"[^\W\d_]"  # a letter, Vietnamese letters included
CODE = r"[A-ZĐ][A-ZĐa-z0-9&]*(?:-[A-ZĐ][A-ZĐa-z0-9&]*)*"  # TT-BTTTT, QĐ-UBND, QĐ-TTg
UNITS = "|".join(sorted(map(re.escape, MEASURES), key=len, reverse=True))
TOKEN = re.compile(rf"""
  (?P<url>(?:https?://)?(?:[\w-]+\.)+(?:vn|com|net|org|gov|edu|info)(?!\w|\.\w)(?:/[\w/.-]*[\w/])?
     |[\w.-]+@[\w-]+(?:\.[\w-]+)+)
| (?<!\d)(?P<phone>(?:\+84[ .]?|0)\d{{2,3}}(?:[ .-]?\d{{3,4}}){{2}}|0\d{{9,10}}
     |1[89]00[ .-]?\d{{3,4}}(?:[ .-]?\d{{2,4}})?)(?!\d|,\d)
| (?<!\d)(?P<doc>\d+(?:/\d+)*/{CODE})(?![\w/])
| (?<=[Ss]ố\s)(?P<docn>\d+)/(?P<docy>\d{{4}})(?![\d/])
| (?<!\d)(?P<iso>\d{{4}})-(?P<isom>\d\d)-(?P<isod>\d\d)(?!\d)
| (?P<qkw>(?i:quý))\s+(?P<q>[1-4]|IV|I{{1,3}})(?:/(?P<qy>\d{{4}}))?(?![\w/])
| (?:(?P<mkw>(?i:tháng))\s+)?(?<!\d)(?P<mm>\d{{1,2}})[/-](?P<my>\d{{4}})(?![\d/])
| (?:(?P<dkw>(?i:ngày))\s+)?(?<![\d/])(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<dm>\d{{1,2}})
     (?:(?P=sep)(?P<dy>\d{{4}}))?(?![\d/]|\.\d|,\d)
| (?P<daykw>(?i:ngày|mồng|mùng))\s+(?P<day>\d{{1,2}})(?=\s+(?i:tháng))
| (?P<monkw>(?i:tháng))\s+(?P<mon>\d{{1,2}})(?![\d/]|[.,]\d)
| (?<![\d.,])(?P<h>\d{{1,2}})(?:\s?h(?P<hm>\d\d)?(?!{L})|:(?P<cm>\d\d)(?::(?P<cs>\d\d))?(?![\d:])
     |\s+(?i:giờ)\s+(?P<gm>\d{{1,2}})(?:\s+(?i:phút))?(?![\d.,]))
| (?P<rkw>(?i:lần\ thứ|thứ|khóa|khoá|kỳ|phần|chương|mục|đợt|giai\ đoạn|đại\ hội|phụ\ lục))
     \s+(?P<roman>[IVXLC]+)(?!\w)
| (?P<okw>(?i:thứ))\s+(?P<ord>\d{{1,4}})(?![\d.,])
| (?<![\d.,])(?P<money>{NUM})\s*(?P<mult>(?:nghìn|ngàn|triệu|tỷ|tỉ)\s*)?
     (?P<cur>(?i:đồng|vnđ|vnd|usd)|đ|₫)(?!{L})(?:/(?P<per>{L}+))?
| (?<![\d.,])(?P<pct>{NUM})\s*%
| (?<![\d.,])(?P<qty>{NUM})\s*(?P<unit>{UNITS})(?!{L}|\d)
| (?P<num>{NUM})
| (?P<range>(?:(?<=\d)|(?<=\dh)|(?<=%))\s*[-–—]\s*(?=\d))
| (?P<comrade>\b[Đđ]/[Cc]\b)
| (?P<etc>\bv\.v)(?P<etcdot>\.)?
| (?P<slash>(?<={L})/(?=(?P<next>{L}+)))
| (?P<word>{L}+(?:[&-]{L}+)*)(?P<dot>\.(?=[ \t]*{L}))?
""", re.VERBOSE)
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aeiouy]{1,3}"
                       r"(?:ng|nh|ch|[cmnpt])?")


def spell(code: str) -> str:
    """Letters by their names and digits one by one: "BTTTT" -> "bê tê tê tê tê"."""
    return " ".join(LETTERS.get(c.upper(), c) if not c.isdigit() else read_digits(c) for c in code)


def _word_part(part: str) -> str:
    if part in ABBREVIATIONS:
        return ABBREVIATIONS[part]
    if re.fullmatch(r"[A-ZĐ]+", part) and (len(part) == 1 or not _SYLLABLE.fullmatch(part.lower())):
        return spell(part)  # an acronym the table does not know: "SMS" -> "ét em ét"
    return part  # a word (capitals that make a syllable, "BAN", are a heading's word)


def _word(m: re.Match) -> str:
    token, dot = m["word"], m["dot"] or ""
    if token == "TT" and re.match(r"\s*(?:số\s*)?\d", m.string[m.end():]):
        return "thông tư" + dot
    if token in ABBREVIATIONS:
        return ABBREVIATIONS[token] + (" " if token in DOTTED else dot)
    parts = re.split(r"([&-])", token)
    if len(parts) == 1:
        return _word_part(token) + dot
    return "".join({"&": " và ", "-": "-"}.get(p) or _word_part(p) for p in parts) + dot


def _url(text: str) -> str:
    text = re.sub(r"^https?://", "", text)
    return "".join(URL_WORDS.get(p.lower()) or re.sub(r"\d+", lambda d: f" {read_digits(d[0])} ", p)
                   for p in re.split(r"([./@_-])", text) if p)


def _code(code: str) -> str:
    return " gạch ".join(spell(part) for part in code.split("-"))


def _doc(text: str) -> str:
    """A document number: 01/2024/TT-BTTTT -> "một trên hai nghìn ... trên tê tê gạch bê tê tê tê tê"."""
    return " trên ".join(read_decimal(p) if p.isdigit() else _code(p) for p in text.split("/"))


def _plain(text: str) -> str:
    """Numbers in a form that did not check out, read one by one, "/" as "trên", "-" as "đến"."""
    text = re.sub(r"\d+(?:,\d+)?", lambda m: read_decimal(m[0]), text)
    return text.replace("/", " trên ").replace("-", " đến ").replace(".", " chấm ").replace(":", " ")


def _date(m: re.Match) -> str:
    day, month = int(m["d"]), int(m["dm"])
    if not (1 <= day <= 31 and 1 <= month <= 12) or (m["sep"] != "/" and not (m["dy"] or m["dkw"])):
        return (m["dkw"] + " " if m["dkw"] else "") + _plain(m["d"] + m["sep"] + m["dm"]) + \
            (" " + _plain(m["dy"]) if m["dy"] else "")
    year = f" năm {read_number(int(m['dy']))}" if m["dy"] else ""
    return f"{m['dkw'] or 'ngày'} {read_day(day)} tháng {read_month(month)}{year}"


def _time(m: re.Match) -> str:
    hour, minute = int(m["h"]), m["hm"] or m["cm"] or m["gm"]
    if (hour > 24 and minute) or (minute and int(minute) > 59) or (m["cs"] and int(m["cs"]) > 59):
        return _plain(m[0].replace("h", " giờ "))  # not a time of day; "72h" is (72 hours)
    words = f"{read_number(hour)} giờ"
    if minute and int(minute):
        words += f" {read_number(int(minute))} phút"
    if m["cs"] and int(m["cs"]):
        words += f" {read_number(int(m['cs']))} giây"
    return words


def _spaced(m: re.Match) -> str:
    """A token's words, kept apart from letters or digits written against it ("2tháng")."""
    words, text = _token(m), m.string
    before = " " if m.start() > 0 and text[m.start() - 1].isalnum() else ""
    return before + words + (" " if m.end() < len(text) and text[m.end()].isalnum() else "")


def _token(m: re.Match) -> str:
    if m["word"] is not None:
        return _word(m)
    if m["num"] is not None:  # a long run of digits starting with 0 is a code or an account number
        return read_digits(m["num"]) if re.fullmatch(r"0\d{3,}", m["num"]) else read_decimal(m["num"])
    if m["url"] is not None:
        return _url(m["url"])
    if m["phone"] is not None:
        groups = ", ".join(read_digits(g) for g in re.split(r"[ .-]", m["phone"]))
        return ("cộng " if m["phone"].startswith("+") else "") + groups
    if m["doc"] is not None:
        return _doc(m["doc"])
    if m["docn"] is not None:
        return f"{read_decimal(m['docn'])} trên {read_number(int(m['docy']))}"
    if m["iso"] is not None:
        day, month = int(m["isod"]), int(m["isom"])
        if 1 <= day <= 31 and 1 <= month <= 12:
            return f"ngày {read_day(day)} tháng {read_month(month)} năm {read_number(int(m['iso']))}"
        return _plain(m[0])
    if m["qkw"] is not None:
        q = int(m["q"]) if m["q"].isdigit() else roman(m["q"])
        return f"{m['qkw']} {read_number(q)}" + (f" năm {read_number(int(m['qy']))}" if m["qy"] else "")
    if m["mm"] is not None:
        if 1 <= int(m["mm"]) <= 12:
            return f"{m['mkw'] or 'tháng'} {read_month(int(m['mm']))} năm {read_number(int(m['my']))}"
        return (m["mkw"] + " " if m["mkw"] else "") + _plain(f"{m['mm']}/{m['my']}")
    if m["d"] is not None:
        return _date(m)
    if m["daykw"] is not None:
        day = int(m["day"])
        return f"{m['daykw']} {read_day(day) if m['daykw'].lower() == 'ngày' else read_number(day)}"
    if m["monkw"] is not None:
        mon = int(m["mon"])
        return f"{m['monkw']} {read_month(mon) if 1 <= mon <= 12 else read_number(mon)}"
    if m["h"] is not None:
        return _time(m)
    if m["rkw"] is not None:
        value = roman(m["roman"])
        if value is None:
            return f"{m['rkw']} {spell(m['roman'])}"
        ordinal = m["rkw"].lower().endswith("thứ")
        return f"{m['rkw']} {read_ordinal(value) if ordinal else read_number(value)}"
    if m["okw"] is not None:
        return f"{m['okw']} {read_ordinal(int(m['ord']))}"
    if m["money"] is not None:
        mult = (m["mult"] or "").strip().replace("ngàn", "nghìn").replace("tỉ", "tỷ")
        words = " ".join(w for w in (read_decimal(m["money"]), mult, MONEY_UNITS[m["cur"].lower()]) if w)
        return words + (f" một {m['per']}" if m["per"] else "")
    if m["pct"] is not None:
        return read_decimal(m["pct"]) + " phần trăm"
    if m["qty"] is not None:
        return f"{read_decimal(m['qty'])} {MEASURES[m['unit']]}"
    if m["range"] is not None:
        return " đến "
    if m["comrade"] is not None:
        return "đồng chí"
    if m["etc"] is not None:  # "v.v." ends a sentence when what follows starts with a capital
        ends = m["etcdot"] and re.match(r"\s*(?:$|[A-ZĐÀ-Ỹ])", m.string[m.end():])
        return "vân vân" + ("." if ends else "")
    if m["slash"] is not None:
        return " một " if m["next"].lower() in PER_WORDS else ", "
    raise AssertionError(f"unhandled token {m[0]!r}")  # pragma: no cover


def _prepare(text: str) -> str:
    """NFC; list bullets dropped; a line without closing punctuation ends a sentence (a pause)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    text = re.sub(r"(?m)^[ \t]*[-–•*+][ \t]+", "", text)
    text = re.sub(r"(?<=[^\s.!?:;,])[ \t]*\n\s*", ". ", text.strip())
    return re.sub(r"\s+", " ", text)


def _tidy(text: str) -> str:
    """Symbols the voice would misread go; pauses stay; spaces are collapsed."""
    text = re.sub(r"[\"“”‘’«»*#_]|(?<!\w)'|'(?!\w)", "", text)
    text = re.sub(r"\s*[()\[\]]\s*", ", ", text)
    text = re.sub(r"\s+[-–—]+\s+|\s+[-–—]+(?=[,.;:!?]|$)", ", ", text)  # a dash between words: a pause
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)  # Covid-19, cô vít-mười chín
    for symbol, words in (("°", " độ "), ("℃", " độ xê "), ("&", " và "), ("%", " phần trăm"), ("/", " ")):
        text = text.replace(symbol, words)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+(?=[,.;:!?…])", "", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    text = re.sub(r",\s*(?=[.;:!?…])", "", text)
    text = re.sub(r"([.;:!?…])(?:\s*,)+", r"\1", text)
    return re.sub(r"^[\s,.;:]+", "", text).strip()


def normalize(text: str) -> str:
    """A Vietnamese notice as words a Vietnamese voice reads correctly (NFC, single spaces)."""
    return unicodedata.normalize("NFC", _tidy(TOKEN.sub(_spaced, _prepare(text))))
