"""In a real headless Chromium: the coverage page's chart draws under the site's CSP, and the
printable report's stylesheet is allowed by its hash (so it prints as designed)."""

from __future__ import annotations

import pytest

from radio_sched.core.db import session_scope
from radio_sched.reference.plan_rules import DATA, load_rules

from . import browser
from .test_browser import by_id, chrome, click_and_load, live, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not browser.available(), reason="needs Debian's chromium and "
                                 "chromium-driver (scripts/setup.sh --test installs them)")]


def test_coverage_page_chart_and_printable_report(live, chrome, site):
    from selenium.webdriver.common.by import By

    with session_scope(site.db_url) as s:
        load_rules(s, DATA / "ha_tinh_2024_rules.toml")
    base = live.url
    sign_in(chrome, base, "so")
    chrome.get(base + "/department/2024-03/")
    click_and_load(chrome, by_id(chrome, "coverage"))
    assert chrome.current_url.endswith("/department/2024-03/coverage")
    cells = chrome.find_elements(By.CSS_SELECTOR, "#chart svg rect")
    assert len(cells) >= 4 * 1 + 5  # 3 districts and the province for one month, and the legend
    box = chrome.find_element(By.CSS_SELECTOR, "#chart svg").rect
    assert box["width"] > 300 and box["height"] > 100  # drawn, not blocked
    rows = chrome.find_elements(By.CSS_SELECTOR, "#districts tbody tr")
    assert [r.text.split(" ")[0] for r in rows][:1] == ["Thành"]
    click_and_load(chrome, chrome.find_element(By.LINK_TEXT, "Huyện Hương Sơn"))
    assert "Xã Sơn Hồng" in by_id(chrome, "communes").text
    chrome.get(base + "/department/2024-Q1/audit.html")
    font = chrome.execute_script("return getComputedStyle(document.body).fontFamily")
    size = chrome.execute_script("return getComputedStyle(document.documentElement).fontSize")
    assert "Times New Roman" in font and size == "17.3333px"  # 13pt: the embedded style applied
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in chrome.find_element(By.TAG_NAME, "body").text
