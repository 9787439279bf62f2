"""The content forms through Flask's test client on a real database with real audio: a notice
previewed and spoken (espeak-ng, ffmpeg), a station's notice waiting for approval, bulletins
refused at once with the form kept, withdrawals confirmed, the Department's approval page."""

from __future__ import annotations

import datetime as dt
import html as html_text
import io
import re

import pytest
from sqlalchemy import func, select

from radio_sched.access.tokens import create_token
from radio_sched.core.config import local_today
from radio_sched.core.models import END_OF_TIME, Job, Segment
from radio_sched.production.approval import set_needs_approval
from radio_sched.reference.session_templates import import_sessions

from ..production.helpers import make_audio
from .conftest import csrf_token, login
from .data import station

pytestmark = pytest.mark.all_backends
TODAY = local_today()
SOON = TODAY + dt.timedelta(days=20)
MONTH = TODAY.strftime("%Y-%m")
PAGE = f"/district/436/{MONTH}/content/"
NOTICE = ("Thông báo: từ ngày 15/3/2024, UBND xã tiếp nhận hồ sơ khai sinh lúc 7h30. "
          "Gọi 0912.345.678 để được hướng dẫn.")


@pytest.fixture
def signed(work_app):
    def make(username):
        c = work_app.test_client()
        assert login(c, username).status_code == 302
        return c
    return make


def post(client, url, data, **kw):
    return client.post(url, data={**data, "csrf_token": csrf_token(client)}, **kw)


def count(tiny, model=Segment):
    tiny.expire_all()
    return tiny.scalar(select(func.count()).select_from(model))


def text(res):
    return html_text.unescape(res.get_data(as_text=True))


def shown(html):
    """What a reader sees: the page without its attributes (option values, URLs)."""
    return re.sub(r"<[^>]*>", " ", html)


def value(html, element_id):
    found = re.search(rf'id="{element_id}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*id="{element_id}"', html)
    return found.group(1) if found else None


def airing_on(tiny, slug):
    """The fixture's segment, its validity left open (the fixture's ended in 2024)."""
    seg = tiny.scalar(select(Segment).where(Segment.slug == slug))
    seg.valid_until = END_OF_TIME
    tiny.commit()
    return seg


def test_a_planner_previews_then_speaks_a_notice(signed, tiny):
    c = signed("d436")
    page = text(c.get(PAGE))
    assert "Đọc thông báo từ văn bản" in page and "Thêm bản tin" in page
    assert not re.search(r"(district|commune):", shown(page))  # names, never scope strings
    assert "cả huyện" in page and "Phường Nam Hà" in page
    before = count(tiny)
    form = {"title": "Đăng ký khai sinh", "text": NOTICE, "kind": "service_guide",
            "scope": "commune:18073", "valid_from": "", "valid_until": ""}
    res = post(c, PAGE + "notice", {**form, "action": "preview"})
    html = text(res)
    assert res.status_code == 200
    assert "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi tư" in html
    assert "Ủy ban nhân dân" in html and "bảy giờ ba mươi" in html
    assert NOTICE.split(":")[0] in html and value(html, "notice-title") == "Đăng ký khai sinh"
    assert count(tiny) == before  # a preview changes nothing
    res = post(c, PAGE + "notice", {**form, "action": "speak"})
    assert res.status_code == 302 and res.location.endswith("#notice")
    seg = tiny.scalar(select(Segment).where(Segment.title == "Đăng ký khai sinh"))
    assert (seg.kind, seg.scope, seg.status, seg.producer) == (
        "service_guide", "commune:18073", "approved", "d436")
    assert 5 < seg.duration_s < 30 and seg.ready_sha256
    page = text(c.get(res.location))
    assert "Đã tạo thông báo 'Đăng ký khai sinh'" in page and "chờ Sở duyệt" not in page


@pytest.mark.parametrize("change, says", [
    ({"text": "   "}, "không có nội dung để đọc"),
    ({"valid_from": "31/02/2024"}, "Phát từ ngày: '31/02/2024' không phải ngày"),
    ({"scope": "district:440"}, "bạn không được thêm thông báo cho Huyện Hương Sơn"),
    ({"scope": "commune:18202"}, "bạn không được thêm thông báo cho Xã Sơn Hồng"),
    ({"kind": "Không Hợp Lệ"}, "Không Hợp Lệ"),
])
def test_a_wrong_notice_changes_nothing_and_keeps_what_was_typed(signed, tiny, change, says):
    c = signed("d436")
    before = count(tiny)
    form = {"title": "Thông báo thử", "text": NOTICE, "kind": "service_guide",
            "scope": "district:436", "action": "speak", **change}
    res = post(c, PAGE + "notice", form)
    html = text(res)
    assert res.status_code == 400, html[:500]
    assert says in html
    assert value(html, "notice-title") == "Thông báo thử"
    if change.get("text") is None:
        assert NOTICE.split(".")[0] in html  # the typed text is still in the textarea
    assert count(tiny) == before


