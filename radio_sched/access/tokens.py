"""Download links for stations: unguessable, revocable, and only their hash is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import NotFound
from ..core.i18n import M
from ..core.text import clean_text
from ..core.models import DownloadToken, Station
from .users import StationPass

# 32 random bytes: guessing one of even a million live links takes ~2^236 tries.
TOKEN_BYTES = 32
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32) without padding


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_token(session: Session, station: Station, label: str = "") -> tuple[DownloadToken, str]:
    """A new link for a station; the token is returned once and never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = DownloadToken(station_id=station.id, token_sha256=_digest(token),
                        label=clean_text(label)[:200])
    session.add(row)
    session.flush()
    return row, token


def resolve_token(session: Session, token: str) -> StationPass | None:
    """What a presented token grants, or None for a malformed, unknown or revoked one."""
    # The shape check keeps junk (and huge strings) away from the database; the lookup is by a
    # hash, so timing reveals nothing about any stored token.
    if not isinstance(token, str) or not _SHAPE.match(token):
        return None
    row = session.scalar(select(DownloadToken).where(DownloadToken.token_sha256 == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    return StationPass(station_id=row.station_id, token_id=row.id)


def list_tokens(session: Session, station: Station | None = None, *,
                include_revoked: bool = False) -> list[DownloadToken]:
    q = select(DownloadToken).order_by(DownloadToken.id)
    if station is not None:
        q = q.where(DownloadToken.station_id == station.id)
    if not include_revoked:
        q = q.where(DownloadToken.revoked_at.is_(None))
    return list(session.scalars(q))


def station_codes(session: Session, tokens: list[DownloadToken]) -> dict[int, str]:
    """{station id: station code} for the stations of these links."""
    ids = {t.station_id for t in tokens}
    rows = session.execute(select(Station.id, Station.code).where(Station.id.in_(ids))).all() \
        if ids else []
    return dict(rows)


def get_token(session: Session, token_id: int) -> DownloadToken:
    row = session.get(DownloadToken, token_id)
    if row is None:
        raise NotFound(M("no download link has number {n}", "không có đường dẫn tải số {n}",
                         n=token_id))
    return row


def revoke_token(session: Session, token_id: int) -> DownloadToken:
    """End a link for good; revoking twice is harmless."""
    row = get_token(session, token_id)
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        session.flush()
    return row
