"""A render killed half-way (SIGKILL, in a real child process) leaves nothing half-written where a
user would take it, and the next render finishes without redoing the finished work."""

import os
import subprocess
import sys
import textwrap
import zipfile

from sqlalchemy import func, select

from radio_sched.core.models import Bundle
from radio_sched.production.month_render import render_month
from radio_sched.production.bundle import open_bundle
from radio_sched.production.zip_layout import layout_path

from .helpers import UNIQUE

DRIVER = textwrap.dedent("""
    import os, signal, sys, zipfile
    from pathlib import Path
    from radio_sched.core.config import Settings
    from radio_sched.core.db import session_scope
    from radio_sched.production.month_render import render_month

    url, lib, sch, mode, k = sys.argv[1:]
    settings = Settings(db_url=url, library_root=Path(lib), schedules_root=Path(sch))
    progress = None
    if mode == "progress":  # killed between two steps of the work
        def progress(done, total):
            if done >= int(k):
                os.kill(os.getpid(), signal.SIGKILL)
    else:  # killed in the middle of writing the k-th zip's layout
        from radio_sched.core.files import temp_path
        from radio_sched.production import zip_layout
        real, seen = zip_layout.write_atomic, []
        def write_atomic(final, data):
            seen.append(1)
            if len(seen) >= int(k):
                with open(temp_path(Path(final)), "w") as f:
                    f.write(data[:len(data) // 2])
                    f.flush()
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(final, data)
        zip_layout.write_atomic = write_atomic
    with session_scope(url) as s:
        render_month(settings, s, "2024-03", progress=progress, jobs=1)
""")


def kill_render(settings, mode, k):
    proc = subprocess.run([sys.executable, "-c", DRIVER, settings.db_url, str(settings.library_root),
                           str(settings.schedules_root), mode, str(k)], capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()


def visible(root):
    """What a user browsing the schedules folder would take: files not hidden."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))


def test_killed_between_sessions_resumes_from_the_cache(month, settings):
    kill_render(settings, "progress", 4)  # the gap and 3 of the 6 unique sessions are done
    assert visible(settings.schedules_root) == []
    month.expire_all()
    assert month.scalar(select(func.count()).select_from(Bundle)) == 0
    res = render_month(settings, month, "2024-03")
    assert (res.parts_prepared, res.sessions_rendered, res.unique_sessions) == (0, UNIQUE - 3, UNIQUE)
    assert {s.bundle.status for s in res.stations} == {"new"}


def test_killed_while_writing_a_zip(month, settings):
    kill_render(settings, "zip", 2)  # the first station's zip is whole, the second's half-written
    first = settings.schedules_root / "2024-03/18073/18073-2024-03-v1.zip"
    second = settings.schedules_root / "2024-03/18077"
    assert visible(settings.schedules_root) == ["2024-03/18073/18073-2024-03-v1.layout.json"]
    assert zipfile.ZipFile(open_bundle(first)).testzip() is None
    assert [p.name.startswith(".tmp-") for p in second.iterdir()] == [True]  # hidden, partial
    month.expire_all()
    assert month.scalar(select(func.count()).select_from(Bundle)) == 0  # nothing was recorded
    mtime = os.stat(layout_path(first)).st_mtime_ns
    res = render_month(settings, month, "2024-03")
    status = {s.code: s.bundle.status for s in res.stations}
    assert status == {"18073": "adopted", "18077": "new", "18202": "new", "18205": "new"}
    assert os.stat(layout_path(first)).st_mtime_ns == mtime  # the finished zip was not written again
    assert res.sessions_rendered == 0
    assert [p.name for p in second.iterdir()] == ["18077-2024-03-v1.layout.json"]  # the partial one is gone
    for s in res.stations:
        assert zipfile.ZipFile(open_bundle(settings.schedules_root / s.bundle.path)).testzip() is None
