"""Background jobs on the Job table: run with progress and heartbeats, in their own process."""

from __future__ import annotations

import importlib
import logging
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from sqlalchemy import create_engine, event, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..core.config import Settings, WebSettings
from ..core.db import session_scope
from ..core.errors import NotFound, RadioSchedError
from ..core.i18n import M
from ..core.models import Job
from .locks import ACTIVE, claim, exited, fail, is_stale, reap_stale, utcnow as _now

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Work = Callable[[Session, Progress], dict[str, Any] | None]


class _Reporter:
    """Writes progress and heartbeats in their own short transactions; never blocks the work."""

    def __init__(self, db_url: str, job_id: int, settings: WebSettings):
        self.job_id, self.settings = job_id, settings
        self.engine = _side_engine(db_url)
        self.sqlite = db_url.startswith("sqlite")
        self.done = self.total = 0
        self._written: tuple[int, int] | None = None
        self._last = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, name=f"job-{job_id}-heartbeat",
                                      daemon=True)

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = int(done), int(total)
        if time.monotonic() - self._last >= self.settings.job_progress_every_s or done >= total:
            # Here, in the work's thread, only if the database is free at once (the work's own
            # transaction may hold SQLite's write lock, a plan storing its airings say: waiting
            # here would cost half a second a report); else the heartbeat thread writes it.
            if not self.flush(wait=False):
                self._wake.set()

    def flush(self, *, wait: bool = True) -> bool:
        """Write the newest progress and a heartbeat; False if the database was busy."""
        with self._lock:
            values = (self.done, self.total)
        try:
            with self.engine.begin() as conn:
                if self.sqlite:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={500 if wait else 0}")
                conn.execute(update(Job).where(Job.id == self.job_id).values(
                    progress=values[0], total=values[1], heartbeat_at=_now()))
            self._written = values
            return True
        except OperationalError as exc:
            log.debug("job %d: progress not written now (%s)", self.job_id, exc.orig)
            return False
        finally:
            self._last = time.monotonic()

    def _heartbeat(self) -> None:
        while not self._stop.is_set():
            woken = self._wake.wait(self.settings.job_heartbeat_s)
            self._wake.clear()
            if self._stop.is_set():
                break
            with self._lock:
                newest = (self.done, self.total)
            if not woken or newest != self._written:
                self.flush()

    def __enter__(self) -> "_Reporter":
        self._beat.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._wake.set()
        self._beat.join()


_SIDE: dict[str, Engine] = {}
_SIDE_LOCK = threading.Lock()


def _side_engine(url: str) -> Engine:
    """A second engine for progress writes: on SQLite it waits a moment for the lock, not 30 s."""
    with _SIDE_LOCK:
        engine = _SIDE.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": 0.5})

                @event.listens_for(engine, "connect")
                def _pragmas(dbapi_conn, _record):
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA busy_timeout=500")
                    cur.close()
            else:
                # added to the URL's own options (a search_path, say), which connect_args would
                # otherwise replace
                given = make_url(url).query.get("options", "")
                given = given if isinstance(given, str) else " ".join(given)
                engine = create_engine(url, pool_pre_ping=True, connect_args={
                    "options": f"{given} -c lock_timeout=500".strip()})
            _SIDE[url] = engine
        return engine


def dispose_side_engines() -> None:
    with _SIDE_LOCK:
        while _SIDE:
            _SIDE.popitem()[1].dispose()


def run(db_url: str, job_id: int, work: Work, *, settings: WebSettings = WebSettings()) -> Job:
    """Run a claimed job here and now: its work gets one transaction and a progress callback; on
    success the result is stored, on failure the error (both languages); the lock is freed either way."""
    with session_scope(db_url) as session:
        session.execute(update(Job).where(Job.id == job_id).values(
            status="running", pid=os.getpid(), heartbeat_at=_now()))
    error: dict[str, str] | None = None
    output: dict[str, Any] = {}
    with _Reporter(db_url, job_id, settings) as reporter:
        try:
            with session_scope(db_url) as session:
                output = work(session, reporter) or {}
        except RadioSchedError as exc:
            error = {lang: _render(exc.message, lang) for lang in ("en", "vi")}
        except Exception as exc:  # noqa: BLE001 - a job must always end with a status
            log.exception("job %d failed", job_id)
            error = {"en": f"internal error: {type(exc).__name__}: {exc}",
                     "vi": f"lỗi nội bộ: {type(exc).__name__}: {exc}"}
    with session_scope(db_url) as session:
        job = session.get(Job, job_id)
        job.lock_key, job.finished_at, job.heartbeat_at = None, _now(), _now()
        job.progress, job.total = reporter.done, reporter.total
        params = (job.result or {}).get("params", {})
        if error is None:
            job.status, job.result = "done", {"params": params, **output}
            if job.total and job.progress < job.total:
                job.progress = job.total
        else:
            job.status, job.result, job.message = "failed", {"params": params, "error": error}, \
                error["en"]
    log.info("job %d %s", job_id, job.status)
    return job


