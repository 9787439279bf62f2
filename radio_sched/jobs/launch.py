"""Start a job in its own process from a long-lived server; the process is waited for, never left to linger."""

from __future__ import annotations

from typing import Any

from ..core.config import Settings, WebSettings
from .runner import start_process


def launch(settings: Settings, kind: str, month: str | None, scope: str, *,
           params: dict[str, Any] | None = None, created_by: str | None = None,
           web: WebSettings = WebSettings()) -> int:
    """Claim the job's lock and start its process (runner.start_process, whose thread waits for
    the process, so it leaves no zombie, and fails the job if it ended unfinished); returns the
    job id. Raises Conflict, naming the job that holds the lock, when the month and scope are busy."""
    job_id, _proc = start_process(settings, kind, month, scope, params=params,
                                  created_by=created_by, web=web)
    return job_id
