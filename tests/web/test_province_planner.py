"""The province's planner pages in the two-tier structure (since July 2025), beside the districts'
pages of 2024 in one database: who may use them, what they show, off-air days, job lines."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import func, select

from radio_sched.core.db import session_scope
from radio_sched.core.models import AsRun, Blackout, Job, Station, User
from radio_sched.jobs.runner import held
from radio_sched.reference.presets import apply_preset
from radio_sched.web import create_app

from .conftest import login, password_hash, post_form

pytestmark = pytest.mark.all_backends

PAGE = "/province/42/2025-09/"
USERS = {"so": ("department", "province", "Nguyễn Văn A"),
         "so42": ("department", "province:42", "Trần Thị B"),
         "d436": ("district", "district:436", "Trung tâm TP Hà Tĩnh"),
         "op18754": ("station", "commune:18754", "Đài Sông Trí")}


@pytest.fixture
def both(session, db_url):
    """Hà Tĩnh before July 2025 (12 districts) and after (69 communes), with accounts."""
    apply_preset(session, "ha-tinh-2024")
    apply_preset(session, "ha-tinh-2025")
    for name, (role, scope, shown) in USERS.items():
        session.add(User(username=name, display_name=shown, password_hash=password_hash(),
                         role=role, scope=scope))
    session.commit()
    return db_url


@pytest.fixture
def client_of(both, tmp_path):
    app = create_app({"DB_URL": both, "SCHEDULES_ROOT": str(tmp_path / "schedules"),
                      "TESTING": True, "SECRET_KEY": "test-only key, at least 32 characters long"})

    def make(username):
        c = app.test_client()
        assert login(c, username).status_code == 302
        return c
    return make


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_department_plans_its_69_communes_on_the_province_page(client_of):
    so = client_of("so")
    month = text_of(so.get("/department/2025-09/"))
    assert 'href="/province/42/2025-09/"' in month and 'id="planners"' in month
    assert 'href="/department/2025-08/" rel="prev"' in month
    page = so.get(PAGE)
    assert page.status_code == 200
    text = text_of(page)
    # the forms of the month's work, for the province's communes, and no scope string shown
    for form in ('id="plan-month"', 'id="render-month"', 'id="upload-form"', 'id="offair-form"'):
        assert form in text, form
    assert "Tỉnh trực tiếp lập lịch cho 69 xã" in text and "Các xã trong tháng (69)" in text
    assert text.count('href="/station/') == 69 and 'href="/station/18754/2025-09/"' in text
    assert "Phường Sông Trí" in text and "district:" not in text
    assert ">province:42<" not in text and ">province<" not in text
    assert 'value="provincial_program"' in text  # the upload suggests what the province makes
    assert "Tháng này chưa có lịch: hãy lập lịch trước." in text and 'id="replan-form"' not in text
    assert 'href="/province/42/2025-08/" rel="prev"' in text
    assert 'href="/province/42/2025-10/" rel="next"' in text
    # sessions by place name, not scope
    assert "<td>toàn tỉnh</td><td>sáng</td><td>05:30</td>" in text
    # an account of that province alone may too; /province/42/ opens on a month it plans
    assert client_of("so42").get(PAGE).status_code == 200
    assert so.get("/province/042/2025-09/").status_code == 200
    coverage = text_of(so.get("/department/2025-Q3/coverage"))
    assert 'href="/department/2025-Q2/coverage" rel="prev"' in coverage
    assert 'href="/department/2025-Q4/coverage" rel="next"' in coverage
    landing = so.get("/province/42/")
    assert landing.status_code == 302 and landing.headers["Location"].startswith("/province/42/")


def test_a_province_with_districts_that_month_keeps_the_district_pages(client_of):
    so = client_of("so")
    r = so.get("/province/42/2024-03/")
    assert r.status_code == 404 and "mỗi huyện lập lịch cho các xã trên trang của huyện" in \
        text_of(r)
    month = text_of(so.get("/department/2024-03/"))
    assert 'id="planners"' not in month and 'href="/district/436/2024-03/"' in month
    assert so.get("/district/436/2024-03/").status_code == 200
    # the district of 2024 is gone in September 2025; unknown codes answer 404
    for url in ("/district/436/2025-09/", "/province/41/2025-09/", "/province/x/2025-09/"):
        assert so.get(url).status_code == 404, url


def test_station_and_other_structure_accounts_cannot_plan_the_province(client_of, both):
    for name in ("op18754", "d436"):
        c = client_of(name)
        assert c.get(PAGE).status_code == 403, name
        for action in ("plan", "render"):
            assert post_form(c, PAGE + action).status_code == 403, (name, action)
        assert post_form(c, PAGE + "replan", {"from": "2025-09-10"}).status_code == 403
        assert post_form(c, PAGE + "offair", {"target": "commune:18754",
                                              "date_from": "2025-09-10"}).status_code == 403
    with session_scope(both) as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 0
        assert s.scalar(select(func.count()).select_from(Blackout)) == 0


def test_off_air_days_for_the_province_or_its_communes(client_of, both):
    so = client_of("so")
    r = post_form(so, PAGE + "offair", {"target": "commune:18754", "date_from": "2025-09-28",
                                        "date_to": "2025-09-30", "reason": "bão số 10"})
    assert r.status_code == 302 and r.headers["Location"].endswith(PAGE + "#offair")
    assert post_form(so, PAGE + "offair", {"target": "", "date_from": "2025-09-02",
                                           "reason": "Quốc khánh"}).status_code == 302
    # a commune of 2024 that is no commune of September 2025, or a district, is not the province's
    for target in ("commune:18077", "district:436"):
        assert post_form(so, PAGE + "offair", {"target": target,
                                               "date_from": "2025-09-10"}).status_code == 403
    with session_scope(both) as s:
        rows = [(b.scope, str(b.date_from), str(b.date_to), b.reason)
                for b in s.scalars(select(Blackout).order_by(Blackout.id))]
    assert rows == [("commune:18754", "2025-09-28", "2025-09-30", "bão số 10"),
                    ("province:42", "2025-09-02", "2025-09-02", "Quốc khánh")]
    text = text_of(so.get(PAGE))
    assert "<td>Phường Sông Trí</td><td>28/09/2025</td>" in text
    assert text.count(">Xóa<") == 2
    # the form makes the person choose where (no place is chosen for them)
    assert 'name="target" id="offair-target" required' in text
    assert '<option value="" disabled selected>' in text
    # a refusal is said at the form, in dd/mm/yyyy, with what was typed kept
    r = post_form(so, PAGE + "offair", {"target": "commune:18754", "date_from": "2025-09-12",
                                        "date_to": "2025-09-10", "reason": "bão"})
    page = text_of(r)
    assert r.status_code == 400 and 'action="/province/42/2025-09/offair#offair-form"' in page
    at_form = page[page.index('id="offair"'):]
    assert "kết thúc (10/09/2025) trước khi bắt đầu (12/09/2025)" in at_form
    assert 'value="2025-09-12"' in at_form and 'value="bão"' in at_form
    # a period outside the month is saved and said so, since this page does not list it
    r = post_form(so, PAGE + "offair", {"target": "commune:18754", "date_from": "2025-11-03"})
    assert r.status_code == 302
    shown = text_of(so.get(PAGE))
    assert "03/11/2025–03/11/2025" in shown and "ngoài tháng đang xem" in shown


def test_job_lines_and_a_command_line_replan_job_page(client_of, both):
    so = client_of("so")
    with held(both, "replan", "2025-09", "province:42", created_by="so") as job_id:
        pass  # the command line's re-plan: its row ends with no result of its own
    with held(both, "plan", "2025-09", "province:42", created_by="so"):
        pass
    page = so.get(f"/jobs/{job_id}")
    assert page.status_code == 200  # was a 500: 'dict object' has no attribute 'replan_from'
    text = text_of(page)
    assert "Việc này chạy từ dòng lệnh" in text and "Hà Tĩnh" in text
    assert 'href="/province/42/2025-09/" id="job-back"' in text
    lines = text_of(so.get(PAGE))
    assert "Lập lịch tháng 09/2025 — xong, " in lines and " bởi Nguyễn Văn A" in lines
    assert "Lập lại lịch tháng 09/2025" in lines and "#" + str(job_id) + " " not in lines
    english = text_of(so.get(PAGE + "?lang=en"))
    assert "Planning 09/2025 — done, " in english and " by Nguyễn Văn A" in english


def test_the_replan_day_follows_the_last_report(both):
    from radio_sched.core.periods import parse_month
    from radio_sched.planning.planner_month import find_planner, planner_stations, replan_day

    month = parse_month("2025-09")
    with session_scope(both) as s:
        planner = find_planner(s, "province", "42", month)
        stations = planner_stations(s, planner, month)
        assert len(stations) == 69
        past = dt.date(2026, 1, 5)
        assert replan_day(s, stations, month, past).day == dt.date(2025, 9, 1)
        assert replan_day(s, stations, month, dt.date(2025, 9, 10)).day == dt.date(2025, 9, 11)
        assert replan_day(s, stations, month, dt.date(2025, 8, 10)).day == dt.date(2025, 9, 1)
        assert replan_day(s, stations, month, past, planned=False).day is None
        sid = s.scalar(select(Station.id).where(Station.code == "18754",
                                                Station.district_code.is_(None)))
        s.add(AsRun(station_id=sid, date=dt.date(2025, 9, 20), session="sáng", status="aired"))
        s.flush()
        assert replan_day(s, stations, month, past).day == dt.date(2025, 9, 21)
        assert replan_day(s, stations, month, dt.date(2025, 9, 10)).day == dt.date(2025, 9, 21)
        s.add(AsRun(station_id=sid, date=dt.date(2025, 9, 30), session="sáng", status="aired"))
        s.flush()
        none = replan_day(s, stations, month, past)
        assert none.day is None and none.last_report == dt.date(2025, 9, 30)
        assert "Không còn ngày nào của tháng 09/2025 để lập lại lịch" in none.why_not.render("vi")


def test_adjacent_periods_of_every_kind():
    from radio_sched.core.periods import adjacent, parse_period

    assert [adjacent(parse_period(p)) for p in ("2025-01", "2025-12", "2025-Q1", "2025-Q4",
                                                "2025-H1", "2025-H2", "2025")] == [
        ("2024-12", "2025-02"), ("2025-11", "2026-01"), ("2024-Q4", "2025-Q2"),
        ("2025-Q3", "2026-Q1"), ("2024-H2", "2025-H2"), ("2025-H1", "2026-H1"), ("2024", "2026")]


def test_a_month_without_its_years_rules_says_so_before_planning(client_of):
    """No 2027 rules: the month page says so, links the Department to the rules page, and the
    plan button is not offered (pressing it would only fail in a job)."""
    so = client_of("so")
    page = text_of(so.get("/province/42/2027-01/?lang=vi"))
    assert 'id="rules-missing"' in page and "Chưa có quy tắc kế hoạch năm 2027" in page
    assert '/admin/rules/?year=2026#next-year' in page
    assert 'id="plan-month" disabled' in page
    ready = text_of(so.get(PAGE + "?lang=vi"))  # 2025's rules come with the preset
    assert 'id="rules-missing"' not in ready and 'id="plan-month" disabled' not in ready
