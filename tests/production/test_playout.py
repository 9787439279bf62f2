"""The bundle's playout files: CSV and iCalendar read back by careful parsers, the ffconcat list joined by
real ffmpeg, and phat.liq checked and played by real Liquidsoap into a WAV file that is measured."""

from __future__ import annotations

import array
import csv
import datetime as dt
import io
import math
import os
import re
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest

from radio_sched.production.playout import (VIETNAM, Airing, asrun_template_csv, epoch, ffconcat,
                                            fold, liquidsoap_script, schedule_csv, schedule_ics)

LIQUIDSOAP = shutil.which("liquidsoap")
needs_liquidsoap = pytest.mark.skipif(
    LIQUIDSOAP is None, reason="liquidsoap is not installed (apt-get install liquidsoap)")

SHA = "0123456789abcdef" * 4
NFD = unicodedata.normalize("NFD", "Hướng dẫn đăng ký khai sinh trực tuyến")


def airing(day: int, start: str, session: str, file: str, duration_s: float,
           titles: list[str]) -> Airing:
    h, m, *s = map(int, start.split(":"))
    return Airing(dt.date(2024, 3, day), dt.time(h, m, *s), session, file, SHA, duration_s, titles)


MONTH = [  # given out of order: every file is written in air order
    airing(2, "05:30", "sáng", "2024-03-02/2024-03-02_0530_sang.mp3", 180.0000001, ["Bản tin ngắn"]),
    airing(1, "17:00", "chiều", "2024-03-01/2024-03-01_1700_chieu.mp3", 179.9996, ["Một, hai; ba"]),
    airing(1, "05:30", unicodedata.normalize("NFD", "sáng"),
           "2024-03-01/2024-03-01_0530_sang.mp3", 312.4,
           [NFD, 'Tin "nóng", mới', "dòng một\r\ndòng\thai"]),
]


