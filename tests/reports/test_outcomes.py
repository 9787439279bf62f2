"""What planned items became: the version in force per day, and how item and session reports combine."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from radio_sched.reports.asrun import record_asrun
from radio_sched.core.errors import InputErrors
from radio_sched.core.models import Airing, AiringItem, Schedule, ScheduleStation, Segment
from radio_sched.reports.outcomes import outcomes

from ..web.data import add_schedule, station

TODAY = dt.date(2024, 3, 31)
D = lambda day: dt.date(2024, 3, day)  # noqa: E731


def version(session, st, airings, *, replan_from=None):
    """A new schedule version of March for one station: airings {day: [slug, ...]} (morning)."""
    segs = {s.slug: s for s in session.scalars(select(Segment))}
    version = (session.scalar(select(func.max(Schedule.version))) or 0) + 1
    sch = Schedule(month="2024-03", scope=f"commune:{st.code}", version=version, status="complete",
                   kind="replan" if replan_from else "plan", replan_from=replan_from)
    session.add(sch)
    session.flush()
    session.add(ScheduleStation(schedule_id=sch.id, station_id=st.id))
    for day, slugs in airings.items():
        a = Airing(schedule_id=sch.id, station_id=st.id, date=D(day), session="sáng", start="05:30",
                   capacity_s=600)
        session.add(a)
        session.flush()
        for pos, slug in enumerate(slugs, 1):
            session.add(AiringItem(airing_id=a.id, position=pos, segment_id=segs[slug].id,
                                   kind=segs[slug].kind, duration_s=segs[slug].duration_s))
    session.flush()
    return sch


def report(session, rows):
    keys = ("station", "date", "session", "status", "segment", "reason")
    return record_asrun(session, [dict(zip(keys, r)) for r in rows], "csv", "t", today=TODAY)


@pytest.mark.all_backends
def test_item_rows_override_the_whole_session_row(tiny):
    st = station(tiny, "18073")
    add_schedule(tiny, "2024-03", [st], days=(1, 4, 8, 11, 15))
    report(tiny, [
        ("18073", "2024-03-01", "sáng", "aired", "", ""),
        ("18073", "2024-03-04", "sáng", "missed", "", "mất điện"),
        ("18073", "2024-03-04", "sáng", "aired", "guide-birth", "máy phát dự phòng"),
        ("18073", "2024-03-08", "sáng", "partial", "", "sấm sét"),
        ("18073", "2024-03-11", "sáng", "aired", "", ""),
        ("18073", "2024-03-11", "sáng", "partial", "model-18073", "bị cắt giữa chừng"),
    ])
    got = {(o.day.day, o.slug): (o.status, o.reason) for o in outcomes(tiny, [st.id], D(1), D(31))[st.id]}
    assert got == {
        (1, "ep-436-1"): ("aired", ""), (1, "guide-birth"): ("aired", ""),
        (1, "model-18073"): ("aired", ""),
        (4, "ep-436-1"): ("missed", "mất điện"), (4, "guide-birth"): ("aired", "máy phát dự phòng"),
        (4, "model-18073"): ("missed", "mất điện"),
        (8, "ep-436-1"): ("unconfirmed", "sấm sét"), (8, "guide-birth"): ("unconfirmed", "sấm sét"),
        (8, "model-18073"): ("unconfirmed", "sấm sét"),
        (11, "ep-436-1"): ("aired", ""), (11, "guide-birth"): ("aired", ""),
        (11, "model-18073"): ("partial", "bị cắt giữa chừng"),
        (15, "ep-436-1"): ("unreported", ""), (15, "guide-birth"): ("unreported", ""),
        (15, "model-18073"): ("unreported", ""),
    }


@pytest.mark.all_backends
def test_a_replan_is_in_force_from_its_date_only(tiny):
    st = station(tiny, "18073")
    add_schedule(tiny, "2024-03", [])  # the segments (and an empty version 1)
    v1 = version(tiny, st, {1: ["guide-birth"], 4: ["ep-436-1"], 8: ["guide-birth"]}).id
    # the re-plan from the 5th keeps day 4 as aired (nothing: it was missed) and adds make-goods
    v2 = version(tiny, st, {1: ["guide-birth"], 8: ["guide-birth", "ep-436-1"], 9: ["model-18073"]},
                 replan_from=D(5)).id
    got = [(o.day.day, o.slug, o.schedule_id, o.made_good)
           for o in outcomes(tiny, [st.id], D(1), D(31))[st.id]]
    assert got == [(1, "guide-birth", v1, False), (4, "ep-436-1", v1, False),
                   (8, "guide-birth", v2, False), (8, "ep-436-1", v2, True),
                   (9, "model-18073", v2, True)]
    # a report for day 4, sent again after the re-plan, is checked against version 1
    assert report(tiny, [("18073", "2024-03-04", "sáng", "missed", "", "bão")]).added == 1
    assert report(tiny, [("18073", "2024-03-04", "sáng", "missed", "", "mưa bão")]).replaced == 1
    assert [o.status for o in outcomes(tiny, [st.id], D(4), D(4))[st.id]] == ["missed"]


@pytest.mark.all_backends
def test_a_later_full_plan_takes_over_every_day(tiny):
    st = station(tiny, "18073")
    add_schedule(tiny, "2024-03", [st], days=(1, 4))
    version(tiny, st, {8: ["guide-birth"]})
    assert [(o.day.day, o.slug) for o in outcomes(tiny, [st.id], D(1), D(31))[st.id]] == [
        (8, "guide-birth")]
    with pytest.raises(InputErrors, match="không có buổi 'sáng' trong lịch ngày 2024-03-04"):
        report(tiny, [("18073", "2024-03-04", "sáng", "aired", "", "")])
