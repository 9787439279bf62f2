"""Content jobs in real job processes: an urgent bulletin added from the planner's form re-plans
next month and renews the bundles (the job page names the stations, the station page says so),
under the re-plan lock of that month; a withdrawal confirmed from the library does the same."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from radio_sched.core.config import local_today
from radio_sched.core.models import END_OF_TIME, Bundle, Job, Segment
from radio_sched.core.i18n import M
from radio_sched.core.periods import parse_month
from radio_sched.core.scopes import Scope
from radio_sched.core.db import session_scope
from radio_sched.jobs.locks import claim, fail
from radio_sched.planning.plan import plan_month
from radio_sched.production.month_render import render_month
from radio_sched.production.voice import EspeakVoice
from radio_sched.reference.plan_rules import load_rules, preset_rules_text

from .conftest import csrf_token, login, wait_for_job
from .test_content_forms import text

pytestmark = pytest.mark.all_backends
_NEXT = (local_today().replace(day=28) + dt.timedelta(days=5)).replace(day=1)
NEXT = parse_month(_NEXT.strftime("%Y-%m"))
DISTRICT = Scope("district", "436")
WARNING = "Thông báo khẩn: bão số ba sắp đổ bộ. Bà con không ra khơi."


def planned_next_month(session, workshop) -> None:
    """Next month planned and rendered for district 436: its year's rules, an open guide."""
    rules = re.sub(r"(?m)^year = 2024", f"year = {NEXT.start.year}",
                   preset_rules_text("ha_tinh_2024_rules.toml"))
    if NEXT.start.year != 2024:
        load_rules(session, text=rules)
    guide = session.scalar(select(Segment).where(Segment.slug == "guide-birth"))
    guide.valid_until = END_OF_TIME  # the library's one guide airs on
    session.commit()
    plan_month(session, NEXT, DISTRICT, jobs=1)
    session.commit()
    render_month(workshop.settings, session, NEXT, DISTRICT, jobs=1)
    session.commit()


def bulletin_audio(tmp_path) -> bytes:
    wav = tmp_path / "bao-so-3.wav"
    EspeakVoice().speak(WARNING, wav)
    return wav.read_bytes()


@pytest.fixture
def planner(work_app):
    c = work_app.test_client()
    assert login(c, "d436").status_code == 302
    return c


def test_an_urgent_bulletin_from_the_form_renews_the_bundles(planner, tiny, workshop, tmp_path):
    planned_next_month(tiny, workshop)
    page = f"/district/436/{NEXT.label}/content/"
    form = {"title": "Thông báo khẩn về bão số 3", "priority": "urgent", "scope": "district:436",
            "from": (NEXT.start + dt.timedelta(days=2)).isoformat(), "days": "2",
            "csrf_token": csrf_token(planner),
            "file": (io.BytesIO(bulletin_audio(tmp_path)), "bão số 3.wav")}
    # while the planner's re-plan of that month runs, the bulletin waits: the same lock
    other = claim(workshop.settings.db_url, "replan", NEXT.label, "district:436",
                  created_by="d436")
    res = planner.post(page + "bulletin", data=dict(form), content_type="multipart/form-data")
    assert res.status_code == 409, text(res)[:600]
    assert f"đang có việc lập lại lịch cho Thành phố Hà Tĩnh tháng {NEXT.start.month} năm " \
        f"{NEXT.start.year} (việc số {other}" in text(res)
    assert value_of(text(res), "bulletin-title") == form["title"]
    with session_scope(workshop.settings.db_url) as s:
        fail(s.get(Job, other), M("ended by the test", "bài kiểm tra đã dừng"))
    form["file"] = (io.BytesIO(bulletin_audio(tmp_path)), "bão số 3.wav")
    res = planner.post(page + "bulletin", data=form, content_type="multipart/form-data")
    assert res.status_code == 302, text(res)[:600]
    job_id = int(res.location.rsplit("/", 1)[1])
    job = wait_for_job(workshop.settings.db_url, job_id, timeout=300)
    assert job.status == "done", job.result
    html = text(planner.get(res.location))
    assert "Các đài có gói âm thanh mới: Phường Nam Hà, Phường Bắc Hà." in html
    assert f"Tháng {NEXT.start.month:02d}/{NEXT.start.year}: phiên bản lịch 2 từ ngày " \
        f"03/{NEXT.start.month:02d}/{NEXT.start.year}, 2 đài thay đổi." in html
    assert f"Thêm bản tin khẩn từ ngày {form['from'][8:]}/{form['from'][5:7]}" in html
    tiny.expire_all()
    seg = tiny.scalar(select(Segment).where(Segment.title == form["title"]))
    assert (seg.kind, seg.status, seg.original_name) == ("bulletin_urgent", "approved",
                                                         "bão số 3.wav")
    versions = sorted(tiny.scalars(select(Bundle.version).where(Bundle.month == NEXT.label)))
    assert versions == [1, 1, 2, 2]
    station = text(planner.get(f"/station/18073/{NEXT.label}/"))
    assert "Có gói âm thanh mới" in station


