"""The Department replaces a segment's audio from the library page: a real job process checks and
prepares the new file (real ffmpeg) as 'segments add --replace' does; the rest of it is kept."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from radio_sched.core.db import session_scope
from radio_sched.core.models import Segment

from .conftest import post_form, wait_for_job
from .test_district_work import job_of, signed_in, uploads_left


@pytest.mark.all_backends
def test_a_segments_audio_is_replaced_in_a_job(work_app, workshop):
    url = workshop.settings.db_url
    so = signed_in(work_app, "so")
    with session_scope(url) as s:
        before = s.scalar(select(Segment).where(Segment.slug == "guide-birth"))
        seg_id, old_sha, old_len = before.id, before.sha256, before.duration_s
    page = so.get("/admin/segments/?kind=service_guide").get_data(as_text=True)
    assert "Hướng dẫn đăng ký khai sinh" in page and "LUFS" in page and "01/03/2024" in page

    body = workshop.audio["episode"].read_bytes()
    r = post_form(so, f"/admin/segments/{seg_id}/replace",
                  {"file": (io.BytesIO(body), "Hướng dẫn mới.mp3")},
                  content_type="multipart/form-data")
    done = wait_for_job(url, job_of(r))
    assert done.status == "done", done.result
    assert (done.kind, done.created_by, done.result["replaced"]) == ("segments", "so",
                                                                     ["guide-birth"])
    with session_scope(url) as s:
        seg = s.get(Segment, seg_id)
        assert seg.sha256 != old_sha and seg.duration_s != old_len
        assert (seg.slug, seg.title, seg.kind, seg.scope, seg.original_name) == (
            "guide-birth", "Hướng dẫn đăng ký khai sinh", "service_guide", "province",
            "Hướng dẫn mới.mp3")
        assert str(seg.valid_from) == "2024-03-01" and str(seg.valid_until) == "2024-03-31"
    assert uploads_left(workshop) == []
    job_page = so.get(f"/jobs/{done.id}")
    assert job_page.status_code == 200

    # no file, or the audio of another segment: refused at once, nothing changes
    assert post_form(so, f"/admin/segments/{seg_id}/replace", {},
                     content_type="multipart/form-data").status_code == 400
    jingle = workshop.audio["jingle-intro"].read_bytes()
    r = post_form(so, f"/admin/segments/{seg_id}/replace",
                  {"file": (io.BytesIO(jingle), "nhạc.wav")}, content_type="multipart/form-data")
    failed = wait_for_job(url, job_of(r))  # the library's checks run in the job
    assert failed.status == "failed" and "jingle-intro" in failed.result["error"]["vi"]
    with session_scope(url) as s:
        assert s.get(Segment, seg_id).original_name == "Hướng dẫn mới.mp3"
    assert uploads_left(workshop) == []
    assert post_form(so, "/admin/segments/99999/replace", {},
                     content_type="multipart/form-data").status_code == 404
    assert post_form(signed_in(work_app, "d436"), f"/admin/segments/{seg_id}/replace",
                     {"file": (io.BytesIO(body), "x.mp3")},
                     content_type="multipart/form-data").status_code == 403
