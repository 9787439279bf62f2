"""Pinned airings are kept exactly; frozen days carry only them; a reference version is kept close."""

import dataclasses

from radio_sched.scheduler.instance import Fixed, Limits

from .build import D, days_of, paid, problem, reason, seg, solved

RULE = ('[[rule]]\nid = "ep"\nkind = "district_episode"\neach_segment = { min = 1, max = 2, within_days = 7 }\n'
        'min_gap_days = 3\n')


def test_a_pinned_airing_is_kept_even_past_the_limits_and_counts():
    # the pinned session is longer than capacity and breaks nothing it is blamed for
    pins = [(D(2024, 3, 2), "sáng", ("ep1", "g1"))]
    segs = [seg("ep1"), seg("g1", "service_guide", 550)]
    sol = solved(problem(RULE, segs, pinned=pins, limits=Limits(gap_ms=1000)))
    assert sol.airings == (Fixed(D(2024, 3, 2), "sáng", ("ep1", "g1")),)
    assert sol.shortfalls == ()


def test_pinned_airings_are_respected_by_the_gap():
    rule = RULE.replace("min = 1", "min = 2")
    sol = solved(problem(rule, [seg("ep1")], pinned=[(D(2024, 3, 2), "sáng", ("ep1",))]))
    other = [d for d in days_of(sol, "ep1") if d != D(2024, 3, 2)]
    assert len(other) == 1 and abs((other[0] - D(2024, 3, 2)).days) >= 3


def test_frozen_days_carry_only_what_is_pinned():
    sol = solved(problem(RULE, [seg("ep1")], frozen_before=D(2024, 3, 5)))
    assert days_of(sol, "ep1") and min(days_of(sol, "ep1")) >= D(2024, 3, 5)


def test_all_frozen_window_is_explained_as_past():
    sol = solved(problem(RULE, [seg("ep1")], frozen_before=D(2024, 3, 9)))
    (sf,) = sol.shortfalls
    assert sf.code == "past"


def test_a_window_half_past_half_off_air_says_both():
    # a re-plan from the 5th; the 5th-7th are off the air: the 7-day window of the 1st is lost, and
    # the reason must not claim that all 7 days were off the air
    sol = solved(problem(RULE, [seg("ep1", end=D(2024, 3, 7))], frozen_before=D(2024, 3, 5),
                         off_air={D(2024, 3, d): "bão" for d in (5, 6, 7)}))
    (sf,) = sol.shortfalls
    assert sf.code == "past_off_air"
    assert reason(sf) == ("no session in 2024-03-01..2024-03-07 is free: the days before 2024-03-05 "
                          "are already fixed and the other 3 days are off-air (bão)")
    assert "các ngày trước 2024-03-05 đã cố định, 3 ngày còn lại đều ngừng phát (bão)" in reason(sf, "vi")


def test_a_reference_is_kept_and_a_change_costs_its_weight():
    segs = [seg(f"ep{k}", start=D(2024, 3, d)) for k, d in enumerate((1, 8, 15, 22))]
    base = problem(RULE, segs)
    first = solved(base)
    ref = [tuple(a) for a in first.airings]
    again = solved(dataclasses.replace(base, reference=tuple(Fixed(*r) for r in ref)))
    assert again.airings == first.airings and paid(again, "change") == 0
    # the day of the first episode goes off the air: exactly that episode moves; two sessions
    # change: the one now off the air (whatever the schedule does) and the one it moves to
    lost = first.airings[0]
    slots = tuple(s._replace(off_air="mất điện") if (s.day, s.session) == (lost.day, lost.session) else s
                  for s in base.slots)
    moved = solved(dataclasses.replace(base, slots=slots, reference=tuple(Fixed(*r) for r in ref)))
    assert set(moved.airings) ^ set(first.airings) == {lost, *[a for a in moved.airings
                                                                if a not in first.airings]}
    (new,) = [a for a in moved.airings if a not in first.airings]
    assert paid(moved, "change") == 400
    assert sorted(p.name for p in moved.penalties if p.rule == "change") == sorted(
        [f"change[{lost.day}|{lost.session}]", f"change[{new.day}|{new.session}]"])


def test_a_session_that_cannot_stay_as_it_was_costs_one_change_whatever_is_planned():
    # the reference aired ep0 on the 2nd; ep0 is now too long for any session: that session
    # changes in every schedule, so it is one change (a constant), not a choice
    segs = [seg("ep0", seconds=700), seg("ep1", seconds=100)]
    ref = (Fixed(D(2024, 3, 2), "sáng", ("ep0",)),)
    sol = solved(problem(RULE, segs, reference=ref))
    assert [p.name for p in sol.penalties if p.rule == "change"] == ["change[2024-03-02|sáng]"]
    assert paid(sol, "change") == 200


def test_pinned_wins_over_the_solver_choice():
    p = problem(RULE, [seg("ep1"), seg("ep2")], pinned=[(D(2024, 3, 6), "sáng", ("ep2", "ep1"))])
    sol = solved(p)
    assert Fixed(D(2024, 3, 6), "sáng", ("ep2", "ep1")) in sol.airings  # pinned order kept too
