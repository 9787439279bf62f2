"""Shortfalls as people read them: the rule's and the item's titles, kinds in words, dates as
dd/mm/yyyy. The stored rows keep their ids and ISO dates for the JSON API and the exports."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from sqlalchemy.orm import Session

from ..core.errors import UserError
from ..core.i18n import using_lang
from ..core.periods import period_phrase
from ..production.catalogue import segment_titles
from ..reference.labels import kind_label
from ..reference.plan_rules import active_plan
from ..scheduler.explain import reason

DATE_KEYS = ("start", "end", "valid_from", "valid_until", "frozen")
RULE_KEYS = ("gap_rule", "other")
SPAN = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
DAYS = re.compile(r"(\d{2}/\d{2}/\d{4})\.\.(\d{2}/\d{2}/\d{4})")  # the reasons' 'start..end'


def day_text(text: str) -> str:
    """'2026-10-01' -> '01/10/2026'; anything else as written."""
    try:
        return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(text)


def span_text(text: str) -> str:
    """A period label ('2026-10', '2026-Q4') in words, a window 'a..b' as 'dd/mm/yyyy–dd/mm/yyyy'."""
    m = SPAN.fullmatch(str(text))
    if m:
        return f"{day_text(m[1])}–{day_text(m[2])}"
    return period_phrase(str(text))


def readable_params(params: Mapping[str, Any], *, rules: Mapping[str, str],
                    titles: Mapping[str, str]) -> dict[str, Any]:
    """A reason's parameters with names people read, in the language in use."""
    out = dict(params)
    for key in DATE_KEYS:
        if key in out:
            out[key] = day_text(out[key])
    if "kind" in out:
        out["kind"] = kind_label(str(out["kind"]))
    if "segment" in out:
        out["segment"] = titles.get(out["segment"], out["segment"])
    if "label" in out:
        label = str(out["label"])
        out["label"] = titles.get(label) or span_text(label)
    for key in RULE_KEYS:
        if key in out:
            out[key] = rules.get(out[key], out[key])
    return out


def reason_words(sf: Mapping[str, Any], *, rules: Mapping[str, str],
                 titles: Mapping[str, str]) -> dict[str, str]:
    """A stored shortfall's reason in both languages, worded for people; a row stored without a
    reason code keeps its stored text."""
    stored = sf.get("reason")
    if not sf.get("code"):
        if isinstance(stored, dict):
            return {"vi": str(stored.get("vi", "")), "en": str(stored.get("en", ""))}
        return {"vi": str(stored or ""), "en": str(stored or "")}
    out = {}
    for lang in ("vi", "en"):
        with using_lang(lang):
            params = readable_params(sf.get("params") or {}, rules=rules, titles=titles)
            out[lang] = DAYS.sub(r"\1–\2", reason(sf["code"], params).render())
    return out


def read_shortfalls(session: Session, year: int, shortfalls: list[dict]) -> list[dict]:
    """Each stored shortfall with `rule_title`, `segment_title` and `reason_read` ({vi, en})
    added, for the pages (two queries for the whole list)."""
    if not shortfalls:
        return shortfalls
    try:
        rules = {r.id: r.title or r.id for r in active_plan(session, year)[1].rules}
    except UserError:
        rules = {}
    titles = segment_titles(session, {s.get("segment") for s in shortfalls} | {
        (s.get("params") or {}).get(k) for s in shortfalls for k in ("segment", "label")})
    return [{**s, "rule_title": rules.get(s.get("rule"), s.get("rule")),
             "segment_title": titles.get(s.get("segment") or "", s.get("segment") or ""),
             "reason_read": reason_words(s, rules=rules, titles=titles)} for s in shortfalls]


def read_replan(session: Session, result: dict) -> dict:
    """A re-plan job's stored result as its page shows it: the items of each changed session by
    title, and what cannot be restored with its rule, item and reason worded for people."""
    start = str(result.get("replan_from") or "")
    year = int(start[:4]) if start[:4].isdigit() else None
    changes = result.get("changes") or []
    titles = segment_titles(session, {s for c in changes for s in [*c.get("before", ()),
                                                                     *c.get("after", ())]})
    out = dict(result)
    out["changes"] = [{**c, "before": [titles.get(s, s) for s in c.get("before", ())],
                       "after": [titles.get(s, s) for s in c.get("after", ())]} for c in changes]
    if year is not None:
        out["unrestorable"] = read_shortfalls(session, year, list(result.get("unrestorable") or []))
    return out
