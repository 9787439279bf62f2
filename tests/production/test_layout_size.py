"""A station's month is kept as a layout of a few KB, which assembles to the bytes recorded."""

from __future__ import annotations

import hashlib

from radio_sched.core.config import DATA_DIR
from radio_sched.production.bundle import open_bundle
from radio_sched.production.layout_pack import FORMAT
from radio_sched.production.month_render import render_month
from radio_sched.production.zip_layout import layout_path, load

from .helpers import SHARED, schedule

ITEMS = [["square", "speech"], ["whisper"], ["clicks", "noise"], ["stereo"], ["speech"], ["noise"],
         ["square"]]


def test_a_realistic_month_is_a_few_kb(library, settings):
    # 14 airings a station, as a month of the country's plan gives (46,494 airings at 3,321 stations)
    plan = {code: [(d, "sáng" if d % 2 else "chiều", "05:30" if d % 2 else "17:00",
                    ITEMS[(d + k) % len(ITEMS)]) for d in range(1, 29, 2)]
            for k, code in enumerate(["18073", "18077", "18202", "18205"])}
    schedule(library, plan)
    library.commit()
    res = render_month(settings, library, "2024-03")
    assert {len(plan[st.code]) for st in res.stations} == {14}
    for st in res.stations:
        z = settings.schedules_root / st.bundle.path
        assert load(z)["format"] == FORMAT
        assert layout_path(z).stat().st_size < 12_000  # ~11 KB; format 1 (a deflate a run) kept ~3x more
        with open_bundle(z) as f:
            data = f.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (st.bundle.size, st.bundle.sha256)
        assert st.bundle.size > 100 * layout_path(z).stat().st_size


def test_dictionary_1_never_changes():
    """Layouts name their dictionary: changing its bytes would make every kept layout unreadable
    (a new dictionary gets a new name, and layout_pack.DICTIONARY names it)."""
    data = (DATA_DIR / "layout_dict_1.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == \
        "51a6598385c91b054835378f45ba3c09a9200b59cbc33c8e6152219f07aa7e2d"
    assert SHARED  # the fixtures this module shares with test_render
