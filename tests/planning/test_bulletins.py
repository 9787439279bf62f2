"""An urgent bulletin across a district whose sessions are full (real espeak-ng speech, real ffmpeg):
every session of its days from the next one that has not started carries it first, what it
displaces is made good later, the bundles are renewed at once; one too long is refused."""

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from radio_sched.core.models import Schedule, ScheduleStation, Segment, Station
from radio_sched.core.periods import parse_month
from radio_sched.core.scopes import Scope
from radio_sched.planning.bulletins import add_bulletin
from radio_sched.planning.plan import check_month
from radio_sched.production.bundle import open_bundle, read_manifest
from radio_sched.production.voice import EspeakVoice
from radio_sched.reports.station_month import station_month

from ..production.helpers import make_audio
from .test_replan import airings_of
from .test_replan_render import bundles
from .test_withdraw import planned_and_rendered

MARCH = parse_month("2024-03")
DISTRICT = Scope("district", "436")
D = lambda n: dt.date(2024, 3, n)  # noqa: E731
NOON = dt.datetime(2024, 3, 12, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# 40 s sessions: intro 4 s, outro 3 s and gaps leave about 30 s, so one or two items fill them
SMALL = [{"scope": "province", "session": s, "start": t, "weekdays": "daily", "capacity_s": 40}
         for s, t in (("sáng", "05:30"), ("chiều", "17:00"))]
# service guides are owed per week, not each: another guide may take a displaced one's place
QUOTA_KINDS_SLUGS = {"hd-khai-sinh", "hd-ly-lich-tu-phap", "hd-thanh-toan", "noi-vu-2024-03",
                     "gdh-nam-ha-2024-03", "gdh-bac-ha-2024-03", "ct-cchc-2024-q1"}
TEXT = "Thông báo khẩn: bão số ba sắp đổ bộ. Bà con không ra khơi, gia cố nhà cửa."


def shortfalls(session):
    session.expire_all()
    sch = session.scalar(select(func.max(Schedule.id)))
    return sorted((r["rule"], r.get("segment") or "", r["start"]) for sfs in session.scalars(
        select(ScheduleStation.shortfalls).where(ScheduleStation.schedule_id == sch)) for r in sfs)


def planned(runner, session, audio):
    planned_and_rendered(runner, session, audio, SMALL)


def test_an_urgent_bulletin_across_a_district_with_full_sessions(runner, tiny, tmp_path):
    session = tiny
    out = tmp_path / "schedules"
    audio = ["--library", str(tmp_path / "library"), "--schedules", str(out)]
    planned(runner, session, audio)
    before = {c: airings_of(session, c) for c in ("18073", "18077")}
    station = session.scalar(select(Station).where(Station.code == "18073"))
    assert not station_month(session, station, MARCH).new_bundle  # version 1: nothing to say
    short_before = shortfalls(session)
    settings = _settings(session, tmp_path)
    wav = tmp_path / "bao-so-3.wav"
    EspeakVoice().speak(TEXT, wav)

    res = add_bulletin(settings, session, wav, priority="urgent", scope="district:436",
                       start=D(12), days=3, title="Thông báo khẩn về bão số 3", now=NOON)
    session.commit()
    assert (res.slug, res.start, res.started_before) == ("bao-so-3", D(12), "12:00")
    (replan,) = res.replans
    assert (replan.version, sorted(replan.changed)) == (2, ["18073", "18077"])
    assert check_month(session, MARCH, DISTRICT).ok
    displaced = set()
    for code, old in before.items():
        new = airings_of(session, code)
        # the morning of the 12th had started: as it was; every later session of 12..14 carries it
        assert [a for a in new if a[0] < D(12) or (a[0], a[1]) == (D(12), "sáng")] == [
            a for a in old if a[0] < D(12) or (a[0], a[1]) == (D(12), "sáng")]
        carrying = [(d, s) for d, s, slugs in new if slugs and slugs[0] == "bao-so-3"]
        assert carrying == [(D(12), "chiều")] + [(D(n), s) for n in (13, 14) for s in ("sáng", "chiều")]
        assert not [a for a in new if "bao-so-3" in a[2] and a[0] > D(14)]
        gone = {(d, slug) for d, _, slugs in old if D(12) <= d <= D(14) for slug in slugs} - {
            (d, slug) for d, _, slugs in new for slug in slugs}
        displaced |= gone
        # what the bulletin pushed out is made good in other sessions: as many items as before
        items = lambda airings: sum(1 for _, _, slugs in airings for s in slugs if s != "bao-so-3")  # noqa: E731
        assert items(new) >= items(old)
        moved = {(d, slug) for d, _, slugs in new for slug in slugs} - {
            (d, slug) for d, _, slugs in old for slug in slugs} - {(d, "bao-so-3") for d in map(D, (12, 13, 14))}
        assert {slug for _, slug in gone} <= {slug for _, slug in moved} | QUOTA_KINDS_SLUGS
    assert displaced and shortfalls(session) == short_before  # nothing more is short than before
    # bundles renewed at once, the bulletin in them first after the intro
    after = bundles(session)
    assert [(c, v) for c, v, _, _ in after] == [("18073", 1), ("18073", 2), ("18077", 1), ("18077", 2)]
    manifest = read_manifest(out / after[1][2])
    firsts = [a["items"][0]["segment"] for a in manifest["airings"]
              if a["date"] in ("2024-03-13", "2024-03-14")]
    assert firsts == ["bao-so-3"] * 4
    # the station page says a new bundle is there
    assert station_month(session, station, MARCH).new_bundle
    # the draft re-plan (frozen by session start) rendered what its stored version renders to
    assert session.get(Schedule, replan.schedule_id).stats["started_before"] == "12:00"
    zipped = {rel: open_bundle(out / rel).read() for _, _, rel, _ in after}
    assert runner([*audio, "render", "2024-03", "--district", "436"]).exit_code == 0
    assert bundles(session) == after
    assert all(open_bundle(out / rel).read() == data for rel, data in zipped.items())


def test_a_bulletin_longer_than_a_session_is_refused(runner, tiny, tmp_path):
    session = tiny
    audio = ["--library", str(tmp_path / "library"), "--schedules", str(tmp_path / "schedules")]
    planned(runner, session, audio)
    versions = session.scalar(select(func.count()).select_from(Schedule))
    long = make_audio(tmp_path / "ban-tin-dai.wav", "sine", 60.0)
    res = runner([*audio, "bulletins", "add", str(long), "--priority", "urgent", "--scope",
                  "district:436", "--from", "2099-03-12", "--days", "2", "--title", "Bản tin dài"])
    assert res.exit_code == 1
    assert "bản tin 'Bản tin dài' dài 60 giây nhưng buổi sáng (05:30) của Phường Nam Hà ngày " \
           "12/03/2099 chỉ có 40 giây, còn 40 giây" in res.output  # no 2099 plan: no jingles and "chưa thêm gì" in res.output
    session.expire_all()
    assert session.scalar(select(Segment).where(Segment.slug == "ban-tin-dai")) is None
    assert session.scalar(select(func.count()).select_from(Schedule)) == versions


def _settings(session, tmp_path):
    from radio_sched.core.config import Settings

    return Settings(db_url=session.get_bind().url.render_as_string(hide_password=False),
                    library_root=tmp_path / "library", schedules_root=tmp_path / "schedules")
