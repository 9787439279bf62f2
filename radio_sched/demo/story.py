"""The main job end to end on a realistic Hà Tĩnh month: content, plan, bundles, as-run, re-plan, audit.

run_demo() works in a folder with the library's own functions, one transaction per step. A second
run reuses what is there: the speech cache, the audio library (same bytes, nothing re-encoded), the
stored schedules (a month already planned is not planned again, a re-plan already made is not made
again), the bundles (unchanged content, no new version); as-run files and blackouts are re-imported,
which replaces the stored rows; the audit is written again. Months of the quarter before the chosen
one are simulated: planned with the same kinds of content (no audio) and reported as aired by a
generated as-run file, so the quarter's audit covers three months.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..reports.asrun import import_asrun
from ..production.catalogue import add_segments as add_audio, specs_from_files
from ..reports.audit import audit
from ..core.files import write_atomic
from ..reports.audit_report import render as render_report
from ..reference.blackouts import COLUMNS as BLACKOUT_COLUMNS, holiday_blackouts, import_blackouts
from ..core.config import Settings
from ..core.csvio import read_rows, write_csv
from ..core.db import session_scope, upgrade
from .accounts import demo_accounts
from .asrun import OnAir, unit, write_asrun
from .content import SegmentSpec, add_segments as add_rows, month_content, stations_by_district
from .speech import in_sentence, jingle_file, script, synthesise
from .summary import Account, DemoSummary, StepTime, summarize
from ..reference.divisions import DATA, district_names, resolve_scope, stations_in
from ..core.errors import UserError
from ..core.i18n import M, Msg, get_lang, using_lang
from ..jobs.runner import held
from ..core.models import BEGINNING, END_OF_TIME, AsRun, Blackout, Bundle, Schedule, Segment
from ..reports.outcomes import planned
from ..core.periods import Period, PeriodError, calendar_period, month as month_period, parse_month
from ..planning.plan import check_month, plan_month
from ..reference.presets import PRESETS, apply_preset
from ..production.month_render import render_month
from ..planning.replan import replan_month
from ..planning.schedules import current_schedule_ids
from ..core.scopes import PROVINCE, Scope

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
StepProgress = Callable[[Msg], Progress | None]

PRESET = "ha-tinh-2024"
DEFAULT_MONTH = "2024-03"
STORM_DISTRICT = "447"  # Huyện Kỳ Anh, on the coast; a run on chosen districts storms the first one
STORM_LENGTH = 3  # days; the storm strikes where the district's first half has the most sessions
STORM_REASON = "Cảnh báo giông lốc, ngừng phát để bảo đảm an toàn"
AFTER_STORM = "Mất điện kéo dài sau giông lốc"  # half the district's sessions of the next two days
SILENT_SHARE = 0.04  # stations that send no report for the first half
REPLAN_DAY = 16  # the first half of the month is reported, the rest re-planned
REPORT_DELAY_DAYS = 5  # the quarter's report is dated this long after the quarter ends
CREATED_BY = "demo"
DATED_KINDS = ("district_episode", "provincial_report")  # items published on a given day


class DemoRefused(UserError):
    """The folder holds something the demo must not touch."""


@dataclasses.dataclass
class DemoFiles:
    """Where the demo keeps its own files inside the work folder."""

    root: Path

    @property
    def state(self) -> Path:
        return self.root / "demo" / "demo.json"

    @property
    def speech(self) -> Path:
        return self.root / "demo" / "speech"

    @property
    def accounts(self) -> Path:
        return self.root / "demo" / "accounts.json"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def data(self, name: str) -> Path:
        return self.root / "demo" / name


def run_demo(settings: Settings, workdir: Path | str, *, districts: Sequence[str] | None = None,
             month: str = DEFAULT_MONTH, jobs: int | None = None,
             progress: StepProgress | None = None) -> DemoSummary:
    """Run the main job in workdir on the database and folders of `settings` (one district's
    stations, several, or the whole province) and return its summary.

    progress(label) is called as each step starts, with the step's bilingual label, and may return
    a (done, total) callback for that step."""
    return _Demo(settings, Path(workdir), tuple(districts or ()), month, jobs, progress).run()


class _Demo:
    def __init__(self, settings: Settings, workdir: Path, districts: tuple[str, ...], month: str,
                 jobs: int | None, progress: StepProgress | None):
        try:
            self.period = parse_month(month)
        except PeriodError as exc:
            raise UserError(exc.message) from None
        preset = PRESETS[PRESET]
        if self.period.start.year != 2024 or self.period.end > preset.valid_until:
            raise UserError(M("the demo runs on the preset {p} and its 2024 plan: choose a month of "
                              "2024, e.g. 2024-03", "bản chạy mẫu dùng bộ mẫu {p} với kế hoạch năm "
                              "2024: hãy chọn một tháng của năm 2024, ví dụ 2024-03", p=PRESET))
        known = preset_districts()
        unknown = [d for d in districts if d not in known]
        if unknown:
            raise UserError(M("{d}: not a district of the preset {p}; its districts are {known}",
                              "{d}: không phải huyện của bộ mẫu {p}; các huyện là {known}",
                              d=", ".join(unknown), p=PRESET,
                              known=", ".join(f"{k} ({v})" for k, v in known.items())))
        self.settings, self.files, self.jobs = settings, DemoFiles(workdir), jobs
        # bundles are for Vietnamese stations whatever language the run speaks; a bundle in another
        # language would be new content, and a new version of every bundle
        self.bundle_settings = dataclasses.replace(settings, lang="vi")
        self.districts, self.progress = districts, progress
        self.quarter = calendar_period("quarter", self.period.start)
        self.earlier = [month_period(self.period.start.year, m)
                        for m in range(self.quarter.start.month, self.period.start.month)]
        self.replan_from = self.period.start.replace(day=REPLAN_DAY)
        self.report_day = self.quarter.end + dt.timedelta(days=REPORT_DELAY_DAYS)
        self.holidays = {b["date_from"] for b in holiday_blackouts(self.period.start.year)}
        self.steps: list[StepTime] = []
        self.notes: dict = {}

    # --- running steps ---------------------------------------------------------------------------
    @contextmanager
    def step(self, key: str, label: Msg) -> Iterator[Progress | None]:
        t0 = time.perf_counter()
        callback = self.progress(label) if self.progress else None
        rec = StepTime(key, label.render("en"), label.render("vi"), 0.0)
        self.steps.append(rec)
        yield callback
        rec.seconds = round(time.perf_counter() - t0, 2)
        log.info("demo step %s: %.1f s", key, rec.seconds)

    def db(self):
        return session_scope(self.settings.db_url)

    def locked(self, kind: str, month: Period, scope: Scope):
        """The web's job lock of that month and scope, so a running web app cannot overlap."""
        return held(self.settings.db_url, kind, month.label, str(scope), created_by=CREATED_BY)

    def run(self) -> DemoSummary:
        self.setup()
        self.content()
        for m in self.earlier:
            self.simulated_month(m)
        self.plan_and_render()
        self.storm()
        self.first_half()
        self.replan()
        self.second_half()
        with self.step("check", M("Checking the final schedules (validator) and every bundle",
                                  "Kiểm tra lịch cuối cùng (bộ kiểm tra) và gói âm thanh của mọi đài")
                       ) as cb:
            checks, renders = [], []
            for sc in self.scopes:
                with self.locked("render", self.period, sc), self.db() as s:
                    checks.append(check_month(s, self.period, sc))
                    renders.append(render_month(self.bundle_settings, s, self.period, sc,
                                                jobs=self.jobs, progress=cb))
            self.notes["validator"] = dict(ok=all(c.ok for c in checks),
                                           issues=sum(len(c.issues) for c in checks),
                                           declared=sum(c.shortfalls for c in checks))
        self.audit()
        accounts = self.accounts()
        with self.db() as s:
            return summarize(s, self.settings, self.files.root, period=self.period,
                             quarter=self.quarter, scopes=self.scopes, renders=renders,
                             replan_from=self.replan_from, storm=self.notes["storm"],
                             asrun=self.notes["asrun"], reports=self.notes["reports"],
                             audits=self.notes["audits"], accounts=accounts, steps=self.steps,
                             simulated=[m.label for m in self.earlier],
                             speech=self.notes["speech"], validator=self.notes["validator"])

    # --- 1. the database, the province, the state of this folder -----------------------------------
    def setup(self) -> None:
        with self.step("setup", M("Database and the {p} preset", "Cơ sở dữ liệu và bộ mẫu {p}",
                                  p=PRESET)):
            before, _ = upgrade(self.settings.db_url)
            with self.db() as s:
                self._check_folder(s, fresh=before is None)
                apply_preset(s, PRESET)
                self.scopes = [resolve_scope(s, f"district:{d}", on=self.period.start,
                                             until=self.period.end) for d in self.districts] \
                    or [PROVINCE]
                self.stations = [st for sc in self.scopes for st in stations_in(
                    s, sc, on=self.quarter.start, until=self.period.end)]
                storm = self.districts[0] if self.districts else STORM_DISTRICT
                self.notes["storm"] = dict(
                    district=storm, name=district_names(s).get(storm, storm),
                    days=[],
                    reason=STORM_REASON,
                    stations=sum(1 for st in self.stations if st.district_code == storm))
                with using_lang("vi"):  # stored once, whatever language this run speaks
                    import_blackouts(s, holiday_years=(self.period.start.year,))
            self._write_state()

    def _check_folder(self, s: Session, *, fresh: bool) -> None:
        wanted = {"month": self.period.label, "districts": list(self.districts)}
        if self.files.state.is_file():
            had = json.loads(self.files.state.read_text(encoding="utf-8"))
            if {k: had.get(k) for k in wanted} != wanted:
                raise DemoRefused(M(
                    "{d} holds the demo of {m} for {sc}; run this one in another folder (or delete "
                    "that one)", "{d} đang chứa bản chạy mẫu tháng {m} cho {sc}; hãy chạy bản này "
                    "ở thư mục khác (hoặc xoá thư mục đó)", d=str(self.files.root),
                    m=had.get("month"), sc=", ".join(had.get("districts") or []) or "province"))
            return
        used = s.scalar(select(func.count(Segment.id))) or s.scalar(select(func.count(Schedule.id)))
        if not fresh and used:
            raise DemoRefused(M(
                "the database {db} already holds segments or schedules that the demo did not make: "
                "run the demo in an empty folder", "cơ sở dữ liệu {db} đã có mục phát hoặc lịch "
                "không do bản chạy mẫu tạo: hãy chạy bản mẫu trong một thư mục trống",
                db=self.settings.db_url))

    def _write_state(self) -> None:
        state = {"month": self.period.label, "districts": list(self.districts), "preset": PRESET}
        self.files.state.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.files.state, json.dumps(state, indent=1).encode())

    # --- 2. the month's content, spoken ----------------------------------------------------------
    def content(self) -> None:
        with self.db() as s:
            names = district_names(s)
            specs = after_holidays(month_content(stations_by_district(self.stations), self.period,
                                                 district_names=names), self.holidays)
            communes = {st.code: (in_sentence(st.name), in_sentence(names.get(st.district_code, "")))
                        for st in self.stations}
            texts = {sp.slug: script(sp, communes, {k: in_sentence(v) for k, v in names.items()})
                     for sp in specs if not (sp.kind == "jingle" and jingle_file(sp.slug))}
        label = M("Speech synthesis (espeak-ng -v vi): {n} items", "Tổng hợp giọng nói (espeak-ng -v "
                  "vi): {n} mục", n=len(texts))
        with self.step("speech", label) as cb:
            cached = sum(1 for p in _cache_paths(self.files.speech, texts.values()) if p.is_file())
            spoken = synthesise(list(texts.values()), self.files.speech, jobs=self.jobs, progress=cb)
            self.notes["speech"] = dict(items=len(set(texts.values())), cached=cached)
        with self.step("library", M("Audio library: checked, normalised to -23 LUFS, made ready",
                                    "Thư viện âm thanh: kiểm tra, chuẩn hoá -23 LUFS, chuẩn bị sẵn")
                       ) as cb, self.db() as s:
            files = []
            for sp in specs:
                path = spoken[texts[sp.slug]] if sp.slug in texts else jingle_file(sp.slug)
                files += specs_from_files(
                    s, [path], kind=sp.kind, slug=sp.slug, title=sp.title, scope=sp.scope,
                    valid_from=_day(sp.valid_from), valid_until=_day(sp.valid_until),
                    topics=";".join(sp.topics), language=sp.language, producer=sp.producer)
            add_audio(s, self.settings, files, jobs=self.jobs, progress=cb)

    # --- 3. earlier months of the quarter, simulated ---------------------------------------------
    def simulated_month(self, m: Period) -> None:
        label = M("{m} (simulated): content without audio, plan, as-run all aired but a few",
                  "Tháng {m} (mô phỏng): nội dung không kèm âm thanh, lập lịch, báo cáo phát sóng",
                  m=m.label)
        with self.step(f"simulated-{m.label}", label) as cb:
            with self.db() as s:
                add_rows(s, self._simulated_content(s, m))
            self._plan(m, cb)
            path = self.files.data(f"asrun-{m.label}-simulated.csv")
            self._report(m.start, m.end, path, OnAir(miss_share=0.02), simulated=True)

    def _simulated_content(self, s: Session, m: Period) -> list:
        """The month's items as rows: valid in their month only (they have no audio, so must not
        reach the rendered month), lasting what this month's spoken twins last."""
        have = {slug: d for slug, d in s.execute(select(Segment.slug, Segment.duration_s))}
        out = []
        for sp in after_holidays(month_content(stations_by_district(self.stations), m,
                                               district_names=district_names(s),
                                               with_jingles=False), self.holidays):
            if sp.slug in have:
                continue  # the quarter's items: already in the library with their audio
            twin = have.get(sp.slug.replace(m.label, self.period.label))
            out.append(dataclasses.replace(sp, valid_until=min(sp.valid_until, m.end),
                                           duration_s=twin or sp.duration_s))
        return out

    # --- 4. the month: plan, bundles -------------------------------------------------------------
    def _plan(self, m: Period, cb: Progress | None) -> None:
        for sc in self.scopes:
            with self.db() as s:
                ids = [st.id for st in stations_in(s, sc, on=m.start, until=m.end)]
                if len(current_schedule_ids(s, m.label, ids)) == len(ids):
                    continue  # planned by an earlier run: no new version
            with self.locked("plan", m, sc), self.db() as s:
                plan_month(s, m, sc, jobs=self.jobs, progress=cb, created_by=CREATED_BY)

    def plan_and_render(self) -> None:
        with self.step("plan", M("Plan {m} for {n} stations (CP-SAT)",
                                 "Lập lịch tháng {m} cho {n} đài (CP-SAT)", m=self.period.label,
                                 n=len(self.stations))) as cb:
            self._plan(self.period, cb)
        with self.step("render", M("Render {m}: one bundle per station",
                                   "Dựng âm thanh tháng {m}: mỗi đài một gói", m=self.period.label)
                       ) as cb:
            for sc in self.scopes:
                with self.db() as s:
                    ids = [st.id for st in stations_in(s, sc, on=self.period.start,
                                                       until=self.period.end)]
                    have = set(s.scalars(select(Bundle.station_id).where(
                        Bundle.month == self.period.label, Bundle.station_id.in_(ids))))
                if have >= set(ids):
                    continue  # rendered by an earlier run; the check step renders again anyway
                with self.locked("render", self.period, sc), self.db() as s:
                    render_month(self.bundle_settings, s, self.period, sc, jobs=self.jobs, progress=cb)

    # --- 5. a storm forecast: its district off the air for some days, re-planned ---------------
    def storm(self) -> None:
        storm = self.notes["storm"]
        with self.step("storm", M("Storm warning for {d}: off the air for {n} days; the district "
                                  "re-plans from the first", "Cảnh báo giông lốc ở {d}: ngừng phát "
                                  "{n} ngày; huyện lập lại lịch từ ngày đầu", d=storm["name"],
                                  n=STORM_LENGTH)) as cb:
            days = self._storm_days(storm["district"])
            storm["days"] = [d.isoformat() for d in days]
            path = self.files.data("blackouts-storm.csv")
            write_atomic(path, write_csv([[f"district:{storm['district']}", days[0], days[-1], "",
                                                  STORM_REASON]], BLACKOUT_COLUMNS).encode("utf-8"))
            with self.db() as s:
                import_blackouts(s, path)
            self._replan(Scope("district", storm["district"]), days[0], cb)

    def _storm_days(self, district: str) -> list[dt.date]:
        """The storm's days: those already recorded, else the days of the first half (announced two
        days ahead, over three days before the first half's end) on which the district's first
        version has the most sessions, so that the warning has something to move."""
        scope = f"district:{district}"
        with self.db() as s:
            known = s.scalar(select(Blackout).where(Blackout.scope == scope,
                                                    Blackout.reason == STORM_REASON,
                                                    Blackout.date_from >= self.period.start,
                                                    Blackout.date_to <= self.period.end))
            if known is not None:
                return [known.date_from + dt.timedelta(days=k)
                        for k in range((known.date_to - known.date_from).days + 1)]
            items = planned(s, [st.id for st in self.stations if st.district_code == district],
                            self.period.start, self.replan_from)
        per_day = Counter(day for day, _ in {(it.day, (sid, it.session))
                                             for sid, rows in items.items() for it, _, _ in rows})
        first = max(range(3, REPLAN_DAY - STORM_LENGTH - 1), key=lambda d: (
            sum(per_day[self.period.start.replace(day=d + k)] for k in range(STORM_LENGTH)), -d))
        return [self.period.start.replace(day=first + k) for k in range(STORM_LENGTH)]

    # --- 6. the first half reported ---------------------------------------------------------------
    def first_half(self) -> None:
        storm = self.notes["storm"]
        end = self.replan_from - dt.timedelta(days=1)
        with self.step("asrun", M("As-run {a}..{b}: some sessions missed",
                                  "Báo cáo phát sóng {a}..{b}: vài buổi không phát",
                                  a=self.period.start, b=end)):
            hit = frozenset(st.code for st in self.stations if st.district_code == storm["district"])
            silent = frozenset(st.code for st in self.stations
                               if st.code not in hit and unit("silent", st.code) < SILENT_SHARE)
            after = dt.date.fromisoformat(storm["days"][-1]) + dt.timedelta(days=1)
            on_air = OnAir(miss_share=0.03, partial_share=0.01, silent=silent, hit=hit,
                           hit_days=frozenset({after, after + dt.timedelta(days=1)}),
                           hit_reason=AFTER_STORM, hit_share=0.5)
            path = self.files.data(f"asrun-{self.period.label}-01-{end.day:02d}.csv")
            self._report(self.period.start, end, path, on_air, simulated=False)

    def _report(self, start: dt.date, end: dt.date, path: Path, on_air: OnAir, *,
                simulated: bool) -> None:
        with self.db() as s:
            written = write_asrun(s, self.stations, start, end, path, on_air)
        with self.db() as s:
            res = import_asrun(s, path, today=end + dt.timedelta(days=1), reported_by=CREATED_BY)
        self.notes.setdefault("asrun", []).append(dict(
            path=str(path), start=start.isoformat(), end=end.isoformat(), rows=written.rows,
            statuses=dict(written.statuses), reporting=written.stations_reporting,
            added=res.added, replaced=res.replaced, simulated=simulated))

    # --- 7. make-goods from mid-month, then the rest of the month --------------------------------
    def replan(self) -> None:
        with self.step("replan", M("Re-plan {m} from {d} (make-goods) and bundles for the stations "
                                   "it changes", "Lập lại lịch tháng {m} từ ngày {d} (phát bù) và "
                                   "dựng gói cho các đài thay đổi", m=self.period.label,
                                   d=self.replan_from)) as cb:
            for sc in self.scopes:
                self._replan(sc, self.replan_from, cb)

    def _replan(self, sc: Scope, day: dt.date, cb: Progress | None) -> None:
        if self._replanned(sc, day):
            return
        with self.locked("replan", self.period, sc), self.db() as s:
            res = replan_month(s, self.period, day, sc, jobs=self.jobs, progress=cb,
                               created_by=CREATED_BY)
            if res.changed_ids:  # the re-plan and its bundles appear together
                render_month(self.bundle_settings, s, self.period, sc, jobs=self.jobs,
                             station_ids=res.changed_ids)

    def _replanned(self, sc: Scope, day: dt.date) -> bool:
        """Made by an earlier run: a re-plan from that day is stored, or days after it are reported
        (then it cannot be made again)."""
        with self.db() as s:
            ids = [st.id for st in stations_in(s, sc, on=self.period.start, until=self.period.end)]
            if s.scalar(select(func.count(Schedule.id)).where(
                    Schedule.month == self.period.label, Schedule.kind == "replan",
                    Schedule.replan_from == day, Schedule.scope == str(sc))):
                return True
            return bool(s.scalar(select(func.count(AsRun.id)).where(
                AsRun.station_id.in_(ids), AsRun.date >= day, AsRun.date <= self.period.end)))

    def second_half(self) -> None:
        with self.step("asrun-rest", M("As-run {a}..{b} (simulated: aired as re-planned, a few "
                                       "misses)", "Báo cáo phát sóng {a}..{b} (mô phỏng: phát theo "
                                       "lịch lập lại, vài buổi không phát)", a=self.replan_from,
                                       b=self.period.end)):
            path = self.files.data(f"asrun-{self.period.label}-{REPLAN_DAY}-{self.period.end.day}"
                                   "-simulated.csv")
            self._report(self.replan_from, self.period.end, path,
                         OnAir(miss_share=0.02, partial_share=0.005), simulated=True)

    # --- 8. the quarter's audit, the web accounts ------------------------------------------------
    def audit(self) -> None:
        with self.step("audit", M("Audit of {q}: HTML, CSV, XLSX", "Báo cáo kiểm tra {q}: HTML, CSV, "
                                  "XLSX", q=self.quarter.label)) as cb:
            self.notes["reports"], self.notes["audits"] = [], []
            for sc in self.scopes:
                with self.db() as s:
                    result = audit(s, self.quarter, sc, today=self.report_day, progress=cb)
                name = f"audit-{self.quarter.label}" + ("" if sc == PROVINCE else f"-{sc.code}")
                for fmt in ("html", "csv", "xlsx"):
                    path = self.files.reports / f"{name}.{fmt}"
                    write_atomic(path, render_report(result, fmt, get_lang(),
                                                           day=self.report_day))
                    self.notes["reports"].append(str(path))
                self.notes["audits"].append(result)

    def accounts(self) -> list[Account]:
        """One web account per role (demo only: the passwords are printed and kept in a file)."""
        with self.step("accounts", M("Web accounts, one per role", "Tài khoản web, mỗi vai trò một")):
            storm = self.notes["storm"]
            with self.db() as s:
                return demo_accounts(s, self.files.accounts, period=self.period, quarter=self.quarter,
                                     district=storm["district"], district_name=storm["name"],
                                     stations=self.stations)


def preset_districts() -> dict[str, str]:
    """{code: name} of the preset's districts, read from its file (before any database exists)."""
    rows = read_rows(DATA / PRESETS[PRESET].divisions, ["district_code", "district_name"])
    return {r["district_code"]: r["district_name"] for r in rows}


def after_holidays(specs: list[SegmentSpec], off: set[dt.date]) -> list[SegmentSpec]:
    """Episodes and reports due to come out on a public holiday come out the day after it, as a
    district center would publish them (the Tết week would otherwise swallow a whole window)."""
    out = []
    for sp in specs:
        day = sp.valid_from
        while sp.kind in DATED_KINDS and day in off:
            day += dt.timedelta(days=1)
        out.append(dataclasses.replace(sp, valid_from=day,
                                       valid_until=sp.valid_until + (day - sp.valid_from)))
    return out


def _day(value: dt.date) -> str:
    return "" if value in (BEGINNING, END_OF_TIME) else value.isoformat()


def _cache_paths(cache: Path, texts) -> list[Path]:
    from .speech import cache_path

    return [cache_path(cache, t) for t in set(texts)]

