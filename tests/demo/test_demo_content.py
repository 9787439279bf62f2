"""The demo month of content: every kind the plan asks for, realistic shapes, Vietnamese text in NFC."""

import datetime as dt
import unicodedata

from radio_sched.demo.content import month_content
from radio_sched.core.periods import parse_month

STATIONS = {"436": [("18073", "Phường Nam Hà"), ("18077", "Phường Bắc Hà")], "440": [("18202", "Xã Sơn Hồng")]}


def test_a_month_has_every_kind_of_the_plan():
    specs = month_content(STATIONS, parse_month("2024-03"), district_names={"436": "Thành phố Hà Tĩnh"})
    kinds = {}
    for s in specs:
        kinds.setdefault(s.kind, []).append(s)
    assert {k: len(v) for k, v in kinds.items()} == {
        "jingle": 2, "provincial_program": 1, "provincial_report": 2, "district_episode": 8,
        "model_citizen": 3, "service_guide": 6, "home_affairs": 1}
    assert {s.slug for s in kinds["jingle"]} == {"jingle-intro", "jingle-outro"}
    eps = sorted(s.valid_from.day for s in kinds["district_episode"] if s.scope == "district:436")
    assert eps == [1, 8, 15, 22]
    mc = {s.scope: s for s in kinds["model_citizen"]}
    assert "Phường Nam Hà" in mc["commune:18073"].script and mc["commune:18073"].valid_until == dt.date(2024, 3, 31)
    assert kinds["provincial_program"][0].valid_from == dt.date(2024, 1, 1)
    assert len({s.slug for s in specs}) == len(specs)
    for s in specs:
        assert s.script and s.title and s.duration_s > 0
        assert unicodedata.is_normalized("NFC", s.script + s.title)


def test_two_tier_stations_have_no_district_episodes():
    specs = month_content({None: [("1", "Xã Một")]}, parse_month("2025-09"))
    assert "district_episode" not in {s.kind for s in specs}
