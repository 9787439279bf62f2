"""A withdrawn segment: its window cut short owes nothing more (no shortfall), its max still holds,
and a window that closed before the withdrawal is judged as before."""

from .build import D, problem, seg, solved

EACH = '[[rule]]\nid = "ep"\nkind = "district_episode"\neach_segment = { min = 2, max = 2, within_days = 7 }\n'
OFF = {D(2024, 3, d): "bảo trì" for d in range(1, 11)}


def test_a_window_cut_short_by_a_withdrawal_owes_nothing():
    # valid 8/3.., withdrawn from 10/3: only 8 and 9 are left, both off the air
    cut = seg("ep1", start=D(2024, 3, 8), end=D(2024, 3, 9))._replace(withdrawn=True)
    sol = solved(problem(EACH, [cut], off_air=OFF))
    assert sol.airings == () and sol.shortfalls == ()


def test_without_the_withdrawal_the_same_window_is_short():
    sol = solved(problem(EACH, [seg("ep1", start=D(2024, 3, 8), end=D(2024, 3, 9))], off_air=OFF))
    (sf,) = sol.shortfalls
    assert (sf.rule, sf.segment, sf.required, sf.planned) == ("ep", "ep1", 2, 0)


def test_a_window_that_ends_before_the_withdrawal_is_still_owed():
    # window 11..17, withdrawn from 21/3: the window was whole, its two airings are owed
    early = seg("ep1", start=D(2024, 3, 11), end=D(2024, 3, 20))._replace(withdrawn=True)
    sol = solved(problem(EACH, [early]))
    days = [a.day for a in sol.airings]
    assert len(days) == 2 and all(D(2024, 3, 11) <= d <= D(2024, 3, 17) for d in days)
    assert sol.shortfalls == ()


def test_a_window_that_closed_before_the_withdrawal_is_judged_as_before():
    early = seg("ep1", start=D(2024, 3, 1), end=D(2024, 3, 20))._replace(withdrawn=True)
    sol = solved(problem(EACH, [early], off_air=OFF))
    (sf,) = sol.shortfalls  # window 1..7 ended before the withdrawal (21/3): still short
    assert (sf.segment, sf.start, sf.end, sf.required, sf.planned) == ("ep1", D(2024, 3, 1),
                                                                      D(2024, 3, 7), 2, 0)
