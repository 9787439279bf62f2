"""radio-sched segments (add, import, speak, list), render, bundle, prune-cache: the audio library and the bundles."""

from __future__ import annotations

from pathlib import Path

import click

from ..production.catalogue import (
    add_segments, list_segments, specs_from_files, specs_from_manifest
)
from ..production.probe import clock
from ..core.i18n import tr
from .common import (
    FORMATS, AppContext, also, chosen_scope, cli_user, emit, job_lock, month_arg, pass_app,
    progress_callback, scope_option
)

JOBS = click.option("--jobs", "-j", type=click.IntRange(1, 64), metavar="N",
                    help="Encodes to run at once [default: the number of CPU cores].")


@click.group("segments")
def segments_group() -> None:
    """The audio library: episodes, reports, notices and the column's jingles."""


def _report(res) -> None:
    parts = [tr("{n} added", "thêm {n}", n=len(res.added))]
    if res.replaced:
        parts.append(tr("{n} replaced", "thay {n}", n=len(res.replaced)))
    if res.updated:
        parts.append(tr("{n} updated", "cập nhật {n}", n=len(res.updated)))
    if res.unchanged:
        parts.append(tr("{n} already there, unchanged", "{n} đã có, không đổi", n=len(res.unchanged)))
    click.echo(tr("Segments: {parts}.", "Mục phát: {parts}.", parts=", ".join(parts)))
    for seg in res.segments:
        if seg.slug in res.added or seg.slug in res.replaced:
            click.echo(f"  {seg.slug}  [{seg.kind}]  {clock(seg.duration_s)}  "
                       f"{seg.loudness_lufs:+.1f} LUFS -> {tr('ready', 'sẵn sàng')}")


@segments_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--kind", required=True, help="district_episode, service_guide, jingle...")
@click.option("--title", help="Title (one FILE only) [default: the file name].")
@click.option("--id", "slug", help="Segment id (one FILE only) [default: from the file name].")
@click.option("--scope", default="province", show_default=True,
              help="province, district:<code> or commune:<code>.")
@click.option("--valid-from", default="", help="First day it may air (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--valid-until", default="", help="Last day it may air.")
@click.option("--topics", default="", help="Topics separated by ';'.")
@click.option("--language", default="vi", show_default=True)
@click.option("--producer", default="")
@click.option("--replace", is_flag=True, help="Replace the audio of a segment id that exists.")
@JOBS
@pass_app
def add_cmd(app: AppContext, files, kind, title, slug, scope, valid_from, valid_until, topics,
            language, producer, replace, jobs) -> None:
    """Check audio files, store them and their ready-to-air versions, and record the segments."""
    with app.session() as session:
        specs = specs_from_files(session, list(files), kind=kind, slug=slug, title=title,
                                 scope=scope, valid_from=valid_from, valid_until=valid_until,
                                 topics=topics, language=language, producer=producer)
        res = add_segments(session, app.settings, specs, replace=replace, jobs=jobs,
                           progress=progress_callback(tr("Preparing", "Đang xử lý")))
        _report(res)


@segments_group.command("import")
@click.argument("manifest", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Replace the audio of segment ids that exist.")
@click.option("--encoding", help="Text encoding if the file is not UTF-8 (e.g. cp1258).")
@JOBS
@pass_app
def import_cmd(app: AppContext, manifest, replace, encoding, jobs) -> None:
    """Add every file of a segments.csv (file,title,kind,scope,valid_from,valid_until,topics,
    language,producer[,id]); one bad row or file and nothing is added."""
    with app.session() as session:
        specs = specs_from_manifest(session, manifest, encoding=encoding)
        res = add_segments(session, app.settings, specs, replace=replace, jobs=jobs,
                           progress=progress_callback(tr("Preparing", "Đang xử lý")))
        _report(res)


@segments_group.command("speak")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", required=True, help="service_guide, model_citizen...")
@click.option("--scope", default="province", show_default=True,
              help="province, district:<code> or commune:<code>.")
@click.option("--id", "slug", help="Segment id [default: from the file name].")
@click.option("--title", help="Title [default: the first line of the text].")
@click.option("--valid-from", default="", help="First day it may air (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--valid-until", default="", help="Last day it may air.")
@click.option("--voice", "voice_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A Piper voice model (.onnx, its .onnx.json beside it) [default: espeak-ng].")
@click.option("--replace", is_flag=True, help="Replace the audio of a segment id that exists.")
@click.option("--print-text", is_flag=True, help="Print what would be spoken; change nothing.")
@pass_app
def speak_cmd(app: AppContext, file, kind, scope, slug, title, valid_from, valid_until, voice_path,
              replace, print_text) -> None:
    """Make a segment from a Vietnamese notice in FILE.txt: dates, times, numbers and abbreviations
    read out in words, spoken by the voice, then made ready like an upload."""
    from ..production.speak import notice_text, speak_segment

    if print_text:  # no database needed to see what would be spoken
        click.echo(notice_text(file))
        return
    with app.session() as session:
        res = speak_segment(session, app.settings, file, kind=kind, scope=scope, slug=slug,
                            title=title, valid_from=valid_from, valid_until=valid_until,
                            voice=voice_path, replace=replace)
        click.echo(tr("Spoken by {voice}.", "Đọc bằng giọng {voice}.", voice=res.voice))
        _report(res.result)


@segments_group.command("list")
@click.option("--kind")
@scope_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_app
def list_cmd(app: AppContext, kind, scope_text, district_code, station_code, fmt) -> None:
    """List the segments in the library."""
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code)
        rows = [(s.slug, s.kind, s.scope, _day(s.valid_from), _day(s.valid_until),
                 f"{s.duration_s:.3f}", None if s.loudness_lufs is None else f"{s.loudness_lufs:.1f}",
                 s.status, s.title)
                for s in list_segments(session, kind=kind, scope=str(scope) if scope else None)]
    emit(rows, [tr("id", "mã"), tr("kind", "loại"), tr("scope", "phạm vi"), tr("from", "từ ngày"),
                tr("until", "đến ngày"), tr("ready (s)", "thời lượng (giây)"),
                tr("original LUFS", "LUFS gốc"), tr("status", "trạng thái"), tr("title", "tiêu đề")],
         fmt, keys=["id", "kind", "scope", "valid_from", "valid_until", "duration_s",
                    "original_lufs", "status", "title"])


