"""radio-sched segments withdraw and bulletins add: content that changes planned months, re-planned at once."""

from __future__ import annotations

import contextlib
import datetime as dt

import click

from ..core.errors import UserError
from ..core.i18n import tr
from ..core.periods import PeriodError, parse_date
from ..reference.divisions import resolve_scope
from .audio import segments_group
from .common import AppContext, cli_user, pass_app, progress_callback


def day_arg(text: str) -> dt.date:
    try:
        return parse_date(text)
    except PeriodError as exc:
        raise UserError(exc.message) from None


@contextlib.contextmanager
def month_locks(app: AppContext, scope: str, start: dt.date, end: dt.date):
    """The re-plan lock of every month that the change re-plans (Conflict if a job holds one)."""
    from ..jobs.runner import held
    from ..planning.content import affected_months

    with app.session() as session:
        months = affected_months(session, start, end)
    with contextlib.ExitStack() as stack:
        for m in months:
            stack.enter_context(held(app.settings.db_url, "replan", m.label, scope,
                                     created_by=cli_user()))
        yield


def print_replans(change) -> None:
    if not change.replans:
        click.echo(tr("  No schedule covers those days yet: the next plan leaves it out.",
                      "  Chưa có lịch nào cho những ngày đó: lần lập lịch sau sẽ không xếp tin này."))
    for r in change.replans:
        if r.version is None:
            click.echo(tr("  {m}: nothing changes from {d}.", "  {m}: từ ngày {d} không có gì thay đổi.",
                          m=r.month, d=r.replan_from))
        else:
            click.echo(tr("  {m}: version {v} from {d}, {s} station(s) changed, {b} new bundle(s).",
                          "  {m}: phiên bản {v} từ ngày {d}, {s} đài thay đổi, {b} gói mới.",
                          m=r.month, v=r.version, d=r.replan_from, s=len(r.changed),
                          b=len(r.bundles)))


@click.command("withdraw")
@click.argument("slug", metavar="ID")
@click.option("--from", "from_day", required=True, metavar="DATE",
              help="First day it no longer airs (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--render/--no-render", default=True, show_default=True,
              help="Make new bundles for the stations that change, in the same transaction.")
@pass_app
def withdraw_cmd(app: AppContext, slug, from_day, render) -> None:
    """Stop a wrong or outdated segment from airing from --from on: the stations of its area are
    re-planned from that day (the days before do not change) and get new bundles."""
    from ..planning.content import find_segment, withdraw_segment

    day = day_arg(from_day)
    with app.session() as session:
        seg = find_segment(session, slug)
        scope, until = seg.scope, seg.valid_until
    with month_locks(app, scope, day, until), app.session() as session:
        change = withdraw_segment(app.settings, session, slug, day, render=render,
                                  created_by=cli_user(),
                                  progress=progress_callback(tr("Re-planning", "Đang lập lại lịch")))
    click.echo(tr("Segment {s} withdrawn from {d}.", "Đã rút tin {s} từ ngày {d}.", s=slug, d=day))
    print_replans(change)


@click.group("bulletins")
def bulletins_group() -> None:
    """Bulletins of Circular 39/2020/TT-BTTTT: normal, priority and urgent."""


@bulletins_group.command("add")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--priority", required=True, type=click.Choice(["normal", "priority", "urgent"]),
              help="urgent: first in every session of its days; priority: first at least once a "
                   "day; normal: an ordinary segment (kind bulletin).")
@click.option("--scope", default="province", show_default=True,
              help="province, district:<code> or commune:<code>.")
@click.option("--from", "from_day", required=True, metavar="DATE", help="First day it airs.")
@click.option("--days", type=int, default=1, show_default=True, help="How many days it airs.")
@click.option("--title", required=True, help="Title, as the log sheet shows it.")
@click.option("--id", "slug", help="Segment id [default: from the file name].")
@click.option("--render/--no-render", default=True, show_default=True,
              help="Make new bundles for the stations that change, in the same transaction.")
@pass_app
def bulletin_add_cmd(app: AppContext, file, priority, scope, from_day, days, title, slug,
                     render) -> None:
    """Add a bulletin and re-plan the stations in scope from the next session that has not
    started; their new bundles are made at once."""
    from ..planning.bulletins import add_bulletin

    day = day_arg(from_day)
    with app.session() as session:
        resolved = str(resolve_scope(session, scope))
    with month_locks(app, resolved, day, day + dt.timedelta(days=max(days, 1) - 1)), \
            app.session() as session:
        res = add_bulletin(app.settings, session, file, priority=priority, scope=scope, start=day,
                           days=days, title=title, slug=slug, render=render,
                           created_by=cli_user(),
                           progress=progress_callback(tr("Re-planning", "Đang lập lại lịch")))
    click.echo(tr("Bulletin {s} ({p}) added for {d} day(s) from {f}.",
                  "Đã thêm bản tin {s} ({p}) trong {d} ngày từ {f}.", s=res.slug, p=priority,
                  d=days, f=day))
    if res.started_before:
        click.echo(tr("  Today's sessions that started before {t} stay as they are.",
                      "  Các buổi hôm nay bắt đầu trước {t} giữ nguyên.", t=res.started_before))
    if priority != "normal":
        print_replans(res)


def register(cli: click.Group) -> None:
    segments_group.add_command(withdraw_cmd)
    cli.add_command(bulletins_group)
