"""Job locks: one job at a time per month and overlapping scope, and jobs whose process died reaped."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import socket
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.config import WebSettings
from ..core.db import session_scope
from ..core.errors import Conflict
from ..core.i18n import M
from ..core.models import Job, Station
from ..core.periods import parse_period, period_phrase
from ..core.scopes import parse_scope
from ..reference.labels import both, job_kind_label, scope_label

log = logging.getLogger(__name__)
ACTIVE = ("queued", "running")


def utcnow() -> dt.datetime:
    """UTC without a zone, as the Job table keeps times."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def lock_key(month: str | None, scope: str) -> str:
    """Jobs that change a month of a scope (plan, render, replan) exclude each other."""
    return f"{month or '-'}|{scope}"


def _overlaps(session: Session, a: str, b: str) -> bool:
    """Do two scopes share stations? (A province covers all; a district overlaps its communes.)"""
    if a == b or a.startswith("province") or b.startswith("province"):
        return True
    sa, sb = parse_scope(a), parse_scope(b)
    if sa.level == sb.level:
        return False
    district, commune = (sa, sb) if sa.level == "district" else (sb, sa)
    return session.scalar(select(Station.id).where(
        Station.code == commune.code, Station.district_code == district.code).limit(1)) is not None


def claim(db_url: str, kind: str, month: str | None, scope: str, *, created_by: str | None = None,
          params: dict[str, Any] | None = None, settings: WebSettings = WebSettings()) -> int:
    """Create a job row holding the lock of its month and scope, or raise Conflict naming the job
    that holds it (or one whose scope overlaps). A job whose process died is unlocked first."""
    with session_scope(db_url) as session:
        reap_stale(session, settings=settings)
    for attempt in range(2):
        try:
            with session_scope(db_url) as session:
                job = Job(kind=kind, month=month, scope=scope, lock_key=lock_key(month, scope),
                          status="queued", created_by=created_by, pid=os.getpid(),
                          heartbeat_at=utcnow(),
                          result={"params": params or {}, "host": socket.gethostname()})
                session.add(job)
                # The insert comes first: on SQLite it takes the write lock, so the check below sees
                # every committed job; PostgreSQL gets an advisory lock on the month for the same end.
                session.flush()
                if session.bind.dialect.name == "postgresql":
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": _advisory_key(month)})
                other = _overlapping(session, job)
                if other is not None:
                    raise _busy(session, other)
                return job.id
        except IntegrityError:
            if attempt:
                raise
            with session_scope(db_url) as session:
                holder = session.scalar(select(Job).where(Job.lock_key == lock_key(month, scope)))
                if holder is not None:
                    raise _busy(session, holder) from None
    raise AssertionError("unreachable")


def _advisory_key(month: str | None) -> int:
    return int.from_bytes(hashlib.sha256(f"radio-sched-job|{month}".encode()).digest()[:8], "big",
                          signed=True)


def _overlapping(session: Session, job: Job) -> Job | None:
    for other in session.scalars(select(Job).where(
            Job.id != job.id, Job.month == job.month, Job.status.in_(ACTIVE),
            Job.lock_key.is_not(None)).order_by(Job.id)):
        if _overlaps(session, other.scope, job.scope):
            return other
    return None


def _busy(session: Session, other: Job) -> Conflict:
    """The refusal people read: the job's kind in words, its unit's name, its month if it has one."""
    on = parse_period(other.month).start if other.month else None
    month = both(period_phrase, other.month) if other.month else M("", "")
    return Conflict(M(
        "a job is already running: {kind} for {scope}{sep_en}{month} (job {id}, started by {who}, "
        "{done}/{total}); wait for it to finish",
        "đang có việc {kind} cho {scope}{sep_vi}{month} (việc số {id}, do {who} chạy, {done}/{total}); "
        "hãy đợi việc đó xong", kind=both(job_kind_label, other.kind),
        scope=both(scope_label, session, other.scope, on=on), month=month,
        sep_en=", " if other.month else "", sep_vi=" " if other.month else "",
        id=other.id, who=other.created_by or "?", done=other.progress, total=other.total))


def _dead_here(job: Job) -> bool:
    """Did the job's process end? Known only for jobs of this machine; a reused pid looks alive,
    and then the heartbeat decides."""
    if (job.result or {}).get("host") != socket.gethostname() or not job.pid:
        return False
    try:
        os.kill(job.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def reap_stale(session: Session, *, settings: WebSettings = WebSettings(),
               now: dt.datetime | None = None) -> list[int]:
    """Mark jobs whose process died (gone from this machine, or silent too long) as failed and
    free their locks."""
    limit = (now or utcnow()) - dt.timedelta(seconds=settings.job_stale_s)
    stale = [job for job in session.scalars(select(Job).where(Job.status.in_(ACTIVE)))
             if job.heartbeat_at < limit or _dead_here(job)]
    for job in stale:
        log.warning("job %d (%s %s %s) stopped reporting at %s; marking it failed", job.id,
                    job.kind, job.scope, job.month, job.heartbeat_at)
        job.status, job.lock_key, job.finished_at = "failed", None, utcnow()
        job.result = {**(job.result or {}), "error": {
            "en": "the job stopped without finishing (its process ended); start it again",
            "vi": "việc đã dừng giữa chừng (tiến trình bị tắt); hãy chạy lại"}}
    session.flush()
    return [j.id for j in stale]
