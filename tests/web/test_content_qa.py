"""What a QA session found on the content pages, each checked through Flask's test client on a
real database: readable danger buttons, withdrawals refused on their confirmation step, form errors
named by the form's labels (all at once, dates as dd/mm/yyyy), a long notice kept whole, one true
message after a notice that waits, local times, the approval toggle, bulletins for days not
planned, and the file to choose again."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from radio_sched.access.tokens import create_token
from radio_sched.core.models import Job, Segment
from radio_sched.production.approval import set_needs_approval
from radio_sched.production.speak import speak_text

from ..production.helpers import make_audio
from .data import station
from .test_content_forms import (
    MONTH, NOTICE, PAGE, SOON, TODAY, airing_on, count, post, shown, signed, text, value
)

pytestmark = pytest.mark.all_backends
__all__ = ["signed"]  # a fixture
ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def error_of(html: str) -> str:
    found = re.search(r'id="error">(.*?)</', html, re.S)
    return found.group(1) if found else ""


def _luminance(colour: str) -> float:
    digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
    rgb = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_danger_buttons_are_white_on_dark_red(work_app):
    res = work_app.test_client().get("/static/style.css")
    css = res.get_data(as_text=True)
    res.close()
    rule = re.search(r"button\.danger[^{]*\{([^}]*)\}", css).group(1)
    background = re.search(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})\b", rule).group(1)
    colour = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{3,6})\b", rule).group(1)
    a, b = sorted((_luminance(background), _luminance(colour)), reverse=True)
    assert (a + 0.05) / (b + 0.05) >= 4.5, (background, colour)
    assert _luminance(colour) > 0.9  # white text
    r, g, bl = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    assert r > 2 * g and r > 2 * bl  # a red, not the blue of every button


def test_a_past_day_is_refused_on_the_confirmation_step(signed, tiny):
    seg = airing_on(tiny, "guide-birth")
    c = signed("so")
    past = (TODAY - dt.timedelta(days=3)).isoformat()
    res = c.get(f"/admin/segments/{seg.id}/withdraw?from={past}")
    html = text(res)
    assert res.status_code == 400
    assert "đã qua: chỉ rút tin từ hôm nay trở đi" in error_of(html)
    assert 'id="withdraw-confirm"' not in html and "lập lại lịch" not in html
    assert f'value="{past}"' in html  # the typed day is kept


def test_a_segment_whose_days_are_over_offers_no_withdrawal(signed, tiny):
    seg = tiny.scalar(select(Segment).where(Segment.slug == "guide-birth"))  # ends 31/03/2024
    jobs = count(tiny, Job)
    c = signed("so")
    html = text(c.get("/admin/segments/"))
    assert f'id="withdraw-{seg.id}"' not in html and "không còn gì để rút" in html
    page = text(c.get(PAGE))
    assert f'id="withdraw-{seg.id}"' not in page and "không còn gì để rút" in page
    res = c.get(f"/admin/segments/{seg.id}/withdraw?from={SOON.isoformat()}")
    assert res.status_code == 400 and "chỉ phát đến ngày 31/03/2024" in error_of(text(res))
    res = post(c, f"/admin/segments/{seg.id}/withdraw", {"from": SOON.isoformat(),
                                                        "confirm": "1"})
    assert res.status_code == 400 and "không còn gì để rút" in text(res)
    tiny.expire_all()
    assert tiny.get(Segment, seg.id).withdrawn_from is None and count(tiny, Job) == jobs


def test_a_bulletin_form_names_every_wrong_field_by_its_label(signed, tiny, tmp_path):
    c = signed("d436")
    audio = make_audio(tmp_path / "tin.mp3", "sine", 3.0).read_bytes()
    res = post(c, PAGE + "bulletin", {"title": "", "priority": "urgent", "scope": "district:436",
                                      "from": "", "days": "0",
                                      "file": (io.BytesIO(audio), "tin.mp3")},
               content_type="multipart/form-data")
    said = error_of(text(res))
    assert res.status_code == 400
    assert "3 lỗi" in said and "Tiêu đề: bản tin cần có tiêu đề" in said
    assert "Từ ngày: hãy chọn ngày" in said and "Số ngày: từ 1 đến 93, không phải 0" in said
    assert "--" not in said
    res = post(c, PAGE + "bulletin?lang=en", {"title": "x", "priority": "urgent",
                                              "scope": "district:436", "from": SOON.isoformat(),
                                              "days": "5000",
                                              "file": (io.BytesIO(audio), "tin.mp3")},
               content_type="multipart/form-data")
    assert "Days: from 1 to 93, not 5000" in error_of(text(res))


def test_a_notice_form_words_dates_as_people_write_them(signed, tiny):
    c = signed("d436")
    res = post(c, PAGE + "notice", {"title": "", "text": "", "kind": "service_guide",
                                    "scope": "district:436", "valid_from": "2026-12-20",
                                    "valid_until": "2026-12-05", "action": "speak"})
    said = error_of(text(res))
    assert res.status_code == 400
    assert "Nội dung thông báo: không có nội dung để đọc" in said
    assert "Đến ngày: ngày hết hiệu lực (05/12/2026) trước ngày bắt đầu (20/12/2026)" in said
    assert not ISO.search(said) and "valid_until" not in said and "cột" not in said


def test_a_too_long_bulletin_names_its_day_as_people_write_it(signed, tiny, tmp_path):
    from radio_sched.reference.session_templates import import_sessions

    import_sessions(tiny, b"scope,session,start,weekdays,capacity_s\n"
                          b"province,s\xc3\xa1ng,05:30,daily,20\n")
    tiny.commit()
    audio = make_audio(tmp_path / "dai.mp3", "sine", 25.0).read_bytes()
    res = post(signed("d436"), PAGE + "bulletin", {
        "title": "Bão", "priority": "urgent", "scope": "district:436", "from": SOON.isoformat(),
        "days": "1", "file": (io.BytesIO(audio), "dai.mp3")}, content_type="multipart/form-data")
    said = error_of(text(res))
    assert f"ngày {SOON.strftime('%d/%m/%Y')} chỉ có 20 giây" in said and not ISO.search(said)


def test_refusing_without_a_reason_names_the_field_not_an_option(signed, tiny, workshop):
    set_needs_approval(tiny, "service_guide", True, by="so")
    speak_text(tiny, workshop.settings, "Tin một: hướng dẫn nộp hồ sơ.", kind="service_guide",
               scope="commune:18073", title="Tin một")
    tiny.commit()
    seg = tiny.scalar(select(Segment).where(Segment.title == "Tin một"))
    res = post(signed("so"), f"/admin/approval/{seg.id}/refuse", {"reason": ""})
    said = error_of(text(res))
    assert res.status_code == 400 and "Lý do không duyệt: hãy ghi lý do không duyệt" in said
    assert "--reason" not in said


def test_a_too_long_notice_comes_back_whole_with_its_true_length(signed, tiny):
    long = ("Thông báo về thủ tục hành chính. " * 700)[:20_050]
    res = post(signed("d436"), PAGE + "notice", {"title": "Dài", "text": long,
                                                 "kind": "service_guide",
                                                 "scope": "district:436", "action": "speak"})
    html = text(res)
    assert res.status_code == 400 and "có 20050 ký tự" in error_of(html)
    kept = re.search(r'<textarea[^>]*id="notice-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert kept == long


def test_a_notice_that_waits_says_only_that_it_waits(work_app, tiny):
    set_needs_approval(tiny, "service_guide", True, by="so")
    _row, token = create_token(tiny, station(tiny, "18073"), "điện thoại")
    tiny.commit()
    c = work_app.test_client()
    res = post(c, f"/d/{token}/{MONTH}/notice", {"title": "Cấp CCCD", "kind": "service_guide",
                                                  "text": "Công an xã cấp CCCD vào thứ bảy.",
                                                  "action": "speak"})
    html = text(c.get(res.location))
    assert "Tin đang chờ Sở duyệt" in html and "Đã tạo thông báo 'Cấp CCCD'" in html
    assert "lần lập lịch" not in html


def test_the_approval_queue_shows_the_stations_clock(signed, tiny, workshop):
    set_needs_approval(tiny, "service_guide", True, by="so")
    speak_text(tiny, workshop.settings, "Tin hai: hướng dẫn.", kind="service_guide",
               scope="commune:18073", title="Tin hai")
    seg = tiny.scalar(select(Segment).where(Segment.title == "Tin hai"))
    seg.created_at = dt.datetime(2026, 12, 1, 2, 21)  # stored in UTC
    tiny.commit()
    html = text(signed("so").get("/admin/approval/"))
    assert "09:21 01/12/2026" in html and "02:21" not in html


def test_the_kind_setting_is_an_action_worded_for_either_structure(signed, tiny):
    c = signed("so")
    html = text(c.get("/admin/approval/"))
    assert "Đổi thành: cần Sở duyệt" in html and "duyệt ngay" in html
    assert "do huyện hoặc xã làm" not in html and "cấp dưới" in html
    post(c, "/admin/approval/kinds", {"kind": "service_guide", "needed": "1"})
    html = text(c.get("/admin/approval/"))
    found = re.search(r'id="kind-service_guide">([^<]*)<', html).group(1)
    assert found == "Đổi thành: duyệt ngay"


def test_the_preview_opens_on_the_text_it_shows(signed, tiny):
    html = text(signed("d436").get(PAGE))
    button = re.search(r'<button[^>]*id="notice-preview-button"[^>]*>', html).group(0)
    assert re.search(r'formaction="[^"]*/content/notice#notice-preview"', button)


def test_a_bulletin_for_days_not_planned_asks_before_any_job(signed, tiny, tmp_path):
    c = signed("d436")
    audio = make_audio(tmp_path / "tin.mp3", "sine", 3.0).read_bytes()
    form = {"title": "Bão", "priority": "urgent", "scope": "district:436",
            "from": SOON.isoformat(), "days": "2"}
    before, jobs = count(tiny), count(tiny, Job)
    res = post(c, PAGE + "bulletin", {**form, "file": (io.BytesIO(audio), "tin.mp3")},
               content_type="multipart/form-data")
    html = text(res)
    assert res.status_code == 400
    assert f"chưa có lịch cho {SOON.strftime('%d/%m/%Y')}" in error_of(html)
    assert 'id="bulletin-unplanned"' in html and 'id="bulletin-file-again"' in html
    assert (count(tiny), count(tiny, Job)) == (before, jobs)
    assert not list((tmp_path / "library" / ".uploads").glob("*/*"))
    res = post(c, PAGE + "bulletin", {**form, "unplanned": "1",
                                      "file": (io.BytesIO(audio), "tin.mp3")},
               content_type="multipart/form-data")
    assert res.status_code == 302 and "/jobs/" in res.location
    assert count(tiny, Job) == jobs + 1


def test_a_refused_bulletin_asks_for_its_file_again(signed, tiny, tmp_path):
    audio = make_audio(tmp_path / "tin.mp3", "sine", 3.0).read_bytes()
    for c, url in ((signed("d436"), PAGE + "bulletin"), (signed("so"), "/admin/approval/bulletin")):
        res = post(c, url, {"title": "", "priority": "urgent", "scope": "province",
                            "from": SOON.isoformat(), "days": "1",
                            "file": (io.BytesIO(audio), "tin.mp3")},
                   content_type="multipart/form-data")
        html = text(res)
        assert res.status_code == 400 and "Hãy chọn lại tệp âm thanh" in html, url
        assert value(html, "bulletin-title") == ""
    assert "Hãy chọn lại tệp âm thanh" not in shown(text(signed("d436").get(PAGE)))
    assert NOTICE  # the shared notice text stays importable for the browser test
