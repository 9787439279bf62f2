"""The one module that crosses between the database and the plain instance (and back for reading)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..reference.blackouts import is_off_air
from ..reference.divisions import stations_in
from ..core.errors import UserError
from ..core.i18n import M
from ..core.models import Blackout, Schedule, Segment, SessionTemplate, Station
from ..reports.outcomes import outcomes, presumed_aired
from ..core.periods import Period
from ..scheduler.plan import JINGLE_KIND, PlanRules
from ..reference.plan_rules import active_plan
from .schedules import current_schedule_ids, read_airings
from ..core.scopes import PROVINCE, Scope, covering, parse_scope
from ..reference.session_templates import airs_on, station_sessions
from ..scheduler.instance import (
    Aired, Fixed, Limits, Problem, SegmentInfo, Slot, StationInfo, StationInstance
)
from ..scheduler.obligations import horizon

DAY = dt.timedelta(days=1)

# Plain per-station inputs that callers (re-planning, as-run) may build or substitute:
#   history:   {station_id: [(date, session, segment slug, kind), ...]}   airings before the month
#   pinned:    {station_id: [(date, session, (slug, ...)), ...]}        sessions fixed exactly
#   reference: {station_id: [(date, session, (slug, ...)), ...]}        a version to stay close to
History = Mapping[int, Iterable[tuple]]
Airings = Mapping[int, Iterable[tuple]]


class SegmentMeta(NamedTuple):
    id: int
    slug: str
    sha256: str
    kind: str
    duration_s: float


@dataclass
class MonthInstance:
    """A month's stations, each with its plain problem, and what storing and export need."""

    month: Period
    scope: str
    plan_id: int
    plan: PlanRules
    stations: list[StationInstance]
    segments: dict[str, SegmentMeta] = field(default_factory=dict)


def limits_of(session: Session, plan: PlanRules) -> Limits:
    """The plan's session limits in ms; the jingles it names must exist (a clear error if not)."""
    lim = plan.session
    durations = {}
    for role, slug in (("intro", lim.intro), ("outro", lim.outro)):
        if not slug:
            durations[role] = 0
            continue
        seg = session.scalar(select(Segment).where(Segment.slug == slug))
        if seg is None or seg.status != "approved":
            raise UserError(M(
                "the plan's {role} jingle '{slug}' is not in the library (or not approved): add the "
                "segment with that id, or change [session] {role} in the rules file",
                "nhạc hiệu {role} '{slug}' mà kế hoạch nêu chưa có trong thư viện (hoặc chưa duyệt): "
                "hãy thêm tin có mã đó, hoặc sửa [session] {role} trong tệp quy tắc",
                role=role, slug=slug))
        durations[role] = _ms(seg.duration_s)
    return Limits(lim.max_items, _ms(lim.gap_s), durations["intro"], durations["outro"])


def _local(scope: str) -> bool:
    """A segment made for part of the province (a district's episode, a commune's item): stations
    elsewhere have their own of the same shape, so it is renamed to a placeholder when grouping."""
    return not scope.startswith("province")


