"""Every bundle carries its playout files (checked against each other and by ffprobe and Liquidsoap),
exact MP3 lengths (an Info frame), and versions that say what they replace and what to delete."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from radio_sched.production import mp3
from radio_sched.core.scopes import Scope
from radio_sched.production.month_render import render_month
from radio_sched.production.bundle import open_bundle

from . import pdftext
from .helpers import PLAN, SHARED, schedule

LIQUIDSOAP = shutil.which("liquidsoap")
V1 = "2024-03/18073/18073-2024-03-v1.zip"
V2 = "2024-03/18073/18073-2024-03-v2.zip"


def files_of(path) -> dict[str, bytes]:
    """A bundle's files by their path inside its folder."""
    with zipfile.ZipFile(open_bundle(path)) as zf:
        return {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist()}


def test_playout_files_agree_with_the_manifest_and_each_other(month, settings):
    render_month(settings, month, "2024-03")
    files = files_of(settings.schedules_root / V1)
    man = json.loads(files["manifest.json"])
    listed = {f["path"]: f for f in man["files"]}
    for name in ("lich-phat.csv", "lich-phat.ics", "phat.liq", "bao-cao-phat.csv", "2024-03.ffconcat",
                 "2024-03.m3u8", "lich-phat.html", "so-nhat-ky.html", "README.txt"):
        assert name in listed and name in files, name
    sched = files["lich-phat.csv"]
    assert not sched.startswith(b"\xef\xbb\xbf")  # machines import it: no BOM
    rows = list(csv.DictReader(io.StringIO(sched.decode("utf-8"))))
    mp3s = sorted(p for p in listed if p.endswith(".mp3"))
    assert sorted(r["file"] for r in rows) == mp3s and len(rows) == len(man["airings"]) == 4
    for r, a in zip(rows, man["airings"]):
        assert (r["date"], r["start"][:5], r["session"]) == (a["date"], a["start"], a["session"])
        assert r["sha256"] == listed[r["file"]]["sha256"]
        assert float(r["duration_s"]) == pytest.approx(listed[r["file"]]["duration_s"], abs=1e-3)
        assert r["titles"] == " | ".join(i["title"] for i in a["items"])
    report = files["bao-cao-phat.csv"]
    assert report.startswith(b"\xef\xbb\xbf") and b"\r\n" in report  # for Excel
    asrun = list(csv.DictReader(io.StringIO(report.decode("utf-8-sig"))))
    assert [(r["station"], r["date"], r["session"], r["status"]) for r in asrun] == [
        ("18073", r["date"], r["session"], "") for r in rows]
    concat = files["2024-03.ffconcat"].decode().splitlines()
    assert concat[0] == "ffconcat version 1.0" and concat[1:] == [f"file '{r['file']}'" for r in rows]
    ics = files["lich-phat.ics"].decode()
    assert ics.count("BEGIN:VEVENT") == 4 and "SEQUENCE:0" in ics
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20240301T053000" in ics


def test_each_session_mp3_says_its_exact_length(month, settings, tmp_path):
    render_month(settings, month, "2024-03")
    files = files_of(settings.schedules_root / V1)
    man = json.loads(files["manifest.json"])
    for f in (f for f in man["files"] if f["path"].endswith(".mp3")):
        data = files[f["path"]]
        info = mp3.scan(data)
        tag = mp3.id3v2_size(data)
        mono = data[tag + 3] >> 6 == 3  # MPEG-1: 17 bytes of side info in mono, 32 in stereo
        at = tag + 4 + (17 if mono else 32)
        assert mono and data[at:at + 4] == b"Info"
        flags, frames, size = struct.unpack(">III", data[at + 4:at + 16])
        assert (flags, frames, size) == (3, info.count, len(data) - tag)
        out = tmp_path / "s.mp3"
        out.write_bytes(data)
        probe = subprocess.run(["ffprobe", "-v", "warning", "-show_entries", "format=duration",
                                "-of", "csv=p=0", str(out)], capture_output=True, text=True, check=True)
        assert "Estimating duration" not in probe.stderr, probe.stderr
        assert float(probe.stdout) == pytest.approx(f["duration_s"], abs=1e-3)
        assert float(probe.stdout) == pytest.approx(info.duration_s, abs=1e-3)


@pytest.mark.skipif(LIQUIDSOAP is None, reason="liquidsoap is not installed")
def test_the_bundles_phat_liq_passes_liquidsoaps_check_and_names_its_files(month, settings, tmp_path):
    render_month(settings, month, "2024-03")
    with zipfile.ZipFile(open_bundle(settings.schedules_root / V1)) as zf:
        zf.extractall(tmp_path)
    folder = tmp_path / "18073-2024-03"
    done = subprocess.run([LIQUIDSOAP, "--check", str(folder / "phat.liq")], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    script = (folder / "phat.liq").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO((folder / "lich-phat.csv").read_text("utf-8"))))
    vietnam = dt.timezone(dt.timedelta(hours=7))
    for r in rows:
        at = dt.datetime.fromisoformat(f"{r['date']}T{r['start']}").replace(tzinfo=vietnam)
        assert f'({int(at.timestamp())}., ' in script and f'"{r["file"]}"' in script
        assert (folder / r["file"]).is_file()


