"""Why an obligation is short: diagnosed from the instance, said in Vietnamese and English."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from ..core.i18n import M, Msg
from .instance import Fixed, Problem, Shortfall, binds
from .plan import counts_kind
from .obligations import expand, month_obligations

REASONS: dict[str, tuple[str, str]] = {
    "no_session": ("the station has no session in {start}..{end}",
                   "đài không có buổi phát nào trong {start}..{end}"),
    "off_air": ("no session in {start}..{end} is free: all {days} days are off-air ({why})",
                "không còn buổi phát nào trống trong {start}..{end}: cả {days} ngày đều ngừng phát ({why})"),
    "past": ("the sessions of {start}..{end} are already fixed (before {frozen})",
             "các buổi phát {start}..{end} đã cố định (trước ngày {frozen})"),
    "past_off_air": ("no session in {start}..{end} is free: the days before {frozen} are already fixed "
                     "and the other {days} days are off-air ({why})",
                     "không còn buổi phát nào trống trong {start}..{end}: các ngày trước {frozen} đã cố "
                     "định, {days} ngày còn lại đều ngừng phát ({why})"),
    "no_segment": ("no {kind} segment was supplied for this commune in {label}",
                   "không có tin loại {kind} nào được cung cấp cho xã này trong {label}"),
    "too_long": ("segment {segment} lasts {duration} s, the longest session allows {allows} s",
                 "tin {segment} dài {duration} giây, buổi phát dài nhất chỉ cho {allows} giây"),
    "not_valid": ("{segment} is valid {valid_from}..{valid_until}, and no free session falls then",
                  "{segment} chỉ có hiệu lực {valid_from}..{valid_until}, không có buổi trống nào "
                  "trong thời gian đó"),
    "min_gap": ("rule {gap_rule} keeps {gap} days between airings of {segment}: only {fits} fit in "
                "{start}..{end}",
                "quy tắc {gap_rule} yêu cầu cách nhau {gap} ngày giữa các lần phát {segment}: trong "
                "{start}..{end} chỉ xếp được {fits} lần"),
    "max_rule": ("rule {other} allows at most {max} airings of {kind} in {label}, all taken",
                 "quy tắc {other} chỉ cho tối đa {max} lần phát loại {kind} trong {label}, đã dùng hết"),
    "capacity": ("the {free} free sessions in {start}..{end} are full with other obligations",
                 "{free} buổi phát còn trống trong {start}..{end} đã kín bởi các nghĩa vụ khác"),
}


def reason(code: str, params: dict) -> Msg:
    en, vi = REASONS.get(code, ("{code}", "{code}"))
    return M(en, vi, code=code, **params)


def explain(problem: Problem, sf: Shortfall, airings: Sequence[Fixed]) -> Shortfall:
    """The shortfall with a reason code and its parameters filled in."""
    code, params = _diagnose(problem, sf, airings)
    return dataclasses.replace(sf, code=code, params=tuple(sorted(params.items())))


def _diagnose(problem: Problem, sf: Shortfall, airings: Sequence[Fixed]) -> tuple[str, dict]:
    lo, hi = max(sf.start, problem.start), min(sf.end, problem.end)
    span = dict(start=lo.isoformat(), end=hi.isoformat())
    pinned = {(f.day, f.session) for f in problem.pinned}
    in_range = [s for s in problem.slots if lo <= s.day <= hi]
    if not in_range:
        return "no_session", span
    movable = [s for s in in_range if (s.day, s.session) not in pinned and not problem.is_frozen(s.day)]
    free = [s for s in movable if s.off_air is None]
    if not free:
        if not movable:
            return "past", dict(span, frozen=str(problem.frozen_before or lo))
        why = "; ".join(sorted({s.off_air for s in movable if s.off_air}))
        frozen = problem.frozen_before
        if frozen is not None and lo < frozen <= hi:  # a re-plan: part of the window is the past
            return "past_off_air", dict(span, frozen=str(frozen), days=(hi - frozen).days + 1, why=why)
        return "off_air", dict(span, days=(hi - lo).days + 1, why=why)
    if sf.segment is not None:
        candidates = [problem.segment(sf.segment)]
    else:
        candidates = [s for s in problem.segments if _counts(sf, s.kind)
                      and s.valid_from <= hi and s.valid_until >= lo]
    candidates = [c for c in candidates if c is not None]
    label = sf.segment or _label(sf)
    if not candidates:
        return "no_segment", dict(span, kind=sf.kind, label=label)
    lim = problem.limits
    fits = {c.slug: [s for s in free if c.valid_on(s.day)
                     and lim.length_ms([c.duration_ms]) <= s.capacity_ms] for c in candidates}
    if not any(fits.values()):
        valid_free = [s for s in free if any(c.valid_on(s.day) for c in candidates)]
        if valid_free:
            c = min(candidates, key=lambda c: c.duration_ms)
            allows = max(lim.allowance_ms(s.capacity_ms) for s in valid_free)
            return "too_long", dict(span, segment=c.slug, duration=_sec(c.duration_ms),
                                    allows=_sec(max(0, allows)))
        c = candidates[0]
        return "not_valid", dict(span, segment=c.slug, valid_from=c.valid_from.isoformat(),
                                 valid_until=c.valid_until.isoformat())
    gap = _gap_limit(problem, sf, candidates, fits, airings)
    if gap is not None:
        return "min_gap", dict(span, **gap)
    full = _saturated_max(problem, sf, airings, candidates)
    if full is not None:
        return "max_rule", full
    return "capacity", dict(span, free=len(free))


def _counts(sf: Shortfall, kind: str) -> bool:
    return counts_kind(sf.kind, kind)


def _label(sf: Shortfall) -> str:
    if sf.start.day == 1 and (sf.end + dt.timedelta(days=1)).day == 1 and sf.start.month == sf.end.month:
        return sf.start.strftime("%Y-%m")
    return f"{sf.start.isoformat()}..{sf.end.isoformat()}"


def _sec(ms: int) -> str:
    return f"{ms / 1000:g}"


def _gap_limit(problem: Problem, sf: Shortfall, candidates, fits, airings) -> dict | None:
    """If spacing alone caps the airings below what is required, say which rule and how many fit."""
    total = 0
    worst = None
    for c in candidates:
        rules = [r for r in problem.rules if r.min_gap_days and binds(r, c.kind)]
        days = sorted({s.day for s in fits[c.slug]})
        if not rules:
            total += len(fits[c.slug])
            continue
        r = max(rules, key=lambda r: r.min_gap_days)
        g = r.min_gap_days
        fixed = [h.day for h in problem.history if h.slug == c.slug]
        fixed += [f.day for f in problem.pinned if c.slug in f.slugs]
        n, last = 0, None
        for d in days:  # earliest-first packing is the most a spacing rule allows
            if any(abs((d - f).days) < g for f in fixed) or (last and (d - last).days < g):
                continue
            n, last = n + 1, d
        total += n
        worst = (r, g, c, n)
    if worst is None or total >= sf.required:
        return None
    r, g, c, n = worst
    return dict(gap_rule=r.id, gap=g, segment=c.slug, fits=total)


def _saturated_max(problem: Problem, sf: Shortfall, airings, candidates=()) -> dict | None:
    """Another rule's max, reached by this schedule, that closes every segment the shortfall could use."""
    aired = expand(airings, problem)
    lo, hi = max(sf.start, problem.start), min(sf.end, problem.end)
    capped: dict[str, dict] = {}
    for ob, req in month_obligations(problem):
        if ob.max is None or ob.rule == sf.rule or ob.end < lo or ob.start > hi:
            continue
        planned = sum(1 for a in aired if ob.contains(a.day) and ob.counts(a.slug, a.kind))
        if req.max_now is None or planned < req.max_now:
            continue
        found = dict(other=ob.rule, max=ob.max, kind=ob.kind, label=ob.segment or ob.label)
        if ob.segment is None and (ob.kind == sf.kind or ob.kind == "*"):
            return found
        if ob.segment is not None:
            capped.setdefault(ob.segment, found)
    slugs = [sf.segment] if sf.segment else [c.slug for c in candidates]
    if slugs and all(s in capped for s in slugs):
        return capped[slugs[0]]
    return None


def shortfalls(problem: Problem, airings) -> tuple[Shortfall, ...]:
    """This month's unmet obligations (never soft rules), counted on the airings themselves."""
    aired = expand(airings, problem)
    out = []
    for ob, req in month_obligations(problem):
        if ob.soft or req.required == 0:
            continue
        planned = sum(1 for a in aired if ob.contains(a.day) and ob.counts(a.slug, a.kind))
        if planned < req.required:
            sf = Shortfall(ob.rule, ob.kind, ob.segment, ob.start, ob.end, req.required, planned)
            out.append(explain(problem, sf, airings))
    return tuple(out)
