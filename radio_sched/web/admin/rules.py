"""The year's plan rules: shown as the obligations they are, uploaded (every error at its line),
downloaded, and next year's plan started from this year's."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from ...core.errors import InputError, InputErrors, NotFound, UserError
from ...core.i18n import M, tr
from ...jobs.uploads import client_name
from ...production.catalogue import segment_titles
from ...reference.plan_rules import (
    active_plan, load_rules, next_year_rules, plan_years, start_next_year
)
from ...reference.rule_words import obligations, session_limits
from ..common import db
from .base import labels, period

bp = Blueprint("rules", __name__, url_prefix="/rules")
MAX_RULES_BYTES = 256 * 1024


@bp.get("/")
def page():
    years = plan_years(db())
    wanted = request.args.get("year", "")
    year = int(wanted) if wanted.isdigit() and len(wanted) == 4 else (
        period().start.year if period().start.year in years or not years else years[-1])
    return _page(year, years)


def _page(year: int, years: list[int], *, errors: list[InputError] | None = None,
          error: str | None = None, status: int = 200):
    try:
        plan, rules = active_plan(db(), year)
    except NotFound:
        plan = rules = None
    return render_template(
        "admin/rules.html", year=year, years=years, plan=plan, rules=rules,
        obligations=obligations(rules, labels({r.scope for r in rules.rules})) if rules else [],
        limits=session_limits(rules, segment_titles(
            db(), [rules.session.intro, rules.session.outro])) if rules else [], errors=errors or [], error=error,
        next_taken=(year + 1) in years), status


@bp.post("/upload")
def upload():
    """Check an uploaded rules file and make it its year's active plan; every problem is listed
    with its line and nothing changes."""
    storage = request.files.get("file")
    name = client_name(storage) if storage is not None else ""
    years = plan_years(db())
    year = period().start.year
    if not name:
        return _page(year, years, error=tr("Choose a rules file (.toml) to upload.",
                                           "Hãy chọn tệp quy tắc (.toml) để tải lên."), status=400)
    data = storage.read(MAX_RULES_BYTES + 1)
    try:
        if len(data) > MAX_RULES_BYTES:
            raise InputErrors(name, [InputError(name, None, None, M(
                "the file is larger than {k} KB", "tệp lớn hơn {k} KB", k=MAX_RULES_BYTES >> 10))])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputErrors(name, [InputError(name, data.count(b"\n", 0, exc.start) + 1, None, M(
                "the file is not UTF-8 text; save it as UTF-8", "tệp không phải văn bản UTF-8; "
                "hãy lưu lại dạng UTF-8"))]) from None
        plan, created = load_rules(db(), text=text, name=name)
        db().commit()
    except InputErrors as exc:
        db().rollback()
        return _page(year, years, errors=exc.errors, status=400)
    flash(tr("Loaded '{n}' for {y}: {k} rules.", "Đã nạp '{n}' cho năm {y}: {k} quy tắc.",
             n=plan.name, y=plan.year, k=len(plan.rules)) if created else
          tr("The same rules were already loaded for {y}; nothing changed.",
             "Quy tắc này đã được nạp cho năm {y}; không có gì thay đổi.", y=plan.year), "ok")
    return redirect(url_for("admin.rules.page", year=plan.year))


@bp.get("/<int:year>.toml")
def download(year: int):
    """The year's active rules file, as it was uploaded."""
    try:
        plan, _ = active_plan(db(), year)
    except NotFound:
        return _missing(year)
    return _toml(plan.source_text, f"quy-tac-{year}.toml")


@bp.get("/<int:year>/next.toml")
def next_draft(year: int):
    """Next year's file made from this year's, to edit and upload."""
    try:
        plan, _ = active_plan(db(), year)
    except NotFound:
        return _missing(year)
    return _toml(next_year_rules(plan.source_text), f"quy-tac-{year + 1}.toml")


@bp.post("/<int:year>/next")
def store_next(year: int):
    """Store next year's plan as is: the same obligations, the new year."""
    try:
        plan = start_next_year(db(), year)
        db().commit()
    except UserError as exc:
        db().rollback()
        return _page(year, plan_years(db()), error=str(exc.message), status=409)
    flash(tr("Stored '{n}' for {y}, with this year's obligations.",
             "Đã lưu '{n}' cho năm {y}, với các nghĩa vụ của năm nay.", n=plan.name, y=plan.year),
          "ok")
    return redirect(url_for("admin.rules.page", year=plan.year))


def _missing(year: int):
    return _page(year, plan_years(db()), error=tr("No plan rules are loaded for {y}.",
                                                  "Chưa nạp quy tắc kế hoạch cho năm {y}.",
                                                  y=year), status=404)


def _toml(text: str, filename: str) -> Response:
    return Response(text.encode("utf-8"), mimetype="application/toml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
