"""The data model's own promises: unique keys, cascades, open validity dates."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from radio_sched.core.models import (
    BEGINNING, END_OF_TIME, Airing, AiringItem, AsRun, Schedule, ScheduleStation, Segment, Station,
    Unit
)

pytestmark = pytest.mark.all_backends


def test_units_default_to_open_validity_and_link_to_parents(tiny):
    commune = tiny.scalar(select(Unit).where(Unit.code == "18073"))
    assert (commune.valid_from, commune.valid_until) == (BEGINNING, END_OF_TIME)
    assert commune.parent.level == "district" and commune.parent.parent.level == "province"
    st = tiny.scalar(select(Station).where(Station.code == "18073"))
    assert st.unit is commune and st.district_code == "436"


def test_schedule_versions_are_unique_per_month(tiny):
    tiny.add(Schedule(month="2024-03", scope="province", version=1, status="complete"))
    tiny.add(Schedule(month="2024-04", scope="province", version=1, status="complete"))
    tiny.flush()
    tiny.add(Schedule(month="2024-03", scope="district:436", version=1, status="complete"))
    with pytest.raises(IntegrityError):
        tiny.flush()


def test_deleting_a_schedule_removes_its_airings(tiny):
    st = tiny.scalar(select(Station).where(Station.code == "18073"))
    seg = Segment(slug="ep1", sha256="0" * 64, title="Số 1", kind="district_episode",
                  scope="district:436", duration_s=120)
    sch = Schedule(month="2024-03", scope="province", version=1, status="complete")
    tiny.add_all([seg, sch])
    tiny.flush()
    sch.stations.append(ScheduleStation(station_id=st.id))
    airing = Airing(schedule_id=sch.id, station_id=st.id, date=dt.date(2024, 3, 1), session="sáng",
                    start="05:30", capacity_s=600)
    airing.items.append(AiringItem(position=0, segment_id=seg.id, kind=seg.kind, duration_s=120))
    tiny.add(airing)
    tiny.flush()
    tiny.delete(sch)
    tiny.flush()
    assert tiny.scalar(select(func.count()).select_from(AiringItem)) == 0
    assert tiny.scalar(select(func.count()).select_from(Airing)) == 0


def test_an_asrun_report_is_one_row_per_station_day_session_segment(tiny):
    st = tiny.scalar(select(Station).where(Station.code == "18073"))
    tiny.add(AsRun(station_id=st.id, date=dt.date(2024, 3, 1), session="sáng", status="aired"))
    tiny.flush()
    tiny.add(AsRun(station_id=st.id, date=dt.date(2024, 3, 1), session="sáng", status="missed"))
    with pytest.raises(IntegrityError):
        tiny.flush()
