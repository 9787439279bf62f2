"""The station's page on a 390x844 phone in a real headless Chromium: nothing wider than the
screen, every control reachable and at least 44 px tall, a recorded miss shown as missed with its
reason, and still so after another session is saved; the save's answer is where the thumb is."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from . import browser
from .test_browser import by_id, chrome, click_and_load, live, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not browser.available(), reason="needs Debian's chromium and "
                                 "chromium-driver (scripts/setup.sh --test installs them)")]

# Every element and form control: its box within the viewport (a small tolerance for borders).
OVERFLOW = """
const w = window.innerWidth;
const wide = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > w + 0.5 || r.left < -0.5) wide.push(el.tagName + '#' + el.id + '.' + el.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
}
return {scroll: document.documentElement.scrollWidth, inner: w, wide: wide.slice(0, 10)};
"""
SMALL = """
const out = [];
for (const el of document.querySelectorAll('#asrun button, #asrun select, #asrun input:not([type=hidden]), #download, .months a')) {
  const r = el.getBoundingClientRect();
  if (r.width && r.height < 43.5) out.push(el.tagName + ' ' + (el.name || el.id || el.textContent.trim()) + ' ' + r.height);
}
return out;
"""


def fits(driver):
    got = driver.execute_script(OVERFLOW)
    assert got["scroll"] <= got["inner"] and not got["wide"], got
    assert driver.execute_script(SMALL) == []


def row(driver, anchor):
    return driver.find_element(By.ID, anchor)


def report(driver, anchor, status, reason=""):
    r = row(driver, anchor)
    Select(r.find_element(By.NAME, "status")).select_by_value(status)
    box = r.find_element(By.NAME, "reason")
    box.clear()
    box.send_keys(reason)
    click_and_load(driver, r.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def test_the_station_page_works_with_a_thumb(live, chrome, site):
    chrome.set_window_size(390, 844)
    inner = chrome.execute_script("return window.innerWidth")
    assert 380 <= inner <= 390, inner
    # through the download link, as an operator's phone opens it
    chrome.get(f"{live.url}/d/{site.token}/2024-03/")
    fits(chrome)
    miss, other = "r-2024-03-01-0530", "r-2024-03-04-0530"
    report(chrome, miss, "missed", "mất điện do bão")
    assert chrome.current_url.endswith(f"?at={miss}#{miss}")
    saved = row(chrome, miss).find_element(By.CSS_SELECTOR, ".saved")
    assert "Đã lưu: 1 mới" in saved.text
    top = chrome.execute_script("return arguments[0].getBoundingClientRect().top", saved)
    assert 0 <= top <= 844, top  # the answer is on the screen, not at the top of the page
    fits(chrome)
    report(chrome, other, "aired")  # another row saved: the miss stays missed, with its reason
    r = row(chrome, miss)
    assert r.get_attribute("class").split()[-1] == "missed"
    assert "không phát" in r.find_element(By.CSS_SELECTOR, ".rep").text
    assert "mất điện do bão" in r.find_element(By.CSS_SELECTOR, ".reason").text
    assert Select(r.find_element(By.NAME, "status")).first_selected_option.get_attribute(
        "value") == "missed"
    assert r.find_element(By.NAME, "reason").get_attribute("value") == "mất điện do bão"
    fits(chrome)
    # signed in as a district center the same page (with its link form) fits too
    chrome.delete_all_cookies()
    sign_in(chrome, live.url, "d436")
    chrome.get(f"{live.url}/station/18073/2024-03/")
    assert by_id(chrome, "create-link")
    fits(chrome)


def test_a_wide_screen_shows_the_calendar_as_a_table(live, chrome, site):
    chrome.set_window_size(1200, 1000)
    chrome.get(f"{live.url}/d/{site.token}/2024-03/")
    head = chrome.find_element(By.CSS_SELECTOR, "table.calendar thead")
    assert head.is_displayed()
    chrome.set_window_size(390, 844)
    assert not head.is_displayed()
    fits(chrome)
