"""Running real radio-sched commands in child processes (tests/reliability/child.py) and waiting for
the files by which they say where they are."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CHILD = Path(__file__).with_name("child.py")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Done:
    code: int
    out: str
    err: str


def spawn(db_url: str, args: list[str], *, hooks: list[str] = (), settings=None,
          lang: str = "vi", env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start `radio-sched --db URL [--library --schedules] ARGS` in a child process with hooks."""
    paths = []
    if settings is not None:
        paths = ["--library", str(settings.library_root),
                 "--schedules", str(settings.schedules_root)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RADIO_SCHED_LANG": lang, **(env or {})}
    env.pop("RADIO_SCHED_DB", None)
    return subprocess.Popen(
        [sys.executable, str(CHILD), *hooks, "--", "--db", db_url, *paths, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
        text=True)


def finish(proc: subprocess.Popen, timeout: float = 120) -> Done:
    out, err = proc.communicate(timeout=timeout)
    return Done(proc.returncode, out, err)


def run(db_url: str, args: list[str], **kw) -> Done:
    return finish(spawn(db_url, args, **kw))


def wait_for(path: Path, proc: subprocess.Popen | None = None, limit: float = 120) -> None:
    """Until the child touches `path`; fails at once if the child ended first."""
    end = time.monotonic() + limit
    while not path.exists():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the child ended ({proc.returncode}) before {path.name}:\n{err}")
        if time.monotonic() > end:
            raise AssertionError(f"{path.name} never appeared")
        time.sleep(0.02)
