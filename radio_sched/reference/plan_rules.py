"""The plan rules file (TOML): parsed into plain dataclasses, checked key by key, stored per year."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.config import DATA_DIR
from ..scheduler.plan import (
    ANY_KIND, PERIODS, AudioTargets, EachSegment, PlanRules, Quota, Rule, SessionLimits)
from ..core.errors import Conflict, InputError, InputErrors, NotFound
from ..core.i18n import M, nfc
from ..core.models import Plan, Rule as RuleRow
from ..core.scopes import ScopeError, parse_scope

DATA = DATA_DIR

_TOP = {"plan", "session", "audio", "rule"}
_PLAN = {"name", "year", "issuer", "province", "source"}
_SESSION = {"max_items", "gap_s", "intro", "outro"}
_AUDIO = {"loudness_lufs", "true_peak_dbtp"}
_RULE = {"id", "title", "kind", "source", "scope", "each_segment", "quota", "min_gap_days",
         "max_per_session", "prefer_sessions", "soft"}
_EACH = {"min", "max", "within_days"}
_QUOTA = {"per", "min", "max"}


class _Checker:
    """Collects every problem of a rules file with the place it was found: the key path and,
    from `lines` (rule_lines of the text), the line."""

    def __init__(self, name: str, lines: dict[str, int] | None = None):
        self.name = name
        self.lines = lines or {}
        self.rule_no: int | None = None  # the [[rule]] being checked, counted from 1
        self.errors: list[InputError] = []

    def bad(self, where: str, problem) -> None:
        key = where
        if self.rule_no is not None and where.startswith("rule["):
            # rule[<id>] may name two rules (a repeated id): look the line up by position
            key = f"rule[#{self.rule_no}]" + where[where.index("]") + 1:]
        self.errors.append(InputError(self.name, line_of(self.lines, key), where, problem))

    def keys(self, table: dict, allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.bad(f"{where}{key}" if where else key, M(
                    "unknown key; expected one of {keys}", "khóa không hợp lệ; cần một trong {keys}",
                    keys=", ".join(sorted(allowed))))

    def int_(self, table: dict, key: str, where: str, *, minimum: int = 0,
             required: bool = False) -> int | None:
        if key not in table:
            if required:
                self.bad(where + key, M("is required", "là bắt buộc"))
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.bad(where + key, M("'{v}' must be a whole number of at least {m}",
                                    "'{v}' phải là số nguyên không nhỏ hơn {m}", v=value, m=minimum))
            return None
        return value

    def num(self, table: dict, key: str, where: str, default: float) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.bad(where + key, M("'{v}' must be a number", "'{v}' phải là số", v=value))
            return default
        return float(value)

    def str_(self, table: dict, key: str, where: str, *, required: bool = False) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.bad(where + key, M("is required", "là bắt buộc"))
            return ""
        if not isinstance(value, str):
            self.bad(where + key, M("'{v}' must be text", "'{v}' phải là văn bản", v=value))
            return ""
        return nfc(value.strip())


def parse_rules(text: str, name: str = "<rules>") -> PlanRules:
    """Parse and check a rules file; every problem is reported at once with where it is."""
    try:
        data = tomllib.loads(nfc(text.lstrip("\ufeff")))
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        raise InputErrors(name, [InputError(name, int(at.group(1)) if at else None, None, M(
            "not valid TOML: {err}", "không phải TOML hợp lệ: {err}", err=str(exc)))]) from None
    c = _Checker(name, rule_lines(text))
    c.keys(data, _TOP, "")
    plan = data.get("plan", {}) if isinstance(data.get("plan"), dict) else {}
    if "plan" not in data:
        c.bad("plan", M("a [plan] table with name and year is required",
                        "cần bảng [plan] có name và year"))
    c.keys(plan, _PLAN, "plan.")
    pname = c.str_(plan, "name", "plan.", required="plan" in data)
    year = c.int_(plan, "year", "plan.", minimum=2000, required="plan" in data) or 0

    sess = data.get("session", {})
    c.keys(sess, _SESSION, "session.")
    limits = SessionLimits(
        max_items=c.int_(sess, "max_items", "session.", minimum=1) or SessionLimits.max_items,
        gap_s=c.num(sess, "gap_s", "session.", SessionLimits.gap_s),
        intro=c.str_(sess, "intro", "session.") or None,
        outro=c.str_(sess, "outro", "session.") or None)
    if limits.gap_s < 0 or limits.gap_s > 30:
        c.bad("session.gap_s", M("must be between 0 and 30 seconds", "phải trong khoảng 0 đến 30 giây"))

    audio_t = data.get("audio", {})
    c.keys(audio_t, _AUDIO, "audio.")
    audio = AudioTargets(loudness_lufs=c.num(audio_t, "loudness_lufs", "audio.", -23.0),
                         true_peak_dbtp=c.num(audio_t, "true_peak_dbtp", "audio.", -1.0))
    if not -40 <= audio.loudness_lufs <= -5:
        c.bad("audio.loudness_lufs", M("must be between -40 and -5 LUFS",
                                       "phải trong khoảng -40 đến -5 LUFS"))
    if not -9 <= audio.true_peak_dbtp <= 0:
        c.bad("audio.true_peak_dbtp", M("must be between -9 and 0 dBTP",
                                        "phải trong khoảng -9 đến 0 dBTP"))

    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        c.bad("rule", M("rules are written as [[rule]] tables", "mỗi quy tắc viết là bảng [[rule]]"))
        raw_rules = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for n, r in enumerate(raw_rules, 1):
        c.rule_no = n
        rules.append(_parse_rule(c, r, n, seen))
    c.rule_no = None
    if c.errors:
        raise InputErrors(c.name, c.errors)
    return PlanRules(name=pname, year=year, issuer=c.str_(plan, "issuer", "plan."),
                     province=c.str_(plan, "province", "plan."), session=limits, audio=audio,
                     rules=tuple(rules))


def _parse_rule(c: _Checker, r: dict, n: int, seen: set[str]) -> Rule:
    rid = r.get("id") if isinstance(r.get("id"), str) else f"#{n}"
    where = f"rule[{rid}]."
    c.keys(r, _RULE, where)
    rule_id = c.str_(r, "id", where, required=True)
    if rule_id in seen:
        c.bad(where + "id", M("another rule has id '{id}'", "đã có quy tắc khác mang id '{id}'",
                              id=rule_id))
    seen.add(rule_id)
    kind = c.str_(r, "kind", where, required=True)
    scope = c.str_(r, "scope", where) or "province"
    try:
        scope = str(parse_scope(scope))
    except ScopeError as exc:
        c.bad(where + "scope", exc.message)

    each = None
    if "each_segment" in r:
        t = r["each_segment"]
        if not isinstance(t, dict):
            c.bad(where + "each_segment", M("must be a table {{min, max, within_days}}",
                                            "phải là bảng {{min, max, within_days}}"))
        else:
            c.keys(t, _EACH, where + "each_segment.")
            each = EachSegment(min=c.int_(t, "min", where + "each_segment.") or 0,
                               max=c.int_(t, "max", where + "each_segment.", minimum=1),
                               within_days=c.int_(t, "within_days", where + "each_segment.",
                                                  minimum=1, required=True) or 7)
            _min_max(c, each.min, each.max, where + "each_segment")
        if kind == ANY_KIND:
            c.bad(where + "each_segment", M("needs a real kind, not '*'", "cần một loại cụ thể, không phải '*'"))
    quota = None
    if "quota" in r:
        t = r["quota"]
        if not isinstance(t, dict):
            c.bad(where + "quota", M("must be a table {{per, min, max}}", "phải là bảng {{per, min, max}}"))
        else:
            c.keys(t, _QUOTA, where + "quota.")
            per = c.str_(t, "per", where + "quota.", required=True)
            if per and per not in PERIODS:
                c.bad(where + "quota.per", M("'{v}' is not one of {ps}", "'{v}' không thuộc {ps}",
                                             v=per, ps=", ".join(PERIODS)))
            quota = Quota(per=per or "month", min=c.int_(t, "min", where + "quota.") or 0,
                          max=c.int_(t, "max", where + "quota.", minimum=0))
            _min_max(c, quota.min, quota.max, where + "quota")
    prefer = r.get("prefer_sessions", [])
    if not isinstance(prefer, list) or not all(isinstance(p, str) for p in prefer):
        c.bad(where + "prefer_sessions", M("must be a list of session names, e.g. [\"sáng\"]",
                                           "phải là danh sách tên buổi, ví dụ [\"sáng\"]"))
        prefer = []
    soft = r.get("soft", False)
    if not isinstance(soft, bool):
        c.bad(where + "soft", M("must be true or false", "phải là true hoặc false"))
        soft = False
    rule = Rule(id=rule_id, kind=kind, title=c.str_(r, "title", where), source=c.str_(r, "source", where),
                scope=scope, each_segment=each, quota=quota,
                min_gap_days=c.int_(r, "min_gap_days", where, minimum=1),
                max_per_session=c.int_(r, "max_per_session", where, minimum=1),
                prefer_sessions=tuple(nfc(p) for p in prefer), soft=soft)
    if not (each or quota or rule.min_gap_days or rule.max_per_session or rule.prefer_sessions):
        c.bad(where.rstrip("."), M(
            "says nothing: give each_segment, quota, min_gap_days, max_per_session or prefer_sessions",
            "không quy định gì: cần each_segment, quota, min_gap_days, max_per_session hoặc "
            "prefer_sessions"))
    return rule


def _min_max(c: _Checker, lo: int, hi: int | None, where: str) -> None:
    if hi is not None and lo > hi:
        c.bad(where, M("min ({lo}) is above max ({hi})", "min ({lo}) lớn hơn max ({hi})", lo=lo, hi=hi))


# --- where a key is written -----------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")((?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"))*)\s*=")
_INLINE_KEY = re.compile(r"[{,]\s*([A-Za-z0-9_\-]+)\s*=")
_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'[^\']*\'')
_ID = re.compile(r"^\s*id\s*=\s*(\"[^\"]*\"|'[^']*')")


def rule_lines(text: str) -> dict[str, int]:
    """Where each key of a rules file is written: key path -> line (1-based), in the paths the
    checker reports ('plan.year', 'rule[district-episodes].quota.per', 'rule[#2].kind'; a table
    itself as 'plan' or 'rule[#2]'). tomllib gives no positions; this reads the lines of a file
    it has parsed (tables, [[rule]] arrays, keys, one-line inline tables)."""
    out: dict[str, int] = {}
    table, rule_no, ids = "", 0, {}
    in_string: str | None = None  # inside a multi-line string opened by this quote
    depth = 0  # inside a multi-line array
    for n, line in enumerate(nfc(text.lstrip("\ufeff")).splitlines(), 1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = None
            continue
        if depth > 0:
            value = _STRINGS.sub('""', line).split("#", 1)[0]
            depth += value.count("[") - value.count("]")
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            name = header.group(2).replace('"', "").replace(" ", "")
            if header.group(1) == "[[" and name == "rule":
                rule_no += 1
                table = f"rule[#{rule_no}]"
                out.setdefault("rule", n)
            else:
                table = name
            out.setdefault(table, n)
            continue
        key = _KEY.match(line)
        if not key:
            continue
        path = (key.group(1) + key.group(2)).replace('"', "").replace(" ", "")
        full = f"{table}.{path}" if table else path
        out.setdefault(full, n)
        rest = line[key.end():]
        for inner in _INLINE_KEY.findall(rest):
            out.setdefault(f"{full}.{inner}", n)
        for quote in ('"""', "'''"):
            if rest.count(quote) % 2:
                in_string = quote
        value = _STRINGS.sub('""', rest).split("#", 1)[0]
        if value.strip().startswith("[") and in_string is None:
            depth = value.count("[") - value.count("]")
        found = _ID.match(line)
        if found and table.startswith("rule[#"):
            ids.setdefault(found.group(1)[1:-1], []).append(table)
    for rid, tables in ids.items():  # rule[<id>] paths too, where the id names one rule
        if len(tables) == 1:
            for path, n in list(out.items()):
                if path == tables[0] or path.startswith(tables[0] + "."):
                    out.setdefault(f"rule[{rid}]" + path[len(tables[0]):], n)
    return out


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of a key path, else of the nearest table or key above it that is written."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("[") if path.endswith("]") else -1)
        if cut <= 0:
            return None
        path = path[:cut]
    return None


