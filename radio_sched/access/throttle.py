"""Failed sign-ins counted in the database per account at an address, per account and per address:
past a limit, sign-in waits (HTTP 429); every web worker counts the same failures."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..core.config import WebSettings
from ..core.models import LoginFailure


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class SignInKeys:
    """What one sign-in attempt is counted under, each with its own limit."""

    pair: str  # this account from this address: a few tries (a typo or two), cleared by success
    account: str  # this account from anywhere: guessing spread over many addresses
    address: str  # any account from this address: much higher, a carrier NAT carries many people


def keys_for(username: str, address: str | None) -> SignInKeys:
    name, addr = username.strip().casefold()[:80], address or "?"
    return SignInKeys(f"pair|{name}|{addr}", f"account|{name}", f"address|{addr}")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class SignInThrottle:
    """Sliding-window failure counts kept as rows of login_failures (old rows are swept)."""

    def __init__(self, web: WebSettings, clock: Callable[[], dt.datetime] = _utcnow):
        self.window = dt.timedelta(seconds=web.login_window_s)
        self.clock = clock
        self.limits = {"pair": web.login_failures_per_account,
                       "account": web.login_failures_per_user,
                       "address": web.login_failures_per_address}

    def wait_s(self, session: Session, keys: SignInKeys) -> float:
        """0 if a sign-in may be tried now, else the seconds until it may."""
        now = self.clock()
        wait = 0.0
        for kind, limit in self.limits.items():
            count, oldest = session.execute(
                select(func.count(), func.min(LoginFailure.at)).where(
                    LoginFailure.key_sha256 == _digest(getattr(keys, kind)),
                    LoginFailure.at > now - self.window)).one()
            if count >= limit and oldest is not None:
                wait = max(wait, (oldest + self.window - now).total_seconds())
        return wait

    def failed(self, session: Session, keys: SignInKeys) -> None:
        """Count a failure under every key; the caller commits."""
        now = self.clock()
        session.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
        session.add_all([LoginFailure(key_sha256=_digest(getattr(keys, kind)), at=now)
                         for kind in self.limits])
        session.flush()

    def succeeded(self, session: Session, keys: SignInKeys) -> None:
        """The account's own failures at this address are forgotten (not those from elsewhere)."""
        session.execute(delete(LoginFailure).where(LoginFailure.key_sha256 == _digest(keys.pair)))
