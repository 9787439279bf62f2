"""As-run reports: checked against the station's current schedule; a repeat replaces, never adds."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from radio_sched.reports.asrun import read_asrun_csv, record_asrun
from radio_sched.core.errors import InputErrors
from radio_sched.core.models import AsRun

from ..web.data import add_schedule, station

pytestmark = pytest.mark.all_backends

TODAY = dt.date(2024, 3, 20)


@pytest.fixture
def planned(tiny):
    add_schedule(tiny, "2024-03", [station(tiny, c) for c in ("18073", "18077", "18202")])
    return tiny


def test_record_then_replace(planned):
    rows = read_asrun_csv(
        "station,date,session,status,segment,reason\n"
        "18073,2024-03-01,sáng,aired,,\n"
        "18073,04/03/2024,sáng,partial,guide-birth,mất điện giữa buổi\n".encode())
    res = record_asrun(planned, rows, "csv", "op", today=TODAY)
    assert (res.added, res.replaced) == (2, 0)
    again = [{"station": "18073", "date": "2024-03-04", "session": "sáng", "status": "aired",
              "segment": "guide-birth", "reason": ""}]
    res = record_asrun(planned, again, "api", "op", today=TODAY)
    assert (res.added, res.replaced) == (0, 1)
    stored = planned.scalars(select(AsRun).order_by(AsRun.date)).all()
    assert [(r.date.day, r.segment, r.status, r.source) for r in stored] == [
        (1, "", "aired", "csv"), (4, "guide-birth", "aired", "api")]


def test_every_bad_row_is_named_and_nothing_is_stored(planned):
    text = ("station,date,session,status,segment,reason\n"
            "18073,2024-03-01,sáng,aired,,\n"            # fine, but the file is refused whole
            "18073,2024-03-25,sáng,aired,,\n"            # future
            "18073,2024-03-02,sáng,aired,,\n"            # nothing planned that day
            "18073,2024-03-01,chiều,missed,,mưa\n"       # no such session
            "18202,2024-03-01,sáng,aired,model-18073,\n"  # segment of another station
            "18073,2024-03-01,sáng,maybe,,\n"             # status
            "99999,2024-03-01,sáng,aired,,\n"             # unknown station
            "18073,2024-13-01,sáng,aired,,\n"             # not a date
            "18073,2024-03-01,sáng,missed,,mưa\n")        # same key as line 2
    with pytest.raises(InputErrors) as e:
        record_asrun(planned, read_asrun_csv(text.encode(), name="asrun.csv"), "csv", "op",
                     name="asrun.csv", today=TODAY)
    msg = str(e.value)
    for line, col in [(3, "date"), (4, "session"), (5, "session"), (6, "segment"), (7, "status"),
                      (8, "station"), (9, "date")]:
        assert f"asrun.csv, dòng {line}, cột '{col}'" in msg, (line, msg)
    assert "đã được báo cáo ở dòng 2" in msg
    assert "9 lỗi" not in msg and "8 lỗi" in msg
    assert planned.scalar(select(func.count(AsRun.id))) == 0


def test_allowed_limits_the_stations(planned):
    rows = [{"station": "18202", "date": "2024-03-01", "session": "sáng", "status": "missed",
             "reason": "bão"}]
    with pytest.raises(InputErrors, match="không được báo cáo cho đài 18202"):
        record_asrun(planned, rows, "web", "op", today=TODAY, allowed=lambda s: s.code == "18073")
    assert record_asrun(planned, rows, "web", "op", today=TODAY,
                        allowed=lambda s: s.code == "18202").added == 1


def test_newest_schedule_version_decides(planned):
    # version 2 covers 18073 only on days 2 and 3: day 1 is no longer planned there
    add_schedule(planned, "2024-03", [station(planned, "18073")], scope="commune:18073", days=(2, 3))
    with pytest.raises(InputErrors, match="không có buổi 'sáng' trong lịch ngày 2024-03-01"):
        record_asrun(planned, [{"station": "18073", "date": "2024-03-01", "session": "sáng",
                                "status": "aired"}], "api", None, today=TODAY)
    assert record_asrun(planned, [{"station": "18073", "date": "2024-03-02", "session": "sáng",
                                   "status": "aired"}], "api", None, today=TODAY).added == 1


def test_empty_report_is_refused(planned):
    with pytest.raises(InputErrors, match="không có báo cáo nào"):
        record_asrun(planned, [], "api", None, today=TODAY)


def test_today_is_the_stations_date_not_the_servers():
    """At 23:30 UTC on 3 March it is already 06:30 on 4 March in Hà Tĩnh: the morning session of
    the 4th may be reported."""
    from radio_sched.core.config import local_today

    late = dt.datetime(2024, 3, 3, 23, 30, tzinfo=dt.timezone.utc)
    assert local_today(now=late) == dt.date(2024, 3, 4)
    assert local_today("UTC", now=late) == dt.date(2024, 3, 3)
    assert abs((local_today() - dt.date.today()).days) <= 1
