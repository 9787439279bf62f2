"""Shared fixtures: a real SQLite file per test, upgraded by the real migrations; a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from radio_sched.db import dispose_engines, session_scope, upgrade
from radio_sched.i18n import set_lang

from .helpers import TINY_DIVISIONS, write

os.environ.pop("RADIO_SCHED_DB", None)
os.environ.pop("RADIO_SCHED_LANG", None)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Every test runs in its own folder, in Vietnamese, with no engine left over."""
    monkeypatch.chdir(tmp_path)
    set_lang("vi")
    yield
    dispose_engines()


@pytest.fixture
def db_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture
def session(db_url):
    with session_scope(db_url) as s:
        yield s


@pytest.fixture
def runner(db_url):
    """Invoke the CLI on the test database: runner(['stations', 'list'])."""
    from radio_sched.cli import cli

    base = CliRunner()

    def invoke(args, **kw):
        return base.invoke(cli, ["--db", db_url, *args], catch_exceptions=False, **kw)

    return invoke


@pytest.fixture
def tiny(session, tmp_path):
    """Five communes in three districts, two of them named Xã Tân Lập."""
    from radio_sched.divisions import load_divisions

    load_divisions(session, write(tmp_path / "div.csv", TINY_DIVISIONS))
    session.commit()
    return session