# --- stored plans -------------------------------------------------------------------------------

def load_rules(session: Session, path: Path | str | None = None, *, text: str | None = None,
               name: str | None = None) -> tuple[Plan, bool]:
    """Store a rules file as its year's active plan; returns (plan, created). Same text: no change."""
    if text is None:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputErrors(str(path), [InputError(str(path), None, None, M(
                "cannot read the rules file: {err}", "không đọc được tệp quy tắc: {err}",
                err=str(exc)))]) from None
    name = name or (str(path) if path else "<rules>")
    parsed = parse_rules(text, name)
    digest = hashlib.sha256(nfc(text).encode()).hexdigest()
    current = session.scalar(select(Plan).where(Plan.year == parsed.year, Plan.active.is_(True)))
    if current is not None and current.sha256 == digest:
        return current, False
    session.execute(update(Plan).where(Plan.year == parsed.year).values(active=False))
    plan = Plan(name=parsed.name, year=parsed.year, source_text=nfc(text), sha256=digest, active=True)
    session.add(plan)
    session.flush()
    for pos, r in enumerate(parsed.rules):
        params = {k: v for k, v in asdict(r).items()
                  if k not in ("id", "title", "kind", "source") and v not in (None, (), False)}
        session.add(RuleRow(plan_id=plan.id, position=pos, rule_id=r.id, title=r.title, kind=r.kind,
                            source=r.source, params=params))
    session.flush()
    return plan, True


