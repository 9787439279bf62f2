"""radio-sched rules: load a year's plan rules file and show what is loaded."""

from __future__ import annotations

import json

import click

from ..core.i18n import tr
from ..reference.plan_rules import active_plan, load_rules
from .common import AppContext, pass_app


@click.group("rules")
def rules_group() -> None:
    """The plan's obligations (a TOML file per year)."""


@rules_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def load_cmd(app: AppContext, file) -> None:
    """Check a rules file and make it its year's active plan."""
    with app.session() as session:
        plan, created = load_rules(session, file)
        n = len(plan.rules)
        name, year = plan.name, plan.year
    if created:
        click.echo(tr("Loaded '{name}' for {year}: {n} rules.", "Đã nạp '{name}' cho năm {year}: {n} quy tắc.",
                      name=name, year=year, n=n))
    else:
        click.echo(tr("'{name}' for {year} is already loaded, unchanged.",
                      "'{name}' cho năm {year} đã được nạp, không thay đổi.", name=name, year=year))


@rules_group.command("show")
@click.argument("year", type=int)
@pass_app
def show_cmd(app: AppContext, year) -> None:
    """Show the active rules of a year."""
    with app.session() as session:
        plan, parsed = active_plan(session, year)
    click.echo(f"{parsed.name} ({parsed.year})")
    for r in parsed.rules:
        click.echo(f"- {r.id} [{r.kind}] {r.title}")
        params = {k: v for k, v in {"each_segment": r.each_segment, "quota": r.quota,
                                    "min_gap_days": r.min_gap_days,
                                    "max_per_session": r.max_per_session,
                                    "prefer_sessions": list(r.prefer_sessions) or None,
                                    "soft": r.soft or None, "source": r.source}.items() if v}
        click.echo("    " + json.dumps(params, ensure_ascii=False, default=lambda o: o.__dict__))


def register(cli: click.Group) -> None:
    cli.add_command(rules_group)
