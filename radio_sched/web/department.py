"""The Department's pages: where the province's month stands, district by district."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, url_for

from ..planning.planner_month import department_month
from ..core.scopes import parse_scope
from ..access.users import can_manage
from .common import db, landing_month, login_required, month_or_404

bp = Blueprint("department", __name__)


def province_scope():
    """The signed-in Department user's province (403 for every other role)."""
    user = g.user
    scope = parse_scope(user.scope) if user is not None else None
    if scope is None or scope.level != "province" or not can_manage(user, scope):
        abort(403)
    return scope


@bp.get("/department/")
@login_required
def index():
    province_scope()
    return redirect(url_for("department.month", month=landing_month().label))


@bp.get("/department/<month>/")
@login_required
def month(month: str):
    scope = province_scope()
    period = month_or_404(month)
    view = department_month(db(), scope, period)
    return render_template("department/month.html", period=period, districts=view.districts,
                           planners=view.planners)
