"""Load on loopback: every station of the province downloads its month's bundle at the same moment
(some resumed with Range + If-Range, as after a dropped 4G link) while a district center plans its
month from the web. Every download is checked by sha256; the plan must finish; requests per second,
latency percentiles and errors are printed.

    .venv/bin/python benchmarks/bench_load.py [--stations 210] [--size-mb 4.8] [--resume-every 4]
                                               [--db sqlite|postgres] [--deadline-s 600]

The server is `radio-sched serve` (Flask's threaded server) in its own process on 127.0.0.1; the
clients are threads of this process, one per station, started together. Only loopback addresses
are used, every loop is bounded in count and in time (--deadline-s), and the script stops by itself.
PostgreSQL: the URL in RADIO_SCHED_TEST_PG_URL (scripts/postgres.sh), in a schema of its own."""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import MONTH, build, free_port, peak_rss_mb, pct, sign_in  # noqa: E402

HOST = "127.0.0.1"  # loopback only


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)  # per HTTP request, seconds
    statuses: dict[int, int] = field(default_factory=dict)
    downloads_ok: int = 0
    downloads_bad: list[str] = field(default_factory=list)
    bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float, size: int) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.bytes += size


def get(port: int, path: str, headers: dict | None = None, *, timeout: float
        ) -> tuple[int, dict, bytes, float]:
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, \
            time.perf_counter() - t0
    finally:
        conn.close()


def station_client(port: int, token: str, sha: str, resume: bool, start: threading.Event,
                   out: Outcome, deadline: float, code: str) -> None:
    """One station: the whole bundle, or (resume) a first part, then the rest from where it
    broke."""
    start.wait()
    path = f"/d/{token}/{MONTH}/bundle"
    timeout = max(1.0, deadline - time.monotonic())
    try:
        if resume:
            st, h, head, t = get(port, path, {"Range": "bytes=0-"}, timeout=timeout)
            cut = len(head) // 3  # the link dropped a third of the way in
            out.add(st, t, cut)
            st2, _h, tail, t2 = get(port, path, {"Range": f"bytes={cut}-", "If-Range": h["etag"]},
                                    timeout=timeout)
            out.add(st2, t2, len(tail))
            data, ok = head[:cut] + tail, st in (200, 206) and st2 == 206
        else:
            st, _h, data, t = get(port, path, timeout=timeout)
            out.add(st, t, len(data))
            ok = st == 200
        ok = ok and hashlib.sha256(data).hexdigest() == sha
    except (OSError, http.client.HTTPException) as exc:
        ok = False
        code = f"{code} ({type(exc).__name__}: {exc})"
    with out.lock:
        if ok:
            out.downloads_ok += 1
        else:
            out.downloads_bad.append(code)


def add_month_content(db_url: str) -> None:
    """The month's segments (the demo content), so that a district can really plan March."""
    from radio_sched.core.db import session_scope
    from radio_sched.demo.content import add_segments, month_content, stations_by_district
    from radio_sched.reference.divisions import district_names, stations_in
    from radio_sched.core.periods import parse_month
    from radio_sched.core.scopes import PROVINCE

    m = parse_month(MONTH)
    with session_scope(db_url) as s:
        st = stations_in(s, PROVINCE, on=m.start, until=m.end)
        add_segments(s, month_content(stations_by_district(st), m,
                                      district_names=district_names(s)))


