"""Content work started from a page: a notice spoken at once; a bulletin, a withdrawal or a
bulletin's approval checked at once (nothing stored if refused), then run as a job under the
re-plan lock of its first month."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..access.users import StationPass, can_add_for, can_manage_scope
from ..core.config import Settings, WebSettings, local_today
from ..core.errors import FormErrors, InputErrors, UserError, raise_problems
from ..core.i18n import M, Msg, nfc
from ..core.models import Segment, User
from ..core.periods import PeriodError, parse_date
from ..core.scopes import parse_scope
from ..planning.bulletins import (
    FLAGS, bulletin_problems, precheck_bulletin, replans_on_approval
)
from ..planning.content import affected_months, find_segment
from ..planning.content_view import Withdrawal, withdrawal
from ..production.approval import review_segment
from ..production.catalogue import specs_from_files
from ..production.speak import MAX_TITLE, Spoken, speak_text, text_problem
from ..reference.divisions import resolve_scope
from ..reference.labels import scope_label
from ..scheduler.plan import BULLETIN_KINDS, FIRST_KINDS, JINGLE_KIND
from .kinds import discard_upload, upload_folder, upload_specs_file
from .launch import launch
from .uploads import save_upload

BULLETIN_FIELDS = ("priority", "scope", "from", "days", "title", "unplanned")


def _read_day(text: str, problems: list, key: str) -> dt.date | None:
    """A date field, or None with its problem added ('choose a day' when empty)."""
    if not text.strip():
        problems.append((key, M("choose a day", "hãy chọn ngày")))
        return None
    try:
        return parse_date(text)
    except PeriodError as exc:
        problems.append((key, exc.message))
        return None


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
    Every wrong field is named at once (FormErrors, keyed by the form's names). In the caller's
    transaction."""
    problems: list[tuple[str, Msg]] = []
    scope = form.get("scope", "")
    try:
        scope = str(resolve_scope(session, scope))
        if not can_add_for(session, who, parse_scope(scope)):
            problems.append(("scope", M("you may not add notices for {s}", "bạn không được thêm "
                                        "thông báo cho {s}", s=scope_label(session, scope))))
    except UserError as exc:
        problems.append(("scope", exc.message))
    if (said := text_problem(form.get("text", ""))) is not None:
        problems.append(("text", said))
    title = nfc(form.get("title", "")).strip()
    if len(title) > MAX_TITLE:
        problems.append(("title", M("{n} characters; at most {m}", "dài {n} ký tự; tối đa {m}",
                                    n=len(title), m=MAX_TITLE)))
    try:  # the kind and the days as an upload's are checked (no id: made from the title later)
        specs_from_files(session, [Path("thong-bao.txt")], kind=form.get("kind", ""),
                         slug="thong-bao", title="-",
                         scope="province" if any(k == "scope" for k, _p in problems) else scope,
                         valid_from=form.get("valid_from", ""),
                         valid_until=form.get("valid_until", ""))
    except InputErrors as exc:
        problems += [(e.column or "text", e.problem) for e in exc.errors]
    raise_problems(problems)
    return speak_text(session, settings, form.get("text", ""), kind=form.get("kind", ""),
                      scope=scope, title=title, valid_from=form.get("valid_from", ""),
                      valid_until=form.get("valid_until", ""), producer=form.get("producer", ""),
                      print_text=preview)


def _first_month(start: dt.date) -> str:
    return max(start, local_today()).strftime("%Y-%m")


def start_bulletin(settings: Settings, session: Session, user: User, audio: FileStorage | None,
                   form: dict[str, str], web: WebSettings = WebSettings()) -> int:
    """Check a bulletin's form and file as 'bulletins add' would, then start its job (which adds
    it, re-plans and renders); refused, nothing is kept, not even the upload."""
    problems: list[tuple[str, Msg]] = []
    days = start = None
    try:
        days = int(form.get("days") or "1")
    except ValueError:
        problems.append(("days", M("a whole number, not '{v}'", "phải là số nguyên, không phải "
                                   "'{v}'", v=form.get("days", "")[:20])))
    start = _read_day(form.get("from", ""), problems, "from")
    try:
        scope = _manages(session, user, form.get("scope", ""), M("add bulletins", "thêm bản tin"))
    except UserError as exc:
        problems.append(("scope", exc.message))
    problems += bulletin_problems(form.get("priority", ""), start, days, form.get("title", ""),
                                  local_today())
    if audio is None or not audio.filename:
        problems.append(("file", M("choose the bulletin's audio file", "hãy chọn tệp âm thanh "
                                   "của bản tin")))
    raise_problems(problems, FLAGS)
    assert start is not None and days is not None
    params = save_upload(settings, [audio] if audio is not None else [], None, web)
    try:
        name, path = upload_specs_file(upload_folder(settings, params["upload"]), params)
        precheck_bulletin(settings, session, path, priority=form.get("priority", ""),
                          scope=scope, start=start, days=days, title=form.get("title", ""),
                          name=name)
        if form.get("unplanned") != "1":
            _ask_if_unplanned(session, form.get("priority", ""), start, days)
        session.rollback()
        params.update(form={"priority": form.get("priority", ""), "title": form.get("title", "")},
                      days=days, month=_first_month(start), **{"from": start.isoformat()})
        return launch(settings, "bulletin", _first_month(start), scope, params=params,
                      created_by=user.username, web=web)
    except BaseException:
        session.rollback()
        discard_upload(settings, params["upload"])
        raise


