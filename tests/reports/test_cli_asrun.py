"""radio-sched asrun import and replan through click, on a real SQLite file."""

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select

from radio_sched.core.models import AsRun, Bundle, Schedule, Station
from radio_sched.core.periods import parse_date, parse_month
from radio_sched.planning.plan import plan_month

from ..helpers import write
from ..scheduler.conftest import province  # noqa: F401 - fixture
from ..planning.test_replan import airings_of, checked

pytestmark = pytest.mark.all_backends

MARCH = parse_month("2024-03")


def storm_file(session, tmp_path, days=(11, 12, 13)):
    lines = ["station,date,session,status,segment,reason"]
    for d, s, slugs in airings_of(session, "18073"):
        if d.day in days:
            lines.append(f"18073,{d:%d/%m/%Y},{s},missed,,mất điện do bão")
    first = next(a for a in airings_of(session, "18077") if a[0].day >= 11)
    lines.append(f"18077,{first[0]},{first[1]},aired,{first[2][0]},")
    lines.append(f"18077,{first[0]},{first[1]},partial,,sấm sét")
    return write(tmp_path / "asrun.csv", "\n".join(lines) + "\n", bom=True, crlf=True)


def count(session, model):
    session.expire_all()
    return session.scalar(select(func.count(model.id)))


def test_asrun_import_records_all_or_nothing_and_a_repeat_replaces(province, runner, tmp_path):
    plan_month(province, MARCH, jobs=1)
    province.commit()
    path = storm_file(province, tmp_path)
    n = len(path.read_text(encoding="utf-8-sig").splitlines()) - 1
    res = runner(["asrun", "import", str(path)])
    assert res.exit_code == 0, res.output
    assert f"Đã ghi {n} báo cáo: {n} mới, 0 thay cho báo cáo trước, 0 như cũ." in res.output
    assert "đã phát 1, không phát" in res.output and "phát không trọn 1" in res.output
    last = max(parse_date(line.split(",")[1]) for line in
               path.read_text(encoding="utf-8-sig").splitlines() if ",missed," in line or ",partial," in line)
    assert f"radio-sched replan 2024-03 --from {last + dt.timedelta(days=1)}" in res.output
    assert count(province, AsRun) == n
    again = runner(["--lang", "en", "asrun", "import", str(path)])
    assert f"Recorded {n} report(s): 0 new, 0 replacing earlier ones, {n} as before." in again.output
    assert count(province, AsRun) == n


def test_asrun_import_refuses_a_bad_file_whole(province, runner, tmp_path):
    plan_month(province, MARCH, jobs=1)
    province.commit()
    day, sess, _ = airings_of(province, "18073")[0]
    bad = write(tmp_path / "bad.csv", "station,date,session,status,segment,reason\n"
                f"18073,{day},{sess},aired,,\n"               # fine, but the file is refused whole
                f"18073,2099-03-01,{sess},aired,,\n"          # a day not yet come
                f"99999,{day},{sess},aired,,\n"               # unknown station
                "18073,2024-04-02,sáng,missed,,bão\n"          # April was never planned
                f"18073,{day},{sess},lost,,\n")               # not a status (and a repeat)
    res = runner(["asrun", "import", str(bad)])
    assert res.exit_code == 1
    out = res.output
    assert "bad.csv: 4 lỗi; không nhập dữ liệu nào" in out
    assert "dòng 3, cột 'date': ngày 2099-03-01 chưa đến" in out
    assert "dòng 4, cột 'station'" in out and "99999" in out
    assert "dòng 5, cột 'session': đài 18073 không có buổi 'sáng' trong lịch ngày 2024-04-02" in out
    assert "dòng 6, cột 'status': 'lost' không phải trạng thái" in out
    assert "Traceback" not in out and count(province, AsRun) == 0


def test_replan_prints_the_changes_and_a_second_run_changes_nothing(province, runner, tmp_path):
    plan_month(province, MARCH, jobs=1)
    province.commit()
    assert runner(["asrun", "import", str(storm_file(province, tmp_path))]).exit_code == 0
    res = runner(["replan", "2024-03", "--from", "2024-03-14", "--no-render", "--jobs", "1"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "Lập lại lịch tháng 2024-03 từ ngày 2024-03-14 cho province: giải lại 5 đài" in out
    assert "Phiên bản 2:" in out
    # the station that lost its storm days gets make-goods from the 14th on: "<day> <session>: old -> new"
    assert re.search(r"^ *18073 Phường Nam Hà, 2024-03-(1[4-9]|2\d|3[01]) (sáng|chiều): .+ -> .+$", out, re.M), out
    assert "Chưa dựng gói âm thanh (--no-render)" in out
    checked(province)
    again = runner(["--lang", "en", "replan", "2024-03", "--from", "2024-03-14", "--no-render",
                    "--jobs", "1"])
    assert again.exit_code == 0, again.output
    assert "Nothing changes" in again.output and "No new version was stored." in again.output
    assert count(province, Schedule) == 2
    js = runner(["replan", "2024-03", "--from", "2024-03-14", "--no-render", "--format", "json"])
    doc = json.loads(js.stdout)
    assert doc["schedule_id"] is None and doc["stations"] == 5 and doc["past"]["missed"] >= 1


def test_replan_with_bundles_needs_the_audio_and_then_stores_nothing(province, runner, tmp_path):
    plan_month(province, MARCH, jobs=1)
    province.commit()
    assert runner(["asrun", "import", str(storm_file(province, tmp_path))]).exit_code == 0
    res = runner(["--library", str(tmp_path / "lib"), "--schedules", str(tmp_path / "out"),
                  "replan", "2024-03", "--from", "2024-03-14", "--jobs", "1"])
    assert res.exit_code == 1
    assert "Chưa lưu gì" in res.output and "--no-render" in res.output
    assert count(province, Schedule) == 1 and count(province, Bundle) == 0


def test_replan_refuses_bad_dates_clearly(province, runner):
    plan_month(province, MARCH, jobs=1)
    province.commit()
    res = runner(["replan", "2024-03", "--from", "16/04/2024", "--no-render"])
    assert res.exit_code == 1 and "--from 2024-04-16 không thuộc tháng 2024-03" in res.output
    res = runner(["replan", "2024-03", "--from", "mười sáu", "--no-render"])
    assert res.exit_code == 1 and "không phải ngày" in res.output


def test_asrun_import_at_the_month_end_says_the_loss_stays(province, runner, tmp_path):
    sid = province.scalar(select(Station.id).where(Station.code == "18073"))
    day, sess = dt.date(2024, 3, 31), "chiều"  # a session on the month's last day, pinned
    plan_month(province, MARCH, jobs=1, pinned={sid: [(day, sess, ("so-noi-vu-2024-03",))]})
    province.commit()
    assert airings_of(province, "18073")[-1][:2] == (day, sess)
    path = write(tmp_path / "end.csv", "station,date,session,status,segment,reason\n"
                 f"18073,{day},{sess},missed,,mất điện\n")
    res = runner(["asrun", "import", str(path)])
    assert res.exit_code == 0 and "tháng không còn ngày nào để phát bù" in res.output
    assert f"từ {day} đến {day}" in res.output and "--from" not in res.output