def start_plan(port: int, district: str, timeout: float) -> tuple[str, int]:
    """Sign in as the district center and press Plan the month; the job's number."""
    cookie = sign_in(port, f"d{district}")
    _st, h, page, _t = get(port, f"/district/{district}/{MONTH}/", {"Cookie": cookie},
                           timeout=timeout)
    if "set-cookie" in h:  # the session now holds the form's token
        cookie = h["set-cookie"].split(";")[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    conn.request("POST", f"/district/{district}/{MONTH}/plan", body=f"csrf_token={token}",
                 headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    assert resp.status == 302, f"the plan was not started: HTTP {resp.status}"
    return cookie, int(resp.getheader("Location").rsplit("/", 1)[1])


def wait_job(port: int, cookie: str, job_id: int, deadline: float) -> dict:
    while time.monotonic() < deadline:
        _st, _h, body, _t = get(port, f"/api/v1/jobs/{job_id}", {"Cookie": cookie}, timeout=30)
        job = json.loads(body)
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    return {"status": "timeout"}


@contextmanager
def server(db_url: str, root: Path, library: Path) -> Iterator[tuple[int, subprocess.Popen]]:
    port = free_port()
    exe = Path(sys.executable).with_name("radio-sched")
    proc = subprocess.Popen([str(exe), "--db", db_url, "--schedules", str(root), "--library",
                             str(library), "serve", "--host", HOST, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "RADIO_SCHED_SECRET_KEY": "l" * 64})
    try:
        for _ in range(300):
            try:
                get(port, "/login", timeout=5)
                break
            except OSError:
                time.sleep(0.05)
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(20)


def run_load(db_url: str, workdir: Path, *, stations: int = 210, size_mb: float = 4.8,
             resume_every: int = 4, district: str = "436", deadline_s: float = 600.0) -> dict:
    """Build the province, serve it, and run the load once; the figures as a dict."""
    root, library = workdir / "schedules", workdir / "library"
    t0 = time.perf_counter()
    tokens = build(db_url, root, stations, size_mb)
    add_month_content(db_url)
    setup_s = time.perf_counter() - t0
    out = Outcome()
    with server(db_url, root, library) as (port, proc):
        idle_mb = peak_rss_mb(proc.pid)
        deadline = time.monotonic() + deadline_s
        start = threading.Event()
        threads = [threading.Thread(target=station_client, daemon=True, args=(
            port, tok, sha, resume_every > 0 and n % resume_every == 0, start, out, deadline, code))
            for n, (code, (tok, sha)) in enumerate(tokens.items())]
        for t in threads:
            t.start()
        cookie, job_id = start_plan(port, district, timeout=60)
        t1 = time.perf_counter()
        start.set()  # every station at once, while the district's plan runs
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        downloads_s = time.perf_counter() - t1
        job = wait_job(port, cookie, job_id, deadline)
        plan_s = time.perf_counter() - t1
        peak_mb = peak_rss_mb(proc.pid)
    lat = sorted(out.latencies)
    requests = len(lat)
    errors = sum(n for st, n in out.statuses.items() if st not in (200, 206))
    return {
        "db": db_url.split(":", 1)[0], "stations": stations, "size_mb": size_mb,
        "resumed": sum(1 for n in range(stations) if resume_every and n % resume_every == 0),
        "requests": requests, "downloads_ok": out.downloads_ok, "downloads_bad": out.downloads_bad,
        "http_errors": errors, "statuses": out.statuses, "wall_s": round(downloads_s, 3),
        "requests_per_s": round(requests / downloads_s, 1) if downloads_s else 0.0,
        "mb_per_s": round(out.bytes / downloads_s / 1e6, 1) if downloads_s else 0.0,
        "p50_s": round(statistics.median(lat), 3) if lat else None,
        "p95_s": round(pct(lat, 95), 3) if lat else None,
        "max_s": round(lat[-1], 3) if lat else None,
        "plan_job": {"status": job["status"], "result": job.get("result", {}),
                     "error": job.get("error"), "seconds": round(plan_s, 2)},
        "server_mb": {"idle": round(idle_mb), "peak": round(peak_mb)}, "setup_s": round(setup_s, 1)}


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'load.db'}"
        return
    from sqlalchemy import create_engine, text

    base = os.environ.get("RADIO_SCHED_TEST_PG_URL")
    if not base:
        raise SystemExit("set RADIO_SCHED_TEST_PG_URL (bash scripts/postgres.sh prints one)")
    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        from radio_sched.core.db import dispose_engines

        dispose_engines()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=210)
    ap.add_argument("--size-mb", type=float, default=4.8)
    ap.add_argument("--resume-every", type=int, default=4, help="every Nth station resumes")
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--deadline-s", type=float, default=600.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, \
            database(args.db, Path(tmp)) as url:
        res = run_load(url, Path(tmp), stations=args.stations, size_mb=args.size_mb,
                       resume_every=args.resume_every, deadline_s=args.deadline_s)
    print(f"{res['db']}: {res['stations']} stations ({res['resumed']} resumed with Range) x "
          f"{res['size_mb']} MB at once while district 436 plans (set-up {res['setup_s']} s)")
    print(f"  {res['requests']} requests in {res['wall_s']} s: {res['requests_per_s']} requests/s, "
          f"{res['mb_per_s']} MB/s; latency p50 {res['p50_s']} s, p95 {res['p95_s']} s, "
          f"max {res['max_s']} s")
    print(f"  downloads checked by sha256: {res['downloads_ok']} ok, "
          f"{len(res['downloads_bad'])} bad {res['downloads_bad'][:5]}; HTTP errors "
          f"{res['http_errors']} {res['statuses']}")
    job = res["plan_job"]
    print(f"  plan job: {job['status']} after {job['seconds']} s "
          f"(version {job['result'].get('version')}, {job['result'].get('stations')} stations, "
          f"{job['result'].get('airings')} airings){' ' + job['error'] if job['error'] else ''}")
    mem = res["server_mb"]
    print(f"  server memory: {mem['idle']} MB idle, {mem['peak']} MB peak")
    ok = not res["downloads_bad"] and not res["http_errors"] and job["status"] == "done"
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
