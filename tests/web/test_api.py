"""The JSON API: tokens for IP speaker systems, cookies with CSRF for browsers, clear errors."""

import hashlib

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import session_scope
from radio_sched.core.models import AsRun

from .conftest import csrf_token

pytestmark = pytest.mark.all_backends


def bearer(site):
    return {"Authorization": f"Bearer {site.token}"}


def count_asrun(site):
    with session_scope(site.db_url) as s:
        return s.scalar(select(func.count(AsRun.id)))


def test_a_speaker_system_pulls_with_its_token(client, site):
    h = bearer(site)
    assert client.get("/api/v1/me", headers=h).get_json() == {
        "kind": "link", "station": "18073", "name": "Phường Nam Hà"}
    assert [s["station"] for s in client.get("/api/v1/stations", headers=h).get_json()] == ["18073"]
    doc = client.get("/api/v1/stations/18073/schedule/2024-03", headers=h).get_json()
    assert doc["format"] == "radio-sched.schedule/1" and doc["month"] == "2024-03"
    assert doc["status"] == "complete" and doc["version"] == 1
    st = doc["stations"][0]
    assert (st["station"], st["name"], st["district"]) == ("18073", "Phường Nam Hà", "436")
    first = st["airings"][0]
    assert (first["date"], first["session"], first["start"], first["capacity_s"]) == (
        "2024-03-01", "sáng", "05:30", 600)
    assert [i["segment"] for i in first["items"]] == ["ep-436-1", "guide-birth", "model-18073"]
    assert first["items"][0]["duration_s"] == 300.0 and len(first["items"][0]["sha256"]) == 64
    bundles = client.get("/api/v1/stations/18073/bundles", headers=h).get_json()
    sha = site.bundles["18073"][0]
    assert bundles == [{"month": "2024-03", "version": 1, "sha256": sha,
                        "size": site.bundles["18073"][1],
                        "url": "/api/v1/stations/18073/bundles/2024-03"}]
    with client.get(bundles[0]["url"], headers=h) as r:
        assert r.status_code == 200 and hashlib.sha256(r.data).hexdigest() == sha


def test_shortfall_reasons_follow_the_language(as_user):
    c = as_user("d440")
    doc = c.get("/api/v1/stations/18202/schedule/2024-03?lang=en").get_json()
    assert doc["status"] == "shortfalls"
    assert doc["stations"][0]["shortfalls"][0]["reason"] == "the commune sent no item"
    r = c.get("/api/v1/stations/18202/schedule/2024-05?lang=vi")  # the cookie kept 'en'
    assert r.status_code == 404 and r.get_json()["error"] == "đài 18202 chưa có lịch tháng 2024-05"


def test_report_as_json_then_as_csv(client, site):
    h = bearer(site)
    r = client.post("/api/v1/asrun", headers=h, json={"reports": [
        {"station": 18073, "date": "2024-03-01", "session": "sáng", "status": "aired"},
        {"station": "18073", "date": "2024-03-04", "session": "sáng", "status": "missed",
         "reason": "mất điện"}]})
    assert r.status_code == 201 and r.get_json() == {"added": 2, "replaced": 0}
    r = client.post("/api/v1/asrun", headers={**h, "Content-Type": "text/csv"},
                    data="station,date,session,status\n18073,2024-03-04,sáng,partial\n".encode())
    assert r.status_code == 201 and r.get_json() == {"added": 0, "replaced": 1}
    got = client.get("/api/v1/stations/18073/asrun/2024-03", headers=h).get_json()
    assert [(x["date"], x["status"], x["source"]) for x in got] == [
        ("2024-03-01", "aired", "api"), ("2024-03-04", "partial", "api")]


def test_bad_reports_get_every_error_located(client, site):
    r = client.post("/api/v1/asrun?lang=en", headers=bearer(site), json=[
        {"station": "18073", "date": "2024-03-01", "session": "sáng", "status": "aired"},
        {"station": "18073", "date": "2024-03-01", "session": "tối", "status": "aired"},
        {"station": "18202", "date": "2024-03-01", "session": "sáng", "status": "aired"}])
    body = r.get_json()
    assert r.status_code == 400 and "2 error(s); nothing was imported" in body["error"]
    assert [(e["line"], e["column"]) for e in body["errors"]] == [(2, "session"), (3, "station")]
    assert body["errors"][1]["problem"] == "you may not report for station 18202"
    assert count_asrun(site) == 0
    for junk in ({"reports": "x"}, [1, 2], "not json"):
        r = client.post("/api/v1/asrun?lang=vi", headers=bearer(site), json=junk)
        assert r.status_code == 400 and "cần JSON: một danh sách báo cáo" in r.get_json()["error"]
    many = [{"station": "18073", "date": "2024-03-01", "session": "sáng", "status": "aired"}] * 5001
    r = client.post("/api/v1/asrun", headers=bearer(site), json=many)
    assert r.status_code == 400 and "tối đa 5000 báo cáo" in r.get_json()["error"]
    assert client.post("/api/v1/asrun", headers=bearer(site), json=[]).status_code == 400


def test_browser_writes_need_the_csrf_header(as_user, site):
    c = as_user("op18073")
    report = [{"station": "18073", "date": "2024-03-01", "session": "sáng", "status": "aired"}]
    r = c.post("/api/v1/asrun", json=report)
    assert r.status_code == 400 and "Biểu mẫu đã hết hạn" in r.get_json()["error"]
    assert count_asrun(site) == 0
    r = c.post("/api/v1/asrun", json=report, headers={"X-CSRFToken": csrf_token(c)})
    assert r.status_code == 201


def test_no_credentials_or_a_bad_token(client, site):
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert r.get_json()["error"] == "Hãy đăng nhập trước."
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    r = client.get("/api/v1/me", headers={"Authorization": f"Basic {site.token}"})
    assert r.status_code == 401
