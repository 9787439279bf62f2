"""Signing in and out, and the home page that sends each role to its own pages."""

from __future__ import annotations

import logging

from flask import Blueprint, g, redirect, render_template, request, session as cookie, url_for

from ..users import authenticate, session_stamp
from .common import db, login_required

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
        return url_for("district.index", code=code)
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
    user = authenticate(db(), username, request.form.get("password", "")[:1024])
    if user is None:
        log.info("failed sign-in for %r from %s", username, request.remote_addr)
        return render_template("login.html", next=next_url, failed=True, username=username), 401
    cookie.clear()  # a fresh session: nothing from before the sign-in survives it
    cookie["uid"], cookie["stamp"] = user.id, session_stamp(user)
    cookie.permanent = True
    log.info("user %s signed in", user.username)
    return redirect(next_url or home_of(user))


@bp.post("/logout")
@login_required
def logout():
    cookie.clear()
    return redirect(url_for("auth.login"))
