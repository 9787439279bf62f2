"""The segments and render commands through click, on the demo audio and on bad input."""

import json
from pathlib import Path

from sqlalchemy import select

from radio_sched.core.models import Bundle, Segment

from ..helpers import write
from .helpers import make_audio

DEMO = Path(__file__).resolve().parents[2] / "audio_library" / "demo"
KINDS = {"jingle", "provincial_program", "provincial_report", "district_episode", "model_citizen",
         "service_guide", "home_affairs"}


def test_demo_audio_imports_and_renders(runner, tiny, tmp_path, session):
    lib, sch = str(tmp_path / "library"), str(tmp_path / "schedules")
    res = runner(["--library", lib, "segments", "import", str(DEMO / "segments.csv"), "--jobs", "2"])
    assert res.exit_code == 0, res.output
    assert "Mục phát: thêm 15." in res.output
    res = runner(["--library", lib, "segments", "list", "--format", "json"])
    rows = json.loads(res.output)
    assert {r["kind"] for r in rows} == KINDS
    assert {"jingle-intro", "jingle-outro"} <= {r["id"] for r in rows}
    assert sum(Path(p).stat().st_size for p in DEMO.glob("*.mp3")) < 3_000_000  # a few MB at most

    from radio_sched.reference.plan_rules import load_rules, preset_rules_text
    from .helpers import add_schedule, day, station_ids

    load_rules(session, text=preset_rules_text("ha_tinh_2024_rules.toml"))
    ids = station_ids(session, ["18073", "18077"])
    add_schedule(session, "2024-03", 1, {
        ids["18073"]: [(day(1), "sáng", "05:30", 120, ["tp-ht-2024-09", "gdh-nam-ha-2024-03"]),
                       (day(2), "chiều", "17:00", 120, ["hd-khai-sinh"])],
        ids["18077"]: [(day(1), "sáng", "05:30", 120, ["tp-ht-2024-09", "gdh-bac-ha-2024-03"])]},
        scope="district:436")
    session.commit()
    res = runner(["--library", lib, "--schedules", sch, "render", "2024-03", "--district", "436"])
    assert res.exit_code == 0, res.output
    assert "3 buổi phát tại 2 đài" in res.output and "2 gói mới" in res.output
    assert "2024-03/18073/18073-2024-03-v1.zip" in res.output
    session.expire_all()
    assert len(session.scalars(select(Bundle)).all()) == 2
    res = runner(["--library", lib, "--schedules", sch, "render", "2024-03", "--station", "18077"])
    assert "1 buổi phát tại 1 đài" in res.output and "không đổi" in res.output
    # English texts in the bundle are other content: a new version
    res = runner(["--library", lib, "--schedules", sch, "--lang", "en", "render", "2024-03",
                  "--station", "18077"])
    assert "1 sessions at 1 stations" in res.output and "1 new bundle(s)" in res.output
    assert "18077-2024-03-v2.zip" in res.output


def test_add_and_refusals_on_the_command_line(runner, tiny, tmp_path):
    lib = str(tmp_path / "library")
    good = make_audio(tmp_path / "Bản tin số 1.wav", "sine", 3.0)
    res = runner(["--library", lib, "segments", "add", str(good), "--kind", "service_guide",
                  "--scope", "district:436", "--valid-from", "01/03/2024"])
    assert res.exit_code == 0, res.output
    assert "ban-tin-so-1" in res.output
    silent = make_audio(tmp_path / "silent.wav", "silence", 3.0)
    empty = write(tmp_path / "empty.mp3", "")
    res = runner(["--library", lib, "segments", "add", str(silent), str(empty), "--kind", "x"])
    assert res.exit_code == 1
    assert "Lỗi:" in res.output and "tệp im lặng" in res.output and "tệp rỗng" in res.output
    assert "Traceback" not in res.output
    res = runner(["--library", lib, "--lang", "en", "segments", "add", str(good), "--kind", "bad kind"])
    assert res.exit_code == 1 and "is not a kind" in res.output


def test_render_refuses_a_month_without_schedule(runner, tiny, tmp_path, session):
    res = runner(["--schedules", str(tmp_path / "s"), "render", "2024-04"])
    assert res.exit_code == 1 and "chưa có lịch phát tháng 2024-04" in res.output
    res = runner(["render", "2024-13"])
    assert res.exit_code == 1 and "không phải tháng" in res.output
    assert session.scalars(select(Segment)).all() == []


def test_render_takes_the_webs_job_lock(runner, month, settings, db_url):
    """A web plan of the province holds March: rendering a district of it is refused (exit 3) and
    writes nothing; once the job ends, the render runs and its job row shows it."""
    from radio_sched.jobs.runner import dispose_side_engines, run
    from radio_sched.jobs.locks import claim

    paths = ["--library", str(settings.library_root), "--schedules", str(settings.schedules_root)]
    web = claim(db_url, "plan", "2024-03", "province", created_by="so")
    res = runner([*paths, "--lang", "en", "render", "2024-03", "--district", "436"])
    assert res.exit_code == 3 and f"job {web}, started by so" in res.output, res.output
    assert month.scalars(select(Bundle)).all() == []
    assert not settings.schedules_root.exists() or not any(settings.schedules_root.rglob("*.layout.json"))
    run(db_url, web, lambda s, p: {})
    res = runner([*paths, "render", "2024-03", "--district", "436"])
    assert res.exit_code == 0, res.output
    month.expire_all()
    assert len(month.scalars(select(Bundle)).all()) == 2
    dispose_side_engines()
