"""sessions.csv: good files of every shape import; any bad row is named and nothing changes."""

import datetime as dt
import unicodedata

import pytest
from sqlalchemy import select

from radio_sched.core.errors import InputErrors, UserError
from radio_sched.core.models import SessionTemplate, Station
from radio_sched.reference.session_templates import (
    ALL_DAYS, airs_on, import_sessions, list_sessions, parse_weekdays, station_sessions
)
from radio_sched.core.scopes import Scope

from ..helpers import write

pytestmark = pytest.mark.all_backends

GOOD = """scope,session,start,weekdays,capacity_s
province,sáng,05:30,mon-sun,600
province,chiều,17:00,daily,480
district:440,chiều,16:30,mon-sat,300
commune:18205,sáng,5:45,"mon,wed,fri",900
"""


def templates(session):
    return {(t.scope, t.session): t for t in session.scalars(select(SessionTemplate))}


@pytest.mark.parametrize("bom,crlf,nfd", [(False, False, False), (True, True, True)])
def test_good_file_imports(tiny, tmp_path, bom, crlf, nfd):
    text = unicodedata.normalize("NFD", GOOD) if nfd else GOOD
    res = import_sessions(tiny, write(tmp_path / "s.csv", text, bom=bom, crlf=crlf))
    assert (res.added, res.updated) == (4, 0)
    t = templates(tiny)
    assert set(t) == {("province", "sáng"), ("province", "chiều"), ("district:440", "chiều"),
                      ("commune:18205", "sáng")}
    assert t[("commune:18205", "sáng")].start == "05:45"
    assert t[("commune:18205", "sáng")].weekday_mask == 0b10101


def test_reimport_updates_instead_of_duplicating(tiny, tmp_path):
    f = write(tmp_path / "s.csv", GOOD)
    import_sessions(tiny, f)
    res = import_sessions(tiny, write(tmp_path / "s2.csv", GOOD.replace("600", "700")))
    assert (res.added, res.updated) == (0, 4)
    assert templates(tiny)[("province", "sáng")].capacity_s == 700


def test_most_specific_scope_wins(tiny, tmp_path):
    import_sessions(tiny, write(tmp_path / "s.csv", GOOD))
    all_t = list(tiny.scalars(select(SessionTemplate)))
    by_code = {s.code: s for s in tiny.scalars(select(Station))}
    got = {t.session: (t.scope, t.capacity_s) for t in station_sessions(all_t, by_code["18205"])}
    assert got == {"sáng": ("commune:18205", 900), "chiều": ("district:440", 300)}
    got = {t.session: t.scope for t in station_sessions(all_t, by_code["18073"])}
    assert got == {"sáng": "province", "chiều": "province"}


def test_capacity_zero_switches_a_session_off_for_a_commune(tiny, tmp_path):
    import_sessions(tiny, write(tmp_path / "s.csv", GOOD + "commune:18073,chiều,17:00,daily,0\n"))
    all_t = list(tiny.scalars(select(SessionTemplate)))
    st = tiny.scalar(select(Station).where(Station.code == "18073"))
    assert [t.session for t in station_sessions(all_t, st)] == ["sáng"]


BAD = """scope,session,start,weekdays,capacity_s
province,sáng,05:30,mon-sun,600
commune:99999,sáng,05:30,daily,600
district:440,chiều,25:00,daily,300
province,trưa,11:00,mon-funday,300
province,tối,19:00,daily,-5
province,sáng,06:00,daily,600
commune:Xã Tân Lập,sáng,05:30,daily,600
province,đêm,22:00
"""


def test_bad_rows_are_all_named_and_nothing_changes(tiny, tmp_path):
    import_sessions(tiny, write(tmp_path / "ok.csv", "scope,session,start,weekdays,capacity_s\n"
                                                    "province,sáng,05:00,daily,100\n"))
    tiny.commit()
    with pytest.raises(InputErrors) as err:
        import_sessions(tiny, write(tmp_path / "bad.csv", BAD))
    msg = str(err.value)
    for expected in ["bad.csv, dòng 3, cột 'scope'", "99999",
                     "dòng 4, cột 'start'", "25:00",
                     "dòng 5, cột 'weekdays'", "mon-funday",
                     "dòng 6, cột 'capacity_s'",
                     "dòng 7, cột 'session'",
                     "dòng 8, cột 'scope'", "18205, 18301",
                     "dòng 9"]:
        assert expected in msg, expected
    tiny.rollback()
    assert [(t.scope, t.session, t.capacity_s) for t in tiny.scalars(select(SessionTemplate))] == [
        ("province", "sáng", 100)]


def test_english_messages_on_request(tiny, tmp_path):
    from radio_sched.core.i18n import using_lang

    with pytest.raises(InputErrors) as err:
        import_sessions(tiny, write(tmp_path / "bad.csv", BAD))
    with using_lang("en"):
        assert "line 4, column 'start'" in str(err.value)
        assert "nothing was imported" in str(err.value)


def test_file_that_is_not_utf8_is_refused_with_a_hint(tiny, tmp_path):
    data = "scope,session,start,weekdays,capacity_s\nprovince,sáng,05:30,daily,600\n".encode("cp1258")
    (tmp_path / "legacy.csv").write_bytes(data)
    with pytest.raises(UserError, match="UTF-8"):
        import_sessions(tiny, tmp_path / "legacy.csv")
    res = import_sessions(tiny, tmp_path / "legacy.csv", encoding="cp1258")
    assert res.added == 1
    assert templates(tiny)[("province", "sáng")].session == "sáng"


@pytest.mark.parametrize("text,mask", [
    ("daily", ALL_DAYS), ("mon-sun", ALL_DAYS), ("mon-sat", 0b0111111), ("mon,wed,fri", 0b10101),
    ("sat-mon", 0b1100001), ("T2-T6", 0b11111), ("CN", 0b1000000), ("Mon, Tue", 0b11)])
def test_weekdays(text, mask):
    assert parse_weekdays(text) == mask


def test_airs_on():
    assert airs_on(parse_weekdays("mon-sat"), dt.date(2024, 3, 2))  # a Saturday
    assert not airs_on(parse_weekdays("mon-sat"), dt.date(2024, 3, 3))


def test_list_by_district_shows_what_applies(tiny, tmp_path):
    import_sessions(tiny, write(tmp_path / "s.csv", GOOD))
    scopes = {t.scope for t in list_sessions(tiny, Scope("district", "440"))}
    assert scopes == {"province", "district:440", "commune:18205"}
    scopes = {t.scope for t in list_sessions(tiny, Scope("district", "436"))}
    assert scopes == {"province"}
