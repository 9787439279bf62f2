"""The segment library: adding audio files (one by one or from segments.csv) to the store and the DB."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace as dc_replace
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.config import AudioSettings, Settings
from ..core.csvio import RowErrors, read_rows
from ..core.errors import InputError, InputErrors, NotFound, UserError
from ..core.i18n import M, nfc
from ..core.models import BEGINNING, END_OF_TIME, Segment
from ..core.periods import PeriodError, parse_date
from ..reference.plan_rules import active_plan
from .approval import initial_status
from .loudness import Analysis, analyse
from .parts import Library, ReadyPart, lookup, make_ready, recipe_key
from .pool import run_all
from .probe import AudioRefused, check_whole, probe
from ..core.files import CHUNK, copy_atomic

MANIFEST_REQUIRED = ["file", "title", "kind", "scope"]
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_LANG = re.compile(r"^[a-z]{2,3}$")

Progress = Callable[[int, int], None]


def slugify(text: str) -> str:
    """A segment id from a file name: lowercase ASCII, digits and '-', Vietnamese letters unaccented."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9._-]+", "-", text).strip("-._")
    return re.sub(r"-{2,}", "-", text)[:120].rstrip("-._")


def audio_settings(session: Session, settings: Settings, year: int) -> AudioSettings:
    """The settings' audio with the loudness target of that year's plan, when one is loaded."""
    try:
        _, rules = active_plan(session, year)
    except NotFound:
        return settings.audio
    return dc_replace(settings.audio, loudness_lufs=rules.audio.loudness_lufs,
                      true_peak_dbtp=rules.audio.true_peak_dbtp)


@dataclass
class SegmentSpec:
    """One file to add and what the user says about it; `where` places it for messages."""

    file: Path
    slug: str
    title: str
    kind: str
    scope: str = "province"
    valid_from: dt.date = BEGINNING
    valid_until: dt.date = END_OF_TIME
    topics: str = ""
    language: str = "vi"
    producer: str = ""
    where: tuple[str, int | None] = ("", None)
    sha256: str = ""
    name: str = ""  # the file's name as the user knows it, if stored under another (uploads)

    @property
    def file_name(self) -> str:
        return self.name or self.file.name

    @property
    def year(self) -> int:
        return self.valid_from.year if self.valid_from != BEGINNING else dt.date.today().year


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


# --- describing what to add ----------------------------------------------------------------------

def _check_fields(session: Session, errs: RowErrors, line: int | None, *, slug: str, title: str,
                  kind: str, scope: str, valid_from: str, valid_until: str, topics: str,
                  language: str) -> dict:
    from ..reference.divisions import resolve_scope

    out: dict = {}
    if not _SLUG.match(slug):
        errs.add(line, "id", M(
            "'{v}' is not a usable segment id: lowercase letters, digits, '-', '_' or '.', at most 120",
            "'{v}' không dùng được làm mã mục phát: chữ thường không dấu, số, '-', '_' hoặc '.', "
            "tối đa 120 ký tự", v=slug))
    out["slug"] = slug
    out["title"] = nfc(title.strip())
    if not out["title"] or len(out["title"]) > 300:
        errs.add(line, "title", M("a title of 1 to 300 characters is required",
                                  "cần tiêu đề từ 1 đến 300 ký tự"))
    out["kind"] = kind.strip().lower()
    if not _KIND.match(out["kind"]):
        errs.add(line, "kind", M(
            "'{v}' is not a kind; write it like district_episode (lowercase letters, digits, '_')",
            "'{v}' không phải loại mục; viết như district_episode (chữ thường, số, '_')", v=kind))
    try:
        out["scope"] = str(resolve_scope(session, scope or "province"))
    except UserError as exc:
        errs.add(line, "scope", exc.message)
    for col, text, default in (("valid_from", valid_from, BEGINNING),
                               ("valid_until", valid_until, END_OF_TIME)):
        try:
            out[col] = parse_date(text) if text.strip() else default
        except PeriodError as exc:
            errs.add(line, col, exc.message)
    if out.get("valid_from", BEGINNING) > out.get("valid_until", END_OF_TIME):
        errs.add(line, "valid_until", M("the validity ends ({b}) before it starts ({a})",
                                        "ngày hết hiệu lực ({b}) trước ngày bắt đầu ({a})",
                                        a=out["valid_from"].strftime("%d/%m/%Y"),
                                        b=out["valid_until"].strftime("%d/%m/%Y")))
    out["topics"] = ";".join(t.strip() for t in nfc(topics).split(";") if t.strip())
    if len(out["topics"]) > 500:
        errs.add(line, "topics", M("at most 500 characters", "tối đa 500 ký tự"))
    out["language"] = (language or "vi").strip().lower()
    if not _LANG.match(out["language"]):
        errs.add(line, "language", M("'{v}' is not a language code such as vi or en",
                                     "'{v}' không phải mã ngôn ngữ như vi hoặc en", v=language))
    return out


