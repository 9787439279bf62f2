"""Hostile and broken input at the web layer: oversize uploads, markup in names, NFC text."""

import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select

from radio_sched.core.config import WebSettings
from radio_sched.core.db import session_scope
from radio_sched.core.models import AsRun, Segment
from radio_sched.web import create_app

from .conftest import csrf_token, login, post_form

pytestmark = pytest.mark.all_backends

ROOT = Path(__file__).resolve().parents[2]


def test_an_oversize_upload_is_refused_with_a_message(site):
    app = create_app({"DB_URL": site.db_url, "TESTING": True, "WEB": WebSettings(max_upload_mb=1),
                      "SECRET_KEY": "test-only key, at least 32 characters long"})
    c = app.test_client()
    login(c, "op18073")
    big = b"station,date,session,status\n" + b"18073,2024-03-01,s\xc3\xa1ng,aired\n" * 60_000
    # the multipart body is built here: werkzeug's test client would spool it to a temporary
    # file that it never closes (a warning, hence an error, in this suite)
    body = (b"--B\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            + csrf_token(c).encode() + b"\r\n--B\r\nContent-Disposition: form-data; "
            b"name=\"file\"; filename=\"asrun.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            + big + b"\r\n--B--\r\n")
    r = c.post("/station/18073/2024-03/asrun", data=body,
               content_type="multipart/form-data; boundary=B")
    assert r.status_code == 413 and "Tệp tải lên lớn hơn 1 MB." in r.get_data(as_text=True)
    with session_scope(site.db_url) as s:
        assert s.scalar(select(func.count(AsRun.id))) == 0


def test_markup_in_titles_and_reasons_is_text_everywhere(as_user, site):
    evil = '<img src=x onerror="alert(1)">'
    with session_scope(site.db_url) as s:
        s.scalar(select(Segment).where(Segment.slug == "guide-birth")).title = evil
    op = as_user("op18073")
    r = post_form(op, "/station/18073/2024-03/asrun", {"date": "2024-03-01", "session": "sáng",
                                                       "status": "missed", "reason": evil})
    assert r.status_code == 302
    for client, url in [(op, "/station/18073/2024-03/"), (as_user("d436"), "/district/436/2024-03/"),
                        (as_user("d436"), "/station/18073/2024-03/")]:
        page = client.get(url).get_data(as_text=True)
        assert "<img" not in page, url
    page = op.get("/station/18073/2024-03/").get_data(as_text=True)
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def test_pages_and_code_are_nfc():
    files = list((ROOT / "templates" / "web").rglob("*.html")) + \
        list((ROOT / "radio_sched").rglob("*.py"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, path
