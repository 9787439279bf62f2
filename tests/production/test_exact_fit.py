"""A ready part never lasts longer than its original, so an item that exactly fills a session fits."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from radio_sched.core.config import Settings
from radio_sched.core.models import Segment
from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import check_month, plan_month
from radio_sched.production.catalogue import add_segments, specs_from_files
from radio_sched.production.month_render import render_month
from radio_sched.reference.plan_rules import load_rules
from radio_sched.reference.session_templates import add_default_sessions

RULES = """[plan]
name = "Chương trình của tỉnh, không nhạc hiệu"
year = 2024

[session]
max_items = 3
gap_s = 1.0

[[rule]]
id = "provincial-program"
kind = "provincial_program"
each_segment = { min = 1, max = 1, within_days = 3 }
"""


def wav(path, seconds: float):
    """A tone that sounds to its very last sample (no silence to trim), exactly `seconds` long."""
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=f=330:d={seconds}:sample_rate=44100", "-c:a", "pcm_s16le", str(path)],
                   check=True)
    return path


def test_a_280_s_programme_fills_a_280_s_session_without_jingles(tiny, db_url, tmp_path):
    s = tiny
    settings = Settings(db_url=db_url, library_root=tmp_path / "library",
                        schedules_root=tmp_path / "schedules")
    add_default_sessions(s, [{"scope": "province", "session": "sáng", "start": "05:30",
                              "weekdays": "daily", "capacity_s": 280}])
    load_rules(s, text=RULES)
    src = wav(tmp_path / "chuong-trinh.wav", 280.0)
    add_segments(s, settings, specs_from_files(
        s, [src], kind="provincial_program", slug="prog", title="Chương trình CCHC tháng 3",
        valid_from="2024-03-01", valid_until="2024-03-03"))
    seg = s.scalar(select(Segment).where(Segment.slug == "prog"))
    assert 279.9 < seg.duration_s <= 280.0  # 280.033 s before: LAME's padding frames were kept
    month = parse_month("2024-03")
    plan = plan_month(s, month)
    assert plan.shortfalls == [] and plan.items == 5  # one airing at each of the five stations
    assert check_month(s, month).ok
    rendered = render_month(settings, s, month)
    assert rendered.airings == 5 and rendered.audio_s <= 5 * 280.0
