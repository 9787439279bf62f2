"""A withdrawal mid-month with real audio: the segment airs no more from that day, the days before
stay exactly as they were, new bundles for the stations that changed, and the audit keeps the
obligation's required with no shortfall and a reason that says it was withdrawn."""

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from radio_sched.core.models import Segment
from radio_sched.core.periods import parse_month
from radio_sched.core.scopes import Scope
from radio_sched.planning.plan import check_month, plan_month
from radio_sched.production.bundle import read_manifest
from radio_sched.reference.plan_rules import DATA, load_rules
from radio_sched.reference.presets import DEFAULT_SESSIONS
from radio_sched.reference.session_templates import add_default_sessions
from radio_sched.reports.audit import audit

from .test_replan import airings_of
from .test_replan_render import bundles

DEMO = Path(__file__).resolve().parents[2] / "audio_library" / "demo"
MARCH = parse_month("2024-03")
DISTRICT = Scope("district", "436")
GONE = "tp-ht-2024-12"  # the district's 4th episode: valid 22/3..4/4, owed once within 7 days


def planned_and_rendered(runner, session, audio, sessions=DEFAULT_SESSIONS):
    """The demo audio, the 2024 rules, March planned and rendered for the district 436."""
    assert runner([*audio, "segments", "import", str(DEMO / "segments.csv"), "--jobs", "2"]).exit_code == 0
    add_default_sessions(session, sessions)
    load_rules(session, DATA / "ha_tinh_2024_rules.toml")
    session.commit()
    plan_month(session, MARCH, DISTRICT, jobs=1)
    session.commit()
    res = runner([*audio, "render", "2024-03", "--district", "436"])
    assert res.exit_code == 0, res.output


def test_a_withdrawal_mid_month(runner, tiny, tmp_path):
    session = tiny
    out = tmp_path / "schedules"
    audio = ["--library", str(tmp_path / "library"), "--schedules", str(out)]
    planned_and_rendered(runner, session, audio)
    first = bundles(session)
    before = {code: airings_of(session, code) for code in ("18073", "18077")}
    day = min(d for a in before.values() for d, _, slugs in a if GONE in slugs)
    assert day >= dt.date(2024, 3, 22)

    res = runner([*audio, "segments", "withdraw", GONE, "--from", day.strftime("%d/%m/%Y")])
    assert res.exit_code == 0, res.output
    assert f"Đã rút tin {GONE} từ ngày {day}." in res.output
    assert f"2024-03: phiên bản 2 từ ngày {day}, 2 đài thay đổi, 2 gói mới." in res.output
    session.expire_all()
    assert session.scalar(select(Segment.withdrawn_from).where(Segment.slug == GONE)) == day
    assert check_month(session, MARCH, DISTRICT).ok
    for code, old in before.items():
        new = airings_of(session, code)
        assert not [d for d, _, slugs in new if GONE in slugs and d >= day]
        assert sorted(a for a in new if a[0] < day) == sorted(a for a in old if a[0] < day)
    after = bundles(session)
    assert [(c, v) for c, v, _, _ in after] == [("18073", 1), ("18073", 2), ("18077", 1), ("18077", 2)]
    manifest = read_manifest(out / after[1][2])
    assert manifest["bundle_version"] == 2 and not [
        i for a in manifest["airings"] for i in a["items"] if i["segment"] == GONE]
    assert after[0] == first[0]

    # the stored version owes nothing for it; the audit keeps required = 1, shortfall 0, and says why
    res = audit(session, MARCH, DISTRICT, today=dt.date(2024, 4, 30))
    rows = [r for r in res.rows if r.segment == GONE]
    assert {r.station for r in rows} == {"18073", "18077"}
    for r in rows:
        assert (r.required, r.planned, r.shortfall, r.status, r.withdrawn) == (1, 0, 0, "met", day)
        assert r.reason.render("vi") == f"đã rút khỏi lịch phát từ ngày {day}: không còn phải phát"
        assert r.reason.render("en") == f"withdrawn from {day}: no more airings are owed"
    others = [r for r in res.rows if r.segment and r.segment != GONE and r.withdrawn]
    assert others == []

    # twice is refused and changes nothing
    res = runner([*audio, "segments", "withdraw", GONE, "--from", str(day)])
    assert res.exit_code == 1 and f"đã được rút từ ngày {day}" in res.output
    assert bundles(session) == after
    res = runner([*audio, "segments", "withdraw", "jingle-intro", "--from", str(day)])
    assert res.exit_code == 1 and "là nhạc hiệu của chuyên mục" in res.output
    res = runner([*audio, "segments", "withdraw", "khong-co", "--from", str(day)])
    assert res.exit_code == 1 and "không có mục phát 'khong-co'" in res.output
