"""Job locks: one job at a time per month and overlapping scope, and jobs whose process died reaped."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import signal
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.config import WebSettings
from ..core.db import session_scope
from ..core.errors import Conflict
from ..core.i18n import M, Msg
from ..core.models import Job, Station
from ..core.periods import parse_period, period_phrase
from ..core.scopes import parse_scope
from ..reference.labels import both, job_kind_label, scope_label

log = logging.getLogger(__name__)
ACTIVE = ("queued", "running")
PRUNE = "prune"  # the session cache's clean-up: excludes every other job, and each of them it


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
                    # a prune's claim waits for every other claim in flight, and they for it
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)" if kind == PRUNE else
                                         "SELECT pg_advisory_xact_lock_shared(:k)"),
                                    {"k": _advisory_key(PRUNE)})
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
    same = Job.month == job.month if job.month is not None else Job.month.is_(None)
    if job.kind != PRUNE:  # a prune overlaps every job of every month
        same = or_(same, Job.kind == PRUNE)
    for other in session.scalars(select(Job).where(
            Job.id != job.id, Job.status.in_(ACTIVE), Job.lock_key.is_not(None),
            *([] if job.kind == PRUNE else [same])).order_by(Job.id)):
        if PRUNE in (job.kind, other.kind) or _overlaps(session, other.scope, job.scope):
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
    return _zombie(job.pid)


def _zombie(pid: int) -> bool:
    """A process that ended but was not waited for still answers kill(pid, 0): a job whose web
    worker died is adopted by a process that may never reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:][:1] in ("Z", "X")


ENDED = M("the job's process ended before the job finished (it was stopped, or ran out of "
          "memory); nothing of it was kept: start it again",
          "tiến trình của việc đã kết thúc trước khi việc xong (bị dừng hoặc hết bộ nhớ); chưa "
          "lưu gì của việc này: hãy chạy lại")


def silent(seconds: float) -> Msg:
    return M("the job gave no sign of life for {s:g} s (its process or its machine stopped); "
             "nothing of it was kept: start it again",
             "việc không báo tiến độ trong {s:g} giây (tiến trình hoặc máy chủ đã dừng); chưa lưu "
             "gì của việc này: hãy chạy lại", s=seconds)


def exited(code: int) -> Msg:
    """How a job's process ended (its Popen returncode) when the job was left unfinished."""
    if code < 0:
        return M("the job's process was stopped by signal {n} ({name}) before the job finished; "
                 "nothing of it was kept: start it again",
                 "tiến trình của việc bị dừng bởi tín hiệu {n} ({name}) trước khi việc xong; chưa "
                 "lưu gì của việc này: hãy chạy lại", n=-code, name=_signal_name(-code))
    return M("the job's process exited with code {n} before the job finished; nothing of it was "
             "kept: start it again", "tiến trình của việc thoát với mã {n} trước khi việc xong; "
             "chưa lưu gì của việc này: hãy chạy lại", n=code)


def _signal_name(n: int) -> str:
    try:
        return signal.Signals(n).name
    except ValueError:
        return "?"


def fail(job: Job, reason: Msg) -> None:
    """Mark an unfinished job failed with the reason its page shows (both languages); unlock it."""
    job.status, job.lock_key, job.finished_at = "failed", None, utcnow()
    error = {lang: reason.render(lang) for lang in ("en", "vi")}
    job.result, job.message = {**(job.result or {}), "error": error}, error["en"]


def is_stale(job: Job, *, settings: WebSettings = WebSettings(),
             now: dt.datetime | None = None) -> Msg | None:
    """Why an active job is taken as dead (its process ended, or it fell silent), or None."""
    if job.status not in ACTIVE:
        return None
    if _dead_here(job):
        return ENDED
    if job.heartbeat_at is not None and \
            job.heartbeat_at < (now or utcnow()) - dt.timedelta(seconds=settings.job_stale_s):
        return silent(settings.job_stale_s)
    return None


def reap_stale(session: Session, *, settings: WebSettings = WebSettings(),
               now: dt.datetime | None = None, ids: list[int] | None = None) -> list[int]:
    """Mark jobs whose process died (gone from this machine, or silent too long) as failed and
    free their locks; all active jobs, or those of ids."""
    query = select(Job).where(Job.status.in_(ACTIVE))
    if ids is not None:
        query = query.where(Job.id.in_(ids))
    reaped = []
    for job in session.scalars(query):
        reason = is_stale(job, settings=settings, now=now)
        if reason is None:
            continue
        log.warning("job %d (%s %s %s) stopped reporting at %s; marking it failed", job.id,
                    job.kind, job.scope, job.month, job.heartbeat_at)
        fail(job, reason)
        reaped.append(job.id)
    session.flush()
    return reaped
