"""One progress count over the stages of a month's work: each station built, solved, checked, stored."""

from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int], None]
REPORTS = 200  # at most about this many calls of the caller's callback over a whole run


class Stages:
    """Maps each stage's own (done, total) onto one count of stages x stations, so that a watcher
    sees a single bar that moves as stations pass each stage, and is called at most ~REPORTS times.

    The first stage to report tells how many stations there are (its total)."""

    def __init__(self, progress: Progress | None, stages: int):
        self.progress = progress
        self.stages = stages
        self.stations = 0
        self.sent = -1
        self.step = 1

    def stage(self, k: int) -> Progress | None:
        """A (done, total) callback for stage k (0-based), in that stage's own unit."""
        if self.progress is None:
            return None

        def report(done: int, total: int) -> None:
            if not self.stations:
                self.stations = max(1, total)
                self.step = max(1, self.stations * self.stages // REPORTS)
            part = self.stations * min(done, total) // total if total else self.stations
            self._send(k * self.stations + part, stage_end=done >= total)

        return report

    def finish(self) -> None:
        """Everything done (a stage that had nothing to do may not have said so)."""
        if self.progress is not None and self.stations:
            self._send(self.stages * self.stations, stage_end=True)

    def _send(self, value: int, *, stage_end: bool) -> None:
        if value <= self.sent or (value - self.sent < self.step and not stage_end):
            return
        self.sent = value
        self.progress(value, self.stages * self.stations)  # type: ignore[misc]
