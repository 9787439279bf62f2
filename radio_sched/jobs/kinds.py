"""The web's background work as job kinds: plan a month, render it, re-plan it, add uploaded segments."""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..production.catalogue import SegmentSpec, add_segments, specs_from_files, specs_from_manifest
from ..core.config import Settings
from ..core.errors import InputError, InputErrors, UserError
from ..core.i18n import M, Msg
from .runner import JobSpec, register_kind
from ..core.models import Segment, User
from ..core.periods import PeriodError, parse_date, parse_month
from ..core.scopes import Scope, ScopeError, parse_scope
from ..access.users import can_manage_scope
from ..reference.labels import both, scope_label

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

# kind -> the function a job process runs (jobs.start_process)
WEB_JOBS = {"plan": "radio_sched.jobs.kinds:plan", "render": "radio_sched.jobs.kinds:render",
         "replan": "radio_sched.jobs.kinds:replan", "segments": "radio_sched.jobs.kinds:segments",
         "bulletin": "radio_sched.jobs.content_kinds:bulletin",
         "withdraw": "radio_sched.jobs.content_kinds:withdraw",
         "review": "radio_sched.jobs.content_kinds:review"}
UPLOADS = ".uploads"  # inside the library root: same file system as the originals they become
_FOLDER = re.compile(r"^[0-9a-f]{32}$")
_STORED = re.compile(r"^(f\d{1,4}(\.[a-z0-9]{1,8})?|manifest\.csv)$")
UPLOAD_MAX_AGE_S = 24 * 3600  # an upload folder left by a killed job is removed after this
LISTED = 200  # changes and unrestorable obligations kept in a re-plan job's result (the rest counted)


def register() -> None:
    """Make the web's job kinds (plan, render, replan, segments and the content jobs) known to
    jobs.start_process."""
    for kind, target in WEB_JOBS.items():
        register_kind(kind, target)


def _month_and_scope(spec: JobSpec) -> tuple[Any, Scope]:
    try:
        return parse_month(spec.month or ""), parse_scope(spec.scope)
    except (PeriodError, ScopeError) as exc:
        raise UserError(exc.message) from None


def plan(settings: Settings, session: Session, spec: JobSpec, progress: Progress) -> dict:
    """Plan the job's month and scope (planning.plan_month); a summary for the job page."""
    from ..planning.plan import plan_month

    month, scope = _month_and_scope(spec)
    res = plan_month(session, month, scope, seed=int(spec.params.get("seed", 0)),
                     jobs=spec.params.get("jobs"), progress=progress, created_by=spec.created_by)
    return {"schedule_id": res.schedule_id, "version": res.version, "status": res.status,
            "stations": res.stations, "airings": res.airings, "items": res.items,
            "shortfalls": len(res.shortfalls),
            "shortfalls_by_rule": dict(Counter(s["rule"] for s in res.shortfalls).most_common()),
            "solver_status": res.solver_status, "gap": round(res.gap, 6),
            "wall_s": round(res.wall_s, 3)}


def render(settings: Settings, session: Session, spec: JobSpec, progress: Progress) -> dict:
    """Render the job's month and scope into bundles (render.render_month)."""
    from ..production.month_render import render_month

    month, scope = _month_and_scope(spec)
    res = render_month(settings, session, month, scope, jobs=spec.params.get("jobs"),
                       progress=progress)
    statuses = Counter(s.bundle.status for s in res.stations)
    return {"stations": len(res.stations), "bundles_new": res.bundles_new,
            "bundles_unchanged": statuses.get("unchanged", 0),
            "without_schedule": res.without_schedule, "airings": res.airings,
            "unique_sessions": res.unique_sessions, "sessions_rendered": res.sessions_rendered,
            "parts_prepared": res.parts_prepared, "wall_s": round(res.wall_s, 3)}