def test_a_station_speaks_through_its_link_and_waits_for_approval(work_app, tiny):
    set_needs_approval(tiny, "service_guide", True, by="so")
    _row, token = create_token(tiny, station(tiny, "18073"), "điện thoại")
    tiny.commit()
    c = work_app.test_client()
    page = text(c.get(f"/d/{token}/{MONTH}/"))
    assert f"/d/{token}/{MONTH}/notice" in page
    form = text(c.get(f"/d/{token}/{MONTH}/notice"))
    assert "chờ Sở duyệt" in form and "Thông báo hướng dẫn sử dụng dịch vụ công" in form
    res = post(c, f"/d/{token}/{MONTH}/notice", {"title": "Cấp CCCD", "kind": "service_guide",
                                                  "text": "Công an xã cấp CCCD vào thứ bảy.",
                                                  "action": "speak", "scope": "province"})
    assert res.status_code == 302
    seg = tiny.scalar(select(Segment).where(Segment.title == "Cấp CCCD"))
    assert (seg.scope, seg.status, seg.producer) == ("commune:18073", "pending", "Phường Nam Hà")
    html = text(c.get(res.location))
    assert "Tin đang chờ Sở duyệt" in html and "Cấp CCCD" in html


def test_who_may_use_the_content_pages(signed, work_app, tiny):
    seg = airing_on(tiny, "guide-birth")
    assert signed("d440").get(PAGE).status_code == 403
    assert signed("op18073").get(PAGE).status_code == 403
    assert signed("so").get(PAGE).status_code == 200
    assert signed("d436").get("/admin/approval/").status_code == 403
    assert signed("op18073").get(f"/station/18202/{MONTH}/notice").status_code == 403
    # the province's guide is not the district's to withdraw
    url = f"{PAGE}{seg.id}/withdraw?from={SOON.isoformat()}"
    assert signed("d436").get(url).status_code == 403
    assert signed("so").get(f"/admin/segments/{seg.id}/withdraw?from={SOON}").status_code == 200
    anonymous = work_app.test_client()
    assert anonymous.get(PAGE).status_code == 302
    assert anonymous.get(f"/d/not-a-token/{MONTH}/notice").status_code == 404
    # no form token: refused, nothing stored
    before = count(tiny)
    res = signed("d436").post(PAGE + "notice", data={"text": NOTICE, "kind": "service_guide",
                                                     "scope": "district:436", "action": "speak"})
    assert res.status_code == 400 and count(tiny) == before


@pytest.mark.parametrize("change, says", [
    ({"from": "2024-13-40"}, "Từ ngày: '2024-13-40' không phải ngày"),
    ({"days": "0"}, "Số ngày: từ 1 đến 93, không phải 0"),
    ({"days": "ba"}, "Số ngày: phải là số nguyên, không phải 'ba'"),
    ({"from": "2020-01-01"}, "đã qua"),
    ({"scope": "district:440"}, "bạn không được thêm bản tin cho Huyện Hương Sơn"),
    ({"title": ""}, "bản tin cần có tiêu đề"),
    ({"long": True}, "dài 25 giây nhưng buổi sáng (05:30) của Phường Nam Hà"),
])
def test_a_wrong_bulletin_is_refused_at_once_and_the_form_kept(signed, tiny, tmp_path, change,
                                                               says):
    c = signed("d436")
    change = dict(change)  # the parameter is shared by both backends' runs
    if change.pop("long", False):  # a 25 s bulletin, sessions of 20 s
        import_sessions(tiny, b"scope,session,start,weekdays,capacity_s\n"
                              b"province,s\xc3\xa1ng,05:30,daily,20\n")
        tiny.commit()
    audio = make_audio(tmp_path / "ban-tin.mp3", "sine", 25.0).read_bytes()
    before, jobs = count(tiny), count(tiny, Job)
    form = {"title": "Bão số 3", "priority": "urgent", "scope": "district:436",
            "from": SOON.isoformat(), "days": "2", **change}
    res = post(c, PAGE + "bulletin", {**form, "file": (io.BytesIO(audio), "ban-tin.mp3")},
               content_type="multipart/form-data")
    html = text(res)
    assert res.status_code == 400, html[:800]
    assert says in html
    assert value(html, "bulletin-title") == form["title"]
    assert value(html, "bulletin-days") == form["days"]
    assert (count(tiny), count(tiny, Job)) == (before, jobs)
    assert not list((tmp_path / "library" / ".uploads").glob("*/*"))  # the upload is gone too