def _render(message: Any, lang: str) -> str:
    return message.render(lang) if hasattr(message, "render") else str(message)


@dataclass(frozen=True)
class JobSpec:
    """What a job in its own process is asked to do (read back from its row)."""

    id: int
    kind: str
    month: str | None
    scope: str
    params: dict[str, Any]
    created_by: str | None


# kind -> "package.module:function", the function taking (settings, session, spec, progress) and
# returning the result dict. The web app registers plan and render; tests register their own.
REGISTERED: dict[str, str] = {}


def register_kind(kind: str, target: str) -> None:
    module, sep, func = target.partition(":")
    if not (module and sep and func):
        raise ValueError(f"a job target is 'module:function', not {target!r}")
    REGISTERED[kind] = target


def start_process(settings: Settings, kind: str, month: str | None, scope: str, *,
                  params: dict[str, Any] | None = None, created_by: str | None = None,
                  web: WebSettings = WebSettings()) -> tuple[int, subprocess.Popen]:
    """Claim the lock and run the job in a new Python process: its memory, its crash and any
    process pool it starts stay out of the web server (forking a threaded server is unsafe)."""
    if kind not in REGISTERED:
        raise ValueError(f"no job kind {kind!r} is registered")
    job_id = claim(settings.db_url, kind, month, scope, created_by=created_by, params=params,
                   settings=web)
    # The database URL goes by environment, not argv, where any local user could read a password.
    env = {**os.environ, "RADIO_SCHED_DB": settings.db_url,
           "RADIO_SCHED_LIBRARY": str(settings.library_root),
           "RADIO_SCHED_SCHEDULES": str(settings.schedules_root), "RADIO_SCHED_LANG": settings.lang}
    proc = subprocess.Popen([sys.executable, "-m", "radio_sched.jobs", str(job_id), REGISTERED[kind]],
                            env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    with session_scope(settings.db_url) as session:
        session.execute(update(Job).where(Job.id == job_id).values(pid=proc.pid))
    watcher = threading.Thread(target=_watch, args=(settings.db_url, job_id, proc), daemon=True,
                               name=f"watch-job-{job_id}")
    _WATCHERS.add(watcher)
    watcher.start()
    return job_id, proc


_WATCHERS: set[threading.Thread] = set()


def join_watchers(timeout_s: float = 10.0) -> None:
    """Wait (a bounded time) for the threads that watch this process's job processes, so that none
    is still writing when the caller closes the database (tests between two cases, a shutdown)."""
    deadline = time.monotonic() + timeout_s
    for watcher in list(_WATCHERS):
        watcher.join(max(0.0, deadline - time.monotonic()))
        if not watcher.is_alive():
            _WATCHERS.discard(watcher)


def _watch(db_url: str, job_id: int, proc: subprocess.Popen) -> None:
    """Wait for a job's process (so it leaves no zombie) and, if it ended without ending its job
    (killed, out of memory), mark the job failed saying how. The process does not depend on this
    thread: if the web worker that started it dies, the job runs on, and a job that dies then is
    found dead when its page or the API reads it (get_job) or the next job is claimed."""
    code = proc.wait()
    try:
        with session_scope(db_url) as session:
            job = session.get(Job, job_id)
            if job is not None and job.status in ACTIVE:
                log.warning("job %d: its process ended (%s) before the job did", job_id, code)
                fail(job, exited(code))
    except Exception:  # noqa: BLE001 - the reap on read and the heartbeat still catch it
        log.exception("job %d: could not record how its process ended", job_id)


def child_main(job_id: int, target: str) -> int:
    """The body of a job process: python -m radio_sched.jobs <job id> <module:function>."""
    from ..core.config import from_env

    settings = from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s job %(process)d %(levelname)s "
                        "%(name)s: %(message)s")
    with session_scope(settings.db_url) as session:
        job = get_job(session, job_id)
        spec = JobSpec(job.id, job.kind, job.month, job.scope,
                       dict((job.result or {}).get("params", {})), job.created_by)
    module, _, name = target.partition(":")
    func = getattr(importlib.import_module(module), name)
    done = run(settings.db_url, job_id, lambda session, progress: func(settings, session, spec,
                                                                       progress))
    return 0 if done.status == "done" else 1


