"""Content approval: a Department setting per kind makes districts' and communes' segments wait;
only approved ones are planned; approve, refuse with a reason, and the CLI over it."""


import pytest
from sqlalchemy import select

from radio_sched.core.errors import UserError
from radio_sched.core.models import KindApproval, Segment
from radio_sched.core.periods import parse_month
from radio_sched.core.scopes import Scope
from radio_sched.planning.instances import build_month
from radio_sched.production.approval import review_segment, set_needs_approval
from radio_sched.production.catalogue import add_segments, specs_from_files
from radio_sched.reference.plan_rules import load_rules, preset_rules_text
from radio_sched.reference.presets import DEFAULT_SESSIONS
from radio_sched.reference.session_templates import add_default_sessions

from .helpers import make_audio


def status(session, slug):
    session.expire_all()
    return session.scalar(select(Segment.status).where(Segment.slug == slug))


def add(session, settings, path, slug, scope, kind="model_citizen"):
    add_segments(session, settings, specs_from_files(session, [path], kind=kind, slug=slug,
                                                     scope=scope, title=f"Tin {slug}"))


def planned_slugs(session):
    inst = build_month(session, parse_month("2024-03"), Scope("commune", "18073"))
    return {s.slug for si in inst.stations for s in si.problem.segments}


@pytest.mark.all_backends
def test_a_reviewed_kind_waits_for_the_department(tiny, settings, tmp_path):
    s = tiny
    load_rules(s, text=preset_rules_text("ha_tinh_2024_rules.toml").replace(
        'intro = "jingle-intro"', "").replace('outro = "jingle-outro"', ""))
    add_default_sessions(s, DEFAULT_SESSIONS)
    # default as today: approved at once
    add(s, settings, make_audio(tmp_path / "a.wav", "sine", 2.0), "gdh-a", "commune:18073")
    assert status(s, "gdh-a") == "approved"
    set_needs_approval(s, "model_citizen", True, by="so-tttt")
    assert s.get(KindApproval, "model_citizen").needs_approval
    add(s, settings, make_audio(tmp_path / "b.wav", "noise", 2.0), "gdh-b", "commune:18073")
    add(s, settings, make_audio(tmp_path / "c.wav", "clicks", 2.0), "gdh-c", "province")
    add(s, settings, make_audio(tmp_path / "d.wav", "square", 2.0), "hd-d", "commune:18073",
        kind="service_guide")
    assert [status(s, x) for x in ("gdh-b", "gdh-c", "hd-d")] == ["pending", "approved", "approved"]
    assert planned_slugs(s) == {"gdh-a", "gdh-c", "hd-d"}

    with pytest.raises(UserError, match="hãy ghi lý do không duyệt"):
        review_segment(s, "gdh-b", approve=False, by="so-tttt")
    review_segment(s, "gdh-b", approve=True, by="so-tttt")
    seg = s.scalar(select(Segment).where(Segment.slug == "gdh-b"))
    assert (seg.status, seg.approved_by) == ("approved", "so-tttt")
    assert planned_slugs(s) == {"gdh-a", "gdh-b", "gdh-c", "hd-d"}
    with pytest.raises(UserError, match="đã được duyệt"):
        review_segment(s, "gdh-b", approve=True)
    with pytest.raises(UserError, match="không chờ duyệt: muốn dừng một tin đã duyệt, hãy rút nó"):
        review_segment(s, "gdh-b", approve=False, note="sai tên")
    # new audio for a reviewed kind waits again
    add_segments(s, settings, specs_from_files(s, [make_audio(tmp_path / "b2.wav", "whisper", 2.0)],
                                               kind="model_citizen", slug="gdh-b",
                                               scope="commune:18073", title="Tin gdh-b"),
                 replace=True)
    assert status(s, "gdh-b") == "pending"
    review_segment(s, "gdh-b", approve=False, by="so-tttt", note="Sai tên người được nêu gương")
    seg = s.scalar(select(Segment).where(Segment.slug == "gdh-b"))
    assert (seg.status, seg.review_note) == ("rejected", "Sai tên người được nêu gương")
    assert "gdh-b" not in planned_slugs(s)


def test_the_cli_lists_approves_and_refuses(runner, tiny, tmp_path):
    lib = str(tmp_path / "library")
    res = runner(["segments", "review", "model_citizen"])
    assert res.exit_code == 0 and "Loại model_citizen: chờ duyệt." in res.output
    assert runner(["segments", "review", "Không hợp lệ"]).exit_code == 1
    for slug, sound in (("gdh-x", "sine"), ("gdh-y", "noise")):
        path = make_audio(tmp_path / f"{slug}.wav", sound, 2.0)
        res = runner(["--library", lib, "segments", "add", str(path), "--kind", "model_citizen",
                      "--scope", "commune:18073"])
        assert res.exit_code == 0, res.output
    res = runner(["segments", "pending"])
    assert "gdh-x" in res.output and "gdh-y" in res.output
    assert "Loại tin cần duyệt: model_citizen" in res.output
    assert "Đã duyệt tin gdh-x." in runner(["segments", "approve", "gdh-x"]).output
    res = runner(["segments", "refuse", "gdh-y", "--reason", "Âm thanh bị rè"])
    assert res.exit_code == 0 and "Đã không duyệt tin gdh-y." in res.output
    assert runner(["segments", "pending", "--format", "json"]).output.strip() == "[]"
    res = runner(["segments", "approve", "khong-co"])
    assert res.exit_code == 1 and "không có mục phát 'khong-co'" in res.output
