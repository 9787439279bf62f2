"""District work from the web: plan, render and segment uploads run as real job processes."""

import hashlib
import html
import io
import zipfile

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import session_scope
from radio_sched.production.catalogue import segment_titles
from radio_sched.reports.readable import reason_words
from radio_sched.reference.plan_rules import active_plan
from radio_sched.jobs.runner import recent_jobs, run
from radio_sched.jobs.locks import claim
from radio_sched.core.models import Bundle, Job, Schedule, Segment
from radio_sched.production.bundle import open_bundle

from ..production.helpers import make_audio
from .conftest import login, post_form, wait_for_job

PAGE = "/district/436/2024-03/"


def signed_in(app, username):
    c = app.test_client()
    assert login(c, username).status_code == 302
    return c


def job_of(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert location.startswith("/jobs/"), location
    return int(location.rsplit("/", 1)[1])


def upload(client, files, **form):
    """POST the upload form: files as (bytes, client file name) pairs."""
    data = {"kind": "district_episode", "scope": "district:436", **form,
            "files": [(io.BytesIO(body), name) for body, name in files]}
    return post_form(client, PAGE + "segments", data, content_type="multipart/form-data")


def uploads_left(workshop):
    folder = workshop.settings.library_root / ".uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def count(db_url, model):
    with session_scope(db_url) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.all_backends
def test_upload_plan_render_as_job_processes(work_app, workshop):
    url = workshop.settings.db_url
    d = signed_in(work_app, "d436")
    page = d.get(PAGE).get_data(as_text=True)
    assert "Chưa lập lịch." in page and 'id="render-month" disabled' in page

    # an episode; the browser's file name carries folders, which are dropped
    body = workshop.audio["episode"].read_bytes()
    job_id = job_of(upload(d, [(body, "../../Chuyên mục CCHC số 9.mp3")], title="Chuyên mục số 9",
                           valid_from="2024-03-04", valid_until="2024-03-10"))
    done = wait_for_job(url, job_id)
    assert done.status == "done", done.result
    assert (done.kind, done.month, done.scope, done.created_by) == ("segments", None,
                                                                   "district:436", "d436")
    assert done.result["added"] == ["chuyen-muc-cchc-so-9"]
    with session_scope(url) as s:
        seg = s.scalar(select(Segment).where(Segment.slug == "chuyen-muc-cchc-so-9"))
        assert (seg.title, seg.scope, seg.original_name, seg.kind) == (
            "Chuyên mục số 9", "district:436", "Chuyên mục CCHC số 9.mp3", "district_episode")
        assert seg.sha256 == hashlib.sha256(body).hexdigest() and 5.0 < seg.duration_s < 7.0
    assert uploads_left(workshop) == []  # the upload folder went with the job
    job_page = d.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Mục phát: thêm 1, thay 0" in job_page
    assert 'href="/district/436/2024-03/" id="job-back"' in job_page  # back where it was sent from

    # plan: a job process; its page sums it up; the district page lists what is short, and why
    job_id = job_of(post_form(d, PAGE + "plan"))
    done = wait_for_job(url, job_id)
    assert done.status == "done", done.result
    r = done.result
    assert (r["version"], r["stations"], r["status"]) == (1, 2, "shortfalls")
    assert r["airings"] >= 2 and done.progress == done.total > 0
    job_page = d.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Phiên bản lịch 1: còn thiếu; 2 đài" in job_page
    assert 'href="/district/436/2024-03/"' in job_page
    with session_scope(url) as s:
        sch = s.scalar(select(Schedule))
        assert (sch.scope, sch.version, sch.created_by) == ("district:436", 1, "d436")
    page = d.get(PAGE).get_data(as_text=True)
    assert "Đã lập lịch, còn thiếu:" in page and 'id="render-month" disabled' not in page
    shortfalls = page[page.index('id="shortfalls"'):]
    shortfalls = shortfalls[:shortfalls.index("</section>")]
    assert "Gương điển hình, việc tốt trong CCHC" in shortfalls and "Phường Nam Hà" in shortfalls
    # the reason, in the page's language, with the kind in words and no id or ISO date
    assert ("không có tin loại Gương điển hình, việc tốt trong CCHC nào được cung cấp cho xã "
            "này trong tháng 3 năm 2024") in shortfalls
    assert "model-citizen" not in shortfalls and "model_citizen" not in shortfalls

    # render: bundles for both communes, recorded with their sha256
    job_id = job_of(post_form(d, PAGE + "render"))
    done = wait_for_job(url, job_id)
    assert done.status == "done", done.result
    assert (done.result["bundles_new"], done.result["stations"]) == (2, 2)
    with session_scope(url) as s:
        bundles = s.scalars(select(Bundle)).all()
        assert len(bundles) == 2
        for b in bundles:
            data = open_bundle(workshop.settings.schedules_root / b.path).read()
            assert hashlib.sha256(data).hexdigest() == b.sha256
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            assert any(n.endswith(".mp3") for n in names)
    assert "2 gói mới, 0 gói không đổi" in d.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Gói âm thanh đã sẵn sàng cho 2/2 xã." in d.get(PAGE).get_data(as_text=True)
    english = d.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "no Model citizen, good deeds segment was supplied for this commune in March 2024" in english
    assert "Audio bundles ready for 2 of 2 communes." in english


def test_a_busy_month_is_refused_plainly(work_app, workshop):
    url = workshop.settings.db_url
    d = signed_in(work_app, "d436")
    held = claim(url, "render", "2024-03", "province", created_by="so")
    for action in ("plan", "render"):
        r = post_form(d, PAGE + action)
        assert r.status_code == 409
        text = r.get_data(as_text=True)
        assert f"việc số {held}, do so chạy" in text and 'id="plan-month"' in text
    # an upload is not a month's work: it runs while the month is busy
    job_id = job_of(upload(d, [(workshop.audio["episode"].read_bytes(), "tap-9.mp3")]))
    assert wait_for_job(url, job_id).status == "done"
    with session_scope(url) as s:
        assert [j.id for j in recent_jobs(s) if j.status in ("queued", "running")] == [held]
        assert s.scalar(select(func.count(Schedule.id))) == 0
    run(url, held, lambda s, p: {})
    assert wait_for_job(url, job_of(post_form(d, PAGE + "plan"))).status == "done"


def test_refused_uploads_change_nothing(work_app, workshop):
    url = workshop.settings.db_url
    d = signed_in(work_app, "d436")
    episode = workshop.audio["episode"].read_bytes()
    before = count(url, Segment)
    cases = [
        ({"scope": "district:440"}, [(episode, "a.mp3")],
         "a.mp3: bạn không được thêm mục phát cho Huyện Hương Sơn"),
        ({"scope": "province"}, [(episode, "a.mp3")], "bạn không được thêm mục phát cho Toàn tỉnh"),
        ({"slug": "jingle-intro", "replace": "1"}, [(episode, "a.mp3")],
         "mã mục 'jingle-intro' thuộc Toàn tỉnh, không do bạn quản lý"),
        ({"valid_from": "31/02/2024"}, [(episode, "a.mp3")], "cột 'valid_from'"),
        ({"kind": "Tập phim"}, [(episode, "a.mp3")], "không phải loại mục"),
        ({"title": "Một tiêu đề"}, [(episode, "a.mp3"), (episode, "b.mp3")],
         "tiêu đề và mã chỉ dùng cho một tệp"),
        ({}, [], "hãy chọn ít nhất một tệp âm thanh"),
    ]
    for form, files, message in cases:
        r = upload(d, files, **form)
        text = html.unescape(r.get_data(as_text=True))
        assert r.status_code == 400 and message in text, (form, text[:3000])
        assert 'id="upload-form"' in text
    assert count(url, Segment) == before and count(url, Job) == 0
    assert uploads_left(workshop) == []
    # other roles and districts never reach it
    assert upload(signed_in(work_app, "d440"), [(episode, "a.mp3")]).status_code == 403
    assert upload(signed_in(work_app, "op18073"), [(episode, "a.mp3")]).status_code == 403
    assert count(url, Job) == 0 and uploads_left(workshop) == []


def test_bad_audio_fails_the_job_with_the_users_file_names(work_app, workshop):
    url = workshop.settings.db_url
    d = signed_in(work_app, "d436")
    before = count(url, Segment)
    job_id = job_of(upload(d, [(workshop.audio["episode"].read_bytes(), "tốt.mp3"),
                               (b"this is not audio at all", "Bản tin hỏng.mp3")]))
    done = wait_for_job(url, job_id)
    assert done.status == "failed"
    error = done.result["error"]["vi"]
    assert "Bản tin hỏng.mp3" in error and "không phải tệp âm thanh" in error
    assert ".uploads" not in error and str(workshop.settings.library_root) not in error
    page = d.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Bản tin hỏng.mp3" in page and "thất bại" in page
    assert count(url, Segment) == before and uploads_left(workshop) == []
    originals = workshop.settings.library_root / "originals"
    assert hashlib.sha256(workshop.audio["episode"].read_bytes()).hexdigest() not in {
        p.stem for p in originals.rglob("*") if p.is_file()}


def test_manifest_upload_reaches_only_its_own_files(work_app, workshop, tmp_path):
    url = workshop.settings.db_url
    d = signed_in(work_app, "d436")
    episode = workshop.audio["episode"].read_bytes()
    tune = make_audio(tmp_path / "tune.wav", "clicks", 2.0).read_bytes()

    def send(manifest: str, files):
        data = {"manifest": (io.BytesIO(manifest.encode("utf-8-sig")), "segments.csv"),
                "files": [(io.BytesIO(b), n) for b, n in files]}
        return post_form(d, PAGE + "segments", data, content_type="multipart/form-data")

    head = "file,title,kind,scope,valid_from,valid_until,topics,language,producer\n"
    # a row naming a file on the server, or one not sent, is refused; nothing is added
    bad = (head + "../../../../etc/hostname,Mượn tệp,district_episode,district:436,,,,,\n"
           "tap-10.mp3,Tập 10,district_episode,district:436,,,,,\n")
    r = send(bad, [(episode, "tap-9.mp3")])
    text = html.unescape(r.get_data(as_text=True))
    assert r.status_code == 400
    assert "segments.csv, dòng 2, cột 'file'" in text
    assert "chưa được tải lên cùng tệp kê khai" in text
    assert "segments.csv, dòng 3" in text
    assert count(url, Job) == 0 and uploads_left(workshop) == []
    good = (head
            + "audio/tap-9.mp3,Tập 9,district_episode,district:436,2024-03-04,2024-03-10,,vi,\n"
            "Nhạc hiệu xã.wav,Nhạc hiệu Nam Hà,jingle,commune:18073,,,,vi,Đài Nam Hà\n")
    done = wait_for_job(url, job_of(send(good, [(episode, "tap-9.mp3"),
                                                (tune, "Nhạc hiệu xã.wav")])))
    assert done.status == "done", done.result
    assert sorted(done.result["added"]) == ["nhac-hieu-xa", "tap-9"]
    with session_scope(url) as s:
        seg = s.scalar(select(Segment).where(Segment.slug == "nhac-hieu-xa"))
        assert (seg.scope, seg.producer, seg.original_name) == ("commune:18073", "Đài Nam Hà",
                                                                "Nhạc hiệu xã.wav")


def test_an_oversize_segment_upload_is_refused(workshop):
    from radio_sched.core.config import WebSettings
    from radio_sched.web import create_app

    from .conftest import csrf_token

    app = create_app({"SETTINGS": workshop.settings, "TESTING": True,
                      "WEB": WebSettings(max_upload_mb=1)})
    c = signed_in(app, "d436")
    # the multipart body is built here (see test_hostile_input: the test client's spooled file
    # would stay open)
    body = (b"--B\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            + csrf_token(c).encode() + b"\r\n--B\r\nContent-Disposition: form-data; "
            b"name=\"files\"; filename=\"big.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
            + b"\0" * (1 << 20) + b"\r\n--B--\r\n")
    r = c.post(PAGE + "segments", data=body, content_type="multipart/form-data; boundary=B")
    assert r.status_code == 413 and "Tệp tải lên lớn hơn 1 MB." in r.get_data(as_text=True)
    assert count(workshop.settings.db_url, Job) == 0 and uploads_left(workshop) == []


@pytest.mark.all_backends
def test_replan_as_a_job_process_shows_what_changed_and_what_cannot_be_restored(work_app, workshop):
    import datetime as dt

    from radio_sched.reports.asrun import record_asrun
    from radio_sched.core.periods import parse_month
    from radio_sched.planning.plan import check_month
    from radio_sched.planning.instances import current_airings_by_station
    from radio_sched.core.models import Station

    url = workshop.settings.db_url
    d = signed_in(work_app, "d436")
    page = d.get(PAGE).get_data(as_text=True)
    # nothing planned yet: no re-plan form, a sentence saying why
    assert 'id="replan-form"' not in page
    assert "Tháng này chưa có lịch: hãy lập lịch trước." in page
    refused = post_form(d, PAGE + "replan", {"from": "2024-03-12"})
    assert refused.status_code == 400
    assert "chưa có lịch tháng 2024-03 cho district:436: hãy lập lịch trước" in refused.get_data(
        as_text=True)
    assert wait_for_job(url, job_of(post_form(d, PAGE + "plan"))).status == "done"
    # the month is over (the test runs after March 2024) and nothing is reported: its first day
    page = d.get(PAGE).get_data(as_text=True)
    assert 'id="replan-from" required value="2024-03-01"' in page
    assert 'id="replan-month" disabled' not in page

    # 18073 reports two sessions missed (a storm), and is marked off the air on its next day with
    # an airing after that: both need the re-plan
    with session_scope(url) as s:
        ids = {st.code: st.id for st in s.scalars(select(Station))}
        aired = current_airings_by_station(s, parse_month("2024-03"), [ids["18073"]])[ids["18073"]]
        storm = [a for a in aired if dt.date(2024, 3, 4) <= a[0]][:2]
        record_asrun(s, [{"station": "18073", "date": str(day), "session": sess, "status": "missed",
                          "reason": "mất điện do bão"} for day, sess, _ in storm], "web", "d436",
                     today=dt.date(2024, 4, 1))
    start = storm[-1][0] + dt.timedelta(days=1)
    later = next(day for day, _, _ in aired if day >= start)
    assert post_form(d, PAGE + "offair", {"target": "commune:18073", "date_from": str(later),
                                          "reason": "mất điện"}).status_code == 302
    # the form now offers the day after the last report
    assert f'id="replan-from" required value="{start}"' in d.get(PAGE).get_data(as_text=True)
    # bad dates are refused plainly and start nothing; so is a day already reported
    for value, message in (("31/02/2024", "'31/02/2024' không phải ngày"),
                           ("2024-04-02", "ngày lập lại lịch 2024-04-02 không thuộc tháng 2024-03"),
                           (str(storm[0][0]), "đã có đài báo cáo buổi phát từ ngày")):
        r = post_form(d, PAGE + "replan", {"from": value})
        text = html.unescape(r.get_data(as_text=True))
        assert r.status_code == 400 and message in text, (value, text[:2000])
        assert f'id="replan-from" required value="{value}"' in text  # the user's input kept
    jobs_before = count(url, Job)

    job_id = job_of(post_form(d, PAGE + "replan", {"from": str(start)}))
    done = wait_for_job(url, job_id)
    assert done.status == "done", done.result
    assert (done.kind, done.month, done.scope, done.created_by) == ("replan", "2024-03",
                                                                   "district:436", "d436")
    assert done.progress == done.total > 0 and count(url, Job) == jobs_before + 1
    r = done.result
    assert (r["version"], r["replan_from"], r["stations"], r["changed"]) == (2, str(start), 2,
                                                                            ["18073"])
    assert r["lost"] == sum(len(items) for _, _, items in storm) > 0
    assert r["bundles_new"] == 1 and r["sessions_changed"] >= 1
    assert str(later) in {c["day"] for c in r["changes"]}
    assert all(c["station"] == "18073" and c["day"] >= str(start) for c in r["changes"])
    with session_scope(url) as s:
        sch = s.scalar(select(Schedule).where(Schedule.version == 2))
        assert (sch.kind, sch.replan_from, sch.created_by) == ("replan", start, "d436")
        assert check_month(s, parse_month("2024-03")).ok
        bundle = s.scalar(select(Bundle).where(Bundle.schedule_id == sch.id))
        assert bundle is not None and bundle.station_id == ids["18073"]
    job_page = html.unescape(d.get(f"/jobs/{job_id}").get_data(as_text=True))
    assert f"Phiên bản lịch 2 từ ngày {start:%d/%m/%Y}: 1/2 xã thay đổi" in job_page
    assert f"Trước ngày đó, {r['lost']} tin bị mất" in job_page and 'id="replan-changes"' in job_page
    first = r["changes"][0]
    assert f"{first['day'][8:10]}/{first['day'][5:7]}/2024" in job_page
    unrestorable = job_page[job_page.index('id="replan-unrestorable"'):]
    assert len(r["unrestorable"]) == r["unrestorable_total"] > 0  # the plan's rules ask for more
    # what the storm took comes first; what the first version already lacked is said so
    lost = [u["lost"] for u in r["unrestorable"]]
    assert lost == sorted(lost, reverse=True) and lost[0] >= 1 and not r["unrestorable"][0]["before"]
    assert any(u["before"] for u in r["unrestorable"])
    # worded for people: rule titles, kinds in words, dd/mm/yyyy; the ids stay in the result
    unrestorable = unrestorable[:unrestorable.index("</section>")]
    u0 = r["unrestorable"][0]
    assert u0["code"] and u0["reason"]["vi"] not in unrestorable
    with session_scope(url) as s:
        words = reason_words(u0, rules={x.id: x.title for x in active_plan(s, 2024)[1].rules},
                             titles=segment_titles(s, [(u0["params"] or {}).get("segment")]))
    assert words["vi"] in unrestorable
    for rid in {u["rule"] for u in r["unrestorable"]} | {"model_citizen", "2024-03-"}:
        assert rid not in unrestorable, rid
    changes = job_page[job_page.index('id="replan-changes"'):]
    changes = changes[:changes.index("</section>")]
    assert not any(slug in changes for c in r["changes"] for slug in c["after"]), changes
    english = html.unescape(d.get(f"/jobs/{job_id}?lang=en").get_data(as_text=True))
    assert "What cannot be restored" in english and words["en"] in english
    month_page = html.unescape(d.get(PAGE + "?lang=vi").get_data(as_text=True))  # counts in words
    assert "không phát" in month_page and "missed:" not in month_page and "aired:" not in month_page

    # the same re-plan again changes nothing, and says so
    again = wait_for_job(url, job_of(post_form(d, PAGE + "replan", {"from": str(start)})))
    assert again.status == "done" and again.result["version"] is None
    assert "Không có gì thay đổi từ ngày" in d.get(f"/jobs/{again.id}?lang=vi").get_data(as_text=True)
