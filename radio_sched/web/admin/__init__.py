"""The Department's administration pages: plan rules, sessions, off-air days, accounts and links,
the segment library; only a Department account of a province may use them."""

from __future__ import annotations

from flask import Blueprint, render_template

from ...core.config import as_local

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


@bp.app_template_filter("local_time")
def local_time(moment) -> str:
    """A stored moment (UTC) as the stations' clock shows it: 09:20 01/12/2026."""
    return as_local(moment).strftime("%H:%M %d/%m/%Y") if moment else "—"


@bp.app_template_filter("local_day")
def local_day(moment) -> str:
    """A stored moment's day on the stations' clock: 01/12/2026."""
    return as_local(moment).strftime("%d/%m/%Y") if moment else "—"
