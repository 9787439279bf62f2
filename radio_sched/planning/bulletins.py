"""Bulletins (Circular 39/2020/TT-BTTTT): added as segments, checked against every session they
must fit, then the stations in scope re-planned from the next session that has not started and
their bundles rendered at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..core.config import Settings, local_now
from ..core.errors import NotFound, UserError, raise_problems
from ..core.i18n import M, Msg
from ..core.models import Segment, SessionTemplate
from ..core.scopes import parse_scope
from ..production.approval import initial_status, review_segment
from ..production.catalogue import add_segments, audio_settings, specs_from_files
from ..production.probe import AudioRefused, probe
from ..reference.divisions import stations_in
from ..reference.plan_rules import active_plan
from ..reference.session_templates import airs_on, station_sessions
from ..scheduler.instance import Limits
from ..scheduler.plan import BULLETIN_KINDS, FIRST_KINDS, URGENT_KIND
from .content import ContentChange, replan_affected
from .instances import limits_of, segment_info

Progress = Callable[[int, int], None]
MAX_DAYS = 93  # a bulletin is news: a quarter at most
DAY = dt.timedelta(days=1)


@dataclass
class Bulletin(ContentChange):
    """What adding a bulletin did: its segment, its priority and the months re-planned."""

    priority: str = "normal"
    started_before: str | None = None  # the freeze on the first day: sessions before it kept


def add_bulletin(settings: Settings, session: Session, path: Path | str, *, priority: str,
                 scope: str, start: dt.date, days: int, title: str, slug: str | None = None,
                 name: str | None = None, now: dt.datetime | None = None, render: bool = True,
                 created_by: str | None = None, jobs: int | None = None,
                 progress: Progress | None = None) -> Bulletin:
    """Add the audio as a bulletin valid `days` days from `start`, in the caller's transaction.
    An urgent or priority one must fit every session it is owed (with the other urgent bulletins
    of those days, the jingles and gaps), else nothing is stored; then the stations in scope are
    re-planned from the next session that has not started (by the stations' clock, `now`) and
    their changed bundles rendered. A normal bulletin is an ordinary segment: the next plan
    places it where the rules ask for its kind."""
    clock = local_now(now=now)
    today, at = clock.date(), clock.strftime("%H:%M")
    end = _check_args(priority, start, days, title, today)
    kind = BULLETIN_KINDS[priority]
    specs = specs_from_files(session, [Path(path)], kind=kind, slug=slug, title=title, scope=scope,
                             valid_from=start.isoformat(), valid_until=end.isoformat(),
                             names=[name] if name else None)
    (seg,) = add_segments(session, settings, specs, jobs=1).segments
    first = max(start, today)
    out = Bulletin(seg.slug, first, priority=priority)
    if kind not in FIRST_KINDS or seg.status != "approved":
        return out
    check_fits(session, seg, first, end)
    out.started_before = at if first == today else None
    out.replans = replan_affected(settings, session, parse_scope(seg.scope), first, end,
                                  started_before=out.started_before, render=render,
                                  created_by=created_by, jobs=jobs, progress=progress)
    return out


FLAGS = {"priority": "--priority", "days": "--days", "title": "--title", "from": "--from",
         "scope": "--scope", "file": "FILE"}  # how the command line names each field


def bulletin_problems(priority: str, start: dt.date | None, days: int | None, title: str,
                      today: dt.date) -> list[tuple[str, Msg]]:
    """Every wrong field of a bulletin (FormErrors' pairs); None stands for a field already
    found unreadable."""
    out = []
    if priority not in BULLETIN_KINDS:
        out.append(("priority", M("normal, priority or urgent, not '{p}'",
                                  "normal, priority hoặc urgent, không phải '{p}'", p=priority)))
    if days is not None and not 1 <= days <= MAX_DAYS:
        out.append(("days", M("from 1 to {m}, not {n}", "từ 1 đến {m}, không phải {n}",
                              m=MAX_DAYS, n=days)))
    if not (title or "").strip():
        out.append(("title", M("a bulletin needs a title", "bản tin cần có tiêu đề")))
    if start is not None and days is not None and 1 <= days <= MAX_DAYS \
            and start + (days - 1) * DAY < today:
        out.append(("from", M("the bulletin's days ({a} to {b}) have passed",
                              "những ngày của bản tin ({a} đến {b}) đã qua", a=_day(start),
                              b=_day(start + (days - 1) * DAY))))
    return out


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _check_args(priority: str, start: dt.date, days: int, title: str, today: dt.date) -> dt.date:
    """The bulletin's last day, or FormErrors for a wrong priority, day count, title or days."""
    raise_problems(bulletin_problems(priority, start, days, title, today), FLAGS)
    return start + (days - 1) * DAY


def precheck_bulletin(settings: Settings, session: Session, path: Path | str, *, priority: str,
                      scope: str, start: dt.date, days: int, title: str, name: str | None = None,
                      now: dt.datetime | None = None) -> None:
    """add_bulletin's refusals answered at once, storing nothing (a web form, before its job):
    the fields, and whether an urgent or priority one fits its sessions, judged by the uploaded
    file's length (the ready version is never longer, so what this refuses the job would too)."""
    today = local_now(now=now).date()
    end = _check_args(priority, start, days, title, today)
    kind = BULLETIN_KINDS[priority]
    (spec,) = specs_from_files(session, [Path(path)], kind=kind, title=title, scope=scope,
                               valid_from=start.isoformat(), valid_until=end.isoformat(),
                               names=[name] if name else None)
    if kind not in FIRST_KINDS or initial_status(session, kind, spec.scope) != "approved":
        return
    try:
        info = probe(path, audio_settings(session, settings, start.year))
    except AudioRefused as exc:
        raise UserError(M("{f}: {p}", "{f}: {p}", f=spec.file_name, p=exc.reason)) from None
    if info.duration_s is None:
        return  # the job measures it
    draft = Segment(slug=spec.slug, title=spec.title, kind=kind, scope=spec.scope,
                    duration_s=info.duration_s, valid_from=start, valid_until=end)
    check_fits(session, draft, max(start, today), end)


def review_content(settings: Settings, session: Session, slug: str, *, approve: bool,
                   by: str | None = None, note: str = "", now: dt.datetime | None = None,
                   render: bool = True, jobs: int | None = None,
                   progress: Progress | None = None) -> Bulletin:
    """The Department's review (approval.review_segment); approving an urgent or priority bulletin
    does what adding an approved one does: checked against its sessions, then the stations in
    scope re-planned from the next session that has not started and their bundles rendered. An
    ordinary segment waits for the next plan or re-plan."""
    seg = review_segment(session, slug, approve=approve, by=by, note=note)
    priority = next((p for p, k in BULLETIN_KINDS.items() if k == seg.kind), "normal")
    clock = local_now(now=now)
    today, at = clock.date(), clock.strftime("%H:%M")
    out = Bulletin(seg.slug, max(seg.valid_from, today), priority=priority)
    if not approve or seg.kind not in FIRST_KINDS or seg.valid_until < today:
        return out
    check_fits(session, seg, out.start, seg.valid_until)
    out.started_before = at if out.start == today else None
    out.replans = replan_affected(settings, session, parse_scope(seg.scope), out.start,
                                  seg.valid_until, started_before=out.started_before,
                                  render=render, created_by=by, jobs=jobs, progress=progress)
    return out


def replans_on_approval(seg: Segment) -> bool:
    """Does approving this segment re-plan months at once (an urgent or priority bulletin)?"""
    return seg.kind in FIRST_KINDS


def check_fits(session: Session, seg: Segment, start: dt.date, end: dt.date) -> None:
    """Refuse (UserError) a bulletin that some session of its days cannot hold beside the urgent
    bulletins of that day: an urgent one in each session, a priority one in one session a day."""
    try:
        limits = limits_of(session, active_plan(session, start.year)[1])
    except NotFound:
        limits = Limits()
    stations = stations_in(session, parse_scope(seg.scope), on=start, until=end)
    templates = list(session.scalars(select(SessionTemplate)))
    urgent = [s for s in session.scalars(select(Segment).where(
        Segment.kind == URGENT_KIND, Segment.status == "approved", Segment.slug != seg.slug,
        Segment.valid_until >= start, Segment.valid_from <= end,
        or_(Segment.withdrawn_from.is_(None), Segment.withdrawn_from > start)))]
    mine = segment_info(seg)
    seen: set[tuple] = set()
    for st in stations:
        others = [segment_info(u) for u in urgent
                  if parse_scope(u.scope).covers(st.province_code, st.district_code, st.code)]
        chosen = station_sessions(templates, st)
        key = (tuple(t.id for t in chosen), tuple(o.slug for o in others))
        if key in seen:
            continue
        seen.add(key)
        day = start
        while day <= end:
            beside = [o for o in others if o.valid_on(day)]
            fits = []
            for t in (t for t in chosen if airs_on(t.weekday_mask, day)):
                durations = [mine.duration_ms] + [o.duration_ms for o in beside]
                ok = (limits.length_ms(durations) <= t.capacity_s * 1000
                      and len(durations) <= limits.max_items)
                fits.append(ok)
                if not ok and seg.kind == URGENT_KIND:
                    raise _too_long(seg, st.name, t.session, t.start, day, t.capacity_s, limits,
                                    len(beside))
            if fits and not any(fits):
                t = chosen[0]
                raise _too_long(seg, st.name, t.session, t.start, day, t.capacity_s, limits,
                                len(beside))
            day += DAY


def _too_long(seg: Segment, station: str, session: str, start: str, day: dt.date, capacity_s: int,
              limits: Limits, others: int) -> UserError:
    room = limits.allowance_ms(capacity_s * 1000) / 1000
    return UserError(M(
        "the bulletin '{t}' lasts {d:.0f} s but the session {s} ({at}) of {st} on {day} holds "
        "{cap} s, {room:.0f} s for items after the jingles and gaps{o}: shorten it, or lengthen "
        "the session; nothing was added",
        "bản tin '{t}' dài {d:.0f} giây nhưng buổi {s} ({at}) của {st} ngày {day} chỉ có {cap} "
        "giây, còn {room:.0f} giây cho tin sau nhạc hiệu và khoảng lặng{o}: hãy rút ngắn bản tin "
        "hoặc kéo dài buổi phát; chưa thêm gì",
        t=seg.title, d=seg.duration_s, s=session, at=start, st=station, day=_day(day), cap=capacity_s,
        room=room, o=M(", beside {n} other urgent bulletin(s)", ", cùng {n} bản tin khẩn khác",
                       n=others) if others else ""))
