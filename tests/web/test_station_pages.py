"""The station page: calendar, as-run form and upload, download links; titles are escaped."""

import re

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import session_scope
from radio_sched.core.models import AsRun, DownloadToken

from .conftest import post_form

pytestmark = pytest.mark.all_backends

PAGE = "/station/18073/2024-03/"


def test_calendar_shows_the_month(as_user):
    page = as_user("op18073").get(PAGE).get_data(as_text=True)
    assert "Phường Nam Hà" in page and "Tháng 03/2024" in page and "2024-03</strong>" not in page
    assert page.count('class="airing"') == 3  # days 1, 4 and 8
    assert page.count('class="report-form"') == 3 + 1  # a form per past session, and the upload
    assert "Chuyên mục CCHC huyện số 1" in page and "Hướng dẫn đăng ký khai sinh" in page
    assert "Phiên bản lịch 1" in page and "3 buổi · 9 mục" in page
    assert "<th>T2</th>" in page and "<th>CN</th>" in page
    # a title with markup is shown as text, never as markup
    assert "<b>Nam Hà</b>" not in page and "&lt;b&gt;Nam Hà&lt;/b&gt;" in page
    assert 'href="/station/18073/2024-02/"' in page and 'href="/station/18073/2024-04/"' in page


def test_shortfalls_are_explained_in_the_users_language(as_user):
    c = as_user("op18202")
    assert "xã chưa gửi mục người tốt việc tốt" in c.get("/station/18202/2024-03/").get_data(as_text=True)
    assert "the commune sent no item" in c.get("/station/18202/2024-03/?lang=en").get_data(as_text=True)


def test_report_one_session_then_replace_it(as_user, site):
    c = as_user("op18073")
    row = "r-2024-03-04-0530"
    r = post_form(c, PAGE + "asrun", {"date": "2024-03-04", "session": "sáng", "status": "missed",
                                      "segment": "", "reason": "mất điện", "at": row})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"?at={row}#{row}")
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    here = page[page.index(f'id="{row}"'):]
    here = here[:here.index("</li>\n")]
    assert "Đã lưu: 1 mới, 0 thay đổi, 0 như cũ." in here  # where the person pressed Save
    assert "không phát</span>" in here and "mất điện" in here and "ghi bởi op18073" in here
    assert '<option value="missed" selected>' in here and 'value="mất điện"' in here
    post_form(c, PAGE + "asrun", {"date": "2024-03-04", "session": "sáng", "status": "aired",
                                  "at": row})
    page = c.get(PAGE + f"?at={row}").get_data(as_text=True)
    assert "Đã lưu: 0 mới, 1 thay đổi, 0 như cũ." in page
    assert "Báo cáo trước đó (1)" in page  # the miss it replaced is kept, with who and when
    with session_scope(site.db_url) as s:
        rows = s.scalars(select(AsRun)).all()
        assert [(r.status, r.source, r.reported_by) for r in rows] == [("aired", "web", "op18073")]


