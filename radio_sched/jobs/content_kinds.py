"""The web's content jobs: add a bulletin, withdraw a segment, approve a bulletin; each re-plans
the months it touches under their re-plan locks and says which stations got a new bundle."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from typing import Any, Callable

from sqlalchemy.orm import Session

from ..core.config import Settings
from ..core.errors import UserError
from ..core.periods import PeriodError, parse_date
from ..planning.content import ContentChange, affected_months, find_segment
from ..reference.places import place_names
from .kinds import upload_folder, upload_specs_file
from .runner import JobSpec, held

Progress = Callable[[int, int], None]
NEW = ("new", "adopted", "restored")  # a bundle's status when the station must download again


def _day(spec: JobSpec, key: str) -> dt.date:
    try:
        return parse_date(str(spec.params.get(key, "")))
    except PeriodError as exc:
        raise UserError(exc.message) from None


@contextlib.contextmanager
def other_months(settings: Settings, session: Session, spec: JobSpec, start: dt.date,
                 end: dt.date):
    """The re-plan locks of the months after the job's own (which its row holds): a bulletin
    of 30/03 for three days re-plans April too. Taken before the work writes anything (on
    SQLite a reader's open transaction would hold up the lock's own write)."""
    months = [m.label for m in affected_months(session, start, end) if m.label != spec.month]
    session.rollback()
    with contextlib.ExitStack() as stack:
        for label in months:
            stack.enter_context(held(settings.db_url, "replan", label, spec.scope,
                                     created_by=spec.created_by))
        yield


def summary(session: Session, change: ContentChange, **extra: Any) -> dict:
    """What the job page says: each month re-planned, and the stations that got a new bundle,
    by name."""
    fresh = sorted({code for r in change.replans for code, _v, status in r.bundles
                    if status in NEW})
    names = place_names(session, [f"commune:{c}" for c in fresh])
    seg = find_segment(session, change.slug)
    return {"slug": change.slug, "title": seg.title, "status": seg.status,
            "start": change.start.isoformat(),
            "months": [{"month": r.month, "version": r.version,
                        "replan_from": r.replan_from.isoformat(), "changed": len(r.changed)}
                       for r in change.replans],
            "new_bundles": [names[f"commune:{c}"] for c in fresh], **extra}


def bulletin(settings: Settings, session: Session, spec: JobSpec, progress: Progress) -> dict:
    """Add an uploaded bulletin (planning.bulletins.add_bulletin), then remove the upload."""
    from ..planning.bulletins import add_bulletin

    folder = upload_folder(settings, spec.params.get("upload", ""))
    try:
        form = spec.params.get("form", {})
        start, days = _day(spec, "from"), int(spec.params.get("days", 1))
        name, path = upload_specs_file(folder, spec.params)
        with other_months(settings, session, spec, start, start + dt.timedelta(days=days - 1)):
            res = add_bulletin(settings, session, path, priority=form.get("priority", ""),
                               scope=spec.scope, start=start, days=days,
                               title=form.get("title", ""), name=name,
                               created_by=spec.created_by, progress=progress)
        return summary(session, res, priority=res.priority, started_before=res.started_before)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def withdraw(settings: Settings, session: Session, spec: JobSpec, progress: Progress) -> dict:
    """Withdraw a segment from a day (planning.content.withdraw_segment)."""
    from ..planning.content import withdraw_segment

    start = _day(spec, "from")
    seg = find_segment(session, str(spec.params.get("slug", "")))
    with other_months(settings, session, spec, start, seg.valid_until):
        res = withdraw_segment(settings, session, seg.slug, start, created_by=spec.created_by,
                               progress=progress)
    return summary(session, res)


def review(settings: Settings, session: Session, spec: JobSpec, progress: Progress) -> dict:
    """Approve a waiting urgent or priority bulletin (planning.bulletins.review_content): its
    stations re-planned from the next session that has not started, their bundles renewed."""
    from ..planning.bulletins import review_content

    seg = find_segment(session, str(spec.params.get("slug", "")))
    with other_months(settings, session, spec, _day(spec, "from"), seg.valid_until):
        res = review_content(settings, session, seg.slug, approve=True, by=spec.created_by,
                             progress=progress)
    return summary(session, res, priority=res.priority, started_before=res.started_before)
