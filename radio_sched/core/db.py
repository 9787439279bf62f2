"""Database access: engines, sessions and migrations (Alembic) for SQLite or any SQLAlchemy URL."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .config import PACKAGE_DIR, db_wait_s
from .errors import Busy, UserError
from .i18n import M

log = logging.getLogger(__name__)
MIGRATIONS = PACKAGE_DIR / "migrations"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the web app) do not block a planning writer
    cur.execute(f"PRAGMA busy_timeout={int(db_wait_s() * 1000)}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_savepoint(conn, _name) -> None:
    """The sqlite3 module opens a transaction only before a write. A SAVEPOINT issued first
    (Session.begin_nested) would start one the module does not know of, and releasing that savepoint
    would commit it: a later rollback would no longer undo the work. Begin it properly first.
    IMMEDIATE: a savepoint is taken to write, and a transaction that read first (the next version
    number, say) could not write at all once another writer had committed meanwhile (SQLite
    refuses at once then, without waiting); taking the write lock first waits its turn instead."""
    dbapi_conn = conn.connection.dbapi_connection
    if not dbapi_conn.in_transaction:
        dbapi_conn.execute("BEGIN IMMEDIATE")


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """One engine per URL for the life of the process."""
    engine = _ENGINES.get(url)
    if engine is None:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": db_wait_s()})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "savepoint", _sqlite_savepoint)
        elif url.startswith("postgresql"):
            # a lock held longer than this is reported (Busy), as on SQLite, not waited for forever;
            # added to the URL's own options (a search_path), which connect_args would replace
            given = make_url(url).query.get("options", "")
            given = given if isinstance(given, str) else " ".join(given)
            engine = create_engine(url, pool_pre_ping=True, connect_args={
                "options": f"{given} -c lock_timeout={int(db_wait_s() * 1000)}".strip()})
        else:
            engine = create_engine(url, pool_pre_ping=True)
        _ENGINES[url] = engine
    return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, and child processes after a fork)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def sessionmaker_for(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: committed if the block ends normally, rolled back on any error. A database
    that another writer held too long raises Busy, a message a user can act on."""
    session = sessionmaker_for(url)()
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        busy = as_busy(exc)
        if busy is not None:
            raise busy from exc
        raise
    finally:
        session.close()


def has_written(session: Session) -> bool:
    """Whether the session's transaction holds writes (flushed or pending) that a rollback would
    lose. SQLite's driver opens a transaction only at the first write; PostgreSQL gives a
    transaction its id only then. Another database: taken as yes."""
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        return bool(conn.connection.dbapi_connection.in_transaction)
    if conn.dialect.name == "postgresql":
        return conn.scalar(text("SELECT txid_current_if_assigned()")) is not None
    return True


def is_busy(exc: BaseException) -> bool:
    """Did the database refuse because another writer held a lock longer than we wait?"""
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    return ("database is locked" in str(orig) or "database table is locked" in str(orig)
            or getattr(orig, "sqlstate", None) == "55P03")  # PostgreSQL: lock_not_available


def as_busy(exc: BaseException) -> Busy | None:
    """The Busy error to show for a lock wait that ran out, or None for any other error."""
    if not is_busy(exc):
        return None
    return Busy(M(
        "the database is busy: another program has been writing to it for more than {s:g} s; "
        "nothing was changed, try again in a moment",
        "cơ sở dữ liệu đang bận: một chương trình khác đã ghi vào đó hơn {s:g} giây; chưa có gì "
        "thay đổi, hãy thử lại sau ít phút", s=db_wait_s()))


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str) -> tuple[str | None, str]:
    """Create or upgrade the database to the newest schema; returns (before, after) revisions."""
    before = current_revision(url)
    cfg = alembic_config(url)
    with get_engine(url).begin() as conn:
        if conn.dialect.name == "sqlite":
            # The sqlite3 module runs DDL outside any transaction: an 'init' killed half-way would
            # leave half a schema that the next one cannot finish. One real transaction instead,
            # as PostgreSQL has anyway.
            dbapi_conn = conn.connection.dbapi_connection
            if not dbapi_conn.in_transaction:
                dbapi_conn.execute("BEGIN IMMEDIATE")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    after = current_revision(url)
    if before != after:
        log.info("database %s upgraded from %s to %s", _safe(url), before, after)
    return before, after


def require_current(url: str) -> None:
    """Refuse to work on a database that was never initialised or is behind the code."""
    rev = current_revision(url)
    if rev is None:
        raise UserError(M(
            "the database {url} is empty: run 'radio-sched init' first",
            "cơ sở dữ liệu {url} còn trống: hãy chạy 'radio-sched init' trước", url=_safe(url)))
    if rev != head_revision():
        raise UserError(M(
            "the database {url} is at schema {rev}, this program needs {head}: run 'radio-sched init'",
            "cơ sở dữ liệu {url} đang ở phiên bản {rev}, chương trình cần {head}: hãy chạy "
            "'radio-sched init'", url=_safe(url), rev=rev, head=head_revision()))


def _safe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is shown as given
        return url
