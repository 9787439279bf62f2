"""Segments spoken from text: a notice normalised for speech, read by a voice, then added as an upload."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.config import Settings
from ..core.errors import UserError
from ..core.i18n import M, Msg, nfc
from ..core.models import Segment
from .catalogue import AddResult, add_segments, slugify, specs_from_files
from .speech_text import normalize
from .voice import Voice, voice_for

MAX_CHARS = 20_000  # a notice of a few minutes; a longer text is surely the wrong file
MAX_TITLE = 120


@dataclass
class Spoken:
    """What speaking a notice did: the text the voice read, and the segment (None with print_text)."""

    text: str
    voice: str
    result: AddResult | None = None


def read_notice(path: Path | str, *, name: str | None = None) -> str:
    """A notice's text (UTF-8, BOM accepted, NFC), or a UserError naming the file."""
    path = Path(path)
    shown = name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(M("cannot read {f}: {err}", "không đọc được {f}: {err}", f=shown,
                          err=exc.strerror or str(exc))) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(M("{f} is not UTF-8 text (byte {n}): save it as UTF-8",
                          "{f} không phải văn bản UTF-8 (byte {n}): hãy lưu lại dạng UTF-8",
                          f=shown, n=exc.start)) from None
    text = _clean(text)
    if (problem := text_problem(text)) is not None:
        raise UserError(M("{f}: {p}", "{f}: {p}", f=shown, p=problem))
    return text


def _clean(text: str) -> str:
    return nfc(text or "").replace("\r\n", "\n").strip()


def text_problem(text: str) -> Msg | None:
    """What is wrong with a notice's text (nothing to speak, too long), worded without naming
    where it came from, or None."""
    text = _clean(text)
    if not text:
        return M("no text to speak", "không có nội dung để đọc")
    if len(text) > MAX_CHARS:
        return M("{n} characters; a notice may have at most {m}",
                 "có {n} ký tự; một thông báo tối đa {m} ký tự", n=len(text), m=MAX_CHARS)
    return None


def notice_text(path: Path | str, *, name: str | None = None) -> str:
    """What a voice would read of the notice in `path`: its text normalised for speech."""
    return normalize(read_notice(path, name=name))


def default_title(text: str) -> str:
    """The notice's first line, shortened: what people call it."""
    first = next(line.strip() for line in text.splitlines() if line.strip())
    return first if len(first) <= MAX_TITLE else first[:MAX_TITLE - 1].rstrip() + "…"


def speak_segment(session: Session, settings: Settings, path: Path | str, *, kind: str,
                  scope: str = "province", slug: str | None = None, title: str | None = None,
                  valid_from: str = "", valid_until: str = "", producer: str = "",
                  voice: Voice | Path | None = None, print_text: bool = False,
                  name: str | None = None, replace: bool = False) -> Spoken:
    """Normalise the notice in `path`, speak it with the voice (espeak-ng unless a Piper .onnx is
    given) and add the speech as a segment through the same path as an upload (add_segments:
    loudness, ready MP3, Segment row), in the caller's transaction. print_text: only say what would
    be spoken; nothing is checked against the library and nothing changes. `name`: the file's
    name as the user knows it (an upload stored under another)."""
    shown = nfc(name or Path(path).name)
    written = read_notice(path, name=shown)
    text = normalize(written)
    title = title or default_title(written)
    speaker = voice if voice is not None and not isinstance(voice, Path) else voice_for(voice)
    if print_text:
        return Spoken(text, speaker.name)
    # the fields are checked before the voice speaks: a bad --scope costs no synthesis
    stem = Path(shown).stem
    specs_from_files(session, [Path(path)], kind=kind, slug=slug, title=title,
                     scope=scope, valid_from=valid_from, valid_until=valid_until, names=[shown])
    with tempfile.TemporaryDirectory(prefix="radio-sched-speak-") as tmp:
        wav = Path(tmp) / f"{stem or 'thong-bao'}.wav"
        speaker.speak(text, wav)
        specs = specs_from_files(session, [wav], kind=kind, slug=slug,
                                 title=title, scope=scope,
                                 valid_from=valid_from, valid_until=valid_until,
                                 producer=producer or speaker.name, names=[f"{stem}.wav"])
        res = add_segments(session, settings, specs, replace=replace, jobs=1)
    return Spoken(text, speaker.name, res)



def free_slug(session: Session, title: str) -> str:
    """An id for a notice typed on a page: its title's, with -2, -3... if that one is taken."""
    base = slugify(title)[:100] or "thong-bao"
    taken = set(session.scalars(select(Segment.slug).where(Segment.slug.like(f"{base}%"))))
    n, slug = 1, base
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def speak_text(session: Session, settings: Settings, text: str, *, kind: str, scope: str,
               title: str = "", valid_from: str = "", valid_until: str = "", producer: str = "",
               print_text: bool = False) -> Spoken:
    """speak_segment for a notice typed on a page rather than kept in a file: the same checks
    (empty, too long), the same normaliser and voice; the id made from the title."""
    title = nfc(title or "").strip()
    if len(title) > MAX_TITLE:
        raise UserError(M("the title has {n} characters; at most {m}",
                          "tiêu đề dài {n} ký tự; tối đa {m}", n=len(title), m=MAX_TITLE))
    with tempfile.TemporaryDirectory(prefix="radio-sched-notice-") as tmp:
        path = Path(tmp) / "thong-bao.txt"
        path.write_text(text or "", encoding="utf-8")
        name = M("the notice", "thông báo").render()
        if print_text:
            return Spoken(normalize(read_notice(path, name=name)), "")
        written = read_notice(path, name=name)
        title = title or default_title(written)
        return speak_segment(session, settings, path, kind=kind, scope=scope,
                             slug=free_slug(session, title), title=title, valid_from=valid_from,
                             valid_until=valid_until, producer=producer, name=name)
