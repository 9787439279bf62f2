"""What every command shares: the settings, a database transaction, tables and progress bars."""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import click
from sqlalchemy.orm import Session

from ..core.config import Settings
from ..core.db import require_current, session_scope
from ..core.errors import UserError
from ..core.periods import Period, PeriodError, parse_month, parse_period
from ..core.scopes import Scope
from ..core.text import for_terminal

T = TypeVar("T")


@dataclass
class AppContext:
    settings: Settings

    @contextmanager
    def session(self, *, check_schema: bool = True) -> Iterator[Session]:
        """One transaction on the configured database (refused if it is not initialised)."""
        if check_schema:
            require_current(self.settings.db_url)
        with session_scope(self.settings.db_url) as session:
            yield session


pass_app = click.make_pass_decorator(AppContext)

FORMATS = click.Choice(["table", "csv", "json"])


def month_arg(value: str) -> Period:
    try:
        return parse_month(value)
    except PeriodError as exc:
        raise UserError(exc.message) from None


def period_arg(value: str) -> Period:
    try:
        return parse_period(value)
    except PeriodError as exc:
        raise UserError(exc.message) from None


def scope_option(f):
    """--scope, --district and --station, all narrowing to one scope."""
    f = click.option("--station", "station_code", metavar="CODE", help="One station (commune code).")(f)
    f = click.option("--district", "district_code", metavar="CODE", help="A district's stations.")(f)
    f = click.option("--scope", "scope_text", metavar="SCOPE",
                     help="province, district:<code> or commune:<code>.")(f)
    return f


def chosen_scope(session: Session, scope_text: str | None, district_code: str | None,
                 station_code: str | None, **when) -> Scope | None:
    from ..reference.divisions import resolve_scope

    given = [s for s in (scope_text, district_code and f"district:{district_code}",
                         station_code and f"commune:{station_code}") if s]
    if len(given) > 1:
        raise click.UsageError("give only one of --scope, --district and --station")
    return resolve_scope(session, given[0], **when) if given else None


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def echo_text(text: str) -> None:
    """Stored text printed with its control characters escaped: an ESC sequence kept in a reason
    must never reach the operator's terminal (files written with -o keep the exact bytes)."""
    click.echo(for_terminal(text), nl=False)


def emit(rows: Sequence[Sequence[Any]], header: Sequence[str], fmt: str = "table",
         keys: Sequence[str] | None = None) -> None:
    """Print rows as an aligned table, CSV, or JSON objects (keyed by `keys`, else the header)."""
    if fmt == "json":
        names = list(keys or header)
        click.echo(json.dumps([dict(zip(names, r)) for r in rows], ensure_ascii=False, indent=2,
                              default=str))
        return
    if fmt == "csv":  # opened in a spreadsheet: a title like =HYPERLINK(...) stays text
        from ..core.csvio import safe_cell

        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(keys or header)
        w.writerows([safe_cell(c) for c in r] for r in rows)
        echo_text(out.getvalue())
        return
    cells = [[for_terminal(c) for c in header]] + [
        ["" if c is None else for_terminal(c) for c in r] for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
    for n, r in enumerate(cells):
        click.echo("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))


def progress(items: Iterable[T], *, length: int | None = None, label: str = "") -> Iterator[T]:
    """A progress bar on a terminal; elsewhere (logs, CI) a line now and then on stderr."""
    if sys.stderr.isatty():
        with click.progressbar(items, length=length, label=label, file=sys.stderr,
                               show_pos=True, show_eta=True) as bar:
            yield from bar
        return
    total = length if length is not None else (len(items) if hasattr(items, "__len__") else None)
    step = max(1, (total or 100) // 10)
    for n, item in enumerate(items, 1):
        yield item
        if total and (n % step == 0 or n == total):
            click.echo(f"{label} {n}/{total}", err=True)


def cli_user() -> str:
    """Who runs a command, as job rows record it: cli:<login name>."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "cli"


@contextmanager
def job_lock(app: AppContext, kind: str, month: Period, scope: Scope | None) -> Iterator[Any]:
    """The web's job lock of a month and scope, held around the command's work (Conflict, exit 3,
    if a job holds it). Yields a progress callback that the web's job page shows."""
    from ..jobs.runner import holding
    from ..core.scopes import PROVINCE

    with holding(app.settings.db_url, kind, month.label, str(scope or PROVINCE),
                 created_by=cli_user()) as job:
        yield job


def also(*callbacks: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
    """One progress callback that calls each of these."""
    chosen = [c for c in callbacks if c is not None]

    def report(done: int, total: int) -> None:
        for c in chosen:
            c(done, total)

    return report


def progress_callback(label: str) -> Callable[[int, int], None]:
    """A (done, total) callback for library functions that report their own progress."""
    state: dict[str, Any] = {"bar": None, "last": -1}

    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            if state["bar"] is None:
                state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr,
                                                 show_pos=True, show_eta=True)
                state["bar"].__enter__()
            state["bar"].update(done - state["bar"].pos)
            if done >= total:
                state["bar"].__exit__(None, None, None)
                state["bar"] = None
        elif total and (done * 10 // total != state["last"] or done == total):
            state["last"] = done * 10 // total
            click.echo(f"{label} {done}/{total}", err=True)

    return report