def segment_info(s: Segment) -> SegmentInfo:
    """The solver's view of a segment: a withdrawn one is valid until the day before it was
    withdrawn, and owes nothing more."""
    until = s.valid_until
    if s.withdrawn_from is not None:
        until = min(until, s.withdrawn_from - DAY)
    return SegmentInfo(s.slug, s.kind, _ms(s.duration_s), s.valid_from, until, _local(s.scope),
                       s.withdrawn_from is not None)


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def build_month(session: Session, month: Period, scope: Scope | None = None, *,
                history: History | None = None, pinned: Airings | None = None,
                freeze_before: dt.date | None = None, reference: Airings | None = None,
                station_ids: Sequence[int] | None = None, progress=None,
                freeze_at: Mapping[int, tuple[dt.date, str]] | None = None) -> MonthInstance:
    """Read everything a month's plan needs for the stations in scope into plain problems;
    progress(done, total) counts the stations built. freeze_at {station id: (day, "HH:MM")}: the
    sessions of that day starting before that time keep what `pinned` gives them (or stay
    empty), the later ones are free: a freeze by session start."""
    scope = scope or PROVINCE
    plan_row, plan = active_plan(session, month.start.year)
    stations = stations_in(session, scope, on=month.start, until=month.end)
    if station_ids is not None:
        wanted = set(station_ids)
        stations = [s for s in stations if s.id in wanted]
    if not stations:
        raise UserError(M("no station in {scope} is on the air in {month}",
                          "không có đài nào thuộc {scope} hoạt động trong tháng {month}",
                          scope=str(scope), month=month.label))
    if progress:
        progress(0, len(stations))
    limits = limits_of(session, plan)
    lo, hi = horizon(plan.rules, month.start, month.end)
    templates = list(session.scalars(select(SessionTemplate)))
    blackouts = list(session.scalars(select(Blackout).where(
        Blackout.date_to >= month.start, Blackout.date_from <= hi).order_by(Blackout.date_from, Blackout.id)))
    segs = list(session.scalars(select(Segment).where(
        Segment.status == "approved", Segment.kind != JINGLE_KIND,
        Segment.valid_until >= month.start, Segment.valid_from <= month.end,
        or_(Segment.withdrawn_from.is_(None), Segment.withdrawn_from > month.start))
        .order_by(Segment.valid_from, Segment.slug)))
    meta = {s.slug: SegmentMeta(s.id, s.slug, s.sha256, s.kind, s.duration_s) for s in segs}
    by_scope: dict[str, list[SegmentInfo]] = defaultdict(list)
    for s in segs:
        by_scope[s.scope].append(segment_info(s))
    index: dict[tuple, list[SegmentInfo]] = defaultdict(list)  # (level, code) -> segments
    for text, group in by_scope.items():
        sc = parse_scope(text)
        index[(sc.level, sc.code)].extend(group)
    rule_scopes = [(r, parse_scope(r.scope)) for r in plan.rules]
    off_index: dict[tuple, list[Blackout]] = defaultdict(list)  # (level, code) -> blackouts
    for b in blackouts:
        sc = parse_scope(b.scope)
        off_index[(sc.level, sc.code)].append(b)
    ids = [s.id for s in stations]
    if history is None:
        history = load_history(session, month, ids, lo)
    slot_cache: dict[tuple, tuple[tuple[Slot, ...], tuple[Slot, ...]]] = {}
    open_cache: dict[tuple, tuple[tuple[Slot, ...], tuple[Slot, ...]]] = {}
    plain_offs = {b.id: (b.date_from, b.date_to, b.session, b.reason or "off-air") for b in blackouts}
    out = []
    for st in stations:
        covers = (st.province_code, st.district_code, st.code)
        found = covering(index, st)
        seg_list = tuple(sorted(found, key=lambda s: (s.valid_from, s.slug)))
        rules = tuple(r for r, sc in rule_scopes if sc.covers(*covers))
        chosen = station_sessions(templates, st)
        offs = covering(off_index, st)
        key = (tuple(t.id for t in chosen), tuple(b.id for b in offs), st.valid_from, st.valid_until)
        if key not in slot_cache:
            # the sessions once per set of templates; a station's own off-air days marked on them
            base = (key[0], st.valid_from, st.valid_until)
            if base not in open_cache:
                open_cache[base] = (_slots(chosen, [], st, month.start, month.end),
                                    _slots(chosen, [], st, month.end + DAY, hi))
            closed = [plain_offs[b.id] for b in offs]
            slot_cache[key] = tuple(_off_air(days, closed) for days in open_cache[base])
        slots, future = slot_cache[key]
        pins = tuple(_fixed(pinned.get(st.id, ()))) if pinned else ()
        if freeze_at and st.id in freeze_at:
            pins = _frozen_until(pins, slots, *freeze_at[st.id])
        if pins:
            slots, seg_list = _with_pins(session, pins, slots, seg_list, chosen, meta)
        ref = tuple(_fixed(reference.get(st.id, ()))) if reference is not None else None
        hist = tuple(sorted(Aired(*h) for h in history.get(st.id, ()) if h[0] < month.start))
        problem = Problem(month.start, month.end, slots, seg_list, rules, limits, future, hist, pins,
                          freeze_before, ref)
        out.append(StationInstance(StationInfo(st.id, st.code, st.name, st.district_code), problem))
        if progress:
            progress(len(out), len(stations))
    return MonthInstance(month, str(scope), plan_row.id, plan, out, meta)


def _slots(templates: list[SessionTemplate], offs: list[Blackout], st: Station, start: dt.date,
           end: dt.date) -> tuple[Slot, ...]:
    out = []
    day = max(start, st.valid_from)
    last = min(end, st.valid_until)
    while day <= last:
        for t in templates:
            if airs_on(t.weekday_mask, day):
                b = is_off_air(offs, day, t.session)
                out.append(Slot(day, t.session, t.start, t.capacity_s * 1000,
                                (b.reason or "off-air") if b is not None else None))
        day += DAY
    return tuple(out)


def _off_air(slots: tuple[Slot, ...], offs: list[tuple]) -> tuple[Slot, ...]:
    """The slots with those closed that a blackout (date_from, date_to, session, reason) covers; the
    first that covers one gives its reason (as blackouts.is_off_air)."""
    if not offs:
        return slots
    out = []
    for s in slots:
        why = next((o[3] for o in offs if o[0] <= s.day <= o[1] and (not o[2] or o[2] == s.session)),
                   None)
        out.append(s if why is None else s._replace(off_air=why))
    return tuple(out)


