"""Signing in and out, and the home page that sends each role to its own pages."""

from __future__ import annotations

import logging
import math

from flask import (Blueprint, current_app, g, make_response, redirect, render_template, request,
                   session as cookie, url_for)

from ..access.throttle import SignInThrottle, keys_for
from ..access.users import authenticate, end_sessions, session_stamp
from ..core.i18n import tr
from ..core.text import clean_text
from .common import db, login_required, safe_next

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


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
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url, failed=False)
    username = clean_text(request.form.get("username", "")[:80])
    keys = keys_for(username, request.remote_addr)
    wait = _throttle().wait_s(db(), keys)
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
        _throttle().failed(db(), keys)
        db().commit()
        log.info("failed sign-in for %r from %s", username, request.remote_addr)
        return render_template("login.html", next=next_url, failed=True, username=username), 401
    _throttle().succeeded(db(), keys)
    db().commit()
    cookie.clear()  # a fresh session: nothing from before the sign-in survives it
    cookie["uid"], cookie["stamp"] = user.id, session_stamp(user)
    cookie.permanent = True
    log.info("user %s signed in", user.username)
    return redirect(next_url or home_of(user))


def _throttle() -> SignInThrottle:
    ext = current_app.extensions["radio_sched"]
    if "login_throttle" not in ext:
        ext["login_throttle"] = SignInThrottle(ext["web"])
    return ext["login_throttle"]


@bp.post("/logout")
@login_required
def logout():
    """Ends the session on the server too: a copy of the cookie kept elsewhere opens nothing."""
    end_sessions(g.user)
    db().commit()
    cookie.clear()
    return redirect(url_for("auth.login"))
