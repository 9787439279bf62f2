"""radio-sched init: create or upgrade the database and load a preset or a divisions file."""

from __future__ import annotations

import click

from ..core.db import session_scope, upgrade, _safe
from ..reference.divisions import load_divisions
from ..core.errors import UserError
from ..core.i18n import tr
from ..core.models import BEGINNING, END_OF_TIME
from ..core.periods import PeriodError, parse_date
from ..reference.presets import PRESETS, apply_preset
from .common import AppContext, pass_app


def _date(value: str | None, default):
    if not value:
        return default
    try:
        return parse_date(value)
    except PeriodError as exc:
        raise UserError(exc.message) from None


@click.command("init")
@click.option("--preset", type=click.Choice(sorted(PRESETS)),
              help="Load a province: divisions, default sessions and plan rules.")
@click.option("--divisions", "divisions_file", type=click.Path(dir_okay=False),
              help="Load any province (or the country) from a divisions CSV.")
@click.option("--valid-from", help="With --divisions: the first day these units exist.")
@click.option("--valid-until", help="With --divisions: the last day these units exist.")
@click.option("--encoding", help="Text encoding of the CSV if it is not UTF-8 (e.g. cp1258).")
@pass_app
def init_cmd(app: AppContext, preset, divisions_file, valid_from, valid_until, encoding) -> None:
    """Create or upgrade the database, then load a preset or a divisions file."""
    url = app.settings.db_url
    before, after = upgrade(url)
    if before is None:
        click.echo(tr("Created the database {url} (schema {rev}).",
                      "Đã tạo cơ sở dữ liệu {url} (phiên bản {rev}).", url=_safe(url), rev=after))
    elif before != after:
        click.echo(tr("Upgraded the database {url} from {a} to {b}.",
                      "Đã nâng cấp cơ sở dữ liệu {url} từ {a} lên {b}.", url=_safe(url), a=before, b=after))
    else:
        click.echo(tr("The database {url} is up to date (schema {rev}).",
                      "Cơ sở dữ liệu {url} đã ở phiên bản mới nhất ({rev}).", url=_safe(url), rev=after))
    with session_scope(url) as session:
        if preset:
            res = apply_preset(session, preset)
            d = res.divisions
            where = tr("in {d} districts", "trong {d} huyện", d=d.districts) if d.districts else \
                tr("with no district level", "không có cấp huyện")
            click.echo(tr(
                "Preset {p}: {c} communes {where} ({s} new stations), {ns} default sessions "
                "added, {pl} plan(s) loaded.",
                "Bộ mẫu {p}: {c} xã {where} ({s} đài mới), thêm {ns} buổi phát mặc định, "
                "nạp {pl} kế hoạch.", p=preset, c=d.communes, where=where, s=d.stations_added,
                ns=res.sessions_added, pl=res.plans_loaded))
        if divisions_file:
            d = load_divisions(session, divisions_file, valid_from=_date(valid_from, BEGINNING),
                               valid_until=_date(valid_until, END_OF_TIME), encoding=encoding)
            click.echo(tr(
                "{f}: {p} province(s), {d} districts, {c} communes ({s} new stations).",
                "{f}: {p} tỉnh, {d} huyện, {c} xã ({s} đài mới).", f=divisions_file, p=d.provinces,
                d=d.districts, c=d.communes, s=d.stations_added))


def register(cli: click.Group) -> None:
    cli.add_command(init_cmd)
