"""min_gap_days: airings of one segment at a station at least g days apart, across months too."""

from .build import D, days_of, problem, reason, seg, solved

RULE = ('[[rule]]\nid = "ep"\nkind = "district_episode"\neach_segment = { min = MIN, within_days = W }\n'
        'min_gap_days = 3\n')


def rule(min_, within):
    return RULE.replace("MIN", str(min_)).replace("W", str(within))


def test_two_airings_keep_the_gap():
    sol = solved(problem(rule(2, 7), [seg("ep1")]))
    a, b = days_of(sol, "ep1")
    assert (b - a).days >= 3


def test_gap_allows_fewer_than_required_gives_a_shortfall():
    sol = solved(problem(rule(3, 5), [seg("ep1")]))
    assert len(days_of(sol, "ep1")) == 2  # days 1 and 4 (or 2 and 5): a third cannot fit in 5 days
    (sf,) = sol.shortfalls
    assert (sf.required, sf.planned, sf.code) == (3, 2, "min_gap")
    assert reason(sf) == ("rule ep keeps 3 days between airings of ep1: only 2 fit in "
                          "2024-03-01..2024-03-05")


def test_the_gap_reaches_back_into_last_month():
    ep = seg("ep1", start=D(2024, 2, 27))
    history = [(D(2024, 2, 29), "sáng", "ep1", "district_episode")]
    sol = solved(problem(rule(2, 6), [ep], history=history))  # window 02-27..03-03
    assert days_of(sol, "ep1") == [D(2024, 3, 3)]


def test_two_sessions_on_one_day_are_too_close():
    two = (("sáng", "05:30"), ("chiều", "17:00"))
    sol = solved(problem(rule(2, 1), [seg("ep1")], sessions=two))
    assert len(days_of(sol, "ep1")) == 1
    assert [s.code for s in sol.shortfalls] == ["min_gap"]


def test_without_a_gap_rule_two_sessions_on_one_day_are_fine():
    two = (("sáng", "05:30"), ("chiều", "17:00"))
    no_gap = rule(2, 1).replace("min_gap_days = 3\n", "")
    sol = solved(problem(no_gap, [seg("ep1")], sessions=two))
    assert days_of(sol, "ep1") == [D(2024, 3, 1)] * 2
