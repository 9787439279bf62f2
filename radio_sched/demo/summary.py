"""The demo's summary: its figures read back from the database and the folders, and its text."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..reports.audit import AuditResult
from ..core.config import Settings
from ..reference.divisions import stations_in
from ..core.i18n import M, get_lang, tr
from ..core.models import Airing, AiringItem, Bundle, Schedule, ScheduleStation, Station
from ..reports.outcomes import outcomes
from ..core.periods import Period
from ..production.month_render import RenderResult
from ..reference.plan_rules import active_plan
from ..planning.schedules import current_schedule_ids
from ..core.scopes import Scope
from ..access.users import ROLE_NAMES

TOP_REASONS = 5


@dataclass
class StepTime:
    key: str
    en: str
    vi: str
    seconds: float


@dataclass
class Account:
    username: str
    password: str  # demo only: printed so that a newcomer can sign in
    role: str
    scope: str
    name: str
    home: str = ""  # the page to open first (signing in lands on the current month, not the demo's)


@dataclass
class Bundles:
    """The newest bundle of the month of every station (what stations download)."""

    count: int
    total_bytes: int
    smallest: int
    median: int
    largest: int
    largest_station: str
    on_disk_bytes: int  # the whole schedules folder: old versions and the session cache too


@dataclass
class Obligations:
    """The quarter's audit: obligations due in it (hard rules), met or short, and why."""

    judged: int
    met: int
    short: int
    stations: int
    compliant: int  # stations that met every hard obligation
    required: int
    aired: int  # capped per obligation at its requirement
    made_good: int
    missed: int  # airings lost (missed, cut short, off the air)
    reasons: list[tuple[str, int, list[tuple[str, int]]]]  # (cause, short obligations,
    #   [(what the stations said, short obligations)] most frequent first)

    @property
    def coverage(self) -> float:
        return self.aired / self.required if self.required else 1.0


@dataclass
class DemoSummary:
    workdir: Path
    db_url: str
    schedules_root: Path
    month: str
    quarter: str
    scopes: list[str]
    stations: int
    stations_planned: int
    versions: dict[str, list[int]]  # month -> versions stored
    validator: dict  # ok, issues, declared (shortfalls the stored versions declare)
    simulated: list[str]  # months planned without audio and reported by generated files
    speech: dict  # items, cached
    storm: dict  # kind, district, name, days, reason, stations, communes; replan: as below, from
    #   its first day; short: obligations its days off the air left short
    asrun: list[dict]  # each file: path, start, end, rows, statuses, reporting, added, replaced, simulated
    replan: dict  # version, from, stations, sessions (changed)
    airings: int  # session airings in the bundles
    unique_sessions: int
    parts: int  # distinct audio parts (segments and jingles) the sessions are made of
    bundles: Bundles
    obligations: Obligations
    reports: list[str]
    accounts: list[Account]
    steps: list[StepTime] = field(default_factory=list)
    preset: str = "ha-tinh-2024"
    two_tier: bool = False  # the province plans its communes (no district level)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)

    @property
    def station_account(self) -> Account | None:
        return next((a for a in self.accounts if a.role == "station"), None)


def summarize(s: Session, settings: Settings, workdir: Path, *, period: Period, quarter: Period,
              scopes: Sequence[Scope], renders: Sequence[RenderResult], replan_from: dt.date,
              storm: dict, asrun: list[dict], reports: list[str], audits: Sequence[AuditResult],
              accounts: list[Account], steps: list[StepTime], simulated: list[str],
              speech: dict, validator: dict, preset: str = "ha-tinh-2024",
              two_tier: bool = False) -> DemoSummary:
    """The figures of a finished demo, read from the database (and the render's own account)."""
    stations = [st for sc in scopes for st in stations_in(s, sc, on=period.start, until=period.end)]
    ids = [st.id for st in stations]
    storm = dict(storm, replan=replan_figures(s, period, dt.date.fromisoformat(storm["replan_from"]),
                                              ids),
                 short=storm_shortfalls(audits, storm))
    current = current_schedule_ids(s, period.label, ids)
    versions = {m: sorted(s.scalars(select(Schedule.version).where(Schedule.month == m)))
                for m in simulated + [period.label]}
    return DemoSummary(
        workdir=workdir, db_url=settings.db_url, schedules_root=settings.schedules_root,
        month=period.label, quarter=quarter.label, scopes=[str(sc) for sc in scopes],
        stations=len(stations), stations_planned=len(current), versions=versions, validator=validator,
        simulated=simulated, speech=speech, storm=storm, asrun=asrun,
        replan=replan_figures(s, period, replan_from, ids),
        airings=sum(r.airings for r in renders), unique_sessions=sum(r.unique_sessions for r in renders),
        parts=parts_used(s, period, current), bundles=bundle_figures(s, settings, period, ids),
        obligations=obligation_figures(s, audits), reports=reports, accounts=accounts, steps=steps,
        preset=preset, two_tier=two_tier)


