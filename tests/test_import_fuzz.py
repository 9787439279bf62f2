"""Property: any bytes given to a CSV importer either import or are refused with a message, and a
refused import changes nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from radio_sched.blackouts import import_blackouts
from radio_sched.divisions import load_divisions
from radio_sched.errors import UserError
from radio_sched.models import Blackout, SessionTemplate, Station, Unit
from radio_sched.sessions import import_sessions

from .helpers import TINY_DIVISIONS

SESSIONS_HEADER = "scope,session,start,weekdays,capacity_s\n"
BLACKOUTS_HEADER = "scope,date_from,date_to,session,reason\n"

cell = st.one_of(
    st.sampled_from(["province", "district:436", "commune:18073", "commune:Xã Tân Lập", "sáng",
                     "chiều", "05:30", "25:61", "daily", "mon-sat", "mon,wed", "600", "-1", "",
                     "2024-03-01", "31/12/2024", "2024-02-30", '"', "=1+1", "\u0301", "x" * 50]),
    st.text(max_size=12))
row = st.one_of(st.lists(cell, min_size=0, max_size=7),
                st.lists(cell, min_size=5, max_size=5)).map(lambda cells: ",".join(cells))


def csv_text(header):
    return st.lists(row, max_size=6).map(lambda rows: header + "\n".join(rows) + "\n")


def raw_bytes(header):
    return st.one_of(csv_text(header).map(lambda t: t.encode("utf-8")),
                     csv_text(header).map(lambda t: t.encode("utf-16")),
                     st.binary(max_size=200),
                     csv_text(header).map(lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode()))


def snapshot(session, model):
    return sorted(tuple(str(getattr(r, c.name)) for c in model.__table__.columns if c.name != "id")
                  for r in session.scalars(select(model)))


FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _imports_or_refuses(session, model, do_import, data):
    before = snapshot(session, model)
    session.commit()
    try:
        with session.begin_nested():
            do_import(data)
    except UserError as exc:
        assert str(exc).strip()  # a message a person can read
        assert snapshot(session, model) == before
    session.rollback()


@pytest.mark.all_backends
@FUZZ
@given(data=raw_bytes(SESSIONS_HEADER))
def test_sessions_import_fuzz(tiny, data):
    _imports_or_refuses(tiny, SessionTemplate, lambda d: import_sessions(tiny, d, name="f.csv"), data)


@pytest.mark.all_backends
@FUZZ
@given(data=raw_bytes(BLACKOUTS_HEADER))
def test_blackouts_import_fuzz(tiny, data):
    _imports_or_refuses(tiny, Blackout, lambda d: import_blackouts(tiny, d, name="f.csv"), data)


@FUZZ
@given(data=raw_bytes(TINY_DIVISIONS.split("\n", 1)[0] + "\n"))
def test_divisions_import_fuzz(session, data):
    def counts():
        return [session.scalar(select(func.count()).select_from(m)) for m in (Unit, Station)]

    before = counts()
    try:
        with session.begin_nested():
            load_divisions(session, data, name="d.csv")
    except UserError as exc:
        assert str(exc).strip()
        assert counts() == before
    session.rollback()
