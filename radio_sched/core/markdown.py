"""A small Markdown subset to safe HTML (headings, paragraphs, lists, notes, images, links, bold,
code), for the user guide the web app serves from docs/huong-dan/; every character is escaped first."""

from __future__ import annotations

import re
from typing import Callable

from markupsafe import Markup, escape

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_ITEM = re.compile(r"^(?:[-*]|(\d+)\.)\s+(.*)$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_SAFE_HREF = re.compile(r"^(https?://|#|[a-z0-9][a-z0-9._/-]*(#[a-z0-9-]*)?$)", re.I)

Resolve = Callable[[str], str]  # a link or image target as written -> the URL to use


def slug(text: str) -> str:
    """An id for a heading: letters, digits and hyphens."""
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-")


def to_html(text: str, resolve: Resolve = lambda href: href) -> Markup:
    """The guide's Markdown as HTML; links and images go through `resolve`, unsafe ones are dropped."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    ordered = False

    def flush() -> None:
        nonlocal items
        if para:
            out.append(f"<p>{_inline(' '.join(para), resolve)}</p>")
            para.clear()
        if items:
            tag = "ol" if ordered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(i, resolve)}</li>" for i in items)
                       + f"</{tag}>")
            items = []

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if m := _HEADING.match(line):
            flush()
            n, title = len(m.group(1)), m.group(2)
            out.append(f'<h{n} id="{escape(slug(title))}">{_inline(title, resolve)}</h{n}>')
        elif m := _IMAGE.match(line):
            flush()
            src = _href(m.group(2), resolve)
            if src:
                out.append(f'<figure><img src="{escape(src)}" alt="{escape(m.group(1))}">'
                           f"<figcaption>{escape(m.group(1))}</figcaption></figure>")
        elif m := _ITEM.match(line):
            if para:
                flush()
            ordered = m.group(1) is not None if not items else ordered
            items.append(m.group(2))
        elif line.startswith(">"):
            flush()
            out.append(f'<p class="note">{_inline(line.lstrip("> "), resolve)}</p>')
        elif items and raw[:1].isspace():  # an item's continuation line
            items[-1] += " " + line
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return Markup("\n".join(out))


def _href(target: str, resolve: Resolve) -> str:
    return resolve(target) if _SAFE_HREF.match(target) else ""


def _inline(text: str, resolve: Resolve) -> str:
    html = str(escape(text))
    html = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", html)
    html = _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", html)

    def link(m: re.Match) -> str:
        href = _href(m.group(2).replace("&amp;", "&"), resolve)
        return f'<a href="{escape(href)}">{m.group(1)}</a>' if href else m.group(1)

    return _LINK.sub(link, html)
