"""A real radio-sched web server on loopback for benchmarks and tests: Flask's development server
(`radio-sched serve`) or the documented deployment (gunicorn, several workers, threads), a small
HTTP client that signs in and posts forms with their CSRF token, and the server's memory."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

HOST = "127.0.0.1"  # loopback only
ROOT = Path(__file__).resolve().parents[1]
SECRET = "live-server key, the same in every worker: " + "k" * 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, headers: dict | None = None,
            body: bytes | None = None, *, timeout: float = 120) -> tuple[int, dict, bytes, float]:
    """(status, lower-cased headers, body, seconds) of one request on its own connection."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, \
            time.perf_counter() - t0
    finally:
        conn.close()


class Client:
    """A browser's session: the cookie it was given, and forms posted with their CSRF token."""

    def __init__(self, port: int, *, timeout: float = 120):
        self.port, self.timeout, self.cookie = port, timeout, ""

    def _send(self, method: str, path: str, headers: dict | None = None, body: bytes | None = None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        st, h, data, t = request(self.port, method, path, headers, body, timeout=self.timeout)
        if "set-cookie" in h:
            self.cookie = h["set-cookie"].split(";")[0]
        return st, h, data, t

    def get(self, path: str, headers: dict | None = None):
        return self._send("GET", path, headers)

    def post(self, path: str, body: bytes, content_type: str, headers: dict | None = None):
        return self._send("POST", path, {**(headers or {}), "Content-Type": content_type}, body)

    def post_form(self, page: str, action: str, fields: dict | None = None):
        """Open page (for the form's token), then post fields to action."""
        st, _h, html, _t = self.get(page)
        assert st == 200, (page, st)
        token = re.search(rb'name="csrf_token" value="([^"]+)"', html).group(1).decode()
        body = urllib.parse.urlencode({**(fields or {}), "csrf_token": token}).encode()
        return self.post(action, body, "application/x-www-form-urlencoded")

    def sign_in(self, username: str, password: str) -> "Client":
        st, _h, _b, _t = self.post_form("/login", "/login", {"username": username,
                                                              "password": password})
        assert st == 302, f"{username} could not sign in: HTTP {st}"
        return self


def _env(db_url: str, root: Path, library: Path) -> dict:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "RADIO_SCHED_DB": db_url,
            "RADIO_SCHED_SCHEDULES": str(root), "RADIO_SCHED_LIBRARY": str(library),
            "RADIO_SCHED_SECRET_KEY": SECRET}


def _wait_up(port: int, proc: subprocess.Popen, limit_s: float = 60) -> None:
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"the server ended at start-up ({proc.returncode})")
        try:
            if request(port, "GET", "/login", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not answer in time")


@contextmanager
def server(kind: str, db_url: str, root: Path, library: Path, *, workers: int = 2,
           threads: int = 4, log: Path | None = None) -> Iterator[tuple[int, subprocess.Popen]]:
    """`kind` "dev": radio-sched serve; "gunicorn": gunicorn -w WORKERS --threads THREADS, as the
    README documents. Yields (port, the server's process: gunicorn's master)."""
    port = free_port()
    if kind == "gunicorn":
        args = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
                "-b", f"{HOST}:{port}", "--timeout", "120", "radio_sched.web:create_app()"]
    elif kind == "dev":
        args = [sys.executable, "-c", "from radio_sched.cli import main; main()", "--db", db_url,
                "--schedules", str(root), "--library", str(library), "serve", "--host", HOST,
                "--port", str(port)]
    else:
        raise ValueError(f"no server kind {kind!r}")
    out = open(log, "ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=_env(db_url, root, library), cwd=ROOT)
    try:
        _wait_up(port, proc)
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        if log:
            out.close()


def children(pid: int) -> list[int]:
    """The direct children of a process (gunicorn's workers; a worker's job processes)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2:].split()[1])


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory now (VmRSS) or at its peak (VmHWM), in MB; 0 if it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(rf"{field}:\s+(\d+)", text)
    return int(found.group(1)) / 1024 if found else 0.0


def server_rss_mb(kind: str, pid: int) -> tuple[float, list[float]]:
    """(the server process's RSS, each worker's RSS): gunicorn's master and its workers, or the
    development server alone. Job processes (a worker's children, or the development server's)
    are not counted: they are the work, not the server."""
    return rss_mb(pid), [rss_mb(c) for c in children(pid)] if kind == "gunicorn" else []
