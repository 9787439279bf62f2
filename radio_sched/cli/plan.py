"""radio-sched plan / check / export: the month's schedule, made, checked and written out."""

from __future__ import annotations

import json
from collections import Counter

import click

from ..core.errors import UserError
from ..core.files import write_atomic
from ..planning.export import export_month
from ..core.i18n import get_lang, tr
from ..core.scopes import PROVINCE
from .common import (
    AppContext, also, chosen_scope, cli_user, job_lock, month_arg, pass_app, progress_callback,
    scope_option
)


@click.command("plan")
@click.argument("month")
@scope_option
@click.option("--time-limit", type=float, metavar="S",
              help="CP-SAT deterministic seconds per distinct station problem [default: 10]; "
                   "deterministic, so the same run gives the same schedule.")
@click.option("--seed", type=int, default=0, show_default=True, help="Solver seed.")
@click.option("--jobs", type=int, metavar="N", help="Processes solving in parallel [default: cores].")
@click.option("--workers", type=int, metavar="N", help="CP-SAT workers per problem [default: 1].")
@click.option("--strict", is_flag=True, help="Any shortfall is an error (exit 4); nothing is stored.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@pass_app
def plan_cmd(app: AppContext, month, scope_text, district_code, station_code, time_limit, seed, jobs,
             workers, strict, fmt) -> None:
    """Plan MONTH (YYYY-MM) for the stations in scope and store it as a new version."""
    from ..planning.plan import plan_month  # here: OR-Tools loads in a second, other commands need not

    period = month_arg(month)
    if jobs is not None and jobs < 1 or workers is not None and workers < 1:
        raise UserError(tr("--jobs and --workers must be at least 1",
                           "--jobs và --workers phải từ 1 trở lên"))
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code, on=period.start,
                             until=period.end)
    # the web's plan and render jobs take the same lock: one run per month and scope at a time
    with job_lock(app, "plan", period, scope) as job, app.session() as session:
        res = plan_month(session, period, scope, seed=seed, time_limit=time_limit, jobs=jobs,
                         workers=workers, strict=strict, progress=also(
                             progress_callback(tr("Planning", "Đang lập lịch")), job),
                         created_by=cli_user())
    if fmt == "json":
        out = {k: v for k, v in res.__dict__.items() if k != "penalties"}
        out["gap"] = res.gap
        out["penalties"] = dict(res.penalties)
        click.echo(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return
    click.echo(tr("Schedule {month} for {scope}: version {v} ({status}).",
                  "Lịch tháng {month} cho {scope}: phiên bản {v} ({status}).", month=res.month,
                  scope=res.scope, v=res.version, status=_status(res.status)))
    click.echo(tr("  {s} stations, {a} airings, {i} items; {d} CP-SAT run(s) (alike stations share one).",
                  "  {s} đài, {a} buổi phát, {i} tin; {d} lần chạy CP-SAT (các đài giống nhau dùng chung).",
                  s=res.stations, a=res.airings, i=res.items, d=res.distinct))
    click.echo(tr("  Solver: {st}, gap {gap:.2%} (seed {seed}, {w} worker(s) per problem); "
                  "time {t:.1f} s (build {b:.1f}, solve {sv:.1f}, check {c:.1f}, store {so:.1f}).",
                  "  Bộ giải: {st}, khoảng cách tới cận {gap:.2%} (seed {seed}, {w} luồng mỗi bài); "
                  "thời gian {t:.1f} giây (dựng {b:.1f}, giải {sv:.1f}, kiểm tra {c:.1f}, lưu {so:.1f}).",
                  st=res.solver_status, gap=res.gap, seed=res.seed, w=res.workers, t=res.wall_s,
                  b=res.build_s, sv=res.solve_s, c=res.check_s, so=res.store_s))
    if not res.shortfalls:
        click.echo(tr("  Every obligation is met.", "  Mọi nghĩa vụ đều đạt."))
        return
    click.echo(tr("  {n} shortfall(s):", "  {n} nghĩa vụ chưa đạt:", n=len(res.shortfalls)))
    lang = get_lang()
    by_rule = Counter(s["rule"] for s in res.shortfalls)
    for rule, n in by_rule.most_common():
        click.echo(f"    {rule}: {n}")
        reasons = Counter(s["code"] for s in res.shortfalls if s["rule"] == rule)
        for code, k in reasons.most_common(3):
            example = next(s for s in res.shortfalls if s["rule"] == rule and s["code"] == code)
            click.echo(f"      {k} × {example['station']} {example['name']}: {example['reason'][lang]}")


def _status(status: str) -> str:
    return tr("complete", "đầy đủ") if status == "complete" else tr("with shortfalls", "còn thiếu")


@click.command("check")
@click.argument("month")
@scope_option
@click.option("--version", "schedule_version", type=int, help="Check this version, not the current ones.")
@pass_app
def check_cmd(app: AppContext, month, scope_text, district_code, station_code, schedule_version) -> None:
    """Re-check MONTH's stored schedule without the solver: every limit and obligation."""
    period = month_arg(month)
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code, on=period.start,
                             until=period.end)
        schedule_id = None
        if schedule_version is not None:
            from ..planning.schedules import schedule_of_version

            schedule_id = schedule_of_version(session, period.label, schedule_version)
            if schedule_id is None:
                raise UserError(tr("{month} has no version {v}", "tháng {month} không có phiên bản {v}",
                                   month=period.label, v=schedule_version))
        from ..planning.plan import check_month

        res = check_month(session, period, scope, schedule_id=schedule_id,
                          progress=progress_callback(tr("Checking", "Đang kiểm tra")))
    if res.ok:
        click.echo(tr("{month}: {s} stations, {a} airings: every rule holds ({n} declared shortfall(s)).",
                      "{month}: {s} đài, {a} buổi phát: mọi quy tắc đều đạt ({n} nghĩa vụ đã báo thiếu).",
                      month=res.month, s=res.stations, a=res.airings, n=res.shortfalls))
        return
    click.echo(tr("{month}: {n} problem(s) found:", "{month}: phát hiện {n} lỗi:", month=res.month,
                  n=len(res.issues)), err=True)
    for code, issue in res.issues[:200]:
        click.echo(f"  {code}: {issue.message}", err=True)
    raise SystemExit(1)


@click.command("export")
@click.argument("month")
@scope_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (atomically).")
@click.option("--version", "schedule_version", type=int, help="Export this version, not the current ones.")
@pass_app
def export_cmd(app: AppContext, month, scope_text, district_code, station_code, fmt, output,
               schedule_version) -> None:
    """Write MONTH's schedule as radio-sched.schedule/1 JSON or as CSV (one row per item)."""
    period = month_arg(month)
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code, on=period.start,
                             until=period.end) or PROVINCE
        text = export_month(session, period, scope, fmt=fmt, version=schedule_version)
    if output:
        write_atomic(output, text)
        click.echo(tr("Wrote {f}.", "Đã ghi {f}.", f=output))
    else:
        click.echo(text, nl=False)


def register(cli: click.Group) -> None:
    cli.add_command(plan_cmd)
    cli.add_command(check_cmd)
    cli.add_command(export_cmd)
