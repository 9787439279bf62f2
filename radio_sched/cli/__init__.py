"""The radio-sched command line: a thin click layer over the library."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from .. import __version__
from ..core.config import from_env, normalize_db_url
from ..core.errors import RadioSchedError
from ..core.i18n import set_lang, tr
from .common import AppContext

# One module per command group; each has register(cli).
COMMAND_MODULES = ["setup", "stations", "sessions", "blackouts", "rules", "audio", "web", "plan", "asrun", "replan", "audit", "demo", "content", "approval"]


class RadioSchedGroup(click.Group):
    """Shows expected errors as one clear message and unexpected ones without a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RadioSchedError as exc:
            click.secho(tr("Error: {msg}", "Lỗi: {msg}", msg=str(exc)), err=True, fg="red")
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # the reader went away (e.g. | head); nothing left to say
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            click.secho(tr("Interrupted.", "Đã dừng."), err=True, fg="yellow")
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for the user
            app = ctx.obj if isinstance(ctx.obj, AppContext) else None
            if app is not None and app.settings.debug:
                raise
            logging.getLogger("radio_sched").debug("internal error", exc_info=True)
            click.secho(tr("Internal error: {kind}: {msg}\nRun again with --debug to see the details.",
                           "Lỗi nội bộ: {kind}: {msg}\nChạy lại với --debug để xem chi tiết.",
                           kind=type(exc).__name__, msg=exc), err=True, fg="red")
            ctx.exit(70)


@click.group(cls=RadioSchedGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                    "max_content_width": 100})
@click.option("--db", "db_url", metavar="URL", envvar="RADIO_SCHED_DB",
              help="Database URL or SQLite file [default: radio-sched.db in this folder].")
@click.option("--library", "library_root", metavar="DIR", envvar="RADIO_SCHED_LIBRARY",
              type=click.Path(file_okay=False), help="Audio library root [default: audio_library].")
@click.option("--schedules", "schedules_root", metavar="DIR", envvar="RADIO_SCHED_SCHEDULES",
              type=click.Path(file_okay=False), help="Where months are rendered [default: schedules].")
@click.option("--lang", type=click.Choice(["vi", "en"]), envvar="RADIO_SCHED_LANG",
              help="Language of messages and reports [default: vi].")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (in English).")
@click.version_option(__version__, prog_name="radio-sched")
@click.pass_context
def cli(ctx: click.Context, db_url, library_root, schedules_root, lang, debug, verbose) -> None:
    """Plan, produce and audit the CCHC broadcasts of commune radio stations."""
    from pathlib import Path

    settings = from_env({}).with_(
        db_url=normalize_db_url(db_url) if db_url else None,
        library_root=Path(library_root) if library_root else None,
        schedules_root=Path(schedules_root) if schedules_root else None,
        lang=lang, debug=debug or None)
    set_lang(settings.lang)
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("radio_sched").setLevel(level)
    ctx.obj = AppContext(settings)


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(cli)


def main() -> None:
    cli(prog_name="radio-sched")
