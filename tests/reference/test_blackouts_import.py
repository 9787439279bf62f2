"""blackouts.csv and Vietnam's public holidays."""

import datetime as dt

import pytest
from sqlalchemy import select

from radio_sched.reference.blackouts import (
    blackouts_by_station, import_blackouts, is_off_air, station_blackouts
)
from radio_sched.core.errors import InputErrors, UserError
from radio_sched.core.models import Blackout, Station
from radio_sched.reference.session_templates import import_sessions

from ..helpers import write

pytestmark = pytest.mark.all_backends

SESSIONS = "scope,session,start,weekdays,capacity_s\nprovince,sáng,05:30,daily,600\nprovince,chiều,17:00,daily,600\n"
GOOD = """scope,date_from,date_to,session,reason
district:440,2024-09-06,2024-09-08,,Bão số 3 (Yagi): mất điện
commune:18073,15/03/2024,15/03/2024,chiều,Sửa bộ khuếch đại
"""


@pytest.fixture
def with_sessions(tiny, tmp_path):
    import_sessions(tiny, write(tmp_path / "s.csv", SESSIONS))
    return tiny


def test_good_file_and_dates_in_both_styles(with_sessions, tmp_path):
    res = import_blackouts(with_sessions, write(tmp_path / "b.csv", GOOD, bom=True, crlf=True))
    assert (res.added, res.updated) == (2, 0)
    rows = {b.scope: b for b in with_sessions.scalars(select(Blackout))}
    assert rows["commune:18073"].date_from == dt.date(2024, 3, 15)
    assert rows["district:440"].session == ""
    # re-import changes nothing
    assert import_blackouts(with_sessions, write(tmp_path / "b.csv", GOOD)).added == 0


def test_blackouts_apply_by_scope_and_session(with_sessions, tmp_path):
    import_blackouts(with_sessions, write(tmp_path / "b.csv", GOOD))
    stations = {s.code: s for s in with_sessions.scalars(select(Station))}
    all_b = list(with_sessions.scalars(select(Blackout)))
    b = station_blackouts(all_b, stations["18205"])
    assert is_off_air(b, dt.date(2024, 9, 7), "sáng").reason.startswith("Bão")
    assert is_off_air(b, dt.date(2024, 9, 9), "sáng") is None
    b = station_blackouts(all_b, stations["18073"])
    assert is_off_air(b, dt.date(2024, 3, 15), "chiều") is not None
    assert is_off_air(b, dt.date(2024, 3, 15), "sáng") is None
    assert is_off_air(b, dt.date(2024, 9, 7), "sáng") is None


def test_blackouts_of_many_stations_at_once_are_each_stations_own(with_sessions, tmp_path):
    more = GOOD + "province,2024-09-02,2024-09-02,,Quốc khánh\ncommune:18202,2024-09-07,2024-09-07,,x\n"
    import_blackouts(with_sessions, write(tmp_path / "b.csv", more))
    stations = list(with_sessions.scalars(select(Station)))
    found = list(with_sessions.scalars(select(Blackout).order_by(Blackout.date_from, Blackout.id)))
    many = blackouts_by_station(found, stations)
    assert many == {s.id: station_blackouts(found, s) for s in stations if station_blackouts(found, s)}
    assert len(many) == 5 and len(many[next(s.id for s in stations if s.code == "18202")]) == 3


def test_holidays_come_from_the_holidays_package(with_sessions):
    import holidays

    res = import_blackouts(with_sessions, holiday_years=(2024,))
    expected = holidays.country_holidays("VN", years=2024)
    rows = list(with_sessions.scalars(select(Blackout)))
    assert res.added == len(expected) == len(rows)
    days = {b.date_from: b.reason for b in rows}
    assert "Quốc khánh" in days[dt.date(2024, 9, 2)]
    assert all(b.scope == "province" and b.source == "holidays" for b in rows)


BAD = """scope,date_from,date_to,session,reason
district:440,2024-09-08,2024-09-06,,ngược
district:999,2024-09-06,2024-09-08,,không có huyện
province,2024-02-30,2024-03-01,,ngày sai
province,2024-03-01,2024-03-02,trưa,buổi không có
province,2024-01-01,2025-06-01,,quá dài
"""


def test_bad_rows_are_named_and_nothing_changes(with_sessions, tmp_path):
    with pytest.raises(InputErrors) as err:
        import_blackouts(with_sessions, write(tmp_path / "b.csv", GOOD + BAD.split("\n", 1)[1]))
    msg = str(err.value)
    for expected in ["dòng 4, cột 'date_to'", "dòng 5, cột 'scope'", "dòng 6, cột 'date_from'",
                     "2024-02-30", "dòng 7, cột 'session'", "trưa", "dòng 8, cột 'date_to'"]:
        assert expected in msg, expected
    with_sessions.rollback()
    assert with_sessions.scalars(select(Blackout)).all() == []


def test_nothing_to_import_is_an_error(with_sessions):
    with pytest.raises(UserError):
        import_blackouts(with_sessions)
