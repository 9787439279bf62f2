"""Scopes as people read them: the unit's name in a month (a commune, a district, the province)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..core.i18n import tr
from ..core.models import Unit
from ..core.scopes import ScopeError, parse_scope


def place_names(session: Session, scopes: Iterable[str], *, on: dt.date | None = None,
                until: dt.date | None = None) -> dict[str, str]:
    """{scope string: name}: the unit valid at some point of on..until (the newest one if several
    over time share the code), "the whole province" for the bare province scope; a scope that
    names no known unit keeps its string."""
    wanted = {}
    for text in set(scopes):
        try:
            wanted[text] = parse_scope(text)
        except ScopeError:
            continue
    keys = {(s.level, s.code) for s in wanted.values() if s.code is not None}
    found: dict[tuple[str, str], str] = {}
    if keys:
        q = select(Unit.level, Unit.code, Unit.name).where(
            or_(*(and_(Unit.level == level, Unit.code == code) for level, code in keys)))
        if on is not None:
            q = q.where(Unit.valid_from <= (until or on), Unit.valid_until >= on)
        for level, code, name in session.execute(q.order_by(Unit.valid_from)):
            found[(level, code)] = name  # the newest wins
    out = {}
    for text in set(scopes):
        scope = wanted.get(text)
        if scope is None:
            out[text] = text
        elif scope.code is None:
            out[text] = tr("the whole province", "toàn tỉnh")
        else:
            out[text] = found.get((scope.level, scope.code), text)
    return out


def place_name(session: Session, scope: str, *, on: dt.date | None = None,
               until: dt.date | None = None) -> str:
    return place_names(session, [scope], on=on, until=until)[scope]
