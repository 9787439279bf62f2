"""The demo's month on the air: the storm and its re-plan, the as-run reports, the make-goods.

OutageSteps is mixed into story._Demo: it uses the run's step(), db(), locked(), period, scenario,
scopes, stations, replan_from and notes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from ..core.csvio import write_csv
from ..core.files import write_atomic
from ..core.i18n import M
from ..core.models import AsRun, Blackout, Schedule
from ..core.scopes import Scope
from ..planning.replan import replan_month
from ..production.month_render import render_month
from ..reference.blackouts import COLUMNS as BLACKOUT_COLUMNS, import_blackouts
from ..reference.divisions import stations_in
from ..reports.asrun import import_asrun
from ..reports.outcomes import planned
from .asrun import OnAir, unit, write_asrun
from .scenario import storm_days

SILENT_SHARE = 0.04  # stations that send no report for the first half
REPLAN_DAY = 16  # the first half of the month is reported, the rest re-planned
CREATED_BY = "demo"


class OutageSteps:
    """Steps 8-11 of the demo: storm, first half reported, re-plan from mid-month, the rest."""

    def storm_notes(self, names: dict[str, str]) -> dict:
        """Who the storm hits: a district's stations (three-tier) or the communes it does not spare."""
        storm = self.scenario.storm
        if storm.district is not None:
            code = self.districts[0] if self.districts else storm.district
            hit = [st.code for st in self.stations if st.district_code == code]
            return dict(kind="district", district=code, name=names.get(code, code), days=[],
                        reason=storm.reason, stations=len(hit), communes=hit)
        hit = [st.code for st in self.stations if st.code not in storm.spared]
        return dict(kind="communes", district=None, name="", days=[], reason=storm.reason,
                    stations=len(hit), communes=hit)

    # --- the storm: off the air for some days, re-planned from the first -------------------------
    def storm(self) -> None:
        notes, storm = self.notes["storm"], self.scenario.storm
        fixed = storm_days(storm, self.period)
        if notes["kind"] == "district":
            label = M("Storm warning for {d}: off the air for {n} days; the district re-plans from "
                      "the first", "Cảnh báo giông lốc ở {d}: ngừng phát {n} ngày; huyện lập lại "
                      "lịch từ ngày đầu", d=notes["name"], n=storm.length)
        else:
            label = M("Typhoon Bualoi (no. 10) forecast: {n} communes off the air {a}..{b}; the "
                      "province re-plans from {r}", "Dự báo bão số 10 (Bualoi): {n} xã, phường "
                      "ngừng phát {a}..{b}; tỉnh lập lại lịch từ ngày {r}", n=notes["stations"],
                      a=fixed[0], b=fixed[-1], r=fixed[0] - dt.timedelta(days=storm.warned))
        with self.step("storm", label) as cb:
            days = fixed or self._storm_days(notes["district"], storm.length)
            notes["days"] = [d.isoformat() for d in days]
            scopes = [f"district:{notes['district']}"] if notes["kind"] == "district" else \
                [f"commune:{c}" for c in notes["communes"]]
            path = self.files.data("blackouts-storm.csv")
            write_atomic(path, write_csv([[sc, days[0], days[-1], "", storm.reason] for sc in scopes],
                                         BLACKOUT_COLUMNS).encode("utf-8"))
            with self.db() as s:
                import_blackouts(s, path)
            notes["replan_from"] = (days[0] - dt.timedelta(days=storm.warned)).isoformat()
            for sc in ([Scope("district", notes["district"])] if notes["kind"] == "district"
                       else self.scopes):
                self._replan(sc, dt.date.fromisoformat(notes["replan_from"]), cb)

    def _storm_days(self, district: str, length: int) -> list[dt.date]:
        """The storm's days: those already recorded, else the days of the first half (announced two
        days ahead, over three days before the first half's end) on which the district's first
        version has the most sessions, so that the warning has something to move."""
        scope = f"district:{district}"
        with self.db() as s:
            known = s.scalar(select(Blackout).where(Blackout.scope == scope,
                                                    Blackout.reason == self.scenario.storm.reason,
                                                    Blackout.date_from >= self.period.start,
                                                    Blackout.date_to <= self.period.end))
            if known is not None:
                return [known.date_from + dt.timedelta(days=k)
                        for k in range((known.date_to - known.date_from).days + 1)]
            items = planned(s, [st.id for st in self.stations if st.district_code == district],
                            self.period.start, self.replan_from)
        per_day = Counter(day for day, _ in {(it.day, (sid, it.session))
                                             for sid, rows in items.items() for it, _, _ in rows})
        first = max(range(3, REPLAN_DAY - length - 1), key=lambda d: (
            sum(per_day[self.period.start.replace(day=d + k)] for k in range(length)), -d))
        return [self.period.start.replace(day=first + k) for k in range(length)]

    # --- the first half reported ------------------------------------------------------------------
    def first_half(self) -> None:
        storm, after_reason = self.notes["storm"], self.scenario.storm.after_reason
        end = self.replan_from - dt.timedelta(days=1)
        with self.step("asrun", M("As-run {a}..{b}: some sessions missed",
                                  "Báo cáo phát sóng {a}..{b}: vài buổi không phát",
                                  a=self.period.start, b=end)):
            hit = frozenset(storm["communes"]) if storm["days"] and after_reason else frozenset()
            silent = frozenset(st.code for st in self.stations
                               if st.code not in hit and unit("silent", st.code) < SILENT_SHARE)
            after = dt.date.fromisoformat(storm["days"][-1]) + dt.timedelta(days=1) \
                if hit else self.period.start
            on_air = OnAir(miss_share=0.03, partial_share=0.01, silent=silent, hit=hit,
                           hit_days=frozenset({after, after + dt.timedelta(days=1)}) if hit
                           else frozenset(), hit_reason=after_reason, hit_share=0.5)
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

    # --- make-goods from mid-month, then the rest of the month --------------------------------
    def replan(self) -> None:
        with self.step("replan", M("Re-plan {m} from {d} (make-goods) and bundles for the stations "
                                   "it changes", "Lập lại lịch tháng {m} từ ngày {d} (phát bù) và "
                                   "dựng gói cho các đài thay đổi", m=self.period.label,
                                   d=self.replan_from)) as cb:
            for sc in self.scopes:
                self._replan(sc, self.replan_from, cb)

    def _replan(self, sc: Scope, day: dt.date, cb) -> None:
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

