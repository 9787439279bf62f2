"""radio-sched audit: required, planned and aired per rule, station and segment, for a period."""

from __future__ import annotations

import click

from ..reports.audit import audit
from ..core.files import write_atomic
from ..reports.audit_report import FORMATS, render
from ..reports.audit_chart import pct
from ..core.errors import UserError
from ..core.i18n import tr
from ..core.periods import PeriodError, parse_date
from .common import (
    AppContext, chosen_scope, echo_text, pass_app, period_arg, progress_callback, scope_option
)


@click.command("audit")
@click.argument("period")
@scope_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="html: a printable report; csv: the audit format; xlsx: a workbook.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to FILE (atomically); csv and html go to standard output without it.")
@click.option("--date", "on", metavar="DATE", help="The report's date line [default: today].")
@pass_app
def audit_cmd(app: AppContext, period, scope_text, district_code, station_code, fmt, output,
              on) -> None:
    """Audit PERIOD (2024-03, 2024-Q1, 2024-H1 or 2024): for every obligation due in it, the
    required, planned and aired counts and the shortfall with its reason; roll-ups by district and
    province; coverage by district and month."""
    p = period_arg(period)
    try:
        day = parse_date(on) if on else None
    except PeriodError as exc:
        raise UserError(exc.message) from None
    if fmt == "xlsx" and not output:
        raise UserError(tr("an xlsx workbook needs -o FILE", "tệp xlsx cần -o TỆP"))
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code, on=p.start, until=p.end)
        result = audit(session, p, scope, progress=progress_callback(tr("Auditing", "Đang tổng hợp")))
    data = render(result, fmt, day=day)
    if not output:
        echo_text(data.decode("utf-8"))  # csv or html: text, its control characters escaped
        return
    write_atomic(output, data)
    prov = result.province
    short = sum(1 for r in result.rows if r.judged and r.shortfall)
    click.echo(tr("Wrote {f}: {s} stations, {n} obligations due, {k} short; {c} of {t} stations met "
                  "every obligation ({share}); coverage {cov}.",
                  "Đã ghi {f}: {s} đài, {n} nghĩa vụ đến hạn, {k} chưa đạt; {c}/{t} đài đạt mọi nghĩa "
                  "vụ ({share}); tỷ lệ phát đạt {cov}.", f=output, s=prov.stations,
                  n=sum(1 for r in result.rows if r.judged), k=short, c=prov.overall.compliant,
                  t=prov.overall.stations, share=pct(prov.overall.share), cov=pct(prov.overall.coverage)))


def register(cli: click.Group) -> None:
    cli.add_command(audit_cmd)
