"""End to end in a real headless Chromium: a district makes a link, a phone downloads and reports,
the Department sees it; a job's progress page follows a running job."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest

from radio_sched.jobs import start

from . import browser
from .conftest import PASSWORD

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not browser.available(), reason="needs Debian's chromium and "
                                 "chromium-driver (scripts/setup.sh --test installs them)")]


@pytest.fixture
def live(app):
    with browser.LiveServer(app) as server:
        yield server


@pytest.fixture
def chrome(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = browser.chromium(downloads)
    driver.downloads = downloads
    yield driver
    browser.close(driver)


def by_id(driver, element_id):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def wait_for(predicate, timeout=20.0):
    """Poll until the browser has done something (a download, a script, a page that reloads
    itself) or fail plainly."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = predicate()
        except (NoSuchElementException, StaleElementReferenceException):
            value = None  # the page was being replaced
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("the browser did not get there in time")


def finished_job_page(driver, timeout=60.0):
    """Wait until a job page that follows its job has reloaded itself with the job's end."""
    from selenium.webdriver.common.by import By

    wait_for(lambda: driver.find_element(By.ID, "job").get_attribute("data-status") in (
        "done", "failed") and driver.execute_script("return document.readyState") == "complete"
        and (driver.find_elements(By.ID, "job-result") or driver.find_element(
            By.ID, "job-error").is_displayed()), timeout)


def click_and_load(driver, element):
    """Click something that loads a page, and wait until the new page is there (click() itself
    returns as soon as the click is sent)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 20).until(EC.staleness_of(old))
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(driver, base, username):
    driver.get(base + "/login")
    by_id(driver, "username").send_keys(username)
    by_id(driver, "password").send_keys(PASSWORD)
    click_and_load(driver, by_id(driver, "login"))


def sign_out(driver):
    from selenium.webdriver.common.by import By

    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button"))


def test_link_download_report_and_overview(live, chrome, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base = live.url
    # the district center signs in, sees its communes and makes a link for Nam Hà's phone
    sign_in(chrome, base, "d436")
    assert chrome.current_url.endswith("/district/436/" + chrome.current_url.split("/")[-2] + "/")
    chrome.get(base + "/district/436/2024-03/")
    assert "Phường Nam Hà" in by_id(chrome, "stations").text
    chrome.get(base + "/station/18073/2024-03/")
    chrome.find_element(By.NAME, "label").send_keys("điện thoại anh Ba")
    click_and_load(chrome, by_id(chrome, "create-link"))
    link = by_id(chrome, "new-link-url").get_attribute("value")
    assert link.startswith(base + "/d/")
    sign_out(chrome)

    # the operator's phone opens the link: no password, the month, the download, a report
    chrome.get(link.rstrip("/") + "/2024-03/")
    assert "Phường Nam Hà" in chrome.find_element(By.TAG_NAME, "h1").text
    assert len(chrome.find_elements(By.CSS_SELECTOR, "table.calendar .airing")) == 3
    by_id(chrome, "download").click()
    done = wait_for(lambda: [p for p in chrome.downloads.iterdir() if p.suffix == ".zip"])
    assert done[0].name == "Phường Nam Hà (18073) 2024-03 v1.zip"  # filename* wins over filename
    assert hashlib.sha256(done[0].read_bytes()).hexdigest() == site.bundles["18073"][0]
    row = chrome.find_elements(By.CSS_SELECTOR, "table.asrun tbody tr")[1]  # 4 March
    Select(row.find_element(By.NAME, "status")).select_by_value("missed")
    row.find_element(By.NAME, "reason").send_keys("mất điện do bão")
    click_and_load(chrome, row.find_element(By.TAG_NAME, "button"))
    assert "Đã ghi 1 báo cáo: 1 mới, 0 thay thế." in chrome.page_source
    row = chrome.find_elements(By.CSS_SELECTOR, "table.asrun tbody tr")[1]
    assert "không phát — mất điện do bão" in row.text

    # the Department sees the report in the province overview, in English on request
    sign_in(chrome, base, "so")
    chrome.get(base + "/department/2024-03/")
    click_and_load(chrome, by_id(chrome, "lang-en"))
    assert "The province this month" in chrome.page_source
    first = chrome.find_elements(By.CSS_SELECTOR, "#districts tbody tr")[0].text
    assert first.startswith("Thành phố Hà Tĩnh 2 2 0 1 1 1"), first


def test_job_page_follows_progress(live, chrome, site):
    step, go_on = threading.Event(), threading.Event()

    def work(session, progress):
        progress(1, 4)
        step.set()
        go_on.wait(30)
        progress(4, 4)
        return {"schedule_version": 2}

    sign_in(chrome, live.url, "d440")
    job_id, thread = start(site.db_url, "plan", "2024-03", "district:440", work, created_by="d440")
    assert step.wait(10)
    chrome.get(f"{live.url}/jobs/{job_id}")
    assert by_id(chrome, "job-count").text == "1/4"
    go_on.set()
    finished_job_page(chrome)
    assert by_id(chrome, "job-status").text == "đã xong"
    assert by_id(chrome, "job-count").text == "4/4"
    assert by_id(chrome, "job-progress").get_attribute("value") == "100"
    thread.join(10)
