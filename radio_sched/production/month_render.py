"""render_month: a month's stored schedule turned into ready-to-air bundles, one per station."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from .bundle import AiringAudio, BundleOutcome, Item, StationInfo, write_bundle
from .catalogue import audio_settings
from .parts import Library, ReadyPart, lookup, make_gap, make_ready, recipe_key
from .pool import run_all
from .probe import AudioRefused
from .session_audio import Session as AudioSession, SessionCache
from ..core.config import AudioSettings, Settings
from ..reference.divisions import district_names, stations_in
from ..core.errors import NotFound, UserError
from ..core.i18n import M, Msg
from ..core.models import Bundle, Plan, Schedule, Segment, Station, Unit
from ..core.periods import Period, PeriodError, parse_month
from ..scheduler.plan import PlanRules, SessionLimits
from ..reference.plan_rules import active_plan, parse_rules
from ..planning.schedules import current_schedule_ids, station_airings
from ..reports.past import past_statuses
from ..core.scopes import PROVINCE, Scope

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
MAX_LISTED = 5


@dataclass
class StationRender:
    code: str
    name: str
    schedule_version: int
    airings: int
    bundle: BundleOutcome


@dataclass
class RenderResult:
    month: str
    scope: str
    stations: list[StationRender] = field(default_factory=list)
    without_schedule: list[str] = field(default_factory=list)  # station codes
    airings: int = 0
    unique_sessions: int = 0
    sessions_rendered: int = 0  # joined this run; the others came from the cache
    parts_prepared: int = 0  # ready parts encoded this run
    audio_s: float = 0.0  # airtime of all the airings
    wall_s: float = 0.0
    pending: list[Bundle] = field(default_factory=list)  # a draft's rows, for its caller to add

    @property
    def bundles_new(self) -> int:
        return sum(1 for s in self.stations if s.bundle.status in ("new", "adopted"))


@dataclass(frozen=True)
class Draft:
    """A schedule version not stored yet (a re-plan renders before it stores): its number, its
    plan, each station's airings (planning/store.py draft_airings: as station_airings reads them
    once stored) and the header it will be stored with (kind, replan_from, stats), so that it is
    rendered as the version it becomes: the same past statuses, the same bytes."""

    version: int
    plan_id: int | None
    airings: dict[int, list]  # station id -> airings
    header: dict = field(default_factory=dict)
    id: None = None  # what a Bundle row of it points at is known once it is stored

    @property
    def kind(self) -> str:
        return self.header.get("kind", "replan")

    @property
    def replan_from(self):
        return self.header.get("replan_from")


DRAFT = 0  # the draft's place among schedule ids, which start at 1


@dataclass(frozen=True)
class _Need:
    segment: Segment
    audio: AudioSettings

    @property
    def key(self) -> str:
        return recipe_key(self.segment.sha256, self.audio)


def _plan_of(db: Session, schedule: Schedule, year: int) -> PlanRules | None:
    """The plan a schedule was made under; else the year's active plan; else none."""
    if schedule.plan_id is not None:
        plan = db.get(Plan, schedule.plan_id)
        if plan is not None:
            return parse_rules(plan.source_text, f"plan {plan.id}")
    try:
        return active_plan(db, year)[1]
    except NotFound:
        return None


def _where(station: Station, airing) -> str:
    return f"{station.code} {airing.date.isoformat()} {airing.session}"


