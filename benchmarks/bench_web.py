"""Web figures on loopback: page times for a whole province month, and concurrent bundle downloads
(some resumed with Range) checked by sha256, with the server's peak memory.

    .venv/bin/python benchmarks/bench_web.py [--bundles 40] [--size-mb 4] [--clients 20]

The server is `radio-sched serve` (Flask's threaded development server) in its own process; the
clients are threads of this process. Both share the machine's cores, so figures are pessimistic."""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import hashlib
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from radio_sched.core.db import session_scope, upgrade
from radio_sched.core.models import (
    Airing, AiringItem, Bundle, Schedule, ScheduleStation, Segment, Station, User
)
from radio_sched.production import zip_layout
from radio_sched.reference.presets import apply_preset
from radio_sched.access.tokens import create_token
from radio_sched.access.users import hash_password

MONTH = "2024-03"
PASSWORD = "benchmark-password"


def build(db_url: str, root: Path, n_bundles: int, size_mb: float) -> dict[str, tuple[str, str]]:
    """Hà Tĩnh's 210 stations, two sessions a day with three items each, bundles for some."""
    upgrade(db_url)
    tokens: dict[str, tuple[str, str]] = {}
    with session_scope(db_url) as s:
        apply_preset(s, "ha-tinh-2024")
        stations = list(s.scalars(select(Station).order_by(Station.code)))
        districts = sorted({st.district_code for st in stations})
        segs = [Segment(slug=f"ep-{d}", sha256=hashlib.sha256(d.encode()).hexdigest(),
                        title=f"Chuyên mục CCHC huyện {d}", kind="district_episode",
                        scope=f"district:{d}", duration_s=300.0) for d in districts]
        segs.append(Segment(slug="guide", sha256="0" * 64, title="Hướng dẫn khai sinh",
                            kind="service_guide", scope="province", duration_s=90.0))
        s.add_all(segs)
        sch = Schedule(month=MONTH, scope="province", version=1, status="complete")
        s.add(sch)
        s.flush()
        by_slug = {x.slug: x for x in segs}
        s.execute(insert(ScheduleStation), [{"schedule_id": sch.id, "station_id": st.id,
                                             "shortfalls": []} for st in stations])
        airings = [{"schedule_id": sch.id, "station_id": st.id, "date": dt.date(2024, 3, d),
                    "session": name, "start": start, "capacity_s": 600}
                   for st in stations for d in range(1, 32)
                   for name, start in (("sáng", "05:30"), ("chiều", "17:00"))]
        s.execute(insert(Airing), airings)
        district_of = {st.id: st.district_code for st in stations}
        items = []
        for a_id, st_id in s.execute(select(Airing.id, Airing.station_id)):
            for pos, slug in enumerate((f"ep-{district_of[st_id]}", "guide")):
                seg = by_slug[slug]
                items.append({"airing_id": a_id, "position": pos, "segment_id": seg.id,
                              "kind": seg.kind, "duration_s": seg.duration_s})
        s.execute(insert(AiringItem), items)
        size = int(size_mb * 1024 * 1024)
        for st in stations[:n_bundles]:
            # as a render keeps it: the audio once in the session cache, the zip as its layout
            audio = root / ".cache" / "sessions" / f"{st.code}.mp3"
            audio.parent.mkdir(parents=True, exist_ok=True)
            audio.write_bytes(hashlib.shake_256(st.code.encode()).digest(size))
            rel = f"{MONTH}/{st.code}/bundle.zip"
            layout = zip_layout.build(root / rel, [zip_layout.Member(
                f"{st.code}-{MONTH}/sang.mp3", b"", audio, 0, size)], dt.date(2024, 3, 1))
            s.add(Bundle(station_id=st.id, month=MONTH, version=1, schedule_id=sch.id, path=rel,
                         sha256=layout["sha256"], size=layout["size"]))
            _row, token = create_token(s, st)
            tokens[st.code] = (token, layout["sha256"])
        pw = hash_password(PASSWORD)
        s.add_all([User(username="so", password_hash=pw, role="department", scope="province"),
                   User(username="d436", password_hash=pw, role="district", scope="district:436")])
        print(f"data: {len(stations)} stations, {len(airings)} airings, {len(items)} items, "
              f"{n_bundles} bundles of {size_mb} MB", flush=True)
    return tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024


