"""radio-sched asrun: import what stations report they aired, missed or cut short."""

from __future__ import annotations

import datetime as dt
import getpass

import click

from ..reports.asrun import import_asrun
from ..core.i18n import tr
from .common import AppContext, pass_app


@click.group("asrun")
def asrun_group() -> None:
    """As-run reports: what each station aired, missed or only partly aired."""


@asrun_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--encoding", help="Text encoding if the file is not UTF-8 (e.g. cp1258).")
@pass_app
def import_cmd(app: AppContext, file, encoding) -> None:
    """Record an asrun.csv (station,date,session,status,segment,reason), all or nothing.

    An empty segment reports the whole session; a row with a segment reports that item and
    overrides the session's row for it. A session reported 'partial' without item rows leaves its
    items unconfirmed (not counted as aired). Sending a report again replaces it.
    """
    with app.session() as session:
        res = import_asrun(session, file, encoding=encoding, reported_by=_who())
    click.echo(tr("Recorded {n} report(s): {a} new, {r} replacing earlier ones, {u} as before.",
                  "Đã ghi {n} báo cáo: {a} mới, {r} thay cho báo cáo trước, {u} như cũ.",
                  n=res.total, a=res.added, r=res.replaced, u=res.unchanged))
    names = {"aired": tr("aired", "đã phát"), "missed": tr("missed", "không phát"),
             "partial": tr("partial", "phát không trọn")}
    click.echo("  " + ", ".join(f"{names[k]} {res.statuses[k]}" for k in names if k in res.statuses))
    for month, (first, last) in sorted(res.lost.items()):
        nxt = last + dt.timedelta(days=1)
        if nxt.month != last.month:
            click.echo(tr("  {m}: sessions missed or cut short between {a} and {b}; no day of the "
                          "month is left to make them good: the audit will show the loss.",
                          "  {m}: có buổi không phát hoặc phát không trọn từ {a} đến {b}; tháng không "
                          "còn ngày nào để phát bù: báo cáo kết quả sẽ ghi nhận phần thiếu.",
                          m=month, a=first, b=last))
            continue
        click.echo(tr("  {m}: sessions missed or cut short between {a} and {b}; to make them good "
                      "in the rest of the month: radio-sched replan {m} --from {n}",
                      "  {m}: có buổi không phát hoặc phát không trọn từ {a} đến {b}; để phát bù "
                      "trong phần còn lại của tháng: radio-sched replan {m} --from {n}",
                      m=month, a=first, b=last, n=nxt))


def _who() -> str | None:
    try:
        return getpass.getuser()[:80]
    except Exception:  # noqa: BLE001 - no user name on this system: the report is still recorded
        return None


def register(cli: click.Group) -> None:
    cli.add_command(asrun_group)