@contextmanager
def holding(db_url: str, kind: str, month: str | None, scope: str, *,
            created_by: str | None = None, settings: WebSettings = WebSettings()
            ) -> Iterator[Progress]:
    """Hold a job's lock around work done in the caller (the CLI), so the web cannot start the same
    month and scope meanwhile. Yields a progress(done, total) callback (with `.job_id`) that the
    job page shows; a heartbeat keeps a long run from being taken for a dead one. The job row
    records how it ended."""
    job_id = claim(db_url, kind, month, scope, created_by=created_by, settings=settings)
    status = "failed"
    reporter: _Reporter | None = None
    try:
        with session_scope(db_url) as session:
            session.execute(update(Job).where(Job.id == job_id).values(
                status="running", heartbeat_at=_now()))
        with _Reporter(db_url, job_id, settings) as reporter:
            yield reporter
        status = "done"
    finally:
        values: dict[str, Any] = dict(status=status, lock_key=None, finished_at=_now())
        if reporter is not None:
            values.update(progress=reporter.done, total=reporter.total)
        with session_scope(db_url) as session:
            session.execute(update(Job).where(Job.id == job_id).values(**values))


@contextmanager
def held(db_url: str, kind: str, month: str | None, scope: str, *, created_by: str | None = None,
         settings: WebSettings = WebSettings()) -> Iterator[int]:
    """holding(), yielding the job id."""
    with holding(db_url, kind, month, scope, created_by=created_by, settings=settings) as reporter:
        yield reporter.job_id


def get_job(session: Session, job_id: int, *, settings: WebSettings = WebSettings()) -> Job:
    """The job as it stands; one whose process died (or fell silent) is marked failed first, with
    the reason, so its page never shows a dead job as running."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(M("there is no job number {n}", "không có việc số {n}", n=job_id))
    _reap_read(session, [job], settings)
    return job


def recent_jobs(session: Session, *, scope: str | None = None, month: str | None = None,
                limit: int = 20, settings: WebSettings = WebSettings()) -> list[Job]:
    """The newest jobs (of a scope, a month), dead ones marked failed as get_job does."""
    q = select(Job).order_by(Job.id.desc()).limit(limit)
    if scope is not None:
        q = q.where(Job.scope == scope)
    if month is not None:
        q = q.where(Job.month == month)
    jobs = list(session.scalars(q))
    _reap_read(session, jobs, settings)
    return jobs


def _reap_read(session: Session, jobs: list[Job], settings: WebSettings) -> None:
    """Reap the dead among jobs just read, in a transaction of its own: the reader (a page) may
    never commit, and must not commit anything else it holds."""
    dead = [j.id for j in jobs if is_stale(j, settings=settings) is not None]
    if not dead:
        return
    with Session(session.get_bind()) as side, side.begin():
        reap_stale(side, settings=settings, ids=dead)
    for job in jobs:
        if job.id in dead:
            session.refresh(job)


def describe(job: Job, lang: str) -> dict[str, Any]:
    """The job as the API and the progress page show it."""
    error = (job.result or {}).get("error")
    return {"id": job.id, "kind": job.kind, "month": job.month, "scope": job.scope,
            "status": job.status, "progress": job.progress, "total": job.total,
            "percent": (100 * job.progress // job.total) if job.total else
            (100 if job.status == "done" else 0),
            "error": (error or {}).get(lang) if error else None,
            "result": {k: v for k, v in (job.result or {}).items() if k not in ("error",)},
            "created_by": job.created_by,
            "created_at": job.created_at.isoformat() + "Z" if job.created_at else None,
            "finished_at": job.finished_at.isoformat() + "Z" if job.finished_at else None}

