"""Where a rules file's keys are written (tomllib gives no positions): each error of a refused
file carries its line; next year's file is this year's with the year moved on."""

from __future__ import annotations

import pytest

from radio_sched.core.errors import Conflict, InputErrors
from radio_sched.reference.plan_rules import (
    line_of, load_rules, next_year_rules, parse_rules, preset_rules_text, rule_lines,
    start_next_year
)

TRICKY = '''# comments, a multi-line array and string, dotted and quoted keys
[plan]
name = "Kế hoạch [thử] = 1"
year = 2024
source = """một dòng
[[rule]]
id = "không phải quy tắc"
"""

[[rule]]
id = "a"
kind = "model_citizen"
prefer_sessions = [
  "sáng",
  "chiều [muộn]",
]
quota.per = "fortnight"
"min_gap_days" = 0

[[ rule ]]  # spaced header
id = "b"
kind = "x"
each_segment = { min = 2, max = 1, within_days = 7 }
'''


def test_every_key_has_its_line():
    lines = rule_lines(TRICKY)
    assert lines["plan"] == 2 and lines["plan.year"] == 4 and lines["plan.source"] == 5
    assert lines["rule[#1]"] == 10 and lines["rule[a].kind"] == 12
    assert lines["rule[a].prefer_sessions"] == 13
    assert lines["rule[#1].quota.per"] == 17 and lines["rule[a].min_gap_days"] == 18
    assert lines["rule[#2]"] == 20 and lines["rule[b].each_segment.max"] == 23
    assert "rule[không phải quy tắc].id" not in lines and "rule[#3]" not in lines
    # a key not written is placed at its nearest written parent
    assert line_of(lines, "rule[b].quota.min") == 20 and line_of(lines, "session.gap_s") is None


def test_each_error_of_a_refused_file_is_at_its_line():
    with pytest.raises(InputErrors) as err:
        parse_rules(TRICKY, "p.toml")
    got = {(e.line, e.column) for e in err.value.errors}
    assert {(17, "rule[a].quota.per"), (18, "rule[a].min_gap_days"),
            (23, "rule[b].each_segment")} <= got, got
    assert "p.toml, dòng 17, cột 'rule[a].quota.per'" in str(err.value)


def test_a_repeated_id_is_placed_at_the_second_rule():
    text = '[plan]\nname = "x"\nyear = 2024\n[[rule]]\nid = "a"\nkind = "k"\nmin_gap_days = 1\n' \
           '[[rule]]\nid = "a"\nkind = "k"\nmin_gap_days = 0\n'
    with pytest.raises(InputErrors) as err:
        parse_rules(text)
    assert {(e.line, e.column) for e in err.value.errors} == {
        (9, "rule[a].id"), (11, "rule[a].min_gap_days"), (8, "rule[a]")}  # the second rule


def test_broken_toml_names_its_line():
    with pytest.raises(InputErrors) as err:
        parse_rules('[plan]\nname = "x"\nyear = \n', "p.toml")
    assert err.value.errors[0].line == 3


def test_next_years_file_keeps_the_obligations(session):
    text = preset_rules_text("ha_tinh_2024_rules.toml")
    nxt = next_year_rules(text)
    a, b = parse_rules(text), parse_rules(nxt)
    assert (b.year, b.name) == (2025, a.name.replace("2024", "2025"))
    assert b.rules == a.rules and b.session == a.session and b.issuer == a.issuer
    assert [line for line in nxt.splitlines() if line not in text.splitlines()] == [
        f'name = "{b.name}"', "year = 2025"]
    load_rules(session, text=text)
    plan = start_next_year(session, 2024)
    assert (plan.year, plan.active, len(plan.rules)) == (2025, True, len(a.rules))
    with pytest.raises(Conflict):
        start_next_year(session, 2024)
