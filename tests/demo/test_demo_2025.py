"""The two-tier demo (ha-tinh-2025, September 2025, Typhoon Bualoi) on six communes, end to end."""

import csv
import datetime as dt
import io
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from radio_sched.access.users import authenticate
from radio_sched.cli import cli
from radio_sched.core.db import session_scope
from radio_sched.core.i18n import set_lang
from radio_sched.core.models import (
    Airing, AiringItem, AsRun, Blackout, Bundle, Schedule, ScheduleStation, Segment, Station
)
from radio_sched.core.periods import parse_month
from radio_sched.demo.scenario import BUALOI_SPARED
from radio_sched.demo.story import run_demo
from radio_sched.demo.summary import lines
from radio_sched.planning.plan import check_month
from radio_sched.planning.schedules import current_schedule_ids
from radio_sched.production.bundle import open_bundle

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("ffmpeg")),
                                 reason="needs espeak-ng and ffmpeg (scripts/setup.sh installs them)")]

# three communes the typhoon hits (two of them miss sessions in the first half), three it spares
COMMUNES = ["18073", "18604", "18787", "18160", "18163", "18313"]
HIT = {"18073", "18604", "18787"}
SEPTEMBER = parse_month("2025-09")
STORM_DAYS = [dt.date(2025, 9, d) for d in (28, 29, 30)]


@pytest.fixture(scope="module")
def demo(work):
    root, settings = work
    set_lang("vi")
    summary = run_demo(settings, root, preset="ha-tinh-2025", month="2025-09", communes=COMMUNES,
                       jobs=2)
    return {"root": root, "settings": settings, "summary": summary}


@pytest.fixture
def db(demo):
    with session_scope(demo["settings"].db_url) as s:
        yield s


def stations(db) -> dict[str, Station]:
    return {st.code: st for st in db.scalars(select(Station))}


def test_the_province_plans_its_communes_without_districts(demo, db):
    st = stations(db)
    assert set(st) == set(COMMUNES) and all(s.district_code is None for s in st.values())
    assert HIT == set(COMMUNES) - BUALOI_SPARED
    for label in ("2025-07", "2025-08", "2025-09"):
        res = check_month(db, parse_month(label))
        assert res.ok and res.stations == 6, [(c, str(i.message)) for c, i in res.issues][:5]
    assert set(db.scalars(select(Schedule.scope))) == {"province"}
    kinds = set(db.scalars(select(Segment.kind)))
    assert "district_episode" not in kinds
    assert {"provincial_program", "provincial_report", "model_citizen", "service_guide",
            "home_affairs"} <= kinds
    program = db.scalar(select(Segment).where(Segment.kind == "provincial_program",
                                              Segment.slug == "so-khcn-chuyen-de-cchc-2025-q3"))
    assert program.producer == "Sở Khoa học và Công nghệ"
    citizens = {s.scope: s for s in db.scalars(select(Segment).where(Segment.kind == "model_citizen"))}
    assert set(citizens) >= {f"commune:{c}" for c in COMMUNES}


def test_every_station_has_its_newest_bundle(demo, db):
    root = demo["settings"].schedules_root
    ids = {s.id: c for c, s in stations(db).items()}
    current = current_schedule_ids(db, SEPTEMBER.label, list(ids))
    assert len(current) == 6
    for sid, sch in current.items():
        b = db.scalar(select(Bundle).where(Bundle.station_id == sid, Bundle.month == "2025-09")
                      .order_by(Bundle.version.desc()).limit(1))
        assert b is not None and b.schedule_id == sch, ids[sid]
        with zipfile.ZipFile(open_bundle(root / b.path)) as z:
            names, whole = z.namelist(), z.testzip() is None
        assert whole and f"{ids[sid]}-2025-09/manifest.json" in names
        days = {n.split("/")[1] for n in names if n.endswith(".mp3")}
        if ids[sid] in HIT:  # the typhoon's communes air nothing on its days
            assert days and not days & {d.isoformat() for d in STORM_DAYS}, ids[sid]


def test_the_typhoons_communes_were_re_planned_off_the_air(demo, db):
    s = demo["summary"]
    assert s.storm["days"] == [d.isoformat() for d in STORM_DAYS] and s.storm["stations"] == 3
    for code in HIT:  # the forecast: each commune off the air from the 28th to the month's end
        b = db.scalar(select(Blackout).where(Blackout.scope == f"commune:{code}"))
        assert (b.date_from, b.date_to, b.session) == (STORM_DAYS[0], STORM_DAYS[-1], "")
        assert "Bualoi" in b.reason
    assert not db.scalar(select(func.count(Blackout.id)).where(
        Blackout.scope.in_([f"commune:{c}" for c in BUALOI_SPARED])))
    rp = db.scalar(select(Schedule).where(Schedule.replan_from == STORM_DAYS[0]))
    assert rp.kind == "replan" and rp.scope == "province" and s.storm["replan"]["version"] == rp.version
    changed = {db.get(Station, sid).code for sid in db.scalars(
        select(ScheduleStation.station_id).where(ScheduleStation.schedule_id == rp.id))}
    assert changed == HIT and s.storm["replan"]["stations"] == 3 and s.storm["replan"]["sessions"] > 0
    st = stations(db)
    current = current_schedule_ids(db, SEPTEMBER.label, [x.id for x in st.values()])
    for code, x in st.items():
        on_storm = db.scalar(select(func.count(Airing.id)).where(
            Airing.schedule_id == current[x.id], Airing.station_id == x.id,
            Airing.date.in_(STORM_DAYS), Airing.id.in_(select(AiringItem.airing_id))))
        assert (on_storm == 0) if code in HIT else current[x.id] != rp.id, code


