"""each_segment: every segment of the kind airs min..max times in its window; history and the next
month count; what cannot be done is a shortfall with a reason."""

from .build import D, days_of, paid, problem, reason, seg, solved

RULE = ('[[rule]]\nid = "ep"\nkind = "district_episode"\n'
        'each_segment = { min = 1, max = 2, within_days = 7 }\n')


def test_every_segment_airs_inside_its_window():
    segs = [seg(f"ep{k}", start=D(2024, 3, d), end=D(2024, 3, 31)) for k, d in enumerate((1, 8, 15, 22))]
    sol = solved(problem(RULE, segs))
    for k, d in enumerate((1, 8, 15, 22)):
        (day,) = days_of(sol, f"ep{k}")
        assert D(2024, 3, d) <= day <= D(2024, 3, d + 6)
    assert sol.shortfalls == () and sol.objective == 4


def test_a_window_all_off_air_is_a_shortfall_with_the_reason():
    off = {D(2024, 3, d): "bão số 3" for d in range(1, 8)}
    sol = solved(problem(RULE, [seg("ep1")], off_air=off))
    assert days_of(sol, "ep1") == []  # outside its window it would earn nothing
    (sf,) = sol.shortfalls
    assert (sf.rule, sf.segment, sf.required, sf.planned, sf.code) == ("ep", "ep1", 1, 0, "off_air")
    assert reason(sf) == ("no session in 2024-03-01..2024-03-07 is free: all 7 days are off-air "
                          "(bão số 3)")
    assert reason(sf, "vi").startswith("không còn buổi phát nào trống trong 2024-03-01..2024-03-07")


def test_max_holds_even_when_a_quota_asks_for_more():
    rule = RULE.replace("max = 2", "max = 1") + (
        '[[rule]]\nid = "q"\nkind = "district_episode"\nquota = { per = "month", min = 2 }\n')
    sol = solved(problem(rule, [seg("ep1", end=D(2024, 3, 7))]))
    assert len(days_of(sol, "ep1")) == 1
    (sf,) = sol.shortfalls
    assert (sf.rule, sf.required, sf.planned, sf.code) == ("q", 2, 1, "max_rule")
    assert reason(sf) == "rule ep allows at most 1 airings of district_episode in ep1, all taken"


def test_an_airing_last_month_counts_toward_a_window_that_crosses_into_this_one():
    ep = seg("ep1", start=D(2024, 2, 26))
    sol = solved(problem(RULE, [ep], history=[(D(2024, 2, 27), "sáng", "ep1", "district_episode")]))
    assert sol.airings == () and sol.shortfalls == ()


def test_history_counts_toward_max_too():
    rule = RULE.replace("max = 2", "max = 1").replace("min = 1", "min = 1")
    quota = '[[rule]]\nid = "q"\nkind = "district_episode"\nquota = { per = "month", min = 1 }\n'
    ep = seg("ep1", start=D(2024, 2, 28))
    sol = solved(problem(rule + quota, [ep], history=[(D(2024, 2, 28), "sáng", "ep1", "district_episode")]))
    # the quota wants one in March, but ep1's window (to 03-05) already has its one airing
    assert all(d > D(2024, 3, 5) for d in days_of(sol, "ep1"))
    assert len(days_of(sol, "ep1")) == 1


def test_a_window_running_into_next_month_is_finished_now_when_possible():
    ep = seg("ep1", start=D(2024, 3, 28), end=D(2024, 4, 30))
    sol = solved(problem(RULE, [ep], future_days=10))
    assert len(days_of(sol, "ep1")) == 1 and paid(sol, "ep") == 0


def test_a_window_next_month_can_finish_is_no_shortfall_but_pays_the_finish_weight():
    ep = seg("ep1", start=D(2024, 3, 28), end=D(2024, 4, 30))
    off = {D(2024, 3, d): "mất điện" for d in range(28, 32)}
    sol = solved(problem(RULE, [ep], future_days=10, off_air=off))
    assert sol.airings == () and sol.shortfalls == ()
    assert paid(sol, "ep") == 1000  # one airing left for April, at the "finish it now" weight


def test_a_window_next_month_cannot_finish_is_owed_now():
    ep = seg("ep1", start=D(2024, 3, 28), end=D(2024, 4, 30))
    off = {D(2024, 4, d): "lịch nghỉ" for d in range(1, 4)}
    off.update({D(2024, 3, d): "mất điện" for d in range(28, 31)})
    sol = solved(problem(RULE, [ep], future_days=10, off_air=off))
    assert days_of(sol, "ep1") == [D(2024, 3, 31)]
