"""A re-plan with real audio (the committed demo files, real ffmpeg): new bundles for the stations it
changed, the others keep theirs."""

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from sqlalchemy import select

from radio_sched.production.bundle import read_manifest
from radio_sched.core.models import Bundle, Station
from radio_sched.core.periods import parse_month
from radio_sched.planning.export import month_schedule
from radio_sched.planning.plan import check_month, plan_month
from radio_sched.reference.presets import DEFAULT_SESSIONS
from radio_sched.reference.plan_rules import DATA, load_rules
from radio_sched.core.scopes import Scope
from radio_sched.reference.session_templates import add_default_sessions
from radio_sched.production.bundle import open_bundle

from ..helpers import write
from .test_replan import airings_of

DEMO = Path(__file__).resolve().parents[2] / "audio_library" / "demo"
MARCH = parse_month("2024-03")


def bundles(session):
    session.expire_all()
    rows = session.execute(select(Station.code, Bundle.version, Bundle.path, Bundle.schedule_id)
                           .join(Station, Station.id == Bundle.station_id)
                           .order_by(Station.code, Bundle.version)).all()
    return [tuple(r) for r in rows]


def test_replan_renders_only_the_stations_it_changed(runner, tiny, tmp_path):
    session = tiny
    lib, out = str(tmp_path / "library"), tmp_path / "schedules"
    audio = ["--library", lib, "--schedules", str(out)]
    assert runner([*audio, "segments", "import", str(DEMO / "segments.csv"), "--jobs", "2"]).exit_code == 0
    add_default_sessions(session, DEFAULT_SESSIONS)
    load_rules(session, DATA / "ha_tinh_2024_rules.toml")
    session.commit()
    plan_month(session, MARCH, Scope("district", "436"), jobs=1)
    session.commit()
    res = runner([*audio, "render", "2024-03", "--district", "436"])
    assert res.exit_code == 0, res.output
    first = bundles(session)
    assert [(c, v) for c, v, _, _ in first] == [("18073", 1), ("18077", 1)]

    days = sorted({d for d, _, _ in airings_of(session, "18073") if d.day >= 6})[:2]
    lost = [(d, s) for d, s, _ in airings_of(session, "18073") if d in days]
    start = days[-1] + dt.timedelta(days=1)
    assert lost and start.month == 3
    before = {(str(d), s, tuple(items)) for d, s, items in airings_of(session, "18073")}
    rows = "".join(f"18073,{d},{s},missed,,mất điện\n" for d, s in lost)
    path = write(tmp_path / "asrun.csv", "station,date,session,status,segment,reason\n" + rows)
    assert runner(["asrun", "import", str(path)]).exit_code == 0
    res = runner([*audio, "replan", "2024-03", "--from", str(start), "--district", "436",
                  "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert "Phiên bản 2: 1 đài" in res.output and "Gói âm thanh: 1 phiên bản mới" in res.output
    assert check_month(session, MARCH, Scope("district", "436")).ok
    after = bundles(session)
    assert after[:2] == first[:1] + [after[1]] and after[-1] == first[-1]  # 18077 keeps v1
    code, version, rel, schedule_id = after[1]
    assert (code, version) == ("18073", 2)
    manifest = read_manifest(out / rel)
    assert manifest["schedule_version"] == 2 and manifest["bundle_version"] == 2
    assert manifest["replaces"] == 1
    # the past is never rewritten: the missed sessions are there as planned, with their status
    now = {(a["date"], a["session"], tuple(i["segment"] for i in a["items"])) for a in manifest["airings"]}
    assert {(d, s, i) for d, s, i in before if d < str(start)} == {
        (d, s, i) for d, s, i in now if d < str(start)}
    status = {(a["date"], a["session"]): a.get("status") for a in manifest["airings"]}
    assert all(status[(str(d), s)] == "missed" for d, s in lost)
    assert all(v in ("aired", "missed", "partial", "unreported") for (d, _), v in status.items()
               if d < str(start)) and all(v is None for (d, _), v in status.items() if d >= str(start))
    assert now - before and all(dt.date.fromisoformat(d) >= start for d, _, _ in now - before)
    # the export, both sheets and lich-phat.csv agree airing by airing
    doc = month_schedule(session, MARCH, Scope("commune", "18073"))
    (st,) = doc["stations"]
    exported = [(a["date"], a["session"], a.get("status")) for a in st["airings"]]
    assert exported == [(a["date"], a["session"], a.get("status")) for a in manifest["airings"]]
    with zipfile.ZipFile(open_bundle(out / rel)) as zf:
        top = "18073-2024-03/"
        rows = list(csv.DictReader(io.StringIO(zf.read(top + "lich-phat.csv").decode())))
        sheet = zf.read(top + "lich-phat.html").decode()
        log = zf.read(top + "so-nhat-ky.html").decode()
    assert [(r["date"], r["session"]) for r in rows] == [(d, s) for d, s, _ in exported]
    log_rows = re.findall(r'<td class="c">(\d\d/\d\d/\d{4})<br>.*?<td class="c">[\d:]+</td>\s*'
                          r'<td class="c">([^<]+)</td>.*?<td class="note">(.*?)</td>', log, re.S)
    assert [(dt.datetime.strptime(d, "%d/%m/%Y").date().isoformat(), s) for d, s, _ in log_rows] == [
        (d, s) for d, s, _ in exported]
    said = {"aired": "Đã báo cáo: đã phát", "missed": "Đã báo cáo: không phát",
            "partial": "Đã báo cáo: phát một phần", "unreported": "Chưa báo cáo"}
    for (_, _, note), (_, _, st_) in zip(log_rows, exported):
        assert (said[st_] in note) if st_ else note == ""
    assert sheet.count('<div class="status">') == sum(1 for *_, v in exported if v)
    assert sheet.count("Đã báo cáo: không phát") == sum(1 for *_, v in exported if v == "missed") >= 1
    # the bundle rendered before its version was stored (the past as planned, with its statuses)
    # is the one that version renders to: rendering it afterwards finds every bundle unchanged
    zipped = open_bundle(out / rel).read()
    res = runner([*audio, "render", "2024-03", "--district", "436"])
    assert res.exit_code == 0, res.output
    assert bundles(session) == after and open_bundle(out / rel).read() == zipped
