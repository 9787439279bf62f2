"""The planner's month: who plans (the province where it has no districts, else each district),
and everything the planner's page shows for one month of its communes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access.users import can_manage, can_manage_scope
from ..core.config import WebSettings
from ..core.errors import NotFound, UserError
from ..core.i18n import M, Msg
from ..core.models import AsRun, Blackout, Schedule, SessionTemplate, Station, Unit, User
from ..core.periods import Period
from ..core.scopes import PROVINCE, Scope, ScopeError, parse_scope
from ..jobs.locks import ACTIVE
from ..jobs.runner import recent_jobs
from ..jobs.summary import JobLine, job_lines
from ..reference.blackouts import list_blackouts
from ..reference.divisions import stations_in
from ..reference.labels import month_label
from ..reference.places import place_names
from ..reference.plan_rules import active_plan
from ..reports.readable import read_shortfalls
from ..reports.overview import (
    DistrictStatus, StationStatus, district_statuses, month_status, schedule_versions
)
from .replan import first_day_to_replan

PLANNING_LEVELS = ("province", "district")
# the kind an upload form suggests first: what each planner itself produces
UPLOAD_KIND = {"province": "provincial_program", "district": "district_episode"}


@dataclass(frozen=True)
class Planner:
    """A unit that plans its communes' month: a district, or a province with no districts."""

    level: str  # province | district
    code: str
    name: str
    province_code: str

    @property
    def scope(self) -> Scope:
        return Scope(self.level, self.code)


def _unit(session: Session, level: str, code: str, period: Period) -> Unit | None:
    return session.scalar(select(Unit).where(
        Unit.level == level, Unit.code == code, Unit.valid_from <= period.end,
        Unit.valid_until >= period.start).order_by(Unit.valid_from.desc()).limit(1))


def _provinces_with_districts(session: Session, period: Period) -> set[str]:
    return set(session.scalars(select(Station.province_code).where(
        Station.district_code.is_not(None), Station.valid_from <= period.end,
        Station.valid_until >= period.start).distinct()))


def find_planner(session: Session, level: str, code: str, period: Period) -> Planner:
    """The district, or the province, with that code in the month (codes are reused over time,
    so the month decides); NotFound if none, or if the province has districts that month (its
    districts plan then)."""
    code = str(int(code)) if code.isdigit() and len(code) <= 12 else ""
    unit = _unit(session, level, code, period) if code and level in PLANNING_LEVELS else None
    if unit is None:
        raise NotFound(M("no {level} with code {code} exists in {m}",
                         "không có {level} nào mã {code} trong tháng {m}",
                         level=M("province", "tỉnh") if level == "province" else
                         M("district", "huyện"), code=code or "?", m=period.label))
    if level == "province" and unit.code in _provinces_with_districts(session, period):
        raise NotFound(M(
            "{name} has districts in {m}: each district plans its communes on its own page",
            "{name} có cấp huyện trong tháng {m}: mỗi huyện lập lịch cho các xã trên trang của "
            "huyện", name=unit.name, m=period.label))
    return Planner(level, unit.code, unit.name,
                   unit.province_code if level == "district" else unit.code)


def planners_in(session: Session, scope: Scope, period: Period) -> list[Planner]:
    """The provinces under a Department's scope that plan their communes themselves that month
    (those with no districts), by code."""
    q = select(Unit).where(Unit.level == "province", Unit.valid_from <= period.end,
                           Unit.valid_until >= period.start)
    if scope.code is not None:
        q = q.where(Unit.code == scope.code)
    three_tier = _provinces_with_districts(session, period)
    have_stations = set(session.scalars(select(Station.province_code).where(
        Station.valid_from <= period.end, Station.valid_until >= period.start).distinct()))
    found = {u.code: u for u in session.scalars(q.order_by(Unit.valid_from))}
    return [Planner("province", u.code, u.name, u.code)
            for c, u in sorted(found.items(), key=lambda kv: int(kv[0]))
            if c not in three_tier and c in have_stations]


