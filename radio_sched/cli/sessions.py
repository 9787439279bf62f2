"""radio-sched sessions: import sessions.csv and list the broadcast sessions."""

from __future__ import annotations

import click

from ..core.i18n import tr
from ..reference.session_templates import import_sessions, list_sessions
from .common import FORMATS, AppContext, chosen_scope, emit, pass_app, scope_option


@click.group("sessions")
def sessions_group() -> None:
    """Broadcast sessions (sáng, chiều...) and the seconds the CCHC column may use in each."""


@sessions_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Remove every existing session first.")
@click.option("--encoding", help="Text encoding if the file is not UTF-8 (e.g. cp1258).")
@pass_app
def import_cmd(app: AppContext, file, replace, encoding) -> None:
    """Add or update sessions from a sessions.csv (scope,session,start,weekdays,capacity_s)."""
    with app.session() as session:
        res = import_sessions(session, file, replace=replace, encoding=encoding)
    click.echo(tr("{f}: {a} sessions added, {u} updated{r}.", "{f}: thêm {a} buổi, cập nhật {u}{r}.",
                  f=file, a=res.added, u=res.updated,
                  r=tr(", {n} removed first", ", đã xóa {n} buổi cũ", n=res.removed) if replace else ""))


@sessions_group.command("list")
@scope_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_app
def list_cmd(app: AppContext, scope_text, district_code, station_code, fmt) -> None:
    """List session templates (a scope shows what applies to it and within it)."""
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code)
        rows = [(t.scope, t.session, t.start, t.weekdays, t.capacity_s)
                for t in list_sessions(session, scope)]
    emit(rows, [tr("scope", "phạm vi"), tr("session", "buổi"), tr("start", "giờ"),
                tr("weekdays", "ngày trong tuần"), tr("capacity (s)", "thời lượng (giây)")], fmt,
         keys=["scope", "session", "start", "weekdays", "capacity_s"])


def register(cli: click.Group) -> None:
    cli.add_command(sessions_group)
