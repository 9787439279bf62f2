"""The province's PostgreSQL set-up as docs/reliability.md tells it: a database of its own, its URL
in RADIO_SCHED_DB, `radio-sched init`, then the commands and the web app work on it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ..conftest import PG_URL

EXE = Path(sys.executable).with_name("radio-sched")


def radio_sched(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RADIO_SCHED_DB": url, "RADIO_SCHED_LANG": "vi"}
    return subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True, timeout=120)


def test_a_province_sets_up_postgresql(tmp_path):
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("RADIO_SCHED_TEST_PG_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("no PostgreSQL (set RADIO_SCHED_TEST_PG_URL, see scripts/postgres.sh)")
    name = f"radio_setup_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # createdb --owner radio_sched <name>
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        done = radio_sched(url, "init", "--preset", "ha-tinh-2024")
        assert done.returncode == 0, done.stderr
        assert "Đã tạo cơ sở dữ liệu postgresql+psycopg://radio_sched:***@" in done.stdout
        assert "210 xã trong 12 huyện" in done.stdout
        again = radio_sched(url, "init")
        assert again.returncode == 0 and "đã ở phiên bản mới nhất" in again.stdout
        listed = radio_sched(url, "stations", "list", "--district", "436", "--format", "csv")
        assert listed.returncode == 0 and "18073,Phường Nam Hà" in listed.stdout
        from radio_sched.core.db import dispose_engines
        from radio_sched.web import create_app

        app = create_app({"DB_URL": url, "TESTING": True,
                          "SECRET_KEY": "test-only key, at least 32 characters long"})
        assert app.test_client().get("/login").status_code == 200
        dispose_engines()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
