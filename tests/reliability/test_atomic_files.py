"""Files users open are replaced whole: an export SIGKILLed just before its rename leaves the
previous file as it was (its half is a hidden temporary file), and the next export replaces it."""

from __future__ import annotations

from radio_sched.core.periods import parse_month
from radio_sched.planning.plan import plan_month

from ..scheduler.conftest import province  # noqa: F401 - fixture
from .procs import run


def test_an_export_killed_before_its_rename_leaves_the_old_file(province, db_url, tmp_path):
    plan_month(province, parse_month("2024-03"), jobs=1, time_limit=2)
    province.commit()
    out = tmp_path / "lich-2024-03.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    args = ["export", "2024-03", "--format", "csv", "-o", str(out)]
    done = run(db_url, args, hooks=["--kill-at-replace", "1"])
    assert done.code == -9, done.err
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    visible = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert "lich-2024-03.csv" in visible and not [n for n in visible if n.endswith(".tmp")]
    done = run(db_url, args)
    assert done.code == 0, done.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("station,name,district,date,session") and text.count("\n") > 50
