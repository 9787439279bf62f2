"""Property, for every CSV importer (sessions, blackouts, divisions, segments manifest, as-run): any
bytes either import or are refused with a message, and a refused import changes nothing."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from radio_sched.reference.blackouts import import_blackouts
from radio_sched.reference.divisions import load_divisions
from radio_sched.core.errors import UserError
from radio_sched.core.models import Blackout, SessionTemplate, Station, Unit
from radio_sched.reference.session_templates import import_sessions

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


@pytest.mark.all_backends
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


# --- segments manifest and as-run: the importers that reach audio and schedules ------------------

MANIFEST_HEADER = "file,title,kind,scope,valid_from,valid_until,topics,language,producer,id\n"
ASRUN_HEADER = "station,date,session,status,segment,reason\n"
FEW = settings(max_examples=30, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

def column(good, *bad):
    """Mostly a value that can import, sometimes a wrong or hostile one, sometimes any text."""
    return st.integers(0, 19).flatmap(lambda n: st.sampled_from(good) if n < 17 else
                                      st.sampled_from(bad) if n < 19 else st.text(max_size=8))


MANIFEST_COLUMNS = [
    column(["a.wav"], "../a.wav", "/etc/hostname", "missing.mp3", ""),
    column(["Bản tin số 1", "Hướng dẫn <b>khai sinh</b>"], "", "=HYPERLINK(\"x\")", "x" * 300),
    column(["service_guide", "jingle"], "", "bad kind"),
    column(["province", "district:436", "commune:18073"], "district:999", "", "nowhere"),
    column(["", "2024-03-01", "01/03/2024"], "2024-02-30", "soon"),
    column(["", "2024-03-31"], "2023-01-01", "31/02/2024"),
    column(["", "CCHC;dịch vụ công"], ";;"),
    column(["", "vi"], "klingon" * 5),
    column(["", "UBND phường Nam Hà"], "@SUM(A1)"),
    column(["", "ep-1", "ep-2"], "jingle-intro", "Bad Id!", "x" * 130),
]
ASRUN_COLUMNS = [
    column(["18073", "18077", "18202"], "99999", "18301", ""),
    column(["2024-03-01", "01/03/2024", "2024-03-04", "2024-03-08"], "2024-03-02", "2031-01-01",
           "2024-02-30"),
    column(["sáng"], "chiều", "", "s\u0301ang"),
    column(["aired", "missed", "partial"], "lost", ""),
    column(["", "guide-birth", "ep-436-1"], "nope", "model-18202"),
    column(["", "mất điện do bão"], "=1+1", "x" * 301),
]


def encoded(header, columns):
    width = len(columns)
    row = st.one_of(st.tuples(*columns), st.tuples(*columns),
                    st.lists(st.one_of(*columns), max_size=width + 2)).map(",".join)
    text = st.lists(row, min_size=1, max_size=3).map(lambda rows: header + "\n".join(rows) + "\n")
    return st.one_of(text.map(str.encode), text.map(str.encode),
                     text.map(lambda t: t.encode("utf-16")), st.binary(max_size=120))


@pytest.fixture
def manifest_folder(tiny, tmp_path):
    """A folder with one real audio file, made ready once (later examples reuse its part)."""
    import shutil
    import subprocess

    from radio_sched.production.catalogue import add_segments, specs_from_files
    from radio_sched.core.config import Settings

    folder = tmp_path / "upload"
    folder.mkdir()
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=f=440:d=2", str(folder / "a.wav")], check=True)
    settings = Settings(db_url="sqlite://", library_root=tmp_path / "library")
    warm = tmp_path / "warm.wav"
    shutil.copy(folder / "a.wav", warm)
    with tiny.begin_nested():
        add_segments(tiny, settings, specs_from_files(tiny, [warm], kind="x"))
        tiny.rollback()  # the part stays in the library; the row goes
    tiny.commit()
    return folder, settings


@pytest.mark.all_backends
@FEW
@given(data=encoded(MANIFEST_HEADER, MANIFEST_COLUMNS))
@example(data=(MANIFEST_HEADER + "a.wav,Bản tin <b>1</b>,service_guide,district:436,,,,vi,,ep-1\n")
         .encode())
@example(data=(MANIFEST_HEADER + "x" * 300 + ".mp3,t,service_guide,province,,,,,,\n").encode())
def test_segments_manifest_fuzz(tiny, manifest_folder, data):
    from radio_sched.production.catalogue import add_segments, specs_from_manifest
    from radio_sched.core.models import Segment

    folder, settings = manifest_folder
    path = folder / "segments.csv"
    path.write_bytes(data)
    _imports_or_refuses(tiny, Segment, lambda _d: add_segments(
        tiny, settings, specs_from_manifest(tiny, path)), data)


@pytest.fixture
def planned(tiny):
    """A stored schedule for March 2024 (what an as-run file is checked against)."""
    from .web.data import add_schedule, station

    add_schedule(tiny, "2024-03", [station(tiny, c) for c in ("18073", "18077", "18202")])
    tiny.commit()
    return tiny


@pytest.mark.all_backends
@FEW
@given(data=encoded(ASRUN_HEADER, ASRUN_COLUMNS))
@example(data=(ASRUN_HEADER + "18073,2024-03-01,sáng,aired,,\n18202,04/03/2024,sáng,missed,,bão\n")
         .encode())
def test_asrun_import_fuzz(planned, data):
    import datetime as dt

    from radio_sched.reports.asrun import import_asrun
    from radio_sched.core.models import AsRun

    _imports_or_refuses(planned, AsRun, lambda d: import_asrun(
        planned, d, name="asrun.csv", today=dt.date(2024, 4, 1)), data)
