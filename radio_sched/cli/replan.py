"""radio-sched replan: make-goods for the rest of a month, then bundles for the stations it changed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from ..core.errors import UserError
from ..core.i18n import M, get_lang, tr
from ..jobs.runner import held
from ..core.periods import PeriodError, parse_date
from ..core.scopes import PROVINCE
from .common import AppContext, chosen_scope, cli_user, month_arg, pass_app, progress_callback, scope_option

if TYPE_CHECKING:
    from ..planning.replan import ReplanResult


@click.command("replan")
@click.argument("month")
@click.option("--from", "from_day", required=True, metavar="DATE",
              help="First day planned again (YYYY-MM-DD); the days before stay as they aired.")
@scope_option
@click.option("--render/--no-render", default=True, show_default=True,
              help="Make new bundles for the stations whose sessions changed, in the same "
                   "transaction (--no-render: store the re-plan only; run 'render' later).")
@click.option("--time-limit", type=float, metavar="S",
              help="CP-SAT deterministic seconds per distinct station problem [default: 10].")
@click.option("--seed", type=int, default=0, show_default=True, help="Solver seed.")
@click.option("--jobs", type=int, metavar="N", help="Processes in parallel [default: cores].")
@click.option("--workers", type=int, metavar="N", help="CP-SAT workers per problem [default: 1].")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@pass_app
def replan_cmd(app: AppContext, month, from_day, scope_text, district_code, station_code, render,
               time_limit, seed, jobs, workers, fmt) -> None:
    """Plan MONTH again from --from: make-goods for what stations reported missed, as few changes
    to the sessions already sent as possible; a new version only if something changes."""
    period = month_arg(month)
    try:
        day = parse_date(from_day)
    except PeriodError as exc:
        raise UserError(exc.message) from None
    if jobs is not None and jobs < 1 or workers is not None and workers < 1:
        raise UserError(tr("--jobs and --workers must be at least 1",
                           "--jobs và --workers phải từ 1 trở lên"))
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code, on=period.start,
                             until=period.end) or PROVINCE
    if not period.start <= day <= period.end:
        raise UserError(M("--from {d} is not in {m}", "--from {d} không thuộc tháng {m}", d=day,
                          m=period.label))
    # here: OR-Tools takes a second to load, and other commands need not pay for it
    from ..planning.replan import BundlesFailed, replan_and_render

    with held(app.settings.db_url, "replan", period.label, str(scope)), app.session() as session:
        try:
            res = replan_and_render(
                app.settings, session, period, day, scope, render=render, seed=seed,
                time_limit=time_limit, jobs=jobs, workers=workers,
                progress=progress_callback(tr("Re-planning", "Đang lập lại lịch")),
                render_progress=progress_callback(tr("Rendering", "Đang dựng")))
        except BundlesFailed as exc:
            raise UserError(M(
                "{err}\nTo store the re-plan without bundles: add --no-render, then run "
                "'radio-sched render {m}' once the audio is there.",
                "{err}\nĐể lưu lịch lập lại mà chưa dựng gói: thêm --no-render, rồi chạy "
                "'radio-sched render {m}' khi đã có âm thanh.", err=exc.message,
                m=period.label)) from None
    if render:  # the versions it replaced keep their layouts: only what none reads goes
        from ..jobs.maintenance import prune_if_idle

        prune_if_idle(app.settings, created_by=cli_user())
    if fmt == "json":
        out = {k: v for k, v in res.__dict__.items()}
        out["changes"] = [c.__dict__ for c in res.changes]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return
    _print(res, render, period.label)


def _print(res: ReplanResult, render: bool, month: str) -> None:
    p = res.past
    click.echo(tr("Re-planned {m} from {d} for {scope}: {n} stations solved again ({r} CP-SAT runs, "
                  "{t:.1f} s).",
                  "Lập lại lịch tháng {m} từ ngày {d} cho {scope}: giải lại {n} đài ({r} lần chạy "
                  "CP-SAT, {t:.1f} giây).", m=month, d=res.replan_from, scope=res.scope,
                  n=res.stations, r=res.distinct, t=res.wall_s))
    click.echo(tr("  Before {d}: {a} items reported aired, {mi} missed, {pa} cut short, {u} in sessions "
                  "reported partial (unconfirmed), {off} not reported in sessions marked off the air, "
                  "{nr} not reported (taken as aired).",
                  "  Trước ngày {d}: {a} tin báo đã phát, {mi} không phát, {pa} phát không trọn, {u} "
                  "thuộc buổi báo phát một phần (chưa xác nhận), {off} chưa báo cáo thuộc buổi đã ghi "
                  "ngừng phát, {nr} chưa báo cáo (coi như đã phát).",
                  d=res.replan_from, a=p["aired"], mi=p["missed"], pa=p["partial"],
                  u=p["unconfirmed"], off=p["off_air"], nr=p["unreported"]))
    if res.schedule_id is None:
        click.echo(tr("  Nothing changes: the current schedule already carries every make-good "
                      "that can be made. No new version was stored.",
                      "  Không có gì thay đổi: lịch hiện hành đã có mọi buổi phát bù có thể. Không "
                      "tạo phiên bản mới."))
    else:
        click.echo(tr("  Version {v}: {s} station(s), {c} session(s) changed:",
                      "  Phiên bản {v}: {s} đài, {c} buổi phát thay đổi:", v=res.version,
                      s=len(res.changed), c=len(res.changes)))
        for c in res.changes:
            click.echo(f"    {c.station} {c.name}, {c.day} {c.session}: "
                       f"{', '.join(c.before) or '-'} -> {', '.join(c.after) or '-'}")
    if res.unrestorable:
        lang = get_lang()
        click.echo(tr("  {n} obligation(s) cannot be restored:", "  {n} nghĩa vụ không khôi phục được:",
                      n=len(res.unrestorable)))
        for s in res.unrestorable:
            what = s["segment"] or f"{s['start']}..{s['end']}"
            lost = ""
            if s["lost"]:
                lost = tr(" ({n} airing(s) lost: {why})", " (mất {n} lần phát: {why})", n=s["lost"],
                          why="; ".join(s["lost_reasons"]) or "-")
            click.echo(f"    {s['station']} {s['name']}, {s['rule']} {what}: "
                       f"{s['planned']}/{s['required']}: {s['reason'][lang]}{lost}")
    else:
        click.echo(tr("  Every obligation that the missed airings left short is made good.",
                      "  Mọi nghĩa vụ bị thiếu do các buổi không phát đều đã được phát bù."))
    if res.schedule_id is None:
        return
    if render:
        new = sum(1 for _, _, status in res.bundles if status in ("new", "adopted", "restored"))
        click.echo(tr("  Bundles: {n} new version(s) for the stations that changed; the others keep "
                      "theirs.", "  Gói âm thanh: {n} phiên bản mới cho các đài thay đổi; các đài "
                      "khác giữ gói cũ.", n=new))
    else:
        click.echo(tr("  No bundles were made (--no-render): run 'radio-sched render {m}' for the "
                      "stations that changed before their next session.",
                      "  Chưa dựng gói âm thanh (--no-render): hãy chạy 'radio-sched render {m}' cho "
                      "các đài thay đổi trước buổi phát tiếp theo.", m=month))


def register(cli: click.Group) -> None:
    cli.add_command(replan_cmd)