@dataclass(frozen=True)
class DepartmentMonth:
    districts: list[DistrictStatus]  # the month summed per district (one row with no district)
    planners: list[Planner]  # the provinces that plan their communes themselves that month


def department_month(session: Session, scope: Scope, period: Period) -> DepartmentMonth:
    """The Department's month: where it stands district by district, and the planner pages of
    the provinces with no districts that month (its own, since July 2025)."""
    return DepartmentMonth(district_statuses(session, scope, period),
                           planners_in(session, scope, period))


def may_plan(user: User | None, planner: Planner) -> bool:
    """Does this account run the planner's work (the same judge as every other page)?"""
    return can_manage(user, planner.scope, province_code=planner.province_code)


def planner_stations(session: Session, planner: Planner, period: Period) -> list[Station]:
    return stations_in(session, planner.scope, on=period.start, until=period.end)


def within(planner: Planner, stations: list[Station], scope: Scope) -> bool:
    """Does a stored scope (a session's, an off-air period's) concern the planner's communes?"""
    if scope.level == "province":
        return scope.code in (None, planner.province_code)
    if scope.level == "district":
        return scope.code in {s.district_code for s in stations}
    return scope.code in {s.code for s in stations}


def closes(planner: Planner, stations: list[Station], target: str) -> Scope | None:
    """The scope an off-air form names, if it is the planner's to close (itself or one of its
    communes), else None; raises ScopeError for a malformed one."""
    scope = parse_scope(target)
    if scope == planner.scope or (scope.level == "commune" and any(
            s.code == scope.code for s in stations)):
        return scope
    return None


@dataclass(frozen=True)
class ReplanDay:
    """The day a re-plan form offers, or None with the reason no day is left."""

    day: dt.date | None
    last_report: dt.date | None
    why_not: Msg | None = None


def replan_day(session: Session, stations: list[Station], period: Period, today: dt.date, *,
               planned: bool = True) -> ReplanDay:
    """The first day that can still be re-planned: the day after the stations' last as-run report
    of the month, and not before tomorrow in the current month (today's sessions may have aired);
    None when every day of the month is reported, or nothing is planned yet."""
    ids = [s.id for s in stations]
    last = session.scalar(select(func.max(AsRun.date)).where(
        AsRun.station_id.in_(ids), AsRun.date >= period.start,
        AsRun.date <= period.end)) if ids else None
    if not planned:
        return ReplanDay(None, last, M("Nothing is planned for this month yet: plan it first.",
                                       "Tháng này chưa có lịch: hãy lập lịch trước."))
    floor = last + dt.timedelta(days=1) if last else period.start
    day = max(floor, first_day_to_replan(period, today)) if period.end >= today else floor
    if day > period.end:
        return ReplanDay(None, last, M(
            "No day of {m} is left to re-plan: the stations have reported up to its last day "
            "({d}).", "Không còn ngày nào của tháng {m} để lập lại lịch: các đài đã báo cáo đến "
            "ngày cuối tháng ({d}).", m=month_label(period.label), d=last.strftime("%d/%m/%Y")))
    return ReplanDay(day, last)


@dataclass(frozen=True)
class Place:
    """A stored row (an off-air period, a session) with where it applies, by name."""

    row: Blackout | SessionTemplate
    place: str
    removable: bool = False


@dataclass
class PlannerMonth:
    planner: Planner
    period: Period
    stations: list[Station]
    statuses: list[StationStatus]
    versions: list[tuple[Schedule, str]]  # (version, where it applies by name)
    jobs: list[JobLine]
    running: list[JobLine]
    offair: list[Place]
    sessions: list[Place]
    session_names: list[str]
    kinds: list[str]
    upload_scopes: list[tuple[str, str]]  # (scope, label) the upload form offers
    offair_targets: list[tuple[str, str]]  # (scope, label) the off-air form offers
    replan: ReplanDay
    upload_kind: str = ""
    shortfalls: list[StationStatus] = field(default_factory=list)
    rules_missing: bool = False  # the year has no plan rules: planning would fail


