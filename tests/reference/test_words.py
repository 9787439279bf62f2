"""What pages say instead of codes: weekdays, rule demands, kinds and unit names in words."""

from __future__ import annotations

import pytest

from radio_sched.core.i18n import using_lang
from radio_sched.reference.divisions import scope_choices, scope_labels
from radio_sched.reference.plan_rules import parse_rules, preset_rules_text
from radio_sched.reference.rule_words import how_often, kind_name, obligations, session_limits
from radio_sched.reference.session_templates import (
    capacity_seconds, describe_weekdays, parse_weekdays
)


@pytest.mark.parametrize("text, vi, en", [
    ("daily", "Hằng ngày", "Every day"),
    ("mon-sat", "Thứ Hai đến Thứ Bảy", "Monday to Saturday"),
    ("mon,wed,fri", "Thứ Hai, Thứ Tư, Thứ Sáu", "Monday, Wednesday, Friday"),
    ("sat-mon", "Thứ Bảy đến Thứ Hai", "Saturday to Monday"),
    ("t7,cn", "Thứ Bảy, Chủ nhật", "Saturday, Sunday"),
])
def test_weekdays_in_words(text, vi, en):
    assert describe_weekdays(parse_weekdays(text), "vi") == vi
    assert describe_weekdays(parse_weekdays(text), "en") == en


def test_capacity_from_minutes_and_seconds():
    assert capacity_seconds("10:00") == "600" and capacity_seconds(" 7:30 ") == "450"
    assert capacity_seconds("600") == "600" and capacity_seconds("7:75") == "7:75"


def test_rules_in_the_plans_words():
    rules = parse_rules(preset_rules_text("ha_tinh_2024_rules.toml"))
    assert how_often(rules.rule("district-episodes")) == [
        "mỗi số phát 1–2 lần trong 7 ngày kể từ ngày phát hành", "cách nhau ít nhất 3 ngày",
        "mỗi buổi nhiều nhất 1 mục"]
    assert how_often(rules.rule("model-citizen"))[:1] == ["1–2 lần mỗi tháng"]
    assert "ít nhất 2 lần mỗi tuần" in how_often(rules.rule("standing-column"))
    with using_lang("en"):
        assert how_often(rules.rule("model-citizen"))[0] == "1–2 times a month"
    assert kind_name("district_episode") == "Chuyên mục CCHC của huyện"
    assert kind_name("tin_bao_lu") == "tin_bao_lu"  # kinds are open
    ob = obligations(rules, {"province": "Toàn tỉnh"})
    assert {o.who for o in ob} == {"mọi đài xã trong tỉnh"}


def test_units_by_name_and_namesakes_told_apart(tiny):
    labels = scope_labels(tiny, ["province", "district:440", "commune:18073", "commune:18301",
                                 "commune:99999"])
    assert labels == {"province": "Toàn tỉnh", "district:440": "Huyện Hương Sơn",
                      "commune:18073": "Phường Nam Hà",
                      "commune:18301": "Xã Tân Lập (Huyện Đức Thọ)",
                      "commune:99999": "xã mã 99999"}
    choices = scope_choices(tiny)
    assert choices[0] == ("province", "Toàn tỉnh") and len(choices) == 1 + 3 + 5
    assert ("commune:18205", "Xã Tân Lập (Huyện Hương Sơn)") in choices


def test_the_jingles_are_named_by_their_titles_where_known():
    rules = parse_rules(preset_rules_text("ha_tinh_2024_rules.toml"), "preset")
    with using_lang("vi"):
        named = session_limits(rules, {"jingle-intro": "Nhạc hiệu mở đầu",
                                       "jingle-outro": "Nhạc hiệu kết thúc"})
        bare = session_limits(rules)
    assert "Chuyên mục mở đầu bằng 'Nhạc hiệu mở đầu' và kết thúc bằng 'Nhạc hiệu kết thúc'." in named
    assert "Chuyên mục mở đầu bằng 'jingle-intro' và kết thúc bằng 'jingle-outro'." in bare
