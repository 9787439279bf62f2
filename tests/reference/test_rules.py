"""The plan rules file: the shipped plans parse; every mistake is reported with where it is."""

import pytest
from sqlalchemy import select

from radio_sched.core.errors import InputErrors, NotFound
from radio_sched.core.models import Plan
from radio_sched.reference.plan_rules import DATA, active_plan, load_rules, parse_rules

pytestmark = pytest.mark.all_backends

KINDS_OF_THE_BRIEF = {"provincial_program", "provincial_report", "district_episode", "service_guide",
                      "model_citizen", "home_affairs", "*"}


def test_shipped_2024_plan_covers_every_commune_obligation():
    plan = parse_rules((DATA / "ha_tinh_2024_rules.toml").read_text())
    assert plan.year == 2024 and plan.session.intro == "jingle-intro"
    assert {r.kind for r in plan.rules} == KINDS_OF_THE_BRIEF
    for r in plan.rules:
        assert r.title and r.source, r.id
    district = plan.rule("district-episodes")
    assert (district.each_segment.min, district.each_segment.max, district.each_segment.within_days) == (1, 2, 7)
    assert plan.rule("model-citizen").prefer_sessions == ("sáng",)
    assert plan.rule("standing-column").soft


def test_2025_plan_has_no_district_rule():
    plan = parse_rules((DATA / "ha_tinh_2025_rules.toml").read_text())
    assert plan.year == 2025
    assert "district_episode" not in {r.kind for r in plan.rules}
    # from 2025 the Department of Science and Technology issues the reports
    assert plan.issuer == "Sở Khoa học và Công nghệ tỉnh Hà Tĩnh"


BAD = """
[plan]
name = "x"
year = 2024
[session]
max_itemz = 3
[[rule]]
id = "a"
kind = "model_citizen"
quota = { per = "fortnight", min = 3, max = 1 }
[[rule]]
id = "a"
kind = "district_episode"
each_segment = { min = 1, within_days = 0 }
min_gap_days = "three"
[[rule]]
id = "empty"
kind = "x"
"""


def test_every_mistake_is_reported_with_its_place():
    with pytest.raises(InputErrors) as err:
        parse_rules(BAD, "plan.toml")
    msg = str(err.value)
    for where in ["session.max_itemz", "rule[a].quota.per", "fortnight", "rule[a].quota",
                  "rule[a].id", "rule[a].each_segment.within_days", "rule[a].min_gap_days",
                  "rule[empty]"]:
        assert where in msg, where


def test_toml_syntax_error_is_a_clear_message():
    with pytest.raises(InputErrors, match="TOML"):
        parse_rules("[plan\nname=", "p.toml")


def test_load_is_idempotent_and_a_new_file_replaces_the_year(session, tmp_path):
    f = DATA / "ha_tinh_2024_rules.toml"
    plan, created = load_rules(session, f)
    assert created and len(plan.rules) == 8
    assert load_rules(session, f)[1] is False
    changed = tmp_path / "r.toml"
    changed.write_text(f.read_text().replace("max_items = 3", "max_items = 2"))
    plan2, created = load_rules(session, changed)
    assert created
    assert [p.active for p in session.scalars(select(Plan).order_by(Plan.id))] == [False, True]
    assert active_plan(session, 2024)[1].session.max_items == 2
    with pytest.raises(NotFound, match="2023"):
        active_plan(session, 2023)


def test_a_year_without_rules_says_where_the_web_loads_them(session):
    with pytest.raises(NotFound) as err:
        active_plan(session, 2027)
    vi, en = err.value.message.render("vi"), err.value.message.render("en")
    assert "Quản trị › Quy tắc kế hoạch (/admin/rules/)" in vi and "2027" in vi
    assert "Administration › Plan rules (/admin/rules/)" in en
