"""Files a user may see appear whole or not at all: one atomic writer, temporary names, clean-up."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import BinaryIO, Iterator

TEMP_PREFIX = ".tmp-"
CHUNK = 1 << 20
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK  # what open() would give: 0644 under the usual umask 022


def temp_path(final: Path) -> Path:
    """A hidden temporary name in the final file's folder (so os.replace is atomic), tagged with our pid."""
    return final.parent / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{final.name}"


@contextlib.contextmanager
def atomic_file(final: Path | str) -> Iterator[tuple[BinaryIO, Path]]:
    """Write to a temporary file, fsync it and move it over `final` only if the block succeeds."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(final)
    try:
        with open(tmp, "wb") as f:
            yield f, tmp
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_atomic(final: Path | str, data: bytes | str) -> Path:
    """Write bytes (or text, as UTF-8) whole or not at all."""
    with atomic_file(final) as (f, _):
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(final)


def copy_atomic(src: Path, final: Path) -> None:
    with atomic_file(final) as (f, _), open(src, "rb") as s:
        shutil.copyfileobj(s, f, CHUNK)


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
