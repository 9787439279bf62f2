"""radio-sched blackouts: import off-air days (and Vietnam's public holidays) and list them."""

from __future__ import annotations

import click

from ..reference.blackouts import import_blackouts, list_blackouts
from ..core.i18n import tr
from .common import FORMATS, AppContext, chosen_scope, emit, month_arg, pass_app, scope_option


@click.group("blackouts")
def blackouts_group() -> None:
    """Days or sessions a scope is off the air (storms, power cuts, holidays)."""


@blackouts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@click.option("--holidays", "years", type=int, multiple=True, metavar="YEAR",
              help="Also add Vietnam's public holidays of YEAR (repeatable).")
@click.option("--holidays-scope", default="province", show_default=True, metavar="SCOPE",
              help="Where the holidays apply.")
@click.option("--encoding", help="Text encoding if the file is not UTF-8 (e.g. cp1258).")
@pass_app
def import_cmd(app: AppContext, file, years, holidays_scope, encoding) -> None:
    """Add blackouts from a blackouts.csv (scope,date_from,date_to,session,reason)."""
    with app.session() as session:
        res = import_blackouts(session, file, holiday_years=tuple(years),
                               holiday_scope=holidays_scope, encoding=encoding)
    click.echo(tr("{a} blackouts added, {u} updated.", "Thêm {a} đợt ngừng phát, cập nhật {u}.",
                  a=res.added, u=res.updated))


@blackouts_group.command("list")
@scope_option
@click.option("--month", help="Only those touching this month (YYYY-MM).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_app
def list_cmd(app: AppContext, scope_text, district_code, station_code, month, fmt) -> None:
    """List blackouts."""
    period = month_arg(month) if month else None
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code)
        rows = [(b.scope, b.date_from, b.date_to, b.session, b.reason) for b in list_blackouts(
            session, scope, start=period and period.start, end=period and period.end)]
    emit(rows, [tr("scope", "phạm vi"), tr("from", "từ ngày"), tr("to", "đến ngày"),
                tr("session", "buổi"), tr("reason", "lý do")], fmt,
         keys=["scope", "date_from", "date_to", "session", "reason"])


def register(cli: click.Group) -> None:
    cli.add_command(blackouts_group)