def tone(path: Path, frequency: int, seconds: float) -> Path:
    """A mono 64 kb/s MP3 sine tone made by ffmpeg."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency={frequency}:duration={seconds}", "-ac", "1",
                    "-c:a", "libmp3lame", "-b:a", "64k", str(path)], check=True)
    return path


def probe_duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                          "default=noprint_wrappers=1:nokey=1", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return float(out)


# ---------------------------------------------------------------- CSV


def test_schedule_csv_rows_in_air_order_with_ends_rounded_up():
    text = schedule_csv(MONTH)
    assert not text.startswith("\ufeff")
    assert text.count("\r\n") == 4 and "\n" not in text.replace("\r\n", "")  # no line break in a field
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["date", "start", "end", "session", "file", "sha256", "duration_s", "titles"]
    assert [r[:4] for r in rows[1:]] == [["2024-03-01", "05:30:00", "05:35:13", "sáng"],
                                         ["2024-03-01", "17:00:00", "17:03:00", "chiều"],
                                         ["2024-03-02", "05:30:00", "05:33:00", "sáng"]]
    first = rows[1]
    assert first[4] == "2024-03-01/2024-03-01_0530_sang.mp3" and first[5] == SHA
    assert first[6] == "312.4" and rows[2][6] == "180.0" and rows[3][6] == "180.0"
    assert first[7] == ("Hướng dẫn đăng ký khai sinh trực tuyến | Tin \"nóng\", mới | "
                        "dòng một dòng hai")
    assert unicodedata.is_normalized("NFC", text)
    assert rows[2][7] == "Một, hai; ba"
    assert schedule_csv(list(reversed(MONTH))) == text  # air order, whatever order given


def test_schedule_csv_quotes_what_needs_it():
    text = schedule_csv([MONTH[2]])
    line = text.split("\r\n")[1]
    assert line.endswith(',"Hướng dẫn đăng ký khai sinh trực tuyến | Tin ""nóng"", mới | '
                         'dòng một dòng hai"')


def test_end_after_midnight_and_hours_long_files():
    late = airing(5, "23:59:30", "đêm", "x.mp3", 45.2, ["Khuya"])
    rows = list(csv.reader(io.StringIO(schedule_csv([late]), newline="")))
    assert rows[1][1:3] == ["23:59:30", "00:00:16"]


def test_asrun_template_has_the_asrun_columns_a_row_per_airing_and_a_bom():
    text = asrun_template_csv(MONTH, "18073")
    assert text.startswith("\ufeffstation,date,session,status,segment,reason\r\n")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert [(r["station"], r["date"], r["session"]) for r in rows] == [
        ("18073", "2024-03-01", "sáng"), ("18073", "2024-03-01", "chiều"),
        ("18073", "2024-03-02", "sáng")]
    assert all(r["status"] == r["segment"] == r["reason"] == "" for r in rows)
    schedule = list(csv.DictReader(io.StringIO(schedule_csv(MONTH), newline="")))
    assert [(r["date"], r["session"]) for r in schedule] == [(r["date"], r["session"]) for r in rows]


@pytest.mark.parametrize("name", ["", "/abs/a.mp3", "../a.mp3", "a/../../b.mp3", "C:/a.mp3",
                                  "a\nb.mp3", "a\rb.mp3", "a\x00.mp3"])
def test_file_names_that_no_playlist_can_carry_are_refused(name):
    bad = airing(1, "05:30", "sáng", name, 10.0, ["x"])
    for render in (schedule_csv, ffconcat, liquidsoap_script):
        with pytest.raises(ValueError):
            render([bad])


# ---------------------------------------------------------------- iCalendar

def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_ics(text: str) -> list[dict]:
    """A strict reading of RFC 5545's syntax: CRLF only, lines of at most 75 octets that each decode as
    UTF-8 on their own, unfolding, BEGIN/END nesting. Returns the components, each a dict with its
    name, its properties (name -> list of (params, value)) and its sub-components."""
    data = text.encode("utf-8")
    assert b"\n" not in data.replace(b"\r\n", b"") and data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    for raw in physical:
        assert len(raw) <= 75, raw
        raw.decode("utf-8")  # a fold never cuts a character
    lines: list[str] = []
    for raw in physical:
        line = raw.decode("utf-8")
        if line.startswith((" ", "\t")):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    root: dict = {"name": None, "props": {}, "subs": []}
    stack = [root]
    for line in lines:
        m = re.fullmatch(r"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=[^;:,\"]*)*):(.*)", line)
        assert m, line
        name, params, value = m.group(1).upper(), m.group(2), m.group(3)
        if name == "BEGIN":
            comp = {"name": value, "props": {}, "subs": []}
            stack[-1]["subs"].append(comp)
            stack.append(comp)
        elif name == "END":
            assert stack.pop()["name"] == value
        else:
            assert not re.search(r"(?<!\\)(\\\\)*\\[^\\;,nN]", value), value  # only legal escapes
            stack[-1]["props"].setdefault(name, []).append((params, value))
    assert stack == [root] and len(root["subs"]) == 1
    return root["subs"]


def test_ics_is_rfc5545_with_events_in_local_time_and_reminders():
    text = schedule_ics(MONTH, "18073", "Xã Thạch Đài, Hà Tĩnh", "2024-03")
    [cal] = parse_ics(text)
    assert cal["name"] == "VCALENDAR"
    assert cal["props"]["VERSION"] == [("", "2.0")] and cal["props"]["PRODID"]
    [tz] = [c for c in cal["subs"] if c["name"] == "VTIMEZONE"]
    assert tz["props"]["TZID"] == [("", "Asia/Ho_Chi_Minh")]
    [std] = tz["subs"]
    assert std["props"]["TZOFFSETTO"] == [("", "+0700")] and std["props"]["TZOFFSETFROM"]
    events = [c for c in cal["subs"] if c["name"] == "VEVENT"]
    assert len(events) == 3
    first = events[0]["props"]
    assert first["DTSTART"] == [(";TZID=Asia/Ho_Chi_Minh", "20240301T053000")]
    assert first["DTEND"] == [(";TZID=Asia/Ho_Chi_Minh", "20240301T053513")]
    assert first["DTSTAMP"] == [("", "20240229T170000Z")]  # the month's first instant, in UTC
    assert first["UID"] == [("", "18073-2024-03-01-s%C3%A1ng@radio-sched")]
    assert _unescape(first["SUMMARY"][0][1]) == "Phát chuyên mục CCHC – buổi sáng"
    description = _unescape(first["DESCRIPTION"][0][1])
    assert description.splitlines() == [
        "Nội dung:", "1. Hướng dẫn đăng ký khai sinh trực tuyến", '2. Tin "nóng", mới',
        "3. dòng một dòng hai", "Tệp: 2024-03-01/2024-03-01_0530_sang.mp3", "Thời lượng: 5:13"]
    assert "\\," in first["DESCRIPTION"][0][1] and "\\n" in first["DESCRIPTION"][0][1]
    assert _unescape(first["LOCATION"][0][1]) == "Xã Thạch Đài, Hà Tĩnh"
    [alarm] = events[0]["subs"]
    assert alarm["name"] == "VALARM" and alarm["props"]["TRIGGER"] == [("", "-PT10M")]
    assert alarm["props"]["ACTION"] == [("", "DISPLAY")] and alarm["props"]["DESCRIPTION"]
    assert [e["props"]["DTSTART"][0][1] for e in events] == [
        "20240301T053000", "20240301T170000", "20240302T053000"]
    assert len({e["props"]["UID"][0][1] for e in events}) == 3
    assert unicodedata.is_normalized("NFC", text)
    assert schedule_ics(list(reversed(MONTH)), "18073", "Xã Thạch Đài, Hà Tĩnh", "2024-03") == text


def test_ics_uids_stay_unique_and_sequence_marks_a_new_version():
    twice = [MONTH[0], airing(2, "05:30", "sáng", "b.mp3", 5.0, ["x"])]
    [cal] = parse_ics(schedule_ics(twice, "18073", "Xã", dt.date(2024, 3, 15), sequence=2))
    events = [c for c in cal["subs"] if c["name"] == "VEVENT"]
    assert [e["props"]["UID"][0][1] for e in events] == [
        "18073-2024-03-02-s%C3%A1ng@radio-sched", "18073-2024-03-02-s%C3%A1ng-2@radio-sched"]
    assert {e["props"]["SEQUENCE"][0][1] for e in events} == {"2"}


def test_folding_counts_octets_and_keeps_characters_whole():
    long_title = "Ứng dụng dịch vụ công trực tuyến mức độ 4; thanh toán, bưu chính \\ công ích " * 3
    text = schedule_ics([airing(1, "05:30", "sáng", "a.mp3", 60.0, [long_title])], "1", "Xã",
                        "2024-03")
    [cal] = parse_ics(text)  # every physical line within 75 octets, each valid UTF-8
    [event] = [c for c in cal["subs"] if c["name"] == "VEVENT"]
    assert f"1. {' '.join(long_title.split())}" in _unescape(event["props"]["DESCRIPTION"][0][1])
    for width in range(70, 80):  # a multi-octet character at every place of the fold
        line = "X" * width + "ệ" * 30
        folded = fold(line).encode("utf-8")
        parts = folded[:-2].split(b"\r\n")
        assert all(len(p) <= 75 for p in parts) and all(p.startswith(b" ") for p in parts[1:])
        assert b"".join([parts[0]] + [p[1:] for p in parts[1:]]).decode("utf-8") == line
        assert len(parts[0]) >= 73  # folded as late as the character allows


# ---------------------------------------------------------------- ffconcat


def test_ffconcat_joins_the_month_in_real_ffmpeg(tmp_path):
    names = ["2024-03-01/buổi sáng 'số 1'.mp3", "2024-03-01/chiều, #{x} \\ $HOME.mp3",
             "2024-03-02/2024-03-02_0530_sang.mp3"]
    month = [airing(1, "05:30", "sáng", names[0], 0, ["a"]),
             airing(1, "17:00", "chiều", names[1], 0, ["b"]),
             airing(2, "05:30", "sáng", names[2], 0, ["c"])]
    for a, hz, seconds in zip(month, (440, 660, 880), (1.0, 1.5, 2.0)):
        a.duration_s = probe_duration(tone(tmp_path / "bundle" / a.file, hz, seconds))
    text = ffconcat(reversed(month))
    assert text.splitlines()[0] == "ffconcat version 1.0"
    assert text.splitlines()[1] == "file '2024-03-01/buổi sáng '\\''số 1'\\''.mp3'"
    listing = tmp_path / "bundle" / "2024-03.ffconcat"
    listing.write_text(text, encoding="utf-8")
    out = tmp_path / "month.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "concat",
                    "-safe", "0", "-i", str(listing), "-c", "copy", str(out)], check=True)
    assert probe_duration(out) == pytest.approx(sum(a.duration_s for a in month), abs=0.08)
    # the bundle's own names (ASCII, relative) pass the demuxer's -safe 1
    listing.write_text(ffconcat(month[2:]), encoding="utf-8")
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "concat",
                    "-safe", "1", "-i", str(listing), "-c", "copy", str(out)], check=True)
    assert probe_duration(out) == pytest.approx(month[2].duration_s, abs=0.03)


# ---------------------------------------------------------------- Liquidsoap


def test_liquidsoap_script_writes_utc_epochs_and_literal_names():
    script = liquidsoap_script(MONTH + [airing(3, "05:30", "sáng", 'a "#{b}" \\ c.mp3', 2, ["x"])])
    assert epoch(MONTH[2]) == 1709245800  # 2024-03-01 05:30 in Hà Tĩnh is 2024-02-29 22:30 UTC
    rows = re.findall(r"^  \((\d+)\., ([\d.]+), (.*), (\".*\")\),?$", script, re.M)
    assert [r[0] for r in rows] == ["1709245800", "1709287200", "1709332200", "1709418600"]
    assert rows[0][1:] == ("312.4", '"2024-03-01/2024-03-01_0530_sang.mp3"',
                           '"2024-03-01 05:30:00 sáng"')
    assert rows[3][2] == '("a \\"#" ^ "{b}\\" \\\\ c.mp3")'  # '#{' split so it cannot interpolate
    assert 'getenv("RADIO_SCHED_OFFSET_S")' in script and 'getenv("RADIO_SCHED_OUT")' in script
    assert "path.dirname(argv(0))" in script and "# Cách chạy" in script
    assert liquidsoap_script(list(reversed(MONTH))) == liquidsoap_script(MONTH)


def _liquidsoap(*args: str, **kw) -> subprocess.CompletedProcess:
    pre = ["settings.init.allow_root.set(true)"] if os.geteuid() == 0 else []  # CI runs as root
    return subprocess.run([LIQUIDSOAP, *pre, *args], capture_output=True, text=True, **kw)


@needs_liquidsoap
def test_liquidsoap_checks_the_script(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for airings in (MONTH + [airing(3, "05:30", "sáng", 'a "#{b}" \\ c.mp3', 2, ["x"])], []):
        (bundle / "phat.liq").write_text(liquidsoap_script(airings), encoding="utf-8")
        done = subprocess.run([LIQUIDSOAP, "--check", "phat.liq"], cwd=bundle, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr


def _pcm(path: Path, rate: int) -> array.array:
    raw = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path),
                          "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
                         capture_output=True, check=True).stdout
    samples = array.array("h")
    samples.frombytes(raw)
    return samples


@needs_liquidsoap
@pytest.mark.slow
def test_liquidsoap_airs_each_session_on_time_with_silence_between(tmp_path):
    """Three sessions a few seconds apart, given in Vietnam's time an hour ahead and brought back by
    RADIO_SCHED_OFFSET_S=-3600, on a machine whose zone is New York; a fourth already past is
    skipped. The recording's sound starts where each airing's time falls."""
    bundle = tmp_path / "bundle"
    plan = [(0, 440, "2024-03-01/buổi sáng 'A'.mp3"), (4, 660, "2024-03-01/chiều #{x}.mp3"),
            (8, 880, "2024-03-02/2024-03-02_0530_sang.mp3")]
    for _, hz, name in plan:
        tone(bundle / name, hz, 2.0)
    # Liquidsoap takes about 2 s to start here, more on a busy machine: time a check of a script
    # first, and let the first airing come after that time, twice over, so that it is not skipped.
    (bundle / "phat.liq").write_text(liquidsoap_script([]), encoding="utf-8")
    t0 = time.monotonic()
    assert _liquidsoap("--check", "bundle/phat.liq", cwd=tmp_path, timeout=60).returncode == 0
    lead_s = max(5.0, 1.0 + 2.5 * (time.monotonic() - t0))
    lead = dt.datetime.fromtimestamp(math.ceil(time.time() + lead_s) + 3600, VIETNAM)
    month = []
    for after, hz, name in plan:
        at = lead + dt.timedelta(seconds=after)
        a = Airing(at.date(), at.time(), f"s{hz}", name, SHA, 0, [f"{hz} Hz"])
        a.duration_s = probe_duration(bundle / name)
        month.append(a)
    past = lead - dt.timedelta(seconds=3600 + 60)
    month.append(Airing(past.date(), past.time(), "past", plan[0][2], SHA, 2.0, ["past"]))
    (bundle / "phat.liq").write_text(liquidsoap_script(month), encoding="utf-8")
    out = tmp_path / "recorded.wav"
    env = dict(os.environ, RADIO_SCHED_OUT=str(out), RADIO_SCHED_OFFSET_S="-3600",
               TZ="America/New_York")
    done = _liquidsoap("bundle/phat.liq", cwd=tmp_path, env=env, timeout=45)  # stops by itself
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "MISSING" not in log, log
    assert log.count("skipped, already past at start: ") == 1, (
        f"Liquidsoap took more than {lead_s:.1f} s to start: the machine is too busy\n{log}")
    started = float(re.search(r"radio-sched: output started at ([\d.]+)", log).group(1))

    rate, window = 8000, 800  # RMS per 100 ms window
    pcm = _pcm(out, rate)
    rms = [math.sqrt(sum(x * x for x in pcm[i:i + window]) / window)
           for i in range(0, len(pcm) - window + 1, window)]
    loud = max(rms)
    on = [r > loud / 4 for r in rms]
    starts = [i for i in range(len(on)) if on[i] and (i == 0 or not on[i - 1])]
    ends = [i for i in range(len(on)) if on[i] and (i + 1 == len(on) or not on[i + 1])]
    assert len(starts) == 3, (starts, log)
    offsets = []
    for (after, hz, _), first, last, a in zip(plan, starts, ends, month):
        onset = next(j for j in range(first * window, (first + 1) * window) if abs(pcm[j]) > 500)
        expected = epoch(a) - 3600 - started
        offsets.append(onset / rate - expected)
        segment = pcm[first * window:(last + 1) * window]
        crossings = sum((x < 0) != (y < 0) for x, y in zip(segment, segment[1:]))
        assert crossings / 2 / (len(segment) / rate) == pytest.approx(hz, rel=0.1)
        assert (last - first + 1) / 10 == pytest.approx(a.duration_s, abs=0.25)
    print("start offsets (s):", ", ".join(f"{o:+.3f}" for o in offsets))
    assert all(abs(o) <= 1.0 for o in offsets), offsets
    for last, first in zip(ends, starts[1:]):  # silence between
        assert max(rms[last + 2:first - 1]) < loud / 100
    assert max(rms[:starts[0] - 1]) < loud / 100
