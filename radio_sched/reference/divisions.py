"""Administrative divisions: loading a province (or the country) from CSV, and resolving scopes."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, distinct, func, insert, select
from sqlalchemy.orm import Session

from ..core.config import DATA_DIR
from ..core.csvio import Row, RowErrors, read_rows
from ..core.errors import NotFound, UserError
from ..core.i18n import M, nfc
from ..core.models import BEGINNING, END_OF_TIME, Station, Unit
from ..core.scopes import Scope, ScopeError, level_name, normalize_code, parse_scope

log = logging.getLogger(__name__)
DATA = DATA_DIR

THREE_TIER = ["province_code", "province_name", "district_code", "district_name", "district_type",
              "commune_code", "commune_name", "commune_type"]
TWO_TIER = ["province_code", "province_name", "commune_code", "commune_name", "commune_type"]


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    districts: int
    communes: int
    stations_added: int


def read_divisions(path: Path | str, *, name: str | None = None, encoding: str | None = None
                   ) -> tuple[list[Row], bool]:
    """Rows of a divisions file and whether it has a district level; errors name line and column."""
    rows = read_rows(path, required=TWO_TIER, name=name, encoding=encoding)
    name = name or str(path)
    three_tier = bool(rows) and "district_code" in rows[0].cells
    errs = RowErrors(name)
    seen_commune: dict[str, int] = {}
    district_names: dict[str, tuple[str, int]] = {}
    codes = ["province_code", "commune_code"] + (["district_code"] if three_tier else [])
    for row in rows:
        for col in codes:
            if not row[col].isdigit():
                errs.add(row, col, M("'{v}' is not a statistics office code (digits)",
                                     "'{v}' không phải mã thống kê (chữ số)", v=row[col]))
        for col in ("province_name", "commune_name") + (("district_name",) if three_tier else ()):
            if not row[col]:
                errs.add(row, col, M("a name is required", "cần có tên"))
        code = normalize_code(row["commune_code"])
        if code in seen_commune:
            errs.add(row, "commune_code", M("commune {code} is already on line {line}",
                                            "xã {code} đã có ở dòng {line}", code=code,
                                            line=seen_commune[code]))
        seen_commune.setdefault(code, row.line)
        if three_tier and row["district_code"].isdigit():
            dcode = normalize_code(row["district_code"])
            prev = district_names.setdefault(dcode, (row["district_name"], row.line))
            if prev[0] != row["district_name"]:
                errs.add(row, "district_name", M(
                    "district {code} is named '{a}' on line {line} and '{b}' here",
                    "huyện {code} có tên '{a}' ở dòng {line} nhưng ở đây là '{b}'",
                    code=dcode, a=prev[0], line=prev[1], b=row["district_name"]))
    if not rows:
        errs.add(None, None, M("the file has no communes", "tệp không có xã nào"))
    errs.raise_if_any()
    return rows, three_tier


def load_divisions(session: Session, path: Path | str | bytes, *, valid_from: dt.date = BEGINNING,
                   valid_until: dt.date = END_OF_TIME, source: str | None = None,
                   name: str | None = None, encoding: str | None = None) -> LoadResult:
    """Add (or update) the units of a divisions file and one station per commune, in one transaction."""
    rows, three_tier = read_divisions(path, name=name, encoding=encoding)
    source = source or name or (Path(path).name if not isinstance(path, bytes) else "<upload>")
    if valid_from > valid_until:
        raise UserError(M("the validity starts ({a}) after it ends ({b})",
                          "ngày bắt đầu hiệu lực ({a}) sau ngày kết thúc ({b})",
                          a=valid_from, b=valid_until))

    provinces: dict[str, Unit] = {}
    districts: dict[str, Unit] = {}
    for row in rows:
        pcode = normalize_code(row["province_code"])
        if pcode not in provinces:
            provinces[pcode] = _upsert_unit(session, "province", pcode, row["province_name"],
                                            _unit_type(row["province_name"]), None, pcode, None,
                                            valid_from, valid_until, source, widen=True)
        if three_tier:
            dcode = normalize_code(row["district_code"])
            if dcode not in districts:
                districts[dcode] = _upsert_unit(session, "district", dcode, row["district_name"],
                                                row["district_type"], provinces[pcode], pcode, None,
                                                valid_from, valid_until, source)
    session.flush()

    existing = {u.code: u for u in session.scalars(select(Unit).where(
        Unit.level == "commune", Unit.valid_from == valid_from))}
    new_units = []
    for row in rows:
        code = normalize_code(row["commune_code"])
        pcode = normalize_code(row["province_code"])
        dcode = normalize_code(row["district_code"]) if three_tier else None
        parent = districts[dcode] if dcode else provinces[pcode]
        values = dict(level="commune", code=code, name=row["commune_name"],
                      unit_type=row["commune_type"], parent_id=parent.id, province_code=pcode,
                      district_code=dcode, valid_from=valid_from, valid_until=valid_until,
                      source=source)
        unit = existing.get(code)
        if unit is None:
            new_units.append(values)
        else:
            for key, value in values.items():
                setattr(unit, key, value)
    if new_units:
        session.execute(insert(Unit), new_units)
    session.flush()
    stations_added = ensure_stations(session)
    log.info("loaded %d communes from %s (%d new stations)", len(rows), source, stations_added)
    return LoadResult(len(provinces), len(districts), len(rows), stations_added)


def _unit_type(name: str) -> str:
    return "thành phố" if name.lower().startswith("thành phố") else "tỉnh"


def _upsert_unit(session: Session, level: str, code: str, name: str, unit_type: str,
                 parent: Unit | None, province_code: str, district_code: str | None,
                 valid_from: dt.date, valid_until: dt.date, source: str, widen: bool = False) -> Unit:
    if widen:  # a province outlives reorganisations: one row, its validity the union of loads
        unit = session.scalar(select(Unit).where(Unit.level == level, Unit.code == code))
    else:
        unit = session.scalar(select(Unit).where(Unit.level == level, Unit.code == code,
                                                 Unit.valid_from == valid_from))
    if unit is None:
        unit = Unit(level=level, code=code, valid_from=valid_from, valid_until=valid_until)
        session.add(unit)
    elif widen:
        valid_from, valid_until = min(unit.valid_from, valid_from), max(unit.valid_until, valid_until)
    unit.name, unit.unit_type = name, unit_type
    unit.parent_id = parent.id if parent else None
    unit.province_code, unit.district_code = province_code, district_code
    unit.valid_from, unit.valid_until, unit.source = valid_from, valid_until, source
    return unit


def ensure_stations(session: Session) -> int:
    """One station for every commune unit that has none; returns how many were added."""
    have = set(session.scalars(select(Station.unit_id)))
    missing = [u for u in session.execute(select(
        Unit.id, Unit.code, Unit.name, Unit.province_code, Unit.district_code, Unit.valid_from,
        Unit.valid_until).where(Unit.level == "commune")) if u.id not in have]
    if missing:
        session.execute(insert(Station), [dict(
            code=u.code, name=u.name, unit_id=u.id, province_code=u.province_code,
            district_code=u.district_code, kind="wired", active=True, valid_from=u.valid_from,
            valid_until=u.valid_until) for u in missing])
    # keep the stations' copy of their unit's dates and place in step with the units
    for st, unit in session.execute(select(Station, Unit).join(Unit, Station.unit_id == Unit.id)):
        if (st.valid_from, st.valid_until, st.district_code) != (unit.valid_from, unit.valid_until,
                                                                 unit.district_code):
            st.valid_from, st.valid_until = unit.valid_from, unit.valid_until
            st.district_code, st.name = unit.district_code, unit.name
    session.flush()
    return len(missing)


# --- resolving what users write ----------------------------------------------------------------

def _valid_on(model, start: dt.date | None, end: dt.date | None):
    if start is None:
        return True
    end = end or start
    return and_(model.valid_from <= end, model.valid_until >= start)


def resolve_scope(session: Session, text: str, *, on: dt.date | None = None,
                  until: dt.date | None = None) -> Scope:
    """A scope whose unit exists; 'commune:<name>' or 'commune:<district>/<name>' is looked up,
    and a name that matches several communes is an error that lists them, never a guess."""
    raw = nfc((text or "").strip())
    level, sep, ref = raw.partition(":")
    level = level.strip().lower()
    ref = ref.strip()
    if sep and ref and not ref.isdigit() and level in ("district", "commune"):
        return Scope(level, _code_by_name(session, level, ref, on, until))
    try:
        scope = parse_scope(raw)
    except ScopeError as exc:
        raise UserError(exc.message) from None
    if scope.code is None:
        return scope
    found = session.scalar(select(Unit.id).where(
        Unit.level == scope.level, Unit.code == scope.code, _valid_on(Unit, on, until)).limit(1))
    if found is None:
        when_en = f" valid in {on}..{until or on}" if on else ""
        when_vi = f" có hiệu lực trong {on}..{until or on}" if on else ""
        raise NotFound(M("no {level} with code {code}{when} is known",
                         "không có {level} nào mã {code}{when_vi}", level=level_name(scope.level),
                         code=scope.code, when=when_en, when_vi=when_vi))
    return scope


def _code_by_name(session: Session, level: str, ref: str, on, until) -> str:
    parent_name, _, name = ref.rpartition("/")
    q = select(Unit).where(Unit.level == level, _valid_on(Unit, on, until))
    candidates = [u for u in session.scalars(q) if _same_name(u, name)]
    if parent_name:
        parents = {u.id: u for u in session.scalars(select(Unit).where(
            Unit.id.in_({c.parent_id for c in candidates if c.parent_id})))}
        candidates = [c for c in candidates
                      if c.parent_id in parents and _same_name(parents[c.parent_id], parent_name)]
    codes = sorted({c.code for c in candidates}, key=int)
    if not codes:
        raise NotFound(M("no {level} is named '{name}'", "không có {level} nào tên '{name}'",
                         level=level_name(level), name=ref))
    if len(codes) > 1:
        shown = ", ".join(codes[:10]) + (" ..." if len(codes) > 10 else "")
        raise UserError(M(
            "'{name}' names {n} units of level {lname} (codes {codes}); write {level}:<code> or "
            "{level}:<district>/<name>",
            "'{name}' là tên của {n} đơn vị cấp {lname} (mã {codes}); hãy ghi {level}:<mã> hoặc "
            "{level}:<huyện>/<tên>", name=ref, n=len(codes), level=level, lname=level_name(level),
            codes=shown))
    return codes[0]


# unit types written before a name; "đặc khu" (special zone) is a commune-level type since July 2025
_PREFIXES = ("xã ", "phường ", "thị trấn ", "đặc khu ", "huyện ", "thị xã ", "thành phố ", "quận ",
             "tỉnh ")


def _same_name(unit: Unit, wanted: str) -> bool:
    a, b = unit.name.casefold(), nfc(wanted).strip().casefold()
    if a == b:
        return True
    for p in _PREFIXES:
        if a.startswith(p) and a[len(p):] == b:
            return True
    return False


def stations_in(session: Session, scope: Scope, *, on: dt.date | None = None,
                until: dt.date | None = None, active_only: bool = True) -> list[Station]:
    """The stations a scope covers (valid at some point of on..until when given), by code."""
    q = select(Station).where(_valid_on(Station, on, until))
    if active_only:
        q = q.where(Station.active.is_(True))
    if scope.level == "province" and scope.code:
        q = q.where(Station.province_code == scope.code)
    elif scope.level == "district":
        q = q.where(Station.district_code == scope.code)
    elif scope.level == "commune":
        q = q.where(Station.code == scope.code)
    return sorted(session.scalars(q), key=lambda s: (int(s.code), s.valid_from))


def station_by_code(session: Session, code: str, *, on: dt.date | None = None,
                    until: dt.date | None = None) -> Station:
    """The one station with this code (at the given dates); an error if none or several."""
    code = normalize_code(code)
    found = list(session.scalars(select(Station).where(Station.code == code,
                                                       _valid_on(Station, on, until))))
    if not found:
        raise NotFound(M("no station has code {code}", "không có đài nào mã {code}", code=code))
    if len(found) > 1:
        raise UserError(M(
            "code {code} names {n} stations over time; give a date or month to choose",
            "mã {code} ứng với {n} đài theo thời gian; hãy cho biết ngày hoặc tháng",
            code=code, n=len(found)))
    return found[0]


def district_names(session: Session) -> dict[str, str]:
    """District code to name (the newest name if it changed)."""
    out: dict[str, str] = {}
    for u in session.scalars(select(Unit).where(Unit.level == "district").order_by(Unit.valid_from)):
        out[u.code] = u.name
    return out


def summary_by_district(stations: list[Station]) -> dict[str | None, int]:
    counts: dict[str | None, int] = defaultdict(int)
    for st in stations:
        counts[st.district_code] += 1
    return dict(counts)


# --- scopes as people read them ----------------------------------------------------------------

def scope_labels(session: Session, scopes, *, on: dt.date | None = None,
                 until: dt.date | None = None) -> dict[str, str]:
    """Each stored scope string as a page shows it: 'Toàn tỉnh', 'Huyện Kỳ Anh', 'Xã Tân Lập';
    a commune name that several communes share carries its district ('Xã Tân Lập (Huyện Đức
    Thọ)'). Units valid in on..until are preferred (codes were reused in July 2025)."""
    from ..core.i18n import tr

    wanted: dict[str, Scope] = {}
    for text in set(scopes):
        try:
            wanted[text] = parse_scope(text)
        except ScopeError:
            continue
    units: dict[tuple[str, str], Unit] = {}
    codes = {sc.code for sc in wanted.values() if sc.code is not None}
    rows = session.scalars(select(Unit).where(Unit.code.in_(codes)).order_by(Unit.valid_from))
    for u in rows:  # the unit valid in the period wins, else the newest
        key = (u.level, u.code)
        if key not in units or on is None or _overlaps(u, on, until or on) or not _overlaps(
                units[key], on, until or on):
            units[key] = u
    shared = {(level, name) for level, name, n in session.execute(  # names several units bear
        select(Unit.level, Unit.name, func.count(distinct(Unit.code)))
        .where(Unit.name.in_({u.name for u in units.values()}), _valid_on(Unit, on, until))
        .group_by(Unit.level, Unit.name)) if n > 1}
    parents = district_names(session) if shared else {}
    out = {}
    for text, sc in wanted.items():
        u = units.get((sc.level, sc.code)) if sc.code else None
        if sc.code is None:
            out[text] = tr("Whole province", "Toàn tỉnh")
        elif u is None:
            out[text] = tr("{level} code {code}", "{level} mã {code}", level=level_name(sc.level),
                           code=sc.code)
        elif (u.level, u.name) in shared and u.district_code in parents:
            out[text] = f"{u.name} ({parents[u.district_code]})"
        else:
            out[text] = u.name
    return out


def _overlaps(unit: Unit, start: dt.date, end: dt.date) -> bool:
    return unit.valid_from <= end and unit.valid_until >= start


def scope_choices(session: Session, *, on: dt.date | None = None, until: dt.date | None = None
                  ) -> list[tuple[str, str]]:
    """What a scope picker offers: the whole province, then its districts, then its communes
    (those valid in on..until), as (scope, label) with scope_labels' names."""
    units = list(session.scalars(select(Unit).where(
        Unit.level.in_(("district", "commune")), _valid_on(Unit, on, until))))
    scopes = ["province"] + [f"{u.level}:{u.code}" for u in units]
    labels = scope_labels(session, scopes, on=on, until=until)
    order = {"province": 0, "district": 1, "commune": 2}
    return sorted(((s, labels[s]) for s in dict.fromkeys(scopes)),
                  key=lambda c: (order[c[0].partition(":")[0]], c[1].casefold()))


__all__ = ["load_divisions", "read_divisions", "ensure_stations", "resolve_scope", "stations_in",
           "station_by_code", "district_names", "summary_by_district", "scope_labels", "scope_choices",
           "LoadResult"]
