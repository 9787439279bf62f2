"""Mixed load on loopback, all at once: every station of the province downloads its month's bundle
(some resumed with Range + If-Range, as after a dropped 4G link) and then reports a session as-run
(half through the station page's form, half through the API), a district center plans its month
and renders it from the web (real job processes), and the Department opens the quarter's coverage
page and its XLSX. Every download is checked by sha256; no request may fail; both jobs must end
done. Requests per second, p50/p95 per kind of request, errors, and the server's memory (RSS of
gunicorn's master and workers, or of the development server) are printed, with the load average.

    .venv/bin/python benchmarks/bench_load.py [--server dev|gunicorn] [--workers 2] [--threads 8]
        [--db sqlite|postgres] [--stations 210] [--size-mb 4.8] [--resume-every 4] [--deadline-s 600]

--server dev (the default) is `radio-sched serve`, Flask's threaded development server; gunicorn
is the deployment the README documents. The clients are threads of this process, one per station,
started together. Only loopback addresses are used, every loop is bounded in count and in time
(--deadline-s), and the script stops by itself. PostgreSQL: the URL in RADIO_SCHED_TEST_PG_URL
(scripts/postgres.sh), in a schema of its own."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
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
from bench_web import MONTH, PASSWORD, build, pct  # noqa: E402
from live_server import ROOT, Client, server, server_rss_mb  # noqa: E402

DEMO = ROOT / "audio_library" / "demo"
QUARTER = "2024-Q1"
DISTRICT = "436"
ERRORS = (OSError, http.client.HTTPException, AssertionError, ValueError, KeyError)


@dataclass
class Tally:
    """Every request by kind: its time; what went wrong, by kind; checksums; bytes."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    checksums_ok: int = 0
    bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, size: int = 0) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            self.bytes += size

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def timed(out: Tally, kind: str, client: Client, method: str, path: str, *, want=(200,), **kw):
    """One request through client, tallied under kind; a status outside want is an error."""
    st, h, body, t = (client.get(path, kw.get("headers")) if method == "GET" else
                      client.post(path, kw["body"], kw["content_type"], kw.get("headers")))
    out.add(kind, t, len(body))
    if st not in want:
        raise AssertionError(f"{kind} {path}: HTTP {st} {body[:200]!r}")
    return st, h, body


def station(port: int, code: str, token: str, n: int, resume: bool, report: bool,
            start: threading.Event, out: Tally, timeout: float) -> None:
    """One station: its bundle (whole, or a third then the rest with If-Range), checked against
    the ETag (the bundle's sha256); then one session reported aired, by form or by API."""
    client = Client(port, timeout=timeout)
    path = f"/d/{token}/{MONTH}/bundle"
    start.wait()
    try:
        if resume:
            _st, h, head = timed(out, "download (Range)", client, "GET", path,
                                 headers={"Range": "bytes=0-"}, want=(206,))
            cut = len(head) // 3  # the link dropped a third of the way in
            st, h2, tail = timed(out, "download (Range)", client, "GET", path, want=(200, 206),
                                 headers={"Range": f"bytes={cut}-", "If-Range": h["etag"]})
            data, etag = (head[:cut] + tail if st == 206 else tail), h2["etag"]
        else:
            _st, h, data = timed(out, "download", client, "GET", path)
            etag = h["etag"]
        if hashlib.sha256(data).hexdigest() != etag.strip('"'):
            raise AssertionError(f"{code}: the bundle's sha256 is not its ETag")
        with out.lock:
            out.checksums_ok += 1
        if not report:
            return
        row = {"station": code, "date": f"{MONTH}-{n % 28 + 1:02d}", "session": "sáng",
               "status": "aired", "segment": "", "reason": ""}
        if n % 2:
            body = json.dumps({"reports": [row]}).encode()
            timed(out, "as-run (API)", client, "POST", "/api/v1/asrun", body=body,
                  content_type="application/json", headers={"Authorization": f"Bearer {token}"},
                  want=(201,))
        else:
            page = f"/d/{token}/{MONTH}/"
            t0 = time.perf_counter()
            st, _h, _b, _t = client.post_form(page, page + "asrun", {
                k: row[k] for k in ("date", "session", "status", "segment", "reason")})
            out.add("as-run (form)", time.perf_counter() - t0)
            if st != 302:
                raise AssertionError(f"as-run form of {code}: HTTP {st}")
    except ERRORS as exc:
        out.error(f"{code}: {type(exc).__name__}: {exc}")


