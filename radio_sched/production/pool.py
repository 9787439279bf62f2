"""Running many encodes at once: N ffmpeg processes driven from N threads, progress in the caller's thread."""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[int, int], None]


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_all(fn: Callable[[T], R], tasks: Iterable[T], *, jobs: int | None = None,
            on_done: Callable[[T, R | None, BaseException | None], None] | None = None) -> None:
    """Call fn on every task, `jobs` at a time (the work is ffmpeg, which runs outside the GIL).
    on_done(task, result, error) runs in the caller's thread as each task finishes; an error it does
    not handle (re-raise) stops the rest."""
    tasks = list(tasks)
    jobs = min(jobs or default_jobs(), len(tasks)) or 1
    if jobs == 1:
        for task in tasks:
            try:
                result = fn(task)
            except Exception as exc:  # noqa: BLE001 - handed to on_done, which decides
                if on_done is None:
                    raise
                on_done(task, None, exc)
            else:
                if on_done is not None:
                    on_done(task, result, None)
        return
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="encode") as pool:
        pending: dict[Future, T] = {pool.submit(fn, t): t for t in tasks}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    task = pending.pop(fut)
                    exc = fut.exception()
                    if exc is not None and on_done is None:
                        raise exc
                    if on_done is not None:
                        on_done(task, None if exc else fut.result(), exc)
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
