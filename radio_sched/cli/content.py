"""radio-sched segments withdraw: content that changes planned months, re-planned at once."""

from __future__ import annotations

import contextlib
import datetime as dt

import click

from ..core.errors import UserError
from ..core.i18n import tr
from ..core.periods import PeriodError, parse_date
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


def register(cli: click.Group) -> None:
    segments_group.add_command(withdraw_cmd)
