"""The user guide (hướng dẫn sử dụng): docs/huong-dan/*.md served as pages, with its screenshots."""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, send_from_directory, url_for

from ..core.config import GUIDE_DIR
from ..core.markdown import to_html

bp = Blueprint("help", __name__)
PAGES = ("README", "so", "lap-lich", "dai-xa")  # the index, then one page per role
_IMAGE = re.compile(r"^[a-z0-9-]{1,60}\.png$")


def _resolve(href: str) -> str:
    """Links between the guide's files become its pages; its images, the image route."""
    page, _, anchor = href.partition("#")
    if page.endswith(".md") and page[:-3] in PAGES:
        return url_for("help.page", name=page[:-3]) + (f"#{anchor}" if anchor else "")
    if page.startswith("images/") and _IMAGE.match(page[7:]):
        return url_for("help.image", name=page[7:])
    return href if href.startswith(("http://", "https://", "#")) else ""


@bp.get("/help/")
def index():
    return page("README")


@bp.get("/help/<name>")
def page(name: str):
    if name not in PAGES:
        abort(404)
    text = (GUIDE_DIR / f"{name}.md").read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), name)
    return render_template("help.html", title=title, body=to_html(text, _resolve), name=name,
                           pages=PAGES)


@bp.get("/help/images/<name>")
def image(name: str):
    if not _IMAGE.match(name):
        abort(404)
    return send_from_directory(GUIDE_DIR / "images", name, max_age=3600)
