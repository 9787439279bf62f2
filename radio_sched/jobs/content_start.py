"""Content work started from a page: a notice spoken at once; a bulletin, a withdrawal or a
bulletin's approval checked at once (nothing stored if refused), then run as a job under the
re-plan lock of its first month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..access.users import StationPass, can_add_for, can_manage_scope
from ..core.config import Settings, WebSettings, local_today
from ..core.errors import UserError
from ..core.i18n import M
from ..core.models import Segment, User
from ..core.periods import PeriodError, parse_date
from ..core.scopes import parse_scope
from ..planning.bulletins import precheck_bulletin, replans_on_approval
from ..planning.content import find_segment
from ..production.approval import review_segment
from ..production.speak import Spoken, speak_text
from ..reference.divisions import resolve_scope
from ..reference.labels import scope_label
from ..scheduler.plan import JINGLE_KIND
from .kinds import discard_upload, upload_folder, upload_specs_file
from .launch import launch
from .uploads import save_upload

BULLETIN_FIELDS = ("priority", "scope", "from", "days", "title")


def day_of(text: str, what: Any) -> dt.date:
    """A date typed in a form, or a UserError naming the field."""
    try:
        return parse_date(text)
    except PeriodError as exc:
        raise UserError(M("{w}: {p}", "{w}: {p}", w=what, p=exc.message)) from None


def _manages(session: Session, user: User | None, scope: str, what: Any) -> str:
    """The scope as stored ('district:436'), if the user manages it, else a UserError."""
    found = str(resolve_scope(session, scope))
    if not can_manage_scope(session, user, parse_scope(found)):
        raise UserError(M("you may not {w} for {s}", "bạn không được {w} cho {s}", w=what,
                          s=scope_label(session, found)))
    return found


def add_notice(session: Session, settings: Settings, who: User | StationPass | None,
               form: dict[str, str], *, preview: bool = False) -> Spoken:
    """A notice typed on a page, spoken and added like an upload (production.speak.speak_text)
    for a place the asker may add segments for; preview: only the text the voice would read.
    In the caller's transaction."""
    scope = str(resolve_scope(session, form.get("scope", "")))
    if not can_add_for(session, who, parse_scope(scope)):
        raise UserError(M("you may not add notices for {s}", "bạn không được thêm thông báo cho "
                          "{s}", s=scope_label(session, scope)))
    for key, what in (("valid_from", M("airs from", "phát từ ngày")),
                      ("valid_until", M("until", "đến ngày"))):
        if form.get(key):
            day_of(form[key], what)  # the field named in the message, not only its column
    return speak_text(session, settings, form.get("text", ""), kind=form.get("kind", ""),
                      scope=scope, title=form.get("title", ""),
                      valid_from=form.get("valid_from", ""),
                      valid_until=form.get("valid_until", ""), producer=form.get("producer", ""),
                      print_text=preview)


def _first_month(start: dt.date) -> str:
    return max(start, local_today()).strftime("%Y-%m")


def start_bulletin(settings: Settings, session: Session, user: User, audio: FileStorage | None,
                   form: dict[str, str], web: WebSettings = WebSettings()) -> int:
    """Check a bulletin's form and file as 'bulletins add' would, then start its job (which adds
    it, re-plans and renders); refused, nothing is kept, not even the upload."""
    try:
        days = int(form.get("days") or "1")
    except ValueError:
        raise UserError(M("the number of days is a whole number, not '{v}'",
                          "số ngày phải là số nguyên, không phải '{v}'",
                          v=form.get("days", "")[:20])) from None
    start = day_of(form.get("from", ""), M("the first day", "ngày bắt đầu"))
    scope = _manages(session, user, form.get("scope", ""), M("add bulletins", "thêm bản tin"))
    params = save_upload(settings, [audio] if audio is not None else [], None, web)
    try:
        name, path = upload_specs_file(upload_folder(settings, params["upload"]), params)
        precheck_bulletin(settings, session, path, priority=form.get("priority", ""),
                          scope=scope, start=start, days=days, title=form.get("title", ""),
                          name=name)
        session.rollback()
        params.update(form={"priority": form.get("priority", ""), "title": form.get("title", "")},
                      days=days, month=_first_month(start), **{"from": start.isoformat()})
        return launch(settings, "bulletin", _first_month(start), scope, params=params,
                      created_by=user.username, web=web)
    except BaseException:
        session.rollback()
        discard_upload(settings, params["upload"])
        raise


def withdrawable(session: Session, user: User | None, seg: Segment) -> bool:
    """May this user withdraw the segment (one of a scope they manage, not a jingle)?"""
    return seg.kind != JINGLE_KIND and can_manage_scope(session, user, parse_scope(seg.scope))


def start_withdrawal(settings: Settings, session: Session, user: User, slug: str, day: str,
                     web: WebSettings = WebSettings()) -> int:
    """Check a withdrawal (a segment the user manages, a day not passed) and start its job."""
    seg = find_segment(session, slug)
    if not withdrawable(session, user, seg):
        raise UserError(M("you may not withdraw '{t}'", "bạn không được rút tin '{t}'",
                          t=seg.title))
    start = day_of(day, M("the first day it no longer airs", "ngày bắt đầu ngừng phát"))
    if start < local_today():
        raise UserError(M("{d} has passed: a withdrawal counts from today on",
                          "ngày {d} đã qua: chỉ rút tin từ hôm nay trở đi",
                          d=start.strftime("%d/%m/%Y")))
    if seg.withdrawn_from is not None and seg.withdrawn_from <= start:
        raise UserError(M("'{t}' is already withdrawn from {d}", "tin '{t}' đã được rút từ ngày {d}",
                          t=seg.title, d=seg.withdrawn_from.strftime("%d/%m/%Y")))
    scope, month = seg.scope, start.strftime("%Y-%m")
    session.rollback()
    return launch(settings, "withdraw", month, scope, params={"slug": slug, "from":
                  start.isoformat(), "month": month}, created_by=user.username, web=web)


def start_approval(settings: Settings, session: Session, user: User, seg: Segment,
                   web: WebSettings = WebSettings()) -> int:
    """Start the job that approves a waiting urgent or priority bulletin and re-plans its days."""
    if seg.status == "approved":
        raise UserError(M("'{t}' is already approved", "tin '{t}' đã được duyệt", t=seg.title))
    today = local_today()
    if seg.valid_until < today:
        raise UserError(M("the days of '{t}' have passed", "những ngày của tin '{t}' đã qua",
                          t=seg.title))
    start = max(seg.valid_from, today)
    scope, slug = seg.scope, seg.slug
    session.rollback()
    return launch(settings, "review", start.strftime("%Y-%m"), scope, params={
        "slug": slug, "from": start.isoformat(), "month": start.strftime("%Y-%m")},
        created_by=user.username, web=web)


def approve(settings: Settings, session: Session, user: User, seg: Segment,
            web: WebSettings = WebSettings()) -> int | None:
    """The Department approves a waiting segment: an urgent or priority bulletin in a job that
    re-plans its days (its id returned), anything else at once (None; the caller commits)."""
    if replans_on_approval(seg):
        return start_approval(settings, session, user, seg, web)
    review_segment(session, seg.slug, approve=True, by=user.username)
    return None
