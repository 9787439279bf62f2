"""Hostile input across the whole site: markup planted in every text a user can set is shown as
text on every page and report; every form that changes something refuses a request without its
CSRF token (routes enumerated from the app, so a new one is covered too) and changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from radio_sched.core.db import session_scope
from radio_sched.core.models import AsRun, Base, Job, ScheduleStation, Segment, Station, Unit, User
from radio_sched.reference.plan_rules import DATA, load_rules

from .conftest import csrf_token, login
from .test_permissions import requests_for

pytestmark = pytest.mark.all_backends

EVIL = '<img src=x onerror="alert(1)" data-evil>'
RAW = re.compile(r"<img[^>]*data-evil")


@pytest.fixture
def planted(site):
    """Markup in every user-set text the pages show: segment titles, station, commune and district
    names, display names, the plan's name and issuer, reasons of shortfalls, reports and jobs."""
    rules = (DATA / "ha_tinh_2024_rules.toml").read_text(encoding="utf-8")
    rules = rules.replace('name = "Kế hoạch', f'name = "{EVIL.replace(chr(34), chr(39))} Kế hoạch')
    rules = rules.replace('issuer = "Sở', f'issuer = "{EVIL.replace(chr(34), chr(39))} Sở')
    with session_scope(site.db_url) as s:
        load_rules(s, text=rules)
        s.execute(update(Segment).values(title=Segment.title + " " + EVIL))
        s.execute(update(Station).values(name=Station.name + " " + EVIL))
        s.execute(update(Unit).values(name=Unit.name + " " + EVIL))
        s.execute(update(User).values(display_name=EVIL))
        for row in s.scalars(select(ScheduleStation)):
            row.shortfalls = [{**sf, "reason": {"vi": EVIL, "en": EVIL}} for sf in row.shortfalls]
        st = s.scalar(select(Station).where(Station.code == "18073"))
        s.add(AsRun(station_id=st.id, date=__import__("datetime").date(2024, 3, 1), session="sáng",
                    segment="", status="missed", reason=EVIL, source="web"))
        s.execute(update(Job).where(Job.id == site.job_id).values(
            status="failed", lock_key=None, message=EVIL,
            result={"params": {}, "error": {"vi": EVIL, "en": EVIL}}))
    return site


def test_markup_is_text_on_every_page_and_report(app, planted):
    client = app.test_client()
    assert login(client, "so").status_code == 302
    pages = [url for _n, method, url, _kw, _a in requests_for(planted) if method == "GET"]
    pages += ["/department/2024-03/", "/coverage/", "/station/18073/2024-03/?lang=en",
              "/department/2024-Q1/audit.html?lang=en"]
    shown = 0
    for url in pages:
        r = client.get(url, follow_redirects=True)
        assert r.status_code in (200, 404), (url, r.status_code)  # 404: a bundle not made
        body = r.get_data(as_text=True) if r.mimetype == "text/html" else ""
        r.close()
        assert not RAW.search(body), url
        shown += "&lt;img src=x onerror=" in body
    assert shown >= 10  # the planted text really is on the pages, escaped


POST_ARGS = {"month": "2024-03", "token_id": 1, "blackout_id": 1, "year": 2024, "template_id": 1,
             "user_id": 1, "segment_id": 1, "level": "district"}


def post_urls(app, site):
    """Every POST route of the app, with arguments that name real things."""
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        args = {k: v for k, v in POST_ARGS.items() if k in rule.arguments}
        if "code" in rule.arguments:
            args["code"] = "436" if "level" in rule.arguments else "18073"
        if "token" in rule.arguments:
            args["token"] = site.token
        out.append((rule.endpoint, rule.rule, rule.build(args, append_unknown=False)[1]))
    return out


def counts(db_url):
    with session_scope(db_url) as s:
        return {t.name: s.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}


def test_every_form_refuses_a_request_without_its_csrf_token(app, site):
    client = app.test_client()
    assert login(client, "so").status_code == 302
    other = app.test_client()  # another user's valid token is no token for this session
    assert login(other, "d436").status_code == 302
    stolen = csrf_token(other)
    before = counts(site.db_url)
    routes = post_urls(app, site)
    assert {e for e, _r, _u in routes} >= {"station.asrun", "planner.plan", "planner.render",
                                           "planner.upload", "planner.add_offair",
                                           "api.asrun_post", "auth.logout"}
    data = {"date": "2024-03-01", "session": "sáng", "status": "aired", "label": "x",
            "target": "district:436", "date_from": "2024-03-20"}
    for endpoint, _rule, url in routes:
        for extra in ({}, {"csrf_token": stolen}, {"csrf_token": "x" * 40}):
            r = client.post(url, data={**data, **extra})
            assert r.status_code == 400, (endpoint, extra, r.status_code)
            text = r.get_data(as_text=True)
            assert ("Biểu mẫu đã hết hạn" in text if endpoint != "api.asrun_post"
                    else "CSRF" in text or "csrf" in text.lower()), (endpoint, text[:200])
    assert counts(site.db_url) == before
    assert client.get("/station/18073/2024-03/").status_code == 200  # still signed in
