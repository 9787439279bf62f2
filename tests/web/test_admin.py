"""The Department's administration pages: who may use them, CSRF, and each page's forms doing
what the CLI does (rules with every error at its line, sessions, holidays, accounts, links)."""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import session_scope
from radio_sched.core.models import Blackout, DownloadToken, Plan, SessionTemplate, Station, User
from radio_sched.reference.blackouts import holiday_blackouts
from radio_sched.reference.plan_rules import load_rules, preset_rules_text

from .conftest import PASSWORD, csrf_token, login, post_form

pytestmark = pytest.mark.all_backends

PAGES = ["/admin/", "/admin/rules/", "/admin/sessions/", "/admin/offair/", "/admin/accounts/",
         "/admin/accounts/links", "/admin/segments/"]
FORMS = ["/admin/rules/upload", "/admin/rules/2024/next", "/admin/sessions/",
         "/admin/sessions/1/delete", "/admin/offair/", "/admin/offair/holidays",
         "/admin/offair/1/delete", "/admin/accounts/", "/admin/accounts/1/active",
         "/admin/accounts/1/password", "/admin/accounts/links", "/admin/accounts/links/1/revoke",
         "/admin/segments/1/replace"]

BAD_RULES = """# a plan with mistakes on known lines
[plan]
name = "Kế hoạch thử"
year = 2024

[session]
max_itemz = 3

[[rule]]
id = "a"
kind = "model_citizen"
quota = { per = "fortnight", min = 3, max = 1 }

[[rule]]
id = "a"
kind = "district_episode"
each_segment = { min = 1, within_days = 0 }
min_gap_days = "three"
"""
BAD_LINES = {(7, "session.max_itemz"), (12, "rule[a].quota.per"), (12, "rule[a].quota"),
             (15, "rule[a].id"), (17, "rule[a].each_segment.within_days"),
             (18, "rule[a].min_gap_days")}


def visible(html: str) -> str:
    """What a reader sees of a page: its text, not its tags and attribute values."""
    return re.sub(r"<[^>]+>", " ", html)


def _counts(db_url):
    with session_scope(db_url) as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m))
                for m in (Plan, SessionTemplate, Blackout, User, DownloadToken)}


def test_only_a_department_account_may_use_them(as_user, client, site):
    so = as_user("so")
    for url in PAGES:
        r = so.get(url)
        assert r.status_code == 200, url
        assert "<h1>" in r.get_data(as_text=True)
        assert client.get(url).status_code == 302  # not signed in: the sign-in page first
    before = _counts(site.db_url)
    for name in ("d436", "op18073"):
        c = as_user(name)
        for url in PAGES:
            assert c.get(url).status_code == 403, (name, url)
        for url in FORMS:
            assert post_form(c, url, {"year": "2024", "scope": "province", "session": "x",
                                      "start": "05:00", "days": "mon", "capacity": "60",
                                      "username": "x1", "role": "station",
                                      "active": "0", "station": "18073"}).status_code == 403
    assert _counts(site.db_url) == before
    # a download link grants one station's pages, never these
    assert client.get("/admin/", headers={"Authorization": f"Bearer {site.token}"}
                      ).status_code == 302


def test_every_form_refuses_a_post_without_its_csrf_token(as_user, site):
    so = as_user("so")
    before = _counts(site.db_url)
    for url in FORMS:
        r = so.post(url, data={"year": "2024", "scope": "province", "session": "chiều",
                               "start": "17:00", "days": "mon", "capacity": "60",
                               "username": "new.one", "role": "station", "active": "0"})
        assert r.status_code == 400, url
        assert "CSRF" in r.get_data(as_text=True) or "biểu mẫu" in r.get_data(as_text=True)
    assert _counts(site.db_url) == before


def test_the_rules_page_shows_the_obligations_in_words(as_user, site):
    with session_scope(site.db_url) as s:
        load_rules(s, text=preset_rules_text("ha_tinh_2024_rules.toml"))
    page = as_user("so").get("/admin/rules/?year=2024").get_data(as_text=True)
    for words in ["mỗi số phát 1–2 lần trong 7 ngày kể từ ngày phát hành",
                  "1–2 lần mỗi tháng", "ít nhất 2 lần mỗi tuần", "cách nhau ít nhất 3 ngày",
                  "mỗi buổi nhiều nhất 1 mục", "ưu tiên buổi: sáng", "Chuyên mục CCHC của huyện",
                  "mọi đài xã trong tỉnh", "Mỗi buổi nhiều nhất 3 mục CCHC", "-23 LUFS",
                  "Sở Thông tin và Truyền thông"]:
        assert words in page, words
    assert "district_episode" not in page and "quota" not in page
    english = as_user("so").get("/admin/rules/?year=2024&lang=en").get_data(as_text=True)
    assert "each one 1–2 times within 7 days of its release" in english


