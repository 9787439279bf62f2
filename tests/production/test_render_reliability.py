"""Renders in real child processes on SQLite and PostgreSQL: other writers go on while zips are
written, one render per district at a time (told plainly), two districts at once, and a render
SIGKILLed at many moments never leaves a partial bundle where a user would get it."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from radio_sched.reports.asrun import record_asrun
from radio_sched.production.bundle import open_bundle, read_manifest
from radio_sched.production.zip_layout import SUFFIX
from radio_sched.jobs.runner import dispose_side_engines
from radio_sched.core.models import Bundle, Job, Station

from ..reliability.procs import finish, spawn, wait_for

pytestmark = pytest.mark.all_backends
# zip entries per station (an MP3 and a playlist per airing, the month's playlist, 3 texts, the
# manifest): 18073 and 18077 have 4 airings, 18202 two, 18205 one
ENTRIES = 13


@pytest.fixture(autouse=True)
def _side_engines():
    yield
    dispose_side_engines()


def impatient_engine(db_url: str):
    """An engine that does not wait for locks: a write that another one holds up fails at once."""
    if db_url.startswith("sqlite"):
        return create_engine(db_url, connect_args={"timeout": 0})
    given = make_url(db_url).query.get("options", "")  # the test's schema is a URL option
    return create_engine(db_url, connect_args={"options": f"{given} -c lock_timeout=200".strip()})


def write_while_rendering(db_url: str) -> None:
    """What users do meanwhile: a station reports what it aired, a district starts a job."""
    engine = impatient_engine(db_url)
    try:
        with Session(engine) as s, s.begin():
            record_asrun(s, [{"station": "18073", "date": "2024-03-01", "session": "sáng",
                              "status": "aired", "segment": "", "reason": ""}], "web", "op18073")
            s.add(Job(kind="plan", month="2024-04", scope="district:440", lock_key="2024-04|x",
                      status="queued"))
    finally:
        engine.dispose()


def codes(session, bundles: list[Bundle]) -> list[str]:
    by_id = {s.id: s.code for s in session.scalars(select(Station))}
    return sorted(by_id[b.station_id] for b in bundles)


def rows(session) -> list[Bundle]:
    session.expire_all()
    return list(session.scalars(select(Bundle).order_by(Bundle.station_id, Bundle.version)))


def test_other_writers_go_on_while_a_render_writes_its_zips(month, settings, db_url, tmp_path):
    paused, go = tmp_path / "paused", tmp_path / "go"
    proc = spawn(db_url, ["render", "2024-03"], settings=settings,
                 hooks=["--pause-at-zip-entry", str(ENTRIES + 5), "--paused", str(paused),
                        "--go", str(go)])
    wait_for(paused, proc)  # the first station's zip is written, the second's is half-way
    write_while_rendering(db_url)  # fails at once if the render held the database
    assert rows(month) == []  # nothing of the render is visible before it ends
    go.touch()
    done = finish(proc)
    assert done.code == 0, done.err
    assert len(rows(month)) == 4


def test_one_render_per_district_at_a_time_and_two_districts_at_once(month, settings, db_url,
                                                                     tmp_path):
    paused, go = tmp_path / "paused", tmp_path / "go"
    first = spawn(db_url, ["render", "2024-03", "--district", "436"], settings=settings,
                  hooks=["--pause-at-zip-entry", "3", "--paused", str(paused), "--go", str(go)])
    wait_for(paused, first)
    again = spawn(db_url, ["render", "2024-03", "--district", "436"], settings=settings)
    other = spawn(db_url, ["render", "2024-03", "--district", "440"], settings=settings)
    refused, done_other = finish(again), finish(other)
    assert refused.code == 3, refused.err
    assert "đang có việc dựng âm thanh cho Thành phố Hà Tĩnh tháng 3 năm 2024" in refused.err
    assert "hãy đợi việc đó xong" in refused.err and "Traceback" not in refused.err
    assert done_other.code == 0, done_other.err  # district 440 renders while 436 is busy
    assert codes(month, rows(month)) == ["18202", "18205"]
    go.touch()
    assert finish(first).code == 0
    recorded = rows(month)
    assert [(r.version, r.size > 0) for r in recorded] == [(1, True)] * 4
    month.expire_all()
    assert month.scalar(select(Job).where(Job.lock_key.is_not(None))) is None


def check_consistent(session, root: Path) -> None:
    """Every recorded bundle is whole and is what its row says; every visible zip is whole."""
    for b in rows(session):
        with open_bundle(root / b.path) as f:
            data = f.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (b.size, b.sha256), b.path
    for kept in root.rglob("*" + SUFFIX):
        if any(p.startswith(".") for p in kept.relative_to(root).parts):
            continue  # a temporary file: hidden, never served, removed by the next run
        path = kept.with_name(kept.name.removesuffix(SUFFIX) + ".zip")
        with zipfile.ZipFile(open_bundle(path)) as zf:
            assert zf.testzip() is None, path
            manifest = read_manifest(path)
            for f in manifest["files"]:
                member = f"{manifest['station']}-{manifest['month']}/{f['path']}"
                assert hashlib.sha256(zf.read(member)).hexdigest() == f["sha256"], member


KILLS = [  # moments of a render of 4 stations
    ["--kill-at-zip-entry", "2"],                   # in the middle of the first zip
    ["--kill-at-replace", "2"],                     # the second zip written, not yet in place
    ["--kill-at-zip-entry", str(ENTRIES + 9 + 3)],  # the first adopted, the fourth half-written
    ["--sql", "INSERT INTO bundles", "--kill-at-sql", "1"],  # every zip there, no row yet
]


def test_a_render_killed_again_and_again_finishes_whole(month, settings, db_url):
    root = settings.schedules_root
    # PostgreSQL undoes a killed transaction the same way at every moment: two moments suffice there
    for hooks in KILLS if db_url.startswith("sqlite") else KILLS[2:]:
        done = finish(spawn(db_url, ["render", "2024-03"], settings=settings, hooks=hooks))
        assert done.code == -9, (hooks, done.err)
        check_consistent(month, root)
        assert rows(month) == []  # a render's rows appear all together or not at all
    done = finish(spawn(db_url, ["render", "2024-03"], settings=settings))
    assert done.code == 0, done.err
    recorded = rows(month)
    assert [r.version for r in recorded] == [1, 1, 1, 1]
    check_consistent(month, root)
    assert not [p for p in root.rglob(".tmp-*")]  # the killed runs' temporary files are gone
    # the killed runs' job rows are failed and unlocked; the last one is done, then it pruned
    month.expire_all()
    statuses = [j.status for j in month.scalars(select(Job).where(Job.kind == "render").order_by(Job.id))]
    assert set(statuses[:-1]) == {"failed"} and statuses[-1] == "done", statuses
    assert [j.kind for j in month.scalars(select(Job).order_by(Job.id))][-2:] == ["render", "prune"]
    again = finish(spawn(db_url, ["render", "2024-03"], settings=settings))
    assert again.code == 0, again.err
    assert [(r.id, r.sha256) for r in rows(month)] == [(r.id, r.sha256) for r in recorded]
