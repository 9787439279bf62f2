"""Spreading: a wish that airings of one kind fall on different days, with an exact penalty."""

from .build import D, paid, problem, seg, solved

RULE = '[[rule]]\nid = "g"\nkind = "service_guide"\nquota = { per = "month", min = 2 }\n'
TWO = (("sáng", "05:30"), ("chiều", "17:00"))


def test_two_airings_of_a_kind_go_to_different_days():
    sol = solved(problem(RULE, [seg("g1", "service_guide"), seg("g2", "service_guide")],
                         sessions=TWO, start=D(2024, 3, 1), end=D(2024, 3, 2)))
    assert len({a.day for a in sol.airings}) == 2 and paid(sol, "spread") == 0


def test_two_on_one_day_pay_the_spread_weight_once():
    sol = solved(problem(RULE, [seg("g1", "service_guide"), seg("g2", "service_guide")],
                         sessions=TWO, start=D(2024, 3, 1), end=D(2024, 3, 1)))
    assert paid(sol, "spread") == 5 and sol.objective == 2 + 5
    assert [p.name for p in sol.penalties if p.rule == "spread"] == ["spread[service_guide|2024-03-01]"]
