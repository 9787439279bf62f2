"""A real radio-sched command in a child process, with hooks to start it on cue, slow it, pause it
or SIGKILL it at an exact database statement or file replacement.

    python tests/reliability/child.py [hooks] -- <radio-sched arguments>

Hooks (all optional):
  --barrier FILE            wait until FILE exists before running (imports done: a fair race)
  --ready FILE              touched once the process is ready to run (before the barrier)
  --sql REGEX               which statements count (default: every one not about the jobs table,
                            whose progress writes come from another thread at any time)
  --kill-at-sql K           SIGKILL just before the K-th counted statement
  --kill-at-commit-of REGEX SIGKILL just before committing the transaction that ran a statement
                            matching REGEX (everything written, nothing kept)
  --kill-at-replace K       SIGKILL just before the K-th os.replace (a file made visible)
  --kill-at-zip-entry K     SIGKILL in the middle of the K-th zip entry written (half a file)
  --pause-at-zip-entry K    at the K-th zip entry, touch --paused FILE and wait for --go FILE
  --pause-after-sql REGEX   after the first statement matching REGEX, touch --paused FILE and wait
                            for --go FILE (or sleep --hold S seconds if no --go is given)
  --count FILE              write how many statements were counted (to choose kill points)
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path


def _wait_for(path: str, limit: float = 120.0) -> None:
    end = time.monotonic() + limit
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise SystemExit(f"child: {path} never appeared")
        time.sleep(0.01)


def _die() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    ap = argparse.ArgumentParser()
    ap.add_argument("--barrier")
    ap.add_argument("--ready")
    ap.add_argument("--sql", default=r"^(?![\s\S]*\bjobs\b)")
    ap.add_argument("--kill-at-sql", type=int)
    ap.add_argument("--kill-at-commit-of")
    ap.add_argument("--kill-at-replace", type=int)
    ap.add_argument("--kill-at-zip-entry", type=int)
    ap.add_argument("--pause-at-zip-entry", type=int)
    ap.add_argument("--pause-after-sql")
    ap.add_argument("--paused")
    ap.add_argument("--go")
    ap.add_argument("--hold", type=float, default=0.0)
    ap.add_argument("--count")
    hooks = ap.parse_args(argv[:split])
    args = argv[split + 1:]

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from radio_sched.cli import cli

    counted = re.compile(hooks.sql, re.IGNORECASE)
    state = {"n": 0, "paused": False, "main": threading.get_ident()}

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, *rest):
        if hooks.kill_at_commit_of and re.search(hooks.kill_at_commit_of, statement, re.I):
            conn.info["kill_at_commit"] = True
        if threading.get_ident() != state["main"] or not counted.search(statement):
            return
        state["n"] += 1
        if hooks.kill_at_sql and state["n"] >= hooks.kill_at_sql:
            _die()

    @event.listens_for(Engine, "commit")
    def _commit(conn):
        if conn.info.pop("kill_at_commit", False):
            _die()

    @event.listens_for(Engine, "rollback")
    def _rollback(conn):
        conn.info.pop("kill_at_commit", None)

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, *rest):
        if hooks.pause_after_sql and not state["paused"] and \
                threading.get_ident() == state["main"] and \
                re.search(hooks.pause_after_sql, statement, re.IGNORECASE):
            state["paused"] = True
            if hooks.paused:
                Path(hooks.paused).touch()
            if hooks.go:
                _wait_for(hooks.go)
            else:
                time.sleep(hooks.hold)

    if hooks.kill_at_replace:
        real_replace, replaced = os.replace, [0]

        def replace(src, dst, *a, **kw):
            replaced[0] += 1
            if replaced[0] >= hooks.kill_at_replace:
                _die()
            return real_replace(src, dst, *a, **kw)

        os.replace = replace

    if hooks.kill_at_zip_entry or hooks.pause_at_zip_entry:
        from radio_sched.production import zip_layout

        real_chunks, entries = zip_layout.Member.chunks, [0]

        def chunks(self):  # a zip's members are read one by one as its layout is computed
            entries[0] += 1
            if entries[0] == hooks.pause_at_zip_entry:
                Path(hooks.paused).touch()
                _wait_for(hooks.go)
            for n, block in enumerate(real_chunks(self)):
                if n and hooks.kill_at_zip_entry and entries[0] >= hooks.kill_at_zip_entry:
                    _die()  # in the middle of this member
                yield block
            if hooks.kill_at_zip_entry and entries[0] >= hooks.kill_at_zip_entry:
                _die()

        zip_layout.Member.chunks = chunks

    if hooks.ready:
        Path(hooks.ready).touch()
    if hooks.barrier:
        _wait_for(hooks.barrier)
    code = 0
    try:
        cli.main(args=args, prog_name="radio-sched", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        if hooks.count:
            Path(hooks.count).write_text(str(state["n"]))
    sys.exit(code)


if __name__ == "__main__":
    main()
