"""Formula injection: every CSV the command line writes (lists and the schedule export) turns a
cell that a spreadsheet would run (=, +, -, @) into text; JSON keeps the value as it is."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import update

from radio_sched.core.models import Segment, Station

from .web.data import add_schedule, station

pytestmark = pytest.mark.all_backends
FORMULAS = ['=HYPERLINK("http://example.invalid","bấm")', "+SUM(1,2)", "-2+3", "@cmd|' /C calc'!A0"]


@pytest.fixture
def hostile(tiny):
    add_schedule(tiny, "2024-03", [station(tiny, c) for c in ("18073", "18202")])
    tiny.execute(update(Station).where(Station.code == "18073").values(name=FORMULAS[0]))
    tiny.execute(update(Station).where(Station.code == "18202").values(name=FORMULAS[3]))
    for slug, title in (("guide-birth", FORMULAS[1]), ("ep-436-1", FORMULAS[2])):
        tiny.execute(update(Segment).where(Segment.slug == slug).values(title=title))
    tiny.commit()
    return tiny


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


@pytest.mark.parametrize("args", [["stations", "list", "--format", "csv"],
                                  ["segments", "list", "--format", "csv"],
                                  ["export", "2024-03", "--format", "csv"]])
def test_csv_cells_cannot_become_formulas(runner, hostile, args):
    res = runner(args)
    assert res.exit_code == 0, res.output
    values = cells(res.output)
    planted = [v for v in values if any(f in v for f in FORMULAS)]
    assert planted  # the hostile names and titles are in this file...
    assert all(v.startswith("'") for v in planted), planted  # ...as text
    assert not [v for v in values if v[:1] in ("=", "+", "@")]


def test_json_keeps_the_values_as_they_are(runner, hostile):
    res = runner(["stations", "list", "--format", "json"])
    assert FORMULAS[0] in [s["name"] for s in json.loads(res.output)]