def _ask_if_unplanned(session: Session, priority: str, start: dt.date, days: int) -> None:
    """An urgent or priority bulletin re-plans its days at once: if no month of them has a
    schedule yet, it only waits for their planning. Say so on the form (the 'unplanned' box
    confirms it) rather than run a job that re-plans nothing."""
    if BULLETIN_KINDS.get(priority) not in FIRST_KINDS:
        return
    first, end = max(start, local_today()), start + dt.timedelta(days=days - 1)
    if affected_months(session, first, end):
        return
    months = sorted({(first + dt.timedelta(days=n)).strftime("%m/%Y")
                     for n in range((end - first).days + 1)})
    raise FormErrors([("unplanned", M(
        "no schedule covers {a} to {b} yet, so nothing is re-planned now: the bulletin is stored "
        "and airs when {m} is planned. Tick the box below and choose the file again to store it.",
        "chưa có lịch cho {a} đến {b}, nên chưa lập lại lịch nào: bản tin được lưu và sẽ phát "
        "khi tháng {m} được lập lịch. Hãy đánh dấu ô bên dưới và chọn lại tệp để lưu bản tin.",
        a=first.strftime("%d/%m/%Y"), b=end.strftime("%d/%m/%Y"), m=", ".join(months)))])


def withdrawable(session: Session, user: User | None, seg: Segment) -> bool:
    """May this user withdraw the segment (one of a scope they manage, not a jingle)?"""
    return seg.kind != JINGLE_KIND and can_manage_scope(session, user, parse_scope(seg.scope))


def check_withdrawal(session: Session, user: User | None, seg: Segment, day: str) -> dt.date:
    """The first day a withdrawal of the segment would count from, or a UserError saying why
    not: not the user's to withdraw, a day passed, a day after its last, already withdrawn."""
    if not withdrawable(session, user, seg):
        raise UserError(M("you may not withdraw '{t}'", "bạn không được rút tin '{t}'",
                          t=seg.title))
    start = day_of(day, M("the first day it no longer airs", "ngày bắt đầu ngừng phát"))
    if start < local_today():
        raise UserError(M("{d} has passed: a withdrawal counts from today on",
                          "ngày {d} đã qua: chỉ rút tin từ hôm nay trở đi",
                          d=start.strftime("%d/%m/%Y")))
    if seg.valid_until < start:
        raise UserError(M("'{t}' airs only until {e}: from {d} there is nothing left to withdraw",
                          "tin «{t}» chỉ phát đến ngày {e}: từ ngày {d} không còn gì để rút",
                          t=seg.title, e=seg.valid_until.strftime("%d/%m/%Y"),
                          d=start.strftime("%d/%m/%Y")))
    if seg.withdrawn_from is not None and seg.withdrawn_from <= start:
        raise UserError(M("'{t}' is already withdrawn from {d}", "tin '{t}' đã được rút từ ngày {d}",
                          t=seg.title, d=seg.withdrawn_from.strftime("%d/%m/%Y")))
    return start


def withdrawal_step(session: Session, user: User | None, seg: Segment, day: str) -> Withdrawal:
    """What the confirmation page says a withdrawal from `day` will do, once it is checked
    (check_withdrawal): a day it would refuse is refused here, before anyone confirms."""
    return withdrawal(session, seg, check_withdrawal(session, user, seg, day), user=user)


def start_withdrawal(settings: Settings, session: Session, user: User, slug: str, day: str,
                     web: WebSettings = WebSettings()) -> int:
    """Check a withdrawal (check_withdrawal) and start its job."""
    seg = find_segment(session, slug)
    start = check_withdrawal(session, user, seg, day)
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