def test_a_bad_report_says_what_and_changes_nothing(as_user, site):
    c = as_user("op18073")
    r = post_form(c, PAGE + "asrun", {"date": "2024-03-02", "session": "sáng", "status": "aired"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "đài 18073 không có buổi &#39;sáng&#39; trong lịch ngày 2024-03-02" in body
    r = post_form(c, PAGE + "asrun", {"date": "2024-03-01", "session": "sáng", "status": "hmm"})
    assert "&#39;hmm&#39; không phải trạng thái" in r.get_data(as_text=True)
    with session_scope(site.db_url) as s:
        assert s.scalar(select(func.count(AsRun.id))) == 0


def test_a_miss_without_a_reason_comes_back_to_its_row_as_typed(as_user, site):
    """The refusal is shown at the session, in the form's words (no file, line or column), the
    form keeps 'missed' and what was typed, and the page opens at the row."""
    c = as_user("op18073")
    row = "r-2024-03-04-0530"
    r = post_form(c, PAGE + "asrun", {"date": "2024-03-04", "session": "sáng", "status": "missed",
                                      "segment": "", "reason": "", "at": row})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    here = page[page.index(f'id="{row}"'):]
    here = here[:here.index("</li>\n")]
    assert 'role="alert"' in here and "cần ghi lý do" in here
    assert "cột" not in here and "dòng 1" not in here and "&#39;reason&#39;" not in here
    assert '<option value="missed" selected>' in here and "autofocus" in here
    assert f'action="/station/18073/2024-03/asrun#{row}"' in here
    with session_scope(site.db_url) as s:
        assert s.scalar(select(func.count(AsRun.id))) == 0


def test_upload_asrun_csv(as_user, site):
    import io

    c = as_user("op18073")
    csv = ("station,date,session,status,segment,reason\n"
           "18073,2024-03-01,sáng,aired,,\n"
           "18073,2024-03-08,sáng,partial,guide-birth,hết giờ\n").encode()
    r = post_form(c, PAGE + "asrun", {"file": (io.BytesIO(b"\xef\xbb\xbf" + csv), "asrun.csv"),
                                      "at": "asrun-upload"}, content_type="multipart/form-data")
    assert r.status_code == 302
    assert "Đã lưu: 2 mới, 0 thay đổi, 0 như cũ." in c.get(PAGE + "?at=asrun-upload").get_data(
        as_text=True)
    # a file that speaks for another station is refused whole, even with good lines in it
    other = csv.replace(b"18073,2024-03-08", b"18202,2024-03-08")
    r = post_form(c, PAGE + "asrun", {"file": (io.BytesIO(other), "x.csv")},
                  content_type="multipart/form-data")
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and "x.csv, dòng 3, cột &#39;station&#39;" in body
    assert "bạn không được báo cáo cho đài 18202" in body
    with session_scope(site.db_url) as s:
        assert s.scalar(select(func.count(AsRun.id))) == 2


def test_report_through_a_download_link(client, site):
    url = f"/d/{site.token}/2024-03/asrun"
    r = post_form(client, url, {"date": "2024-03-01", "session": "sáng", "status": "aired"})
    assert r.status_code == 302
    with session_scope(site.db_url) as s:
        assert s.scalar(select(AsRun.reported_by)).startswith("link:")


def test_district_staff_make_and_revoke_links(as_user, app, site):
    d = as_user("d436")
    page = d.get(PAGE).get_data(as_text=True)
    assert "Tạo đường dẫn" in page and "#1 điện thoại" in page
    r = post_form(d, "/station/18073/links", {"label": "chị Hoa <script>"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "chỉ hiện lần này" in body and "<script>" not in body
    link = re.search(r'id="new-link-url" value="([^"]+)"', body).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    fresh = app.test_client()
    assert fresh.get(f"/d/{token}/2024-03/").status_code == 200
    with session_scope(site.db_url) as s:
        new_id = s.scalar(select(func.max(DownloadToken.id)))
    assert post_form(d, f"/station/18073/links/{new_id}/revoke").status_code == 302
    assert fresh.get(f"/d/{token}/2024-03/").status_code == 404
    # operators do not make links, and a district cannot revoke another district's links
    op = as_user("op18073")
    assert "Tạo đường dẫn" not in op.get(PAGE).get_data(as_text=True)
    assert post_form(op, "/station/18073/links", {"label": "x"}).status_code == 403
    assert post_form(as_user("d440"), "/station/18073/links/1/revoke").status_code == 403
    assert post_form(d, "/station/18077/links/1/revoke").status_code == 403  # link 1 is 18073's


def test_district_and_department_pages(as_user, site):
    d = as_user("d436").get("/district/436/2024-03/").get_data(as_text=True)
    assert "Thành phố Hà Tĩnh" in d and "Phường Nam Hà" in d and "Phường Bắc Hà" in d
    assert "Xã Sơn Hồng" not in d
    assert "v1 · toàn tỉnh" in d  # where a version applies, by name
    # the job as people read it: what, how it stands, when, by whom; no id or kind word
    assert re.search(rf'href="/jobs/{site.job_id}">Lập lịch tháng 03/2024 — đang chờ, '
                     r'\d\d:\d\d \d\d/\d\d/\d{4} bởi d436</a>', d), d
    h = as_user("d440").get("/district/440/2024-03/").get_data(as_text=True)
    assert "xã chưa gửi mục người tốt việc tốt" in h
    dep = as_user("so").get("/department/2024-03/").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", dep, re.S)
    assert len(rows) == 3
    assert re.sub(r"<[^>]+>|\s+", " ", rows[1]).split() [-6:] == ["2", "2", "1", "1", "0", "0"]


def test_job_page_and_progress_api(as_user, site):
    from radio_sched.jobs.runner import run

    d = as_user("d436")
    page = d.get(f"/jobs/{site.job_id}").get_data(as_text=True)
    assert "đang chờ" in page and 'data-url="/api/v1/jobs/' in page
    run(site.db_url, site.job_id, lambda s, p: (p(3, 4), {"schedule_version": 2})[1])
    job = d.get(f"/api/v1/jobs/{site.job_id}").get_json()
    assert (job["status"], job["progress"], job["total"], job["percent"]) == ("done", 4, 4, 100)
    assert job["result"]["schedule_version"] == 2
    assert "đã xong" in d.get(f"/jobs/{site.job_id}").get_data(as_text=True)
