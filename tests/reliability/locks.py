"""Holding the database as another program would: SQLite's write lock, a PostgreSQL table lock."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, text


@contextmanager
def another_writer(db_url: str, table: str = "jobs") -> Iterator[None]:
    """SQLite: a writer holds the whole database. PostgreSQL: a transaction holds `table`."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()
