"""Issue 14 on the web, with the test client: strangers (open redirects, replayed cookies, huge
bodies, tokens in logs), pages that broke (impossible periods and codes, a link page opened while
signed in, control characters in an XLSX, drill-down links) and reports that lost data."""

from __future__ import annotations

import io
import logging
import re
import time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from radio_sched.access.users import set_active, set_password
from radio_sched.core.db import session_scope
from radio_sched.core.models import AsRun, AsRunHistory
from radio_sched.reference.plan_rules import DATA, load_rules
from radio_sched.reports.asrun import record_asrun

from .conftest import PASSWORD, csrf_token, login, post_form

pytestmark = pytest.mark.all_backends
PAGE = "/station/18073/2024-03/"


# --- strangers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/\t/evil.com", "/%09/evil.com", "/\n/evil.com", "/\r\n/x",
                                    "//evil.com", "/\\evil.com", "https://evil.com", " /x"])
def test_next_never_leaves_the_site(client, site, target):
    r = client.post("/login", data={"username": "op18073", "password": PASSWORD, "next": target,
                                    "csrf_token": csrf_token(client)})
    assert r.status_code == 302
    location = r.headers["Location"]
    # a path on this site ('/%09/evil.com' is one), never another host, no raw blank or break
    assert location.startswith("/") and not location.startswith("//")
    assert not re.search(r"[\x00-\x20\\\\]", location), location
    r = client.get("/login", query_string={"next": target})
    assert r.status_code == 200 and ("evil.com" not in r.get_data(as_text=True)
                                     or target == "/%09/evil.com")


def test_a_cookie_kept_after_sign_out_opens_nothing(app, site):
    c = app.test_client()
    assert login(c, "op18073").status_code == 302
    saved = c.get_cookie("session").value
    assert post_form(c, "/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", saved)
    assert replay.get(PAGE).status_code == 302  # to the sign-in page, not the station's month
    assert login(app.test_client(), "op18073").status_code == 302  # signing in again works


@pytest.mark.parametrize("end", ["password", "disable"])
def test_a_new_password_or_disabling_ends_every_open_session(app, site, as_user, end):
    c = as_user("d436")
    with session_scope(site.db_url) as s:
        if end == "password":
            set_password(s, "d436", "một mật khẩu mới dài")
        else:
            set_active(s, "d436", False)
    assert c.get("/district/436/2024-03/").status_code == 302


def test_a_20_mb_as_run_file_is_refused_before_it_is_read(app, as_user, site):
    c = as_user("op18073")
    big = b"station,date,session,status\n" + b"18073,2024-03-01,s\xc3\xa1ng,aired\n" * 700_000
    body = (b"--B\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            + csrf_token(c).encode() + b"\r\n--B\r\nContent-Disposition: form-data; "
            b"name=\"file\"; filename=\"asrun.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            + big + b"\r\n--B--\r\n")
    assert len(body) > 20_000_000
    t = time.perf_counter()
    r = c.post(PAGE + "asrun", data=body, content_type="multipart/form-data; boundary=B")
    took = time.perf_counter() - t
    assert r.status_code == 413 and "Tệp tải lên lớn hơn 1 MB." in r.get_data(as_text=True)
    assert took < 3, took
    r = c.post("/api/v1/asrun", data=big, content_type="text/csv",
               headers={"X-CSRFToken": csrf_token(c)})
    assert r.status_code == 413
    with session_scope(site.db_url) as s:
        assert s.scalar(select(func.count(AsRun.id))) == 0


def test_more_rows_than_the_cap_are_refused_with_a_message(app, as_user, site):
    from radio_sched.core.config import WebSettings
    from radio_sched.web import create_app

    small = create_app({"DB_URL": site.db_url, "TESTING": True, "SECRET_KEY": "k" * 40,
                        "WEB": WebSettings(max_asrun_rows=3)})
    c = small.test_client()
    login(c, "op18073")
    csv = b"station,date,session,status\n" + b"18073,2024-03-01,s\xc3\xa1ng,aired\n" * 5
    r = post_form(c, PAGE + "asrun", {"file": (io.BytesIO(csv), "asrun.csv")},
                  content_type="multipart/form-data")
    assert r.status_code == 400 and "nhiều hơn 3 dòng" in r.get_data(as_text=True)


def test_form_fields_are_held_to_the_form_limit(as_user):
    c = as_user("d436")
    r = post_form(c, "/station/18073/links", {"label": "x" * 600_000})
    assert r.status_code == 413


def test_download_tokens_are_cut_from_the_access_log(app, site, caplog):
    from radio_sched.web.proxies import RedactTokens

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '%s - - "GET /d/%s/2024-03/bundle HTTP/1.1" 200 -',
                               ("10.0.0.1", site.token), None)
    RedactTokens().filter(record)
    line = record.getMessage()
    assert site.token not in line and f"/d/{site.token[:4]}…/2024-03/bundle" in line
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("werkzeug").filters)
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("gunicorn.access").filters)


def test_common_and_trivial_passwords_are_refused_in_both_languages(tiny):
    from radio_sched.access.passwords import password_problem

    for bad in ("12345678", " " * 8, "aaaaaaaaaa", "abababab", "password2024!", "matkhau123",
                "qwertyuiop", "87654321", "op18073-pw", "Op18073xx"):
        problem = password_problem(bad, "op18073")
        assert problem is not None, bad
        assert problem.render("vi") != problem.render("en")
    assert password_problem("ba con mèo nhỏ", "op18073") is None


# --- pages that broke ------------------------------------------------------------------------------

BAD_MONTHS = ["0000-01", "9999-12", "1999-12", "2100-01", "²⁰²⁴-03", "2024-13"]
BAD_PERIODS = BAD_MONTHS + ["0000-H1", "9999-Q4", "9999", "0000"]


