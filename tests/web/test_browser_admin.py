"""In a real headless Chromium at a phone's width (390 px): the Department signs in and opens every
administration page; none raises a script error or scrolls sideways."""

from __future__ import annotations

import pytest

from radio_sched.core.db import session_scope
from radio_sched.reference.plan_rules import load_rules, preset_rules_text
from radio_sched.reference.session_templates import import_sessions

from . import browser
from .test_browser import by_id, chrome, click_and_load, live, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not browser.available(), reason="needs Debian's chromium and "
                                 "chromium-driver (scripts/setup.sh --test installs them)")]

# Collects the page's uncaught errors and rejected promises from before its own scripts run.
CATCH = """window.__errors = [];
addEventListener('error', e => window.__errors.push(String(e.message || e.type)));
addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));"""


def test_every_admin_page_on_a_phone(live, chrome, site):
    with session_scope(site.db_url) as s:
        load_rules(s, text=preset_rules_text("ha_tinh_2024_rules.toml"))
        import_sessions(s, "scope,session,start,weekdays,capacity_s\n"
                           "province,sáng,05:30,daily,600\n"
                           "commune:18301,chiều,17:00,mon-fri,450\n".encode())
    chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    chrome.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH})
    sign_in(chrome, live.url, "so")
    click_and_load(chrome, by_id(chrome, "admin"))  # reached from the Department's page
    assert chrome.current_url.endswith("/admin/")
    pages = ["/admin/", "/admin/rules/?year=2024", "/admin/sessions/?edit=1",
             "/admin/offair/?year=2024", "/admin/accounts/",
             "/admin/accounts/links?month=2024-03&station=18073",
             "/admin/segments/"]
    for path in pages:
        chrome.get(live.url + path)
        assert chrome.execute_script("return document.readyState") == "complete"
        assert chrome.execute_script("return innerWidth") == 390
        wide = chrome.execute_script("return document.documentElement.scrollWidth")
        assert wide <= 390, (path, wide)
        assert chrome.execute_script("return window.__errors") == [], path
        assert chrome.find_element("tag name", "h1").text, path
    # a form works from the phone: the holidays of 2024
    chrome.get(live.url + "/admin/offair/?year=2024")
    click_and_load(chrome, by_id(chrome, "holidays-add"))
    assert "Tết" in by_id(chrome, "offair").text
    assert chrome.execute_script("return document.documentElement.scrollWidth") <= 390
    # and in English, on request
    chrome.get(live.url + "/admin/rules/?year=2024&lang=en")
    assert "each one 1–2 times within 7 days of its release" in by_id(chrome, "obligations").text
    assert chrome.execute_script("return document.documentElement.scrollWidth") <= 390
    assert chrome.execute_script("return window.__errors") == []