def test_a_refused_rules_upload_lists_each_error_at_its_line_and_changes_nothing(as_user, site):
    with session_scope(site.db_url) as s:
        plan, _ = load_rules(s, text=preset_rules_text("ha_tinh_2024_rules.toml"))
        sha = plan.sha256
    before = _counts(site.db_url)
    so = as_user("so")
    r = so.post("/admin/rules/upload", data={"csrf_token": csrf_token(so),
                                              "file": (io.BytesIO(BAD_RULES.encode()), "kế-hoạch.toml")},
                content_type="multipart/form-data")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    rows = re.findall(r'<tr class="rule-error"><td class="line">(\d+)</td><td><code>([^<]*)</code>',
                      page)
    shown = {(int(line), where) for line, where in rows}
    assert set(BAD_LINES) <= shown, shown
    assert all(line for line, _ in shown)  # every error has its line
    assert "fortnight" in page and "không có gì thay đổi" in page
    assert _counts(site.db_url) == before
    with session_scope(site.db_url) as s:
        assert s.scalar(select(Plan.sha256).where(Plan.year == 2024, Plan.active.is_(True))) == sha
    # broken TOML: its line too
    r = so.post("/admin/rules/upload", data={"csrf_token": csrf_token(so),
                                              "file": (io.BytesIO(b"[plan]\nname = \"x\"\nyear = \n"), "x.toml")},
                content_type="multipart/form-data")
    assert r.status_code == 400
    assert re.search(r'<td class="line">3</td>', r.get_data(as_text=True))