def test_make_goods_and_the_q3_audit(demo, db):
    s, reports = demo["summary"], demo["root"] / "reports"
    mid = db.scalar(select(Schedule).where(Schedule.replan_from == dt.date(2025, 9, 16)))
    assert mid is not None and s.replan["version"] == mid.version and s.replan["stations"] > 0
    first = next(f for f in s.asrun if not f["simulated"])
    assert first["end"] == "2025-09-15" and first["statuses"]["missed"] > 0
    assert {p.name for p in reports.iterdir()} == {f"audit-2025-Q3.{x}" for x in ("html", "csv", "xlsx")}
    rows = list(csv.DictReader(io.StringIO((reports / "audit-2025-Q3.csv").read_text("utf-8-sig"))))
    assert {r["station"] for r in rows} == set(COMMUNES) and {r["district"] for r in rows} == {""}
    assert {r["period"] for r in rows} == {"2025-Q3"}
    judged = [r for r in rows if r["status"] in ("met", "short")]
    made_good = sum(int(r["made_good"]) for r in judged)
    assert made_good == s.obligations.made_good > 0  # what the mid-month re-plan recovered
    assert sum(int(r["missed"]) for r in judged) == s.obligations.missed > 0  # lost on the air
    # what the typhoon took: obligations of its communes due by the 30th, no session left for them
    lost = [r for r in rows if r["status"] == "short" and "Bualoi" in r["reason"]]
    assert len(lost) == s.storm["short"] > 0 and {r["station"] for r in lost} <= HIT
    assert all(int(r["planned"]) < int(r["required"]) for r in lost)
    assert s.obligations.short == sum(1 for r in rows if r["status"] == "short")


def test_the_accounts_and_the_summary(demo, db):
    from radio_sched.web import create_app

    s = demo["summary"]
    assert [a.role for a in s.accounts] == ["department", "station"]  # no district in two-tier
    assert s.accounts[0].username == "so-khcn" and "Khoa học và Công nghệ" in s.accounts[0].name
    assert s.accounts[0].home == "/province/42/2025-09/"  # the Department plans the province
    assert s.station_account.scope[8:] in HIT
    app = create_app({"SETTINGS": demo["settings"], "WTF_CSRF_ENABLED": False, "TESTING": True})
    for a in s.accounts:
        user = authenticate(db, a.username, a.password)
        assert user is not None and user.scope == a.scope
        client = app.test_client()
        got = client.post("/login", data={"username": a.username, "password": a.password,
                                          "next": a.home})
        assert got.status_code == 302 and got.headers["Location"].endswith(a.home), a.username
        page = client.get(a.home)
        assert page.status_code == 200, a.home
        if a.role == "department":  # the planner's month: the province's communes, no district
            assert "18073" in page.get_data(as_text=True) or "Thành Sen" in page.get_data(as_text=True)
    text = "\n".join(lines(s))
    assert "6 xã, phường do tỉnh lập lịch" in text and "huyện" not in text
    assert "Bão số 10 (Bualoi): 3 xã, phường ngừng phát 2025-09-28..2025-09-30" in text
    assert f"ghi {s.storm['short']} nghĩa vụ của các xã này thiếu do bão" in text
    assert "audit-2025-Q3.html" in text and s.accounts[1].password in text


def test_running_again_changes_nothing(demo, monkeypatch):
    root, settings = demo["root"], demo["settings"]

    def counts():
        with session_scope(settings.db_url) as s:
            return {m.__name__: s.scalar(select(func.count()).select_from(m))
                    for m in (Schedule, Bundle, AsRun, Airing, Blackout, Segment)}

    before = counts()
    monkeypatch.chdir(root)
    args = ["--db", settings.db_url, "--library", str(settings.library_root), "--schedules",
            str(settings.schedules_root), "--lang", "en", "demo", "--preset", "ha-tinh-2025",
            "--jobs", "2"] + [x for c in COMMUNES for x in ("--commune", c)]
    out = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert counts() == before
    assert "6 communes planned by the province" in out.stdout
    assert "Typhoon Bualoi (no. 10): 3 communes off the air 2025-09-28..2025-09-30" in out.stdout
    # the same folder refuses another story
    out = CliRunner().invoke(cli, args[:-12] + ["--commune", "18073"])
    assert out.exit_code == 1 and "run this one in another folder" in out.output


def test_bad_input_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args, said in [
        (["--month", "2025-03"], "bộ mẫu ha-tinh-2025 kể tháng 9/2025"),
        (["--district", "436"], "không có cấp huyện"),
        (["--commune", "99999"], "99999: không phải xã, phường của bộ mẫu ha-tinh-2025"),
    ]:
        out = runner.invoke(cli, ["demo", "--preset", "ha-tinh-2025", *args])
        assert out.exit_code == 1 and said in out.output and "Traceback" not in out.output, args
    out = runner.invoke(cli, ["--lang", "en", "demo", "--commune", "18073"])
    assert out.exit_code == 1 and "--commune is for the two-tier preset" in out.output
    out = runner.invoke(cli, ["demo", "--preset", "ha-tinh-2030"])
    assert out.exit_code == 2 and "ha-tinh-2030" in out.output
    assert list(tmp_path.iterdir()) == []
