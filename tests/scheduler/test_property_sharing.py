"""Random groups of alike stations (own items, own lengths, own outages, history of earlier months,
pins, a reference, frozen days): the canonical problem has the station's optimum, and a shared
solve gives every station a valid schedule as good as solving it alone."""

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st

from radio_sched.scheduler.canonical import canonical
from radio_sched.scheduler.instance import Aired, Fixed, StationInfo, StationInstance
from radio_sched.scheduler.sharing import solve_stations
from radio_sched.scheduler.solve import solve
from radio_sched.scheduler.validate import validate

from .test_property import KINDS, problems


@st.composite
def groups(draw):
    p = draw(problems())
    day = lambda: p.start + dt.timedelta(days=draw(st.integers(0, (p.end - p.start).days)))  # noqa: E731
    # items of an earlier month, each station its own: in the history, never in the problem
    earlier = draw(st.lists(st.tuples(st.integers(1, 12), st.sampled_from(KINDS)), max_size=3))
    reference = None
    if p.segments and draw(st.booleans()):
        rows = {}
        for _ in range(draw(st.integers(1, 6))):
            slot = draw(st.sampled_from(p.slots))
            rows[(slot.day, slot.session)] = tuple(dict.fromkeys(
                draw(st.lists(st.sampled_from([s.slug for s in p.segments]), min_size=1, max_size=2))))
        reference = tuple(Fixed(d, s, slugs) for (d, s), slugs in sorted(rows.items()))
    frozen = day() if draw(st.booleans()) else None
    members = []
    for k in range(draw(st.integers(3, 5))):
        own = {s.slug: f"{s.slug}-xa{k}" for s in p.segments if s.local}
        ren = lambda slug: own.get(slug, slug)  # noqa: E731
        longer = draw(st.sampled_from([0, 0, 5, 40])) * 1000  # lengths differ between stations
        segments = tuple(s._replace(slug=ren(s.slug),
                                    duration_ms=s.duration_ms + (longer if s.local else 0))
                         for s in p.segments)
        history = [Aired(a.day, a.session, ren(a.slug), a.kind) for a in p.history]
        history += [Aired(p.start - dt.timedelta(days=n), "sáng", f"old-{kind}-xa{k}", kind)
                    for n, kind in earlier]
        slots = p.slots
        if draw(st.booleans()):  # an outage of its own
            lost = day()
            slots = tuple(s._replace(off_air="bão") if s.day == lost else s for s in slots)
        fix = lambda rows: tuple(Fixed(f.day, f.session, tuple(map(ren, f.slugs))) for f in rows)  # noqa: E731
        problem = dataclasses.replace(
            p, slots=slots, segments=segments, history=tuple(sorted(history)), pinned=fix(p.pinned),
            reference=None if reference is None else fix(reference), frozen_before=frozen)
        members.append(StationInstance(StationInfo(k + 1, f"{k + 1}", f"Xã {k + 1}"), problem))
    return members


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups())
def test_shared_solves_equal_solo_solves(members):
    shared, _ = solve_stations(members, jobs=1, time_limit=5.0)
    for si in members:
        alone = solve(si.problem, time_limit=5.0)
        mine = shared[si.station.id]
        issues = validate(si.problem, mine.airings, mine.shortfalls)
        assert issues == [], [str(i.message) for i in issues]
        if alone.status == mine.status == "optimal":
            assert mine.objective == alone.objective
            cp, _ = canonical(si.problem)
            assert solve(cp, time_limit=5.0).objective == alone.objective