def active_plan(session: Session, year: int) -> tuple[Plan, PlanRules]:
    """The year's active plan and its parsed rules, or a message saying how to load one."""
    plan = session.scalar(select(Plan).where(Plan.year == year, Plan.active.is_(True)))
    if plan is None:
        raise NotFound(M("no plan rules are loaded for {year}: the Department loads them on the "
                         "web page Administration › Plan rules (/admin/rules/), which can start "
                         "them from last year's, or with 'radio-sched rules load FILE'",
                         "chưa nạp quy tắc kế hoạch cho năm {year}: Sở nạp quy tắc trên trang Quản "
                         "trị › Quy tắc kế hoạch (/admin/rules/), có thể lấy từ kế hoạch năm trước, "
                         "hoặc bằng lệnh 'radio-sched rules load TỆP'", year=year))
    return plan, parse_rules(plan.source_text, f"plan {plan.id}")


def preset_rules_text(filename: str, year: int | None = None) -> str:
    """A shipped rules file, optionally re-dated to another year (the obligations carry over)."""
    text = (DATA / filename).read_text(encoding="utf-8")
    if year is not None:
        parsed = parse_rules(text, filename)
        text = text.replace(f"year = {parsed.year}", f"year = {year}", 1)
    return text


def next_year_rules(text: str) -> str:
    """This year's rules file as next year's: the same obligations, `year` and the years in the
    plan's name moved on by one (what a province does each January before editing what changed)."""
    parsed = parse_rules(text)
    lines = nfc(text.lstrip("\ufeff")).splitlines(keepends=True)
    old, new = str(parsed.year), str(parsed.year + 1)
    where = rule_lines(text)
    year_at, name_at = where.get("plan.year"), where.get("plan.name")
    if year_at:
        lines[year_at - 1] = re.sub(r"(=\s*)" + old + r"\b", r"\g<1>" + new, lines[year_at - 1], 1)
    if name_at:
        lines[name_at - 1] = re.sub(r"\b" + old + r"\b", new, lines[name_at - 1])
    out = "".join(lines)
    parse_rules(out, "next year")  # the result must stand on its own
    return out


def start_next_year(session: Session, year: int) -> Plan:
    """Store next year's plan made from this year's (next_year_rules) as that year's active plan;
    refused when next year already has one (then it is edited and uploaded instead)."""
    plan, _ = active_plan(session, year)
    if session.scalar(select(Plan.id).where(Plan.year == year + 1, Plan.active.is_(True))):
        raise Conflict(M("{y} already has plan rules; download them, edit and upload instead",
                         "năm {y} đã có quy tắc kế hoạch; hãy tải về, sửa và tải lên",
                         y=year + 1))
    return load_rules(session, text=next_year_rules(plan.source_text),
                      name=f"{year + 1}.toml")[0]


def plan_years(session: Session) -> list[int]:
    """The years that have an active plan, oldest first."""
    return sorted(session.scalars(select(Plan.year).where(Plan.active.is_(True)).distinct()))
