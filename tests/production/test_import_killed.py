"""A segment import SIGKILLed in a real child process (SQLite and PostgreSQL): while its files are
being stored, or with every row written but not committed. No segment appears; files it stored
are content-addressed and hidden until then; the next import adds every segment."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from radio_sched.production.parts import Library
from radio_sched.core.models import Segment

from ..helpers import write
from ..reliability.procs import run

pytestmark = pytest.mark.all_backends


def test_a_killed_segment_import_adds_nothing_and_the_next_adds_all(tiny, settings, sources,
                                                                      tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    for name in ("jingle-outro", "stereo"):
        shutil.copy(sources[name], folder / sources[name].name)
    manifest = write(folder / "segments.csv", (
        "file,title,kind,scope,id\n"
        "jingle-outro.mp3,Nhạc hiệu kết thúc,jingle,province,jingle-outro\n"
        "stereo.ogg,Chương trình chuyên đề quý I,provincial_program,province,program-q1\n"))
    args = ["segments", "import", str(manifest), "--jobs", "1"]
    for hooks in (["--kill-at-replace", "2"],  # one file stored, the next not yet in place
                  ["--kill-at-commit-of", "INSERT INTO segments"]):  # rows written, not kept
        done = run(settings.db_url, args, settings=settings, hooks=hooks)
        assert done.code == -9, (hooks, done.err)
        tiny.expire_all()
        assert tiny.scalars(select(Segment)).all() == []
        hidden = [p for p in settings.library_root.rglob("*") if p.is_file()
                  and p.name.startswith(".tmp")]
        assert len(hidden) <= 1  # at most the temporary file it was writing when killed
    done = run(settings.db_url, args, settings=settings)
    assert done.code == 0, done.err
    tiny.expire_all()
    segs = {s.slug: s for s in tiny.scalars(select(Segment))}
    assert sorted(segs) == ["jingle-outro", "program-q1"]
    library = Library(settings.library_root)
    for seg in segs.values():
        assert library.find_original(seg.sha256) is not None and seg.duration_s > 1
    assert not [p for p in settings.library_root.rglob(".tmp*")]  # cleaned by the next run
