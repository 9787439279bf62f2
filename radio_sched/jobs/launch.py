"""Start a job in its own process from a long-lived server, and wait for it so it never lingers."""

from __future__ import annotations

import subprocess
import threading
from typing import Any

from ..core.config import Settings, WebSettings
from .runner import start_process


def launch(settings: Settings, kind: str, month: str | None, scope: str, *,
           params: dict[str, Any] | None = None, created_by: str | None = None,
           web: WebSettings = WebSettings()) -> int:
    """Claim the job's lock and start its process (runner.start_process); returns the job id.
    Raises Conflict, naming the job that holds the lock, when the month and scope are busy."""
    job_id, proc = start_process(settings, kind, month, scope, params=params,
                                 created_by=created_by, web=web)
    # Someone must wait for the process, or it lingers as a zombie once it ends.
    threading.Thread(target=reap, args=(proc,), name=f"reap-job-{job_id}", daemon=True).start()
    return job_id


def reap(proc: subprocess.Popen) -> int:
    """Wait for a job's process to end; its exit code (the job's row says how it ended)."""
    return proc.wait()
