"""January to March planned month by month: quarterly and weekly obligations are met over their
whole period, counting what earlier months' schedules aired."""

import datetime as dt

from sqlalchemy import select

from radio_sched.core.models import Blackout, Station
from radio_sched.core.periods import calendar_period, parse_month
from radio_sched.reference.presets import DEFAULT_SESSIONS
from radio_sched.reference.plan_rules import DATA, load_rules
from radio_sched.planning.instances import current_airings_by_station
from radio_sched.reference.session_templates import add_default_sessions

from .conftest import add_content
from .test_planning import planned

MONTHS = ["2024-01", "2024-02", "2024-03"]
QUARTERLY = """
[plan]
name = "Kế hoạch thử: chương trình quý phát đúng hai lần"
year = 2024
[session]
max_items = 3
gap_s = 1.0
intro = "jingle-intro"
outro = "jingle-outro"
[[rule]]
id = "program-twice"
title = "Chương trình chuyên đề của tỉnh: đúng 02 lần mỗi quý"
kind = "provincial_program"
quota = { per = "quarter", min = 2, max = 2 }
min_gap_days = 20
"""


def quarter_airings(session, kind_prefix):
    """{station code: [dates]} of one kind of item over the quarter, from each month's current schedule."""
    stations = {s.id: s.code for s in session.scalars(select(Station))}
    out = {code: [] for code in stations.values()}
    for label in MONTHS:
        for sid, rows in current_airings_by_station(session, parse_month(label), list(stations)).items():
            out[stations[sid]] += [day for day, _, slugs in rows for s in slugs if s.startswith(kind_prefix)]
    return out


def test_a_quarterly_obligation_is_met_over_the_quarter(tiny, tmp_path):
    add_default_sessions(tiny, DEFAULT_SESSIONS)
    path = tmp_path / "rules.toml"
    path.write_text(QUARTERLY, encoding="utf-8")
    load_rules(tiny, path)
    add_content(tiny, *MONTHS)
    # January is off the air in one district, February in another: each catches up later
    tiny.add(Blackout(scope="district:436", date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 1, 31)))
    tiny.add(Blackout(scope="district:440", date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 2, 29)))
    for label in MONTHS:
        res = planned(tiny, parse_month(label))
        assert res.shortfalls == [], label
    days = quarter_airings(tiny, "so-tttt-chuyen-de-cchc-2024-q1")
    for code, ds in days.items():
        assert len(ds) == 2, code  # min 2 and max 2 over the quarter: exactly two
        assert (ds[1] - ds[0]).days >= 20
    assert all(d.month == 1 for d in days["18301"])
    assert all(d.month >= 2 for d in days["18073"]) and all(d.month == 3 for d in days["18202"])


def test_the_shipped_plan_over_a_quarter(tiny):
    add_default_sessions(tiny, DEFAULT_SESSIONS)
    load_rules(tiny, DATA / "ha_tinh_2024_rules.toml")
    add_content(tiny, *MONTHS)
    for label in MONTHS:
        assert planned(tiny, parse_month(label)).status == "complete"
    programs = quarter_airings(tiny, "so-tttt-chuyen-de-cchc-2024-q1")
    guides = quarter_airings(tiny, "thong-bao-")
    for code in programs:
        assert 1 <= len(programs[code]) <= 4
        assert min(programs[code]) <= dt.date(2024, 1, 30)  # relayed within 30 days of release
        weeks = {}
        for d in guides[code]:
            weeks[calendar_period("week", d).label] = weeks.get(calendar_period("week", d).label, 0) + 1
        # each of the 13 ISO weeks (Q1 2024 runs Monday 1 Jan to Sunday 31 Mar) has 2..6 notices,
        # the weeks that cross months counted over both
        assert all(2 <= n <= 6 for n in weeks.values()) and len(weeks) == 13, weeks
