"""The demo tests' work folder: a fresh folder and the settings the demo runs on in it."""

import pytest

from radio_sched.core.config import Settings
from radio_sched.core.db import dispose_engines


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """(folder, settings): a real SQLite file, audio library and schedules folder inside it."""
    root = tmp_path_factory.mktemp("demo")
    yield root, Settings(db_url=f"sqlite:///{root / 'radio-sched.db'}",
                         library_root=root / "audio_library", schedules_root=root / "schedules")
    dispose_engines()
