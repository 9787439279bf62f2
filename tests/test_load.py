"""The load benchmark at a reduced size (not timed): stations download their bundles at once, some
resumed with Range, from a real server process on loopback while a district plans its month in a
job process; on SQLite and PostgreSQL. Every download arrives whole; no request fails; the plan
finishes. (Figures: benchmarks/bench_load.py at full size, see docs/reliability.md.)"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.all_backends
BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_load.py"


def bench():
    spec = importlib.util.spec_from_file_location("bench_load", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_stations_download_at_once_while_a_district_plans(empty_db_url, tmp_path):
    res = bench().run_load(empty_db_url, tmp_path, stations=24, size_mb=0.3, resume_every=3,
                           deadline_s=180)
    assert res["downloads_ok"] == 24 and res["downloads_bad"] == []
    assert res["http_errors"] == 0 and res["requests"] == 24 + 8  # 8 resumed: two requests each
    assert res["statuses"].get(206) == 16  # both parts of every resumed download were ranges
    job = res["plan_job"]
    assert job["status"] == "done", job
    assert job["result"]["version"] == 2 and job["result"]["stations"] > 0
