"""The mixed load benchmark at a reduced size (not timed), against the documented deployment
(gunicorn, 2 workers) on SQLite and PostgreSQL: stations download their bundles at once, some
resumed with Range, and report as-run by form and by API, while a district plans and renders its
month in job processes and the Department opens the quarter's coverage and XLSX. Every download
arrives whole, every report is stored, no request fails, both jobs finish. (Figures:
benchmarks/bench_load.py at full size, see docs/reliability.md.)"""

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


def test_a_province_at_once_under_gunicorn(empty_db_url, tmp_path):
    pytest.importorskip("gunicorn", reason="gunicorn is in the test extra (pip install -e .[test])")
    res = bench().run_load(empty_db_url, tmp_path, server_kind="gunicorn", workers=2, threads=4,
                           stations=24, size_mb=0.3, resume_every=3, department_rounds=1,
                           deadline_s=180)
    assert res["errors"] == [] and res["checksums_ok"] == 24
    assert res["reporting"] == 11 and res["asrun_stored"] == 11  # 13 of the 24 are district 436's
    kinds = {k: v["n"] for k, v in res["kinds"].items()}
    assert (kinds["download"], kinds["download (Range)"]) == (16, 16)  # 8 resumed: two parts each
    assert (kinds["as-run (form)"], kinds["as-run (API)"]) == (5, 6)
    assert kinds["coverage page (quarter)"] == kinds["coverage XLSX (quarter)"] == 1
    assert {k: j["status"] for k, j in res["jobs"].items()} == {"plan": "done", "render": "done"}
    assert res["server_mb"]["processes"] == 3 and res["server_mb"]["peak"] > 0
