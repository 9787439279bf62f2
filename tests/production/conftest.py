"""Audio fixtures: real audio made once per test run, a library ready per test, a stored schedule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from radio_sched.production.catalogue import add_segments, specs_from_files
from radio_sched.core.config import Settings
from radio_sched.reference.plan_rules import load_rules, preset_rules_text

from .helpers import PLAN, make_audio, schedule, speech

VI_TEXT = "Xin chào bà con. Đây là chuyên mục cải cách hành chính, hướng dẫn đăng ký khai sinh trực tuyến."


@pytest.fixture(scope="session")
def sources(tmp_path_factory) -> dict[str, Path]:
    """Inputs from a whisper to a clipped square wave, in several formats, rates and layouts."""
    d = tmp_path_factory.mktemp("sources")
    return {
        "jingle-intro": make_audio(d / "jingle-intro.wav", "noise", 2.0),
        "jingle-outro": make_audio(d / "jingle-outro.mp3", "sine", 1.5),
        "speech": speech(d / "speech.wav", VI_TEXT),
        "whisper": speech(d / "whisper.wav", VI_TEXT + " Nói nhỏ.", gain_db=-38),
        "square": make_audio(d / "square.mp3", "square", 5.0, lead_s=1.0, tail_s=1.5),
        "clicks": make_audio(d / "clicks.wav", "clicks", 4.0),
        "noise": make_audio(d / "noise.flac", "whisper", 4.0),
        "stereo": make_audio(d / "stereo.ogg", "stereo", 3.0),
    }


@pytest.fixture(scope="session")
def warm_library(tmp_path_factory, sources) -> Path:
    """A library with every source made ready once; tests copy it so that each runs fast."""
    from radio_sched.core.db import dispose_engines, session_scope, upgrade

    d = tmp_path_factory.mktemp("warm")
    url = f"sqlite:///{d / 'warm.db'}"
    upgrade(url)
    settings = Settings(db_url=url, library_root=d / "library", schedules_root=d / "schedules")
    with session_scope(url) as s:
        add_segments(s, settings, specs_from_files(s, list(sources.values()), kind="district_episode"),
                     jobs=2)
    dispose_engines()
    return d / "library"


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    return Settings(db_url=db_url, library_root=tmp_path / "library",
                    schedules_root=tmp_path / "schedules")


@pytest.fixture
def library(tiny, settings, sources, warm_library):
    """The tiny province, the Hà Tĩnh 2024 rules (jingles jingle-intro / jingle-outro, gap 1 s, -23 LUFS)
    and every source as a segment: the jingles of kind jingle, the others of their own kinds."""
    shutil.copytree(warm_library, settings.library_root)
    s = tiny
    load_rules(s, text=preset_rules_text("ha_tinh_2024_rules.toml"))
    kinds = {"jingle-intro": "jingle", "jingle-outro": "jingle", "speech": "service_guide",
             "whisper": "model_citizen", "square": "district_episode", "clicks": "provincial_report",
             "noise": "home_affairs", "stereo": "provincial_program"}
    for name, path in sources.items():
        add_segments(s, settings, specs_from_files(s, [path], kind=kinds[name], slug=name,
                                                   title=f"Tin {name}"))
    s.commit()
    return s


@pytest.fixture
def month(library):
    """The library and PLAN stored as schedule version 1 of March 2024."""
    schedule(library, PLAN)
    library.commit()
    return library
