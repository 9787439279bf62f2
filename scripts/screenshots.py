"""The README's pictures, taken from a finished demo work folder with Debian's headless Chromium.

    .venv/bin/python scripts/screenshots.py [WORK] [--out docs/images]

    .venv/bin/python scripts/screenshots.py [WORK] --guide [--out docs/huong-dan/images]

WORK (default: work/, where scripts/demo.sh runs) must hold a finished demo. Saves
audit-report.png (the quarter's printable audit report), station-page.png and station-phone.png (a
station's month as its operator sees it on a desk and on a 390 px phone, signed in with the demo's
station account) and coverage-page.png (the Department's coverage of the quarter), reduced to a 64-colour palette
by ffmpeg so that they stay small in the repository. With --guide, the user guide's pictures
instead: each role's pages, signed in with the demo's account of that role.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from radio_sched.core.config import Settings  # noqa: E402
from radio_sched.web import create_app  # noqa: E402

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WIDTH = 1100
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--force-device-scale-factor=1", f"--window-size={WIDTH},900"]


def chromium():
    """Chromium with a fresh profile; the driver path is given so Selenium Manager never runs."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="radio-sched-shots-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver, profile


def shoot(driver, path: Path, height: int, width: int = WIDTH) -> None:
    """The top `height` pixels of the page (at most the page's own height), as a small PNG."""
    full = driver.execute_script("return document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, full), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip,
                                                             "captureBeyondViewport": True})
    raw = path.with_suffix(".raw.png")
    raw.write_bytes(base64.b64decode(shot["data"]))
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(raw),
                    "-vf", "split[a][b];[a]palettegen=max_colors=64:stats_mode=full[p];"
                    "[b][p]paletteuse=dither=none", str(path)], check=True)
    raw.unlink()
    print(f"{path}: {path.stat().st_size // 1024} KB")


GUIDE = [  # (file, role, page, height): the pictures docs/huong-dan/*.md show
    ("so-thang.png", "department", "/department/{month}/", 700),
    ("so-ket-qua.png", "department", "/department/{quarter}/coverage", 1100),
    ("so-ket-qua-huyen.png", "department", "/department/{quarter}/coverage?district={district}", 1100),
    ("bao-cao.png", "department", "/department/{quarter}/audit.html", 1400),
    ("lap-lich-thang.png", "district", "/district/{district}/{month}/", 1300),
    ("dai-xa-thang.png", "station", "/station/{commune}/{month}/", 1300),
]


def sign_in(driver, base: str, account: dict) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys(account["username"])
    driver.find_element(By.ID, "password").send_keys(account["password"])
    driver.find_element(By.ID, "login").click()


def guide(driver, base: str, month: str, accounts: dict, out: Path) -> None:
    """The guide's pictures, each page as the role that uses it sees it."""
    by_role = {a["role"]: a for a in accounts.values()}
    y, m = month.split("-")
    fields = {"month": month, "quarter": f"{y}-Q{(int(m) - 1) // 3 + 1}",
              "district": by_role["district"]["scope"].partition(":")[2],
              "commune": by_role["station"]["scope"].partition(":")[2]}
    signed = None
    for name, role, page, height in GUIDE:
        if signed != role:
            sign_in(driver, base, by_role[role])
            signed = role
        driver.get(base + page.format(**fields))
        if "/login" in driver.current_url:
            sys.exit(f"could not sign in with the demo's {role} account")
        shoot(driver, out / name, height)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", nargs="?", default=str(ROOT / "work"))
    ap.add_argument("--out", help="default: docs/images, or docs/huong-dan/images with --guide")
    ap.add_argument("--guide", action="store_true", help="the user guide's pictures")
    args = ap.parse_args()
    work = Path(args.work).resolve()
    out = Path(args.out or ROOT / "docs" / ("huong-dan/images" if args.guide else "images"))
    state, accounts = work / "demo" / "demo.json", work / "demo" / "accounts.json"
    if not state.is_file() or not accounts.is_file():
        sys.exit(f"{work} holds no finished demo: run bash scripts/demo.sh first")
    month = json.loads(state.read_text(encoding="utf-8"))["month"]
    station = next(a for a in json.loads(accounts.read_text(encoding="utf-8")).values()
                   if a["role"] == "station")
    report = sorted((work / "reports").glob("audit-*.html"))[0]
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        sys.exit("needs Debian's chromium and chromium-driver (bash scripts/setup.sh --test)")
    out.mkdir(parents=True, exist_ok=True)

    settings = Settings(db_url=f"sqlite:///{work / 'radio-sched.db'}",
                        library_root=work / "audio_library", schedules_root=work / "schedules")
    server = make_server("127.0.0.1", 0, create_app({"SETTINGS": settings}), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    driver, profile = chromium()
    try:
        from selenium.webdriver.common.by import By

        if args.guide:
            guide(driver, base, month, json.loads(accounts.read_text(encoding="utf-8")), out)
            return
        driver.get(report.as_uri())
        shoot(driver, out / "audit-report.png", 2250)
        driver.get(base + "/login")
        driver.find_element(By.ID, "username").send_keys(station["username"])
        driver.find_element(By.ID, "password").send_keys(station["password"])
        driver.find_element(By.ID, "login").click()
        code = station["scope"].partition(":")[2]
        driver.get(f"{base}/station/{code}/{month}/")
        if "/login" in driver.current_url:
            sys.exit("could not sign in with the demo's station account")
        shoot(driver, out / "station-page.png", 1500)
        driver.set_window_size(390, 844)  # the operator's phone
        driver.get(f"{base}/station/{code}/{month}/")
        shoot(driver, out / "station-phone.png", 1700, width=390)
        driver.set_window_size(WIDTH, 900)
        department = next(a for a in json.loads(accounts.read_text(encoding="utf-8")).values()
                          if a["role"] == "department")
        sign_in(driver, base, department)
        y, m = month.split("-")
        driver.get(f"{base}/department/{y}-Q{(int(m) - 1) // 3 + 1}/coverage")
        shoot(driver, out / "coverage-page.png", 1300)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        server.shutdown()


if __name__ == "__main__":
    main()
