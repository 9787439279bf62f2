"""On a 390 px phone in a real headless Chromium: a planner adds an urgent bulletin, follows its
job to the end (the stations with a new bundle named), the station's page then says a new bundle
is there; the station's operator previews and speaks a notice. Nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.common.by import By

from radio_sched.access.tokens import create_token

from . import browser
from .data import station
from .test_browser import (  # noqa: F401 - fixtures
    by_id, chrome, click_and_load, live_work, run_job_from, set_date, sign_in, sign_out
)
from .test_browser_phone import OVERFLOW
from .test_content_jobs import NEXT, WARNING, planned_next_month

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not browser.available(), reason="needs Debian's chromium and "
                                 "chromium-driver (scripts/setup.sh --test installs them)")]


def fits(driver):
    got = driver.execute_script(OVERFLOW)
    assert got["scroll"] <= got["inner"] and not got["wide"], (driver.current_url, got)


def test_an_urgent_bulletin_and_a_notice_from_a_phone(live_work, chrome, tiny, workshop,
                                                      tmp_path):
    from radio_sched.production.voice import EspeakVoice

    planned_next_month(tiny, workshop)
    _row, token = create_token(tiny, station(tiny, "18073"), "điện thoại anh Ba")
    tiny.commit()
    wav = tmp_path / "bão số 3.wav"
    EspeakVoice().speak(WARNING, wav)
    chrome.set_window_size(390, 844)
    assert 380 <= chrome.execute_script("return window.innerWidth") <= 390

    # the planner, on its phone: the month, then its content page
    sign_in(chrome, live_work.url, "d436")
    chrome.get(f"{live_work.url}/district/436/{NEXT.label}/")
    click_and_load(chrome, by_id(chrome, "content-link"))
    assert "Thêm bản tin" in chrome.page_source
    fits(chrome)
    by_id(chrome, "bulletin-file").send_keys(str(wav))
    by_id(chrome, "bulletin-title").send_keys("Thông báo khẩn về bão số 3")
    assert by_id(chrome, "bulletin-priority").get_attribute("value") == "urgent"
    first = NEXT.start + dt.timedelta(days=2)
    set_date(chrome, "bulletin-from", first.isoformat())
    days = by_id(chrome, "bulletin-days")
    days.clear()
    days.send_keys("2")
    summary = run_job_from(chrome, "bulletin-submit")
    fits(chrome)
    assert "Đã thêm bản tin «Thông báo khẩn về bão số 3»." in summary
    assert "Các đài có gói âm thanh mới: Phường Nam Hà, Phường Bắc Hà." in summary
    assert f"Thêm bản tin khẩn từ ngày {first.strftime('%d/%m/%Y')}" in by_id(chrome,
                                                                               "job-line").text
    sign_out(chrome)

    # the operator's phone, through its link: a new bundle is there
    chrome.get(f"{live_work.url}/d/{token}/{NEXT.label}/")
    assert "Có gói âm thanh mới" in by_id(chrome, "new-bundle").text
    assert "bản 2" in chrome.find_element(By.CSS_SELECTOR, "#bundle .meta").text
    fits(chrome)

    # ... and speaks a notice: the text the voice will read first, then the notice
    click_and_load(chrome, by_id(chrome, "notice-link"))
    fits(chrome)
    by_id(chrome, "notice-title").send_keys("Khai sinh trực tuyến")
    by_id(chrome, "notice-text").send_keys("Từ 7h30 ngày 15/3, UBND xã nhận hồ sơ khai sinh.")
    click_and_load(chrome, by_id(chrome, "notice-preview-button"))
    preview = by_id(chrome, "notice-preview").text
    assert "bảy giờ ba mươi" in preview and "Ủy ban nhân dân" in preview
    assert by_id(chrome, "notice-title").get_attribute("value") == "Khai sinh trực tuyến"
    fits(chrome)
    click_and_load(chrome, by_id(chrome, "notice-speak"))
    said = chrome.find_element(By.CSS_SELECTOR, ".flash.ok").text
    assert "Đã tạo thông báo 'Khai sinh trực tuyến'" in said
    assert "Khai sinh trực tuyến" in by_id(chrome, "notices").text
    fits(chrome)


# every visible control of the page's cards, with its box and its card's: what a thumb meets
CONTROLS = """
const out = [];
for (const el of document.querySelectorAll(
    'header.top button, main button, main select, main input:not([type=hidden]), main summary')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  const card = el.closest('.card');
  const c = card ? card.getBoundingClientRect() : {left: 0, right: window.innerWidth};
  const lab = el.closest('label');
  out.push({what: el.tagName + ' ' + (el.id || el.name || el.textContent.trim().slice(0, 20)),
            w: r.width, h: r.height, inside: r.left >= c.left - 0.5 && r.right <= c.right + 0.5,
            label: lab ? lab.innerText.trim().slice(0, 30) : null, type: el.type || ''});
}
return out;
"""


def thumb_sized(driver):
    got = driver.execute_script(CONTROLS)
    small = [c for c in got if c["h"] < 43.5 and c["type"] not in ("checkbox", "radio")]
    outside = [c for c in got if not c["inside"]]
    assert not small and not outside, (driver.current_url, small, outside)
    return got


def test_the_departments_content_pages_on_a_phone(live_work, chrome, tiny):
    from .test_content_forms import PAGE, airing_on

    seg = airing_on(tiny, "guide-birth")
    chrome.set_window_size(390, 844)
    sign_in(chrome, live_work.url, "so")
    out = chrome.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").rect
    assert out["height"] >= 44 and out["width"] >= 44, out

    # the library: one card per segment, its actions thumb-sized and labelled, nothing wider
    chrome.get(f"{live_work.url}/admin/segments/")
    fits(chrome)
    controls = thumb_sized(chrome)
    dates = [c for c in controls if c["type"] == "date"]
    assert dates and all(c["label"] and "Ngừng phát từ ngày" in c["label"] for c in dates)
    row = by_id(chrome, f"segment-{seg.id}")
    assert row.rect["width"] <= 390 and "Hướng dẫn đăng ký khai sinh" in row.text
    before = chrome.execute_script(  # each value says what it is, without the table's head
        "return getComputedStyle(arguments[0].cells[3], '::before').content", row)
    assert "Thời lượng:" in before, before
    withdraw = by_id(chrome, f"withdraw-{seg.id}")
    assert withdraw.rect["height"] >= 44 and withdraw.rect["width"] >= 100
    assert withdraw.value_of_css_property("color") in ("rgba(255, 255, 255, 1)",
                                                       "rgb(255, 255, 255)")
    chrome.find_element(By.CSS_SELECTOR, f"#segment-{seg.id} summary").click()
    thumb_sized(chrome)  # the replace form opened: its file field fits its card too
    fits(chrome)

    for page in ("/admin/approval/", "/admin/rules/"):
        chrome.get(live_work.url + page)
        fits(chrome)
        thumb_sized(chrome)

    # the preview: the page opens on the text the voice will read
    chrome.get(live_work.url + PAGE)
    by_id(chrome, "notice-title").send_keys("Khai sinh trực tuyến")
    by_id(chrome, "notice-text").send_keys("Từ 7h30 ngày 15/3, UBND xã nhận hồ sơ khai sinh.")
    click_and_load(chrome, by_id(chrome, "notice-preview-button"))
    box = chrome.execute_script(
        "const r = document.getElementById('notice-preview').getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, h: window.innerHeight, y: window.scrollY};")
    assert box["y"] > 0 and -1 <= box["top"] < box["h"], box

