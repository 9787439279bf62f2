"""Bilingual user-facing text: Vietnamese by default, English on request, always NFC."""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterator

LANGS = ("vi", "en")
_current: ContextVar[str] = ContextVar("radio_sched_lang", default="vi")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def get_lang() -> str:
    return _current.get()


def set_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    _current.set(lang)


@contextmanager
def using_lang(lang: str) -> Iterator[None]:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


@dataclass(frozen=True)
class Msg:
    """A message in both languages, rendered when a user reads it (the language is chosen late)."""

    en: str
    vi: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        template = self.vi if (lang or get_lang()) == "vi" else self.en
        params = {k: _render_param(v, lang) for k, v in self.params.items()}
        return nfc(template.format(**params))

    def __str__(self) -> str:
        return self.render()


def _render_param(value: Any, lang: str | None) -> Any:
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, (list, tuple)):  # a bulleted list, one item a line
        return "\n".join(f"  - {_render_param(v, lang)}" for v in value)
    return value


def M(en: str, vi: str, **params: Any) -> Msg:
    """A deferred bilingual message."""
    return Msg(en, vi, params)


def tr(en: str, vi: str, **params: Any) -> str:
    """A bilingual message rendered now, in the current language."""
    return Msg(en, vi, params).render()
