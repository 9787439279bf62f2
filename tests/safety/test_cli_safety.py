"""Issue 14 through the command line: planning a reported month again is refused with the re-plan
command; stored control characters never reach a terminal; hostile periods are clear errors."""

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from radio_sched.core.models import AsRun, DownloadToken, Schedule
from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import plan_month

from ..reports.test_cli_asrun import storm_file
from ..scheduler.conftest import province  # noqa: F401 - fixture

pytestmark = pytest.mark.all_backends

MARCH = parse_month("2024-03")


def test_planning_a_reported_month_again_is_refused_and_names_the_replan(province, runner,
                                                                         tmp_path):
    plan_month(province, MARCH, jobs=1)
    province.commit()
    assert runner(["asrun", "import", str(storm_file(province, tmp_path))]).exit_code == 0
    province.expire_all()
    before = province.scalar(select(func.count(Schedule.id)))
    reports = province.scalar(select(func.count(AsRun.id)))
    last = province.scalar(select(func.max(AsRun.date)))
    res = runner(["plan", "2024-03"])
    assert res.exit_code == 3, res.output  # a conflict with what is stored
    assert f"tháng 2024-03 đã có {reports} báo cáo phát sóng của 2 đài, ngày cuối {last}" \
        in res.output
    assert f"radio-sched replan 2024-03 --from {last + dt.timedelta(days=1)}" in res.output
    assert "Traceback" not in res.output
    province.expire_all()
    assert province.scalar(select(func.count(Schedule.id))) == before  # nothing planned
    # a month no station has reported on plans as before (judged by reports, not the clock)
    assert runner(["plan", "2024-04"]).exit_code == 0


def test_no_day_left_to_replan_is_said_plainly(province, runner):
    from radio_sched.core.models import Station

    plan_month(province, MARCH, jobs=1)
    st = province.scalar(select(Station).where(Station.code == "18073"))
    province.add(AsRun(station_id=st.id, date=MARCH.end, session="sáng", status="aired"))
    province.commit()
    res = runner(["--lang", "en", "plan", "2024-03"])
    assert res.exit_code == 3 and "No day of the month is left to re-plan." in res.output


def test_stored_escape_sequences_never_reach_the_terminal(tiny, runner):
    # a value written before clean_text existed (raw SQL, as an old database may hold it)
    from radio_sched.access.tokens import create_token
    from radio_sched.core.models import Station

    st = tiny.scalar(select(Station).where(Station.code == "18073"))
    row, _token = create_token(tiny, st, "ok")
    tiny.commit()
    tiny.execute(update(DownloadToken).where(DownloadToken.id == row.id).values(label="ok"))
    tiny.connection().exec_driver_sql(
        "UPDATE download_tokens SET label = 'x\x1b]0;pwned\x07\x1b[2J\u202eevil' WHERE id = "
        f"{row.id}")
    tiny.commit()
    for fmt in ("table", "csv"):
        out = runner(["tokens", "list", "--format", fmt]).output
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
        assert "\\x1b]0;pwned" in out and "\\u202e" in out


def test_text_set_through_the_library_is_cleaned_on_the_way_in(tiny):
    from radio_sched.access.tokens import create_token
    from radio_sched.core.models import Station

    st = tiny.scalar(select(Station).where(Station.code == "18073"))
    row, _ = create_token(tiny, st, "anh\r\nBa\x00 \u202etxt.exe\x1b[31m")
    tiny.commit()
    tiny.expire_all()
    assert tiny.get(DownloadToken, row.id).label == "anh Ba txt.exe[31m"


@pytest.mark.parametrize("month", ["0000-01", "2024-00", "²⁰²⁴-01", "٢٠٢٤-01"])
def test_impossible_months_are_clear_errors(runner, tiny, month):
    res = runner(["plan", month])
    assert res.exit_code != 0 and "Traceback" not in res.output
    assert "không phải tháng" in res.output
