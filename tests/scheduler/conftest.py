"""Fixtures: the tiny province with the shipped 2024 rules, default sessions and a month of content."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from radio_sched.demo.content import add_segments, month_content, stations_by_district
from radio_sched.reference.divisions import district_names, stations_in
from radio_sched.core.models import Station
from radio_sched.core.periods import parse_month
from radio_sched.reference.presets import DEFAULT_SESSIONS
from radio_sched.reference.plan_rules import DATA, load_rules
from radio_sched.core.scopes import PROVINCE
from radio_sched.reference.session_templates import add_default_sessions


def add_content(session, *months: str) -> None:
    """The demo content of each month for every station, as approved Segment rows."""
    for label in months:
        m = parse_month(label)
        st = stations_in(session, PROVINCE, on=m.start, until=m.end)
        add_segments(session, month_content(stations_by_district(st), m,
                                            district_names=district_names(session)))


@pytest.fixture
def province(tiny):
    """Five communes in three districts, two sessions a day, the 2024 plan, March's content."""
    add_default_sessions(tiny, DEFAULT_SESSIONS)
    load_rules(tiny, DATA / "ha_tinh_2024_rules.toml")
    add_content(tiny, "2024-03")
    tiny.commit()
    return tiny


def station_ids(session) -> dict[str, int]:
    return {s.code: s.id for s in session.scalars(select(Station))}