def storm_shortfalls(audits: Sequence[AuditResult], storm: dict) -> int:
    """Obligations of the storm's stations short in the audit because of its days off the air."""
    hit = set(storm["communes"])
    return sum(1 for a in audits for r in a.rows if r.judged and r.shortfall and r.station in hit
               and storm["reason"] in r.reason.render("vi"))


def parts_used(s: Session, period: Period, current: dict[int, int]) -> int:
    """Distinct segments in the stations' current schedules, and the plan's jingles."""
    used: set[int] = set()
    pairs = defaultdict(list)
    for sid, sch in current.items():
        pairs[sch].append(sid)
    for sch, sids in pairs.items():
        for n in range(0, len(sids), 500):
            used.update(s.scalars(select(AiringItem.segment_id).distinct()
                                  .join(Airing, Airing.id == AiringItem.airing_id)
                                  .where(Airing.schedule_id == sch,
                                         Airing.station_id.in_(sids[n:n + 500]))))
    limits = active_plan(s, period.start.year)[1].session
    return len(used) + sum(1 for j in (limits.intro, limits.outro) if j)


def replan_figures(s: Session, period: Period, replan_from: dt.date, ids: list[int]) -> dict:
    """The re-plan's version, the stations it covers and the sessions it changed from its date on."""
    sch = s.scalar(select(Schedule).where(Schedule.month == period.label, Schedule.kind == "replan",
                                          Schedule.replan_from == replan_from)
                   .order_by(Schedule.version.desc()).limit(1))
    if sch is None:
        return {"version": None, "from": replan_from.isoformat(), "stations": 0, "sessions": 0}
    changed = list(s.scalars(select(ScheduleStation.station_id)
                             .where(ScheduleStation.schedule_id == sch.id,
                                    ScheduleStation.station_id.in_(ids))))
    sessions = 0
    for sid in changed:
        before = s.scalar(select(Schedule.id).join(ScheduleStation).where(
            Schedule.month == period.label, Schedule.version < sch.version,
            ScheduleStation.station_id == sid).order_by(Schedule.version.desc()).limit(1))
        old, new = (_sessions(s, x, sid, replan_from) if x else {} for x in (before, sch.id))
        sessions += sum(1 for k in set(old) | set(new) if old.get(k) != new.get(k))
    return {"version": sch.version, "from": replan_from.isoformat(), "stations": len(changed),
            "sessions": sessions}


def _sessions(s: Session, schedule_id: int, station_id: int, day: dt.date) -> dict:
    out: dict[tuple, list[int]] = defaultdict(list)
    for d, name, seg in s.execute(
            select(Airing.date, Airing.session, AiringItem.segment_id)
            .join(AiringItem, AiringItem.airing_id == Airing.id)
            .where(Airing.schedule_id == schedule_id, Airing.station_id == station_id,
                   Airing.date >= day).order_by(AiringItem.position)):
        out[(d, name)].append(seg)
    return out


def bundle_figures(s: Session, settings: Settings, period: Period, ids: list[int]) -> Bundles:
    newest = select(Bundle.station_id, func.max(Bundle.version).label("v")).where(
        Bundle.month == period.label, Bundle.station_id.in_(ids)).group_by(Bundle.station_id).subquery()
    rows = s.execute(select(Station.code, Bundle.size).join(Bundle, Bundle.station_id == Station.id)
                     .join(newest, (newest.c.station_id == Bundle.station_id)
                           & (newest.c.v == Bundle.version))
                     .where(Bundle.month == period.label)).all()
    sizes = sorted(size for _, size in rows)
    largest = max(rows, key=lambda r: (r[1], r[0]), default=("", 0))
    disk = sum(f.stat().st_size for f in Path(settings.schedules_root).rglob("*") if f.is_file()) \
        if Path(settings.schedules_root).is_dir() else 0
    return Bundles(len(rows), sum(sizes), sizes[0] if sizes else 0,
                   int(statistics.median(sizes)) if sizes else 0, largest[1], largest[0], disk)


def obligation_figures(s: Session, audits: Sequence[AuditResult]) -> Obligations:
    rows = [r for a in audits for r in a.rows if r.judged]
    short = [r for r in rows if r.shortfall]
    province = [a.province for a in audits]
    return Obligations(
        judged=len(rows), met=len(rows) - len(short), short=len(short),
        stations=sum(p.stations for p in province), compliant=sum(p.overall.compliant for p in province),
        required=sum(p.overall.required for p in province), aired=sum(p.overall.aired for p in province),
        made_good=sum(r.made_good for r in rows), missed=sum(r.missed for r in rows),
        reasons=_reasons(s, audits, short))


def _reasons(s: Session, audits: Sequence[AuditResult], short: list
             ) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Why obligations are short, the first cause that applies: not planned, lost on the air (with
    what the stations said), unconfirmed, not reported; the most frequent first."""
    kinds = {r.id: r.kind for a in audits for r in a.rules}
    lost = [r for r in short if r.planned >= r.required and r.missed]
    said: dict[str, list] = {}
    if lost:
        codes = {r.station for r in lost}
        by_code = {st.code: st.id for st in s.scalars(select(Station).where(Station.code.in_(codes)))}
        found = outcomes(s, list(by_code.values()), min(r.start for r in lost), max(r.end for r in lost))
        said = {code: found.get(sid, []) for code, sid in by_code.items()}
    causes: Counter = Counter()
    stated: dict[str, Counter] = defaultdict(Counter)
    for r in short:
        if r.planned < r.required:
            cause = "not_planned"
            first = str(r.reason).split("; ")[0]  # the scheduler's reason, when it gave one
            prefix = tr("not planned: ", "lịch không xếp được: ")
            stated[cause][first[len(prefix):] if first.startswith(prefix) else ""] += 1
        elif r.missed:
            cause = "lost"
            why = Counter(o.reason for o in said.get(r.station, ())
                          if o.status in ("missed", "partial", "off_air") and r.start <= o.day <= r.end
                          and (o.slug == r.segment if r.segment else o.kind == kinds.get(r.rule)))
            stated[cause][why.most_common(1)[0][0] if why else ""] += 1
        elif r.unconfirmed:
            cause = "unconfirmed"
        else:
            cause = "not_reported"
        causes[cause] += 1
    return [(cause, n, [(w, k) for w, k in stated[cause].most_common(TOP_REASONS) if w])
            for cause, n in causes.most_common()]


# --- the text ------------------------------------------------------------------------------------
CAUSES = {
    "not_planned": M("the schedule could not plan enough airings", "lịch không xếp đủ lần phát"),
    "lost": M("airings lost on the air", "buổi phát không phát được"),
    "unconfirmed": M("sessions reported partial without item detail",
                     "buổi báo phát một phần, không rõ từng tin"),
    "not_reported": M("the station did not report what it aired", "đài chưa báo cáo phát sóng"),
}


def number(n: float, digits: int = 0) -> str:
    """1234.5 -> '1,234.5' in English, '1.234,5' in Vietnamese."""
    text = f"{n:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if get_lang() == "vi" else text


def megabytes(size: int) -> str:
    return number(size / 1e6, 1) + " MB" if size < 1e9 else number(size / 1e9, 2) + " GB"


def lines(x: DemoSummary, *, serve: str = "radio-sched serve") -> list[str]:
    """The summary as printed at the end of a run, in the current language."""
    ob, b, rp = x.obligations, x.bundles, x.replan
    where = tr("the whole province", "toàn tỉnh") if x.scopes == ["province"] else ", ".join(x.scopes)
    if x.two_tier:
        where = tr("{n} communes planned by the province (two-tier local government)",
                   "{n} xã, phường do tỉnh lập lịch (chính quyền địa phương hai cấp)", n=x.stations)
    out = [tr("Demo finished: Hà Tĩnh, {m}, {w}. Work folder: {d}",
              "Bản chạy mẫu đã xong: Hà Tĩnh, tháng {m}, {w}. Thư mục làm việc: {d}",
              m=x.month, w=where, d=x.workdir)]
    out.append(tr("- Schedules: {p} of {n} stations planned for {m} (versions {v}); the validator {ok}.",
                  "- Lịch phát: {p}/{n} đài có lịch tháng {m} (các phiên bản {v}); bộ kiểm tra {ok}.",
                  p=x.stations_planned, n=x.stations, m=x.month,
                  v=", ".join(map(str, x.versions.get(x.month, []))) or "-",
                  ok=tr("finds every rule kept", "thấy mọi quy tắc đều đạt") if x.validator["ok"] else
                  tr("finds {n} problem(s): run 'radio-sched check {m}'",
                     "phát hiện {n} lỗi: hãy chạy 'radio-sched check {m}'", n=x.validator["issues"],
                     m=x.month)))
    sm, srp = x.storm, x.storm["replan"]
    if sm["kind"] == "communes":
        out.append(tr("  Typhoon Bualoi (no. 10): {n} communes off the air {a}..{b}; re-planned from "
                      "{r} (version {v}): {s} stations, {c} sessions changed; the {q} audit finds "
                      "{k} obligations of those communes short for it.",
                      "  Bão số 10 (Bualoi): {n} xã, phường ngừng phát {a}..{b}; lập lại lịch từ "
                      "ngày {r} (phiên bản {v}): {s} đài, {c} buổi thay đổi; báo cáo kiểm tra {q} "
                      "ghi {k} nghĩa vụ của các xã này thiếu do bão.", n=sm["stations"],
                      r=srp["from"], a=sm["days"][0], b=sm["days"][-1], v=srp["version"] or "-",
                      s=srp["stations"],
                      c=srp["sessions"], q=x.quarter, k=number(sm["short"])))
    else:
        out.append(tr("  Storm warning: {name} ({n} stations) off the air {a}..{b}; re-planned from "
                      "{a} (version {v}): {s} stations, {c} sessions moved.",
                      "  Cảnh báo giông lốc: {name} ({n} đài) ngừng phát {a}..{b}; lập lại lịch từ "
                      "ngày {a} (phiên bản {v}): {s} đài, {c} buổi được dời.", name=sm["name"],
                      n=sm["stations"], a=sm["days"][0], b=sm["days"][-1], v=srp["version"] or "-",
                      s=srp["stations"], c=srp["sessions"]))
    if rp["version"]:
        out.append(tr("  Re-plan from {d} (version {v}): {s} stations, {c} sessions changed for "
                      "make-goods; {g} airings made good in the audit.",
                      "  Lập lại lịch từ ngày {d} (phiên bản {v}): {s} đài, {c} buổi thay đổi để phát "
                      "bù; báo cáo ghi nhận {g} lần phát bù.", d=rp["from"], v=rp["version"],
                      s=rp["stations"], c=rp["sessions"], g=number(ob.made_good)))
    out.append(tr("- Audio: {a} session airings, {u} unique sessions, made of {p} audio parts "
                  "(each part encoded once; speech: {i} items synthesised, {c} from the cache).",
                  "- Âm thanh: {a} buổi phát, {u} buổi khác nhau, ghép từ {p} phần âm thanh (mỗi "
                  "phần mã hoá một lần; giọng nói: {i} mục tổng hợp, {c} lấy từ bộ đệm).",
                  a=number(x.airings), u=number(x.unique_sessions), p=number(x.parts),
                  i=number(x.speech["items"]), c=number(x.speech["cached"])))
    out.append(tr("- Bundles: {n}, {t} in all, {lo} to {hi} a station (median {me}; the largest: station {st}); "
                  "the schedules folder holds {disk} with older versions and the session cache.",
                  "- Gói âm thanh: {n} gói, tổng {t}, mỗi đài {lo} đến {hi} (trung vị {me}; lớn nhất là gói "
                  "của đài {st}); thư mục lịch chiếm {disk} kể cả phiên bản cũ và bộ đệm buổi phát.",
                  n=b.count, t=megabytes(b.total_bytes), lo=megabytes(b.smallest),
                  hi=megabytes(b.largest), me=megabytes(b.median), st=b.largest_station,
                  disk=megabytes(b.on_disk_bytes)))
    for f in x.asrun:
        st = f["statuses"]
        out.append(tr("- As-run {a}..{b}{sim}: {r} rows ({ai} aired, {mi} missed, {pa} partial) from "
                      "{s} stations; recorded {ad} new, {re} replacing earlier reports.",
                      "- Báo cáo phát sóng {a}..{b}{sim}: {r} dòng ({ai} đã phát, {mi} không phát, "
                      "{pa} phát một phần) của {s} đài; ghi {ad} mới, {re} thay báo cáo trước.",
                      a=f["start"], b=f["end"], sim=tr(" (simulated)", " (mô phỏng)") if f["simulated"]
                      else "", r=number(f["rows"]), ai=number(st.get("aired", 0)),
                      mi=number(st.get("missed", 0)), pa=number(st.get("partial", 0)),
                      s=f["reporting"], ad=number(f["added"]), re=number(f["replaced"])))
    out.append(tr("- Obligations due in {q}: {j} judged, {met} met, {sh} short; {c} of {s} stations "
                  "met all of them; coverage {cov}% of required airings.",
                  "- Nghĩa vụ đến hạn trong {q}: {j} nghĩa vụ, {met} đạt, {sh} thiếu; {c}/{s} đài đạt "
                  "đủ mọi nghĩa vụ; tỷ lệ phát {cov}% số lần phát yêu cầu.", q=x.quarter,
                  j=number(ob.judged), met=number(ob.met), sh=number(ob.short), c=ob.compliant,
                  s=ob.stations, cov=number(100 * ob.coverage, 1)))
    if ob.reasons:
        out.append(tr("  Top reasons for shortfalls:", "  Nguyên nhân thiếu chính:"))
        for cause, n, said in ob.reasons:
            out.append(f"    {number(n)} × {CAUSES[cause].render()}" +
                       (" (" + "; ".join(f"{w}: {number(k)}" for w, k in said) + ")" if said else ""))
    html = next((r for r in x.reports if r.endswith(".html")), "")
    out.append(tr("- Audit report: {h} (also .csv and .xlsx beside it).",
                  "- Báo cáo kiểm tra: {h} (kèm .csv và .xlsx cùng thư mục).", h=html))
    if x.simulated:
        out.append(tr("- Simulated: {m} planned from content without audio and reported by generated "
                      "as-run files; the as-run from {d} on is generated too.",
                      "- Mô phỏng: tháng {m} lập lịch với nội dung không kèm âm thanh và báo cáo phát "
                      "sóng tự sinh; báo cáo từ ngày {d} trở đi cũng tự sinh.",
                      m=", ".join(x.simulated), d=rp["from"]))
    out.append(tr("- Web app: {cmd}, then open one of these and sign in with its demo account (demo "
                  "only: passwords printed here and kept in demo/accounts.json):",
                  "- Ứng dụng web: {cmd}, rồi mở một địa chỉ dưới đây và đăng nhập bằng tài khoản mẫu "
                  "của nó (chỉ dùng cho bản chạy mẫu: mật khẩu in ở đây và lưu trong "
                  "demo/accounts.json):", cmd=serve))
    for a in x.accounts:
        out.append(f"    {ROLE_NAMES[a.role].render():<16} {a.username:<11} {a.password:<13} "
                   f"http://127.0.0.1:8080/login?next={a.home}")
    out.append(tr("- Time: {t} s ({steps}).", "- Thời gian: {t} giây ({steps}).",
                  t=number(x.seconds, 1), steps=", ".join(f"{s.key} {number(s.seconds, 1)}"
                                                          for s in x.steps)))
    return out

