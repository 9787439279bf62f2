"""Password guessing: after a few failed sign-ins for one account from one address, or many from
one address, sign-in answers 429 with when to try again, whatever the password; other addresses
and other accounts are not locked out; the window passes."""

from __future__ import annotations

from radio_sched.core.config import WebSettings
from radio_sched.web import auth, create_app

from .conftest import PASSWORD, csrf_token


def attempt(client, user, password, addr="10.0.0.1"):
    return client.post("/login", data={"username": user, "password": password,
                                       "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": addr})


def test_guessing_is_slowed_per_account_and_per_address(site):
    web = WebSettings(login_failures_per_account=3, login_failures_per_address=5,
                      login_window_s=600)
    app = create_app({"DB_URL": site.db_url, "TESTING": True, "WEB": web,
                      "SECRET_KEY": "test-only key, at least 32 characters long"})
    now = [1000.0]
    with app.test_request_context():
        auth._limiter().clock = lambda: now[0]  # the test's clock, to let the window pass
    c = app.test_client()
    for _ in range(3):
        assert attempt(c, "d436", "sai").status_code == 401
    r = attempt(c, "d436", PASSWORD)  # the right password no longer helps from here
    page = r.get_data(as_text=True)
    assert r.status_code == 429 and "Đăng nhập sai quá nhiều lần từ máy này" in page
    assert "thử lại sau 10 phút" in page and r.headers["Retry-After"] == "600"
    assert attempt(c, "d436", PASSWORD, addr="10.0.0.2").status_code == 302  # another address
    c2 = app.test_client()
    assert attempt(c2, "so", PASSWORD).status_code == 302  # another account from the same one
    for user in ("a", "b"):  # 3 + 2 failures from this address in all
        assert attempt(c2, user, "sai").status_code == 401
    assert attempt(c2, "op18073", PASSWORD).status_code == 429  # the address is now limited
    r = attempt(c2, "op18073", PASSWORD, addr="10.0.0.9")
    assert r.status_code == 302
    now[0] += 601  # the window has passed
    assert attempt(c, "d436", PASSWORD).status_code == 302
    r = c.get("/login?lang=en")
    assert "Too many" not in r.get_data(as_text=True)


def test_a_success_clears_the_accounts_failures(site):
    web = WebSettings(login_failures_per_account=3, login_failures_per_address=100)
    app = create_app({"DB_URL": site.db_url, "TESTING": True, "WEB": web,
                      "SECRET_KEY": "test-only key, at least 32 characters long"})
    for _ in range(3):
        c = app.test_client()
        for _ in range(2):
            assert attempt(c, "d436", "sai").status_code == 401
        assert attempt(c, "d436", PASSWORD).status_code == 302  # a typo or two, then in
