"""Approving a waiting urgent bulletin re-plans and re-renders its stations at once (as adding an
approved one does); approving an ordinary segment changes no schedule."""

import pytest
from sqlalchemy import func, select

from radio_sched.core.models import Bundle, Schedule, Segment
from radio_sched.planning.bulletins import add_bulletin, review_content
from radio_sched.production.approval import set_needs_approval
from radio_sched.production.voice import EspeakVoice

from .test_bulletins import NOON, TEXT, D, _settings, planned
from .test_replan import airings_of

pytestmark = pytest.mark.all_backends


def versions(session):
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(Schedule)),
            session.scalar(select(func.count()).select_from(Bundle)))


def test_approving_a_waiting_urgent_bulletin_replans_its_stations(runner, tiny, tmp_path):
    session = tiny
    audio = ["--library", str(tmp_path / "library"), "--schedules", str(tmp_path / "schedules")]
    planned(runner, session, audio)
    settings = _settings(session, tmp_path)
    set_needs_approval(session, "bulletin_urgent", True, by="so")
    set_needs_approval(session, "service_guide", True, by="so")
    wav = tmp_path / "bao-so-3.wav"
    EspeakVoice().speak(TEXT, wav)
    res = add_bulletin(settings, session, wav, priority="urgent", scope="district:436",
                       start=D(12), days=2, title="Thông báo khẩn về bão số 3", now=NOON)
    session.commit()
    assert res.replans == [] and session.scalar(
        select(Segment.status).where(Segment.slug == "bao-so-3")) == "pending"
    before = versions(session)

    # an ordinary pending segment: approved, nothing re-planned
    guide = tmp_path / "hd-moi.wav"
    EspeakVoice().speak("Hướng dẫn nộp hồ sơ trực tuyến.", guide)
    runner([*audio, "segments", "add", str(guide), "--kind", "service_guide", "--scope",
            "commune:18073", "--id", "hd-moi", "--title", "Hướng dẫn mới"])
    assert session.scalar(select(Segment.status).where(Segment.slug == "hd-moi")) == "pending"
    plain = review_content(settings, session, "hd-moi", approve=True, by="so", now=NOON)
    session.commit()
    assert plain.replans == [] and versions(session) == before

    done = review_content(settings, session, "bao-so-3", approve=True, by="so", now=NOON)
    session.commit()
    assert (done.priority, done.start, done.started_before) == ("urgent", D(12), "12:00")
    (replan,) = done.replans
    assert (replan.version, sorted(replan.changed)) == (2, ["18073", "18077"])
    assert sorted(code for code, _v, status in replan.bundles if status == "new") == [
        "18073", "18077"]
    for code in ("18073", "18077"):
        carrying = [(d, s) for d, s, slugs in airings_of(session, code)
                    if slugs and slugs[0] == "bao-so-3"]
        assert carrying == [(D(12), "chiều"), (D(13), "sáng"), (D(13), "chiều")]
    schedules, bundles = versions(session)
    assert (schedules, bundles) == (before[0] + 1, before[1] + 2)


def test_segments_approve_replans_a_waiting_urgent_bulletin(runner, tiny, tmp_path):
    session = tiny
    audio = ["--library", str(tmp_path / "library"), "--schedules", str(tmp_path / "schedules")]
    planned(runner, session, audio)
    set_needs_approval(session, "bulletin_urgent", True, by="so")
    session.commit()
    wav = tmp_path / "bao-so-3.wav"
    EspeakVoice().speak(TEXT, wav)
    res = runner([*audio, "bulletins", "add", str(wav), "--priority", "urgent", "--scope",
                  "district:436", "--from", "2099-03-12", "--days", "1", "--title", "Bão"])
    assert res.exit_code == 0, res.output
    assert "phiên bản" not in res.output  # waiting: nothing re-planned yet
    before = versions(session)
    res = runner([*audio, "segments", "approve", "bao-so-3"])
    assert res.exit_code == 0, res.output
    assert "Đã duyệt tin bao-so-3." in res.output
    # no schedule of 2099 exists: approved, nothing to re-plan, and it says so
    assert "Chưa có lịch nào cho những ngày đó" in res.output and versions(session) == before
