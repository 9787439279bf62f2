"""The coverage audit: per rule, station and segment, what was required, planned and aired in a period.

Attribution: an obligation (an each_segment window or a quota period) belongs to the report period
that contains its end, its due date. Its airings are counted over the whole window, also the days
before the report period, so that a window crossing a boundary is judged once and whole, and the
months of a quarter add up to the quarter. "Required" is the rule's min; "planned" counts the items
of the schedule version in force on each day (outcomes.py); "aired" counts only items reported
aired. Planned items without a report are "not reported" and not counted as aired.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.config import local_today
from ..reference.divisions import district_names, stations_in
from ..core.errors import UserError
from ..core.i18n import M, Msg
from .audit_reasons import Reason, reason as _reason
from ..core.models import AsRun, Schedule, ScheduleStation, Segment, Station
from .outcomes import STATUSES, Outcome, months_of, outcomes
from ..core.periods import Period
from ..scheduler.plan import JINGLE_KIND, PlanRules, Rule
from ..reference.labels import scope_label
from ..reference.plan_rules import active_plan
from ..scheduler.instance import SegmentInfo
from ..scheduler.obligations import Obligation, obligations
from ..core.scopes import PROVINCE, Scope, parse_scope

Progress = Callable[[int, int], None]
COLUMNS = ["period", "district", "station", "rule", "segment", "required", "planned", "aired",
           "shortfall", "reason"]  # DESIGN.md's audit format; more columns only after these
EXTRA_COLUMNS = ["station_name", "district_name", "window", "window_start", "window_end", "missed",
                 "not_reported", "unconfirmed", "made_good", "status"]


@dataclass(frozen=True)
class AuditRow:
    """One obligation of one station due in the period, and what became of it."""

    period: str
    district: str
    district_name: str
    station: str
    station_name: str
    rule: str
    segment: str  # "" for a quota
    window: str  # the window ("2024-03-08..2024-03-14") or calendar period ("2024-W11", "2024-Q1")
    start: dt.date
    end: dt.date
    required: int
    planned: int
    aired: int
    missed: int  # items reported missed or cut short, or off the air and not reported
    unconfirmed: int  # items of sessions reported partial without item rows
    not_reported: int
    made_good: int  # airings added by re-planning
    soft: bool
    due: bool  # its end has passed (an open window is not judged yet)
    reason: "Reason | Msg"
    withdrawn: dt.date | None = None  # the segment was withdrawn from that day, inside the window

    @property
    def shortfall(self) -> int:
        if self.withdrawn is not None:
            return 0  # a withdrawn item is owed no more: required stays, for the record
        return max(0, self.required - self.aired)

    @property
    def status(self) -> str:
        if self.soft:
            return "soft"
        if not self.due:
            return "open"
        return "short" if self.shortfall else "met"

    @property
    def judged(self) -> bool:
        """Counts toward compliance: a hard obligation whose due date has passed."""
        return not self.soft and self.due


@dataclass
class Share:
    """Stations fully compliant with a rule (or all rules) in a district or the province."""

    stations: int = 0
    compliant: int = 0
    required: int = 0
    aired: int = 0  # capped at required per obligation

    @property
    def share(self) -> float | None:
        return self.compliant / self.stations if self.stations else None

    @property
    def coverage(self) -> float | None:
        return self.aired / self.required if self.required else None


@dataclass
class Rollup:
    """A district's (code) or the province's (code None) compliance, per rule and overall."""

    code: str | None
    name: str
    stations: int = 0
    reporting: int = 0  # stations that sent any as-run report for the period's planned days
    rules: dict[str, Share] = field(default_factory=dict)
    overall: Share = field(default_factory=Share)
    months: dict[str, Share] = field(default_factory=dict)  # coverage by due month


@dataclass
class AuditResult:
    period: Period
    scope: str
    plan: PlanRules
    today: dt.date
    rows: list[AuditRow]
    rules: list[Rule]
    districts: list[Rollup]
    province: Rollup
    stations: list[Rollup]  # one per station (code = station code): the commune view
    titles: dict[str, str] = field(default_factory=dict)  # segment slug -> title
    place: str = ""  # the scope as people read it: "Toàn tỉnh", "Huyện Kỳ Anh"
    planned_months: dict[str, str] = field(default_factory=dict)  # station code -> newest planned

    @property
    def months(self) -> list[str]:
        return [m.label for m in self.period.months()]

    def drill_month(self, station_code: str) -> str:
        """The month a station's row links to: its newest month planned in the period, else the
        period's first month (a quarter or year is not a station page; its December may be empty)."""
        return self.planned_months.get(station_code) or self.months[0]


