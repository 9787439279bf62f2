"""The main job end to end on a realistic Hà Tĩnh month: content, plan, bundles, as-run, re-plan, audit.

run_demo() works in a folder with the library's own functions, one transaction per step, on one of
the stories of scenario.py: the three-tier province of 2024 (its districts plan) or the two-tier
province of 2025 (the province plans its communes). A second run reuses what is there: the speech
cache, the audio library (same bytes, nothing re-encoded), the stored schedules (a month already
planned is not planned again, a re-plan already made is not made again), the bundles (unchanged
content, no new version); as-run files and blackouts are re-imported, which replaces the stored
rows; the audit is written again. Months of the quarter before the chosen one are simulated:
planned with the same kinds of content (no audio) and reported as aired by a generated as-run
file, so the quarter's audit covers three months.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..production.catalogue import add_segments as add_audio, specs_from_files
from ..reports.audit import audit
from ..core.files import write_atomic
from ..reports.audit_report import render as render_report
from ..reference.blackouts import holiday_blackouts, import_blackouts
from ..core.config import Settings
from ..core.db import session_scope, upgrade
from .accounts import demo_accounts
from .asrun import OnAir
from .content import SegmentSpec, add_segments as add_rows, month_content, stations_by_district
from .outage import CREATED_BY, REPLAN_DAY, OutageSteps
from .scenario import DEFAULT, check_month as check_scenario_month, load_preset, \
    preset_communes, preset_districts, scenario as scenario_of
from .speech import cache_path, in_sentence, jingle_file, script, synthesise
from .summary import Account, DemoSummary, StepTime, summarize
from ..reference.divisions import district_names, resolve_scope, stations_in
from ..core.errors import UserError
from ..core.i18n import M, Msg, get_lang, using_lang
from ..jobs.runner import held
from ..core.models import BEGINNING, END_OF_TIME, Bundle, Schedule, Segment
from ..core.periods import Period, PeriodError, calendar_period, month as month_period, parse_month
from ..planning.plan import check_month, plan_month
from ..production.month_render import render_month
from ..planning.schedules import current_schedule_ids
from ..core.scopes import PROVINCE, Scope

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
StepProgress = Callable[[Msg], Progress | None]

PRESET = DEFAULT.preset
DEFAULT_MONTH = DEFAULT.default_month
REPORT_DELAY_DAYS = 5  # the quarter's report is dated this long after the quarter ends
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
             month: str | None = None, jobs: int | None = None,
             progress: StepProgress | None = None, preset: str = PRESET,
             communes: Sequence[str] | None = None) -> DemoSummary:
    """Run the main job in workdir on the database and folders of `settings` and return its summary:
    the story of `preset` (ha-tinh-2024 or ha-tinh-2025) in `month` (default: the story's month), on
    the whole province, on some districts' stations (three-tier), or on some communes' (two-tier:
    the database then holds only those communes).

    progress(label) is called as each step starts, with the step's bilingual label, and may return
    a (done, total) callback for that step."""
    return _Demo(settings, Path(workdir), tuple(districts or ()), month, jobs, progress, preset,
                 tuple(communes or ())).run()


class _Demo(OutageSteps):
    def __init__(self, settings: Settings, workdir: Path, districts: tuple[str, ...],
                 month: str | None, jobs: int | None, progress: StepProgress | None, preset: str,
                 communes: tuple[str, ...]):
        self.scenario = sc = scenario_of(preset)
        try:
            self.period = parse_month(month or sc.default_month)
        except PeriodError as exc:
            raise UserError(exc.message) from None
        check_scenario_month(sc, self.period)
        if sc.two_tier and districts:
            raise UserError(M("{p} has no district level (Hà Tĩnh since July 2025): the province "
                              "plans its communes; use --commune CODE for a smaller run",
                              "{p} không có cấp huyện (Hà Tĩnh từ tháng 7/2025): tỉnh lập lịch cho "
                              "các xã; dùng --commune MÃ để chạy ít đài hơn", p=sc.preset))
        if communes and not sc.two_tier:
            raise UserError(M("--commune is for the two-tier preset ha-tinh-2025; on {p} choose "
                              "districts (--district CODE)", "--commune dùng cho bộ mẫu hai cấp "
                              "ha-tinh-2025; với {p} hãy chọn huyện (--district MÃ)", p=sc.preset))
        strange = [c for c in communes if c not in preset_communes(sc)]
        if strange:
            raise UserError(M("{c}: not a commune of the preset {p} (its communes are in {f})",
                              "{c}: không phải xã, phường của bộ mẫu {p} (danh sách ở {f})",
                              c=", ".join(strange), p=sc.preset, f=f"radio_sched/data/{sc.divisions}"))
        known = preset_districts(sc)
        unknown = [d for d in districts if d not in known]
        if unknown:
            raise UserError(M("{d}: not a district of the preset {p}; its districts are {known}",
                              "{d}: không phải huyện của bộ mẫu {p}; các huyện là {known}",
                              d=", ".join(unknown), p=sc.preset,
                              known=", ".join(f"{k} ({v})" for k, v in known.items())))
        self.settings, self.files, self.jobs = settings, DemoFiles(workdir), jobs
        # bundles are for Vietnamese stations whatever language the run speaks; a bundle in another
        # language would be new content, and a new version of every bundle
        self.bundle_settings = dataclasses.replace(settings, lang="vi")
        self.districts, self.communes, self.progress = districts, communes, progress
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
        if self.scenario.storm.before_reports:  # a warning early in the month (2024)
            self.storm()
        self.first_half()
        self.replan()
        if not self.scenario.storm.before_reports:  # a typhoon at the month's end (2025)
            self.storm()
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
                             speech=self.notes["speech"], validator=self.notes["validator"],
                             preset=self.scenario.preset, two_tier=self.scenario.two_tier)

    # --- 1. the database, the province, the state of this folder -----------------------------------
    def setup(self) -> None:
        with self.step("setup", M("Database and the {p} preset", "Cơ sở dữ liệu và bộ mẫu {p}",
                                  p=self.scenario.preset)):
            before, _ = upgrade(self.settings.db_url)
            with self.db() as s:
                self._check_folder(s, fresh=before is None)
                load_preset(s, self.scenario, self.communes)
                self.scopes = [resolve_scope(s, f"district:{d}", on=self.period.start,
                                             until=self.period.end) for d in self.districts] \
                    or [PROVINCE]
                self.stations = [st for sc in self.scopes for st in stations_in(
                    s, sc, on=self.quarter.start, until=self.period.end)]
                self.notes["storm"] = self.storm_notes(district_names(s))
                with using_lang("vi"):  # stored once, whatever language this run speaks
                    import_blackouts(s, holiday_years=(self.period.start.year,))
            self._write_state()

    def _check_folder(self, s: Session, *, fresh: bool) -> None:
        wanted = {"month": self.period.label, "districts": list(self.districts),
                  "preset": self.scenario.preset, "communes": list(self.communes) or None}
        if self.files.state.is_file():
            had = json.loads(self.files.state.read_text(encoding="utf-8"))
            if {k: had.get(k) for k in wanted} != wanted:
                raise DemoRefused(M(
                    "{d} holds the demo of {m} for {sc}; run this one in another folder (or delete "
                    "that one)", "{d} đang chứa bản chạy mẫu tháng {m} cho {sc}; hãy chạy bản này "
                    "ở thư mục khác (hoặc xoá thư mục đó)", d=str(self.files.root),
                    m=had.get("month"), sc=", ".join(had.get("districts") or []) or
                    ", ".join([had.get("preset") or PRESET] + (had.get("communes") or []))))
            return
        used = s.scalar(select(func.count(Segment.id))) or s.scalar(select(func.count(Schedule.id)))
        if not fresh and used:
            raise DemoRefused(M(
                "the database {db} already holds segments or schedules that the demo did not make: "
                "run the demo in an empty folder", "cơ sở dữ liệu {db} đã có mục phát hoặc lịch "
                "không do bản chạy mẫu tạo: hãy chạy bản mẫu trong một thư mục trống",
                db=self.settings.db_url))

    def _write_state(self) -> None:
        state = {"month": self.period.label, "districts": list(self.districts),
                 "preset": self.scenario.preset, "communes": list(self.communes) or None}
        self.files.state.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.files.state, json.dumps(state, indent=1).encode())

    # --- 2. the month's content, spoken ----------------------------------------------------------
    def content(self) -> None:
        with self.db() as s:
            names = district_names(s)
            specs = self._month_content(s, self.period)
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

    def _month_content(self, s: Session, m: Period, *, with_jingles: bool = True
                       ) -> list[SegmentSpec]:
        sc = self.scenario
        return after_holidays(month_content(
            stations_by_district(self.stations), m, district_names=district_names(s),
            with_jingles=with_jingles, department=sc.department, department_slug=sc.department_user),
            self.holidays)

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
        for sp in self._month_content(s, m, with_jingles=False):
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

    # --- 12. the quarter's audit, the web accounts ------------------------------------------------
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
            district = (storm["district"], storm["name"]) if storm["kind"] == "district" else None
            with self.db() as s:
                return demo_accounts(
                    s, self.files.accounts, period=self.period, quarter=self.quarter,
                    department=(self.scenario.department_user, self.scenario.department),
                    district=district,
                    showcase=[st for st in self.stations if st.code in set(storm["communes"])],
                    department_home=f"/province/{self.stations[0].province_code}/"
                                    f"{self.period.label}/" if self.scenario.two_tier else None)


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
    return [cache_path(cache, t) for t in set(texts)]

