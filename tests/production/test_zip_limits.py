"""Bundles are stored zips without zip64: one that would pass 4 GiB or 65,534 members is refused at
render time, clearly and before its bytes are read, and nothing is recorded."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select

from radio_sched.core.errors import UserError
from radio_sched.core.models import Bundle
from radio_sched.production import zip_layout
from radio_sched.production.month_render import render_month
from radio_sched.production.zip_layout import LIMIT, MAX_MEMBERS, Member, TooLarge, build, layout_path

DAY = dt.date(2024, 3, 1)


def test_over_4_gib_is_refused_before_reading(tmp_path):
    big = tmp_path / "sparse.mp3"
    with open(big, "wb") as f:  # a sparse file: 4 GiB long, nothing on disk
        f.truncate(LIMIT + 1)
    started = time.monotonic()
    with pytest.raises(TooLarge) as exc:
        build(tmp_path / "b.zip", [Member("a/readme.txt", b"hi"), Member("a/s.mp3", b"ID3", big, 0, LIMIT + 1)],
              DAY)
    assert time.monotonic() - started < 2  # refused at once: hashing 4 GiB would take seconds
    assert exc.value.size > LIMIT and exc.value.count == 2
    assert not layout_path(tmp_path / "b.zip").exists()


def test_too_many_members_are_refused(tmp_path):
    members = (Member(f"a/{n}.txt", b"") for n in range(MAX_MEMBERS + 1))
    with pytest.raises(TooLarge) as exc:
        build(tmp_path / "b.zip", members, DAY)
    assert exc.value.count == MAX_MEMBERS + 1
    assert not layout_path(tmp_path / "b.zip").exists()
    ok = build(tmp_path / "c.zip", (Member(f"a/{n}", b"") for n in range(MAX_MEMBERS)), DAY)
    assert ok["size"] > 0


def test_render_refuses_a_bundle_that_needs_zip64(month, settings, monkeypatch):
    monkeypatch.setattr(zip_layout, "LIMIT", 200_000)  # as if the month's audio passed 4 GiB
    with pytest.raises(UserError) as exc:
        render_month(settings, month, "2024-03")
    text = str(exc.value)
    assert "gói tháng 2024-03 của" in text and "(18073)" in text and "4 GiB" in text
    assert "zip64" in text and "65,534" in text
    assert month.scalar(select(func.count()).select_from(Bundle)) == 0
    assert not list(settings.schedules_root.rglob("*.layout.json"))
