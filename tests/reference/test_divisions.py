"""Loading divisions and presets, and resolving what users write for a commune."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from radio_sched.reference.divisions import (
    load_divisions, resolve_scope, station_by_code, stations_in
)
from radio_sched.core.errors import InputErrors, NotFound, UserError
from radio_sched.core.models import Station, Unit
from radio_sched.reference.presets import apply_preset
from radio_sched.core.scopes import PROVINCE, Scope

from ..helpers import TINY_DIVISIONS, write

pytestmark = pytest.mark.all_backends


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_ha_tinh_2024_preset_has_210_stations_in_12_districts(session):
    apply_preset(session, "ha-tinh-2024")
    stations = stations_in(session, PROVINCE)
    assert len(stations) == 210
    assert len({s.district_code for s in stations}) == 12
    assert all(s.valid_until == dt.date(2025, 6, 30) for s in stations)
    assert count(session, Unit, Unit.level == "district") == 12


def test_ha_tinh_2025_preset_has_69_stations_and_no_district(session):
    apply_preset(session, "ha-tinh-2025")
    stations = stations_in(session, PROVINCE, on=dt.date(2025, 8, 1))
    assert len(stations) == 69
    assert {s.district_code for s in stations} == {None}
    assert count(session, Unit, Unit.level == "district") == 0


def test_both_presets_live_side_by_side_by_date(session):
    apply_preset(session, "ha-tinh-2024")
    apply_preset(session, "ha-tinh-2025")
    assert len(stations_in(session, PROVINCE, on=dt.date(2024, 3, 1))) == 210
    assert len(stations_in(session, PROVINCE, on=dt.date(2025, 9, 1))) == 69
    # one province row, whose validity spans both structures
    prov = session.scalars(select(Unit).where(Unit.level == "province")).all()
    assert len(prov) == 1


def test_preset_twice_changes_nothing(session):
    apply_preset(session, "ha-tinh-2024")
    again = apply_preset(session, "ha-tinh-2024")
    assert again.divisions.stations_added == 0 and again.plans_loaded == 0
    assert again.sessions_added == 0
    assert count(session, Station) == 210


@pytest.mark.slow
def test_national_file_loads_10051_stations(session):
    apply_preset(session, "vietnam-2024")
    assert count(session, Station) == 10051
    assert count(session, Unit, Unit.level == "province") == 63


@pytest.mark.slow
def test_national_2025_file_loads_3321_stations_in_34_provinces(session):
    apply_preset(session, "vietnam-2025")
    assert count(session, Station) == 3321
    assert count(session, Unit, Unit.level == "province") == 34
    assert count(session, Unit, Unit.level == "district") == 0
    types = dict(session.execute(select(Unit.unit_type, func.count()).where(
        Unit.level == "commune").group_by(Unit.unit_type)).all())
    assert types == {"xã": 2621, "phường": 687, "đặc khu": 13}
    assert len(stations_in(session, Scope("province", "42"), on=dt.date(2025, 8, 1))) == 69
    assert resolve_scope(session, "commune:Phú Quốc") == Scope("commune", "31078")
    assert resolve_scope(session, "commune:Đặc khu Côn Đảo") == Scope("commune", "26732")


@pytest.mark.slow
def test_national_2024_and_2025_codes_are_resolved_by_date(session):
    apply_preset(session, "vietnam-2024")
    apply_preset(session, "vietnam-2025")
    assert len(stations_in(session, PROVINCE, on=dt.date(2024, 3, 1))) == 10051
    assert len(stations_in(session, PROVINCE, on=dt.date(2025, 9, 1))) == 3321
    # 31078 was Phường Dương Đông (Thành phố Phú Quốc, district 911) and is now Đặc khu Phú Quốc
    with pytest.raises(UserError, match="31078"):
        station_by_code(session, "31078")
    after = station_by_code(session, "31078", on=dt.date(2025, 8, 1))
    assert (after.name, after.district_code) == ("Đặc khu Phú Quốc", None)
    before = station_by_code(session, "31078", on=dt.date(2024, 3, 1))
    assert (before.name, before.district_code) == ("Phường Dương Đông", "911")
    assert resolve_scope(session, "commune:Phú Quốc", on=dt.date(2025, 8, 1)) == Scope("commune", "31078")
    # provinces outlive the reorganisation: 63 rows, 34 of them valid after it
    assert count(session, Unit, Unit.level == "province") == 63
    day = dt.date(2025, 9, 1)
    assert count(session, Unit, Unit.level == "province", Unit.valid_from <= day,
                 Unit.valid_until >= day) == 34


def test_dac_khu_is_named_like_xa_and_phuong(session, tmp_path):
    load_divisions(session, write(tmp_path / "d.csv", (
        "province_code,province_name,commune_code,commune_name,commune_type\n"
        "91,An Giang,31078,Đặc khu Phú Quốc,đặc khu\n"
        "91,An Giang,31105,Đặc khu Thổ Châu,đặc khu\n"
        "91,An Giang,30307,Phường Long Xuyên,phường\n")))
    for text in ("commune:Đặc khu Phú Quốc", "commune:đặc khu phú quốc", "commune:Phú Quốc"):
        assert resolve_scope(session, text) == Scope("commune", "31078")
    assert resolve_scope(session, "commune:Long Xuyên") == Scope("commune", "30307")
    with pytest.raises(NotFound):
        resolve_scope(session, "commune:Khu Phú Quốc")


def test_names_are_stored_nfc_even_from_nfd_bom_crlf(session, tmp_path):
    import unicodedata

    nfd = unicodedata.normalize("NFD", TINY_DIVISIONS)
    assert nfd != TINY_DIVISIONS
    load_divisions(session, write(tmp_path / "d.csv", nfd, bom=True, crlf=True))
    names = set(session.scalars(select(Station.name)))
    assert "Phường Bắc Hà" in names
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


def test_bad_divisions_file_names_line_and_column_and_loads_nothing(session, tmp_path):
    bad = TINY_DIVISIONS + "42,Tỉnh Hà Tĩnh,436,Thành phố Hà Tĩnh,thành phố,18O99,Xã Lỗi,xã\n"
    bad += "42,Tỉnh Hà Tĩnh,436,Thành phố Khác,thành phố,18100,Xã B,xã\n"
    with pytest.raises(InputErrors) as err:
        load_divisions(session, write(tmp_path / "d.csv", bad))
    text = str(err.value)
    assert "dòng 7, cột 'commune_code'" in text and "18O99" in text
    assert "dòng 8, cột 'district_name'" in text
    assert count(session, Unit) == 0


def test_missing_column_is_named(session, tmp_path):
    with pytest.raises(InputErrors, match="commune_name"):
        load_divisions(session, write(tmp_path / "d.csv", "province_code,province_name,commune_code\n1,A,2\n"))


def test_names_resolve_only_when_unambiguous(tiny):
    assert resolve_scope(tiny, "commune:Phường Nam Hà") == Scope("commune", "18073")
    assert resolve_scope(tiny, "commune:Nam Hà") == Scope("commune", "18073")
    with pytest.raises(UserError, match="18205, 18301"):
        resolve_scope(tiny, "commune:Xã Tân Lập")
    assert resolve_scope(tiny, "commune:Huyện Đức Thọ/Xã Tân Lập") == Scope("commune", "18301")
    with pytest.raises(NotFound):
        resolve_scope(tiny, "commune:Xã Không Có")
    with pytest.raises(NotFound):
        resolve_scope(tiny, "commune:99999")
    assert resolve_scope(tiny, "district:0436") == Scope("district", "436")


def test_station_codes_are_resolved_by_date(session):
    apply_preset(session, "ha-tinh-2024")
    apply_preset(session, "ha-tinh-2025")
    # 18754 (Phường Sông Trí) exists before and after the reorganisation, as different units
    with pytest.raises(UserError, match="18754"):
        station_by_code(session, "18754")
    assert station_by_code(session, "18754", on=dt.date(2025, 8, 1)).district_code is None
    assert station_by_code(session, "18754", on=dt.date(2024, 3, 1)).district_code is not None
