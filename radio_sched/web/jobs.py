"""A background job's page: what it does, where, how far it got, and what came of it."""

from __future__ import annotations

import re

from flask import Blueprint, abort, g, render_template, url_for

from ..access.users import can_manage_scope
from ..core.i18n import get_lang
from ..core.scopes import parse_scope
from ..jobs.runner import get_job
from ..jobs.summary import job_view
from .common import db, login_required, this_month, web_settings

bp = Blueprint("jobs", __name__)


@bp.get("/jobs/<int:job_id>")
@login_required
def page(job_id: int):
    found = get_job(db(), job_id, settings=web_settings())  # a dead job is marked failed here
    if not can_manage_job(found):
        abort(403)
    return render_template("job.html", job=job_view(db(), found, get_lang()), back=_back(found))


def _back(job) -> str:
    """Where the job's result shows: its planner's (or station's, or the province's) month."""
    month = job.month or (job.result or {}).get("params", {}).get("month") or this_month().label
    if not isinstance(month, str) or not re.fullmatch(r"\d{4}-\d{2}", month):
        month = this_month().label
    scope = parse_scope(job.scope)
    if scope.level in ("district", "province") and scope.code is not None:
        return url_for("planner.month", level=scope.level, code=scope.code, month=month)
    if scope.level == "commune":
        return url_for("station.page", code=scope.code, month=month)
    return url_for("department.month", month=month)


def can_manage_job(job) -> bool:
    """A job is seen by whoever may run the work of its scope."""
    return can_manage_scope(db(), g.get("user"), parse_scope(job.scope))
