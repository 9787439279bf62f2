"""End to end in a real headless Chromium: a district uploads, plans and renders its month, a
station downloads its bundle, the Department sees the month; a district makes a link, a phone
downloads and reports; a job's progress page follows a running job."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from radio_sched.core.db import session_scope
from radio_sched.reference.divisions import station_by_code
from radio_sched.core.config import Settings
from radio_sched.jobs import runner
from radio_sched.core.models import Bundle, Job

from . import browser
from .conftest import PASSWORD

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not browser.available(), reason="needs Debian's chromium and "
                                 "chromium-driver (scripts/setup.sh --test installs them)")]


ROOT = Path(__file__).resolve().parents[2]


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
    # load the finished page once more: a page that reloads itself cannot then replace the
    # elements a test is reading (a finished job's page stays still)
    driver.get(driver.current_url)
    wait_for(lambda: driver.execute_script("return document.readyState") == "complete", timeout)


def click_and_load(driver, element):
    """Click something that loads a page, and wait until the new page is there (click() itself
    returns as soon as the click is sent)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # A mark on the old page's window: a new page has a new window object without it. (Waiting
    # for the old <html> element to go stale raced with Chromium: asked mid-navigation, it
    # answered "Node with given id does not belong to the document" instead of "stale".)
    driver.execute_script("window.__leaving = true")
    element.click()

    def loaded(d):
        try:
            return d.execute_script(
                "return !window.__leaving && document.readyState === 'complete'")
        except WebDriverException:  # asked while the old page was going away
            return False

    WebDriverWait(driver, 20).until(loaded)


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
    row = by_id(chrome, "r-2024-03-04-0530")  # 4 March
    Select(row.find_element(By.NAME, "status")).select_by_value("missed")
    row.find_element(By.NAME, "reason").send_keys("mất điện do bão")
    click_and_load(chrome, row.find_element(By.TAG_NAME, "button"))
    row = by_id(chrome, "r-2024-03-04-0530")
    assert "Đã lưu: 1 mới, 0 thay đổi, 0 như cũ." in row.text
    assert "không phát" in row.text and "mất điện do bão" in row.text

    # the Department sees the report in the province overview, in English on request
    sign_in(chrome, base, "so")
    chrome.get(base + "/department/2024-03/")
    click_and_load(chrome, by_id(chrome, "lang-en"))
    assert "The province in March 2024" in chrome.page_source
    first = chrome.find_elements(By.CSS_SELECTOR, "#districts tbody tr")[0].text
    assert first.startswith("Thành phố Hà Tĩnh 2 2 0 1 1 1"), first


def test_job_page_follows_progress(live, chrome, site, monkeypatch, tmp_path):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the job process imports tests/web/jobwork.py
    monkeypatch.setattr(runner, "REGISTERED", {})
    runner.register_kind("step_at_gate", "tests.web.jobwork:step_at_gate")
    gate = tmp_path / "gate"
    settings = Settings(db_url=site.db_url, schedules_root=tmp_path / "sch",
                        library_root=tmp_path / "lib")
    sign_in(chrome, live.url, "d440")
    job_id, proc = runner.start_process(settings, "step_at_gate", "2024-03", "district:440",
                                        params={"gate": str(gate),
                                                "result": {"schedule_version": 2}},
                                        created_by="d440")
    deadline = time.monotonic() + 60
    while not (tmp_path / "gate.step").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    # a progress report is written when the database is free, else by the heartbeat: wait for it
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with session_scope(site.db_url) as s:
            if s.get(Job, job_id).progress == 1:
                break
        time.sleep(0.1)
    chrome.get(f"{live.url}/jobs/{job_id}")
    assert by_id(chrome, "job-count").text == "1/4"
    gate.touch()
    finished_job_page(chrome)
    assert by_id(chrome, "job-status").text == "đã xong"
    assert by_id(chrome, "job-count").text == "4/4"
    assert by_id(chrome, "job-progress").get_attribute("value") == "100"
    assert proc.wait(30) == 0


# --- the main path: upload, plan, render, download, overview -----------------------------------

@pytest.fixture
def live_work(work_app):
    with browser.LiveServer(work_app) as server:
        yield server


def set_date(driver, element_id, iso):
    """A date input's value (typing into one depends on the browser's locale)."""
    driver.execute_script("arguments[0].value = arguments[1]", by_id(driver, element_id), iso)


def run_job_from(driver, button_id):
    """Press a button that starts a job, follow the job page to its end; its summary text."""
    click_and_load(driver, by_id(driver, button_id))
    assert "/jobs/" in driver.current_url, driver.current_url
    finished_job_page(driver)
    assert by_id(driver, "job-status").text == "đã xong", by_id(driver, "job-error").text
    done, total = map(int, by_id(driver, "job-count").text.split("/"))
    assert done == total > 0 and by_id(driver, "job-progress").get_attribute("value") == "100"
    return by_id(driver, "job-result").text


def upload_one(driver, path, title, valid_from, valid_until):
    """Choose one audio file in the page's upload form, with its title and days; the job's
    summary."""
    by_id(driver, "upload-files").send_keys(str(path))
    by_id(driver, "upload-title").send_keys(title)
    set_date(driver, "upload-from", valid_from)
    set_date(driver, "upload-until", valid_until)
    return run_job_from(driver, "upload-submit")


