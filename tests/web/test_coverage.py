"""The coverage page and audit downloads: per role, per period kind, escaped, within the CSP."""

import base64
import csv
import hashlib
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from radio_sched.reports.asrun import record_asrun
from radio_sched.core.db import session_scope
from radio_sched.core.models import Station
from radio_sched.reference.plan_rules import DATA, load_rules

pytestmark = pytest.mark.all_backends



@pytest.fixture(autouse=True)
def plan_and_reports(site):
    """The 2024 plan rules, one station's reports, and a station name that tries to be HTML."""
    with session_scope(site.db_url) as s:
        load_rules(s, DATA / "ha_tinh_2024_rules.toml")
        record_asrun(s, [{"station": "18073", "date": "2024-03-01", "session": "sáng",
                          "status": "aired"}, {"station": "18073", "date": "2024-03-04",
                                               "session": "sáng", "status": "missed",
                                               "reason": "<script>bão</script>"}],
                     "csv", "t")
        s.execute(update(Station).where(Station.code == "18077")
                  .values(name='Phường <img src=x onerror="alert(1)">'))


def test_department_sees_the_province_by_district(as_user):
    c = as_user("so")
    for period in ("2024-03", "2024-Q1", "2024-H1", "2024"):
        r = c.get(f"/department/{period}/coverage")
        assert r.status_code == 200, period
        html = r.get_data(as_text=True)
        assert 'id="districts"' in html and "Thành phố Hà Tĩnh" in html and "<svg" in html
        assert f"/department/{period}/audit.csv" in html and f"/department/{period}/audit.xlsx" in html
    html = c.get("/department/2024-Q1/coverage").get_data(as_text=True)
    assert "quý I năm 2024" in html and "/department/2024-Q1/coverage?district=440" in html
    en = c.get("/department/2024-Q1/coverage?lang=en").get_data(as_text=True)
    assert "Coverage, first quarter of 2024" in en and "Whole province" in en
    assert ' style="' not in html and "<script" not in html.split("</head>")[1]
    assert c.get("/department/2024-Q1/").status_code == 404  # a month page takes months only
    assert c.get("/department/2024-03/").get_data(as_text=True).count("/department/2024-03/coverage") == 1


def test_a_district_center_gets_its_district_only(as_user):
    c = as_user("d436")
    r = c.get("/department/2024-Q1/coverage?district=436")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'id="communes"' in html and "Phường Nam Hà" in html and "Xã Sơn Hồng" not in html
    assert '&lt;img src=x onerror=&#34;alert(1)&#34;&gt;' in html and "<img src=x" not in html
    assert c.get("/department/2024-Q1/coverage?district=440").status_code == 403
    assert c.get("/department/2024-Q1/coverage").status_code == 403
    assert c.get("/department/2024-Q1/audit.csv").status_code == 403
    assert c.get("/department/2024-Q1/audit.csv?district=440").status_code == 403
    assert c.get("/coverage/").headers["Location"].endswith("district=436")
    csv_text = c.get("/department/2024-Q1/audit.csv?district=436").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text.removeprefix("\ufeff"))))
    assert rows and {r["station"] for r in rows} == {"18073", "18077"} and "period" in rows[0]
    missed = [r for r in rows if r["station"] == "18073" and int(r["missed"])]
    assert missed and "<script>bão</script>" in missed[0]["reason"]  # data, in a CSV cell


def test_downloads_are_what_they_say(as_user):
    c = as_user("so")
    r = c.get("/department/2024-03/audit.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"].startswith('attachment; filename="radio-sched_audit_2024-03.csv"')
    assert r.get_data(as_text=True).startswith("\ufeffperiod,district,station,rule,segment,required,"
                                               "planned,aired,shortfall,reason")  # Excel needs the BOM
    x = c.get("/department/2024-H1/audit.xlsx?district=440")
    assert x.status_code == 200 and "radio-sched_audit_2024-H1_440.xlsx" in x.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(x.get_data()))
    stations = {row[2] for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert stations == {"18202", "18205"}
    h = c.get("/department/2024/audit.html")
    assert h.status_code == 200 and h.mimetype == "text/html"
    body = h.get_data(as_text=True)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body and "năm 2024" in body
    style = re.search(r"<style>(.*?)</style>", body, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    csp = h.headers["Content-Security-Policy"]
    assert f"style-src 'sha256-{digest}'" in csp and csp.startswith("default-src 'none'")
    assert "&lt;script&gt;bão&lt;/script&gt;" in body and "<script>" not in body
    for bad in ("/department/2024-13/coverage", "/department/2024-Q5/audit.csv",
                "/department/2024-Q1/audit.pdf", "/department/2024-Q1/coverage?district=99x"):
        assert c.get(bad).status_code == 404, bad


def test_station_operators_and_links_get_no_audit(as_user, app, site):
    op = as_user("op18073")
    assert op.get("/department/2024-Q1/coverage").status_code == 403
    assert op.get("/department/2024-Q1/audit.csv?district=436").status_code == 403
    assert op.get("/coverage/").status_code == 403
    link = app.test_client()
    r = link.get("/department/2024-Q1/audit.csv", headers={"Authorization": f"Bearer {site.token}"})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
