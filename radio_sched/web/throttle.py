"""Failed sign-ins counted per account and address: past a limit, sign-in waits (HTTP 429)."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable, Iterable

MAX_KEYS = 10_000  # bounded memory however many names an attacker tries


class FailureLimiter:
    """Failures per key (an account at an address, an address) in a sliding window. In memory,
    per process: with N worker processes an attacker gets at most N times the limit."""

    def __init__(self, limits: dict[str, int], window_s: float,
                 clock: Callable[[], float] = time.monotonic):
        self.limits, self.window_s, self.clock = limits, window_s, clock
        self._fails: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._fails.get(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def wait_s(self, keys: Iterable[tuple[str, str]]) -> float:
        """0 if a sign-in may be tried now, else the seconds until the oldest failure expires."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for kind, value in keys:
                q = self._recent((kind, value), now)
                if len(q) >= self.limits[kind]:
                    wait = max(wait, q[0] + self.window_s - now)
        return wait

    def failed(self, keys: Iterable[tuple[str, str]]) -> None:
        now = self.clock()
        with self._lock:
            if len(self._fails) > MAX_KEYS:  # forget the quiet ones first
                for key in [k for k, q in self._fails.items() if not self._recent(k, now)]:
                    del self._fails[key]
                while len(self._fails) > MAX_KEYS:
                    del self._fails[next(iter(self._fails))]
            for key in keys:
                q = self._recent(key, now)
                q.append(now)
                self._fails[key] = q

    def succeeded(self, keys: Iterable[tuple[str, str]]) -> None:
        with self._lock:
            for key in keys:
                self._fails.pop(key, None)
