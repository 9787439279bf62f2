"""Segments spoken from text: a real espeak-ng run whose segment plans and renders like any upload;
--print-text changes nothing; bad notices are refused with what and where."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from radio_sched.core.config import Settings
from radio_sched.core.errors import UserError
from radio_sched.core.models import Segment, Station
from radio_sched.core.periods import parse_month
from radio_sched.core.scopes import Scope
from radio_sched.planning.instances import current_airings_by_station
from radio_sched.planning.plan import check_month, plan_month
from radio_sched.production.bundle import read_manifest
from radio_sched.production.month_render import render_month
from radio_sched.production.speak import speak_segment
from radio_sched.reference.plan_rules import DATA, load_rules
from radio_sched.reference.presets import DEFAULT_SESSIONS
from radio_sched.reference.session_templates import add_default_sessions

from ..helpers import write

DEMO = Path(__file__).resolve().parents[2] / "audio_library" / "demo"
MARCH = parse_month("2024-03")
NOTICE = ("Thông báo về đăng ký khai sinh trực tuyến\n"
          "Từ ngày 4/3/2024, UBND phường tiếp nhận hồ sơ từ 7h30 đến 11h, "
          "lệ phí 50.000 đồng; mọi thắc mắc xin gọi 0239.3855.123.\n")
SPOKEN = ("Thông báo về đăng ký khai sinh trực tuyến. Từ ngày mồng bốn tháng ba năm hai nghìn không trăm "
          "hai mươi tư, Ủy ban nhân dân phường tiếp nhận hồ sơ từ bảy giờ ba mươi phút đến mười một "
          "giờ, lệ phí năm mươi nghìn đồng; mọi thắc mắc xin gọi không hai ba chín, ba tám năm năm, "
          "một hai ba.")


def jingles_only(runner, tmp_path, lib: str) -> None:
    rows = (DEMO / "segments.csv").read_text(encoding="utf-8").splitlines()[:3]
    manifest = tmp_path / "jingles" / "segments.csv"
    manifest.parent.mkdir()
    for name in ("jingle-intro.mp3", "jingle-outro.mp3"):
        (manifest.parent / name).write_bytes((DEMO / name).read_bytes())
    write(manifest, "\n".join(rows) + "\n")
    res = runner(["--library", lib, "segments", "import", str(manifest)])
    assert res.exit_code == 0, res.output


def test_print_text_shows_the_reading_and_changes_nothing(runner, tiny, tmp_path):
    notice = write(tmp_path / "khai-sinh.txt", NOTICE, bom=True, crlf=True)
    res = runner(["--library", str(tmp_path / "library"), "segments", "speak", str(notice),
                  "--kind", "service_guide", "--scope", "commune:18073", "--print-text"])
    assert res.exit_code == 0, res.output
    assert res.output == SPOKEN + "\n"
    assert tiny.scalar(select(func.count()).select_from(Segment)) == 0
    assert not (tmp_path / "library").exists()


def test_a_spoken_notice_plans_and_renders_like_any_segment(runner, tiny, tmp_path):
    session = tiny
    lib, out = str(tmp_path / "library"), tmp_path / "schedules"
    jingles_only(runner, tmp_path, lib)
    add_default_sessions(session, DEFAULT_SESSIONS)
    load_rules(session, DATA / "ha_tinh_2024_rules.toml")
    session.commit()
    notice = write(tmp_path / "khai-sinh.txt", NOTICE)
    res = runner(["--library", lib, "segments", "speak", str(notice), "--kind", "service_guide",
                  "--scope", "commune:18073", "--valid-from", "2024-03-01",
                  "--valid-until", "2024-03-31"])
    assert res.exit_code == 0, res.output
    assert "Đọc bằng giọng espeak-ng." in res.output and "Mục phát: thêm 1." in res.output
    session.expire_all()
    seg = session.scalar(select(Segment).where(Segment.slug == "khai-sinh"))
    assert (seg.kind, seg.scope, seg.status, seg.producer) == ("service_guide", "commune:18073",
                                                               "approved", "espeak-ng")
    assert seg.title == "Thông báo về đăng ký khai sinh trực tuyến"
    assert seg.original_name == "khai-sinh.wav"
    # about 17 s of speech at 150 words a minute; loudness measured, the ready MP3 in the store
    assert 10 < seg.duration_s < 30 and seg.loudness_lufs is not None and seg.ready_sha256

    # the only service guide of Nam Hà: the weekly quota (2 a week, 5 days apart) needs it
    plan_month(session, MARCH, Scope("commune", "18073"), jobs=1)
    session.commit()
    assert check_month(session, MARCH, Scope("commune", "18073")).ok
    sid = session.scalar(select(Station.id).where(Station.code == "18073"))
    airings = current_airings_by_station(session, MARCH, [sid])[sid]
    days = sorted(d for d, _, slugs in airings if "khai-sinh" in slugs)
    assert [d.day for d in days] == [1, 6, 11, 16, 21, 26, 31]  # as often as min_gap_days = 5 allows

    settings = Settings(db_url=session.get_bind().url.render_as_string(hide_password=False),
                        library_root=Path(lib), schedules_root=out)
    res = render_month(settings, session, MARCH, Scope("commune", "18073"), jobs=1)
    session.commit()
    (st,) = res.stations
    manifest = read_manifest(out / st.bundle.path)
    items = [i for a in manifest["airings"] for i in a["items"] if i["segment"] == "khai-sinh"]
    assert len(items) == len(days) and {i["duration_s"] for i in items} == {seg.duration_s}


def test_bad_notices_are_refused_and_change_nothing(tiny, tmp_path):
    settings = Settings(db_url="sqlite://", library_root=tmp_path / "library",
                        schedules_root=tmp_path / "schedules")
    latin1 = tmp_path / "cu.txt"
    latin1.write_bytes("Thông báo".encode("cp1258"))
    with pytest.raises(UserError, match="cu.txt không phải văn bản UTF-8"):
        speak_segment(tiny, settings, latin1, kind="service_guide")
    empty = write(tmp_path / "trong.txt", "  \n\n")
    with pytest.raises(UserError, match="trong.txt: không có nội dung để đọc"):
        speak_segment(tiny, settings, empty, kind="service_guide")
    good = write(tmp_path / "tb.txt", NOTICE)
    with pytest.raises(UserError, match="phạm vi|scope|commune:99999"):
        speak_segment(tiny, settings, good, kind="service_guide", scope="commune:99999")
    with pytest.raises(UserError, match="không phải mô hình giọng đọc"):
        speak_segment(tiny, settings, good, kind="service_guide", voice=Path("giong.bin"))
    assert tiny.scalar(select(func.count()).select_from(Segment)) == 0
    assert not (tmp_path / "library").exists()