def run_job(client: Client, out: Tally, action: str, deadline: float) -> dict:
    """Press a button of the district's month page; follow its job through the API until it ends."""
    page = f"/district/{DISTRICT}/{MONTH}/"
    t0 = time.perf_counter()
    st, h, _b, t = client.post_form(page, page + action)
    out.add(f"{action} (start job)", t)
    if st != 302:
        raise AssertionError(f"{action}: HTTP {st}")
    job_id = int(h["location"].rsplit("/", 1)[1])
    while time.monotonic() < deadline:
        _st, _h, body = timed(out, "job status (API)", client, "GET", f"/api/v1/jobs/{job_id}")
        job = json.loads(body)
        if job["status"] not in ("queued", "running"):
            return {**job, "seconds": round(time.perf_counter() - t0, 2)}
        time.sleep(0.25)
    return {"status": "timeout", "seconds": round(time.perf_counter() - t0, 2)}


def planner(client: Client, start: threading.Event, out: Tally, jobs: dict, deadline: float):
    start.wait()
    try:
        for action in ("plan", "render"):
            jobs[action] = run_job(client, out, action, deadline)
            if jobs[action]["status"] != "done":
                raise AssertionError(f"the {action} job ended {jobs[action]['status']}: "
                                     f"{jobs[action].get('error')}")
    except ERRORS as exc:
        out.error(f"planner: {type(exc).__name__}: {exc}")


def department(client: Client, start: threading.Event, out: Tally, rounds: int) -> None:
    start.wait()
    try:
        for _ in range(rounds):
            timed(out, "coverage page (quarter)", client, "GET", f"/department/{QUARTER}/coverage")
            timed(out, "coverage XLSX (quarter)", client, "GET",
                  f"/department/{QUARTER}/audit.xlsx")
    except ERRORS as exc:
        out.error(f"department: {type(exc).__name__}: {exc}")


class Memory(threading.Thread):
    """The server's RSS (master + workers), sampled until stopped; its peak."""

    def __init__(self, kind: str, pid: int):
        super().__init__(daemon=True)
        self.kind, self.pid, self.stop, self.peak = kind, pid, threading.Event(), 0.0
        self.processes = 0

    def sample(self) -> float:
        main, workers = server_rss_mb(self.kind, self.pid)
        self.processes = 1 + len(workers)
        return main + sum(workers)

    def run(self) -> None:
        while not self.stop.wait(0.25):
            self.peak = max(self.peak, self.sample())


