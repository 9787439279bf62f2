"""Bundle downloads: streamed from disk with ETag, If-None-Match and Range; never a path from a URL."""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, abort, request, send_file

from ..core.models import Bundle, Station

log = logging.getLogger(__name__)


def bundle_path(root: Path, bundle: Bundle) -> Path:
    """The bundle's file, which must lie inside the schedules root and match its recorded size."""
    base = root.resolve()
    path = (base / bundle.path).resolve()
    if not path.is_relative_to(base) or path == base:
        log.error("bundle %d points outside the schedules root: %r", bundle.id, bundle.path)
        abort(404)
    try:
        size = path.stat().st_size
    except OSError:
        log.error("bundle %d: file %s is missing", bundle.id, path)
        abort(404)
    if size != bundle.size:  # a file replaced behind the database's back is not served as this one
        log.error("bundle %d: %s has %d bytes, the record says %d", bundle.id, path, size,
                  bundle.size)
        abort(404)
    return path


def ascii_slug(text: str) -> str:
    """'Phường Nam Hà' -> 'phuong-nam-ha' (đ is not a composed letter, so it is mapped by hand)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "station"


def download_names(station: Station, bundle: Bundle) -> tuple[str, str]:
    """An ASCII file name every browser and phone keeps, and the Vietnamese one (RFC 5987)."""
    plain = f"radio-sched_{bundle.month}_{station.code}_{ascii_slug(station.name)}_v{bundle.version}.zip"
    pretty = f"{station.name} ({station.code}) {bundle.month} v{bundle.version}.zip"
    return plain, re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", pretty)


def content_disposition(plain: str, pretty: str) -> str:
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(pretty, safe='')}"


def send_bundle(root: Path, bundle: Bundle, station: Station, *, max_age: int = 0) -> Response:
    """The zip with ETag = its sha256; werkzeug answers If-None-Match (304), Range (206, 416) and
    If-Range from it, and streams the file rather than reading it whole."""
    if bundle.station_id != station.id:  # callers look bundles up by station; this is a backstop
        abort(404)
    path = bundle_path(root, bundle)
    plain, pretty = download_names(station, bundle)
    resp = send_file(path, mimetype="application/zip", as_attachment=True, download_name=plain,
                     conditional=True, etag=bundle.sha256, max_age=max_age)
    resp.headers["Content-Disposition"] = content_disposition(plain, pretty)
    resp.headers["Cache-Control"] = "private, no-cache"
    if resp.status_code == 304 or request.method == "HEAD":
        resp.close()  # werkzeug sends no body then, and would leave the file open until collected
    return resp
