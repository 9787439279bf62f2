"""End to end in a real headless Chromium, in today's two-tier structure: Hà Tĩnh's Department
uploads an episode, plans and renders September 2025 for its 69 communes, marks a typhoon's
outage, re-plans from a day, and downloads a station's new bundle."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import pytest
from sqlalchemy import select

from radio_sched.core.config import Settings
from radio_sched.core.db import session_scope
from radio_sched.core.models import Bundle, Job, User
from radio_sched.jobs.runner import dispose_side_engines
from radio_sched.production.catalogue import add_segments, specs_from_files
from radio_sched.reference.divisions import station_by_code
from radio_sched.reference.presets import apply_preset
from radio_sched.reference.session_templates import import_sessions
from radio_sched.web import create_app

from . import browser
from .conftest import password_hash
from .test_browser import (
    by_id, chrome, click_and_load, download_manifest, run_job_from, set_date, sign_in, upload_one
)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not browser.available(), reason="needs Debian's chromium and "
                                 "chromium-driver (scripts/setup.sh --test installs them)")]
__all__ = ["chrome"]  # the fixture, shared with test_browser.py

# one morning session on Mondays and Thursdays: 9 sessions a station, few distinct to render
SESSIONS = 'scope,session,start,weekdays,capacity_s\nprovince,sáng,05:30,"mon,thu",600\n'
STORM = ("18754", "18781")  # Phường Sông Trí, Phường Hải Ninh: off the air 15-18 September


@pytest.fixture
def two_tier(session, db_url, tmp_path, web_audio):
    """`radio-sched init --preset ha-tinh-2025`, a Department account, the column's jingles and
    a service guide for September 2025."""
    settings = Settings(db_url=db_url, library_root=tmp_path / "library",
                        schedules_root=tmp_path / "schedules")
    shutil.copytree(web_audio["warm"], settings.library_root)
    apply_preset(session, "ha-tinh-2025")
    import_sessions(session, SESSIONS.encode(), replace=True)
    session.add(User(username="so", display_name="Nguyễn Văn A", password_hash=password_hash(),
                     role="department", scope="province"))
    for slug in ("jingle-intro", "jingle-outro"):
        add_segments(session, settings, specs_from_files(session, [web_audio[slug]],
                                                         kind="jingle", slug=slug, title=slug))
    add_segments(session, settings, specs_from_files(
        session, [web_audio["guide"]], kind="service_guide", slug="guide-birth",
        title="Hướng dẫn đăng ký khai sinh", valid_from="2025-09-01", valid_until="2025-09-30"))
    session.commit()
    return settings


@pytest.fixture
def live_two_tier(two_tier):
    app = create_app({"SETTINGS": two_tier, "TESTING": True,
                      "SECRET_KEY": "test-only key, at least 32 characters long"})
    with browser.LiveServer(app) as server:
        yield server
    dispose_side_engines()


def test_the_department_runs_september_2025_for_its_69_communes(live_two_tier, chrome, two_tier,
                                                                 web_audio):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, url = live_two_tier.url, two_tier.db_url
    sign_in(chrome, base, "so")
    chrome.get(base + "/department/2025-09/")
    click_and_load(chrome, by_id(chrome, "planner-42"))
    assert chrome.current_url == base + "/province/42/2025-09/"
    assert by_id(chrome, "month-status").text == "Chưa lập lịch."
    assert len(chrome.find_elements(By.CSS_SELECTOR, "#stations tbody tr")) == 69

    # the province's thematic program for September: real audio made by the test
    assert by_id(chrome, "upload-kind").get_attribute("value") == "provincial_program"
    summary = upload_one(chrome, web_audio["episode"], "Chương trình CCHC tháng 9", "2025-09-01",
                         "2025-09-30")
    assert "Mục phát: thêm 1, thay 0" in summary and "chuyen-muc-cchc-so-9" in summary

    # plans and renders the month for the 69 communes
    click_and_load(chrome, by_id(chrome, "job-back"))
    summary = run_job_from(chrome, "plan-month")
    assert summary.startswith("Phiên bản lịch 1: ") and "69 đài" in summary, summary
    click_and_load(chrome, by_id(chrome, "job-back"))
    summary = run_job_from(chrome, "render-month")
    assert summary.startswith("69 gói mới, 0 gói không đổi, cho 69 đài"), summary
    click_and_load(chrome, by_id(chrome, "job-back"))
    lines = by_id(chrome, "jobs").text
    assert "Dựng gói âm thanh tháng 09/2025 — xong, " in lines and "bởi Nguyễn Văn A" in lines

    # the typhoon: two communes off the air from 15 to 18 September
    for code in STORM:
        Select(by_id(chrome, "offair-target")).select_by_value(f"commune:{code}")
        form = by_id(chrome, "offair-form")
        chrome.execute_script("arguments[0].querySelector('[name=date_from]').value = '2025-09-15';"
                              "arguments[0].querySelector('[name=date_to]').value = '2025-09-18';",
                              form)
        form.find_element(By.NAME, "reason").send_keys("mất điện do bão")
        click_and_load(chrome, form.find_element(By.TAG_NAME, "button"))
    offair = by_id(chrome, "offair").text
    assert "Phường Sông Trí 15/09/2025 18/09/2025" in offair and "Phường Hải Ninh" in offair

    # re-plans from the 15th: nothing is reported, so the form offered the month's first day
    assert by_id(chrome, "replan-from").get_attribute("value") == "2025-09-01"
    set_date(chrome, "replan-from", "2025-09-15")
    summary = run_job_from(chrome, "replan-month")
    assert summary.startswith("Phiên bản lịch 2 từ ngày 15/09/2025: 2/69 xã thay đổi"), summary

    # and downloads Sông Trí's new bundle from its station page
    click_and_load(chrome, by_id(chrome, "job-back"))
    click_and_load(chrome, by_id(chrome, "stations").find_element(By.LINK_TEXT, "Phường Sông Trí"))
    assert chrome.current_url == base + "/station/18754/2025-09/"
    zipped, manifest = download_manifest(chrome)
    assert zipped.name == "Phường Sông Trí (18754) 2025-09 v2.zip"
    with session_scope(url) as s:
        st = station_by_code(s, "18754", on=dt.date(2025, 9, 1))
        row = s.scalar(select(Bundle).where(Bundle.station_id == st.id, Bundle.month == "2025-09")
                       .order_by(Bundle.version.desc()).limit(1))
        expected = (row.sha256, row.size)
        jobs = [(j.kind, j.status, j.scope) for j in s.scalars(select(Job).order_by(Job.id))]
    data = zipped.read_bytes()
    assert (hashlib.sha256(data).hexdigest(), len(data)) == expected
    assert (manifest["format"], manifest["station"], manifest["month"]) == (
        "radio-sched.bundle/1", "18754", "2025-09")
    assert (manifest["bundle_version"], manifest["schedule_version"]) == (2, 2)
    days = {a["date"] for a in manifest["airings"]}
    assert not days & {"2025-09-15", "2025-09-18"} and "2025-09-22" in days, sorted(days)
    aired = {i["segment"] for a in manifest["airings"] for i in a["items"]}
    assert {"chuyen-muc-cchc-so-9", "guide-birth"} <= aired, aired
    assert jobs == [("segments", "done", "province:42"), ("plan", "done", "province:42"),
                    ("render", "done", "province:42"), ("replan", "done", "province:42")]