def prepare(db_url: str, workdir: Path, stations: int, size_mb: float) -> dict:
    """The province with a bundle per station, the demo audio in the library for the district's
    own plan and render (the benchmark's made-up segments end in February, so that they are not
    planned: they have no audio)."""
    from sqlalchemy import update

    from radio_sched.core.db import session_scope
    from radio_sched.core.models import Segment

    tokens = build(db_url, workdir / "schedules", stations, size_mb)
    with session_scope(db_url) as s:
        s.execute(update(Segment).values(valid_until=dt.date(2024, 2, 29)))
    subprocess.run([sys.executable, "-c", "from radio_sched.cli import main; main()", "--db",
                    db_url, "--library", str(workdir / "library"), "segments", "import",
                    str(DEMO / "segments.csv"), "--jobs", "2"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return tokens


def district_codes(db_url: str) -> set[str]:
    from sqlalchemy import select

    from radio_sched.core.db import session_scope
    from radio_sched.core.models import Station

    with session_scope(db_url) as s:
        return set(s.scalars(select(Station.code).where(Station.district_code == DISTRICT)))


def run_load(db_url: str, workdir: Path, *, server_kind: str = "dev", workers: int = 2,
             threads: int = 8, stations: int = 210, size_mb: float = 4.8, resume_every: int = 4,
             department_rounds: int = 3, deadline_s: float = 600.0) -> dict:
    """Build the province, serve it, and run the mixed load once; the figures as a dict."""
    t0 = time.perf_counter()
    tokens = prepare(db_url, workdir, stations, size_mb)
    own = district_codes(db_url)  # the planner's district: its sessions change, it does not report
    setup_s = time.perf_counter() - t0
    out, jobs = Tally(), {}
    load_before = os.getloadavg()
    with server(server_kind, db_url, workdir / "schedules", workdir / "library", workers=workers,
                threads=threads, log=workdir / "server.log") as (port, proc):
        memory = Memory(server_kind, proc.pid)
        idle_mb = memory.sample()
        deadline = time.monotonic() + deadline_s
        start = threading.Event()
        timeout = max(1.0, deadline_s)
        actors = [threading.Thread(target=station, daemon=True, args=(
            port, code, tok, n, resume_every > 0 and n % resume_every == 0, code not in own,
            start, out, timeout)) for n, (code, (tok, _sha)) in enumerate(tokens.items())]
        actors.append(threading.Thread(target=planner, daemon=True, args=(
            Client(port).sign_in(f"d{DISTRICT}", PASSWORD), start, out, jobs, deadline)))
        actors.append(threading.Thread(target=department, daemon=True, args=(
            Client(port).sign_in("so", PASSWORD), start, out, department_rounds)))
        for t in actors:
            t.start()
        memory.start()
        t1 = time.perf_counter()
        start.set()  # everyone at once
        for t in actors:
            t.join(max(0.0, deadline - time.monotonic()))
        wall_s = time.perf_counter() - t1
        memory.stop.set()
        memory.join()
        processes = memory.processes
    load_after = os.getloadavg()
    reported = asrun_count(db_url)
    kinds = {kind: {"n": len(v), "p50_s": round(statistics.median(v), 3),
                    "p95_s": round(pct(v, 95), 3), "max_s": round(max(v), 3)}
             for kind, v in sorted(out.times.items())}
    requests = sum(k["n"] for k in kinds.values())
    return {
        "db": db_url.split(":", 1)[0].split("+")[0], "server": server_kind,
        "workers": workers if server_kind == "gunicorn" else 1, "threads": threads,
        "stations": stations, "size_mb": size_mb,
        "resumed": sum(1 for n in range(stations) if resume_every and n % resume_every == 0),
        "reporting": stations - len(own & set(tokens)), "asrun_stored": reported,
        "requests": requests, "wall_s": round(wall_s, 3),
        "requests_per_s": round(requests / wall_s, 1) if wall_s else 0.0,
        "mb_per_s": round(out.bytes / wall_s / 1e6, 1) if wall_s else 0.0, "kinds": kinds,
        "errors": out.errors, "checksums_ok": out.checksums_ok,
        "jobs": {k: {"status": v["status"], "seconds": v["seconds"], "error": v.get("error"),
                     "outcome": _outcome(v.get("result") or {})} for k, v in jobs.items()},
        "server_mb": {"idle": round(idle_mb), "peak": round(memory.peak), "processes": processes},
        "load_average": [round(x, 1) for x in load_before + load_after[:1]],
        "setup_s": round(setup_s, 1)}


def _outcome(result: dict) -> str:
    if "bundles_new" in result:
        return f"{result['bundles_new']} new bundles of {result.get('stations')} stations"
    if "version" in result:
        return f"version {result['version']}, {result.get('stations')} stations"
    return ""


def asrun_count(db_url: str) -> int:
    from sqlalchemy import func, select

    from radio_sched.core.db import session_scope
    from radio_sched.core.models import AsRun

    with session_scope(db_url) as s:
        return s.scalar(select(func.count(AsRun.id)))


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


def ok(res: dict) -> bool:
    return (not res["errors"] and res["checksums_ok"] == res["stations"]
            and res["asrun_stored"] == res["reporting"]
            and [j["status"] for j in res["jobs"].values()] == ["done", "done"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", choices=["dev", "gunicorn"], default="dev")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    ap.add_argument("--stations", type=int, default=210)
    ap.add_argument("--size-mb", type=float, default=4.8)
    ap.add_argument("--resume-every", type=int, default=4, help="every Nth station resumes")
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--deadline-s", type=float, default=600.0)
    ap.add_argument("--department-rounds", type=int, default=3,
                    help="times the Department opens the coverage page and the XLSX")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, \
            database(args.db, Path(tmp)) as url:
        res = run_load(url, Path(tmp), server_kind=args.server, workers=args.workers,
                       threads=args.threads, stations=args.stations, size_mb=args.size_mb,
                       resume_every=args.resume_every, deadline_s=args.deadline_s,
                       department_rounds=args.department_rounds)
    how = (f"gunicorn {res['workers']} workers x {res['threads']} threads"
           if res["server"] == "gunicorn" else "development server")
    print(f"{res['db']}, {how}: {res['stations']} stations ({res['resumed']} resumed with Range) "
          f"x {res['size_mb']} MB, {res['reporting']} reporting as-run, district {DISTRICT} plans "
          f"and renders, the Department opens {QUARTER} (set-up {res['setup_s']} s; load average "
          f"{res['load_average']})")
    print(f"  {res['requests']} requests in {res['wall_s']} s: {res['requests_per_s']} requests/s, "
          f"{res['mb_per_s']} MB/s")
    for kind, k in res["kinds"].items():
        print(f"  {kind:26s} {k['n']:5d}  p50 {k['p50_s']:7.3f} s  p95 {k['p95_s']:7.3f} s  "
              f"max {k['max_s']:7.3f} s")
    print(f"  checksums ok {res['checksums_ok']}/{res['stations']}; as-run stored "
          f"{res['asrun_stored']}/{res['reporting']}; errors {len(res['errors'])} "
          f"{res['errors'][:5]}")
    for kind, j in res["jobs"].items():
        print(f"  {kind} job: {j['status']} after {j['seconds']} s ({j['outcome']})"
              f"{' ' + j['error'] if j['error'] else ''}")
    mem = res["server_mb"]
    print(f"  server memory ({mem['processes']} processes): {mem['idle']} MB idle, "
          f"{mem['peak']} MB peak")
    sys.exit(0 if ok(res) else 1)


if __name__ == "__main__":
    main()
