"""Names as people read them: scopes by unit name and date, rules, sessions, weekdays, statuses."""

import datetime as dt

import pytest

from radio_sched.core.i18n import using_lang
from radio_sched.core.models import Unit
from radio_sched.reference.labels import (
    both, counts_label, job_kind_label, kind_label, rule_label, rule_title, scope_label,
    session_label, status_label, weekdays_label
)
from radio_sched.reference.plan_rules import parse_rules, preset_rules_text
from radio_sched.scheduler.plan import Quota, Rule

pytestmark = pytest.mark.all_backends


def test_a_scope_reads_as_its_units_name_on_the_day(tiny):
    assert scope_label(tiny, "province") == "Toàn tỉnh"
    assert scope_label(tiny, "province:42") == "Tỉnh Hà Tĩnh"
    assert scope_label(tiny, "district:440") == "Huyện Hương Sơn"
    assert scope_label(tiny, "commune:18073") == "Phường Nam Hà"
    with using_lang("en"):
        assert scope_label(tiny, "province") == "Whole province"
        assert scope_label(tiny, "district:999") == "district 999"
    assert scope_label(tiny, "district:999") == "huyện 999"  # no unit has the code: still words
    assert scope_label(tiny, "nonsense") == "nonsense"
    # a unit renamed from a date: the name of the day asked, else the newest
    unit = tiny.query(Unit).filter_by(level="district", code="440").one()
    unit.valid_until = dt.date(2025, 6, 30)
    tiny.add(Unit(level="district", code="440", name="Huyện Hương Sơn mới", province_code="42",
                  valid_from=dt.date(2025, 7, 1)))
    tiny.flush()
    assert scope_label(tiny, "district:440", on=dt.date(2024, 3, 1)) == "Huyện Hương Sơn"
    assert scope_label(tiny, "district:440", on=dt.date(2025, 8, 1)) == "Huyện Hương Sơn mới"
    assert scope_label(tiny, "district:440") == "Huyện Hương Sơn mới"


def test_a_rule_reads_as_its_title_or_a_short_label():
    plan = parse_rules(preset_rules_text("ha_tinh_2024_rules.toml"))
    labels = {r.id: rule_label(r, plan.rules) for r in plan.rules}
    assert labels["provincial-program"] == "Chương trình chuyên đề, mỗi quý"
    assert labels["provincial-program-relay"] == "Chương trình chuyên đề, mỗi số trong 30 ngày"
    assert labels["district-episodes"] == "Chuyên mục CCHC của huyện"
    assert len(set(labels.values())) == len(labels)  # each column header names one rule
    with using_lang("en"):
        assert rule_label(plan.rule("provincial-program"), plan.rules) == \
            "Provincial programme, quarterly"
    assert rule_title(plan.rule("model-citizen")).startswith("Tin \"Gương điển hình")
    own = Rule(id="radio-quiz", kind="radio_quiz", quota=Quota("month", 1))  # a province's own kind
    assert rule_title(own) == rule_label(own) == "radio quiz"
    assert kind_label("radio_quiz") == "radio quiz"


def test_sessions_weekdays_statuses_and_jobs_in_words():
    assert session_label("sáng") == "sáng"  # the stored name, in Vietnamese
    with using_lang("en"):
        assert [session_label(s) for s in ("sáng", "Chiều", "buổi tối", "giữa trưa")] == \
            ["morning", "afternoon", "evening", "giữa trưa"]
        assert weekdays_label("daily") == "every day"
        assert counts_label({"aired": 8, "missed": 1, "partial": 0}) == "8 aired, 1 missed"
    assert weekdays_label("daily") == "hằng ngày"
    assert weekdays_label("mon-sat") == "Thứ Hai đến Thứ Bảy"
    assert weekdays_label("mon,wed,fri") == "Thứ Hai, Thứ Tư, Thứ Sáu"
    assert weekdays_label("sat-sun") == "Thứ Bảy, Chủ Nhật"
    assert weekdays_label("xyz") == "xyz"
    assert counts_label({"aired": 8, "missed": 1}) == "8 đã phát, 1 không phát"
    assert [status_label(s) for s in ("done", "failed", "running", "unreported")] == \
        ["đã xong", "thất bại", "đang chạy", "chưa báo cáo"]
    assert job_kind_label("render") == "dựng âm thanh"
    said = both(job_kind_label, "plan")  # worked out in both languages, rendered later
    assert (said.render("vi"), said.render("en")) == ("lập lịch", "planning")
