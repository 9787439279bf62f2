"""The files of a station bundle, deterministic: session MP3 headers, playlists, the printed sheets, the
README and the playout files (lich-phat.csv, .ics, phat.liq, bao-cao-phat.csv, the ffconcat list)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import jinja2
from markupsafe import Markup

from ..core.config import TEMPLATES_DIR, AudioSettings
from ..core.text import clean_text
from ..reference.labels import kind_label
from ..core.i18n import nfc
from ..core.periods import Period
from . import mp3, playout
from .catalogue import slugify
from .probe import clock
from .session_audio import Session

STATUSES = {  # a past airing's reported status, as the sheets print it
    "aired": ("Reported: aired", "Đã báo cáo: đã phát"),
    "missed": ("Reported: not aired", "Đã báo cáo: không phát"),
    "partial": ("Reported: aired in part", "Đã báo cáo: phát một phần"),
    "unreported": ("Not reported", "Chưa báo cáo"),
}
WEEKDAYS = {"vi": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}
SCHEDULE_CSV = "lich-phat.csv"


@dataclass(frozen=True)
class Item:
    slug: str
    title: str
    kind: str
    duration_s: float
    sha256: str


@dataclass(frozen=True)
class AiringAudio:
    """One airing as the bundle shows it: when, what, its session audio, and for a past airing that
    a re-plan kept as planned, what the station reported (aired, missed, partial, unreported)."""

    date: dt.date
    session: str
    start: str
    capacity_s: int
    items: tuple[Item, ...]
    audio: Session
    status: str | None = None


@dataclass(frozen=True)
class StationInfo:
    id: int
    code: str
    name: str
    district: str
    province: str


@dataclass(frozen=True)
class Version:
    """The bundle version and, for a replacement, the version it supersedes and what to delete."""

    number: int
    replaces: int | None = None
    remove: tuple[str, ...] = ()


@dataclass
class Entry:
    """A file of the bundle: bytes, an MP3 (tag header + cached session audio), or bytes derived
    from the checksums of the files written before it (lich-phat.csv names each MP3's sha256)."""

    path: str  # relative to the bundle's folder
    data: bytes = b""
    header: bytes = b""
    audio: Session | None = None
    duration_s: float | None = None
    derive: Callable[[dict[str, str]], bytes] | None = None

    @property
    def identity(self) -> list:
        if self.audio is not None:  # the audio is named by its session key: no need to read it
            return [self.path, "mp3", hashlib.sha256(self.header).hexdigest(), self.audio.key]
        return [self.path, "file", hashlib.sha256(self.data).hexdigest()]


def css_string(text: str) -> Markup:
    """A CSS string literal for a style sheet inside the page (where HTML escapes do not apply):
    every ASCII character but letters, digits and spaces as a CSS escape, so `"`, `\\` or
    `</style>` in a station's name can neither end the string nor the style element."""
    out = "".join(c if c.isalnum() or c == " " or ord(c) > 127 else f"\\{ord(c):x} "
                  for c in str(text) if c.isprintable())
    return Markup(f'"{out}"')


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    """One environment a process: its templates are compiled once, not once a station."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "bundle")),
                             autoescape=lambda name: bool(name and name.endswith(".j2")
                                                          and not name.endswith(".txt.j2")),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["css"] = css_string
    return env


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


def _header(station: StationInfo, month: Period, a: AiringAudio, title: str) -> bytes:
    """The ID3v2.3 tag and the Info frame (exact length for players) before the session's frames."""
    tag = mp3.id3v23(title=title, artist=station.name, album=nfc(f"CCHC {month.label} – {station.name}"),
                     date=a.date.isoformat(), time=a.start, comment="; ".join(i.title for i in a.items),
                     extra={"RADIO_SCHED_STATION": station.code, "RADIO_SCHED_SESSION": a.session})
    with open(a.audio.path, "rb") as f:
        first = f.read(4)
    return tag + mp3.info_frame(first, a.audio.frames, a.audio.size)


def _playout(a: AiringAudio, rel: str, sha256: str = "") -> playout.Airing:
    h, m = map(int, a.start.split(":")[:2])
    return playout.Airing(a.date, dt.time(h, m), a.session, rel, sha256, a.audio.duration_s,
                          [i.title for i in a.items])


def entries(station: StationInfo, month: Period, airings: list[AiringAudio], audio: AudioSettings,
            plan_name: str, lang: str, version: Version) -> list[Entry]:
    """Every file of the bundle but the manifest, in the order they are written: sorted by path,
    lich-phat.csv last (it needs the MP3s' checksums)."""
    env, weekday = _env(), WEEKDAYS[lang]
    rows, out, month_list = [], [], ["#EXTM3U"]
    plays: list[tuple[AiringAudio, str]] = []
    for n, (a, stem) in enumerate(zip(airings, _names(airings)), 1):
        rel = f"{a.date.isoformat()}/{stem}.mp3"
        title = _title(station, a, lang)
        seconds = a.audio.duration_s
        out.append(Entry(rel, header=_header(station, month, a, title), audio=a.audio,
                         duration_s=seconds))
        extinf = f"#EXTINF:{int(round(seconds))},{title}"
        out.append(Entry(f"{a.date.isoformat()}/{stem}.m3u8",
                         data=f"#EXTM3U\n{extinf}\n{stem}.mp3\n".encode()))
        month_list += [extinf, rel]
        plays.append((a, rel))
        status = None if a.status is None else STATUSES.get(a.status, (a.status, a.status))
        rows.append({"n": n, "date": a.date, "date_text": f"{a.date:%d/%m/%Y}",
                     "weekday": weekday[a.date.weekday()], "session": a.session, "start": a.start,
                     "file": rel, "folder": rel.split("/")[0], "name": rel.split("/")[1],
                     "duration": clock(seconds), "duration_s": seconds, "capacity": clock(a.capacity_s),
                     "status": a.status, "status_text": None if status is None else
                     (status[1] if lang == "vi" else status[0]),
                     "items": [{"title": i.title, "kind": kind_label(i.kind, lang), "slug": i.slug,
                                "duration": clock(i.duration_s)} for i in a.items]})
    out.append(Entry(f"{month.label}.m3u8", data=("\n".join(month_list) + "\n").encode()))
    simple = [_playout(a, rel) for a, rel in plays]
    out.append(Entry(f"{month.label}.ffconcat", data=playout.ffconcat(simple).encode()))
    out.append(Entry("lich-phat.ics", data=playout.schedule_ics(
        simple, station.code, station.name, month.start, sequence=version.number - 1).encode()))
    out.append(Entry("phat.liq", data=playout.liquidsoap_script(simple).encode()))
    out.append(Entry("bao-cao-phat.csv",
                     data=playout.asrun_template_csv(simple, station.code).encode("utf-8")))
    days = []
    for row in rows:
        if not days or days[-1]["date"] != row["date"]:
            days.append({"date": row["date"], "date_text": row["date_text"],
                         "weekday": row["weekday"], "airings": []})
        days[-1]["airings"].append(row)
    ctx = {"lang": lang, "station": station, "month": month.label,
           "month_text": (f"tháng {month.start.month} năm {month.start.year}" if lang == "vi"
                          else month.start.strftime("%B %Y")),
           "plan_name": plan_name, "audio": audio, "rows": rows, "days": days, "version": version,
           "total": clock(sum(r["duration_s"] for r in rows)), "playlist": f"{month.label}.m3u8",
           "ffconcat": f"{month.label}.ffconcat", "t": lambda en, vi: vi if lang == "vi" else en}
    for template, name in (("schedule.html.j2", "lich-phat.html"),
                           ("logsheet.html.j2", "so-nhat-ky.html"), ("README.txt.j2", "README.txt")):
        text = nfc(env.get_template(template).render(ctx))
        if name.endswith(".txt"):  # Notepad on the station's old Windows PC: BOM and CRLF
            text = "\ufeff" + text.replace("\n", "\r\n")
        out.append(Entry(name, data=text.encode("utf-8")))
    out.sort(key=lambda e: e.path)

    def schedule_csv(hashes: dict[str, str]) -> bytes:
        return playout.schedule_csv([_playout(a, rel, hashes[rel]) for a, rel in plays]).encode()

    # its identity (for the content key) is the CSV without checksums: the MP3s' identities
    # already decide those
    out.append(Entry(SCHEDULE_CSV, data=playout.schedule_csv(simple).encode(), derive=schedule_csv))
    return out


def content_key(files: list[Entry]) -> str:
    """What the station receives, manifest aside: a new bundle version only when this changes."""
    return hashlib.sha256(json.dumps([e.identity for e in files]).encode()).hexdigest()
