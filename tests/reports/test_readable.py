"""Shortfalls as the pages word them: titles, kinds in words, dd/mm/yyyy; ids stay in the rows."""

from __future__ import annotations

from radio_sched.reports.readable import reason_words, span_text


def test_a_missing_kind_is_named_in_words_with_its_dates():
    sf = {"code": "no_segment", "params": {"kind": "provincial_program", "start": "2026-10-01",
                                           "end": "2026-12-31", "label": "2026-10-01..2026-12-31"}}
    words = reason_words(sf, rules={}, titles={})
    assert words["vi"] == ("không có tin loại Chương trình chuyên đề CCHC của tỉnh nào được cung "
                           "cấp cho xã này trong 01/10/2026–31/12/2026")
    assert "provincial_program" not in words["en"] and "2026-10-01" not in words["en"]


def test_items_and_rules_by_title_and_a_month_in_words():
    sf = {"code": "min_gap", "params": {"gap_rule": "report-gap", "gap": 7, "segment": "bc-03",
                                        "fits": 1, "start": "2026-12-01", "end": "2026-12-31"}}
    words = reason_words(sf, rules={"report-gap": "Phóng sự cách nhau 7 ngày"},
                         titles={"bc-03": "Phóng sự tháng 12"})
    assert words["vi"] == ("quy tắc Phóng sự cách nhau 7 ngày yêu cầu cách nhau 7 ngày giữa các lần "
                           "phát Phóng sự tháng 12: trong 01/12/2026–31/12/2026 chỉ xếp được 1 lần")
    assert span_text("2026-12") in ("tháng 12 năm 2026", "December 2026")


def test_a_row_without_a_reason_code_keeps_its_stored_text():
    sf = {"code": "", "reason": {"vi": "lý do cũ", "en": "old reason"}}
    assert reason_words(sf, rules={}, titles={}) == {"vi": "lý do cũ", "en": "old reason"}