def planner_month(session: Session, planner: Planner, period: Period, *, user: User | None,
                  today: dt.date, lang: str, web: WebSettings = WebSettings()) -> PlannerMonth:
    """Everything the planner's page shows for a month: its communes with their schedule, bundle
    and reports; schedule versions; recent jobs as lines; off-air days and sessions of its
    communes by place name (off-air days the user may remove marked); the kinds the year's plan
    names; the re-plan day. Dead jobs are marked failed as they are read (web.job_stale_s)."""
    stations = planner_stations(session, planner, period)
    statuses = month_status(session, stations, period)
    _read_shortfalls(session, period, statuses)
    jobs = recent_jobs(session, scope=str(planner.scope), limit=10, settings=web)
    lines = job_lines(session, jobs, lang)
    running = [line for job, line in zip(jobs, lines)
               if job.status in ACTIVE and job.month in (period.label, None)]
    offair = [b for b in list_blackouts(session, start=period.start, end=period.end)
              if _parses_within(planner, stations, b.scope)]
    templates = [t for t in session.scalars(select(SessionTemplate))
                 if _parses_within(planner, stations, t.scope)]
    versions = schedule_versions(session, period.label, [s.id for s in stations])
    names = place_names(session, [b.scope for b in offair] + [t.scope for t in templates] +
                        [v.scope for v in versions], on=period.start, until=period.end)
    own = M("the whole district", "cả huyện") if planner.level == "district" else \
        M("the whole province", "cả tỉnh")
    communes = [(f"commune:{s.code}", s.name) for s in stations]
    uploads = ([(str(PROVINCE), M("the whole province", "cả tỉnh").render(lang))]
               if planner.level == "district" and can_manage(user, PROVINCE) else [])
    targets = [(str(planner.scope), own.render(lang))] + communes
    return PlannerMonth(
        planner=planner, period=period, stations=stations, statuses=statuses,
        versions=[(v, names.get(v.scope, v.scope)) for v in versions],
        jobs=lines, running=running,
        offair=[Place(b, names[b.scope], can_manage_scope(session, user, parse_scope(b.scope)))
                for b in offair],
        sessions=[Place(t, names[t.scope]) for t in sorted(
            templates, key=lambda t: (parse_scope(t.scope).specificity, t.scope, t.start))],
        session_names=sorted({t.session for t in session.scalars(select(SessionTemplate))}),
        kinds=plan_kinds(session, period, planner.level), upload_kind=UPLOAD_KIND[planner.level],
        rules_missing=not _has_rules(session, period),
        upload_scopes=uploads + targets, offair_targets=targets,
        replan=replan_day(session, stations, period, today,
                          planned=any(s.schedule for s in statuses)),
        shortfalls=[s for s in statuses if s.shortfalls])


def _read_shortfalls(session: Session, period: Period, statuses: list[StationStatus]) -> None:
    """Every station's shortfalls worded for people, read with one pair of queries."""
    rows = read_shortfalls(session, period.start.year, [f for s in statuses for f in s.shortfalls])
    for s in statuses:
        s.shortfalls, rows = rows[:len(s.shortfalls)], rows[len(s.shortfalls):]


def _parses_within(planner: Planner, stations: list[Station], text: str) -> bool:
    try:
        return within(planner, stations, parse_scope(text))
    except ScopeError:
        return False


def _has_rules(session: Session, period: Period) -> bool:
    try:
        active_plan(session, period.start.year)
    except UserError:
        return False
    return True


def plan_kinds(session: Session, period: Period, level: str) -> list[str]:
    """The kinds the year's plan names, for the upload form's suggestions (kinds stay open)."""
    try:
        rules = active_plan(session, period.start.year)[1]
    except UserError:
        return [UPLOAD_KIND[level], "jingle"]
    return sorted({r.kind for r in rules.rules if r.kind != "*"} | {"jingle"})


__all__ = ["DepartmentMonth", "Planner", "PlannerMonth", "ReplanDay", "closes", "department_month",
           "find_planner", "may_plan", "planner_month", "planner_stations", "planners_in",
           "replan_day", "within"]