def specs_from_files(session: Session, files: list[Path | str], *, kind: str,
                     slug: str | None = None, title: str | None = None, scope: str = "province",
                     valid_from: str = "", valid_until: str = "", topics: str = "",
                     language: str = "vi", producer: str = "",
                     names: list[str] | None = None) -> list[SegmentSpec]:
    """Specs for `segments add`: the id defaults to the file's stem, the title to its name.
    `names`: the files' names as the user knows them, if stored under others (uploads)."""
    if len(files) > 1 and (slug or title):
        raise UserError(M("--id and --title name one file; give a single FILE with them",
                          "--id và --title chỉ dùng cho một tệp; hãy đưa một TỆP duy nhất"))
    specs = []
    for n, f in enumerate(files):
        path = Path(f)
        name = nfc(names[n]) if names else ""
        shown = name or str(path)
        stem = Path(name).stem if name else path.stem
        errs = RowErrors(shown)
        fields = _check_fields(session, errs, None, slug=slug or slugify(stem),
                               title=title or stem, kind=kind, scope=scope,
                               valid_from=valid_from, valid_until=valid_until, topics=topics,
                               language=language)
        errs.raise_if_any()
        specs.append(SegmentSpec(file=path, producer=nfc(producer.strip()), where=(shown, None),
                                 name=name, **fields))
    return specs


def specs_from_manifest(session: Session, path: Path | str, *, encoding: str | None = None,
                        name: str | None = None, files: dict[str, Path] | None = None
                        ) -> list[SegmentSpec]:
    """Specs from a segments.csv (file,title,kind,scope,valid_from,valid_until,topics,language,
    producer and an optional id); every bad row is reported at once.

    For an upload, `name` is the manifest's own name and `files` maps the names of the files sent
    with it to where they are stored: a row's file is then looked up there (by its name without
    folders), never on disk, so a manifest cannot reach a file that was not uploaded with it."""
    path = Path(path)
    name = name or str(path)
    errs = RowErrors(name)
    rows = read_rows(path, MANIFEST_REQUIRED, encoding=encoding, name=name, errors=errs)
    specs = []
    for row in rows:
        rel = row["file"]
        shown = ""
        if files is not None:
            shown = nfc(rel.replace("\\", "/").rsplit("/", 1)[-1])
            file = files.get(shown) or path.parent / ".not-uploaded"
            if rel and shown not in files:
                errs.add(row, "file", M("'{f}' was not uploaded with the manifest",
                                        "tệp '{f}' chưa được tải lên cùng tệp kê khai", f=rel))
        else:
            file = (path.parent / rel) if rel else path.parent
        if not rel:
            errs.add(row, "file", M("a file name is required", "cần tên tệp"))
        elif files is None and not _is_file(file):
            errs.add(row, "file", M("'{f}' does not exist (paths are relative to the manifest)",
                                    "không có tệp '{f}' (đường dẫn tính từ thư mục của tệp kê khai)",
                                    f=rel))
        fields = _check_fields(session, errs, row.line, slug=row["id"] or slugify(Path(rel).stem),
                               title=row["title"], kind=row["kind"], scope=row["scope"],
                               valid_from=row["valid_from"], valid_until=row["valid_until"],
                               topics=row["topics"], language=row["language"] or "vi")
        specs.append(SegmentSpec(file=file, producer=nfc(row["producer"]), where=(name, row.line),
                                 name=shown, **{k: fields.get(k, "") for k in fields}))
    errs.raise_if_any()
    return specs


