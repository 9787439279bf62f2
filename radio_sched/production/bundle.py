"""Per-station bundles: one deterministic zip a month with the session MP3s, playlists, the printable
schedule and log sheet, a README and a manifest; a new Bundle version only when the content changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from .. import __version__
from ..core.config import TEMPLATES_DIR, AudioSettings, Settings
from ..core.i18n import nfc
from ..core.models import Bundle, Schedule
from ..core.periods import Period
from ..core.text import clean_text
from . import mp3
from .catalogue import slugify
from .probe import clock
from .session_audio import Session
from ..core.files import CHUNK, clean_stale_temps, temp_path
from .store import sha256_file

FORMAT = "radio-sched.bundle/1"
MANIFEST = "manifest.json"
TEMPLATES = TEMPLATES_DIR

KINDS = {  # kind -> (English, Vietnamese) as printed on the schedule and log sheet
    "provincial_program": ("Provincial CCHC programme", "Chương trình chuyên đề CCHC của tỉnh"),
    "provincial_report": ("Provincial radio report", "Phóng sự CCHC của Đài PT-TH tỉnh"),
    "district_episode": ("District CCHC episode", "Chuyên mục CCHC của huyện"),
    "model_citizen": ("Model citizen, good deeds", "Gương điển hình, việc tốt trong CCHC"),
    "service_guide": ("Public service guide", "Hướng dẫn thủ tục, dịch vụ công"),
    "home_affairs": ("Home Affairs content", "Nội dung của Sở Nội vụ"),
    "jingle": ("Jingle", "Nhạc hiệu"),
}
WEEKDAYS = {"vi": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}


@dataclass(frozen=True)
class Item:
    slug: str
    title: str
    kind: str
    duration_s: float
    sha256: str


@dataclass(frozen=True)
class AiringAudio:
    """One airing as the bundle shows it: when, what, and its session audio."""

    date: dt.date
    session: str
    start: str
    capacity_s: int
    items: tuple[Item, ...]
    audio: Session


@dataclass(frozen=True)
class StationInfo:
    id: int
    code: str
    name: str
    district: str
    province: str


@dataclass(frozen=True)
class BundleOutcome:
    station: str
    version: int
    path: str  # relative to the schedules root
    sha256: str
    size: int
    status: str  # new | unchanged | restored | adopted
    schedule_id: int


@dataclass
class _Entry:
    path: str
    data: bytes = b""
    header: bytes = b""
    audio: Session | None = None
    duration_s: float | None = None

    @property
    def identity(self) -> list:
        if self.audio is not None:  # the audio is named by its session key: no need to read it
            return [self.path, "mp3", hashlib.sha256(self.header).hexdigest(), self.audio.key]
        return [self.path, "file", hashlib.sha256(self.data).hexdigest()]


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / "bundle")),
                              autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def kind_label(kind: str, lang: str) -> str:
    en, vi = KINDS.get(kind, (kind, kind))
    return vi if lang == "vi" else en


def file_stem(a: AiringAudio) -> str:
    return f"{a.date.isoformat()}_{a.start.replace(':', '')}_{slugify(a.session) or 'session'}"


def _names(airings: list[AiringAudio]) -> list[str]:
    """ASCII-safe, unique file names (two session names may lose their accents alike)."""
    seen: dict[str, int] = {}
    out = []
    for a in airings:
        stem = file_stem(a)
        n = seen.get(stem, 0)
        seen[stem] = n + 1
        out.append(stem if n == 0 else f"{stem}-{n + 1}")
    return out


def _title(station: StationInfo, a: AiringAudio, lang: str) -> str:
    if lang == "vi":
        return clean_text(f"Chuyên mục CCHC – {a.session} {a.date:%d/%m/%Y} – {station.name}")
    return clean_text(f"CCHC column – {a.session} {a.date.isoformat()} – {station.name}")


def _entries(station: StationInfo, month: Period, airings: list[AiringAudio], audio: AudioSettings,
             plan_name: str, lang: str) -> list[_Entry]:
    top = f"{station.code}-{month.label}"
    env = _env()
    weekday = WEEKDAYS[lang]
    rows, entries, month_list = [], [], ["#EXTM3U"]
    for n, (a, stem) in enumerate(zip(airings, _names(airings)), 1):
        rel = f"{a.date.isoformat()}/{stem}.mp3"
        title = _title(station, a, lang)
        header = mp3.id3v23(title=title, artist=station.name,
                            album=nfc(f"CCHC {month.label} – {station.name}"),
                            date=a.date.isoformat(), time=a.start,
                            comment="; ".join(i.title for i in a.items),
                            extra={"RADIO_SCHED_STATION": station.code,
                                   "RADIO_SCHED_SESSION": a.session})
        seconds = a.audio.duration_s
        entries.append(_Entry(f"{top}/{rel}", header=header, audio=a.audio, duration_s=seconds))
        extinf = f"#EXTINF:{int(round(seconds))},{title}"
        entries.append(_Entry(f"{top}/{a.date.isoformat()}/{stem}.m3u8",
                              data=f"#EXTM3U\n{extinf}\n{stem}.mp3\n".encode()))
        month_list += [extinf, rel]
        rows.append({"n": n, "date": a.date, "date_text": f"{a.date:%d/%m/%Y}",
                     "weekday": weekday[a.date.weekday()], "session": a.session, "start": a.start,
                     "file": rel, "duration": clock(seconds), "duration_s": seconds,
                     "capacity": clock(a.capacity_s),
                     "items": [{"title": i.title, "kind": kind_label(i.kind, lang), "slug": i.slug,
                                "duration": clock(i.duration_s)} for i in a.items]})
    entries.append(_Entry(f"{top}/{month.label}.m3u8", data=("\n".join(month_list) + "\n").encode()))
    days = []
    for row in rows:
        if not days or days[-1]["date"] != row["date"]:
            days.append({"date": row["date"], "date_text": row["date_text"],
                         "weekday": row["weekday"], "airings": []})
        days[-1]["airings"].append(row)
    ctx = {"lang": lang, "station": station, "month": month.label,
           "month_text": (f"tháng {month.start.month} năm {month.start.year}" if lang == "vi"
                          else month.start.strftime("%B %Y")),
           "plan_name": plan_name, "audio": audio, "rows": rows, "days": days,
           "total": clock(sum(r["duration_s"] for r in rows)), "playlist": f"{month.label}.m3u8",
           "t": lambda en, vi: vi if lang == "vi" else en}
    for template, name in (("schedule.html.j2", "lich-phat.html"),
                           ("logsheet.html.j2", "so-nhat-ky.html"), ("README.txt.j2", "README.txt")):
        text = nfc(env.get_template(template).render(ctx))
        if name.endswith(".txt"):  # Notepad on the station's old Windows PC: BOM and CRLF
            text = "\ufeff" + text.replace("\n", "\r\n")
        entries.append(_Entry(f"{top}/{name}", data=text.encode("utf-8")))
    entries.sort(key=lambda e: e.path)
    return entries


def content_key(entries: list[_Entry]) -> str:
    """What the station receives, manifest aside: a new bundle version only when this changes."""
    return hashlib.sha256(json.dumps([e.identity for e in entries]).encode()).hexdigest()


def _zinfo(name: str, when: dt.date, stored: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def _write_zip(tmp: Path, entries: list[_Entry], manifest: dict, month: Period) -> None:
    """Entries in sorted order, the manifest last; fixed timestamps; MP3 stored, text deflated."""
    top = entries[0].path.split("/", 1)[0]
    files = []
    with open(tmp, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
        for e in entries:
            h = hashlib.sha256()
            if e.audio is not None:
                size = len(e.header) + e.audio.size
                with zf.open(_zinfo(e.path, month.start, True), "w") as out:
                    out.write(e.header)
                    h.update(e.header)
                    with open(e.audio.path, "rb") as f:
                        while block := f.read(CHUNK):
                            out.write(block)
                            h.update(block)
            else:
                size = len(e.data)
                zf.writestr(_zinfo(e.path, month.start, False), e.data, compresslevel=9)
                h.update(e.data)
            files.append({"path": e.path[len(top) + 1:], "sha256": h.hexdigest(), "size": size,
                          "duration_s": None if e.duration_s is None else round(e.duration_s, 3)})
        manifest = dict(manifest, files=files)
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


def write_bundle(db: DbSession, settings: Settings, station: StationInfo, month: Period,
                 schedule: Schedule, airings: list[AiringAudio], *, audio: AudioSettings,
                 plan_name: str) -> tuple[BundleOutcome, Bundle | None]:
    """make_bundle without the write to the database: the zip is written (atomically) if its
    content is new, and the Bundle row that records it is returned for the caller to add. Only
    reads the database, so a caller writing many zips holds no write lock meanwhile."""
    root = Path(settings.schedules_root)
    lang = settings.lang
    entries = _entries(station, month, airings, audio, plan_name, lang)
    key = content_key(entries)
    latest = db.scalar(select(Bundle).where(Bundle.station_id == station.id, Bundle.month == month.label)
                       .order_by(Bundle.version.desc()).limit(1))

    def manifest(version: int, schedule_version: int) -> dict:
        return {"format": FORMAT, "generator": f"radio-sched {__version__}", "station": station.code,
                "station_name": station.name, "district": station.district, "month": month.label,
                "schedule_version": schedule_version, "bundle_version": version,
                "content_key": key, "lang": lang,
                "audio": {"loudness_lufs": audio.loudness_lufs, "true_peak_dbtp": audio.true_peak_dbtp,
                          "bitrate": audio.bitrate, "sample_rate": audio.sample_rate,
                          "channels": audio.channels},
                "airings": [{"date": a.date.isoformat(), "session": a.session, "start": a.start,
                             "capacity_s": a.capacity_s, "duration_s": round(a.audio.duration_s, 3),
                             "items": [{"segment": i.slug, "title": i.title, "kind": i.kind,
                                        "duration_s": i.duration_s, "sha256": i.sha256}
                                       for i in a.items]} for a in airings]}

    def outcome(row: Bundle, status: str) -> BundleOutcome:
        return BundleOutcome(station.code, row.version, row.path, row.sha256, row.size, status,
                             row.schedule_id)

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
                _write_zip(tmp, entries, manifest(latest.version, old_version), month)
                if sha256_file(tmp) == latest.sha256:
                    os.replace(tmp, final)
                    return outcome(latest, "restored"), None
            finally:
                tmp.unlink(missing_ok=True)

    version = latest.version + 1 if latest else 1
    rel = bundle_relpath(station.code, month, version)
    final = root / rel
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(final.parent)
    status = "new"
    old = read_manifest(final)
    if old is not None and old.get("content_key") == key and old.get("bundle_version") == version \
            and old.get("schedule_version") == schedule.version:
        status = "adopted"  # written by a run that was stopped before it could record it
    else:
        tmp = temp_path(final)
        try:
            _write_zip(tmp, entries, manifest(version, schedule.version), month)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
    row = Bundle(station_id=station.id, month=month.label, version=version, schedule_id=schedule.id,
                 path=rel, sha256=sha256_file(final), size=final.stat().st_size)
    return outcome(row, status), row


def iter_bundle(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every (name, bytes) of a bundle zip, in order (for checks and the web's previews)."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            yield name, zf.read(name)
