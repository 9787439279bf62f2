"""Files that appear whole or not at all: atomic writes, content-addressed paths, stale temp clean-up."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import BinaryIO, Iterator

TEMP_PREFIX = ".tmp-"
CHUNK = 1 << 20


def temp_path(final: Path) -> Path:
    """A hidden temporary name in the final file's folder (so os.replace is atomic), tagged with our pid."""
    return final.parent / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{final.name}"


@contextlib.contextmanager
def atomic_file(final: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """Write to a temporary file, fsync it and move it over `final` only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(final)
    try:
        with open(tmp, "wb") as f:
            yield f, tmp
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_atomic(final: Path, data: bytes) -> None:
    with atomic_file(final) as (f, _):
        f.write(data)


def copy_atomic(src: Path, final: Path) -> None:
    with atomic_file(final) as (f, _), open(src, "rb") as s:
        shutil.copyfileobj(s, f, CHUNK)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def addressed(root: Path, sha: str, ext: str) -> Path:
    """<root>/<sha[:2]>/<sha>.<ext>: content-addressed, two-level so no folder grows too large."""
    ext = ext.lstrip(".").lower()
    return root / sha[:2] / (f"{sha}.{ext}" if ext else sha)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temps(folder: Path, *, older_than_s: float = 3600.0) -> int:
    """Remove temporary files left by killed runs (dead pid, or very old); returns how many."""
    removed = 0
    if not folder.is_dir():
        return 0
    now = time.time()
    for path in folder.rglob(f"{TEMP_PREFIX}*"):
        try:
            pid = int(path.name[len(TEMP_PREFIX):].split("-", 1)[0])
        except ValueError:
            pid = -1
        try:
            stale = (pid != os.getpid() and (pid <= 0 or not _pid_alive(pid))) or \
                now - path.stat().st_mtime > older_than_s
            if stale and path.is_file():
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