def render_month(settings: Settings, session: Session, month: str | Period, scope: Scope | None = None,
                 *, jobs: int | None = None, progress: Progress | None = None,
                 station_ids: Sequence[int] | None = None, draft: Draft | None = None
                 ) -> RenderResult:
    """Render the current schedule of every station in scope for the month into its bundle.
    Parts are encoded once (jobs at a time), unique sessions joined once into the cache, bundles
    rewritten only when their content changes. Bundle rows are added together once every zip is
    written (in the caller's transaction), so other writers are not held up meanwhile.
    station_ids narrows the scope to those stations (a re-plan renders the ones it changed).
    With a draft, its stations are rendered from it and nothing is written to the database: the
    rows are left in result.pending, for the caller to add once it has stored the draft."""
    started = time.monotonic()
    try:
        period = month if isinstance(month, Period) else parse_month(month)
    except PeriodError as exc:
        raise UserError(exc.message) from None
    scope = scope or PROVINCE
    result = RenderResult(period.label, str(scope))
    stations = stations_in(session, scope, on=period.start, until=period.end)
    if station_ids is not None:
        wanted = set(station_ids)
        stations = [s for s in stations if s.id in wanted]
    current = current_schedule_ids(session, period.label, [s.id for s in stations])
    if draft is not None:
        current.update({s.id: DRAFT for s in stations if s.id in draft.airings})
    result.without_schedule = [s.code for s in stations if s.id not in current]
    if not current:
        raise NotFound(M("no schedule for {m} covers {scope}: plan the month first",
                         "chưa có lịch phát tháng {m} cho {scope}: hãy lập lịch trước",
                         m=period.label, scope=str(scope)))
    library = Library(settings.library_root)
    cache = SessionCache(settings.schedules_root)
    library.clean()
    cache.clean()

    # --- what every airing needs -------------------------------------------------------------------
    schedules = {sid: draft if sid == DRAFT else session.get(Schedule, sid)
                 for sid in set(current.values())}
    plans = {sid: _plan_of(session, sch, period.start.year) for sid, sch in schedules.items()}
    audio_by_schedule = {sid: audio_settings(session, settings, period.start.year) if plan is None else
                         _with_targets(settings.audio, plan) for sid, plan in plans.items()}
    work = []  # (station, schedule id, airings)
    segment_ids: set[int] = set()
    jingles: set[str] = set()
    for st in stations:
        if st.id not in current:
            continue
        sid = current[st.id]
        airings = [a for a in (draft.airings[st.id] if sid == DRAFT else
                               station_airings(session, sid, st.id)) if a.items]
        work.append((st, sid, airings))
        segment_ids.update(i.segment_id for a in airings for i in a.items)
        limits = plans[sid].session if plans[sid] else SessionLimits()
        jingles.update(j for j in (limits.intro, limits.outro) if j)
    segments = {s.id: s for s in session.scalars(select(Segment).where(Segment.id.in_(segment_ids)))}
    by_slug = {s.slug: s for s in session.scalars(select(Segment).where(Segment.slug.in_(jingles)))}
    absent = sorted(jingles - set(by_slug))
    if absent:
        raise NotFound(M(
            "the plan's jingle(s) {s} are not in the library: add them with "
            "'radio-sched segments add FILE --kind jingle --id {first}'",
            "nhạc hiệu {s} của kế hoạch chưa có trong thư viện: hãy thêm bằng "
            "'radio-sched segments add TỆP --kind jingle --id {first}'",
            s=", ".join(absent), first=absent[0]))

    needs: dict[str, _Need] = {}
    users: dict[str, list[str]] = defaultdict(list)  # recipe key -> airings that need it
    plan_of_airing = []
    for st, sid, airings in work:
        audio = audio_by_schedule[sid]
        limits = plans[sid].session if plans[sid] else SessionLimits()
        for a in airings:
            segs = ([by_slug[limits.intro]] if limits.intro else []) + \
                   [segments[i.segment_id] for i in a.items] + \
                   ([by_slug[limits.outro]] if limits.outro else [])
            keys = []
            for seg in segs:
                need = _Need(seg, audio)
                needs.setdefault(need.key, need)
                users[need.key].append(_where(st, a))
                keys.append(need.key)
            plan_of_airing.append((st, sid, a, keys, limits.gap_s, audio))

    parts: dict[str, ReadyPart] = {}
    todo: list[tuple[_Need, Path]] = []
    missing: list[tuple[Segment, list[str]]] = []
    for key, need in needs.items():
        found = lookup(library, key)
        if found is not None:
            parts[key] = found
            continue
        original = library.find_original(need.segment.sha256)
        if original is None:
            missing.append((need.segment, users[key]))
        else:
            todo.append((need, original))
    if missing:
        raise NotFound(M("{n} segment file(s) are missing from the library {lib}:\n{lines}",
                         "thiếu {n} tệp mục phát trong thư viện {lib}:\n{lines}",
                         n=len(missing), lib=str(library.root), lines=[_missing_line(s, u)
                                                                      for s, u in missing]))

    gaps = {(gap_s, audio) for *_, gap_s, audio in plan_of_airing}
    # a session is named by its parts' bytes, known only once they are made; by recipe it is the same
    n_sessions = len({(tuple(keys), gap_s, audio) for *_, keys, gap_s, audio in plan_of_airing})
    total = len(todo) + len(gaps) + n_sessions + len(work)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    def prepared(task, part, exc) -> None:
        if isinstance(exc, AudioRefused):
            raise UserError(M("{slug}: {reason}", "{slug}: {reason}", slug=task[0].segment.slug,
                              reason=exc.reason)) from exc
        if exc is not None:
            raise exc
        parts[task[0].key] = part
        result.parts_prepared += 1
        tick()

    run_all(lambda t: make_ready(str(library.root), str(t[1]), t[0].segment.sha256, t[0].audio),
            todo, jobs=jobs, on_done=prepared)
    gap_parts = {}
    for gap_s, audio in gaps:
        gap_parts[(gap_s, audio)] = make_gap(str(library.root), gap_s, audio)
        tick()

    # --- unique sessions ---------------------------------------------------------------------------
    per_station: dict[int, list[AiringAudio]] = defaultdict(list)
    statuses = past_statuses(session, period, {st.id: sid for st, sid, _ in work},
                             unstored={DRAFT: draft.replan_from} if draft is not None else None)
    unique: dict[str, AudioSession] = {}
    too_long = []
    for st, sid, a, keys, gap_s, audio in plan_of_airing:
        s = cache.session([parts[k] for k in keys], gap_parts[(gap_s, audio)])
        unique.setdefault(s.key, s)
        if s.duration_s > a.capacity_s + 1e-9:
            too_long.append(M("{w}: {d:.3f} s > {c} s", "{w}: {d:.3f} giây > {c} giây", w=_where(st, a),
                              d=s.duration_s, c=a.capacity_s))
        items = tuple(Item(segments[i.segment_id].slug, segments[i.segment_id].title, i.kind,
                           segments[i.segment_id].duration_s, segments[i.segment_id].sha256)
                      for i in a.items)
        per_station[st.id].append(AiringAudio(a.date, a.session, a.start, a.capacity_s, items, s,
                                              statuses.get(st.id, {}).get((a.date, a.session))))
    if too_long:
        raise UserError(M("{n} session(s) would run over their capacity; plan the month again:\n{lines}",
                          "{n} buổi sẽ vượt thời lượng cho phép; hãy lập lại lịch tháng:\n{lines}",
                          n=len(too_long), lines=too_long[:20]))
    for s in unique.values():
        if not cache.has(s):
            cache.build(s, library)
            result.sessions_rendered += 1
        tick()
    result.unique_sessions = len(unique)

    # --- bundles -----------------------------------------------------------------------------------
    # Zips first, rows last: writing a zip only reads the database, so a long render holds no write
    # lock (SQLite's is the whole database) until its rows go in together at the end. A render
    # killed in between leaves zips no row names (never served); the next run adopts them.
    districts = district_names(session)
    provinces = {u.code: u.name for u in session.scalars(select(Unit).where(Unit.level == "province"))}
    rows: list[Bundle] = []
    for st, sid, airings in work:
        info = StationInfo(st.id, st.code, st.name, districts.get(st.district_code or "", ""),
                           provinces.get(st.province_code, ""))
        plan = plans[sid]
        outcome, row = write_bundle(session, settings, info, period, schedules[sid],
                                    per_station[st.id], audio=audio_by_schedule[sid],
                                    plan_name=plan.name if plan else "")
        if row is not None:
            rows.append(row)
        result.stations.append(StationRender(st.code, st.name, schedules[sid].version,
                                             len(per_station[st.id]), outcome))
        result.airings += len(per_station[st.id])
        result.audio_s += sum(a.audio.duration_s for a in per_station[st.id])
        tick()
    if draft is None:
        session.add_all(rows)
        session.flush()
    else:
        result.pending = rows
    result.wall_s = time.monotonic() - started
    log.info("rendered %s for %s: %d airings, %d unique sessions (%d joined now), %d parts encoded",
             period.label, scope, result.airings, result.unique_sessions, result.sessions_rendered,
             result.parts_prepared)
    return result


def _with_targets(audio: AudioSettings, plan: PlanRules) -> AudioSettings:
    from dataclasses import replace

    return replace(audio, loudness_lufs=plan.audio.loudness_lufs,
                   true_peak_dbtp=plan.audio.true_peak_dbtp)


def _missing_line(seg: Segment, where: list[str]) -> Msg:
    shown = ", ".join(where[:MAX_LISTED])
    more = len(where) - MAX_LISTED
    return M("'{s}' ({t}), needed by {n} airing(s): {w}{more}",
             "'{s}' ({t}), cần cho {n} buổi phát: {w}{more}", s=seg.slug, t=seg.title, n=len(where),
             w=shown, more=f" ... (+{more})" if more > 0 else "")
