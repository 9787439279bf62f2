"""Random small stations and plans: every schedule CP-SAT (and the greedy baseline) makes validates."""

import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st

from radio_sched.scheduler.plan import EachSegment, Quota, Rule
from radio_sched.scheduler.greedy import greedy
from radio_sched.scheduler.instance import Aired, Fixed, Limits, Problem, SegmentInfo, Slot
from radio_sched.scheduler.solve import solve
from radio_sched.scheduler.validate import validate

KINDS = ["district_episode", "service_guide", "model_citizen"]
SESSIONS = [("sáng", "05:30"), ("chiều", "17:00")]


@st.composite
def problems(draw):
    year, mon = 2024, draw(st.integers(1, 12))
    start = dt.date(year, mon, 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    first = start - dt.timedelta(days=10)
    sessions = SESSIONS[:draw(st.integers(1, 2))]
    caps = {name: draw(st.sampled_from([60, 120, 300, 600])) for name, _ in sessions}
    off = draw(st.sets(st.integers(0, 40), max_size=12))

    def slots(a, b):
        out, day = [], a
        while day <= b:
            for name, at in sessions:
                why = "off" if (day - start).days in off else None
                out.append(Slot(day, name, at, caps[name] * 1000, why))
            day += dt.timedelta(days=1)
        return tuple(out)

    future_days = draw(st.integers(0, 10))
    segments = []
    for n in range(draw(st.integers(0, 6))):
        a = first + dt.timedelta(days=draw(st.integers(0, 40)))
        b = a + dt.timedelta(days=draw(st.integers(0, 30)))
        segments.append(SegmentInfo(f"s{n}", draw(st.sampled_from(KINDS)),
                                    draw(st.integers(5, 400)) * 1000, a, b, draw(st.booleans())))
    rules = []
    for n, kind in enumerate(draw(st.lists(st.sampled_from(KINDS + ["*"]), max_size=4))):
        lo = draw(st.integers(0, 3))
        hi = draw(st.one_of(st.none(), st.integers(max(lo, 1), 4)))
        each = (EachSegment(lo, hi, draw(st.integers(1, 10)))
                if kind != "*" and draw(st.booleans()) else None)
        quota = None if each else Quota(draw(st.sampled_from(["week", "month", "quarter"])), lo, hi)
        rules.append(Rule(
            id=f"r{n}", kind=kind, each_segment=each, quota=quota,
            min_gap_days=draw(st.one_of(st.none(), st.integers(1, 4))),
            max_per_session=draw(st.one_of(st.none(), st.integers(1, 2))),
            prefer_sessions=("sáng",) if draw(st.booleans()) else (), soft=draw(st.booleans())))
    history = []
    for seg in segments:
        for k in range(draw(st.integers(0, 2))):
            day = first + dt.timedelta(days=draw(st.integers(0, 9)))
            if seg.valid_on(day):
                history.append(Aired(day, "sáng", seg.slug, seg.kind))
    month_slots = slots(start, end)
    pinned = []
    if segments and draw(st.booleans()):
        slot = draw(st.sampled_from(month_slots))
        pinned.append(Fixed(slot.day, slot.session, (draw(st.sampled_from(segments)).slug,)))
    limits = Limits(draw(st.integers(1, 3)), draw(st.integers(0, 2)) * 1000, draw(st.integers(0, 10)) * 1000,
                    draw(st.integers(0, 10)) * 1000)
    return Problem(start, end, month_slots, tuple(segments), tuple(rules), limits,
                   slots(end + dt.timedelta(days=1), end + dt.timedelta(days=future_days)),
                   tuple(sorted(set(history))), tuple(pinned))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_schedule_passes_the_validator(p):
    sol = solve(p, time_limit=5.0)
    assert sol.status in ("optimal", "feasible")
    issues = validate(p, sol.airings, sol.shortfalls)
    assert issues == [], [str(i.message) for i in issues]
    base = greedy(p)
    issues = validate(p, base.airings, base.shortfalls)
    assert issues == [], [str(i.message) for i in issues]
    # CP-SAT never leaves more of this month's obligations unmet than the greedy filler
    assert sum(s.required - s.planned for s in sol.shortfalls) <= sum(
        s.required - s.planned for s in base.shortfalls)
