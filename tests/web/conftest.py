"""Web fixtures: the app on a real SQLite file, a small province with users, schedules, bundles."""

from __future__ import annotations

import functools
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from radio_sched.production.catalogue import add_segments, specs_from_files
from radio_sched.core.config import Settings
from radio_sched.core.db import session_scope
from radio_sched.jobs.runner import dispose_side_engines, get_job
from radio_sched.jobs.locks import ACTIVE, claim
from radio_sched.core.models import User
from radio_sched.reference.plan_rules import load_rules, preset_rules_text
from radio_sched.reference.session_templates import import_sessions
from radio_sched.access.tokens import create_token
from radio_sched.web import create_app

from ..production.helpers import make_audio, speech
from radio_sched.production.bundle import open_bundle

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
        with open_bundle(root / b.path) as f:
            bundles[code] = (b.sha256, b.size, f.read())
    _row, token = create_token(tiny, station(tiny, "18073"), "điện thoại")
    tiny.commit()
    job_id = claim(db_url, "plan", "2024-03", "district:436", created_by="d436")
    return Site(db_url, root, token, job_id, bundles)


@pytest.fixture
def app(site):
    # a key given here: on PostgreSQL the app would otherwise keep one in its instance folder
    app = create_app({"DB_URL": site.db_url, "SCHEDULES_ROOT": str(site.root), "TESTING": True,
                      "SECRET_KEY": "test-only key, at least 32 characters long"})
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


# --- a district that really plans and renders: rules, sessions, real audio ------------------------

SESSIONS_CSV = "scope,session,start,weekdays,capacity_s\nprovince,sáng,05:30,daily,600\n"
GUIDE_TEXT = "Hướng dẫn người dân đăng ký khai sinh trực tuyến trên Cổng dịch vụ công."


@pytest.fixture(scope="session")
def web_audio(tmp_path_factory) -> dict[str, Path]:
    """Real audio made once per test run (ffmpeg, espeak-ng), and a library where it is ready."""
    from radio_sched.core.db import dispose_engines, upgrade

    d = tmp_path_factory.mktemp("web-audio")
    files = {"jingle-intro": make_audio(d / "intro.wav", "noise", 1.5),
             "jingle-outro": make_audio(d / "outro.wav", "sine", 1.0),
             "guide": speech(d / "Hướng dẫn khai sinh.wav", GUIDE_TEXT),
             "episode": make_audio(d / "Chuyên mục CCHC số 9.mp3", "square", 6.0, lead_s=0.5),
             "warm": d / "library"}
    url = f"sqlite:///{d / 'warm.db'}"
    upgrade(url)
    with session_scope(url) as s:  # the jingles and the guide made ready once; each test copies it
        add_segments(s, Settings(db_url=url, library_root=files["warm"]), specs_from_files(
            s, [files[k] for k in ("jingle-intro", "jingle-outro", "guide")], kind="x"), jobs=2)
    dispose_engines()
    return files


@dataclass
class Workshop:
    settings: Settings
    audio: dict[str, Path]


@pytest.fixture
def workshop(tiny, db_url, tmp_path, web_audio) -> Workshop:
    """The tiny province with accounts, the 2024 rules, a morning session every day, the column's
    jingles and one service guide in the library: ready to plan and render March 2024."""
    settings = Settings(db_url=db_url, library_root=tmp_path / "library",
                        schedules_root=tmp_path / "schedules")
    shutil.copytree(web_audio["warm"], settings.library_root)
    for name, (role, scope) in USERS.items():
        tiny.add(User(username=name, display_name=name, password_hash=password_hash(), role=role,
                      scope=scope))
    load_rules(tiny, text=preset_rules_text("ha_tinh_2024_rules.toml"))
    import_sessions(tiny, SESSIONS_CSV.encode())
    for slug in ("jingle-intro", "jingle-outro"):
        add_segments(tiny, settings, specs_from_files(tiny, [web_audio[slug]], kind="jingle",
                                                      slug=slug, title=slug))
    add_segments(tiny, settings, specs_from_files(
        tiny, [web_audio["guide"]], kind="service_guide", slug="guide-birth",
        title="Hướng dẫn đăng ký khai sinh", valid_from="2024-03-01", valid_until="2024-03-31"))
    tiny.commit()
    return Workshop(settings, web_audio)


@pytest.fixture
def work_app(workshop):
    # a key given here: on PostgreSQL the app would otherwise keep one in its instance folder
    app = create_app({"SETTINGS": workshop.settings, "TESTING": True,
                      "SECRET_KEY": "test-only key, at least 32 characters long"})
    yield app
    dispose_side_engines()


def wait_for_job(db_url: str, job_id: int, timeout: float = 120.0):
    """The job's row once its process has ended it (a job process is a real process)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with session_scope(db_url) as s:
            job = get_job(s, job_id)
            if job.status not in ACTIVE:
                s.expunge(job)
                return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")
