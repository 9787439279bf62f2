"""Shared fixtures: a real SQLite file per test, upgraded by the real migrations; a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import uuid
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from radio_sched.core.db import dispose_engines, sessionmaker_for, upgrade
from radio_sched.core.i18n import set_lang
from radio_sched.jobs.runner import join_watchers

from .helpers import TINY_DIVISIONS, write

os.environ.pop("RADIO_SCHED_DB", None)
os.environ.pop("RADIO_SCHED_LANG", None)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Every test runs in its own folder, in Vietnamese, with no engine left over."""
    monkeypatch.chdir(tmp_path)
    set_lang("vi")
    yield
    join_watchers()  # a job process's watcher may still be recording how it ended
    dispose_engines()


PG_URL = os.environ.get("RADIO_SCHED_TEST_PG_URL")


def pytest_generate_tests(metafunc):
    """Tests marked all_backends run on SQLite and on PostgreSQL."""
    if metafunc.definition.get_closest_marker("all_backends"):
        for name in ("db_url", "empty_db_url"):
            if name in metafunc.fixturenames:
                metafunc.parametrize(name, ["sqlite", "postgres"], indirect=True)
                break


@contextmanager
def _database(backend: str, tmp_path):
    """An empty database: a SQLite file, or a fresh schema in the test PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("RADIO_SCHED_TEST_PG_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("no PostgreSQL (set RADIO_SCHED_TEST_PG_URL, see scripts/postgres.sh)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        dispose_engines()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_db_url(request, tmp_path):
    with _database(getattr(request, "param", "sqlite"), tmp_path) as url:
        yield url


@pytest.fixture
def db_url(request, tmp_path):
    """A migrated database (SQLite unless the test is marked all_backends)."""
    with _database(getattr(request, "param", "sqlite"), tmp_path) as url:
        upgrade(url)
        yield url


@pytest.fixture
def session(db_url):
    """A session on the test database; what a test does not commit is rolled back."""
    s = sessionmaker_for(db_url)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


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
    from radio_sched.reference.divisions import load_divisions

    load_divisions(session, write(tmp_path / "div.csv", TINY_DIVISIONS))
    session.commit()
    return session
