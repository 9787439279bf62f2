"""max_per_session: items of the rule's kind in one session at most."""

from .build import D, problem, reason, seg, solved

RULE = ('[[rule]]\nid = "ep"\nkind = "district_episode"\neach_segment = { min = 1, within_days = 1 }\n'
        'max_per_session = 1\n')
TWO = (("sáng", "05:30"), ("chiều", "17:00"))


def test_two_episodes_due_the_same_day_go_to_different_sessions():
    sol = solved(problem(RULE, [seg("a"), seg("b")], sessions=TWO))
    assert sorted(len(a.slugs) for a in sol.airings) == [1, 1]
    assert {a.day for a in sol.airings} == {D(2024, 3, 1)}


def test_one_session_takes_one_and_the_other_is_short():
    sol = solved(problem(RULE, [seg("a"), seg("b")]))
    assert [len(a.slugs) for a in sol.airings] == [1]
    (sf,) = sol.shortfalls
    assert (sf.required, sf.planned, sf.code) == (1, 0, "capacity")
    assert reason(sf, "vi") == "1 buổi phát còn trống trong 2024-03-01..2024-03-01 đã kín bởi các nghĩa vụ khác"


def test_other_kinds_still_share_the_session():
    rule = RULE + '[[rule]]\nid = "g"\nkind = "service_guide"\neach_segment = { min = 1, within_days = 1 }\n'
    sol = solved(problem(rule, [seg("a"), seg("g1", "service_guide")]))
    assert [sorted(a.slugs) for a in sol.airings] == [["a", "g1"]]
