"""Keeping the session cache to what bundles read: files that no kept layout reads go, no job running."""

from __future__ import annotations

import logging

from ..core.config import Settings
from ..core.errors import Conflict
from ..core.scopes import PROVINCE
from ..production.session_audio import SessionCache
from .locks import PRUNE
from .runner import held

log = logging.getLogger(__name__)
GRACE_S = 3600.0  # a session joined this recently is kept: a render outside the job locks may need it


def prune_cache(settings: Settings, *, created_by: str | None = None, grace_s: float = GRACE_S) -> int:
    """Remove the cached session audio that no bundle layout under the schedules root reads (every
    version's layout is kept, the current and the old ones a station may still download, and those
    of a render stopped before it recorded them), holding the prune lock: it waits for no job and
    lets none start meanwhile (Conflict, naming the job, if one is running). Returns how many files
    went."""
    with held(settings.db_url, PRUNE, None, str(PROVINCE), created_by=created_by):
        removed = SessionCache(settings.schedules_root).prune(older_than_s=grace_s)
    log.info("session cache: %d file(s) no bundle reads removed", removed)
    return removed


def prune_if_idle(settings: Settings, *, created_by: str | None = None) -> int | None:
    """prune_cache after a render or re-plan has released its lock; None (nothing done) if another
    job is running (the next one prunes) or the cache cannot be read (the render stands)."""
    try:
        return prune_cache(settings, created_by=created_by)
    except Conflict:
        return None
    except OSError as exc:
        log.warning("session cache not pruned: %s", exc)
        return None
