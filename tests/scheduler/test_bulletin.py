"""Bulletins alone on tiny instances: an urgent one in every open session of its days, first after
the intro, displacing what does not fit (made good later); a priority one once a day, first."""

from radio_sched.scheduler.instance import Limits

from .build import D, days_of, problem, seg, solved

TWO = (("sáng", "05:30"), ("chiều", "17:00"))
EACH = ('[[rule]]\nid = "ep"\nkind = "district_episode"\n'
        'each_segment = { min = 1, max = 1, within_days = 10 }\n')


def urgent(start=D(2024, 3, 5), end=D(2024, 3, 7), seconds=200):
    return seg("khan", "bulletin_urgent", seconds, start, end)


def test_an_urgent_bulletin_airs_first_in_every_session_of_its_days():
    eps = [seg("ep1", start=D(2024, 3, 5), end=D(2024, 3, 31), seconds=50)]
    sol = solved(problem(EACH, eps + [urgent()], sessions=TWO, capacity_s=300,
                         limits=Limits(max_items=3, gap_ms=0)))
    carrying = [(a.day, a.session) for a in sol.airings if "khan" in a.slugs]
    assert carrying == [(D(2024, 3, d), s) for d in (5, 6, 7) for s in ("sáng", "chiều")]
    assert all(a.slugs[0] == "khan" for a in sol.airings if "khan" in a.slugs)


def test_what_does_not_fit_beside_it_is_made_good_after_its_days():
    # 300 s sessions: the 200 s bulletin leaves 100 s, so the 150 s episode due 5..14 waits until 8
    eps = [seg("ep1", start=D(2024, 3, 5), end=D(2024, 3, 31), seconds=150)]
    sol = solved(problem(EACH, eps + [urgent()], sessions=TWO, capacity_s=300,
                         limits=Limits(max_items=3, gap_ms=0)))
    (day,) = days_of(sol, "ep1")
    assert day >= D(2024, 3, 8) and sol.shortfalls == ()


def test_max_items_counts_the_bulletin():
    eps = [seg(f"ep{k}", start=D(2024, 3, 5), end=D(2024, 3, 31), seconds=10) for k in range(3)]
    sol = solved(problem(EACH.replace("within_days = 10", "within_days = 1"), eps + [urgent()],
                         sessions=TWO, capacity_s=600, limits=Limits(max_items=2, gap_ms=0)))
    # the three episodes are each owed on 5/3 alone: two sessions, one place each beside the bulletin
    assert sorted(len(a.slugs) for a in sol.airings if a.day == D(2024, 3, 5)) == [2, 2]
    (sf,) = sol.shortfalls
    assert (sf.rule, sf.required, sf.planned) == ("ep", 1, 0)


def test_pinned_sessions_of_the_day_stay_and_the_rest_carry_it():
    pinned = [(D(2024, 3, 5), "sáng", ())]
    sol = solved(problem("", [urgent()], sessions=TWO, pinned=pinned, frozen_before=D(2024, 3, 5)))
    assert [(a.day.day, a.session) for a in sol.airings] == [
        (5, "chiều"), (6, "sáng"), (6, "chiều"), (7, "sáng"), (7, "chiều")]


def test_a_priority_bulletin_airs_once_a_day_first_among_the_items():
    eps = [seg("ep1", start=D(2024, 3, 5), end=D(2024, 3, 31), seconds=50)]
    prio = seg("uu-tien", "bulletin_priority", 60, D(2024, 3, 5), D(2024, 3, 8))
    sol = solved(problem(EACH, eps + [prio], sessions=TWO, capacity_s=300,
                         limits=Limits(max_items=3, gap_ms=0)))
    assert days_of(sol, "uu-tien") == [D(2024, 3, d) for d in (5, 6, 7, 8)]
    assert all(a.slugs[0] == "uu-tien" for a in sol.airings if "uu-tien" in a.slugs)
    assert [p for p in sol.penalties if p.rule == "bulletin"] == []


def test_a_priority_bulletin_that_cannot_air_pays_one_obligation_a_day():
    prio = seg("uu-tien", "bulletin_priority", 60, D(2024, 3, 5), D(2024, 3, 8))
    off = {D(2024, 3, 6): "mất điện", D(2024, 3, 7): "mất điện"}
    sol = solved(problem("", [prio], sessions=TWO, off_air=off))
    assert days_of(sol, "uu-tien") == [D(2024, 3, 5), D(2024, 3, 8)]
    # off-air days have no session to put it in: nothing is owed there, nothing is paid
    assert [p for p in sol.penalties if p.rule == "bulletin"] == []


def test_a_priority_bulletin_crowded_out_by_an_urgent_one_pays_one_obligation_a_day():
    # one 300 s session a day: the 200 s urgent bulletin on 5..7 leaves no room for the 150 s one
    prio = seg("uu-tien", "bulletin_priority", 150, D(2024, 3, 5), D(2024, 3, 8))
    sol = solved(problem("", [prio, urgent()], capacity_s=300, limits=Limits(max_items=3, gap_ms=0)))
    assert days_of(sol, "uu-tien") == [D(2024, 3, 8)] and days_of(sol, "khan") == [
        D(2024, 3, 5), D(2024, 3, 6), D(2024, 3, 7)]
    paid = [p for p in sol.penalties if p.rule == "bulletin"]
    assert [p.name for p in paid] == [f"bulletin[2024-03-0{d}|uu-tien]" for d in (5, 6, 7)]
    assert {(p.units, p.weight) for p in paid} == {(1, sol.stats["obligation_weight"])}
