"""What the content pages show: a planner's segments (withdrawable or not) and the forms' choices,
a station's notices with their approval, a withdrawal's consequences, the Department's queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from ..access.users import can_manage, can_manage_scope
from ..core.config import local_today
from ..core.i18n import M
from ..core.models import (
    BEGINNING, END_OF_TIME, KindApproval, Schedule, ScheduleStation, Segment, Station, User
)
from ..core.periods import Period
from ..core.scopes import PROVINCE, ScopeError, parse_scope
from ..production.approval import kinds_needing_approval, pending_segments
from ..production.catalogue import list_segments
from ..reference.divisions import stations_in
from ..reference.places import place_names
from ..reference.rule_words import kind_name
from ..scheduler.plan import BULLETIN_KINDS, JINGLE_KIND
from .content import affected_months
from .planner_month import Planner, plan_kinds, planner_stations, within

NOTICE_KINDS = ("service_guide", "model_citizen")  # what a commune writes as text


@dataclass(frozen=True)
class Row:
    """A segment as a list shows it: where it airs and its kind in words, its state."""

    seg: Segment
    place: str
    kind: str
    withdrawable: bool = False
    ended: bool = False  # its last day is before today: nothing is left to withdraw

    @property
    def valid(self) -> str:
        a, b = self.seg.valid_from, self.seg.valid_until
        return (f"{a.strftime('%d/%m/%Y') if a != BEGINNING else '…'} – "
                f"{b.strftime('%d/%m/%Y') if b != END_OF_TIME else '…'}")


@dataclass
class ContentPage:
    scopes: list[tuple[str, str]]  # (scope, name) the forms offer
    kinds: list[tuple[str, str]]  # (kind, name) the notice form offers
    reviewed: list[str]  # kinds in words whose district and commune segments wait for approval
    segments: list[Row]


def _rows(session: Session, segs: list[Segment], user: User | None, on: dt.date,
          until: dt.date) -> list[Row]:
    names = place_names(session, {s.scope for s in segs}, on=on, until=until)
    today = local_today()
    return [Row(s, names.get(s.scope, s.scope), kind_name(s.kind),
                s.kind != JINGLE_KIND and s.status != "rejected" and can_manage_scope(
                    session, user, parse_scope(s.scope)), s.valid_until < today) for s in segs]


def _kinds(kinds: list[str]) -> list[tuple[str, str]]:
    first = [k for k in NOTICE_KINDS if k in kinds] or list(NOTICE_KINDS[:1])
    rest = [k for k in kinds if k not in first and k != JINGLE_KIND
            and k not in BULLETIN_KINDS.values()]
    return [(k, kind_name(k)) for k in first + rest]


def _reviewed(session: Session) -> list[str]:
    return [kind_name(k) for k in sorted(kinds_needing_approval(session))]


def content_page(session: Session, planner: Planner, period: Period, *, user: User | None,
                 lang: str) -> ContentPage:
    """The planner's content page for a month: the places its forms may name (itself, its
    communes, the province for a district account of the Department), the kinds a notice may
    be, the kinds the Department reviews, and the segments of its communes."""
    stations = planner_stations(session, planner, period)
    own = M("the whole district", "cả huyện") if planner.level == "district" else \
        M("the whole province", "cả tỉnh")
    scopes = ([(str(PROVINCE), M("the whole province", "cả tỉnh").render(lang))]
              if planner.level == "district" and can_manage(user, PROVINCE) else [])
    scopes += [(str(planner.scope), own.render(lang))] + [
        (f"commune:{s.code}", s.name) for s in stations]
    mine = [s for s in list_segments(session) if _within(planner, stations, s.scope)]
    mine.sort(key=lambda s: (s.withdrawn_from is not None, -s.created_at.timestamp()
                             if s.created_at else 0, s.slug))
    return ContentPage(scopes, _kinds(plan_kinds(session, period, planner.level)),
                       _reviewed(session), _rows(session, mine, user, period.start, period.end))


def _within(planner: Planner, stations: list[Station], scope: str) -> bool:
    try:
        return within(planner, stations, parse_scope(scope))
    except ScopeError:
        return False


@dataclass
class NoticePage:
    kinds: list[tuple[str, str]]
    reviewed: list[str]
    waits: set[str]  # the kinds (codes) a notice of this commune would wait with
    notices: list[Row]  # the commune's own segments, newest first


def notice_page(session: Session, station: Station, period: Period) -> NoticePage:
    """The station's notice form: the kinds it may write, which of them wait for the Department,
    and the commune's own segments with their approval."""
    waits = kinds_needing_approval(session)
    own = sorted(list_segments(session, scope=f"commune:{station.code}"),
                 key=lambda s: s.created_at or dt.datetime.min, reverse=True)
    return NoticePage(_kinds(plan_kinds(session, period, "district")), _reviewed(session), waits,
                      _rows(session, own, None, period.start, period.end))


@dataclass(frozen=True)
class Withdrawal:
    """What withdrawing a segment from a day will do, said before it is done."""

    row: Row
    day: dt.date
    months: list[str]  # months with a schedule that are re-planned, as people write them (03/2024)
    stations: int  # stations of the segment's scope that have a schedule in those months


def withdrawal(session: Session, seg: Segment, day: dt.date, *, user: User | None) -> Withdrawal:
    end = seg.valid_until if seg.valid_until != END_OF_TIME else dt.date.max
    months = affected_months(session, day, end) if end >= day else []
    scope = parse_scope(seg.scope)
    last = min(end, day + dt.timedelta(days=366))
    ids = [s.id for s in stations_in(session, scope, on=day, until=last)]
    planned = session.scalar(select(func.count(distinct(ScheduleStation.station_id))).join(
        Schedule, Schedule.id == ScheduleStation.schedule_id).where(
        Schedule.month.in_([m.label for m in months]), ScheduleStation.station_id.in_(ids))
    ) if months and ids else 0
    return Withdrawal(_rows(session, [seg], user, day, last)[0], day,
                      [m.start.strftime("%m/%Y") for m in months], planned or 0)


@dataclass
class ApprovalPage:
    pending: list[Row]
    settings: list[tuple[str, str, bool]]  # (kind, in words, needs approval)


def approval_page(session: Session, *, user: User | None) -> ApprovalPage:
    """The Department's queue, oldest first, and the per-kind setting of every kind known."""
    rows = _rows(session, pending_segments(session), user, local_today(), local_today())
    needed = kinds_needing_approval(session)
    known = set(session.scalars(select(Segment.kind).distinct())) | set(
        session.scalars(select(KindApproval.kind))) | set(NOTICE_KINDS)
    known -= {JINGLE_KIND}
    return ApprovalPage(rows, sorted(((k, kind_name(k), k in needed) for k in known),
                                     key=lambda x: x[1]))
