"""Per-station bundles: one deterministic zip a month (the files of bundle_files.py and a manifest),
kept as a layout over the cached session audio (zip_layout.py); a new Bundle version only when the
content changes, saying which version it replaces and what to delete."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from .. import __version__
from ..core.config import AudioSettings, Settings
from ..core.errors import NotFound, UserError
from ..core.i18n import M
from ..core.models import Bundle, Schedule, Station
from ..core.periods import Period
from .bundle_files import AiringAudio, Entry, Item, StationInfo, Version, content_key, entries
from ..core.files import CHUNK, atomic_file, clean_stale_temps, temp_path
from . import zip_layout
from .zip_layout import Member

FORMAT = "radio-sched.bundle/1"
MANIFEST = "manifest.json"
__all__ = ["AiringAudio", "BundleOutcome", "Item", "StationInfo", "make_bundle", "write_bundle"]


@dataclass(frozen=True)
class BundleOutcome:
    station: str
    version: int
    path: str  # relative to the schedules root
    sha256: str
    size: int
    status: str  # new | unchanged | restored | adopted
    schedule_id: int


def _write_zip(final: Path, top: str, files: list[Entry], manifest: dict, month: Period) -> dict:
    """The zip's layout (kept next to `final`; the zip itself is assembled when read): the files
    under the folder `top` in the order given, the manifest last; all stored, fixed timestamps. A
    derived file is made from the checksums of those before it. Returns the layout; a bundle that
    would need zip64 is refused before any of its bytes are read."""
    listed, hashes = [], {}
    audio = sum(len(e.header) + e.audio.size for e in files if e.audio is not None)

    def members():
        for e in files:
            name = f"{top}/{e.path}"
            if e.audio is not None:
                yield Member(name, e.header, e.audio.path, 0, e.audio.size)
                size = len(e.header) + e.audio.size
            else:
                data = e.derive({p[len(top) + 1:]: h for p, h in hashes.items()}) \
                    if e.derive is not None else e.data
                yield Member(name, data)
                size = len(data)
            listed.append({"path": e.path, "sha256": hashes[name], "size": size,
                           "duration_s": None if e.duration_s is None else round(e.duration_s, 3)})
        data = (json.dumps(dict(manifest, files=listed), ensure_ascii=False, indent=1) + "\n")
        yield Member(f"{top}/{MANIFEST}", data.encode("utf-8"))

    try:
        zip_layout.check_fits(audio, len(files) + 1)
        return zip_layout.build(final, members(), month.start, hashes)
    except zip_layout.TooLarge as exc:
        raise UserError(M(
            "the bundle of {name} ({code}) for {m} would hold {n} files, {gb:.2f} GB: a bundle holds "
            "at most {most:,} files and 4 GiB (stored zip, no zip64); plan fewer or shorter sessions "
            "for the month",
            "gói tháng {m} của {name} ({code}) sẽ có {n} tệp, {gb:.2f} GB: mỗi gói chứa tối đa {most:,} "
            "tệp và 4 GiB (zip không nén, không zip64); hãy lập lịch ít buổi hơn hoặc buổi ngắn hơn",
            name=manifest["station_name"], code=manifest["station"], m=month.label, n=exc.count,
            gb=exc.size / 1e9, most=zip_layout.MAX_MEMBERS)) from None


def open_bundle(path: Path) -> zip_layout.ZipReader:
    """The bundle zip named `path` (root / Bundle.path) as a seekable reader, assembled from its
    layout and the cached session audio; FileNotFoundError if either is missing."""
    return zip_layout.open_zip(path)


def read_manifest(path: Path) -> dict | None:
    """The manifest of a bundle, or None if it is missing or unreadable."""
    try:
        with open_bundle(path) as raw, zipfile.ZipFile(raw) as zf:
            name = next(n for n in zf.namelist() if n.endswith("/" + MANIFEST))
            return json.loads(zf.read(name))
    except (OSError, zipfile.BadZipFile, StopIteration, ValueError, KeyError):
        return None


def bundle_relpath(station_code: str, month: Period, version: int) -> str:
    return f"{month.label}/{station_code}/{station_code}-{month.label}-v{version}.zip"


def make_bundle(db: DbSession, settings: Settings, station: StationInfo, month: Period,
                schedule: Schedule, airings: list[AiringAudio], *, audio: AudioSettings,
                plan_name: str) -> BundleOutcome:
    """The station's bundle for the month: reused if its content is unchanged, else a new version
    written atomically and recorded as a Bundle row (in the caller's transaction)."""
    outcome, row = write_bundle(db, settings, station, month, schedule, airings, audio=audio,
                                plan_name=plan_name)
    if row is not None:
        db.add(row)
        db.flush()
    return outcome


def _paths(manifest: dict | None) -> set[str] | None:
    if manifest is None or not isinstance(manifest.get("files"), list):
        return None
    return {f["path"] for f in manifest["files"] if isinstance(f, dict) and "path" in f} | {MANIFEST}


def _version(number: int, previous: dict | None, files: list[Entry]) -> Version:
    """Version `number`, replacing the one before it: the files of that version (its manifest's
    list) that this one no longer has. Without the previous zip nothing can be named."""
    if number == 1:
        return Version(1)
    old = _paths(previous) or set()
    return Version(number, number - 1, tuple(sorted(old - {e.path for e in files} - {MANIFEST})))


def write_bundle(db: DbSession, settings: Settings, station: StationInfo, month: Period,
                 schedule: Schedule, airings: list[AiringAudio], *, audio: AudioSettings,
                 plan_name: str) -> tuple[BundleOutcome, Bundle | None]:
    """make_bundle without the write to the database: the zip is written (atomically) if its
    content is new, and the Bundle row that records it is returned for the caller to add. Only
    reads the database, so a caller writing many zips holds no write lock meanwhile."""
    root = Path(settings.schedules_root)
    lang = settings.lang
    top = f"{station.code}-{month.label}"

    def files(version: Version) -> list[Entry]:
        return entries(station, month, airings, audio, plan_name, lang, version)

    unversioned = files(Version(0))
    key = content_key(unversioned)  # what the station receives, whatever the version says
    latest = db.scalar(select(Bundle).where(Bundle.station_id == station.id, Bundle.month == month.label)
                       .order_by(Bundle.version.desc()).limit(1))

    def manifest(version: Version, schedule_version: int) -> dict:
        return {"format": FORMAT, "generator": f"radio-sched {__version__}", "station": station.code,
                "station_name": station.name, "district": station.district, "month": month.label,
                "schedule_version": schedule_version, "bundle_version": version.number,
                "replaces": version.replaces, "remove": list(version.remove),
                "content_key": key, "lang": lang,
                "audio": {"loudness_lufs": audio.loudness_lufs, "true_peak_dbtp": audio.true_peak_dbtp,
                          "bitrate": audio.bitrate, "sample_rate": audio.sample_rate,
                          "channels": audio.channels},
                "airings": [{"date": a.date.isoformat(), "session": a.session, "start": a.start,
                             "capacity_s": a.capacity_s, "duration_s": round(a.audio.duration_s, 3),
                             **({} if a.status is None else {"status": a.status}),
                             "items": [{"segment": i.slug, "title": i.title, "kind": i.kind,
                                        "duration_s": i.duration_s, "sha256": i.sha256}
                                       for i in a.items]} for a in airings]}

    def outcome(row: Bundle, status: str) -> BundleOutcome:
        return BundleOutcome(station.code, row.version, row.path, row.sha256, row.size, status,
                             row.schedule_id)

    def previous_of(number: int) -> dict | None:
        return read_manifest(root / bundle_relpath(station.code, month, number - 1)) \
            if number > 1 else None

    if latest is not None:
        final = root / latest.path
        old = read_manifest(final)
        if old is not None and old.get("content_key") == key:
            return outcome(latest, "unchanged"), None
        if old is None:  # the zip went missing: the same content rebuilds it byte for byte
            old_version = db.get(Schedule, latest.schedule_id).version
            tmp = temp_path(final)
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                v = _version(latest.version, previous_of(latest.version), unversioned)
                if _write_zip(tmp, top, files(v), manifest(v, old_version), month)["sha256"] \
                        == latest.sha256:
                    os.replace(zip_layout.layout_path(tmp), zip_layout.layout_path(final))
                    return outcome(latest, "restored"), None
            finally:
                zip_layout.layout_path(tmp).unlink(missing_ok=True)

    number = latest.version + 1 if latest else 1
    rel = bundle_relpath(station.code, month, number)
    final = root / rel
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(final.parent)
    status = "new"
    old = read_manifest(final)
    layout = zip_layout.load(final)
    if old is not None and layout is not None and old.get("content_key") == key \
            and old.get("bundle_version") == number and old.get("schedule_version") == schedule.version:
        status = "adopted"  # written by a run that was stopped before it could record it
    else:
        version = _version(number, previous_of(number), unversioned)
        layout = _write_zip(final, top, files(version), manifest(version, schedule.version), month)
    row = Bundle(station_id=station.id, month=month.label, version=number, schedule_id=schedule.id,
                 path=rel, sha256=layout["sha256"], size=layout["size"])
    return outcome(row, status), row


def iter_bundle(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every (name, bytes) of a bundle zip, in order (for checks and the web's previews)."""
    with open_bundle(path) as raw, zipfile.ZipFile(raw) as zf:
        for name in zf.namelist():
            yield name, zf.read(name)


def current_bundle(db: DbSession, month: Period, station_code: str) -> Bundle:
    """The station's newest bundle of the month (what a download gives); NotFound if none."""
    station = db.scalar(select(Station).where(Station.code == station_code).limit(1))
    if station is None:
        raise NotFound(M("no station has the code {c}", "không có đài nào mã {c}", c=station_code))
    row = db.scalar(select(Bundle).where(Bundle.station_id == station.id, Bundle.month == month.label)
                    .order_by(Bundle.version.desc()).limit(1))
    if row is None:
        raise NotFound(M("{s} ({c}) has no bundle for {m}: render the month first",
                         "{s} ({c}) chưa có gói tháng {m}: hãy dựng tháng trước",
                         s=station.name, c=station.code, m=month.label))
    return row


def export_bundle(db: DbSession, settings: Settings, month: Period, station_code: str,
                  out: Path) -> Bundle:
    """Write the station's current bundle to `out` (atomically): the bytes a download gives,
    checked against the recorded size and sha256 as they are written."""
    row = current_bundle(db, month, station_code)
    h = hashlib.sha256()
    try:
        with open_bundle(Path(settings.schedules_root) / row.path) as src, atomic_file(out) as (f, _):
            while block := src.read(CHUNK):
                h.update(block)
                f.write(block)
            if (src.tell(), h.hexdigest()) != (row.size, row.sha256):
                raise UserError(M("the bundle {p} is not what was recorded: render the month again",
                                  "gói {p} không khớp với bản đã ghi: hãy dựng lại tháng", p=row.path))
    except FileNotFoundError as exc:
        raise UserError(M("the bundle {p} cannot be assembled ({e}): render the month again",
                          "không ghép được gói {p} ({e}): hãy dựng lại tháng", p=row.path,
                          e=str(exc))) from None
    return row
