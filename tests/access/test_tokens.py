"""Download links: unguessable, stored only as a hash, revocable."""

import hashlib

import pytest
from sqlalchemy import select

from radio_sched.core.models import DownloadToken, Station
from radio_sched.access.tokens import create_token, list_tokens, resolve_token, revoke_token

pytestmark = pytest.mark.all_backends


def test_create_resolve_revoke(tiny):
    st = tiny.scalar(select(Station).where(Station.code == "18073"))
    row, token = create_token(tiny, st, "điện thoại anh Ba")
    assert len(token) == 43
    stored = tiny.scalar(select(DownloadToken))
    assert stored.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(stored.__dict__)
    grant = resolve_token(tiny, token)
    assert grant.station_id == st.id and grant.token_id == row.id
    # a neighbour of the token, a wrong shape, a huge string: nothing
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (flipped, token + "x", "", "../../etc/passwd", "x" * 100_000, None):
        assert resolve_token(tiny, bad) is None
    second, token2 = create_token(tiny, st)
    assert token2 != token
    revoke_token(tiny, row.id)
    revoke_token(tiny, row.id)  # harmless twice
    assert resolve_token(tiny, token) is None
    assert resolve_token(tiny, token2).token_id == second.id
    assert [t.id for t in list_tokens(tiny, st)] == [second.id]
    assert len(list_tokens(tiny, include_revoked=True)) == 2
