"""Per-station bundles: one deterministic zip a month (the files of bundle_files.py and a manifest); a
new Bundle version only when the content changes, saying which version it replaces and what to delete."""

from __future__ import annotations

import datetime as dt
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
from ..core.models import Bundle, Schedule
from ..core.periods import Period
from .bundle_files import AiringAudio, Entry, Item, StationInfo, Version, content_key, entries
from ..core.files import CHUNK, clean_stale_temps, temp_path
from .store import sha256_file

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


def _zinfo(name: str, when: dt.date, stored: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def _write_zip(tmp: Path, top: str, files: list[Entry], manifest: dict, month: Period) -> None:
    """The files under the folder `top` in the order given, the manifest last; fixed timestamps;
    MP3 stored, text deflated. A derived file is made from the checksums of those before it."""
    listed, hashes = [], {}
    with open(tmp, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
        for e in files:
            h = hashlib.sha256()
            if e.audio is not None:
                size = len(e.header) + e.audio.size
                with zf.open(_zinfo(f"{top}/{e.path}", month.start, True), "w") as out:
                    out.write(e.header)
                    h.update(e.header)
                    with open(e.audio.path, "rb") as f:
                        while block := f.read(CHUNK):
                            out.write(block)
                            h.update(block)
            else:
                data = e.derive(hashes) if e.derive is not None else e.data
                size = len(data)
                zf.writestr(_zinfo(f"{top}/{e.path}", month.start, False), data, compresslevel=9)
                h.update(data)
            hashes[e.path] = h.hexdigest()
            listed.append({"path": e.path, "sha256": hashes[e.path], "size": size,
                           "duration_s": None if e.duration_s is None else round(e.duration_s, 3)})
        manifest = dict(manifest, files=listed)
        data = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        zf.writestr(_zinfo(f"{top}/{MANIFEST}", month.start, False), data, compresslevel=9)
        zf.close()
        raw.flush()
        os.fsync(raw.fileno())


def read_manifest(path: Path) -> dict | None:
    """The manifest of a bundle on disk, or None if the zip is missing or unreadable."""
    try:
        with zipfile.ZipFile(path) as zf:
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

    key = content_key(files(Version(0)))  # what the station receives, whatever the version says
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
                v = _version(latest.version, previous_of(latest.version), files(Version(0)))
                _write_zip(tmp, top, files(v), manifest(v, old_version), month)
                if sha256_file(tmp) == latest.sha256:
                    os.replace(tmp, final)
                    return outcome(latest, "restored"), None
            finally:
                tmp.unlink(missing_ok=True)

    number = latest.version + 1 if latest else 1
    rel = bundle_relpath(station.code, month, number)
    final = root / rel
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(final.parent)
    status = "new"
    old = read_manifest(final)
    if old is not None and old.get("content_key") == key and old.get("bundle_version") == number \
            and old.get("schedule_version") == schedule.version:
        status = "adopted"  # written by a run that was stopped before it could record it
    else:
        version = _version(number, previous_of(number), files(Version(0)))
        tmp = temp_path(final)
        try:
            _write_zip(tmp, top, files(version), manifest(version, schedule.version), month)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
    row = Bundle(station_id=station.id, month=month.label, version=number, schedule_id=schedule.id,
                 path=rel, sha256=sha256_file(final), size=final.stat().st_size)
    return outcome(row, status), row


def iter_bundle(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every (name, bytes) of a bundle zip, in order (for checks and the web's previews)."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            yield name, zf.read(name)
