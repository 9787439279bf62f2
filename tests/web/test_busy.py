"""A database held by another writer longer than the site waits: the page says so plainly (503,
Retry-After) instead of an error, and nothing is half-stored; once free, the same form works."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import dispose_engines, session_scope
from radio_sched.core.models import AsRun
from radio_sched.web import create_app

from ..reliability.locks import another_writer
from .conftest import login, post_form

pytestmark = pytest.mark.all_backends
REPORT = {"date": "2024-03-01", "session": "sáng", "status": "aired"}


def test_a_busy_database_is_told_plainly(site, monkeypatch):
    monkeypatch.setenv("RADIO_SCHED_DB_WAIT_S", "0.3")
    dispose_engines()  # engines made from here on wait 0.3 s
    app = create_app({"DB_URL": site.db_url, "TESTING": True,
                      "SECRET_KEY": "test-only key, at least 32 characters long"})
    c = app.test_client()
    assert login(c, "op18073").status_code == 302
    with another_writer(site.db_url, table="asrun"):
        r = post_form(c, "/station/18073/2024-03/asrun", REPORT)
    text = r.get_data(as_text=True)
    assert r.status_code == 503 and r.headers["Retry-After"] == "30"
    assert "cơ sở dữ liệu đang bận" in text and "hãy thử lại sau ít phút" in text
    with session_scope(site.db_url) as s:
        assert s.scalar(select(func.count(AsRun.id))) == 0
    assert post_form(c, "/station/18073/2024-03/asrun", REPORT).status_code == 302
    with session_scope(site.db_url) as s:
        assert s.scalar(select(func.count(AsRun.id))) == 1