def test_v2_names_what_it_replaces_and_deleting_remove_leaves_exactly_its_files(month, settings,
                                                                                  tmp_path):
    render_month(settings, month, "2024-03")
    changed = dict(PLAN, **{"18073": SHARED[:2] + [(3, "sáng", "05:30", ["speech"])]})
    schedule(month, changed, version=2)
    render_month(settings, month, "2024-03")
    v1, v2 = files_of(settings.schedules_root / V1), files_of(settings.schedules_root / V2)
    m1, m2 = json.loads(v1["manifest.json"]), json.loads(v2["manifest.json"])
    assert (m1["bundle_version"], m1["replaces"], m1["remove"]) == (1, None, [])
    gone = ["2024-03-02/2024-03-02_0530_sang.m3u8", "2024-03-02/2024-03-02_0530_sang.mp3"]
    assert (m2["bundle_version"], m2["replaces"], m2["remove"]) == (2, 1, gone)
    folder = tmp_path / "station"
    for path in (V1, V2):  # one folder, v1 then v2 unzipped over it
        with zipfile.ZipFile(open_bundle(settings.schedules_root / path)) as zf:
            zf.extractall(folder)
    top = folder / "18073-2024-03"
    for rel in m2["remove"]:
        (top / rel).unlink()
    left = sorted(str(p.relative_to(top)) for p in top.rglob("*") if p.is_file())
    assert left == sorted(v2) == sorted([f["path"] for f in m2["files"]] + ["manifest.json"])
    readme = v2["README.txt"].decode("utf-8-sig")
    assert "phiên bản 2" in readme and "THAY CHO PHIÊN BẢN 1" in readme
    assert all(f"  - {g}\r\n" in readme for g in gone)
    for sheet in ("lich-phat.html", "so-nhat-ky.html"):
        html = v2[sheet].decode()
        assert "phiên bản 2" in html and "thay cho phiên bản" in html and all(g in html for g in gone)
        assert "phiên bản 1" in v1[sheet].decode() and "thay cho" not in v1[sheet].decode()
    assert "SEQUENCE:1" in v2["lich-phat.ics"].decode()


CHROMIUM = shutil.which("chromium")


def printed(html: Path, tmp_path) -> list[str]:
    """The sheet printed by headless Chromium as the station would print it (A4, its own margins)."""
    pdf = tmp_path / (html.stem + ".pdf")
    subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], capture_output=True, check=True, timeout=120)
    return [re.sub(r"\s+", "", p) for p in pdftext.pages(pdf)]


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_printed_sheets_carry_station_month_and_page_on_every_page(library, settings, tmp_path):
    lists = [items for _, _, _, items in SHARED]
    month_plan = [(d, name, at, lists[(2 * d + k) % len(lists)]) for d in range(1, 32)
                  for k, (name, at) in enumerate((("sáng", "05:30"), ("chiều", "17:00")))]
    schedule(library, {"18073": month_plan})
    render_month(settings, library, "2024-03", Scope("commune", "18073"))
    with zipfile.ZipFile(open_bundle(settings.schedules_root / V1)) as zf:
        zf.extractall(tmp_path)
    folder = tmp_path / "18073-2024-03"
    for sheet, title in (("lich-phat.html", "Lịchphát"), ("so-nhat-ky.html", "Sổnhậtkýphátthanh")):
        pages = printed(folder / sheet, tmp_path)
        assert len(pages) >= 3, (sheet, len(pages))
        running = f"{title}–ĐàiPhườngNamHà(mã18073)–tháng3năm2024–phiênbản1"
        for n, text in enumerate(pages, 1):
            assert running in text, (sheet, n, text[:300])
            assert f"Trang{n}/{len(pages)}" in text, (sheet, n, text[:300])
        if sheet == "so-nhat-ky.html":
            assert "PhườngNamHà,ngày………tháng………năm………" in pages[-1]
    # a file name is never broken inside: laid out for print at the page's width (A4 landscape less
    # the margins, 1047 px), each part of each name is one line box
    from ..web.browser import chromium, close

    driver = chromium(tmp_path)
    try:
        driver.set_window_size(1047 + 16, 900)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.get((folder / "lich-phat.html").as_uri())
        lines = driver.execute_script(
            "return [...document.querySelectorAll('td.file span')].map(s => s.getClientRects().length)")
    finally:
        close(driver)
    assert len(lines) == 2 * 62 and set(lines) == {1}