def download_manifest(driver, timeout=60.0):
    """Click the page's download button; the zip that arrives and its manifest.json."""
    driver.find_element("id", "download").click()
    done = wait_for(lambda: [p for p in driver.downloads.iterdir() if p.suffix == ".zip"], timeout)
    with zipfile.ZipFile(done[0]) as z:
        assert z.testzip() is None
        manifest = json.loads(z.read(next(n for n in z.namelist() if n.endswith("manifest.json"))))
    return done[0], manifest


def test_a_district_runs_its_month_and_a_station_downloads_it(live_work, chrome, workshop):
    from selenium.webdriver.common.by import By

    base, url = live_work.url, workshop.settings.db_url
    # the district culture center signs in and opens March
    sign_in(chrome, base, "d436")
    chrome.get(base + "/district/436/2024-03/")
    assert by_id(chrome, "month-status").text == "Chưa lập lịch."

    # it uploads this week's episode: real audio made by the test, chosen in the file dialog
    summary = upload_one(chrome, workshop.audio["episode"], "Chuyên mục CCHC số 9", "2024-03-04",
                         "2024-03-10")
    assert "Mục phát: thêm 1, thay 0" in summary and "chuyen-muc-cchc-so-9" in summary

    # plans the month, following the job's page; the month's page shows what is short, and why
    click_and_load(chrome, by_id(chrome, "job-back"))
    summary = run_job_from(chrome, "plan-month")
    assert summary.startswith("Phiên bản lịch 1: còn thiếu; 2 đài"), summary
    click_and_load(chrome, by_id(chrome, "job-back"))
    assert by_id(chrome, "month-status").text.startswith("Đã lập lịch, còn thiếu: 2/2 xã")
    rows = [r.text for r in chrome.find_elements(By.CSS_SELECTOR, "#shortfalls tbody tr")]
    reason = "không có tin loại Gương điển hình, việc tốt trong CCHC nào được cung cấp cho xã này"
    assert any(r.startswith("Phường Nam Hà 18073 Tin \"Gương điển hình") and reason in r
               for r in rows), rows
    assert not any("district-episodes" in r for r in rows), rows  # the episode fits its week

    # makes the audio bundles
    summary = run_job_from(chrome, "render-month")
    assert summary.startswith("2 gói mới, 0 gói không đổi, cho 2 đài"), summary
    sign_out(chrome)

    # Nam Hà's operator downloads the month's bundle: the bytes the Bundle row vouches for
    sign_in(chrome, base, "op18073")
    chrome.get(base + "/station/18073/2024-03/")
    zipped, manifest = download_manifest(chrome)
    assert zipped.name == "Phường Nam Hà (18073) 2024-03 v1.zip"
    with session_scope(url) as s:
        st = station_by_code(s, "18073", on=dt.date(2024, 3, 1))
        row = s.scalar(select(Bundle).where(Bundle.station_id == st.id, Bundle.month == "2024-03"))
        expected = (row.sha256, row.size)
        jobs = [(j.kind, j.status, j.created_by) for j in s.scalars(select(Job).order_by(Job.id))]
    data = zipped.read_bytes()
    assert (hashlib.sha256(data).hexdigest(), len(data)) == expected
    aired = {item["segment"] for a in manifest["airings"] for item in a["items"]}
    assert {"chuyen-muc-cchc-so-9", "guide-birth"} <= aired, aired
    assert jobs == [("segments", "done", "d436"), ("plan", "done", "d436"),
                    ("render", "done", "d436")]
    sign_out(chrome)

    # the Department sees where the month stands
    department_sees_the_month(chrome, base)


def department_sees_the_month(driver, base):
    """The Department's view of March after the district's work: the month page, then the coverage
    page with the audit (the chart, district 436 with its two planned communes short of the
    model-citizen item, the audit downloads)."""
    from selenium.webdriver.common.by import By

    sign_in(driver, base, "so")
    driver.get(base + "/department/2024-03/")
    rows = {r.find_element(By.TAG_NAME, "td").text: r.text
            for r in driver.find_elements(By.CSS_SELECTOR, "#districts tbody tr")}
    # district, stations, planned, with shortfalls, bundles ready, reporting, missed sessions
    assert rows["Thành phố Hà Tĩnh"] == "Thành phố Hà Tĩnh 2 2 2 2 0 0", rows
    assert rows["Huyện Hương Sơn"] == "Huyện Hương Sơn 2 0 0 0 0 0", rows

    click_and_load(driver, by_id(driver, "coverage"))
    assert driver.current_url.endswith("/department/2024-03/coverage")
    assert driver.find_elements(By.CSS_SELECTOR, "#chart svg rect")
    links = {a.text: a.get_attribute("href")
             for a in driver.find_elements(By.CSS_SELECTOR, "#downloads a")}
    assert {"CSV", "XLSX", "HTML"} <= set(links), links
    assert links["CSV"].endswith("/department/2024-03/audit.csv")
    # the district's communes: nobody reported yet, so nothing counts as aired, and the
    # model-citizen item (never supplied) is short in both
    click_and_load(driver, driver.find_element(By.LINK_TEXT, "Thành phố Hà Tĩnh"))
    communes = {r.find_element(By.TAG_NAME, "small").text: r.text
                for r in driver.find_elements(By.CSS_SELECTOR, "#communes tbody tr")}
    assert set(communes) == {"18073", "18077"}, communes
    for text in communes.values():
        assert " chưa " in f" {text} " and "chưa đạt" in text, text
    driver.get(base + "/department/2024-Q1/coverage")
    assert "Quý I" in by_id(driver, "periods").text  # the quarter as people read it