@click.command("render")
@click.argument("month")
@scope_option
@JOBS
@pass_app
def render_cmd(app: AppContext, month, scope_text, district_code, station_code, jobs) -> None:
    """Render the month's schedule into one ready-to-air bundle (zip) per station."""
    from ..production.month_render import render_month

    period = month_arg(month)
    with app.session() as session:
        scope = chosen_scope(session, scope_text, district_code, station_code, on=period.start,
                             until=period.end)
    # the web's plan and render jobs take the same lock: one run per month and scope at a time
    with job_lock(app, "render", period, scope) as job, app.session() as session:
        res = render_month(app.settings, session, period, scope, jobs=jobs,
                           progress=also(progress_callback(tr("Rendering", "Đang dựng")), job))
    status = {"new": tr("new", "mới"), "adopted": tr("new", "mới"), "unchanged": tr("unchanged", "không đổi"),
              "restored": tr("restored", "khôi phục")}
    rows = [(s.code, s.name, s.schedule_version, s.airings, s.bundle.version,
             status[s.bundle.status], f"{s.bundle.size / 1e6:.1f}", s.bundle.path) for s in res.stations]
    emit(rows, [tr("station", "đài"), tr("name", "tên"), tr("schedule", "lịch"),
                tr("sessions", "buổi"), tr("bundle", "gói"), tr("status", "trạng thái"), "MB",
                tr("file (in {root})", "tệp (trong {root})", root=app.settings.schedules_root)])
    click.echo(tr(
        "{m}: {a} sessions at {s} stations from {u} unique sessions ({r} joined now, {p} parts "
        "encoded); {b} new bundle(s); {w:.1f} s.",
        "{m}: {a} buổi phát tại {s} đài từ {u} buổi khác nhau ({r} buổi dựng mới, mã hóa {p} phần); "
        "{b} gói mới; {w:.1f} giây.", m=res.month, a=res.airings, s=len(res.stations),
        u=res.unique_sessions, r=res.sessions_rendered, p=res.parts_prepared, b=res.bundles_new,
        w=res.wall_s))
    if res.without_schedule:
        click.echo(tr("No schedule for {n} station(s): {codes}", "Chưa có lịch cho {n} đài: {codes}",
                      n=len(res.without_schedule), codes=", ".join(res.without_schedule[:20])), err=True)
    from ..jobs.maintenance import prune_if_idle

    _pruned(prune_if_idle(app.settings, created_by=cli_user()))


def _pruned(removed: int | None) -> None:
    if removed:
        click.echo(tr("Session cache: {n} file(s) that no bundle reads removed.",
                      "Bộ nhớ đệm: đã xóa {n} tệp âm thanh không gói nào dùng.", n=removed))


@click.command("prune-cache")
@pass_app
def prune_cmd(app: AppContext) -> None:
    """Remove cached session audio that no bundle of any version reads (no job may run meanwhile)."""
    from ..jobs.maintenance import prune_cache

    removed = prune_cache(app.settings, created_by=cli_user())
    _pruned(removed)
    if not removed:
        click.echo(tr("Session cache: nothing to remove.", "Bộ nhớ đệm: không có gì để xóa."))


def _day(d) -> str:
    from ..core.models import BEGINNING, END_OF_TIME

    return "" if d in (BEGINNING, END_OF_TIME) else d.isoformat()


def register(cli: click.Group) -> None:
    cli.add_command(segments_group)
    cli.add_command(render_cmd)
    cli.add_command(bundle_cmd)
    cli.add_command(prune_cmd)


@click.command("bundle")
@click.argument("month")
@click.option("--station", "station_code", required=True, metavar="CODE", help="The station's code.")
@click.option("-o", "--output", "output", required=True, metavar="FILE.zip",
              type=click.Path(dir_okay=False, writable=True), help="Where to write the zip.")
@pass_app
def bundle_cmd(app: AppContext, month, station_code, output) -> None:
    """Write a station's current bundle of the month (the bytes a download gives)."""
    from ..production.bundle import export_bundle

    with app.session() as session:
        row = export_bundle(session, app.settings, month_arg(month), station_code, Path(output))
    click.echo(tr("{out}: bundle v{v}, {n} bytes, sha256 {h}", "{out}: gói bản {v}, {n} byte, sha256 {h}",
                  out=output, v=row.version, n=row.size, h=row.sha256))
