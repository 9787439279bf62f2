"""The Department's administration pages: plan rules, sessions, off-air days, accounts and links,
the segment library; only a Department account of a province may use them."""

from __future__ import annotations

from flask import Blueprint, render_template

from . import accounts, approval, offair, rules, segments, sessions
from .base import department_only

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(department_only)
for part in (rules, sessions, offair, accounts, segments, approval):
    bp.register_blueprint(part.bp)


@bp.get("/")
def index():
    return render_template("admin/index.html")


@bp.app_template_filter("mmss")
def mmss(seconds: float | int | None) -> str:
    """Seconds as minutes:seconds (600 -> 10:00), rounded to the second."""
    total = int(round(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"