def request(port: int, method: str, path: str, headers: dict | None = None,
            body: bytes | None = None) -> tuple[int, dict, bytes, float]:
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), data, time.perf_counter() - t0


def sign_in(port: int, user: str) -> str:
    _st, h, page, _ = request(port, "GET", "/login")
    cookie = h["Set-Cookie"].split(";")[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    body = f"username={user}&password={PASSWORD}&csrf_token={token}".encode()
    st, h, _, _ = request(port, "POST", "/login", {"Cookie": cookie, "Content-Type":
                                                   "application/x-www-form-urlencoded"}, body)
    assert st == 302, st
    return h["Set-Cookie"].split(";")[0]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def pages(port: int, repeat: int) -> None:
    so, d436 = sign_in(port, "so"), sign_in(port, "d436")
    for name, path, cookie in [("station page", f"/station/18073/{MONTH}/", d436),
                               ("district page (436)", f"/district/436/{MONTH}/", d436),
                               ("Department page (210 stations)", f"/department/{MONTH}/", so),
                               ("API schedule JSON", f"/api/v1/stations/18073/schedule/{MONTH}", d436)]:
        times = []
        for _ in range(repeat):
            st, _h, _body, t = request(port, "GET", path, {"Cookie": cookie})
            assert st == 200, (path, st)
            times.append(t * 1000)
        print(f"{name:32s} p50 {statistics.median(times):7.1f} ms   p95 {pct(times, 95):7.1f} ms "
              f"({repeat} requests)", flush=True)


def download(port: int, code: str, token: str, sha: str, resume: bool) -> tuple[bool, float, int]:
    path = f"/d/{token}/{MONTH}/bundle"
    t0 = time.perf_counter()
    if resume:  # a dropped 4G link: the first half, then the rest with Range + If-Range
        st, h, head, _ = request(port, "GET", path, {"Range": "bytes=0-999999"})
        st2, _h, tail, _ = request(port, "GET", path, {"Range": "bytes=1000000-",
                                                        "If-Range": h["ETag"]})
        data, ok = head + tail, (st, st2) == (206, 206)
    else:
        st, _h, data, _ = request(port, "GET", path)
        ok = st == 200
    ok = ok and hashlib.sha256(data).hexdigest() == sha
    return ok, time.perf_counter() - t0, len(data)


def downloads(port: int, tokens: dict, clients: int, rounds: int) -> None:
    jobs = [(code, tok, sha, n % 4 == 0) for r in range(rounds)
            for n, (code, (tok, sha)) in enumerate(tokens.items())]
    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda j: download(port, *j), jobs))
    wall = time.perf_counter() - t0
    ok = [r for r in results if r[0]]
    lat = [r[1] for r in results]
    total = sum(r[2] for r in results)
    print(f"downloads: {len(results)} ({sum(j[3] for j in jobs)} resumed with Range) by {clients} "
          f"clients in {wall:.1f} s: {len(results) / wall:.1f} downloads/s, "
          f"{total / wall / 1e6:.0f} MB/s, p50 {statistics.median(lat):.2f} s, "
          f"p95 {pct(lat, 95):.2f} s, errors {len(results) - len(ok)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundles", type=int, default=40)
    ap.add_argument("--size-mb", type=float, default=4.0)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        tmp = Path(tmp)
        db_url = f"sqlite:///{tmp / 'bench.db'}"
        t0 = time.perf_counter()
        tokens = build(db_url, tmp / "schedules", args.bundles, args.size_mb)
        print(f"set-up: {time.perf_counter() - t0:.1f} s", flush=True)
        port = free_port()
        exe = Path(sys.executable).with_name("radio-sched")
        server = subprocess.Popen([str(exe), "--db", db_url, "--schedules", str(tmp / "schedules"),
                                   "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL,
                                  env={**os.environ, "RADIO_SCHED_SECRET_KEY": "b" * 64})
        try:
            for _ in range(100):
                try:
                    request(port, "GET", "/login")
                    break
                except OSError:
                    time.sleep(0.1)
            idle = peak_rss_mb(server.pid)
            pages(port, args.repeat)
            downloads(port, tokens, args.clients, args.rounds)
            print(f"server peak memory: {peak_rss_mb(server.pid):.0f} MB (after start-up "
                  f"{idle:.0f} MB)", flush=True)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