def replan(settings: Settings, session: Session, spec: JobSpec, progress: Progress) -> dict:
    """Re-plan the job's month and scope from params["from"] with make-goods, with the bundles of
    the stations it changes (replan.replan_and_render); what changed and what cannot be restored."""
    from ..planning.replan import replan_and_render

    month, scope = _month_and_scope(spec)
    try:
        day = parse_date(str(spec.params.get("from", "")))
    except PeriodError as exc:
        raise UserError(exc.message) from None
    res = replan_and_render(settings, session, month, day, scope,
                            seed=int(spec.params.get("seed", 0)), jobs=spec.params.get("jobs"),
                            progress=progress, created_by=spec.created_by)
    return {"schedule_id": res.schedule_id, "version": res.version,
            "replan_from": res.replan_from.isoformat(), "stations": res.stations,
            "changed": res.changed, "sessions_changed": len(res.changes),
            "changes": [{"station": c.station, "name": c.name, "day": c.day.isoformat(),
                         "session": c.session, "before": list(c.before), "after": list(c.after)}
                        for c in res.changes[:LISTED]],
            "unrestorable_total": len(res.unrestorable),
            # what the stations lost first; then what the previous version already lacked
            "unrestorable": [{k: u.get(k) for k in ("station", "name", "rule", "segment", "start",
                                                    "end", "required", "planned", "lost", "before",
                                                    "reason", "code", "params")}
                             for u in sorted(res.unrestorable, key=lambda u: (
                                 -u["lost"], u["before"], u["station"], u["start"]))[:LISTED]],
            "past": dict(res.past), "lost": res.lost,
            "bundles_new": sum(1 for *_, status in res.bundles
                               if status in ("new", "adopted", "restored")),
            "solver_status": res.solver_status, "runs": res.distinct,
            "wall_s": round(res.wall_s, 3)}


# --- uploads --------------------------------------------------------------------------------------

def new_upload_folder(settings: Settings) -> Path:
    """A fresh folder with a random name for one upload; stale ones of killed jobs are removed."""
    root = Path(settings.library_root) / UPLOADS
    root.mkdir(parents=True, exist_ok=True)
    limit = time.time() - UPLOAD_MAX_AGE_S
    for old in root.iterdir():
        try:
            if _FOLDER.match(old.name) and old.stat().st_mtime < limit:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    folder = root / secrets.token_hex(16)
    folder.mkdir()
    return folder


def upload_folder(settings: Settings, name: str) -> Path:
    """The folder of an upload named in a job's parameters (never a path from elsewhere)."""
    if not isinstance(name, str) or not _FOLDER.match(name):
        raise UserError(M("the upload '{n}' is not one this server made",
                          "bản tải lên '{n}' không do máy chủ này tạo", n=str(name)[:40]))
    return Path(settings.library_root) / UPLOADS / name


def discard_upload(settings: Settings, name: str) -> None:
    shutil.rmtree(upload_folder(settings, name), ignore_errors=True)


def _stored(folder: Path, entry: dict) -> Path:
    stored = str(entry.get("path", ""))
    if not _STORED.match(stored):  # names the server generated, nothing else
        raise UserError(M("the upload names a file it did not store", "bản tải lên ghi một tệp "
                          "không được lưu"))
    return folder / stored


def upload_specs_file(folder: Path, params: dict[str, Any]) -> tuple[str, Path]:
    """The one file of an upload (a bulletin's): its name as the user gave it, and where it is."""
    files = params.get("files", [])
    if len(files) != 1:
        raise UserError(M("choose one audio file", "hãy chọn một tệp âm thanh"))
    return str(files[0]["name"]), _stored(folder, files[0])


