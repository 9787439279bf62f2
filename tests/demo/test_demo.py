"""The main job (radio-sched demo) at a reduced size: one district (436, Thành phố Hà Tĩnh, 27
communes), with real speech from espeak-ng, the real audio library and ffmpeg, a real SQLite file.

It runs once for the module; the tests read what it left: bundles, the validator, the audit's
figures, and the summary against the database, counted here on their own. Then the command runs again
in the same folder and must change nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from radio_sched.reports.audit import audit
from radio_sched.cli import cli
from radio_sched.core.config import Settings
from radio_sched.core.db import session_scope
from radio_sched.demo.story import DemoRefused, run_demo
from radio_sched.demo.summary import lines
from radio_sched.core.i18n import set_lang
from radio_sched.core.models import (
    Airing, AiringItem, AsRun, Blackout, Bundle, Job, Schedule, ScheduleStation, Station
)
from radio_sched.core.periods import parse_month, parse_period
from radio_sched.planning.plan import check_month
from radio_sched.planning.schedules import current_schedule_ids
from radio_sched.core.scopes import parse_scope
from radio_sched.access.users import authenticate
from radio_sched.production.bundle import open_bundle

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("ffmpeg")),
                                 reason="needs espeak-ng and ffmpeg (scripts/setup.sh installs them)")]

DISTRICT = "436"
MARCH = parse_month("2024-03")
SCOPE = parse_scope(f"district:{DISTRICT}")


@pytest.fixture(scope="module")
def demo(work):
    root, settings = work
    steps = []

    def progress(label):
        calls = []
        steps.append((label.render("en"), calls))
        return lambda done, total: calls.append((done, total))

    set_lang("vi")
    summary = run_demo(settings, root, districts=[DISTRICT], jobs=2, progress=progress)
    return {"root": root, "settings": settings, "summary": summary, "steps": steps}


@pytest.fixture
def db(demo):
    with session_scope(demo["settings"].db_url) as s:
        yield s


def stations(db) -> list[Station]:
    return list(db.scalars(select(Station).where(Station.district_code == DISTRICT)))


def test_every_station_has_its_bundle_whole(demo, db):
    root = demo["settings"].schedules_root
    current = current_schedule_ids(db, MARCH.label, [s.id for s in stations(db)])
    assert len(stations(db)) == 27 and len(current) == 27
    for st in stations(db):
        b = db.scalar(select(Bundle).where(Bundle.station_id == st.id, Bundle.month == MARCH.label)
                      .order_by(Bundle.version.desc()).limit(1))
        assert b is not None, st.code
        data = open_bundle(root / b.path).read()
        assert hashlib.sha256(data).hexdigest() == b.sha256 and len(data) == b.size, st.code
        assert b.schedule_id == current[st.id]  # the bundle carries the station's newest version
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.testzip() is None
            mp3 = [n for n in z.namelist() if n.endswith(".mp3")]
        airings = db.scalar(select(func.count(func.distinct(Airing.id))).join(AiringItem).where(
            Airing.schedule_id == current[st.id], Airing.station_id == st.id))
        assert len(mp3) == airings > 0, st.code


def test_the_validator_passes_on_every_month(demo, db):
    for label in ("2024-01", "2024-02", "2024-03"):
        res = check_month(db, parse_month(label), SCOPE)
        assert res.ok, [(c, str(i.message)) for c, i in res.issues][:5]
        assert res.stations == 27


def test_the_audit_adds_up(demo, db):
    s = demo["summary"]
    html, csv_path, xlsx = (demo["root"] / "reports" / f"audit-2024-Q1-{DISTRICT}.{ext}"
                            for ext in ("html", "csv", "xlsx"))
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert rows and "Báo cáo" in html.read_text(encoding="utf-8")
    for r in rows:  # every row's shortfall is its requirement less what aired
        assert int(r["shortfall"]) == max(0, int(r["required"]) - int(r["aired"])), r
        assert int(r["aired"]) <= int(r["planned"])
    judged = [r for r in rows if r["status"] in ("met", "short")]
    assert Counter(r["status"] for r in judged) == Counter(met=s.obligations.met,
                                                           short=s.obligations.short)
    assert {r["status"] for r in rows} <= {"met", "short", "soft"}  # the quarter is over: none open
    # the roll-up: compliant stations are those without a short row, coverage from the rows
    short_stations = {r["station"] for r in judged if r["status"] == "short"}
    assert s.obligations.compliant == 27 - len(short_stations)
    assert s.obligations.required == sum(int(r["required"]) for r in judged)
    assert s.obligations.aired == sum(min(int(r["aired"]), int(r["required"])) for r in judged)
    assert sum(n for _, n, _ in s.obligations.reasons) == s.obligations.short
    for cause, n, said in s.obligations.reasons:
        assert sum(k for _, k in said) <= n
    # the stored audit is what the library computes now, and the workbook carries every row
    again = audit(db, parse_period("2024-Q1"), SCOPE, today=dt.date(2024, 4, 5))
    assert len(again.rows) == len(rows)
    import openpyxl

    book = openpyxl.load_workbook(xlsx, read_only=True)
    detail = book.worksheets[-1]
    assert detail.max_row - 1 == len(rows)
    book.close()


def test_the_summary_matches_the_database(demo, db):
    s = demo["summary"]
    ids = [st.id for st in stations(db)]
    current = current_schedule_ids(db, MARCH.label, ids)
    assert (s.stations, s.stations_planned) == (27, len(current))
    assert s.validator == {"ok": True, "issues": 0, "declared": check_month(db, MARCH, SCOPE).shortfalls}
    assert s.versions == {m: sorted(db.scalars(select(Schedule.version).where(Schedule.month == m)))
                          for m in ("2024-01", "2024-02", "2024-03")}
    # the airings of the bundles: every airing with items in each station's newest version
    airings = sum(db.scalar(select(func.count(func.distinct(Airing.id))).join(AiringItem).where(
        Airing.schedule_id == sch, Airing.station_id == sid)) for sid, sch in current.items())
    assert s.airings == airings and 0 < s.unique_sessions < airings
    segments = set()
    for sid, sch in current.items():
        segments |= set(db.scalars(select(AiringItem.segment_id).join(Airing).where(
            Airing.schedule_id == sch, Airing.station_id == sid)))
    assert s.parts == len(segments) + 2  # and the two jingles
    newest = {}
    for b in db.scalars(select(Bundle).where(Bundle.month == MARCH.label)):
        if b.version > newest.get(b.station_id, (0, 0))[0]:
            newest[b.station_id] = (b.version, b.size)
    sizes = sorted(size for _, size in newest.values())
    assert (s.bundles.count, s.bundles.total_bytes) == (27, sum(sizes))
    assert (s.bundles.smallest, s.bundles.largest) == (sizes[0], sizes[-1])
    # the re-plan: a version from the 16th covering the stations it changed, bundles for them
    rp = db.scalar(select(Schedule).where(Schedule.month == MARCH.label, Schedule.kind == "replan",
                                          Schedule.replan_from == dt.date(2024, 3, 16)))
    assert rp is not None and s.replan["version"] == rp.version and str(rp.replan_from) == "2024-03-16"
    changed = set(db.scalars(select(ScheduleStation.station_id).where(ScheduleStation.schedule_id == rp.id)))
    assert s.replan["stations"] == len(changed) > 0 and s.replan["sessions"] >= len(changed)
    assert all(current[sid] == rp.id for sid in changed)
    # the as-run files are real CSV, and what was stored is what they say
    stored = db.scalar(select(func.count(AsRun.id)).where(AsRun.station_id.in_(ids)))
    assert stored == sum(f["rows"] for f in s.asrun)
    first = next(f for f in s.asrun if not f["simulated"])
    text = Path(first["path"]).read_text(encoding="utf-8")
    assert text.startswith("station,date,session,status,segment,reason\n")
    assert first["end"] == "2024-03-15" and first["statuses"]["missed"] > 0
    assert sum(first["statuses"].values()) == first["rows"] == text.count("\n") - 1
    # the storm: its days off the air, the district re-planned from its first day, nothing left on it
    days = [dt.date.fromisoformat(d) for d in s.storm["days"]]
    assert db.scalar(select(Blackout).where(Blackout.scope == f"district:{DISTRICT}",
                                            Blackout.date_from == days[0], Blackout.date_to == days[-1]))
    storm_replan = db.scalar(select(Schedule).where(Schedule.replan_from == days[0]))
    assert storm_replan.version == s.storm["replan"]["version"] and s.storm["replan"]["sessions"] > 0
    on_storm = [(sid, d) for sid, sch in current.items() for d in db.scalars(
        select(Airing.date).where(Airing.schedule_id == sch, Airing.station_id == sid,
                                  Airing.date.in_(days), Airing.id.in_(select(AiringItem.airing_id))))]
    assert on_storm == []
    # the accounts sign in with the passwords printed
    assert {a.role for a in s.accounts} == {"department", "district", "station"}
    for a in s.accounts:
        user = authenticate(db, a.username, a.password)
        assert user is not None and user.scope == a.scope
    # the text says the same numbers
    text = "\n".join(lines(s))
    assert f"{s.stations_planned}/27 đài" in text and "Thời gian" in text
    assert s.accounts[0].password in text
    assert f"/login?next=/station/{s.station_account.scope[8:]}/2024-03/" in text


def test_progress_is_shown_for_each_step(demo):
    labels = [label for label, _ in demo["steps"]]
    assert len(labels) == 14 and labels[0].startswith("Database")
    with_progress = [calls for _, calls in demo["steps"] if calls]
    assert len(with_progress) >= 5
    assert all(calls[-1][0] == calls[-1][1] for calls in with_progress)  # each ends done


def test_running_again_changes_nothing_and_speaks_english(demo, monkeypatch):
    root, settings = demo["root"], demo["settings"]

    def counts():
        with session_scope(settings.db_url) as s:
            return {m.__name__: s.scalar(select(func.count()).select_from(m))
                    for m in (Schedule, Bundle, AsRun, Airing)}

    before = counts()
    monkeypatch.chdir(root)
    out = CliRunner().invoke(cli, ["--db", settings.db_url, "--library", str(settings.library_root),
                                   "--schedules", str(settings.schedules_root), "--lang", "en", "demo",
                                   "--district", DISTRICT, "--jobs", "2"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert counts() == before  # no new version, bundle or report: re-imports replaced the same rows
    s = demo["summary"]
    assert f"{s.stations_planned} of 27 stations planned" in out.stdout
    assert f"{s.speech['items']} items synthesised, {s.speech['items']} from the cache" in out.stdout
    assert f"Re-plan from 2024-03-16 (version {s.replan['version']})" in out.stdout
    assert "demo only" in out.stdout and "audit-2024-Q1-436.html" in out.stdout
    with session_scope(settings.db_url) as db:  # the jobs the demo held, all finished
        assert set(db.scalars(select(Job.status).where(Job.created_by == "demo"))) == {"done"}


def test_bad_input_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    out = runner.invoke(cli, ["demo", "--month", "2025-03"])
    assert out.exit_code == 1 and "hãy chọn một tháng của năm 2024" in out.output
    out = runner.invoke(cli, ["--lang", "en", "demo", "--district", "999"])
    assert out.exit_code == 1 and "999: not a district of the preset ha-tinh-2024" in out.output
    assert "447 (Huyện Kỳ Anh)" in out.output and "Traceback" not in out.output
    assert list(tmp_path.iterdir()) == []  # no database, no folder
    out = runner.invoke(cli, ["demo", "--jobs", "0"])
    assert out.exit_code == 1 and list(tmp_path.iterdir()) == []


def test_a_folder_with_other_data_is_refused(tmp_path, session, db_url):
    from radio_sched.demo.content import add_segments, month_content

    add_segments(session, month_content({None: []}, MARCH))
    session.commit()
    with pytest.raises(DemoRefused) as err:
        run_demo(Settings(db_url=db_url, library_root=tmp_path / "lib",
                          schedules_root=tmp_path / "sch"), tmp_path, districts=[DISTRICT])
    assert "chạy bản mẫu trong một thư mục trống" in str(err.value)
    assert not (tmp_path / "demo").exists()


def test_each_demo_account_opens_its_page(demo):
    from radio_sched.web import create_app

    s = demo["summary"]
    app = create_app({"SETTINGS": demo["settings"], "WTF_CSRF_ENABLED": False, "TESTING": True})
    for a in s.accounts:
        client = app.test_client()
        got = client.post("/login", data={"username": a.username, "password": a.password,
                                          "next": a.home})
        assert got.status_code == 302 and got.headers["Location"].endswith(a.home), a.username
        page = client.get(a.home)
        assert page.status_code == 200, (a.home, page.status_code)
        if a.role == "station":
            assert "Tải về" in page.get_data(as_text=True)  # its bundle is there to download
