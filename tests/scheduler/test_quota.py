"""quota: airings of any segment of the kind per calendar period; weeks cross months; soft quotas."""

from radio_sched.core.periods import calendar_period

from .build import D, paid, problem, reason, seg, solved

WEEKLY = '[[rule]]\nid = "guides"\nkind = "service_guide"\nquota = { per = "week", min = 2, max = 3 }\n'


def guides(n=4, start=D(2024, 1, 1), end=D(2024, 12, 31)):
    return [seg(f"g{k}", "service_guide", 60, start, end) for k in range(n)]


def per_week(sol):
    out = {}
    for a in sol.airings:
        out[calendar_period("week", a.day).label] = out.get(calendar_period("week", a.day).label, 0) + len(a.slugs)
    return out


def test_each_iso_week_gets_its_two_airings():
    sol = solved(problem(WEEKLY, guides()))
    # March 2024: 1-3 are the end of W09 (no history: owed now), then W10..W13 whole
    assert per_week(sol) == {"2024-W09": 2, "2024-W10": 2, "2024-W11": 2, "2024-W12": 2, "2024-W13": 2}
    assert sol.shortfalls == ()


def test_a_week_crossing_into_next_month_is_left_to_it_when_this_month_cannot():
    # April 2024 ends on Tuesday 30: W18 runs on to Sunday 5 May, which can still take two airings
    off = {D(2024, 4, 29): "bảo trì", D(2024, 4, 30): "bảo trì"}
    sol = solved(problem(WEEKLY, guides(), start=D(2024, 4, 1), end=D(2024, 4, 30), future_days=5,
                         off_air=off))
    assert "2024-W18" not in per_week(sol) and sol.shortfalls == ()
    assert paid(sol, "guides") == 2 * 1000  # two airings left for May at the "finish it now" weight


def test_the_part_of_a_week_after_the_month_is_done_now_when_it_can_be():
    sol = solved(problem(WEEKLY, guides(), start=D(2024, 4, 1), end=D(2024, 4, 30), future_days=5))
    assert per_week(sol)["2024-W18"] == 2 and paid(sol, "guides") == 0


def test_earlier_airings_of_the_week_count():
    history = [(D(2024, 2, 26), "sáng", "g0", "service_guide"), (D(2024, 2, 28), "sáng", "g1", "service_guide")]
    sol = solved(problem(WEEKLY, guides(), history=history))
    assert "2024-W09" not in per_week(sol)


def test_no_segment_of_the_kind_is_a_shortfall_that_says_so():
    rule = '[[rule]]\nid = "mc"\nkind = "model_citizen"\nquota = { per = "month", min = 1 }\n'
    sol = solved(problem(rule, guides()))
    (sf,) = sol.shortfalls
    assert (sf.rule, sf.segment, sf.required, sf.planned, sf.code) == ("mc", None, 1, 0, "no_segment")
    assert reason(sf) == "no model_citizen segment was supplied for this commune in 2024-03"
    assert reason(sf, "vi") == "không có tin loại model_citizen nào được cung cấp cho xã này trong 2024-03"


def test_max_per_period_is_hard():
    rule = WEEKLY.replace("min = 2, max = 3", "min = 0, max = 1") + (
        '[[rule]]\nid = "each"\nkind = "service_guide"\neach_segment = { min = 1, within_days = 3 }\n')
    sol = solved(problem(rule, guides(2, D(2024, 3, 4), D(2024, 3, 31))))
    assert per_week(sol) == {"2024-W10": 1}
    (sf,) = sol.shortfalls
    assert (sf.rule, sf.code) == ("each", "max_rule")
    assert reason(sf) == "rule guides allows at most 1 airings of service_guide in 2024-W10, all taken"


def test_a_soft_quota_is_a_wish_never_a_shortfall():
    rule = '[[rule]]\nid = "column"\nkind = "*"\nquota = { per = "week", min = 2 }\nsoft = true\n'
    sol = solved(problem(rule, [], start=D(2024, 3, 4), end=D(2024, 3, 10)))
    assert sol.shortfalls == () and paid(sol, "column") == 2 * 50


def test_a_soft_quota_is_met_with_any_cchc_item():
    rule = '[[rule]]\nid = "column"\nkind = "*"\nquota = { per = "week", min = 2 }\nsoft = true\n'
    segs = [seg("mc", "model_citizen", 100), seg("intro", "jingle", 5)]
    sol = solved(problem(rule, segs, start=D(2024, 3, 4), end=D(2024, 3, 10)))
    # only one CCHC item exists: it airs twice (two days, so no spreading cost); the jingle never does
    assert sorted(s for a in sol.airings for s in a.slugs) == ["mc", "mc"]
    assert paid(sol, "column") == 0 and sol.objective == 2


def test_quarterly_quota_counts_the_quarter_so_far():
    rule = '[[rule]]\nid = "prog"\nkind = "provincial_program"\nquota = { per = "quarter", min = 1, max = 1 }\n'
    prog = seg("p1", "provincial_program", 400, D(2024, 1, 1), D(2024, 3, 31))
    history = [(D(2024, 1, 15), "sáng", "p1", "provincial_program")]
    sol = solved(problem(rule, [prog], history=history))
    assert sol.airings == ()  # January already gave the quarter its one airing, and max is 1
    sol = solved(problem(rule, [prog]))
    assert len(sol.airings) == 1