def upload_specs(session: Session, settings: Settings, user: User | None,
                 params: dict[str, Any]) -> list[SegmentSpec]:
    """The segments an upload describes (a manifest with its files, or files and one form), with
    the CLI's checks, refusing any the user may not manage; raises InputErrors naming each."""
    folder = upload_folder(settings, params.get("upload", ""))
    files = [(str(f["name"]), _stored(folder, f)) for f in params.get("files", [])]
    manifest = params.get("manifest")
    if not files:
        raise UserError(M("choose at least one audio file to upload",
                          "hãy chọn ít nhất một tệp âm thanh để tải lên"))
    if manifest:
        names = Counter(name for name, _ in files)
        twice = sorted(n for n, k in names.items() if k > 1)
        if twice:
            raise UserError(M("two uploaded files have the same name: {n}",
                              "hai tệp tải lên trùng tên: {n}", n=", ".join(twice)))
        specs = specs_from_manifest(session, _stored(folder, manifest),
                                    name=str(manifest["name"]), files=dict(files))
    else:
        form = params.get("form", {})
        if len(files) > 1 and (form.get("title") or form.get("slug")):
            raise UserError(M(
                "a title and an id name one file: upload a single file with them, or leave them "
                "empty (each file then takes its own name)",
                "tiêu đề và mã chỉ dùng cho một tệp: hãy tải lên một tệp duy nhất, hoặc để trống "
                "(mỗi tệp sẽ lấy tên của chính nó)"))
        specs = specs_from_files(
            session, [path for _, path in files], names=[name for name, _ in files],
            kind=form.get("kind", ""), slug=form.get("slug") or None,
            title=form.get("title") or None, scope=form.get("scope") or "province",
            valid_from=form.get("valid_from", ""), valid_until=form.get("valid_until", ""),
            topics=form.get("topics", ""), language=form.get("language") or "vi",
            producer=form.get("producer", ""))
    _check_allowed(session, user, specs)
    return specs


def _check_allowed(session: Session, user: User | None, specs: list[SegmentSpec]) -> None:
    """A user adds segments only for scopes they manage, and never replaces another scope's."""
    existing = {s.slug: s.scope for s in session.scalars(select(Segment).where(
        Segment.slug.in_([s.slug for s in specs])))}
    problems = []
    for spec in specs:
        name, line = spec.where
        for scope in (spec.scope, existing.get(spec.slug)):
            if scope is not None and not can_manage_scope(session, user, parse_scope(scope)):
                place = both(scope_label, session, scope)  # the unit's name, not its scope string
                what = (M("you may not add segments for {s}",
                          "bạn không được thêm mục phát cho {s}", s=place)
                        if scope == spec.scope else
                        M("the segment id '{id}' belongs to {s}, which you do not manage",
                          "mã mục '{id}' thuộc {s}, không do bạn quản lý", id=spec.slug, s=place))
                problems.append(InputError(name, line, "scope" if line else None,
                                           M("{f}: {p}", "{f}: {p}", f=spec.file_name, p=what)))
                break
    if problems:
        raise InputErrors(specs[0].where[0], problems)


def segments(settings: Settings, session: Session, spec: JobSpec, progress: Progress) -> dict:
    """Add an upload's segments (audio.library.add_segments), then remove the upload folder."""
    folder = upload_folder(settings, spec.params.get("upload", ""))
    try:
        user = session.scalar(select(User).where(User.username == (spec.created_by or "")))
        specs = upload_specs(session, settings, user, spec.params)
        try:
            res = add_segments(session, settings, specs, replace=bool(spec.params.get("replace")),
                               jobs=spec.params.get("jobs"), progress=progress)
        except UserError as exc:
            raise UserError(_without_folder(exc.message, folder, specs)) from None
        return {"added": res.added, "replaced": res.replaced, "updated": res.updated,
                "unchanged": res.unchanged}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _without_folder(message: Msg | str, folder: Path, specs: list[SegmentSpec]) -> Msg:
    """The message with the server's paths of the uploads (which ffmpeg may quote) replaced by
    the names the user gave them."""
    out: dict[str, str] = {}
    for lang in ("en", "vi"):
        text = message.render(lang) if isinstance(message, Msg) else str(message)
        for spec in specs:
            text = text.replace(str(spec.file), spec.file_name)
        out[f"text_{lang}"] = text.replace(str(folder), "…")
    return M("{text_en}", "{text_vi}", **out)
