"""Accounts and the access rules: each role sees its scope's stations and nothing else."""

import pytest
from sqlalchemy import select

from radio_sched.core.errors import Conflict, NotFound, UserError
from radio_sched.core.models import Station, User
from radio_sched.core.scopes import Scope
from radio_sched.access.users import (
    StationPass, add_user, authenticate, can_manage, can_see, list_users, session_stamp,
    set_active, set_password
)

pytestmark = pytest.mark.all_backends


def stations(session):
    return {s.code: s for s in session.scalars(select(Station))}


def test_add_and_authenticate(tiny):
    u = add_user(tiny, "NamHa.Op", "mật-khẩu-dài", "station", "commune:18073", display_name="Anh Ba")
    assert (u.username, u.role, u.scope) == ("namha.op", "station", "commune:18073")
    assert u.password_hash != "mật-khẩu-dài" and u.password_hash.startswith(("scrypt", "pbkdf2"))
    assert authenticate(tiny, "namha.op", "mật-khẩu-dài").id == u.id
    assert authenticate(tiny, "NAMHA.OP", "mật-khẩu-dài").id == u.id
    assert authenticate(tiny, "namha.op", "wrong-password") is None
    assert authenticate(tiny, "nobody", "mật-khẩu-dài") is None
    set_active(tiny, "namha.op", False)
    assert authenticate(tiny, "namha.op", "mật-khẩu-dài") is None
    stamp = session_stamp(u)
    set_password(tiny, "namha.op", "another-password")
    assert session_stamp(u) != stamp


def test_scope_names_resolve_and_must_fit_the_role(tiny):
    u = add_user(tiny, "huongson", "chín con rồng", "district", "district:Hương Sơn")
    assert u.scope == "district:440"
    with pytest.raises(UserError) as e:
        add_user(tiny, "x1", "chín con rồng", "district", "commune:18073")
    assert "phạm vi cấp district" in str(e.value)
    with pytest.raises(NotFound):
        add_user(tiny, "x2", "chín con rồng", "station", "commune:99999")
    with pytest.raises(UserError, match="ít nhất 8"):
        add_user(tiny, "x3", "short", "station", "commune:18073")
    with pytest.raises(UserError, match="tên đăng nhập hợp lệ"):
        add_user(tiny, "a b<script>", "chín con rồng", "station", "commune:18073")
    with pytest.raises(UserError, match="vai trò"):
        add_user(tiny, "x4", "chín con rồng", "admin", "province")
    with pytest.raises(Conflict):
        add_user(tiny, "HuongSon", "chín con rồng", "district", "district:440")
    assert [x.username for x in list_users(tiny)] == ["huongson"]
    assert tiny.scalar(select(User).where(User.username == "x1")) is None


def test_can_see_matrix(tiny):
    st = stations(tiny)
    dep = add_user(tiny, "so", "chín con rồng", "department", "province")
    d436 = add_user(tiny, "d436", "chín con rồng", "district", "district:436")
    op = add_user(tiny, "op", "chín con rồng", "station", "commune:18073")
    expect = {
        dep: set(st),
        d436: {"18073", "18077"},
        op: {"18073"},
        StationPass(st["18202"].id, 1): {"18202"},
        None: set(),
    }
    for who, visible in expect.items():
        assert {c for c, s in st.items() if can_see(who, s)} == visible, who
    set_active(tiny, "d436", False)
    assert not any(can_see(d436, s) for s in st.values())


def test_can_manage(tiny):
    dep = add_user(tiny, "so", "chín con rồng", "department", "province")
    dep42 = add_user(tiny, "so42", "chín con rồng", "department", "province:42")
    d436 = add_user(tiny, "d436", "chín con rồng", "district", "district:436")
    op = add_user(tiny, "op", "chín con rồng", "station", "commune:18073")
    assert can_manage(dep, Scope("province"))
    assert can_manage(dep, Scope("district", "440"))
    assert can_manage(dep42, Scope("district", "440"), province_code="42")
    assert not can_manage(dep42, Scope("district", "440"), province_code="43")
    assert not can_manage(dep42, Scope("province"))
    assert can_manage(d436, Scope("district", "436"))
    assert not can_manage(d436, Scope("district", "440"))
    assert not can_manage(d436, Scope("province"))
    assert not can_manage(op, Scope("district", "436"))
    assert not can_manage(StationPass(1, 1), Scope("district", "436"))
    assert not can_manage(None, Scope("province"))


def test_can_manage_scope_looks_up_where_units_lie(tiny):
    from radio_sched.access.users import can_manage_scope

    dep = add_user(tiny, "so", "chín con rồng", "department", "province")
    d436 = add_user(tiny, "d436", "chín con rồng", "district", "district:436")
    op = add_user(tiny, "op", "chín con rồng", "station", "commune:18073")
    for who, scope, expect in [
            (d436, Scope("district", "436"), True), (d436, Scope("commune", "18077"), True),
            (d436, Scope("commune", "18202"), False), (d436, Scope("district", "440"), False),
            (d436, Scope("province"), False), (d436, Scope("commune", "99999"), False),
            (dep, Scope("commune", "18202"), True), (dep, Scope("province"), True),
            (op, Scope("commune", "18073"), False)]:
        assert can_manage_scope(tiny, who, scope) is expect, (who.username, scope)
