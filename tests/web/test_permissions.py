"""The permission matrix: every role against every scope's pages, files and API calls."""

import hashlib

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import session_scope
from radio_sched.core.models import AsRun, Blackout, DownloadToken
from radio_sched.reference.plan_rules import DATA, load_rules

from .conftest import csrf_token, login

pytestmark = pytest.mark.all_backends

STATIONS = {"18073": "436", "18202": "440"}
# who may see what: written out by hand, not computed with the code under test
SEES_STATION = {"so": {"18073", "18202"}, "d436": {"18073"}, "d440": {"18202"},
                "op18073": {"18073"}, "op18202": {"18202"}, "link18073": {"18073"}, "anon": set()}
ISSUES_LINKS = {"so": {"18073", "18202"}, "d436": {"18073"}, "d440": {"18202"}}
MANAGES_DISTRICT = {"so": {"436", "440"}, "d436": {"436"}, "d440": {"440"}}
SEES_DEPARTMENT = {"so"}


def requests_for(site):
    """(name, method, url, kwargs, audience) where audience is station code, district, or a tag."""
    out = []
    for st, district in STATIONS.items():
        form = {"date": "2024-03-01", "session": "sáng", "status": "aired"}
        out += [
            ("page", "GET", f"/station/{st}/2024-03/", {}, ("station", st)),
            ("bundle", "GET", f"/station/{st}/2024-03/bundle", {}, ("station", st)),
            ("asrun form", "POST", f"/station/{st}/2024-03/asrun", {"form": form}, ("station", st)),
            ("make link", "POST", f"/station/{st}/links", {"form": {"label": "x"}}, ("links", st)),
            ("api schedule", "GET", f"/api/v1/stations/{st}/schedule/2024-03", {}, ("station", st)),
            ("api bundles", "GET", f"/api/v1/stations/{st}/bundles", {}, ("station", st)),
            ("api bundle", "GET", f"/api/v1/stations/{st}/bundles/2024-03", {}, ("station", st)),
            ("api asrun list", "GET", f"/api/v1/stations/{st}/asrun/2024-03", {}, ("station", st)),
            ("api asrun", "POST", "/api/v1/asrun", {"json": [{**form, "station": st}]},
             ("station", st)),
            ("district", "GET", f"/district/{district}/2024-03/", {}, ("district", district)),
            ("off-air", "POST", f"/district/{district}/2024-03/offair",
             {"form": {"target": f"district:{district}", "date_from": "2024-03-20"}},
             ("district", district)),
            ("coverage", "GET", f"/department/2024-Q1/coverage?district={district}", {},
             ("district", district)),
            ("audit csv", "GET", f"/department/2024-03/audit.csv?district={district}", {},
             ("district", district)),
            ("audit xlsx", "GET", f"/department/2024-H1/audit.xlsx?district={district}", {},
             ("district", district)),
            ("audit html", "GET", f"/department/2024/audit.html?district={district}", {},
             ("district", district)),
        ]
    out += [("department", "GET", "/department/2024-03/", {}, ("department", None)),
            ("province coverage", "GET", "/department/2024-03/coverage", {}, ("department", None)),
            ("province audit", "GET", "/department/2024-Q1/audit.html", {}, ("department", None)),
            ("job page", "GET", f"/jobs/{site.job_id}", {}, ("district", "436")),
            ("api job", "GET", f"/api/v1/jobs/{site.job_id}", {}, ("district", "436"))]
    return out


def allowed(principal, audience):
    kind, key = audience
    if kind == "station":
        return key in SEES_STATION[principal]
    if kind == "links":
        return key in ISSUES_LINKS.get(principal, set())
    if kind == "district":
        return key in MANAGES_DISTRICT.get(principal, set())
    return principal in SEES_DEPARTMENT


@pytest.fixture
def plan_rules(site):
    """The audit pages need the year's plan rules."""
    with session_scope(site.db_url) as s:
        load_rules(s, DATA / "ha_tinh_2024_rules.toml")