def value_of(html, element_id):
    found = re.search(rf'id="{element_id}"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else None


def test_a_withdrawal_from_the_library_replans_from_its_day(planner, tiny, workshop):
    planned_next_month(tiny, workshop)
    seg = tiny.scalar(select(Segment).where(Segment.slug == "guide-birth"))
    so = planner.application.test_client()
    assert login(so, "so").status_code == 302
    day = NEXT.start + dt.timedelta(days=10)
    html = text(so.get(f"/admin/segments/{seg.id}/withdraw?from={day.isoformat()}"))
    assert "Tin «Hướng dẫn đăng ký khai sinh»" in html

    assert f"2 đài có lịch của toàn tỉnh được lập lại lịch từ ngày đó trong tháng " \
        f"{NEXT.start.month:02d}/{NEXT.start.year}" in html
    res = so.post(f"/admin/segments/{seg.id}/withdraw", data={
        "from": day.isoformat(), "confirm": "1", "csrf_token": csrf_token(so)})
    assert res.status_code == 302, text(res)[:500]
    job = wait_for_job(workshop.settings.db_url, int(res.location.rsplit("/", 1)[1]), 300)
    assert job.status == "done", job.result
    html = text(so.get(res.location))
    assert f"Đã rút tin «Hướng dẫn đăng ký khai sinh» từ ngày {day.strftime('%d/%m/%Y')}" in html
    tiny.expire_all()
    assert tiny.get(Segment, seg.id).withdrawn_from == day


def test_a_waiting_bulletin_is_replanned_when_the_department_approves_it(planner, tiny,
                                                                         workshop, tmp_path):
    from radio_sched.production.approval import set_needs_approval

    planned_next_month(tiny, workshop)
    set_needs_approval(tiny, "bulletin_urgent", True, by="so")
    tiny.commit()
    page = f"/district/436/{NEXT.label}/content/"
    res = planner.post(page + "bulletin", data={
        "title": "Bão số 3", "priority": "urgent", "scope": "district:436",
        "from": (NEXT.start + dt.timedelta(days=4)).isoformat(), "days": "1",
        "csrf_token": csrf_token(planner),
        "file": (io.BytesIO(bulletin_audio(tmp_path)), "bao.wav")},
        content_type="multipart/form-data")
    job = wait_for_job(workshop.settings.db_url, int(res.location.rsplit("/", 1)[1]), 300)
    assert job.status == "done" and job.result["months"] == []
    assert "bản tin chờ Sở duyệt" in text(planner.get(res.location))
    tiny.expire_all()
    seg = tiny.scalar(select(Segment).where(Segment.title == "Bão số 3"))
    assert seg.status == "pending"
    assert sorted(tiny.scalars(select(Bundle.version))) == [1, 1]

    so = planner.application.test_client()
    assert login(so, "so").status_code == 302
    html = text(so.get("/admin/approval/"))
    assert "Bão số 3" in html and "Khi duyệt, các đài được lập lại lịch ngay" in html
    res = so.post(f"/admin/approval/{seg.id}/approve", data={"csrf_token": csrf_token(so)})
    assert res.status_code == 302 and "/jobs/" in res.location
    job = wait_for_job(workshop.settings.db_url, int(res.location.rsplit("/", 1)[1]), 300)
    assert job.status == "done", job.result
    html = text(so.get(res.location))
    assert "Đã duyệt bản tin «Bão số 3»." in html
    assert "Các đài có gói âm thanh mới: Phường Nam Hà, Phường Bắc Hà." in html
    tiny.expire_all()
    assert tiny.get(Segment, seg.id).status == "approved"
    assert sorted(tiny.scalars(select(Bundle.version))) == [1, 1, 2, 2]
