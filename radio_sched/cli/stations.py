"""radio-sched stations: list the stations of a scope."""

from __future__ import annotations

import click

from ..reference.divisions import district_names, stations_in, summary_by_district
from ..core.i18n import tr
from ..core.models import BEGINNING, END_OF_TIME
from ..core.scopes import PROVINCE
from .common import FORMATS, AppContext, chosen_scope, emit, month_arg, pass_app, scope_option


@click.group("stations")
def stations_group() -> None:
    """Commune radio stations."""


@stations_group.command("list")
@scope_option
@click.option("--month", help="Only stations that exist in this month (YYYY-MM).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_app
def list_cmd(app: AppContext, scope_text, district_code, station_code, month, fmt) -> None:
    """List stations, all or those of a scope."""
    period = month_arg(month) if month else None
    when = {"on": period.start, "until": period.end} if period else {}
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code, **when) or PROVINCE
        stations = stations_in(session, scope, **when)
        names = district_names(session)
    rows = [(s.code, s.name, s.district_code or "", names.get(s.district_code or "", ""), s.kind,
             "" if s.valid_from == BEGINNING else s.valid_from.isoformat(),
             "" if s.valid_until == END_OF_TIME else s.valid_until.isoformat()) for s in stations]
    header = [tr("code", "mã"), tr("station", "đài"), tr("district", "mã huyện"),
              tr("district name", "huyện"), tr("kind", "loại"), tr("from", "từ ngày"),
              tr("until", "đến ngày")]
    emit(rows, header, fmt, keys=["code", "name", "district", "district_name", "kind", "valid_from",
                                  "valid_until"])
    if fmt == "table":
        by_district = summary_by_district(stations)
        n_districts = len([d for d in by_district if d])
        click.echo(tr("{n} stations in {d} districts", "{n} đài trong {d} huyện", n=len(stations),
                      d=n_districts) if n_districts else tr("{n} stations, no district level",
                                                              "{n} đài, không có cấp huyện",
                                                              n=len(stations)))


def register(cli: click.Group) -> None:
    cli.add_command(stations_group)
