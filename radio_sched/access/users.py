"""Accounts, roles and scopes: who may sign in, and the one place that decides who sees what."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.config import WebSettings
from ..reference.divisions import resolve_scope
from ..core.errors import Conflict, NotFound, UserError
from ..core.i18n import M, nfc
from ..core.models import Station, User
from ..core.scopes import Scope, ScopeError, parse_scope
from .passwords import check_password

# Each role works at one level of scope: the Department over a province, a district culture
# center over its district's communes, a station operator over its own commune.
ROLES = {"department": "province", "district": "district", "station": "commune"}
ROLE_NAMES = {"department": M("Department", "Sở"), "district": M("district center", "trung tâm huyện"),
              "station": M("station operator", "đài xã")}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
# Checked against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("radio-sched: no such user")


@dataclass(frozen=True)
class StationPass:
    """What a download link grants: one station, nothing else (made by tokens.resolve_token)."""

    station_id: int
    token_id: int


def _scope_of(user: User) -> Scope:
    return parse_scope(user.scope)


def can_see(who: User | StationPass | None, station: Station) -> bool:
    """May this user (or download link) see the station's pages, files and API? The only judge."""
    if who is None:
        return False
    if isinstance(who, StationPass):
        return who.station_id == station.id
    if not who.active or who.role not in ROLES:
        return False
    return _scope_of(who).covers(station.province_code, station.district_code, station.code)


def can_manage(who: User | StationPass | None, target: Scope, *,
               province_code: str | None = None) -> bool:
    """May this user run the work of a whole district or province (plan, render, upload, audit)?
    Station operators never do. `province_code` is the target district's province, needed only
    for a Department account limited to province:<code>."""
    if not isinstance(who, User) or not who.active or who.role not in ("department", "district"):
        return False
    mine = _scope_of(who)
    if mine.level == "province":
        if mine.code is None:
            return True
        if target.level == "province":
            return target.code == mine.code
        return target.level == "district" and province_code == mine.code
    return target.level == "district" and target == mine


def hash_password(password: str, settings: WebSettings = WebSettings(), *,
                  username: str = "") -> str:
    """The stored hash of an acceptable password (passwords.check_password says what is not)."""
    check_password(password, username, settings)
    return generate_password_hash(password)


def new_password(settings: WebSettings = WebSettings()) -> str:
    """A random password to give a person once (they may change it): 16 letters and digits
    without the look-alikes 0/O and 1/l/I, longer than the shortest allowed."""
    import secrets

    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(max(16, settings.min_password_len)))


def add_user(session: Session, username: str, password: str, role: str, scope: str, *,
             display_name: str = "", settings: WebSettings = WebSettings()) -> User:
    """A new account; the scope must exist and fit the role (department/province, district, commune)."""
    username = nfc(username.strip()).lower()
    if not _USERNAME.match(username):
        raise UserError(M(
            "'{u}' is not a valid user name: 2-80 characters, letters a-z, digits, '.', '_' or '-'",
            "'{u}' không phải tên đăng nhập hợp lệ: 2-80 ký tự gồm chữ a-z, số, '.', '_' hoặc '-'",
            u=username))
    if role not in ROLES:
        raise UserError(M("'{r}' is not a role; expected department, district or station",
                          "'{r}' không phải vai trò; cần department, district hoặc station", r=role))
    resolved = resolve_scope(session, scope)
    if resolved.level != ROLES[role]:
        raise UserError(M(
            "a {role} account works over a scope of level {want}, not '{scope}'",
            "tài khoản {role} phải có phạm vi cấp {want}, không phải '{scope}'",
            role=ROLE_NAMES[role], want=ROLES[role], scope=str(resolved)))
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(M("the user name '{u}' is taken", "tên đăng nhập '{u}' đã có người dùng",
                         u=username))
    user = User(username=username, display_name=nfc(display_name.strip())[:200],
                password_hash=hash_password(password, settings, username=username), role=role, scope=str(resolved),
                active=True)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == nfc(username.strip()).lower()))
    if user is None:
        raise NotFound(M("no user is named '{u}'", "không có người dùng '{u}'", u=username))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.scope, User.username)))


def set_active(session: Session, username: str, active: bool) -> User:
    """Disable (or enable again) an account; a disabled user's open sessions stop working at once."""
    user = get_user(session, username)
    user.active = active
    end_sessions(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str,
                 settings: WebSettings = WebSettings()) -> User:
    """A new password; sessions signed in with the old one end (see session_stamp)."""
    user = get_user(session, username)
    user.password_hash = hash_password(password, settings, username=user.username)
    end_sessions(user)
    session.flush()
    return user


def end_sessions(user: User) -> None:
    """Every session signed in as this user ends (on every device) at its next request: the
    generation in their cookies no longer matches (see session_stamp). The caller commits."""
    user.session_gen = (user.session_gen or 0) + 1


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (the caller says only 'wrong')."""
    user = session.scalar(select(User).where(User.username == nfc((username or "").strip()).lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def session_stamp(user: User) -> str:
    """A short value kept in the signed cookie and checked on every request: it changes with the
    password and the session generation (sign-out, disabling), ending the sessions before."""
    return hashlib.sha256(f"{user.password_hash}|{user.session_gen or 0}".encode()).hexdigest()[:16]


def scope_or_error(text: str) -> Scope:
    try:
        return parse_scope(text)
    except ScopeError as exc:
        raise UserError(exc.message) from None


def can_issue_links(who: User | StationPass | None, station: Station) -> bool:
    """May this user make or revoke password-free download links of a station? District centers
    and the Department do it for the operators they serve; a link never makes another link."""
    return isinstance(who, User) and who.role in ("department", "district") and can_see(who, station)


def can_manage_scope(session: Session, who: User | StationPass | None, scope: Scope) -> bool:
    """can_manage for any stored scope, looking up where a district or commune lies: a district
    center manages its district and its communes, the Department its province."""
    from ..core.models import Unit

    if scope.level == "province":
        return can_manage(who, scope)
    if scope.level == "district":
        province = session.scalar(select(Unit.province_code).where(
            Unit.level == "district", Unit.code == scope.code).limit(1))
        return province is not None and can_manage(who, scope, province_code=province)
    places = session.execute(select(Station.district_code, Station.province_code)
                             .where(Station.code == scope.code)).all()
    return bool(places) and all(
        can_manage(who, Scope("district", d), province_code=p) if d is not None
        else can_manage(who, Scope("province", p))  # two-tier: communes belong to the province
        for d, p in places)



def can_add_for(session: Session, who: User | StationPass | None, scope: Scope) -> bool:
    """May this user (or download link) add segments for the scope? A commune's operator and
    its link for that commune only (its notices); a planner or the Department for what they
    manage (can_manage_scope)."""
    if isinstance(who, StationPass):
        station = session.get(Station, who.station_id)
        return station is not None and scope == Scope("commune", station.code)
    if isinstance(who, User) and who.role == "station":
        return who.active and scope.level == "commune" and _scope_of(who) == scope
    return can_manage_scope(session, who, scope)
