"""[session] limits: capacity counts intro, outro and gaps; max_items; an empty session airs nothing."""

from radio_sched.scheduler.instance import Limits

from .build import D, paid, problem, reason, seg, solved

QUOTA3 = '[[rule]]\nid = "q"\nkind = "service_guide"\nquota = { per = "month", min = 3 }\n'
ONE_DAY = dict(start=D(2024, 3, 1), end=D(2024, 3, 1))


def guides(n, seconds):
    return [seg(f"g{k}", "service_guide", seconds) for k in range(n)]


def test_items_jingles_and_gaps_fit_the_capacity():
    # intro 10 + outro 10 + 3 x 150 + 4 gaps of 1 s = 474 s <= 500
    lim = Limits(max_items=3, gap_ms=1000, intro_ms=10_000, outro_ms=10_000)
    sol = solved(problem(QUOTA3, guides(3, 150), capacity_s=500, limits=lim, **ONE_DAY))
    assert [len(a.slugs) for a in sol.airings] == [3]
    assert sol.shortfalls == ()


def test_capacity_short_by_the_jingles_gives_a_shortfall():
    # 3 x 160 s = 480 s of items, but with jingles and gaps 504 s > 500: only two fit
    lim = Limits(max_items=3, gap_ms=1000, intro_ms=10_000, outro_ms=10_000)
    sol = solved(problem(QUOTA3, guides(3, 160), capacity_s=500, limits=lim, **ONE_DAY))
    assert [len(a.slugs) for a in sol.airings] == [2]
    (sf,) = sol.shortfalls
    assert (sf.rule, sf.segment, sf.required, sf.planned, sf.code) == ("q", None, 3, 2, "capacity")
    assert reason(sf) == "the 1 free sessions in 2024-03-01..2024-03-01 are full with other obligations"


def test_max_items_caps_a_session():
    sol = solved(problem(QUOTA3, guides(4, 10), limits=Limits(max_items=2, gap_ms=0), **ONE_DAY))
    assert [len(a.slugs) for a in sol.airings] == [2]
    assert [(s.required, s.planned) for s in sol.shortfalls] == [(3, 2)]


def test_a_segment_longer_than_any_session_is_explained():
    rule = '[[rule]]\nid = "ep"\nkind = "district_episode"\neach_segment = { min = 1, within_days = 7 }\n'
    lim = Limits(max_items=3, gap_ms=1000, intro_ms=8000, outro_ms=6000)
    sol = solved(problem(rule, [seg("long", seconds=900)], limits=lim))
    assert sol.airings == ()
    (sf,) = sol.shortfalls
    assert sf.code == "too_long" and sf.segment == "long"
    assert reason(sf) == "segment long lasts 900 s, the longest session allows 584 s"
    assert reason(sf, "vi") == "tin long dài 900 giây, buổi phát dài nhất chỉ cho 584 giây"


def test_each_item_costs_one_so_schedules_stay_lean():
    sol = solved(problem(QUOTA3, guides(5, 10), **ONE_DAY))
    assert sum(len(a.slugs) for a in sol.airings) == 3  # no item beyond what is required
    # three items of one kind on one day also pay the spreading wish for the two beyond the first
    assert paid(sol, "item") == 3 and paid(sol, "spread") == 2 * 5 and sol.objective == 13


# p parts (intro, items, outro) have p - 1 gaps: a plan without jingles pays a gap only between items

def test_without_jingles_three_items_pay_two_gaps():
    # 3 x 166 s + 2 gaps of 1 s = 500 s: exactly the capacity (items + 1 gaps would be 502 s)
    lim = Limits(max_items=3, gap_ms=1000)
    assert lim.length_ms([166_000] * 3) == 500_000
    sol = solved(problem(QUOTA3, guides(3, 166), capacity_s=500, limits=lim, **ONE_DAY))
    assert [len(a.slugs) for a in sol.airings] == [3] and sol.shortfalls == ()


def test_with_an_intro_only_three_items_pay_three_gaps():
    # intro 10 s + 3 x 163 s + 3 gaps = 502 s > 500 s, but 10 + 3 x 162 + 3 = 499 s fits
    lim = Limits(max_items=3, gap_ms=1000, intro_ms=10_000)
    assert lim.length_ms([162_000] * 3) == 499_000
    assert [len(a.slugs) for a in solved(problem(QUOTA3, guides(3, 163), capacity_s=500, limits=lim,
                                                 **ONE_DAY)).airings] == [2]
    assert [len(a.slugs) for a in solved(problem(QUOTA3, guides(3, 162), capacity_s=500, limits=lim,
                                                 **ONE_DAY)).airings] == [3]


def test_a_single_item_may_fill_a_session_without_jingles():
    # the 280 s provincial programme in a 280 s session: no gap at all (one part)
    lim = Limits(max_items=3, gap_ms=1000)
    assert lim.allowance_ms(280_000) == 280_000 and lim.length_ms([280_000]) == 280_000
    rule = '[[rule]]\nid = "prog"\nkind = "provincial_program"\neach_segment = { min = 1, within_days = 1 }\n'
    sol = solved(problem(rule, [seg("prog", "provincial_program", 280)], capacity_s=280, limits=lim,
                         **ONE_DAY))
    assert [a.slugs for a in sol.airings] == [("prog",)] and sol.shortfalls == ()


def test_the_longest_item_allowed_is_explained_without_the_missing_jingles():
    # outro 6 s only: one item with one gap may take 600 - 6 - 1 = 593 s
    rule = '[[rule]]\nid = "ep"\nkind = "district_episode"\neach_segment = { min = 1, within_days = 7 }\n'
    lim = Limits(max_items=3, gap_ms=1000, outro_ms=6000)
    sol = solved(problem(rule, [seg("long", seconds=900)], limits=lim))
    (sf,) = sol.shortfalls
    assert reason(sf) == "segment long lasts 900 s, the longest session allows 593 s"


def test_the_planner_and_the_renderer_count_a_session_alike():
    from radio_sched.production.session_audio import planned_length_s

    for intro, outro in ((0, 0), (8, 0), (0, 6), (8, 6)):
        lim = Limits(max_items=3, gap_ms=1500, intro_ms=intro * 1000, outro_ms=outro * 1000)
        for items in ([100], [100, 50], [100, 50, 25]):
            parts = ([intro] if intro else []) + items + ([outro] if outro else [])
            assert lim.length_ms([s * 1000 for s in items]) == planned_length_s(parts, 1.5) * 1000
