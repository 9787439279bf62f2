"""Vietnamese notices normalised for speech: each expected reading is written out in full, by hand."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from radio_sched.production.speech_numbers import (read_decimal, read_digits, read_number,
                                                    read_ordinal, roman)
from radio_sched.production.speech_text import ABBREVIATIONS, LETTERS, normalize, spell

Y2024 = "hai nghìn không trăm hai mươi tư"
Y2025 = "hai nghìn không trăm hai mươi lăm"

NOTICES = [
    # dates: d/m/yyyy, dd/mm/yyyy, d-m-yyyy, ngày d/m, d/m without "ngày", "mồng" for days 1-10
    ("Từ ngày 15/3/2024, UBND xã tiếp nhận hồ sơ TTHC từ 7h30 đến 17h.",
     f"Từ ngày mười lăm tháng ba năm {Y2024}, Ủy ban nhân dân xã tiếp nhận hồ sơ thủ tục hành "
     "chính từ bảy giờ ba mươi phút đến mười bảy giờ."),
    ("Hạn nộp hồ sơ là ngày 15/03/2024.",
     f"Hạn nộp hồ sơ là ngày mười lăm tháng ba năm {Y2024}."),
    ("Lịch tiếp dân: 15-3-2024.",
     f"Lịch tiếp dân: ngày mười lăm tháng ba năm {Y2024}."),
    ("Hội nghị diễn ra ngày 15/3 tại hội trường UBND xã.",
     "Hội nghị diễn ra ngày mười lăm tháng ba tại hội trường Ủy ban nhân dân xã."),
    ("Từ 1/4 đến 30/4, xã tổ chức cấp CCCD lưu động.",
     "Từ ngày mồng một tháng tư đến ngày ba mươi tháng tư, xã tổ chức cấp căn cước công dân lưu động."),
    ("Ngày 5 tháng 1 năm 2025, HĐND xã họp kỳ thứ 14.",
     f"Ngày mồng năm tháng một năm {Y2025}, Hội đồng nhân dân xã họp kỳ thứ mười bốn."),
    ("Kết quả quý IV/2024 được báo cáo trước ngày 10/12/2024.",
     f"Kết quả quý bốn năm {Y2024} được báo cáo trước ngày mồng mười tháng mười hai năm {Y2024}."),
    ("Từ 1/7/2025, tỉnh có 69 xã, phường; NĐ-CP quy định rõ.",
     f"Từ ngày mồng một tháng bảy năm {Y2025}, tỉnh có sáu mươi chín xã, phường; nghị định của "
     "Chính phủ quy định rõ."),
    ("Tháng 4/2024, 100% xã hoàn thành số hóa hồ sơ TTHC.",
     f"Tháng tư năm {Y2024}, một trăm phần trăm xã hoàn thành số hóa hồ sơ thủ tục hành chính."),
    ("Quý 1/2024 có 1.000 lượt người dùng DVCTT, tăng 110 lượt.",
     f"Quý một năm {Y2024} có một nghìn lượt người dùng dịch vụ công trực tuyến, tăng một trăm mười "
     "lượt."),
    # times and weekdays
    ("Bộ phận một cửa làm việc từ thứ 2 đến thứ 6, buổi sáng từ 07:30 đến 11:30.",
     "Bộ phận một cửa làm việc từ thứ hai đến thứ sáu, buổi sáng từ bảy giờ ba mươi phút đến mười "
     "một giờ ba mươi phút."),
    ("Sáng thứ 4 và thứ 7 hằng tuần tiếp nhận hồ sơ BHXH, BHYT.",
     "Sáng thứ tư và thứ bảy hằng tuần tiếp nhận hồ sơ bảo hiểm xã hội, bảo hiểm y tế."),
    ("Buổi chiều làm việc từ 13 giờ 30 đến 17 giờ.",
     "Buổi chiều làm việc từ mười ba giờ ba mươi phút đến mười bảy giờ."),
    ("Chương trình phát lúc 5h30 và 17h00 hằng ngày.",
     "Chương trình phát lúc năm giờ ba mươi phút và mười bảy giờ hằng ngày."),
    ("Thời gian tiếp nhận: 7h30 - 11h30 các ngày từ thứ 2 đến thứ 6.",
     "Thời gian tiếp nhận: bảy giờ ba mươi phút đến mười một giờ ba mươi phút các ngày từ thứ hai "
     "đến thứ sáu."),
    # phone numbers, digit by digit, a pause between groups
    ("Mọi thắc mắc xin liên hệ số điện thoại 0239 3855 123.",
     "Mọi thắc mắc xin liên hệ số điện thoại không hai ba chín, ba tám năm năm, một hai ba."),
    ("Gọi đường dây nóng 1900 1234 hoặc 0912.345.678 để được hỗ trợ.",
     "Gọi đường dây nóng một chín không không, một hai ba bốn hoặc không chín một hai, ba bốn năm, "
     "sáu bảy tám để được hỗ trợ."),
    ("Tổng đài 1800 1091 miễn phí cuộc gọi.",
     "Tổng đài một tám không không, một không chín một miễn phí cuộc gọi."),
    # money, percentages, measures
    ("Lệ phí cấp bản sao trích lục là 8.000 đồng/bản.",
     "Lệ phí cấp bản sao trích lục là tám nghìn đồng một bản."),
    ("Mức phạt từ 500.000đ đến 1.000.000đ.",
     "Mức phạt từ năm trăm nghìn đồng đến một triệu đồng."),
    ("Hỗ trợ 1,5 triệu đồng cho mỗi hộ nghèo.",
     "Hỗ trợ một phẩy năm triệu đồng cho mỗi hộ nghèo."),
    ("Tổng kinh phí 2.000.000 VNĐ do UBND tỉnh cấp.",
     "Tổng kinh phí hai triệu đồng do Ủy ban nhân dân tỉnh cấp."),
    ("Ngân sách xã năm 2025 là 1.000.000.000 đồng.",
     f"Ngân sách xã năm {Y2025} là một tỷ đồng."),
    ("Dự án có tổng vốn 1.005.000 triệu đồng.",
     "Dự án có tổng vốn một triệu không trăm linh năm nghìn triệu đồng."),
    ("Năm 2024, tỷ lệ hồ sơ trực tuyến đạt 85%.",
     f"Năm {Y2024}, tỷ lệ hồ sơ trực tuyến đạt tám mươi lăm phần trăm."),
    ("Chỉ số PCI năm 2023 của tỉnh tăng 3,5 điểm, DDCI tăng 12,75 điểm.",
     "Chỉ số pê xê i năm hai nghìn không trăm hai mươi ba của tỉnh tăng ba phẩy năm điểm, đê đê xê "
     "i tăng mười hai phẩy bảy mươi lăm điểm."),
    ("Thị trấn có 1.250.000 m2 đất nông nghiệp.",
     "Thị trấn có một triệu hai trăm năm mươi nghìn mét vuông đất nông nghiệp."),
    ("Bão số 3 gây mưa 150 mm, gió giật 90 km/h.",
     "Bão số ba gây mưa một trăm năm mươi mi li mét, gió giật chín mươi ki lô mét một giờ."),
    # counts: linh, mốt, lăm, mười/mươi
    ("Xã có 2.024 hộ gia đình, trong đó 105 hộ nghèo và 21 hộ cận nghèo.",
     "Xã có hai nghìn không trăm hai mươi tư hộ gia đình, trong đó một trăm linh năm hộ nghèo và "
     "hai mươi mốt hộ cận nghèo."),
    ("Đợt 1 có 15 hồ sơ, đợt 2 có 25 hồ sơ, đợt 3 có 11 hồ sơ.",
     "Đợt một có mười lăm hồ sơ, đợt hai có hai mươi lăm hồ sơ, đợt ba có mười một hồ sơ."),
    ("Trong thời hạn 05 ngày làm việc, kể từ ngày nhận đủ hồ sơ theo QĐ của UBND tỉnh.",
     "Trong thời hạn năm ngày làm việc, kể từ ngày nhận đủ hồ sơ theo quyết định của Ủy ban nhân "
     "dân tỉnh."),
    ("Kỳ họp thứ 4 HĐND huyện khóa XX diễn ra ngày 24/12.",
     "Kỳ họp thứ tư Hội đồng nhân dân huyện khóa hai mươi diễn ra ngày hai mươi tư tháng mười hai."),
    # document numbers: number, "trên", year, the code spelled
    ("Thực hiện Thông tư số 01/2024/TT-BTTTT của Bộ TT&TT.",
     f"Thực hiện Thông tư số một trên {Y2024} trên tê tê gạch bê tê tê tê tê của Bộ Thông tin và "
     "Truyền thông."),
    ("Căn cứ Quyết định số 123/QĐ-UBND ngày 20/01/2024 của UBND huyện.",
     f"Căn cứ Quyết định số một trăm hai mươi ba trên quy đê gạch u bê en đê ngày hai mươi tháng một "
     f"năm {Y2024} của Ủy ban nhân dân huyện."),
    ("Theo Nghị định 107/2021/NĐ-CP, người dân có thể nộp hồ sơ qua DVCTT.",
     "Theo Nghị định một trăm linh bảy trên hai nghìn không trăm hai mươi mốt trên en đê gạch xê pê, "
     "người dân có thể nộp hồ sơ qua dịch vụ công trực tuyến."),
    ("Kế hoạch số 45/2024 của UBND xã.",
     f"Kế hoạch số bốn mươi lăm trên {Y2024} của Ủy ban nhân dân xã."),
    # abbreviations
    ("Sở KH&CN tỉnh Hà Tĩnh triển khai CSDL dân cư.",
     "Sở Khoa học và Công nghệ tỉnh Hà Tĩnh triển khai cơ sở dữ liệu dân cư."),
    ("Người dân kích hoạt tài khoản VNeID mức 2 tại Công an xã.",
     "Người dân kích hoạt tài khoản vê en e i đi mức hai tại Công an xã."),
    ("Học sinh THPT được hướng dẫn đăng ký DVC trên Cổng dịch vụ công.",
     "Học sinh trung học phổ thông được hướng dẫn đăng ký dịch vụ công trên Cổng dịch vụ công."),
    ("Ban Thường trực MTTQ xã phối hợp tuyên truyền CCHC.",
     "Ban Thường trực Mặt trận Tổ quốc xã phối hợp tuyên truyền cải cách hành chính."),
    ("UBND TP. Hà Tĩnh và UBND TX Hồng Lĩnh ký kết giao ước thi đua.",
     "Ủy ban nhân dân thành phố Hà Tĩnh và Ủy ban nhân dân thị xã Hồng Lĩnh ký kết giao ước thi đua."),
    ("Đóng BHXH tự nguyện, BHYT hộ gia đình, v.v. tại đại lý thu của xã.",
     "Đóng bảo hiểm xã hội tự nguyện, bảo hiểm y tế hộ gia đình, vân vân tại đại lý thu của xã."),
    ("Người dân đến nhận kết quả mang theo CCCD (bản chính).",
     "Người dân đến nhận kết quả mang theo căn cước công dân, bản chính."),
    ("Cài ứng dụng VNeID, quét mã QR để tra cứu kết quả TTHC.",
     "Cài ứng dụng vê en e i đi, quét mã kiu a để tra cứu kết quả thủ tục hành chính."),
    ("Truy cập dichvucong.gov.vn để nộp hồ sơ trực tuyến.",
     "Truy cập dịch vụ công chấm gốp chấm vê en để nộp hồ sơ trực tuyến."),
    # a notice as typed: a heading, lines without full stops, a bullet
    ("THÔNG BÁO\nVề việc cấp CCCD\n- Thời gian: 7h30, ngày 2/10/2024",
     f"THÔNG BÁO. Về việc cấp căn cước công dân. Thời gian: bảy giờ ba mươi phút, ngày mồng hai "
     f"tháng mười năm {Y2024}"),
]


@pytest.mark.parametrize(("text", "spoken"), NOTICES, ids=[t[:40] for t, _ in NOTICES])
def test_notice(text, spoken):
    assert normalize(text) == spoken


def test_the_table_is_long_enough():
    assert len(NOTICES) >= 30


NUMBERS = [
    (0, "không"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"), (15, "mười lăm"),
    (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"),
    (101, "một trăm linh một"), (104, "một trăm linh bốn"), (105, "một trăm linh năm"),
    (110, "một trăm mười"), (111, "một trăm mười một"), (1_000, "một nghìn"),
    (1_005, "một nghìn không trăm linh năm"), (1_005_000, "một triệu không trăm linh năm nghìn"),
    (1_000_500, "một triệu năm trăm"), (2_024, "hai nghìn không trăm hai mươi tư"),
    (1_234_567, "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy"),
    (10**9, "một tỷ"), (1_000_000_005, "một tỷ không trăm linh năm"),
    (2_005 * 10**9, "hai nghìn không trăm linh năm tỷ"), (10**12, "một nghìn tỷ"),
    (10**15, "một triệu tỷ"), (10**15 + 21, "một triệu tỷ không trăm hai mươi mốt"), (-7, "âm bảy"),
]


@pytest.mark.parametrize(("n", "words"), NUMBERS)
def test_read_number(n, words):
    assert read_number(n) == words


@pytest.mark.parametrize(("written", "words"), [
    ("1.000", "một nghìn"), ("1.005.000", "một triệu không trăm linh năm nghìn"),
    ("2.024", "hai nghìn không trăm hai mươi tư"), ("1.000.000.000", "một tỷ"),
    ("1.250.000", "một triệu hai trăm năm mươi nghìn"), ("3,5", "ba phẩy năm"),
    ("12,75", "mười hai phẩy bảy mươi lăm"), ("0,05", "không phẩy không năm"),
    ("1.250,5", "một nghìn hai trăm năm mươi phẩy năm"), ("3.2", "ba chấm hai"),
])
def test_read_decimal(written, words):
    assert read_decimal(written) == words


_VALUES = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
           "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def _parse(words: str) -> int:
    """Words back to the number, to check read_number against arithmetic rather than examples."""
    big = acc = group = pending = 0
    for w in words.split():
        if w in _VALUES:
            pending = _VALUES[w]
        elif w in ("trăm", "mươi"):
            group += pending * (100 if w == "trăm" else 10)
            pending = 0
        elif w == "mười":
            group += 10
        elif w in ("nghìn", "triệu"):
            acc += (group + pending) * (1000 if w == "nghìn" else 10**6)
            group = pending = 0
        elif w == "tỷ":
            big, acc, group, pending = (big + acc + group + pending) * 10**9, 0, 0, 0
        else:
            assert w == "linh", w
    return big + acc + group + pending


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.integers(min_value=0, max_value=10**18))
def test_read_number_round_trip(n):
    words = read_number(n)
    assert _parse(words) == n
    # mốt, tư only after mươi; lăm only after mười or mươi; linh only before a units digit
    assert not re.search(r"\d|mười (mốt|tư|năm)|mươi (một|bốn|năm)\b|linh (mốt|tư|lăm|mười)"
                         r"|không mươi|(^|tỷ |nghìn |triệu |trăm )(mốt|tư|lăm)", words)


def test_digits_ordinals_roman():
    assert read_digits("0239") == "không hai ba chín"
    assert [read_ordinal(n) for n in (1, 2, 4, 7, 14)] == ["nhất", "hai", "tư", "bảy", "mười bốn"]
    assert [roman(r) for r in ("I", "IV", "IX", "XIV", "XX", "IIII", "")] == [1, 4, 9, 14, 20, None, None]


@pytest.mark.parametrize(("text", "spoken"), [
    ("ngày 15/3", "ngày mười lăm tháng ba"),  # never "ngày ngày"
    ("15/3", "ngày mười lăm tháng ba"),
    ("Ngày 30/4 và 1/5", "Ngày ba mươi tháng tư và ngày mồng một tháng năm"),
    ("2024-03-15", f"ngày mười lăm tháng ba năm {Y2024}"),
    ("tháng 4", "tháng tư"), ("tháng 1", "tháng một"), ("tháng 11", "tháng mười một"),
    ("tháng 12/2024", f"tháng mười hai năm {Y2024}"),
    ("ngày 32/13", "ngày ba mươi hai trên mười ba"),  # no such date: read as numbers
    ("5-10 ngày", "năm đến mười ngày"),  # a range, not the 5th of October
    ("07:05", "bảy giờ năm phút"), ("7h", "bảy giờ"), ("17 giờ 30 phút", "mười bảy giờ ba mươi phút"),
    ("trong 72h", "trong bảy mươi hai giờ"), ("thứ 1", "thứ nhất"), ("lần thứ IV", "lần thứ tư"),
    ("+84 912 345 678", "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám"),
    ("0912345678", "không chín một hai ba bốn năm sáu bảy tám"),
    ("12,5%", "mười hai phẩy năm phần trăm"), ("50.000 đồng/người", "năm mươi nghìn đồng một người"),
    ("2 tỷ đồng", "hai tỷ đồng"), ("100 ngàn đồng", "một trăm nghìn đồng"),
    ("nhiệt độ 35-37°C", "nhiệt độ ba mươi lăm đến ba mươi bảy độ xê"),
    ("15 ha", "mười lăm héc ta"), ("TP.HCM", "thành phố Hồ Chí Minh"),
    ("TT Phố Châu", "thị trấn Phố Châu"), ("TT 39", "thông tư ba mươi chín"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"), ("KT-XH", "kinh tế xã hội"),
    ("mã OTP qua SMS", "mã o tê pê qua ét em ét"),  # acronyms the table does not know: spelled
    ("BAN CHỈ ĐẠO", "BAN CHỈ ĐẠO"),  # capitals that are Vietnamese words stay
    ("Đ/c Chủ tịch", "đồng chí Chủ tịch"), ("Covid-19", "cô vít mười chín"),
    ("giấy tờ, v.v. Sau đó", "giấy tờ, vân vân. Sau đó"),
    ("Email: xa@hatinh.gov.vn", "i meo: xa a còng Hà Tĩnh chấm gốp chấm vê en"),
    ("Xin hỏi? Có! Được;  vâng…", "Xin hỏi? Có! Được; vâng…"),  # pauses kept, spaces collapsed
])
def test_forms(text, spoken):
    assert normalize(text) == spoken


def test_output_is_nfc_single_spaced_and_has_no_digits():
    decomposed = unicodedata.normalize("NFD", "Ủy  ban\tnhân dân  xã thông báo: 15  hộ được hỗ trợ.")
    out = normalize(decomposed)
    assert out == "Ủy ban nhân dân xã thông báo: mười lăm hộ được hỗ trợ."
    assert unicodedata.is_normalized("NFC", out)
    for text, _ in NOTICES:
        assert not re.search(r"\d", normalize(text))


def test_tables():
    for key, words in ABBREVIATIONS.items():
        assert unicodedata.is_normalized("NFC", key) and words and not re.search(r"\d", words)
    assert set(LETTERS) >= set("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ")
    assert spell("HTX2") == "hát tê ích hai"
    assert normalize("UBND HĐND TTHC CCHC BHXH BHYT CCCD DVC DVCTT TX CSDL THPT MTTQ QĐ") == (
        "Ủy ban nhân dân Hội đồng nhân dân thủ tục hành chính cải cách hành chính bảo hiểm xã hội "
        "bảo hiểm y tế căn cước công dân dịch vụ công dịch vụ công trực tuyến thị xã cơ sở dữ liệu "
        "trung học phổ thông Mặt trận Tổ quốc quyết định")