def test_the_withdrawal_is_confirmed_by_title_before_it_runs(signed, tiny):
    seg = airing_on(tiny, "guide-birth")
    c = signed("so")
    res = c.get(f"/admin/segments/{seg.id}/withdraw?from={SOON.isoformat()}")
    html = text(res)
    assert "Tin «Hướng dẫn đăng ký khai sinh»" in html
    assert f"sẽ ngừng phát từ ngày {SOON.strftime('%d/%m/%Y')}" in html
    assert "Chưa có lịch cho những ngày đó" in html
    res = post(c, f"/admin/segments/{seg.id}/withdraw", {"from": "2020-01-01", "confirm": "1"})
    assert res.status_code == 400 and "đã qua" in text(res)
    tiny.expire_all()
    assert tiny.get(Segment, seg.id).withdrawn_from is None
    assert "Rút tin…" in text(c.get("/admin/segments/"))


def test_the_department_approves_and_refuses(signed, tiny, workshop):
    from radio_sched.production.speak import speak_text

    set_needs_approval(tiny, "service_guide", True, by="so")
    for title in ("Tin một", "Tin hai"):
        speak_text(tiny, workshop.settings, f"{title}: hướng dẫn nộp hồ sơ trực tuyến.",
                   kind="service_guide", scope="commune:18073", title=title, producer="Nam Hà")
    tiny.commit()
    one, two = (tiny.scalar(select(Segment).where(Segment.title == t)) for t in ("Tin một",
                                                                                 "Tin hai"))
    c = signed("so")
    html = text(c.get("/admin/approval/"))
    assert "Đang chờ duyệt (2)" in html and "Phường Nam Hà" in html
    assert "commune:" not in shown(html)
    audio = c.get(f"/admin/approval/{one.id}/audio")
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    data = audio.get_data()
    audio.close()
    assert data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3")  # an MP3 frame
    assert len(data) > 4000
    res = post(c, f"/admin/approval/{two.id}/refuse", {"reason": ""})
    assert res.status_code == 400 and "hãy ghi lý do" in text(res)
    res = post(c, f"/admin/approval/{one.id}/approve", {})
    assert res.status_code == 302 and res.location.endswith("/admin/approval/")  # no job
    res = post(c, f"/admin/approval/{two.id}/refuse", {"reason": "Sai số điện thoại"})
    assert res.status_code == 302
    tiny.expire_all()
    assert (tiny.get(Segment, one.id).status, tiny.get(Segment, two.id).status) == (
        "approved", "rejected")
    assert tiny.get(Segment, two.id).review_note == "Sai số điện thoại"
    assert count(tiny, Job) == 0
    res = post(c, "/admin/approval/kinds", {"kind": "service_guide", "needed": "0"})
    assert res.status_code == 302
    html = text(c.get("/admin/approval/"))
    assert "Không có tin nào chờ duyệt." in html


def test_the_pages_read_in_english_on_request(signed, tiny):
    c = signed("d436")
    html = text(c.get(PAGE + "?lang=en"))
    assert "Add a bulletin" in html and "A notice read from text" in html
    assert "Thêm bản tin" not in html
    res = post(c, PAGE + "notice?lang=en", {"text": "", "kind": "service_guide",
                                            "scope": "district:436", "action": "speak"})
    assert res.status_code == 400 and "Text of the notice: no text to speak" in text(res)


def test_a_signed_in_operator_speaks_for_its_own_commune_only(signed, tiny):
    c = signed("op18073")
    assert "Đọc thông báo từ văn bản" in text(c.get(f"/station/18073/{MONTH}/"))
    res = post(c, f"/station/18073/{MONTH}/notice", {
        "title": "Nộp thuế", "kind": "service_guide", "action": "speak",
        "text": "Người dân nộp thuế đất trước ngày 31/5.", "scope": "district:436"})
    assert res.status_code == 302
    seg = tiny.scalar(select(Segment).where(Segment.title == "Nộp thuế"))
    assert (seg.scope, seg.producer) == ("commune:18073", "op18073")
    assert post(c, f"/station/18202/{MONTH}/notice", {
        "text": "x", "kind": "service_guide", "action": "speak"}).status_code == 403
    # a planner's form is not the operator's way to name another place
    assert post(c, PAGE + "notice", {"text": "x", "kind": "service_guide",
                                     "scope": "commune:18073"}).status_code == 403


def test_the_departments_bulletin_form_refuses_and_keeps_what_was_typed(signed, tiny, tmp_path):
    c = signed("so")
    audio = make_audio(tmp_path / "tin.mp3", "sine", 3.0).read_bytes()
    before, jobs = count(tiny), count(tiny, Job)
    res = post(c, "/admin/approval/bulletin", {
        "title": "Tin khẩn của Sở", "priority": "khẩn", "scope": "province",
        "from": SOON.isoformat(), "days": "3", "file": (io.BytesIO(audio), "tin.mp3")},
        content_type="multipart/form-data")
    html = text(res)
    assert res.status_code == 400 and "Mức ưu tiên: normal, priority hoặc urgent, không phải 'khẩn'" in html
    assert 'value="Tin khẩn của Sở"' in html and 'value="3"' in html
    assert (count(tiny), count(tiny, Job)) == (before, jobs)