def _is_file(path: Path) -> bool:
    """A file there? A name too long or otherwise impossible for the file system is not one."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


# --- adding ----------------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _error(spec: SegmentSpec, problem, column: str | None = "file") -> InputError:
    name, line = spec.where
    if line is None:
        return InputError(name, None, None, problem)
    return InputError(name, line, column, M("{f}: {p}", "{f}: {p}", f=spec.file_name, p=problem))


def add_segments(session: Session, settings: Settings, specs: list[SegmentSpec], *,
                 replace: bool = False, jobs: int | None = None,
                 progress: Progress | None = None) -> AddResult:
    """Check every file, then store the originals and their ready parts and record the segments, in the
    caller's transaction. Any refusal and nothing is stored; the same bytes are stored once."""
    if not specs:
        raise UserError(M("no files to add", "không có tệp nào để thêm"))
    source = specs[0].where[0]
    problems: list[InputError] = []
    by_slug: dict[str, SegmentSpec] = {}
    by_sha: dict[str, SegmentSpec] = {}
    for spec in specs:
        try:
            spec.sha256 = _sha256(spec.file)
        except OSError as exc:
            problems.append(_error(spec, M("cannot read the file: {err}", "không đọc được tệp: {err}",
                                           err=exc.strerror or str(exc))))
            continue
        if spec.slug in by_slug:
            problems.append(_error(spec, M("the id '{s}' is given twice", "mã '{s}' bị dùng hai lần",
                                           s=spec.slug), "id"))
        elif spec.sha256 in by_sha:
            problems.append(_error(spec, M("the same audio as {f}", "trùng âm thanh với {f}",
                                           f=by_sha[spec.sha256].file_name)))
        by_slug.setdefault(spec.slug, spec)
        by_sha.setdefault(spec.sha256, spec)

    existing = {s.slug: s for s in session.scalars(select(Segment).where(
        Segment.slug.in_(list(by_slug))))}
    same_audio = {s.sha256: s for s in session.scalars(select(Segment).where(
        Segment.sha256.in_(list(by_sha))))}
    result = AddResult()
    todo: list[SegmentSpec] = []
    for spec in specs:
        if not spec.sha256:
            continue
        row = existing.get(spec.slug)
        twin = same_audio.get(spec.sha256)
        if twin is not None and twin.slug != spec.slug:
            problems.append(_error(spec, M(
                "this audio is already in the library as segment '{s}'; use --id {s} to update it",
                "âm thanh này đã có trong thư viện là mục '{s}'; dùng --id {s} để cập nhật",
                s=twin.slug)))
        elif row is not None and row.sha256 != spec.sha256 and not replace:
            problems.append(_error(spec, M(
                "segment '{s}' already exists with other audio; add --replace to replace it",
                "mục '{s}' đã có với âm thanh khác; thêm --replace để thay thế", s=spec.slug), "id"))
        elif row is None or row.sha256 != spec.sha256:
            todo.append(spec)
    if problems:
        raise InputErrors(source, problems)

    total = 2 * len(todo)
    done = 0
    analyses: dict[str, Analysis | ReadyPart] = {}
    # plans are read here, in this thread: the DB session is never shared with the workers
    audio = {y: audio_settings(session, settings, y) for y in {spec.year for spec in todo}}

    library = Library(settings.library_root)

    def check(spec: SegmentSpec) -> Analysis | ReadyPart:
        known = lookup(library, recipe_key(spec.sha256, audio[spec.year]))
        if known is not None:  # these very bytes were checked and made ready before
            return known
        info = probe(spec.file, audio[spec.year])
        found = analyse(spec.file, audio[spec.year])
        check_whole(info, found.samples / found.sample_rate)
        return found

    def collect(into: dict):
        """A worker's answer for one file: kept in `into`, or its refusal kept as a problem."""
        def done_with(spec: SegmentSpec, value, exc: BaseException | None) -> None:
            nonlocal done
            if isinstance(exc, AudioRefused):
                problems.append(_error(spec, exc.reason))
            elif exc is not None:
                raise exc
            else:
                into[spec.slug] = value
            done += 1
            if progress:
                progress(done, total)
        return done_with

    run_all(check, todo, jobs=jobs, on_done=collect(analyses))
    if problems:
        problems.sort(key=lambda e: (e.line or 0, str(e.file)))
        raise InputErrors(source, problems)

    library.clean()
    created: list[Path] = []
    parts: dict[str, ReadyPart] = {}

    def store(spec: SegmentSpec) -> ReadyPart:
        ext = spec.file.suffix.lower().lstrip(".")
        target = library.original(spec.sha256, ext if re.fullmatch(r"[a-z0-9]{1,8}", ext) else "")
        if library.find_original(spec.sha256) is None:
            copy_atomic(spec.file, target)
            created.append(target)
        kept = library.find_original(spec.sha256) or target
        known = analyses[spec.slug]
        if isinstance(known, ReadyPart):
            return known
        return make_ready(str(library.root), str(kept), spec.sha256, audio[spec.year], known)

    try:
        run_all(store, todo, jobs=jobs, on_done=collect(parts))
        if problems:
            raise InputErrors(source, problems)
    except BaseException:
        for path in created:  # this import's originals go; ready parts are harmless cache
            path.unlink(missing_ok=True)
        raise

    for spec in specs:
        row = existing.get(spec.slug)
        values = dict(slug=spec.slug, title=spec.title, kind=spec.kind, scope=spec.scope,
                      valid_from=spec.valid_from, valid_until=spec.valid_until, topics=spec.topics,
                      language=spec.language, producer=spec.producer)
        part = parts.get(spec.slug)
        if part is not None:
            values.update(sha256=spec.sha256, original_name=nfc(spec.file_name)[:300],
                          original_duration_s=round(part.original_duration_s, 3),
                          duration_s=part.planned_duration_s, ready_sha256=part.sha256,
                          loudness_lufs=part.original_lufs)
        if row is None or part is not None:  # new audio of a reviewed kind waits again
            values["status"] = initial_status(session, spec.kind, spec.scope)
        if row is None:
            row = Segment(**values)
            session.add(row)
            result.added.append(spec.slug)
        else:
            changed = any(getattr(row, k) != v for k, v in values.items())
            for k, v in values.items():
                setattr(row, k, v)
            (result.replaced if part is not None else
             result.updated if changed else result.unchanged).append(spec.slug)
        result.segments.append(row)
    session.flush()
    return result


def list_segments(session: Session, *, kind: str | None = None, scope: str | None = None
                  ) -> list[Segment]:
    q = select(Segment)
    if kind:
        q = q.where(Segment.kind == kind)
    if scope:
        q = q.where(Segment.scope == scope)
    return list(session.scalars(q.order_by(Segment.kind, Segment.slug)))


def segment_titles(session: Session, slugs) -> dict[str, str]:
    """The titles of the named segments (one query; unknown or empty names left out)."""
    wanted = {s for s in slugs if s}
    return dict(session.execute(select(Segment.slug, Segment.title)
                                .where(Segment.slug.in_(wanted))).all()) if wanted else {}
