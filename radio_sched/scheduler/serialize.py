"""Problems as JSON: regression fixtures of instances that once went wrong, and bug reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from .plan import EachSegment, Quota, Rule
from .instance import Aired, Fixed, Limits, Problem, SegmentInfo, Slot


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def problem_to_dict(p: Problem) -> dict:
    def day(v):
        return v.isoformat() if isinstance(v, dt.date) else v

    return {
        "start": day(p.start), "end": day(p.end),
        "slots": [[day(s.day), s.session, s.start, s.capacity_ms, s.off_air] for s in p.slots],
        "future": [[day(s.day), s.session, s.start, s.capacity_ms, s.off_air] for s in p.future],
        "segments": [[s.slug, s.kind, s.duration_ms, day(s.valid_from), day(s.valid_until), s.local]
                     + ([True] if s.withdrawn else []) for s in p.segments],
        "rules": [dataclasses.asdict(r) for r in p.rules],
        "limits": dataclasses.asdict(p.limits),
        "history": [[day(a.day), a.session, a.slug, a.kind] for a in p.history],
        "pinned": [[day(f.day), f.session, list(f.slugs)] for f in p.pinned],
        "frozen_before": day(p.frozen_before),
        "reference": None if p.reference is None else [[day(f.day), f.session, list(f.slugs)]
                                                       for f in p.reference],
    }


def _rule(d: dict) -> Rule:
    d = dict(d)
    if d.get("each_segment"):
        d["each_segment"] = EachSegment(**d["each_segment"])
    if d.get("quota"):
        d["quota"] = Quota(**d["quota"])
    d["prefer_sessions"] = tuple(d.get("prefer_sessions") or ())
    return Rule(**d)


def problem_from_dict(d: dict) -> Problem:
    def slot(r):
        return Slot(_d(r[0]), r[1], r[2], r[3], r[4])

    return Problem(
        _d(d["start"]), _d(d["end"]), tuple(map(slot, d["slots"])),
        tuple(SegmentInfo(r[0], r[1], r[2], _d(r[3]), _d(r[4]), r[5], bool(r[6:] and r[6]))
              for r in d["segments"]),
        tuple(_rule(r) for r in d["rules"]), Limits(**d["limits"]), tuple(map(slot, d["future"])),
        tuple(Aired(_d(r[0]), r[1], r[2], r[3]) for r in d["history"]),
        tuple(Fixed(_d(r[0]), r[1], tuple(r[2])) for r in d["pinned"]),
        _d(d["frozen_before"]) if d.get("frozen_before") else None,
        None if d.get("reference") is None else tuple(Fixed(_d(r[0]), r[1], tuple(r[2]))
                                                       for r in d["reference"]))


def dumps(p: Problem, **extra) -> str:
    return json.dumps({**extra, "problem": problem_to_dict(p)}, ensure_ascii=False, indent=1)


def loads(text: str) -> tuple[Problem, dict]:
    d = json.loads(text)
    return problem_from_dict(d.pop("problem")), d
