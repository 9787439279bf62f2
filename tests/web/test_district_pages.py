"""District pages: sessions and off-air periods of its communes, kept from the browser."""

import datetime as dt

import pytest
from sqlalchemy import select

from radio_sched.core.db import session_scope
from radio_sched.core.models import Blackout, SessionTemplate

from .conftest import post_form

pytestmark = pytest.mark.all_backends

PAGE = "/district/436/2024-03/"


def blackouts(site):
    with session_scope(site.db_url) as s:
        return [(b.scope, b.date_from.isoformat(), b.date_to.isoformat(), b.session, b.reason,
                 b.source) for b in s.scalars(select(Blackout).order_by(Blackout.id))]


def test_mark_a_commune_off_the_air_then_remove_it(as_user, site):
    with session_scope(site.db_url) as s:
        s.add(SessionTemplate(scope="province", session="sáng", start="05:30", weekdays="daily",
                              weekday_mask=127, capacity_s=600))
        s.add(Blackout(scope="province", date_from=dt.date(2024, 3, 8), date_to=dt.date(2024, 3, 8),
                       reason="Quốc tế Phụ nữ", source="holidays"))
    d = as_user("d436")
    page = d.get(PAGE).get_data(as_text=True)
    assert "Quốc tế Phụ nữ" in page and "05:30" in page and "10 phút" in page
    assert page.count(">Xóa<") == 0  # the province's holiday is not the district's to remove
    r = post_form(d, PAGE + "offair", {"target": "commune:18077", "date_from": "2024-03-10",
                                       "date_to": "2024-03-12", "session": "", "reason": "bão số 4"})
    assert r.status_code == 302
    r = post_form(d, PAGE + "offair", {"target": "district:436", "date_from": "2024-03-20",
                                       "date_to": "", "session": "sáng", "reason": "mất điện"})
    assert r.status_code == 302
    assert blackouts(site)[1:] == [
        ("commune:18077", "2024-03-10", "2024-03-12", "", "bão số 4", "web"),
        ("district:436", "2024-03-20", "2024-03-20", "sáng", "mất điện", "web")]
    page = d.get(PAGE).get_data(as_text=True)
    assert "Đã lưu thời gian ngừng phát" in page and "bão số 4" in page and page.count(">Xóa<") == 2
    with session_scope(site.db_url) as s:
        ids = [b.id for b in s.scalars(select(Blackout).order_by(Blackout.id))]
    assert post_form(d, PAGE + f"offair/{ids[0]}/delete").status_code == 403  # the province's
    assert post_form(as_user("d440"), f"/district/440/2024-03/offair/{ids[1]}/delete").status_code == 403
    assert post_form(d, PAGE + f"offair/{ids[1]}/delete").status_code == 302
    assert [b[0] for b in blackouts(site)] == ["province", "district:436"]


def test_bad_off_air_input_is_refused_and_changes_nothing(as_user, site):
    d = as_user("d436")
    cases = [
        ({"date_from": "2024-03-12", "date_to": "2024-03-10"}, "trước khi bắt đầu"),
        ({"date_from": "12/13/2024"}, "không phải ngày"),
        ({"date_from": "2024-03-10", "session": "tối"}, "không có buổi phát nào tên"),
        ({"date_from": "2024-03-10", "target": "province:"}, "không phải mã thống kê"),
    ]
    for form, message in cases:
        r = post_form(d, PAGE + "offair", {"target": "district:436", **form})
        assert r.status_code == 400 and message in r.get_data(as_text=True), form
    # another district's commune, or the province, is not this district's to close
    for target in ("commune:18202", "district:440", "province"):
        r = post_form(d, PAGE + "offair", {"target": target, "date_from": "2024-03-10"})
        assert r.status_code == 403, target
    assert post_form(as_user("op18073"), PAGE + "offair",
                     {"date_from": "2024-03-10"}).status_code == 403
    assert blackouts(site) == []
