"""Signing in and out, sessions that end, CSRF, language, secret key and security headers."""

import os
import stat

import pytest

from radio_sched.core.db import session_scope
from radio_sched.core.errors import UserError
from radio_sched.access.users import set_active, set_password
from radio_sched.web import create_app

from .conftest import PASSWORD, csrf_token, login, post_form


@pytest.mark.all_backends
def test_sign_in_sends_each_role_home(app, site):
    for user, home in [("so", "/department/"), ("d436", "/district/436/"),
                       ("op18073", "/station/18073/")]:
        c = app.test_client()
        assert c.get("/").headers["Location"] == "/login"
        r = login(c, user)
        assert r.status_code == 302 and r.headers["Location"] == home
        assert c.get("/").headers["Location"] == home


@pytest.mark.all_backends
def test_wrong_password_and_unknown_user_get_the_same_answer(client, site):
    a = login(client, "op18073", "wrong password")
    b = login(client, "nobody", PASSWORD)
    assert a.status_code == b.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in a.get_data(as_text=True)
    assert client.get("/station/18073/2024-03/").status_code == 302


@pytest.mark.all_backends
def test_next_is_followed_only_within_the_site(client, site):
    token = csrf_token(client)
    for target, expect in [("/station/18073/2024-03/", "/station/18073/2024-03/"),
                           ("//evil.example/x", "/station/18073/"),
                           ("https://evil.example/", "/station/18073/"),
                           ("/\\evil.example", "/station/18073/")]:
        r = client.post("/login", data={"username": "op18073", "password": PASSWORD,
                                        "next": target, "csrf_token": token})
        assert r.headers["Location"] == expect, target
        token = csrf_token(client)  # signing in starts a fresh session


@pytest.mark.all_backends
def test_forms_without_csrf_token_are_refused(client, site):
    r = client.post("/login", data={"username": "op18073", "password": PASSWORD})
    assert r.status_code == 400 and "Biểu mẫu đã hết hạn" in r.get_data(as_text=True)
    assert login(client, "op18073").status_code == 302
    r = client.post("/station/18073/2024-03/asrun", data={"date": "2024-03-01", "session": "sáng",
                                                          "status": "aired"})
    assert r.status_code == 400
    r = client.post("/logout")
    assert r.status_code == 400
    assert client.get("/station/18073/2024-03/").status_code == 200  # still signed in
    assert post_form(client, "/logout").status_code == 302
    assert client.get("/station/18073/2024-03/").status_code == 302


@pytest.mark.all_backends
def test_disabling_or_a_new_password_ends_open_sessions(app, site, as_user):
    a, b = as_user("op18073"), as_user("d436")
    with session_scope(site.db_url) as s:
        set_active(s, "op18073", False)
        set_password(s, "d436", "a new password")
    assert a.get("/station/18073/2024-03/").status_code == 302
    assert b.get("/district/436/2024-03/").status_code == 302
    assert login(app.test_client(), "d436", "a new password").status_code == 302


@pytest.mark.all_backends
def test_language_by_query_then_cookie(as_user):
    c = as_user("op18073")
    page = c.get("/station/18073/2024-03/").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Lịch phát sóng trong tháng" in page
    r = c.get("/station/18073/2024-03/?lang=en")
    assert "What airs this month" in r.get_data(as_text=True)
    assert "lang=en" in r.headers["Set-Cookie"]
    assert "What airs this month" in c.get("/station/18073/2024-03/").get_data(as_text=True)
    assert "Lịch phát sóng" in c.get("/station/18073/2024-03/?lang=vi").get_data(as_text=True)
    assert "Lịch phát sóng" in c.get("/station/18073/2024-03/?lang=fr").get_data(as_text=True)


@pytest.mark.all_backends
def test_security_headers_and_cookie_flags(client, site):
    r = login(client, "op18073")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/station/18073/2024-03/")
    h = page.headers
    assert h["X-Frame-Options"] == "DENY" and h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in h["Content-Security-Policy"]
    assert "no-store" in h["Cache-Control"]


def test_secret_key_is_generated_once_beside_the_database(site, tmp_path, monkeypatch):
    monkeypatch.delenv("RADIO_SCHED_SECRET_KEY", raising=False)
    key_file = tmp_path / "test.db.secret-key"
    assert not key_file.exists()
    a = create_app({"DB_URL": site.db_url})
    assert key_file.exists() and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    b = create_app({"DB_URL": site.db_url})
    assert a.secret_key == b.secret_key == key_file.read_text().strip()
    assert len(a.secret_key) == 64
    monkeypatch.setenv("RADIO_SCHED_SECRET_KEY", "x" * 40)
    assert create_app({"DB_URL": site.db_url}).secret_key == "x" * 40


def test_an_empty_database_is_refused_with_a_message(tmp_path):
    with pytest.raises(UserError, match="radio-sched init"):
        create_app({"DB_URL": f"sqlite:///{tmp_path / 'empty.db'}"})


def test_internal_errors_show_no_traceback(site):
    app = create_app({"DB_URL": site.db_url, "TESTING": True, "INTERNAL_ERROR_PAGE": True})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    r = app.test_client().get("/boom")
    body = r.get_data(as_text=True)
    assert r.status_code == 500 and "Máy chủ gặp lỗi" in body
    assert "secret detail" not in body and "Traceback" not in body


def test_behind_an_https_proxy_forms_work_and_links_are_https(site, monkeypatch):
    """With RADIO_SCHED_PROXY_FIX the app trusts the proxy's X-Forwarded-*; over HTTPS the CSRF
    check also wants a same-site Referer, which the Referrer-Policy lets browsers send."""
    monkeypatch.setenv("RADIO_SCHED_PROXY_FIX", "1")
    app = create_app({"DB_URL": site.db_url, "TESTING": True})
    c = app.test_client()
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "radio.hatinh.gov.vn"}
    site_url = "https://radio.hatinh.gov.vn"
    token = csrf_token(c)
    form = {"username": "d436", "password": PASSWORD, "csrf_token": token}
    r = c.post("/login", data=form, headers=proxy)
    assert r.status_code == 400 and "referrer" in r.get_data(as_text=True).lower()
    r = c.post("/login", data=form, headers={**proxy, "Referer": "https://evil.example/login"})
    assert r.status_code == 400
    r = c.post("/login", data=form, headers={**proxy, "Referer": site_url + "/login"})
    assert r.status_code == 302
    r = c.post("/station/18073/links", data={"label": "x", "csrf_token": csrf_token(c)},
               headers={**proxy, "Referer": site_url + "/station/18073/2024-03/"})
    assert r.status_code == 200
    assert f'value="{site_url}/d/' in r.get_data(as_text=True)


@pytest.mark.all_backends
def test_home_pages_open_on_the_newest_planned_month_of_units_gone_since(app, site):
    """A database of the 2024 structure (units ended 2025-06-30): today's month has no station, so
    each home opens on the newest planned month instead of a page that does not exist."""
    import datetime as dt

    from sqlalchemy import update

    from radio_sched.core.models import Station, Unit

    with session_scope(site.db_url) as s:
        for model in (Unit, Station):
            s.execute(update(model).values(valid_until=dt.date(2025, 6, 30)))
    for user, home in [("so", "/department/"), ("d436", "/district/436/"),
                       ("op18073", "/station/18073/")]:
        c = app.test_client()
        login(c, user)
        landing = c.get(home).headers["Location"]
        assert landing == f"{home}2024-03/", (user, landing)
        assert c.get(landing).status_code == 200
