"""Content that changes planned months: a withdrawal re-plans the stations it touches at once.

Withdrawals and bulletins share one step (replan_affected): every month of the affected days that
has a schedule for the scope is planned again from the first affected day (or, for a bulletin
added today, from the next session that has not started) and its changed bundles rendered, in the
caller's transaction: a change is stored with its re-plans and bundles, or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.config import Settings
from ..core.errors import NotFound, UserError
from ..core.i18n import M
from ..core.models import END_OF_TIME, Schedule, Segment
from ..core.periods import Period, parse_month
from ..core.progress import Stages
from ..core.scopes import Scope, parse_scope
from ..scheduler.plan import JINGLE_KIND
from .replan import ReplanResult, replan_and_render

Progress = Callable[[int, int], None]


@dataclass
class ContentChange:
    """What a withdrawal or a bulletin did: the segment, and each month re-planned."""

    slug: str
    start: dt.date
    replans: list[ReplanResult] = field(default_factory=list)

    @property
    def changed_stations(self) -> list[str]:
        return sorted({code for r in self.replans for code in r.changed})


def affected_months(session: Session, start: dt.date, end: dt.date) -> list[Period]:
    """The months of start..end that have any schedule (only those can be re-planned)."""
    last = min(end, dt.date(start.year + 5, 12, 31))  # open validity: the months planned so far
    labels = session.scalars(select(Schedule.month).distinct().where(
        Schedule.month >= start.strftime("%Y-%m"), Schedule.month <= last.strftime("%Y-%m"))
        .order_by(Schedule.month))
    return [parse_month(label) for label in labels]


def replan_affected(settings: Settings, session: Session, scope: Scope, start: dt.date,
                    end: dt.date, *, started_before: str | None = None, render: bool = True,
                    created_by: str | None = None, jobs: int | None = None,
                    progress: Progress | None = None) -> list[ReplanResult]:
    """Re-plan, month by month, the stations in scope from `start` to `end` (only months that have
    a schedule for the scope), and render the bundles of those that changed. started_before
    ("HH:MM"): on `start` itself, the sessions that start before it stay as they are."""
    months = affected_months(session, start, end)
    steps = Stages(progress, max(1, len(months)))
    out = []
    for n, month in enumerate(months):
        day = max(start, month.start)
        try:
            out.append(replan_and_render(
                settings, session, month, day, scope, render=render, created_by=created_by,
                jobs=jobs, progress=steps.stage(n),
                started_before=started_before if day == start else None))
        except NotFound:
            continue  # this month is planned elsewhere, not for these stations
    steps.finish()
    return out


def find_segment(session: Session, slug: str) -> Segment:
    seg = session.scalar(select(Segment).where(Segment.slug == slug))
    if seg is None:
        raise NotFound(M("there is no segment '{s}' in the library",
                         "không có mục phát '{s}' trong thư viện", s=slug))
    return seg


def withdraw_segment(settings: Settings, session: Session, slug: str, start: dt.date, *,
                     render: bool = True, created_by: str | None = None, jobs: int | None = None,
                     progress: Progress | None = None) -> ContentChange:
    """The segment airs no more from `start`: stored on the segment, then every station of its
    scope re-planned from that day in the months that have schedules (the days before do not
    change) and the changed bundles rendered. Refused, changing nothing, for a jingle, a day
    already withdrawn from, or days that stations have already reported."""
    seg = find_segment(session, slug)
    if seg.kind == JINGLE_KIND:
        raise UserError(M("'{s}' is a jingle of the column, not an item: change [session] in the "
                          "plan rules instead of withdrawing it",
                          "'{s}' là nhạc hiệu của chuyên mục, không phải tin: hãy sửa [session] "
                          "trong tệp quy tắc thay vì rút nó", s=slug))
    if seg.withdrawn_from is not None and seg.withdrawn_from <= start:
        raise UserError(M("'{s}' is already withdrawn from {d}", "'{s}' đã được rút từ ngày {d}",
                          s=slug, d=seg.withdrawn_from))
    seg.withdrawn_from = start
    session.flush()
    end = seg.valid_until if seg.valid_until != END_OF_TIME else dt.date.max
    change = ContentChange(slug, start)
    if seg.valid_until >= start:
        change.replans = replan_affected(settings, session, parse_scope(seg.scope), start, end,
                                         render=render, created_by=created_by, jobs=jobs,
                                         progress=progress)
    return change