def audit(session: Session, period: Period, scope: Scope | None = None, *,
          today: dt.date | None = None, progress: Progress | None = None) -> AuditResult:
    """Required, planned and aired for every obligation due in the period at the stations in scope."""
    scope = scope or PROVINCE
    today = today or local_today()
    _row, plan = active_plan(session, period.start.year)
    stations = stations_in(session, scope, on=period.start, until=period.end)
    if not stations:
        raise UserError(M("no station in {scope} is on the air in {p}",
                          "không có đài nào thuộc {scope} hoạt động trong kỳ {p}",
                          scope=scope_label(session, scope, on=period.start),
                          p=period.label))
    names = district_names(session)
    segments, titles, withdrawn = _segments(session, period)
    shared: dict[tuple, list[Obligation]] = {}
    per_station = {st.id: _obligations(st, plan.rules, segments, period, shared) for st in stations}
    lo = min((ob.start for obs in per_station.values() for ob in obs), default=period.start)
    found = outcomes(session, [s.id for s in stations], lo, period.end)
    reported = _reported(session, [s.id for s in stations], lo, period.end)
    stored = _stored_shortfalls(session, [s.id for s in stations], lo, period.end)
    rows: list[AuditRow] = []
    for n, st in enumerate(stations, 1):
        rows += _rows(period, st, names.get(st.district_code or "", ""), per_station[st.id],
                      found.get(st.id, []), stored.get(st.id, {}), st.id in reported, today,
                      titles, withdrawn)
        if progress:
            progress(n, len(stations))
    districts, province, by_station = rollups(rows, stations, names, reported)
    return AuditResult(period, str(scope), plan, today, rows, list(plan.rules), districts, province,
                       by_station, titles, scope_label(session, scope, on=period.start),
                       _planned_months(session, stations, period))


def _planned_months(session: Session, stations: list[Station], period: Period) -> dict[str, str]:
    """Station code -> the newest month of the period that has a schedule for it."""
    codes = {s.id: s.code for s in stations}
    months = [m.label for m in period.months()]
    out: dict[str, str] = {}
    for sid, newest in session.execute(
            select(ScheduleStation.station_id, func.max(Schedule.month))
            .join(Schedule, Schedule.id == ScheduleStation.schedule_id)
            .where(Schedule.month.in_(months)).group_by(ScheduleStation.station_id)):
        if sid in codes:
            out[codes[sid]] = max(newest, out.get(codes[sid], ""))
    return out


def _segments(session: Session, period: Period
              ) -> tuple[dict[tuple, list[SegmentInfo]], dict[str, str], dict[str, dt.date]]:
    """Approved items whose windows can end in the period, by (scope level, code); their titles;
    the days from which those withdrawn were withdrawn (their windows keep their whole length)."""
    out: dict[tuple, list[SegmentInfo]] = defaultdict(list)
    titles = {}
    withdrawn = {}
    for s in session.scalars(select(Segment).where(
            Segment.status == "approved", Segment.kind != JINGLE_KIND,
            Segment.valid_until >= period.start, Segment.valid_from <= period.end)):
        sc = parse_scope(s.scope)
        out[(sc.level, sc.code)].append(SegmentInfo(s.slug, s.kind, int(round(s.duration_s * 1000)),
                                                    s.valid_from, s.valid_until,
                                                    not s.scope.startswith("province")))
        titles[s.slug] = s.title
        if s.withdrawn_from is not None:
            withdrawn[s.slug] = s.withdrawn_from
    return out, titles, withdrawn


def _obligations(st: Station, rules: Iterable[Rule], segments, period: Period,
                 shared: dict[tuple, list[Obligation]]) -> list[Obligation]:
    """The station's obligations due in the period (and while it was on the air), in the order of
    scheduler.obligations. What a rule owes for the province's and the district's segments is the
    same at every station of a district: worked out once, the commune's own segments added."""
    common = (segments.get(("province", None), []) + segments.get(("province", st.province_code), [])
              + segments.get(("district", st.district_code), []))
    own = segments.get(("commune", st.code), [])
    due = lambda obs: [ob for ob in obs if period.start <= ob.end <= period.end]  # noqa: E731
    out: list[Obligation] = []
    for rule in rules:
        if not parse_scope(rule.scope).covers(st.province_code, st.district_code, st.code):
            continue
        key = (rule.id, st.province_code, st.district_code)
        if key not in shared:
            shared[key] = due(obligations([rule], common, period.start, period.end))
        obs = shared[key]
        if own and rule.each_segment is not None:
            extra = due(obligations([replace(rule, quota=None)], own, period.start, period.end))
            if extra:  # windows in segment order (valid_from, slug), then the quota's periods
                obs = sorted(obs + extra, key=lambda ob: (ob.segment is None, ob.start, ob.segment or ""))
        out += [ob for ob in obs if st.valid_from <= ob.end <= st.valid_until]
    return out


def _reported(session: Session, station_ids: list[int], start: dt.date, end: dt.date) -> set[int]:
    """Stations that sent any report for those days."""
    out: set[int] = set()
    for n in range(0, len(station_ids), 500):
        out.update(session.scalars(select(AsRun.station_id).distinct().where(
            AsRun.station_id.in_(station_ids[n:n + 500]), AsRun.date >= start, AsRun.date <= end)))
    return out


