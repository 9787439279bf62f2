"""Instances that once went wrong, kept as JSON: each is solved, validated and compared with what
it should give."""

import json
from pathlib import Path

import pytest

from radio_sched.scheduler.serialize import dumps, loads

from .build import solved

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures").glob("*.json"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_regression_fixture(path):
    problem, meta = loads(path.read_text(encoding="utf-8"))
    sol = solved(problem)
    expect = meta["expect"]
    assert sol.objective == expect["objective"]
    assert [[s.rule, s.segment, s.required, s.planned, s.code] for s in sol.shortfalls] == expect["shortfalls"]


def test_fixtures_round_trip():
    assert FIXTURES
    for path in FIXTURES:
        problem, meta = loads(path.read_text(encoding="utf-8"))
        again, _ = loads(dumps(problem, **meta))
        assert again == problem
        assert json.loads(path.read_text(encoding="utf-8"))["expect"] == meta["expect"]
