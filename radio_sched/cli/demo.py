"""radio-sched demo: the main job end to end on a realistic Hà Tĩnh month, in the current folder."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import click

from ..core.config import Settings
from ..demo.scenario import SCENARIOS
from ..demo.story import PRESET, run_demo
from ..demo.summary import lines
from ..core.errors import UserError
from ..core.i18n import Msg, tr
from .common import AppContext, pass_app, progress_callback


@click.command("demo")
@click.option("--preset", type=click.Choice(list(SCENARIOS)), default=PRESET, show_default=True,
              help="ha-tinh-2024: 12 districts plan their 210 communes (a storm warning in March); "
                   "ha-tinh-2025: the province plans its 69 communes (Typhoon Bualoi, September).")
@click.option("--month", metavar="YYYY-MM",
              help="The month to plan, render, report and re-plan; the earlier months of its quarter "
                   "are simulated [default: 2024-03; 2025-09 with ha-tinh-2025, the only month it "
                   "tells].")
@click.option("--district", "districts", metavar="CODE", multiple=True,
              help="ha-tinh-2024: only this district's stations (repeatable) [default: the whole "
                   "province].")
@click.option("--commune", "communes", metavar="CODE", multiple=True,
              help="ha-tinh-2025: only this commune (repeatable; the database then holds only those) "
                   "[default: all 69].")
@click.option("--jobs", type=int, metavar="N", help="Processes in parallel [default: cores].")
@pass_app
def demo_cmd(app: AppContext, preset, month, districts, communes, jobs) -> None:
    """Run the main job on a Hà Tĩnh preset in this folder: a month of content spoken by espeak-ng,
    the plan, one bundle per station, the first half's as-run file, the re-plan from mid-month
    (make-goods), a storm forecast and its re-plan, and the quarter's audit; then print where
    everything is. Run it again and it reuses what is there."""
    if jobs is not None and jobs < 1:
        raise UserError(tr("--jobs must be at least 1", "--jobs phải từ 1 trở lên"))
    count = [0]

    def step(label: Msg):
        count[0] += 1
        click.secho(f"[{count[0]}] {label.render()}", err=True, bold=True)
        return progress_callback("   ")

    summary = run_demo(app.settings, Path.cwd(), districts=districts, month=month, jobs=jobs,
                       progress=step, preset=preset, communes=communes)
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

