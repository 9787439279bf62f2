"""The greedy slot-by-slot baseline: valid schedules, but it meets fewer obligations when it is tight."""

from radio_sched.scheduler.greedy import greedy
from radio_sched.scheduler.instance import Limits
from radio_sched.scheduler.validate import validate

from .build import D, problem, seg, solved

# two sessions a day of 300 s; a long program due in the first days, episodes that block the
# same days when filled first in plan order
TIGHT = ('[[rule]]\nid = "ep"\nkind = "district_episode"\neach_segment = { min = 1, within_days = 10 }\n'
         'max_per_session = 1\n'
         '[[rule]]\nid = "prog"\nkind = "provincial_program"\neach_segment = { min = 1, within_days = 2 }\n')


def tight():
    segs = [seg(f"ep{k}", seconds=150) for k in range(4)] + [seg("prog", "provincial_program", 280)]
    return problem(TIGHT, segs, capacity_s=300, start=D(2024, 3, 1), end=D(2024, 3, 10),
                   sessions=(("sáng", "05:30"), ("chiều", "17:00")), limits=Limits(max_items=2, gap_ms=1000,
                                                                                  intro_ms=5000, outro_ms=5000))


def test_greedy_is_valid_and_cp_sat_meets_more():
    p = tight()
    g = greedy(p)
    assert validate(p, g.airings, g.shortfalls) == []
    assert [s.segment for s in g.shortfalls] == ["prog"]  # the episodes took the first two days
    sol = solved(p)
    assert sol.shortfalls == ()


def test_greedy_counts_one_gap_fewer_than_parts():
    # no jingles: three 166 s guides and two 1 s gaps fill a 500 s session exactly
    rule = '[[rule]]\nid = "q"\nkind = "service_guide"\nquota = { per = "month", min = 3 }\n'
    p = problem(rule, [seg(f"g{k}", "service_guide", 166) for k in range(3)], capacity_s=500,
                start=D(2024, 3, 1), end=D(2024, 3, 1), limits=Limits(max_items=3, gap_ms=1000))
    g = greedy(p)
    assert [len(a.slugs) for a in g.airings] == [3] and g.shortfalls == ()
