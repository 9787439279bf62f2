"""radio-sched plan / check / export through click, on the real database file."""

import csv
import io
import json

from sqlalchemy import select, update

from radio_sched.core.models import Airing, AiringItem, Segment
from radio_sched.planning.export import CSV_COLUMNS


def test_plan_prints_a_summary_and_check_agrees(province, runner):
    res = runner(["plan", "2024-03"])
    assert res.exit_code == 0, res.output
    assert "Lịch tháng 2024-03 cho province: phiên bản 1 (đầy đủ)." in res.output
    assert "5 đài" in res.output and "optimal" in res.output and "Mọi nghĩa vụ đều đạt." in res.output
    res = runner(["--lang", "en", "check", "2024-03"])
    assert res.exit_code == 0 and "every rule holds" in res.output


def test_plan_json_output(province, runner):
    res = runner(["plan", "2024-03", "--district", "436", "--format", "json", "--seed", "3"])
    out = json.loads(res.stdout)
    assert out["stations"] == 2 and out["scope"] == "district:436" and out["seed"] == 3
    assert out["gap"] == 0 and out["penalties"]["item"] == out["items"]


def test_strict_exits_non_zero_and_lists_what_is_short(province, runner):
    province.execute(update(Segment).where(Segment.kind == "model_citizen").values(status="pending"))
    province.commit()
    res = runner(["--lang", "en", "plan", "2024-03", "--strict"])
    assert res.exit_code == 4
    assert "5 obligation(s) cannot be met" in res.output and "Traceback" not in res.output
    res = runner(["--lang", "en", "plan", "2024-03"])
    assert res.exit_code == 0 and "5 shortfall(s):" in res.output and "model-citizen: 5" in res.output
    assert "no model_citizen segment was supplied for this commune in 2024-03" in res.output


def test_check_finds_a_tampered_schedule(province, runner):
    runner(["plan", "2024-03"])
    # someone removes every item of one airing by hand: obligations go short, undeclared
    first = province.scalar(select(Airing.id).order_by(Airing.id).limit(1))
    province.execute(AiringItem.__table__.delete().where(AiringItem.airing_id == first))
    province.commit()
    res = runner(["--lang", "en", "check", "2024-03"])
    assert res.exit_code == 1 and "problem(s) found" in res.output


def test_export_json_in_the_schedule_format(province, runner):
    runner(["plan", "2024-03"])
    res = runner(["export", "2024-03", "--district", "440"])
    doc = json.loads(res.stdout)
    assert list(doc) == ["format", "month", "scope", "version", "status", "stations"]
    assert (doc["format"], doc["month"], doc["scope"], doc["version"], doc["status"]) == (
        "radio-sched.schedule/1", "2024-03", "district:440", 1, "complete")
    assert [s["station"] for s in doc["stations"]] == ["18202", "18205"]
    st = doc["stations"][0]
    assert {"station", "name", "district", "airings", "shortfalls"} <= set(st)
    a = st["airings"][0]
    assert list(a) == ["date", "session", "start", "capacity_s", "items"]
    assert list(a["items"][0]) == ["segment", "sha256", "kind", "duration_s"]
    episodes = {i["segment"] for x in doc["stations"] for a in x["airings"] for i in a["items"]
                if i["kind"] == "district_episode"}
    assert episodes and all(e.startswith("huyen-440-") for e in episodes)  # never another district's


def test_export_shortfall_reason_is_a_plain_string_in_the_language(province, runner):
    province.execute(update(Segment).where(Segment.kind == "home_affairs").values(status="pending"))
    province.commit()
    runner(["plan", "2024-03"])
    doc = json.loads(runner(["--lang", "en", "export", "2024-03", "--station", "18073"]).stdout)
    assert doc["status"] == "shortfalls"
    (sf,) = doc["stations"][0]["shortfalls"]
    assert sf == {"rule": "home-affairs", "segment": None, "required": 1, "planned": 0,
                  "reason": "no home_affairs segment was supplied for this commune in 2024-03"}


def test_export_csv_to_a_file(province, runner, tmp_path):
    runner(["plan", "2024-03"])
    out = tmp_path / "out" / "march.csv"
    res = runner(["export", "2024-03", "--format", "csv", "-o", str(out)])
    assert res.exit_code == 0 and out.exists()
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")  # machines import it: no BOM
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == CSV_COLUMNS
    assert len({r[0] for r in rows[1:]}) == 5
    assert not list(out.parent.glob(".*.tmp"))  # written atomically, nothing left over


def test_bad_input_gets_a_clear_message(province, runner):
    res = runner(["plan", "2024-13"])
    assert res.exit_code == 1 and "không phải tháng" in res.output and "Traceback" not in res.output
    res = runner(["--lang", "en", "export", "2024-04"])
    assert res.exit_code == 1 and "no schedule is stored for 2024-04" in res.output
    res = runner(["--lang", "en", "check", "2024-03"])
    assert res.exit_code == 1 and "radio-sched plan 2024-03" in res.output


def test_plan_takes_the_webs_job_lock(province, runner, db_url):
    """A web job holding the month of a district: the command line refuses (exit 3, the Conflict
    code) and stores nothing; the district's neighbour plans meanwhile; once free, it plans."""
    from radio_sched.core.db import session_scope
    from radio_sched.jobs.runner import dispose_side_engines, recent_jobs, run
    from radio_sched.jobs.locks import claim
    from radio_sched.core.models import Schedule

    web = claim(db_url, "render", "2024-03", "district:436", created_by="d436")
    for args in (["--district", "436"], ["--station", "18073"], []):  # the province overlaps it
        res = runner(["plan", "2024-03", *args])
        assert res.exit_code == 3, (args, res.output)
        assert f"việc số {web}" in res.output and "d436" in res.output
        assert "Traceback" not in res.output
    assert province.scalars(select(Schedule)).all() == []
    assert runner(["plan", "2024-03", "--district", "440"]).exit_code == 0
    run(db_url, web, lambda s, p: {})
    res = runner(["plan", "2024-03", "--district", "436"])
    assert res.exit_code == 0, res.output
    with session_scope(db_url) as s:
        jobs = recent_jobs(s, month="2024-03")
        last = jobs[0]
        assert (last.kind, last.scope, last.status, last.lock_key) == ("plan", "district:436",
                                                                      "done", None)
        assert last.created_by.startswith("cli") and last.total and last.progress == last.total
        assert s.scalar(select(Schedule).order_by(Schedule.id.desc())).created_by == last.created_by
        # the refused runs left no job behind that holds anything
        assert all(j.lock_key is None for j in jobs)
    dispose_side_engines()
