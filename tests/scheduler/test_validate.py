"""The validator catches every kind of broken rule on schedules made by hand (no solver)."""

import pytest

from radio_sched.scheduler.instance import Fixed, Limits, Shortfall

from .build import D, problem, seg
from radio_sched.scheduler.validate import validate

RULES = ('[[rule]]\nid = "ep"\nkind = "district_episode"\neach_segment = { min = 1, max = 1, within_days = 7 }\n'
         'min_gap_days = 3\nmax_per_session = 1\n'
         '[[rule]]\nid = "g"\nkind = "service_guide"\nquota = { per = "month", min = 0, max = 2 }\n')
SEGS = [seg("ep1", seconds=200, end=D(2024, 3, 20)), seg("ep2", seconds=200), seg("g1", "service_guide", 100),
        seg("g2", "service_guide", 100), seg("g3", "service_guide", 100), seg("late", start=D(2024, 3, 20)),
        seg("tune", "jingle", 5), seg("fit", "service_guide", 107), seg("over", "service_guide", 107.001)]
LIM = Limits(max_items=2, gap_ms=1000, intro_ms=10_000, outro_ms=10_000)
P = problem(RULES, SEGS, limits=LIM, capacity_s=330, off_air={D(2024, 3, 10): "bão"},
            pinned=[(D(2024, 3, 25), "sáng", ("g1",))])
OK = [Fixed(D(2024, 3, 1), "sáng", ("ep1", "g1")), Fixed(D(2024, 3, 25), "sáng", ("g1",)),
      Fixed(D(2024, 3, 20), "sáng", ("late",))]


def codes(airings, shortfalls=()):
    return sorted(i.code for i in validate(P, airings, shortfalls))


def test_a_good_schedule_has_no_issue():
    # ep2 (window 03-01..03-07) is missing, declared as a shortfall with the right counts
    sf = Shortfall("ep", "district_episode", "ep2", D(2024, 3, 1), D(2024, 3, 7), 1, 0)
    assert codes(OK, [sf]) == []


@pytest.mark.parametrize("airing, code", [
    (Fixed(D(2024, 3, 2), "sáng", ("g2", "g3", "ep2")), "max_items"),
    (Fixed(D(2024, 3, 2), "sáng", ("ep2", "over")), "capacity"),
    (Fixed(D(2024, 3, 10), "sáng", ("g2",)), "off_air"),
    (Fixed(D(2024, 3, 2), "chiều", ("g2",)), "no_session"),
    (Fixed(D(2024, 3, 2), "sáng", ("late",)), "not_valid"),
    (Fixed(D(2024, 3, 2), "sáng", ("nope",)), "unknown_segment"),
    (Fixed(D(2024, 3, 2), "sáng", ("tune",)), "jingle_item"),
    (Fixed(D(2024, 3, 2), "sáng", ("g2", "g2")), "duplicate_item"),
    (Fixed(D(2024, 3, 2), "sáng", ()), "empty_airing"),
    (Fixed(D(2024, 3, 25), "sáng", ("g2",)), "pinned_changed"),
])
def test_each_broken_rule_is_named(airing, code):
    sf = Shortfall("ep", "district_episode", "ep2", D(2024, 3, 1), D(2024, 3, 7), 1, 0)
    base = [a for a in OK if (a.day, a.session) != (airing.day, airing.session)]
    assert code in codes(base + [airing], [sf])


def test_capacity_counts_jingles_and_gaps_to_the_millisecond():
    # intro 10 + outro 10 + 200 + 107 + three 1-second gaps = 330 s: exactly the capacity
    assert "capacity" not in codes([Fixed(D(2024, 3, 2), "sáng", ("ep2", "fit"))] + OK[1:])
    assert "capacity" in codes([Fixed(D(2024, 3, 2), "sáng", ("ep2", "over"))] + OK[1:])


def test_two_episodes_in_one_session_break_max_per_session():
    assert "max_per_session" in codes([Fixed(D(2024, 3, 2), "sáng", ("ep2", "late"))] + OK)


def test_gap_max_and_shortfall_bookkeeping():
    bad = OK + [Fixed(D(2024, 3, 3), "sáng", ("ep1",)), Fixed(D(2024, 3, 4), "sáng", ("g2",))]
    found = codes(bad)
    assert {"min_gap", "max", "undeclared_shortfall"} <= set(found)
    wrong = Shortfall("ep", "district_episode", "ep2", D(2024, 3, 1), D(2024, 3, 7), 1, 1)
    assert "wrong_shortfall" in codes(OK, [wrong])
    false = Shortfall("ep", "district_episode", "ep1", D(2024, 3, 1), D(2024, 3, 7), 1, 0)
    sf = Shortfall("ep", "district_episode", "ep2", D(2024, 3, 1), D(2024, 3, 7), 1, 0)
    assert codes(OK, [sf, false]) == ["false_shortfall"]


def test_a_missing_pinned_airing_is_named():
    sf = Shortfall("ep", "district_episode", "ep2", D(2024, 3, 1), D(2024, 3, 7), 1, 0)
    assert codes([OK[0], OK[2]], [sf]) == ["pinned_missing"]


def test_messages_are_bilingual_and_say_where():
    (issue,) = validate(P, [OK[0], OK[1], OK[2], Fixed(D(2024, 3, 10), "sáng", ("ep2",))],
                        [Shortfall("ep", "district_episode", "ep2", D(2024, 3, 1), D(2024, 3, 7), 1, 0)])
    assert issue.message.render("en") == "2024-03-10 sáng is off-air (bão)"
    assert issue.message.render("vi") == "2024-03-10 sáng là buổi ngừng phát (bão)"


def test_the_validator_counts_one_gap_fewer_than_parts():
    # no jingles, gap 1 s: 2 x 249.5 s + 1 gap = 500 s fits 500 s; 2 x 250 s + 1 gap = 501 s does not
    segs = [seg("a", "service_guide", 249.5), seg("b", "service_guide", 249.5),
            seg("c", "service_guide", 250), seg("d", "service_guide", 250)]
    p = problem(RULES, segs, limits=Limits(max_items=2, gap_ms=1000), capacity_s=500,
                start=D(2024, 3, 1), end=D(2024, 3, 1))
    assert validate(p, [Fixed(D(2024, 3, 1), "sáng", ("a", "b"))], ()) == []
    (issue,) = validate(p, [Fixed(D(2024, 3, 1), "sáng", ("c", "d"))], ())
    assert issue.code == "capacity"
    assert issue.message.render("en") == ("2024-03-01 sáng lasts 501.0 s with jingles and gaps; the "
                                          "session allows 500 s")
