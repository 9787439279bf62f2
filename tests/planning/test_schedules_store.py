"""Which schedule version is current for a station: the newest of the month that covers it."""

import datetime as dt

import pytest
from sqlalchemy import select

from radio_sched.core.models import Airing, Schedule, ScheduleStation, Station
from radio_sched.planning.schedules import current_schedule_ids, station_airings

pytestmark = pytest.mark.all_backends


def add_schedule(session, month, version, station_ids, scope="province"):
    sch = Schedule(month=month, scope=scope, version=version, status="complete")
    session.add(sch)
    session.flush()
    for sid in station_ids:
        session.add(ScheduleStation(schedule_id=sch.id, station_id=sid))
        session.add(Airing(schedule_id=sch.id, station_id=sid, date=dt.date(2024, 3, 1),
                           session="sáng", start="05:30", capacity_s=600))
    session.flush()
    return sch.id


def test_newest_version_covering_each_station(tiny):
    ids = [s.id for s in tiny.scalars(select(Station).order_by(Station.code))]
    a = add_schedule(tiny, "2024-03", 1, ids)                     # the whole province
    b = add_schedule(tiny, "2024-03", 2, ids[:2], "district:436")  # then one district again
    add_schedule(tiny, "2024-04", 3, ids)                          # another month
    cur = current_schedule_ids(tiny, "2024-03")
    assert cur == {ids[0]: b, ids[1]: b, ids[2]: a, ids[3]: a, ids[4]: a}
    assert current_schedule_ids(tiny, "2024-03", [ids[3]]) == {ids[3]: a}
    current = current_schedule_ids(tiny, "2024-03", [ids[0]])[ids[0]]
    assert [x.schedule_id for x in station_airings(tiny, current, ids[0])] == [b]
    assert current_schedule_ids(tiny, "2024-05", [ids[0]]) == {}
