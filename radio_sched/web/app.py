"""The Flask application factory: settings, secret key, CSRF, language, security headers, errors."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from sqlalchemy.engine import make_url

from ..core.config import TEMPLATES_DIR, Settings, WebSettings, from_env, normalize_db_url
from ..core.db import require_current
from ..core.errors import RadioSchedError
from ..core.i18n import M, get_lang, set_lang, tr
from . import common
from ..reference import labels
from .errors import csrf, register_errors
from .nav import period_links
from .proxies import LOOPBACK, TrustedProxyFix, install_log_redaction, trusted_networks

log = logging.getLogger(__name__)
TEMPLATES = TEMPLATES_DIR / "web"
def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The web app over the database named by RADIO_SCHED_DB (or test_config's DB_URL)."""
    test_config = test_config or {}
    base = from_env()
    settings: Settings = test_config.get("SETTINGS") or base.with_(
        db_url=normalize_db_url(test_config["DB_URL"]) if test_config.get("DB_URL") else None,
        schedules_root=Path(test_config["SCHEDULES_ROOT"]) if test_config.get("SCHEDULES_ROOT")
        else None)
    web: WebSettings = test_config.get("WEB") or WebSettings()
    require_current(settings.db_url)  # a clear message, not a crash on the first request

    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder="static")
    app.extensions["radio_sched"] = {"settings": settings, "web": web}
    app.config.update(
        SECRET_KEY=os.environ.get("RADIO_SCHED_SECRET_KEY") or None,
        MAX_CONTENT_LENGTH=web.max_upload_mb * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=web.max_form_kb * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("RADIO_SCHED_SECURE_COOKIES", "") in ("1", "true"),
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=web.session_hours),
        WTF_CSRF_TIME_LIMIT=None,  # valid for the signed session's life, not one hour of a form
    )
    app.config.update({k: v for k, v in test_config.items()
                       if k not in ("SETTINGS", "DB_URL", "SCHEDULES_ROOT", "WEB")})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _key_file_secret(settings.db_url, Path(app.instance_path))
    app.json.ensure_ascii = False  # Vietnamese stays readable in the API

    app.before_request(_cap_body)  # before CSRF, whose check reads the form
    csrf.init_app(app)
    app.teardown_appcontext(common.close_db)
    app.before_request(_before)
    app.after_request(_after)
    app.jinja_env.globals.update(t=tr, lang=get_lang, csrf_field=_csrf_field,
                                 period_links=period_links, lang_url=common.lang_url,
                                 place=common.place, **labels.FOR_PAGES)
    register_errors(app)

    from . import admin, api, auth, content, coverage, department, help, jobs, planner, station

    for module in (auth, station, planner, content, jobs, department, coverage, help, api, admin):
        app.register_blueprint(module.bp)
    csrf.exempt(api.bp)  # the API checks CSRF itself when a browser cookie (not a token) is used
    from ..jobs.kinds import register as register_job_kinds

    register_job_kinds()  # plan, render and segments run in job processes (jobs.start_process)
    trusted = os.environ.get("RADIO_SCHED_TRUSTED_PROXIES", "")
    if not trusted and os.environ.get("RADIO_SCHED_PROXY_FIX", "") in ("1", "true"):
        trusted = LOOPBACK  # the proxy on this machine, as the README's deployment has it
    if trusted:
        # Behind a reverse proxy (nginx, Caddy): its X-Forwarded-* headers give the client's
        # address and the public https address of links, but only when it is the proxy asking.
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted_networks(trusted))
    install_log_redaction()
    return app


def _key_file_secret(db_url: str, instance: Path) -> str:
    """A random key generated once and kept beside the SQLite database (else in the instance
    folder), readable by its owner only; every worker process of one site reads the same key."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database).resolve().with_name(Path(url.database).name + ".secret-key")
    else:
        instance.mkdir(parents=True, exist_ok=True)
        path = instance / "secret-key"
    # Written whole to a temporary file, then linked into place: two workers starting together
    # either make the file or read the other's, never a half-written one.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
    try:
        os.link(tmp, path)
        log.info("generated a new secret key in %s", path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise RadioSchedError(M("the key file {p} is damaged; delete it to make a new one",
                                "tệp khóa {p} bị hỏng; hãy xóa để tạo tệp mới", p=path))
    return key


# Requests that carry reports or a sign-in, held to their own small limit before anything reads
# them (the audio upload keeps max_upload_mb): a 20 MB as-run file is refused, not parsed.
_SMALL_BODIES = {"station.asrun": "max_asrun_kb", "station.link_asrun": "max_asrun_kb",
                 "api.asrun_post": "max_asrun_kb", "auth.login": "max_login_kb",
                 "auth.logout": "max_login_kb"}


def _cap_body() -> None:
    web = common.web_settings()
    setting = _SMALL_BODIES.get(request.endpoint or "")
    if setting:
        request.max_content_length = getattr(web, setting) * 1024
    elif request.mimetype != "multipart/form-data":
        # no file can be in it, only fields: werkzeug reads a url-encoded body whole, so
        # MAX_FORM_MEMORY_SIZE (per multipart field) would not hold it
        request.max_content_length = web.max_form_kb * 1024


def _before() -> None:
    set_lang(common.choose_lang())
    g.user = common.load_user()
    g.grant = None


def _after(resp):
    asked = request.args.get("lang")
    if asked in ("vi", "en") and request.cookies.get(common.LANG_COOKIE) != asked:
        resp.set_cookie(common.LANG_COOKIE, asked, max_age=365 * 86400, samesite="Lax",
                        httponly=True, secure=bool(request.is_secure))
    h = resp.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    # Download links carry their token in the path: never send it to another site. (Not
    # "no-referrer": over HTTPS the CSRF check wants a same-site Referer on every form.)
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                 "form-action 'self'; frame-ancestors 'none'")
    if resp.mimetype == "text/html" or request.path.startswith("/api/"):
        h.setdefault("Cache-Control", "private, no-store")
    h.add("Vary", "Cookie")
    return resp


def _csrf_field() -> str:
    from flask_wtf.csrf import generate_csrf
    from markupsafe import Markup

    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())
