"""The session cache is pruned to what some kept layout reads, old versions included, never under a job."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from sqlalchemy import select

from radio_sched.core.errors import Conflict
from radio_sched.core.models import Bundle, Job
from radio_sched.jobs.locks import PRUNE, claim
from radio_sched.jobs.maintenance import prune_cache, prune_if_idle
from radio_sched.jobs.runner import held
from radio_sched.production.bundle import open_bundle
from radio_sched.production.month_render import render_month
from radio_sched.production.session_audio import SessionCache
from radio_sched.production.zip_layout import files_of, load

from .helpers import PLAN, SHARED, schedule

pytestmark = pytest.mark.all_backends
DAY = 86400


def _age(paths, seconds: float) -> None:
    then = time.time() - seconds
    for p in paths:
        os.utime(p, (then, then))


def _read_by(settings, row: Bundle) -> set:
    zip_path = settings.schedules_root / row.path
    return {p.resolve() for p, _ in files_of(load(zip_path), zip_path.parent)}


@pytest.fixture
def versions(month, settings):
    """Bundles v1 of every station, then v2 and v3 for 18073, each with a session of its own on the
    3rd: v2's is read by v2's layout only (18073 can still download v2)."""
    render_month(settings, month, "2024-03")
    month.commit()
    for version, slug in ((2, "noise"), (3, "speech")):
        schedule(month, dict(PLAN, **{"18073": SHARED[:3] + [(3, "sáng", "05:30", [slug])]}),
                 version=version)
        render_month(settings, month, "2024-03")
        month.commit()
    return month.scalars(select(Bundle).order_by(Bundle.id)).all()


def test_prune_removes_what_no_layout_reads_and_keeps_old_versions(versions, month, settings, runner):
    rows = versions
    cache = SessionCache(settings.schedules_root)
    v2 = next(r for r in rows if r.version == 2)
    only_v2 = _read_by(settings, v2) - set().union(*(_read_by(settings, r) for r in rows if r is not v2))
    assert len(only_v2) == 1  # the session v3 no longer airs
    stray = cache.root / "ee" / ("e" * 64 + ".mp3")
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"a session of a render whose layouts were never kept")
    fresh = cache.root / "dd" / ("d" * 64 + ".mp3")
    fresh.parent.mkdir(parents=True, exist_ok=True)
    fresh.write_bytes(b"joined a minute ago by a render still writing its layouts")
    cached = sorted(cache.root.rglob("*.mp3"))
    _age([p for p in cached if p != fresh], 2 * DAY)
    assert prune_cache(settings) == 1
    assert not stray.exists() and fresh.exists()
    assert sorted(cache.root.rglob("*.mp3")) == [p for p in cached if p != stray]
    assert only_v2 <= {p.resolve() for p in cache.root.rglob("*.mp3")}
    for r in rows:  # every recorded version still assembles to its recorded bytes
        with open_bundle(settings.schedules_root / r.path) as f:
            data = f.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (r.size, r.sha256)
    job = month.scalar(select(Job).where(Job.kind == PRUNE))
    assert (job.status, job.lock_key) == ("done", None)
    # the command says what it did; a second prune finds nothing
    res = runner(["--schedules", str(settings.schedules_root), "prune-cache"])
    assert res.exit_code == 0 and "không có gì để xóa" in res.output


def test_no_prune_while_a_job_runs_and_no_job_while_it_prunes(versions, settings):
    cache = SessionCache(settings.schedules_root)
    stray = cache.root / "ee" / ("e" * 64 + ".mp3")
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"unread")
    _age([stray], 2 * DAY)
    with held(settings.db_url, "render", "2024-04", "district:436"):  # another month, another scope
        with pytest.raises(Conflict, match="dựng âm thanh"):
            prune_cache(settings)
        assert prune_if_idle(settings) is None
    assert stray.exists()
    with held(settings.db_url, PRUNE, None, "province"):
        with pytest.raises(Conflict, match="dọn bộ nhớ đệm"):
            claim(settings.db_url, "plan", "2024-03", "commune:18073")
    assert prune_if_idle(settings) == 1 and not stray.exists()
