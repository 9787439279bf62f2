"""The content-addressed store: files named by their sha256 (atomic writes are in core/files.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..core.files import CHUNK


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
