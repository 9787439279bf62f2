"""A property test: random text (controls, ESC sequences, bidi overrides, NFD, very long) set in
every field a user can set; every page, report, sheet and bundle text still renders, nothing
stored keeps a control or direction mark, and a refused report changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook
from sqlalchemy import select, update

from radio_sched.core.db import session_scope
from radio_sched.core.models import AsRun, DownloadToken, Segment, Station, User
from radio_sched.core.text import clean_text
from radio_sched.production import playout
from radio_sched.production.bundle_files import AiringAudio, StationInfo, _title
from radio_sched.reference.plan_rules import DATA, load_rules

from .conftest import post_form

pytestmark = pytest.mark.all_backends

NASTY = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\r", "\n", "\r\n", "\x1b[2J", "\x1b]0;x\x07",
         "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e", "\u202d", "\u2066", "\u200f",
         "\ufeff", "a\u0300", "Hu\u0303", "\ud800", "<script>", "=1+1", "\t", "  "]
TEXT = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12),
                          st.just("Xã Sơn Hồng " * 40)), max_size=8).map("".join)
# Marks that must never be stored or served: C0/C1 controls (but tab, LF, CR in page markup),
# bidirectional embeddings, overrides and isolates.
BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TODAY = dt.date(2024, 3, 31)


def pages(site, op, dist, so):
    """Every page and report these fields show up on, with who may open it."""
    return [(op, "/station/18073/2024-03/"), (op, f"/d/{site.token}/2024-03/"),
            (dist, "/station/18073/2024-03/"), (dist, "/district/436/2024-03/"),
            (so, "/department/2024-03/"), (so, "/department/2024-Q1/coverage"),
            (so, "/department/2024-03/coverage?district=436"), (so, "/department/2024-03/audit.csv"),
            (so, "/department/2024-Q1/audit.html"), (so, "/api/v1/stations/18073/asrun/2024-03"),
            (so, "/api/v1/stations/18073/schedule/2024-03")]


def stored(site) -> list[tuple]:
    with session_scope(site.db_url) as s:
        return [(r.date, r.session, r.segment, r.status, r.reason, r.reported_by, r.reported_at)
                for r in s.scalars(select(AsRun).order_by(AsRun.id))]


class World:
    """The site and its three signed-in clients, with a short repr for hypothesis's reports."""

    def __init__(self, site, clients):
        self.site, self.clients = site, clients

    def __repr__(self) -> str:
        return "World()"


@pytest.fixture
def world(site, as_user):
    with session_scope(site.db_url) as s:
        load_rules(s, DATA / "ha_tinh_2024_rules.toml")
    return World(site, (as_user("op18073"), as_user("d436"), as_user("so")))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=TEXT)
def test_random_text_in_every_field_renders_everywhere(world, text):
    site, (op, dist, so) = world.site, world.clients
    # 1. a report's reason, through the form: refused whole, or stored cleaned
    # (sent as bytes: a lone surrogate is what a raw client, not a browser, can send as UTF-8)
    sent = text.encode("utf-8", "surrogatepass")
    before = stored(site)
    r = post_form(op, "/station/18073/2024-03/asrun", {"date": "2024-03-01", "session": "sáng",
                                                        "status": "missed", "reason": sent})
    if r.status_code == 400:
        assert stored(site) == before  # nothing changed on a refusal
    else:
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        assert 0 < len(stored(site)[0][4]) <= 300
    if "\ud800" not in text and not clean_text(text[:400]):
        assert r.status_code == 400  # a miss without a reason is refused
    # 2. a link's label (form), 3. names and titles as any writer stores them (the Line type)
    assert post_form(dist, "/station/18073/links", {"label": sent}).status_code == 200
    with session_scope(site.db_url) as s:
        s.execute(update(Station).where(Station.code == "18073").values(name=text[:200] or "x"))
        s.execute(update(Segment).where(Segment.slug == "guide-birth").values(title=text[:300]))
        s.execute(update(User).where(User.username == "d436").values(display_name=text[:200]))
        for value in [*s.scalars(select(AsRun.reason)), *s.scalars(select(DownloadToken.label)),
                      *s.scalars(select(Station.name)), *s.scalars(select(Segment.title)),
                      *s.scalars(select(User.display_name))]:
            assert not BAD.search(value) and "\n" not in value and "\r" not in value, repr(value)
            assert unicodedata.is_normalized("NFC", value), repr(value)
        name = s.scalar(select(Station.name).where(Station.code == "18073"))
        title = s.scalar(select(Segment.title).where(Segment.slug == "guide-birth"))
    # every page and report renders, and serves no control or direction mark
    for client, url in pages(site, op, dist, so):
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        assert not BAD.search(resp.get_data(as_text=True)), url
    rows = list(csv.reader(io.StringIO(so.get("/department/2024-03/audit.csv").get_data(
        as_text=True).lstrip("\ufeff"))))
    assert len({len(row) for row in rows}) == 1  # no name broke a row
    for period in ("2024-03", "2024-Q1"):
        load_workbook(io.BytesIO(so.get(f"/department/{period}/audit.xlsx").data))
    # the bundle's text files: one playlist entry, one CSV row, one event per airing
    airing = playout.Airing(dt.date(2024, 3, 1), dt.time(5, 30), "sáng", "2024-03-01/sang.mp3",
                            "0" * 64, 90.0, [title or "x"])
    assert len(playout.schedule_csv([airing]).splitlines()) == 2
    assert playout.schedule_ics([airing], "18073", name, "2024-03").count("BEGIN:VEVENT") == 1
    extinf = _title(StationInfo(1, "18073", name, "436", "42"),
                    AiringAudio(dt.date(2024, 3, 1), "sáng", "05:30", 600, (), None), "vi")
    assert "\n" not in extinf and "\r" not in extinf and not BAD.search(extinf)
