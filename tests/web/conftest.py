"""Web fixtures: the app on a real SQLite file, a small province with users, schedules, bundles."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from radio_sched.jobs import claim, dispose_side_engines
from radio_sched.models import User
from radio_sched.tokens import create_token
from radio_sched.web import create_app

from .data import add_bundle, add_schedule, station

PASSWORD = "mật khẩu thử"
USERS = {  # username: role, scope
    "so": ("department", "province"),
    "d436": ("district", "district:436"),
    "d440": ("district", "district:440"),
    "op18073": ("station", "commune:18073"),
    "op18202": ("station", "commune:18202"),
}


@functools.lru_cache(maxsize=1)
def password_hash() -> str:
    return generate_password_hash(PASSWORD)  # once per test run: scrypt is slow on purpose


@dataclass
class Site:
    db_url: str
    root: Path
    token: str  # a download link of station 18073
    job_id: int  # a job of district 436
    bundles: dict = field(default_factory=dict)  # station code -> (sha256, size, bytes)


@pytest.fixture
def site(tiny, db_url, tmp_path) -> Site:
    root = tmp_path / "schedules"
    for name, (role, scope) in USERS.items():
        tiny.add(User(username=name, display_name=name, password_hash=password_hash(), role=role,
                      scope=scope))
    stations = [station(tiny, c) for c in ("18073", "18077", "18202", "18205", "18301")]
    sch = add_schedule(tiny, "2024-03", stations, shortfalls={"18202": [
        {"rule": "model-citizen", "segment": None, "required": 1, "planned": 0,
         "reason": {"vi": "xã chưa gửi mục người tốt việc tốt", "en": "the commune sent no item"}}]})
    bundles = {}
    for code in ("18073", "18202"):
        b = add_bundle(tiny, root, station(tiny, code), sch)
        bundles[code] = (b.sha256, b.size, (root / b.path).read_bytes())
    _row, token = create_token(tiny, station(tiny, "18073"), "điện thoại")
    tiny.commit()
    job_id = claim(db_url, "plan", "2024-03", "district:436", created_by="d436")
    return Site(db_url, root, token, job_id, bundles)


@pytest.fixture
def app(site):
    app = create_app({"DB_URL": site.db_url, "SCHEDULES_ROOT": str(site.root), "TESTING": True})
    yield app
    dispose_side_engines()


@pytest.fixture
def client(app):
    return app.test_client()


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client) -> str:
    """The form token of this client's session, as a page would carry it."""
    return _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)})


def post_form(client, url: str, data: dict | None = None, **kw):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kw)


@pytest.fixture
def as_user(app):
    """A signed-in test client per user name."""
    def make(username: str):
        c = app.test_client()
        assert login(c, username).status_code == 302
        return c
    return make
