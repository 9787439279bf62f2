"""radio-sched demo: the main job end to end on a realistic Hà Tĩnh month, in the current folder."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import click

from ..core.config import Settings
from ..demo.story import DEFAULT_MONTH, run_demo
from ..demo.summary import lines
from ..core.errors import UserError
from ..core.i18n import Msg, tr
from .common import AppContext, pass_app, progress_callback


@click.command("demo")
@click.option("--district", "districts", metavar="CODE", multiple=True,
              help="Only this district's stations (repeatable) [default: the whole province].")
@click.option("--month", default=DEFAULT_MONTH, show_default=True, metavar="YYYY-MM",
              help="The month to plan, render, report and re-plan (2024); the earlier months of its "
                   "quarter are simulated.")
@click.option("--jobs", type=int, metavar="N", help="Processes in parallel [default: cores].")
@pass_app
def demo_cmd(app: AppContext, districts, month, jobs) -> None:
    """Run the main job on the Hà Tĩnh 2024 preset in this folder: a month of content spoken by
    espeak-ng, the plan, one bundle per station, a storm warning and its re-plan, the first half's
    as-run file, the re-plan from mid-month (make-goods) and the quarter's audit; then print where
    everything is. Run it again and it reuses what is there."""
    if jobs is not None and jobs < 1:
        raise UserError(tr("--jobs must be at least 1", "--jobs phải từ 1 trở lên"))
    count = [0]

    def step(label: Msg):
        count[0] += 1
        click.secho(f"[{count[0]}] {label.render()}", err=True, bold=True)
        return progress_callback("   ")

    summary = run_demo(app.settings, Path.cwd(), districts=districts, month=month, jobs=jobs,
                       progress=step)
    click.echo()
    for line in lines(summary, serve=_serve_command(app.settings)):
        click.echo(line)


def _serve_command(settings: Settings) -> str:
    """How to start the web app on this demo's database and folders, from any folder."""
    exe = shutil.which("radio-sched") or str(Path(sys.executable).with_name("radio-sched"))
    args = [exe]
    if settings.db_url != Settings().db_url:
        args += ["--db", settings.db_url]
    for option, value, default in (("--library", settings.library_root, Settings().library_root),
                                   ("--schedules", settings.schedules_root,
                                    Settings().schedules_root)):
        if value != default:
            args += [option, str(value)]
    return f"cd {shlex.quote(str(Path.cwd()))} && " + " ".join(shlex.quote(a) for a in args) + " serve"


def register(cli: click.Group) -> None:
    cli.add_command(demo_cmd)