def _stored_shortfalls(session: Session, station_ids: list[int], start: dt.date, end: dt.date
                       ) -> dict[int, dict[tuple, dict]]:
    """The planner's own shortfalls per station, (rule, segment, start) -> newest stored dict."""
    out: dict[int, dict[tuple, dict]] = defaultdict(dict)
    labels = [m.label for m in months_of(start, end)]
    for n in range(0, len(station_ids), 500):
        rows = session.execute(
            select(ScheduleStation.station_id, ScheduleStation.shortfalls)
            .join(Schedule, Schedule.id == ScheduleStation.schedule_id)
            .where(Schedule.month.in_(labels), ScheduleStation.station_id.in_(station_ids[n:n + 500]))
            .order_by(Schedule.month, Schedule.version))
        for sid, sfs in rows:
            for d in sfs or ():
                if "start" in d:
                    out[sid][(d["rule"], d.get("segment"), d["start"])] = d
    return out


def _rows(period: Period, st: Station, district_name: str, obs: list[Obligation],
          found: list[Outcome], stored: dict, any_report: bool, today: dt.date,
          titles: dict[str, str], withdrawn: dict[str, dt.date]) -> list[AuditRow]:
    by_slug: dict[str, list[Outcome]] = defaultdict(list)
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    any_kind: list[Outcome] = []  # what a rule of kind "*" counts: every CCHC item
    for o in sorted(found, key=lambda o: o.day):
        by_slug[o.slug].append(o)
        by_kind[o.kind].append(o)
        if o.kind != JINGLE_KIND:
            any_kind.append(o)
    planned_months = {f"{o.day.year:04d}-{o.day.month:02d}" for o in found}
    pools = {("slug", k): (v, [o.day for o in v]) for k, v in by_slug.items()}
    pools.update({("kind", k): (v, [o.day for o in v]) for k, v in by_kind.items()})
    pools[("any", None)] = (any_kind, [o.day for o in any_kind])
    out = []
    for ob in obs:
        key = ("slug", ob.segment) if ob.segment is not None else ("any", None) if ob.kind == "*" \
            else ("kind", ob.kind)
        pool, days = pools.get(key, ((), []))
        # the pool's airings inside the window, found by bisection (a pool is in day order)
        mine = [o for o in pool[bisect_left(days, ob.start):bisect_right(days, ob.end)]
                if ob.counts(o.slug, o.kind)]
        tally = dict.fromkeys(STATUSES, 0)
        made_good = 0
        for o in mine:
            tally[o.status] += 1
            made_good += o.made_good
        row = dict(period=period.label, district=st.district_code or "", district_name=district_name,
                   station=st.code, station_name=st.name, rule=ob.rule, segment=ob.segment or "",
                   window=ob.label, start=ob.start, end=ob.end, required=ob.min, planned=len(mine),
                   aired=tally["aired"], missed=tally["missed"] + tally["partial"] + tally["off_air"],
                   unconfirmed=tally["unconfirmed"], not_reported=tally["unreported"],
                   made_good=made_good, soft=ob.soft, due=ob.end < today)
        gone = withdrawn.get(ob.segment) if ob.segment is not None else None
        if gone is not None and gone <= ob.end:
            row["withdrawn"] = gone
        why = Reason(partial(_reason, row, ob, mine, stored, any_report, planned_months, titles))
        out.append(AuditRow(**row, reason=why))
    return out


def rollups(rows: list[AuditRow], stations: list[Station], names: dict[str, str], reported: set[int]
            ) -> tuple[list[Rollup], Rollup, list[Rollup]]:
    """Per station, district and province: stations fully compliant per rule, per due month and
    overall, and the coverage (aired of required, capped per obligation). Only judged obligations
    (hard, due) count; a station with none of a rule is left out of that rule's share."""
    by_station = {st.code: Rollup(st.code, st.name, 1, int(st.id in reported)) for st in stations}
    for row in rows:
        if not row.judged:
            continue
        r = by_station[row.station]
        for share in (r.rules.setdefault(row.rule, Share(1, 1)), r.overall if r.overall.stations
                      else _first(r), r.months.setdefault(row.end.strftime("%Y-%m"), Share(1, 1))):
            share.required += row.required
            share.aired += min(row.aired, row.required)
            if row.shortfall:
                share.compliant = 0
    districts: dict[str | None, Rollup] = {}
    province = Rollup(None, "")
    for st in stations:
        d = districts.setdefault(st.district_code, Rollup(st.district_code,
                                                          names.get(st.district_code or "", "")))
        for target in (d, province):
            _add(target, by_station[st.code])
    ordered = sorted(districts.values(), key=lambda d: (d.code is None, int(d.code or 0)))
    return ordered, province, [by_station[s.code] for s in stations]


def _first(r: Rollup) -> Share:
    r.overall = Share(1, 1)
    return r.overall


def _add(target: Rollup, station: Rollup) -> None:
    target.stations += 1
    target.reporting += station.reporting
    pairs = [(target.rules.setdefault(k, Share()), v) for k, v in station.rules.items()]
    pairs += [(target.months.setdefault(k, Share()), v) for k, v in station.months.items()]
    pairs.append((target.overall, station.overall))
    for into, one in pairs:
        into.stations += one.stations
        into.compliant += one.compliant
        into.required += one.required
        into.aired += one.aired