@pytest.mark.parametrize("principal", list(SEES_STATION))
def test_permission_matrix(app, site, plan_rules, principal):
    client = app.test_client()
    headers = {}
    if principal == "link18073":
        headers["Authorization"] = f"Bearer {site.token}"
    elif principal != "anon":
        assert login(client, principal).status_code == 302
    seen = []
    for name, method, url, kw, audience in requests_for(site):
        api = url.startswith("/api/")
        h = dict(headers)
        send = {}
        if method == "POST":
            if "form" in kw:
                send["data"] = {**kw["form"], "csrf_token": csrf_token(client)}
            else:
                send["json"] = kw["json"]
                if principal != "link18073":
                    h["X-CSRFToken"] = csrf_token(client)
        r = client.open(url, method=method, headers=h, **send)
        body = r.get_data()
        r.close()
        ok = allowed(principal, audience) and (api or principal != "link18073")
        if ok:
            assert r.status_code in (200, 201, 302), (name, url, r.status_code)
            if r.status_code == 302:
                assert "/login" not in r.headers["Location"], (name, url)
            if name in ("bundle", "api bundle"):
                assert hashlib.sha256(body).hexdigest() == site.bundles[audience[1]][0]
        else:
            refused = {"anon": (302, 401), "link18073": (302, 403)}.get(principal, (403,))
            if name == "api asrun" and principal not in ("anon",):
                refused = (400,)  # checked row by row: 'you may not report for station ...'
            assert r.status_code in refused, (name, url, r.status_code)
            if r.status_code == 302:
                assert r.headers["Location"].startswith("/login"), (name, url)
            if r.status_code == 400:
                assert "không được báo cáo cho đài" in r.get_json()["error"]
            if name in ("bundle", "api bundle"):
                assert site.bundles[audience[1]][2][:1000] not in body
        seen.append((name, audience[1], ok))
    # refused writes stored nothing: count the as-run rows and links that exist
    with session_scope(site.db_url) as s:
        reports = s.scalar(select(func.count(AsRun.id)))
        links = s.scalar(select(func.count(DownloadToken.id)))
        offair = s.scalar(select(func.count(Blackout.id)))
    reportable = {st for st in STATIONS if st in SEES_STATION[principal]}
    assert reports == len(reportable)
    assert links == 1 + len(ISSUES_LINKS.get(principal, set()))
    assert offair == len(MANAGES_DISTRICT.get(principal, set()))
    assert len(seen) == 35


@pytest.mark.parametrize("principal", list(SEES_STATION))
def test_who_may_start_district_work(app, site, principal, tmp_path):
    """Plan, render, re-plan and uploads of each district, by each role. Every district's month and uploads
    are held by a job first, so an allowed request ends at the lock (409), past every permission
    check, and no process starts; a refused one never gets there."""
    import io

    from radio_sched.jobs.locks import claim
    from radio_sched.core.models import Job

    for district in STATIONS.values():
        if district != "436":  # the site already holds 436's March
            claim(site.db_url, "plan", "2024-03", f"district:{district}", created_by="so")
        claim(site.db_url, "segments", None, f"district:{district}", created_by="so")
    with session_scope(site.db_url) as s:
        jobs_before = s.scalar(select(func.count(Job.id)))
    client = app.test_client()
    headers = {}
    if principal == "link18073":
        headers["Authorization"] = f"Bearer {site.token}"
    elif principal != "anon":
        assert login(client, principal).status_code == 302
    for district in sorted(set(STATIONS.values())):
        for action in ("plan", "render", "replan", "segments"):
            data = {"csrf_token": csrf_token(client)}
            if action == "replan":
                data["from"] = "2024-03-20"
            if action == "segments":
                data.update(kind="district_episode", scope=f"district:{district}",
                            files=[(io.BytesIO(b"ID3 any bytes"), "tap.mp3")])
            r = client.post(f"/district/{district}/2024-03/{action}", data=data, headers=headers)
            if district in MANAGES_DISTRICT.get(principal, set()):
                assert r.status_code == 409, (action, district, r.status_code)
                assert "hãy đợi việc đó xong" in r.get_data(as_text=True)
            elif principal in ("anon", "link18073"):
                assert r.status_code == 302 and r.headers["Location"].startswith("/login")
            else:
                assert r.status_code == 403, (action, district, r.status_code)
    with session_scope(site.db_url) as s:
        assert s.scalar(select(func.count(Job.id))) == jobs_before
    uploads = tmp_path / "audio_library" / ".uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []
