"""The solver-free validator: recomputes every hard rule and obligation on a station's airings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..core.i18n import M, Msg
from .plan import FIRST_KINDS, JINGLE_KIND, URGENT_KIND
from .instance import Fixed, Problem, Shortfall, binds
from .obligations import expand, month_obligations


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a schedule, said so that a person can find and fix it."""

    code: str
    message: Msg
    day: dt.date | None = None
    session: str | None = None
    rule: str | None = None
    segment: str | None = None


def validate(problem: Problem, airings: Sequence[Fixed],
             shortfalls: Iterable[Shortfall] | None = None) -> list[Issue]:
    """Every broken limit and every unmet, undeclared obligation of one station-month."""
    out: list[Issue] = []
    slots = {(s.day, s.session): s for s in problem.slots}
    pinned = {(f.day, f.session): f.slugs for f in problem.pinned}
    seen: set[tuple] = set()
    for a in airings:
        key = (a.day, a.session)
        where = dict(day=a.day, session=a.session)
        if key in seen:
            out.append(Issue("duplicate_airing", M("{day} {session} is planned twice",
                                                   "{day} {session} được xếp hai lần", **where), **where))
        seen.add(key)
        if key in pinned:
            if tuple(a.slugs) != tuple(pinned[key]):
                out.append(Issue("pinned_changed", M(
                    "{day} {session} is pinned to {want} but carries {got}",
                    "{day} {session} đã được cố định là {want} nhưng lại có {got}",
                    want=", ".join(pinned[key]) or "-", got=", ".join(a.slugs) or "-", **where), **where))
            continue
        slot = slots.get(key)
        if slot is None:
            out.append(Issue("no_session", M("the station has no session {session} on {day}",
                                             "đài không có buổi {session} ngày {day}", **where), **where))
            continue
        if problem.is_frozen(a.day):
            out.append(Issue("frozen", M("{day} {session} is before {frozen} and may not change",
                                         "{day} {session} trước ngày {frozen}, không được thay đổi",
                                         frozen=problem.frozen_before, **where), **where))
        if slot.off_air is not None:
            out.append(Issue("off_air", M("{day} {session} is off-air ({reason})",
                                          "{day} {session} là buổi ngừng phát ({reason})",
                                          reason=slot.off_air, **where), **where))
        if not a.slugs:
            out.append(Issue("empty_airing", M("{day} {session} is stored with no item",
                                               "{day} {session} được lưu mà không có mục nào", **where),
                             **where))
        out += _session_issues(problem, a, slot.capacity_ms)
    for key, slugs in pinned.items():
        if slugs and key not in seen:
            out.append(Issue("pinned_missing", M("the pinned airing {day} {session} is missing",
                                                 "thiếu buổi phát đã cố định {day} {session}",
                                                 day=key[0], session=key[1]), day=key[0], session=key[1]))
    out += _bulletin_issues(problem, airings, set(pinned))
    out += _gap_issues(problem, airings, set(pinned))
    out += _obligation_issues(problem, airings, set(pinned), shortfalls)
    return out


def _session_issues(problem: Problem, a: Fixed, capacity_ms: int) -> list[Issue]:
    out: list[Issue] = []
    where = dict(day=a.day, session=a.session)
    durations = []
    if len(set(a.slugs)) != len(a.slugs):
        out.append(Issue("duplicate_item", M("{day} {session} carries one segment twice",
                                             "{day} {session} phát một tin hai lần", **where), **where))
    for slug in a.slugs:
        seg = problem.segment(slug)
        if seg is None:
            out.append(Issue("unknown_segment", M(
                "{day} {session}: segment {slug} may not air here (unknown, not approved, or not for "
                "this station's area)", "{day} {session}: tin {slug} không được phát ở đây (không có, "
                "chưa duyệt, hoặc không thuộc địa bàn của đài)", slug=slug, **where), segment=slug, **where))
            continue
        durations.append(seg.duration_ms)
        if seg.kind == JINGLE_KIND:
            out.append(Issue("jingle_item", M("{day} {session}: {slug} is a jingle, not an item",
                                              "{day} {session}: {slug} là nhạc hiệu, không phải tin",
                                              slug=slug, **where), segment=slug, **where))
        if not seg.valid_on(a.day):
            out.append(Issue("not_valid", M(
                "{day} {session}: {slug} is valid only {a}..{b}",
                "{day} {session}: {slug} chỉ có hiệu lực từ {a} đến {b}", slug=slug, a=seg.valid_from,
                b=seg.valid_until, **where), segment=slug, **where))
    lim = problem.limits
    if len(a.slugs) > lim.max_items:
        out.append(Issue("max_items", M("{day} {session} carries {n} items; at most {m} are allowed",
                                        "{day} {session} có {n} tin; tối đa {m}", n=len(a.slugs),
                                        m=lim.max_items, **where), **where))
    length = lim.length_ms(durations)
    if length > capacity_ms:
        out.append(Issue("capacity", M(
            "{day} {session} lasts {got:.1f} s with jingles and gaps; the session allows {cap:.0f} s",
            "{day} {session} dài {got:.1f} giây kể cả nhạc hiệu và khoảng lặng; buổi phát chỉ cho "
            "{cap:.0f} giây", got=length / 1000, cap=capacity_ms / 1000, **where), **where))
    kinds = [s.kind for s in map(problem.segment, a.slugs) if s is not None]
    for r in problem.rules:
        if r.max_per_session is not None:
            n = sum(1 for k in kinds if binds(r, k))
            if n > r.max_per_session:
                out.append(Issue("max_per_session", M(
                    "{day} {session} carries {n} items of rule {rule}; at most {m}",
                    "{day} {session} có {n} tin thuộc quy tắc {rule}; tối đa {m}", n=n, rule=r.id,
                    m=r.max_per_session, **where), rule=r.id, **where))
    return out


def _bulletin_issues(problem: Problem, airings: Sequence[Fixed], pinned: set) -> list[Issue]:
    """An urgent bulletin is in every open session of its days it fits in; bulletins come first."""
    out: list[Issue] = []
    carried = {(a.day, a.session): a.slugs for a in airings}
    urgent = [s for s in problem.segments if s.kind == URGENT_KIND]
    for slot in problem.slots:
        key = (slot.day, slot.session)
        if key in pinned or slot.off_air is not None or problem.is_frozen(slot.day):
            continue
        slugs = carried.get(key, ())
        where = dict(day=slot.day, session=slot.session)
        for seg in urgent:
            if (seg.valid_on(slot.day) and seg.slug not in slugs
                    and problem.limits.length_ms([seg.duration_ms]) <= slot.capacity_ms):
                out.append(Issue("urgent_missing", M(
                    "{day} {session} does not carry the urgent bulletin {slug}",
                    "{day} {session} không phát bản tin khẩn {slug}", slug=seg.slug, **where),
                    segment=seg.slug, **where))
        kinds = [getattr(problem.segment(x), "kind", "") in FIRST_KINDS for x in slugs]
        if kinds != sorted(kinds, reverse=True):
            out.append(Issue("bulletin_order", M("{day} {session}: bulletins must air first",
                                                 "{day} {session}: bản tin phải phát trước",
                                                 **where), **where))
    return out


def _gap_issues(problem: Problem, airings: Sequence[Fixed], pinned: set) -> list[Issue]:
    out: list[Issue] = []
    days: dict[str, list[tuple[dt.date, bool]]] = {}  # slug -> (day, movable)
    for h in problem.history:
        days.setdefault(h.slug, []).append((h.day, False))
    for a in airings:
        for slug in a.slugs:
            days.setdefault(slug, []).append((a.day, (a.day, a.session) not in pinned))
    kinds = {s.slug: s.kind for s in problem.segments}
    kinds.update({h.slug: h.kind for h in problem.history})
    for slug, ds in sorted(days.items()):
        for r in problem.rules:
            if not r.min_gap_days or not binds(r, kinds.get(slug, "")):
                continue
            ds.sort()
            for (d1, m1), (d2, m2) in zip(ds, ds[1:]):
                if (d2 - d1).days < r.min_gap_days and (m1 or m2):
                    out.append(Issue("min_gap", M(
                        "{slug} airs on {a} and {b}; rule {rule} wants at least {g} days between",
                        "{slug} phát ngày {a} và {b}; quy tắc {rule} yêu cầu cách nhau ít nhất {g} ngày",
                        slug=slug, a=d1, b=d2, rule=r.id, g=r.min_gap_days), day=d2, rule=r.id,
                        segment=slug))
    return out


def _obligation_issues(problem: Problem, airings: Sequence[Fixed], pinned: set,
                       shortfalls: Iterable[Shortfall] | None) -> list[Issue]:
    out: list[Issue] = []
    aired = expand(airings, problem)
    fixed = expand([a for a in airings if (a.day, a.session) in pinned], problem)
    declared = None if shortfalls is None else {
        (s.rule, s.segment, s.start): s for s in shortfalls}
    expected = set()
    for ob, req in month_obligations(problem):
        planned = sum(1 for a in aired if ob.contains(a.day) and ob.counts(a.slug, a.kind))
        const = sum(1 for a in fixed if ob.contains(a.day) and ob.counts(a.slug, a.kind))
        what = ob.segment or ob.label
        if req.max_now is not None and planned > max(req.max_now, const):
            out.append(Issue("max", M(
                "rule {rule}, {what}: {n} airings this month and {b} before; at most {m} in all",
                "quy tắc {rule}, {what}: {n} lần phát tháng này và {b} lần trước đó; tối đa {m}",
                rule=ob.rule, what=what, n=planned, b=req.before, m=ob.max), rule=ob.rule,
                segment=ob.segment))
        if ob.soft or planned >= req.required:
            continue
        key = (ob.rule, ob.segment, ob.start)
        expected.add(key)
        if declared is None:
            continue
        got = declared.get(key)
        if got is None:
            out.append(Issue("undeclared_shortfall", M(
                "rule {rule}, {what}: {p} of {r} airings planned, and no shortfall says so",
                "quy tắc {rule}, {what}: mới xếp {p}/{r} lần phát mà không báo thiếu",
                rule=ob.rule, what=what, p=planned, r=req.required), rule=ob.rule, segment=ob.segment))
        elif (got.required, got.planned) != (req.required, planned):
            out.append(Issue("wrong_shortfall", M(
                "rule {rule}, {what}: the shortfall says {gp} of {gr}, the schedule has {p} of {r}",
                "quy tắc {rule}, {what}: báo thiếu ghi {gp}/{gr}, lịch thực có {p}/{r}",
                rule=ob.rule, what=what, gp=got.planned, gr=got.required, p=planned, r=req.required),
                rule=ob.rule, segment=ob.segment))
    for key, s in (declared or {}).items():
        if key not in expected:
            out.append(Issue("false_shortfall", M(
                "rule {rule}, {what}: a shortfall is declared but the obligation is met",
                "quy tắc {rule}, {what}: báo thiếu nhưng nghĩa vụ đã đạt", rule=s.rule,
                what=s.segment or f"{s.start}..{s.end}"), rule=s.rule, segment=s.segment))
    return out
