"""Password guessing: failures count in the database per account at an address, per account from
anywhere and per address (much higher: a 4G carrier's NAT carries a province's operators); every
worker process sees the same counts, a restart forgets none, and X-Forwarded-For counts only from
a configured proxy."""

from __future__ import annotations

import datetime as dt

import pytest

from radio_sched.core.config import WebSettings
from radio_sched.web import auth, create_app

from .conftest import PASSWORD, csrf_token

pytestmark = pytest.mark.all_backends
KEY = "test-only key, at least 32 characters long"


def attempt(client, user, password, addr="10.0.0.1", headers=None):
    return client.post("/login", data={"username": user, "password": password,
                                       "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": addr}, headers=headers or {})


def worker(site, web, clock=None):
    """One web worker process's app (each has its own memory, as gunicorn's workers do)."""
    app = create_app({"DB_URL": site.db_url, "TESTING": True, "WEB": web, "SECRET_KEY": KEY})
    if clock is not None:
        with app.test_request_context():
            auth._throttle().clock = clock
    return app


def test_guessing_one_account_from_one_address_waits_but_its_neighbours_do_not(site):
    web = WebSettings(login_failures_per_account=3, login_failures_per_user=10,
                      login_failures_per_address=20, login_window_s=600)
    now = [dt.datetime(2024, 3, 1, 8, 0)]
    a, b = worker(site, web, lambda: now[0]), worker(site, web, lambda: now[0])
    c = a.test_client()
    for app in (a, b, a):  # the failures land on two workers: they count together
        assert attempt(app.test_client(), "d436", "sai").status_code == 401
    r = attempt(b.test_client(), "d436", PASSWORD)  # the right password no longer helps from here
    page = r.get_data(as_text=True)
    assert r.status_code == 429 and "Đăng nhập sai quá nhiều lần từ máy này" in page
    assert "thử lại sau 10 phút" in page and r.headers["Retry-After"] == "600"
    # the same carrier address: every other operator still signs in
    for user in ("so", "op18073", "op18202", "d440"):
        assert attempt(a.test_client(), user, PASSWORD).status_code == 302, user
    assert attempt(c, "d436", PASSWORD, addr="10.0.0.2").status_code == 302  # another address
    # a restart (a new app over the same database) forgets nothing
    assert attempt(worker(site, web, lambda: now[0]).test_client(), "d436",
                   PASSWORD).status_code == 429
    now[0] += dt.timedelta(seconds=601)  # the window has passed
    assert attempt(c, "d436", PASSWORD).status_code == 302


def test_one_account_guessed_from_many_addresses_waits(site):
    web = WebSettings(login_failures_per_account=3, login_failures_per_user=6,
                      login_failures_per_address=100)
    app = worker(site, web)
    for n in range(6):
        assert attempt(app.test_client(), "so", "sai", addr=f"10.1.0.{n}").status_code == 401
    assert attempt(app.test_client(), "so", PASSWORD, addr="10.1.9.9").status_code == 429
    assert attempt(app.test_client(), "d436", PASSWORD, addr="10.1.9.9").status_code == 302


def test_many_names_from_one_address_wait_only_at_the_much_higher_limit(site):
    web = WebSettings(login_failures_per_account=3, login_failures_per_user=10,
                      login_failures_per_address=12)
    app = worker(site, web)
    for n in range(11):  # a NAT full of typos
        assert attempt(app.test_client(), f"nobody{n}", "sai").status_code == 401
    assert attempt(app.test_client(), "op18073", PASSWORD).status_code == 302
    assert attempt(app.test_client(), "nobody99", "sai").status_code == 401  # the 12th
    assert attempt(app.test_client(), "op18202", PASSWORD).status_code == 429


def test_a_success_clears_the_accounts_failures_at_that_address(site):
    web = WebSettings(login_failures_per_account=3, login_failures_per_address=100)
    app = worker(site, web)
    for _ in range(3):
        c = app.test_client()
        for _ in range(2):
            assert attempt(c, "d436", "sai").status_code == 401
        assert attempt(c, "d436", PASSWORD).status_code == 302  # a typo or two, then in


def test_forwarded_for_counts_only_from_a_trusted_proxy(site, monkeypatch):
    web = WebSettings(login_failures_per_account=2, login_failures_per_address=100)
    monkeypatch.setenv("RADIO_SCHED_TRUSTED_PROXIES", "10.9.9.9")
    app = worker(site, web)
    for n in range(2):  # a client claims a new address each time: it is still 10.0.0.1
        assert attempt(app.test_client(), "d436", "sai",
                       headers={"X-Forwarded-For": f"1.2.3.{n}"}).status_code == 401
    assert attempt(app.test_client(), "d436", PASSWORD,
                   headers={"X-Forwarded-For": "1.2.3.99"}).status_code == 429
    # through the trusted proxy the forwarded address is the client's
    r = attempt(app.test_client(), "d436", PASSWORD, addr="10.9.9.9",
                headers={"X-Forwarded-For": "1.2.3.4"})
    assert r.status_code == 302
