"""Who is asking: X-Forwarded-* trusted only from configured proxies, and logs that never carry a
station's download token."""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

LOOPBACK = "127.0.0.0/8,::1"
# /d/<token>/... and the Bearer header's token: 43 url-safe characters (tokens.TOKEN_BYTES).
_TOKEN_PATH = re.compile(r"(/d/)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{20,}")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def trusted_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """'10.0.0.1, 10.1.0.0/16, ::1' as networks; a malformed entry is an error at start-up."""
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in text.split(",") if part.strip()]


class TrustedProxyFix:
    """ProxyFix (one proxy: X-Forwarded-For, -Proto, -Host) applied only to requests whose peer
    is a trusted proxy; anyone else's forwarded headers are ignored, so a client cannot claim
    another address to slip past the sign-in throttle."""

    def __init__(self, app, networks: Iterable):
        self.app, self.networks = app, list(networks)
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1)

    def _trusted(self, peer: str | None) -> bool:
        try:
            addr = ipaddress.ip_address((peer or "").split("%", 1)[0])
        except ValueError:
            return False
        return any(addr in net for net in self.networks)

    def __call__(self, environ, start_response):
        if self._trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


def redact(text: str) -> str:
    """A download path with its token cut to its first four characters."""
    return _TOKEN_PATH.sub(r"\1\2…", text)


class RedactTokens(logging.Filter):
    """Rewrites a record whose message carries a download token (access logs name every path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is left to the handler to report
            return True
        if "/d/" in message:
            record.msg, record.args = redact(message), None
        return True


def install_log_redaction() -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