def _fixed(rows: Iterable[tuple]) -> list[Fixed]:
    return sorted(Fixed(r[0], r[1], tuple(r[2])) for r in rows)


def started_before_of(session: Session, current: Mapping[int, int],
                      frozen: Mapping[int, tuple[dt.date, bool]]) -> dict[int, tuple[dt.date, str]]:
    """{station id: (day, "HH:MM")} of the stations whose own current version is a re-plan that
    kept the sessions of its first day that had started (stats "started_before")."""
    own = {current[sid] for sid, (_, mine) in frozen.items() if mine and sid in current}
    if not own:
        return {}
    at = {sch_id: stats.get("started_before") for sch_id, stats in session.execute(
        select(Schedule.id, Schedule.stats).where(Schedule.id.in_(own)))}
    return {sid: (day, at[current[sid]]) for sid, (day, mine) in frozen.items()
            if mine and at.get(current.get(sid))}


def _frozen_until(pins: tuple[Fixed, ...], slots: tuple[Slot, ...], day: dt.date, at: str
                  ) -> tuple[Fixed, ...]:
    """The pins with the sessions of `day` that start at or after `at` set free, and those that
    start before it pinned (empty if nothing was given for them)."""
    started = {s.session for s in slots if s.day == day and s.start < at}
    kept = [f for f in pins if f.day != day or f.session in started]
    have = {f.session for f in kept if f.day == day}
    kept += [Fixed(day, name, ()) for name in sorted(started - have)]
    return tuple(sorted(kept))


def _with_pins(session: Session, pins, slots, seg_list, templates, meta):
    """Pinned airings keep their session and segments even where today's data would refuse them."""
    have = {(s.day, s.session) for s in slots}
    extra = [Slot(f.day, f.session, next((t.start for t in templates if t.session == f.session),
                                         "00:00"), 0) for f in pins if (f.day, f.session) not in have]
    known = {s.slug for s in seg_list}
    missing = sorted({slug for f in pins for slug in f.slugs if slug not in known})
    more = []
    for seg in session.scalars(select(Segment).where(Segment.slug.in_(missing))) if missing else ():
        meta.setdefault(seg.slug, SegmentMeta(seg.id, seg.slug, seg.sha256, seg.kind, seg.duration_s))
        more.append(segment_info(seg))
    if len(more) != len(missing):
        unknown = sorted(set(missing) - {m.slug for m in more})
        raise UserError(M("pinned segment(s) {slugs} are not in the library",
                          "tin được cố định {slugs} không có trong thư viện", slugs=", ".join(unknown)))
    slots = tuple(sorted(slots + tuple(extra), key=lambda s: (s.day, s.start, s.session)))
    return slots, tuple(sorted(seg_list + tuple(more), key=lambda s: (s.valid_from, s.slug)))


def load_history(session: Session, month: Period, station_ids: Sequence[int], start: dt.date
                 ) -> dict[int, list[Aired]]:
    """Airings dated start..(month start - 1) that count as broadcast: the items of the version in
    force on each day, less those the station reported missed, cut short or not confirmed
    (outcomes.py). Unreported items count: the plan is presumed kept until a report says otherwise."""
    if start >= month.start:
        return {}
    rows = outcomes(session, station_ids, start, month.start - DAY)
    return {sid: [Aired(o.day, o.session, o.slug, o.kind) for o in presumed_aired(found)]
            for sid, found in rows.items()}


def stored_airings(session: Session, schedule_of: Mapping[int, int]
                   ) -> tuple[dict[int, list[Fixed]], dict[int, list[Fixed]]]:
    """{station id: airings} and {station id: pinned airings} of the given schedule per station, as
    the solver counted them: a past airing a re-plan kept as planned carries only its counted items
    (none, if the session was reported missed)."""
    airings: dict[int, list[Fixed]] = defaultdict(list)
    pinned: dict[int, list[Fixed]] = defaultdict(list)
    for sid, stored in read_airings(session, schedule_of).items():
        for a in stored:
            f = Fixed(a.date, a.session, a.counted_slugs)
            airings[sid].append(f)
            if a.pinned:
                pinned[sid].append(f)
    return dict(airings), dict(pinned)


def current_airings_by_station(session: Session, month: Period, station_ids: Sequence[int]
                               ) -> dict[int, list[tuple]]:
    """The current version's airings per station as (date, session, slugs), as counted (a past
    session that counted nothing is left out): a re-plan's reference."""
    airings, _ = stored_airings(session, current_schedule_ids(session, month.label, list(station_ids)))
    return {sid: [tuple(f) for f in fs if f.slugs] for sid, fs in airings.items()}
