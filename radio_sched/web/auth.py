"""Signing in and out, and the home page that sends each role to its own pages."""

from __future__ import annotations

import logging
import math

from flask import (Blueprint, current_app, g, make_response, redirect, render_template, request,
                   session as cookie, url_for)

from ..core.i18n import tr

from ..access.users import authenticate, session_stamp
from .common import db, login_required
from .throttle import FailureLimiter

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never '//other.site' or 'https://...' (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def home_of(user) -> str:
    level, _, code = user.scope.partition(":")
    if user.role == "department":
        return url_for("department.index")
    if user.role == "district":
        return url_for("planner.index", level="district", code=code)
    return url_for("station.current", code=code)


@bp.get("/")
def index():
    if g.user is None:
        return redirect(url_for("auth.login"))
    return redirect(home_of(g.user))


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url, failed=False)
    username = request.form.get("username", "")[:80]
    keys = _throttle_keys(username)
    wait = _limiter().wait_s(keys)
    if wait > 0:  # guessing passwords: no answer about this one, only when to try again
        log.warning("sign-in for %r from %s refused: too many failures", username,
                    request.remote_addr)
        minutes = max(1, math.ceil(wait / 60))
        resp = make_response(render_template(
            "login.html", next=next_url, failed=False, username=username,
            throttled=tr("Too many failed sign-ins from here. Try again in {m} minute(s).",
                         "Đăng nhập sai quá nhiều lần từ máy này. Hãy thử lại sau {m} phút.",
                         m=minutes)), 429)
        resp.headers["Retry-After"] = str(math.ceil(wait))
        return resp
    user = authenticate(db(), username, request.form.get("password", "")[:1024])
    if user is None:
        _limiter().failed(keys)
        log.info("failed sign-in for %r from %s", username, request.remote_addr)
        return render_template("login.html", next=next_url, failed=True, username=username), 401
    _limiter().succeeded(keys[:1])
    cookie.clear()  # a fresh session: nothing from before the sign-in survives it
    cookie["uid"], cookie["stamp"] = user.id, session_stamp(user)
    cookie.permanent = True
    log.info("user %s signed in", user.username)
    return redirect(next_url or home_of(user))


def _throttle_keys(username: str) -> list[tuple[str, str]]:
    """The account at this address first (cleared by a success), then the address alone."""
    address = request.remote_addr or "?"
    return [("account", f"{username.strip().lower()}|{address}"), ("address", address)]


def _limiter() -> FailureLimiter:
    ext = current_app.extensions["radio_sched"]
    if "login_limiter" not in ext:
        web = ext["web"]
        ext["login_limiter"] = FailureLimiter({"account": web.login_failures_per_account,
                                               "address": web.login_failures_per_address},
                                              web.login_window_s)
    return ext["login_limiter"]


@bp.post("/logout")
@login_required
def logout():
    cookie.clear()
    return redirect(url_for("auth.login"))
