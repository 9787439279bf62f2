"""Running ffmpeg and ffprobe: one place that finds them, runs them and turns failures into messages."""

from __future__ import annotations

import logging
import shutil
import subprocess
from functools import lru_cache

from ..core.errors import UserError
from ..core.i18n import M

log = logging.getLogger(__name__)


class ToolFailed(Exception):
    """ffmpeg or ffprobe ran and failed; `detail` is the last lines it printed."""

    def __init__(self, tool: str, detail: str, code: int | None = None):
        self.tool, self.detail, self.code = tool, detail, code
        super().__init__(f"{tool} failed (exit code {code})")  # the detail goes to the log only

    def __reduce__(self):  # travels back from worker processes intact
        return (ToolFailed, (self.tool, self.detail, self.code))


@lru_cache(maxsize=None)
def tool(name: str) -> str:
    """The path of ffmpeg or ffprobe, or a message saying how to install them."""
    path = shutil.which(name)
    if path is None:
        raise UserError(M("{name} is not installed: install ffmpeg (scripts/setup.sh does it)",
                          "chưa cài {name}: hãy cài ffmpeg (scripts/setup.sh sẽ cài)", name=name))
    return path


def run(name: str, args: list[str], *, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run a tool to completion; raises ToolFailed with the tail of its stderr on a non-zero exit."""
    cmd = [tool(name), *args]
    log.debug("run %s", " ".join(cmd))
    proc = subprocess.run(cmd, input=stdin, capture_output=True,
                          stdin=None if stdin is not None else subprocess.DEVNULL)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        detail = " / ".join(tail) or f"exit code {proc.returncode}"
        log.info("%s failed (exit code %d): %s", name, proc.returncode, detail)
        raise ToolFailed(name, detail, proc.returncode)
    return proc


def ffmpeg(args: list[str]) -> str:
    """Run ffmpeg quietly but with its summaries (ebur128, astats, silencedetect); returns stderr."""
    proc = run("ffmpeg", ["-hide_banner", "-nostdin", "-nostats", "-y", *args])
    return proc.stderr.decode("utf-8", "replace")


def audio_segment():
    """pydub's AudioSegment, imported without its warning about audioop (Python 3.11-3.12 warn that
    audioop goes away in 3.13; setup.cfg installs audioop-lts there)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
        from pydub import AudioSegment
    return AudioSegment