def test_impossible_periods_and_codes_answer_404(as_user, client, site):
    so = as_user("so")
    for m in BAD_MONTHS:
        for url in (f"/station/18073/{m}/", f"/station/18073/{m}/bundle",
                    f"/district/436/{m}/", f"/department/{m}/", f"/d/{site.token}/{m}/",
                    f"/api/v1/stations/18073/schedule/{m}", f"/api/v1/stations?month={m}",
                    f"/api/v1/stations/18073/asrun/{m}"):
            assert so.get(url).status_code == 404, url
    for p in BAD_PERIODS:
        for url in (f"/department/{p}/coverage", f"/department/{p}/audit.xlsx"):
            assert so.get(url).status_code == 404, url
    for code in ("²", "١٢", "18073²", "0" * 13):
        for url in (f"/station/{code}/2024-03/", f"/station/{code}/", f"/district/{code}/2024-03/",
                    f"/department/2024-03/coverage?district={code}"):
            assert so.get(url).status_code == 404, url
    assert client.get(f"/d/{site.token}/0000-01/").status_code == 404


@pytest.mark.parametrize("who", ["d436", "so", "op18202"])
def test_a_signed_in_user_opens_a_station_link_page(as_user, site, who):
    c = as_user(who)
    r = c.get(f"/d/{site.token}/2024-03/")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "Phường Nam Hà" in page and "Tạo đường dẫn" not in page  # the link's page, no more


def test_control_characters_in_a_reason_never_break_the_xlsx(as_user, site):
    from sqlalchemy import update

    with session_scope(site.db_url) as s:
        load_rules(s, DATA / "ha_tinh_2024_rules.toml")
    c = as_user("op18073")
    r = post_form(c, PAGE + "asrun", {"date": "2024-03-04", "session": "sáng", "status": "missed",
                                      "reason": "mất\x00 điện\x0b\x1b[31m\u202e"})
    assert r.status_code == 302
    with session_scope(site.db_url) as s:
        assert s.scalar(select(AsRun.reason)) == "mất điện [31m"
        # and a value stored before the cleaning existed (an old database) still exports
        s.execute(text("UPDATE asrun SET reason = :r"), {"r": "cũ\x0b\x1b[2J\x07"})
        s.execute(update(AsRun).values(status="missed"))
    so = as_user("so")
    for period in ("2024-03", "2024-Q1", "2024"):
        for query in ("", "?district=436"):
            r = so.get(f"/department/{period}/audit.xlsx{query}")
            assert r.status_code == 200, (period, query)
            load_workbook(io.BytesIO(r.data))


def test_drill_down_links_go_to_a_planned_month(as_user, site):
    with session_scope(site.db_url) as s:
        load_rules(s, DATA / "ha_tinh_2024_rules.toml")
    so = as_user("so")
    for period in ("2024-Q1", "2024-H1", "2024", "2024-03"):
        page = so.get(f"/department/{period}/coverage?district=436").get_data(as_text=True)
        assert 'href="/station/18073/2024-03/"' in page, period
        assert "/station/18073/2024-Q" not in page and "/station/18073/2024-12/" not in page
        assert so.get("/station/18073/2024-03/").status_code == 200


# --- data lost ----------------------------------------------------------------------------------------

def test_a_recorded_miss_survives_a_save_of_another_row(as_user, site):
    c = as_user("op18073")
    post_form(c, PAGE + "asrun", {"date": "2024-03-01", "session": "sáng", "status": "missed",
                                  "reason": "mất điện", "at": "r-2024-03-01-0530"})
    page = c.get(PAGE).get_data(as_text=True)
    row = page[page.index('id="r-2024-03-01-0530"'):]
    row = row[:row.index("</li>")]
    assert '<option value="missed" selected>' in row and 'value="mất điện"' in row
    post_form(c, PAGE + "asrun", {"date": "2024-03-04", "session": "sáng", "status": "aired",
                                  "at": "r-2024-03-04-0530"})
    # the miss's own form, sent back as the page shows it, changes nothing
    post_form(c, PAGE + "asrun", {"date": "2024-03-01", "session": "sáng", "status": "missed",
                                  "reason": "mất điện", "at": "r-2024-03-01-0530"})
    with session_scope(site.db_url) as s:
        got = {(r.date.day, r.status, r.reason) for r in s.scalars(select(AsRun))}
        assert got == {(1, "missed", "mất điện"), (4, "aired", "")}
        assert s.scalar(select(func.count(AsRunHistory.id))) == 0


def test_a_miss_needs_a_reason_and_a_replaced_report_keeps_its_history(as_user, site):
    c = as_user("op18073")
    r = post_form(c, PAGE + "asrun", {"date": "2024-03-01", "session": "sáng", "status": "missed",
                                      "reason": "  ", "at": "r-2024-03-01-0530"})
    assert r.status_code == 400 and "buổi không phát cần ghi lý do" in r.get_data(as_text=True)
    post_form(c, PAGE + "asrun", {"date": "2024-03-01", "session": "sáng", "status": "missed",
                                  "reason": "mất điện"})
    so = as_user("so")  # the Department overwrites the station's report: a trace is kept
    post_form(so, PAGE + "asrun", {"date": "2024-03-01", "session": "sáng", "status": "aired"})
    with session_scope(site.db_url) as s:
        now = s.scalar(select(AsRun))
        old = s.scalars(select(AsRunHistory)).all()
        assert (now.status, now.reported_by) == ("aired", "so")
        assert [(h.status, h.reason, h.reported_by, h.replaced_by) for h in old] == [
            ("missed", "mất điện", "op18073", "so")]
    page = c.get(PAGE).get_data(as_text=True)
    assert "Báo cáo trước đó (1)" in page and "ghi bởi so" in page