def test_upload_download_and_next_years_plan(as_user, site):
    so = as_user("so")
    text = preset_rules_text("ha_tinh_2024_rules.toml")
    r = so.post("/admin/rules/upload", data={"csrf_token": csrf_token(so),
                                              "file": (io.BytesIO(text.encode()), "2024.toml")},
                content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("year=2024")
    got = so.get("/admin/rules/2024.toml")
    assert got.status_code == 200 and got.get_data(as_text=True) == text
    assert "attachment" in got.headers["Content-Disposition"]
    draft = tomllib.loads(so.get("/admin/rules/2024/next.toml").get_data(as_text=True))
    assert draft["plan"]["year"] == 2025 and "2025" in draft["plan"]["name"]
    assert len(draft["rule"]) == len(tomllib.loads(text)["rule"])
    assert post_form(so, "/admin/rules/2024/next").status_code == 302
    with session_scope(site.db_url) as s:
        plan = s.scalar(select(Plan).where(Plan.year == 2025, Plan.active.is_(True)))
        assert plan.name.endswith("năm 2025") and len(plan.rules) == 8
    again = post_form(so, "/admin/rules/2024/next")
    assert again.status_code == 409 and "đã có quy tắc" in again.get_data(as_text=True)
    assert "Quy tắc kế hoạch" in so.get("/admin/rules/?year=2025").get_data(as_text=True)


def test_session_templates_are_added_edited_and_removed_as_the_import_checks(as_user, site):
    so = as_user("so")
    form = {"scope": "district:440", "session": "chiều", "start": "17:00",
            "days": ["mon", "tue", "wed", "thu", "fri"], "capacity": "7:30"}
    assert post_form(so, "/admin/sessions/", form).status_code == 302
    with session_scope(site.db_url) as s:
        t = s.scalar(select(SessionTemplate).where(SessionTemplate.session == "chiều"))
        assert (t.scope, t.start, t.weekdays, t.capacity_s) == ("district:440", "17:00",
                                                                "mon,tue,wed,thu,fri", 450)
        tid = t.id
    page = so.get("/admin/sessions/").get_data(as_text=True)
    assert "Huyện Hương Sơn" in page and "Thứ Hai đến Thứ Sáu" in page and "7:30" in page
    assert "district:" not in visible(page) and "mon," not in visible(page)
    # an edit of the same place and name updates it
    assert post_form(so, "/admin/sessions/", {**form, "days": ["mon", "wed"],
                                              "capacity": "300"}).status_code == 302
    bad = post_form(so, "/admin/sessions/", {**form, "start": "25:00", "capacity": "99999"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "25:00" in text and "HH:MM" in text and "99999" in text
    with session_scope(site.db_url) as s:
        t = s.get(SessionTemplate, tid)
        assert (t.weekdays, t.capacity_s, t.start) == ("mon,wed", 300, "17:00")
    assert "Thứ Hai, Thứ Tư" in so.get("/admin/sessions/").get_data(as_text=True)
    assert post_form(so, f"/admin/sessions/{tid}/delete").status_code == 302
    with session_scope(site.db_url) as s:
        assert s.get(SessionTemplate, tid) is None
    assert post_form(so, f"/admin/sessions/{tid}/delete").status_code == 404


def test_holidays_and_off_air_periods(as_user, site):
    so = as_user("so")
    assert post_form(so, "/admin/offair/holidays", {"year": "2024"}).status_code == 302
    expected = {(h["date_from"], h["reason"]) for h in holiday_blackouts(2024)}
    with session_scope(site.db_url) as s:
        rows = list(s.scalars(select(Blackout)))
        assert {(b.date_from, b.reason) for b in rows} == expected
        assert {(b.scope, b.source) for b in rows} == {("province", "holidays")}
    assert post_form(so, "/admin/offair/holidays", {"year": "2024"}).status_code == 302
    assert _counts(site.db_url)["Blackout"] == len(expected)  # the same days once
    page = so.get("/admin/offair/?year=2024").get_data(as_text=True)
    assert "Toàn tỉnh" in page and "Tết" in page and "ngày lễ" in page
    r = post_form(so, "/admin/offair/?year=2024", {
        "scope": "commune:18202", "date_from": "2024-09-07", "date_to": "2024-09-08",
        "reason": "Bão số 3 <b>mất điện</b>"})
    assert r.status_code == 302
    page = so.get("/admin/offair/?year=2024").get_data(as_text=True)
    assert "Xã Sơn Hồng" in page and "&lt;b&gt;mất điện" in page and "07/09/2024" in page
    bad = post_form(so, "/admin/offair/", {"scope": "province", "date_from": "2024-09-09",
                                           "date_to": "2024-09-01"})
    assert bad.status_code == 400 and "trước khi bắt đầu" in bad.get_data(as_text=True)
    with session_scope(site.db_url) as s:
        storm = s.scalar(select(Blackout).where(Blackout.scope == "commune:18202"))
        storm_id = storm.id
    assert post_form(so, f"/admin/offair/{storm_id}/delete").status_code == 302
    assert _counts(site.db_url)["Blackout"] == len(expected)


def test_accounts_are_added_disabled_enabled_and_reset(app, as_user, site):
    so = as_user("so")
    page = visible(so.get("/admin/accounts/").get_data(as_text=True))
    assert "Phường Nam Hà" in page and "đài xã" in page and "commune:" not in page
    r = post_form(so, "/admin/accounts/", {"username": "hoa.sonhong", "display_name": "Chị Hoa",
                                           "role": "station", "scope": "commune:18202"})
    assert r.status_code == 200
    password = re.search(r'id="new-password" value="([^"]+)"', r.get_data(as_text=True)).group(1)
    assert len(password) >= 16
    assert "Chị Hoa" in so.get("/admin/accounts/").get_data(as_text=True)
    assert login(app.test_client(), "hoa.sonhong", password).status_code == 302
    with session_scope(site.db_url) as s:
        uid = s.scalar(select(User.id).where(User.username == "hoa.sonhong"))
        assert s.get(User, uid).scope == "commune:18202"
    # a role that does not fit the unit, and a short typed password, are refused
    n = _counts(site.db_url)["User"]
    wrong = post_form(so, "/admin/accounts/", {"username": "x2", "role": "district",
                                               "scope": "commune:18202"})
    assert wrong.status_code == 400 and "cấp huyện" in wrong.get_data(as_text=True).lower()
    short = post_form(so, "/admin/accounts/", {"username": "x3", "role": "station",
                                               "scope": "commune:18202", "password": "ngắn"})
    assert short.status_code == 400 and "ít nhất" in short.get_data(as_text=True)
    assert _counts(site.db_url)["User"] == n
    # disabled: no sign-in; enabled again: it works
    assert post_form(so, f"/admin/accounts/{uid}/active", {"active": "0"}).status_code == 302
    assert login(app.test_client(), "hoa.sonhong", password).status_code == 401
    assert post_form(so, f"/admin/accounts/{uid}/active", {"active": "1"}).status_code == 302
    assert login(app.test_client(), "hoa.sonhong", password).status_code == 302
    # a typed password replaces the old one, and is not shown back
    r = post_form(so, f"/admin/accounts/{uid}/password", {"password": "mật khẩu mới dài"})
    assert r.status_code == 200 and 'id="new-password"' not in r.get_data(as_text=True)
    assert login(app.test_client(), "hoa.sonhong", password).status_code == 401
    assert login(app.test_client(), "hoa.sonhong", "mật khẩu mới dài").status_code == 302
    # a made-up one is shown once
    r = post_form(so, f"/admin/accounts/{uid}/password", {"password": ""})
    made = re.search(r'id="new-password" value="([^"]+)"', r.get_data(as_text=True)).group(1)
    assert login(app.test_client(), "hoa.sonhong", made).status_code == 302
    # the Department cannot lock itself out
    with session_scope(site.db_url) as s:
        me = s.scalar(select(User.id).where(User.username == "so"))
    assert post_form(so, f"/admin/accounts/{me}/active", {"active": "0"}).status_code == 400
    assert login(app.test_client(), "so", PASSWORD).status_code == 302


def _limit_station(db_url, code, start, end):
    with session_scope(db_url) as s:
        st = s.scalar(select(Station).where(Station.code == code))
        st.valid_from, st.valid_until = start, end
        st.unit.valid_from, st.unit.valid_until = start, end


def _months_ahead(n: int) -> str:
    today = dt.date.today()
    y, m = divmod(today.year * 12 + today.month - 1 + n, 12)
    return f"{y:04d}-{m + 1:02d}"


def test_links_for_a_past_and_a_future_month_of_a_station(app, as_user, client, site):
    """A station of the 2024 structure exists in no month of now; one that opens later exists
    only in months to come: a link is made for each, in a month it exists."""
    _limit_station(site.db_url, "18202", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    ahead = _months_ahead(3)
    opens = dt.date.fromisoformat(_months_ahead(2) + "-01")
    _limit_station(site.db_url, "18205", opens, dt.date(9999, 12, 31))
    so = as_user("so")
    page = so.get("/admin/accounts/links?month=2024-03").get_data(as_text=True)
    assert "Xã Sơn Hồng" in page
    before = _counts(site.db_url)["DownloadToken"]
    for code, month in (("18202", "2024-03"), ("18205", ahead)):
        r = post_form(so, "/admin/accounts/links", {"station": code, "month": month,
                                                    "label": "chị Hoa"})
        assert r.status_code == 200, (code, month)
        link = re.search(r'id="new-link-url" value="([^"]+)"', r.get_data(as_text=True)).group(1)
        assert f"/{month}/" in link
        token = link.split("/d/")[1].split("/")[0]
        assert client.get(link).status_code == 200
        with session_scope(site.db_url) as s:  # only the hash is kept
            assert s.scalar(select(func.count()).where(DownloadToken.token_sha256 == token)) == 0
        # shown once: the page of the station lists it, without the token
        again = so.get(f"/admin/accounts/links?month={month}&station={code}").get_data(as_text=True)
        assert "chị Hoa" in again and token not in again
    assert _counts(site.db_url)["DownloadToken"] == before + 2
    # a month the station does not exist in: refused, nothing made
    assert post_form(so, "/admin/accounts/links", {"station": "18202",
                                                   "month": ahead}).status_code == 404
    # the station page's own button works for a past month too (it answered 404 before)
    d440 = as_user("d440")
    r = post_form(d440, "/station/18202/2024-03/links", {"label": "x"})
    assert r.status_code == 200 and 'id="new-link-url"' in r.get_data(as_text=True)
    assert post_form(d440, "/station/18202/links", {"label": "x"}).status_code == 404
    assert _counts(site.db_url)["DownloadToken"] == before + 3
    with session_scope(site.db_url) as s:
        tid = s.scalar(select(DownloadToken.id).order_by(DownloadToken.id.desc()).limit(1))
    assert post_form(so, f"/admin/accounts/links/{tid}/revoke?month=2024-03").status_code == 302
    with session_scope(site.db_url) as s:
        assert s.get(DownloadToken, tid).revoked_at is not None


def test_the_segment_library_in_words(as_user, site):
    so = as_user("so")
    page = so.get("/admin/segments/").get_data(as_text=True)
    for words in ["Chuyên mục CCHC huyện số 1", "Chuyên mục CCHC của huyện", "Thành phố Hà Tĩnh",
                  "Toàn tỉnh", "5:00", "1:30", "đã duyệt", "&lt;b&gt;Nam Hà&lt;/b&gt;"]:
        assert words in page, words
    assert "district_episode" not in page.split("<tbody>")[1]
    only = so.get("/admin/segments/?kind=service_guide").get_data(as_text=True)
    assert "Hướng dẫn đăng ký khai sinh" in only and "Chuyên mục CCHC huyện số 1" not in only
    by_place = so.get("/admin/segments/?scope=district:440").get_data(as_text=True)
    assert "Hương Sơn số 1" in by_place and "khai sinh" not in by_place
