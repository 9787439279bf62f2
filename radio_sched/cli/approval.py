"""radio-sched segments pending / approve / refuse / review: the Department's content approval."""

from __future__ import annotations

import contextlib

import click

from ..core.i18n import tr
from .audio import segments_group
from .common import FORMATS, AppContext, cli_user, emit, pass_app, progress_callback


@click.command("pending")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_app
def pending_cmd(app: AppContext, fmt) -> None:
    """List the segments waiting for the Department's approval."""
    from ..production.approval import kinds_needing_approval, pending_segments

    with app.session() as session:
        rows = [(s.slug, s.kind, s.scope, s.producer, s.title) for s in pending_segments(session)]
        kinds = sorted(kinds_needing_approval(session))
    emit(rows, [tr("id", "mã"), tr("kind", "loại"), tr("scope", "phạm vi"),
                tr("producer", "đơn vị"), tr("title", "tiêu đề")], fmt,
         keys=["id", "kind", "scope", "producer", "title"])
    if fmt == "table":
        click.echo(tr("Kinds reviewed: {k}", "Loại tin cần duyệt: {k}", k=", ".join(kinds) or "-"))


@click.command("approve")
@click.argument("slug", metavar="ID")
@pass_app
def approve_cmd(app: AppContext, slug) -> None:
    """Approve a waiting segment: the next plan or re-plan schedules it. An urgent or priority
    bulletin is re-planned at once, from the next session that has not started, with new bundles."""
    from ..core.config import local_today
    from ..planning.bulletins import replans_on_approval, review_content
    from ..planning.content import find_segment
    from .content import month_locks, print_replans

    with app.session() as session:
        seg = find_segment(session, slug)
        again, scope = replans_on_approval(seg), seg.scope
        start, until = max(seg.valid_from, local_today()), seg.valid_until
    locks = month_locks(app, scope, start, until) if again and until >= start else \
        contextlib.nullcontext()
    with locks, app.session() as session:
        res = review_content(app.settings, session, slug, approve=True, by=cli_user(),
                             progress=progress_callback(tr("Re-planning", "Đang lập lại lịch")))
    click.echo(tr("Segment {s} approved.", "Đã duyệt tin {s}.", s=slug))
    if again:
        print_replans(res)


@click.command("refuse")
@click.argument("slug", metavar="ID")
@click.option("--reason", required=True, help="Why, as the producer will read it.")
@pass_app
def refuse_cmd(app: AppContext, slug, reason) -> None:
    """Refuse a waiting segment, saying why: it is never scheduled."""
    from ..production.approval import review_segment

    with app.session() as session:
        review_segment(session, slug, approve=False, by=cli_user(), note=reason)
    click.echo(tr("Segment {s} refused.", "Đã không duyệt tin {s}.", s=slug))


@click.command("review")
@click.argument("kind")
@click.option("--needed/--not-needed", default=True, show_default=True,
              help="Whether districts' and communes' segments of KIND wait for approval.")
@pass_app
def review_cmd(app: AppContext, kind, needed) -> None:
    """The Department's setting: segments of KIND from districts and communes wait for approval
    (--needed) or are approved at once (--not-needed, the default for every kind)."""
    from ..production.approval import set_needs_approval

    with app.session() as session:
        set_needs_approval(session, kind.strip().lower(), needed, by=cli_user())
    click.echo(tr("Kind {k}: {w}.", "Loại {k}: {w}.", k=kind,
                  w=tr("waits for approval", "chờ duyệt") if needed else
                  tr("approved at once", "duyệt ngay")))


def register(cli: click.Group) -> None:
    for cmd in (pending_cmd, approve_cmd, refuse_cmd, review_cmd):
        segments_group.add_command(cmd)
