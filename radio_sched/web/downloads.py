"""Bundle downloads: assembled from their layout and streamed with ETag, If-None-Match and Range; never a path from a URL."""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, abort, request
from werkzeug.wsgi import wrap_file

from ..core.models import Bundle, Station
from ..production.bundle import open_bundle
from ..production.zip_layout import ZipReader

log = logging.getLogger(__name__)


def bundle_reader(root: Path, bundle: Bundle) -> ZipReader:
    """The bundle's zip, assembled from its layout, which must lie inside the schedules root and
    match its recorded size and sha256."""
    base = root.resolve()
    path = (base / bundle.path).resolve()
    if not path.is_relative_to(base) or path == base:
        log.error("bundle %d points outside the schedules root: %r", bundle.id, bundle.path)
        abort(404)
    try:
        reader = open_bundle(path)
    except OSError as exc:
        log.error("bundle %d: %s cannot be assembled: %s", bundle.id, path, exc)
        abort(404)
    if (reader.size, reader.sha256) != (bundle.size, bundle.sha256):  # replaced behind our back
        reader.close()
        log.error("bundle %d: %s has %d bytes, the record says %d", bundle.id, path, reader.size,
                  bundle.size)
        abort(404)
    return reader


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
    """The zip with ETag = its sha256 (kept with its layout: nothing is hashed now); werkzeug
    answers If-None-Match (304), Range (206, 416) and If-Range from it, and streams the zip as it
    is assembled rather than reading it whole."""
    if bundle.station_id != station.id:  # callers look bundles up by station; this is a backstop
        abort(404)
    reader = bundle_reader(root, bundle)
    plain, pretty = download_names(station, bundle)
    resp = Response(wrap_file(request.environ, reader), mimetype="application/zip",
                    direct_passthrough=True)
    resp.content_length = reader.size
    resp.set_etag(bundle.sha256)
    resp.cache_control.max_age = max_age
    resp = resp.make_conditional(request, accept_ranges=True, complete_length=reader.size)
    resp.headers["Content-Disposition"] = content_disposition(plain, pretty)
    resp.headers["Cache-Control"] = "private, no-cache"
    if resp.status_code == 304 or request.method == "HEAD":
        resp.close()  # werkzeug sends no body then, and would leave the file open until collected
    return resp
