"""The playout files of a station bundle, as text: `lich-phat.csv`, `bao-cao-phat.csv`, `lich-phat.ics`,
the month's `ffconcat` list and `phat.liq` (see DESIGN.md, "Station bundle").

Pure functions: no clock, no files, no environment. The same airings give the same bytes.

Times: an airing's `date` and `start` are local times in Asia/Ho_Chi_Minh. Vietnam keeps UTC+7 all
year (no daylight saving since 1975), so the zone is the fixed offset below and needs no tz database.
An airing ends `duration_s` after its start, rounded up to the whole second (after rounding the
duration to the millisecond, so that float noise does not add a second): the slot [start, end) then
holds the whole file, which is what a console that books the slot must know. Every file here uses
that end.

Text: titles and session names are written in Unicode NFC; a title's runs of white space (line breaks
and tabs included) become one space, as a title is one line in every one of these files. File names
are written as given (they are paths, which normalisation could break), relative to the bundle's folder
with '/' between folders; a name with a control character (a line break, say) is refused with
ValueError, as no playlist format here can carry it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import quote

from ..core.text import clean_text

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
TZID = "Asia/Ho_Chi_Minh"
TITLE_SEPARATOR = " | "

SCHEDULE_COLUMNS = ["date", "start", "end", "session", "file", "sha256", "duration_s", "titles"]
ASRUN_COLUMNS = ["station", "date", "session", "status", "segment", "reason"]


@dataclass
class Airing:
    """One session that has items, as the station airs it: `file` relative to the bundle's folder."""

    date: dt.date
    start: dt.time
    session: str
    file: str
    sha256: str
    duration_s: float
    titles: list[str]


# ---------------------------------------------------------------- shared helpers


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _line(text: str) -> str:
    """A title or session name on one line: NFC, white space runs made one space."""
    return " ".join(clean_text(text).split())


def _seconds(duration_s: float) -> int:
    """Whole seconds a file takes, rounded up (the duration is rounded to the millisecond first)."""
    return math.ceil(round(float(duration_s), 3))


def starts_at(a: Airing) -> dt.datetime:
    """The airing's start, an aware datetime in Vietnam's time."""
    return dt.datetime.combine(a.date, a.start.replace(tzinfo=None, microsecond=0), tzinfo=VIETNAM)


def ends_at(a: Airing) -> dt.datetime:
    """The airing's end: its start plus its duration rounded up to the whole second."""
    return starts_at(a) + dt.timedelta(seconds=_seconds(a.duration_s))


def epoch(a: Airing) -> int:
    """The airing's start in seconds since 1970-01-01 UTC."""
    return int(starts_at(a).timestamp())


def _checked(airings: Iterable[Airing]) -> list[Airing]:
    """The airings in air order (start, then the order given), their files and durations checked."""
    out = list(airings)
    for a in out:
        if not a.file or re.search("[\x00-\x1f\x7f]", a.file):  # a control character
            raise ValueError(f"airing {a.date} {a.session}: file name {a.file!r} is empty or has a "
                             "control character")
        if a.file.startswith("/") or re.match(r"^[A-Za-z]:", a.file) or ".." in a.file.split("/"):
            raise ValueError(f"airing {a.date} {a.session}: file {a.file!r} is not relative to the "
                             "bundle's folder")
        if not math.isfinite(a.duration_s) or a.duration_s < 0:
            raise ValueError(f"airing {a.date} {a.session}: duration {a.duration_s!r} s")
    return sorted(out, key=starts_at)


def _duration(duration_s: float) -> str:
    """Seconds as the schedule export writes them: the shortest form, to the millisecond."""
    return repr(round(float(duration_s), 3))


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


# ---------------------------------------------------------------- CSV


def schedule_csv(airings: Iterable[Airing]) -> str:
    """`lich-phat.csv`: `date,start,end,session,file,sha256,duration_s,titles`, one row per airing in
    air order, what IP speaker consoles and playout systems import.

    `date` is ISO (2024-03-01); `start` and `end` are local `HH:MM:SS` (end as the module says: start
    plus the duration rounded up to the second; an end past midnight reads smaller than its start, the
    next day); `duration_s` the exact duration, to the millisecond (312.4); `titles` the items' titles in
    running order joined with " | " (a "|" inside a title is kept as it is: the field is for people, the
    manifest has the list). UTF-8 without BOM, as machines read it (a BOM would stick to the first
    column's name in many importers); RFC 4180: CRLF line ends, fields quoted by Python's csv module
    where they hold a comma, a quote or a line break.
    """
    rows = [SCHEDULE_COLUMNS]
    for a in _checked(airings):
        rows.append([a.date.isoformat(), starts_at(a).strftime("%H:%M:%S"),
                     ends_at(a).strftime("%H:%M:%S"), _line(a.session), a.file, a.sha256,
                     _duration(a.duration_s), TITLE_SEPARATOR.join(_line(t) for t in a.titles)])
    return _csv(rows)


def asrun_template_csv(airings: Iterable[Airing], station_code: str) -> str:
    """`bao-cao-phat.csv`: the as-run template in asrun.csv's columns
    (`station,date,session,status,segment,reason`), a row for each row of `lich-phat.csv`, in the same
    order, `status`, `segment` and `reason` empty for the operator to fill in (an empty segment means
    the whole session). UTF-8 with a BOM and CRLF line ends: people open it in Excel, which needs the
    BOM to read UTF-8; the as-run import accepts both.
    """
    rows = [ASRUN_COLUMNS]
    for a in _checked(airings):
        rows.append([station_code, a.date.isoformat(), _line(a.session), "", "", ""])
    return "\ufeff" + _csv(rows)


# ---------------------------------------------------------------- iCalendar (RFC 5545)


def _ics_text(text: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11): backslash, ';', ',' and line breaks."""
    text = _nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """One content line folded (RFC 5545 3.1): at most 75 octets a line, CRLF, a space before each
    continuation (the space counts), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    out, start, room = [], 0, 75
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        out.append(data[start:cut])
        start, room = cut, 74
    out.append(data[start:])
    return b"\r\n ".join(out).decode("utf-8") + "\r\n"


def _month_start(month: str | dt.date) -> dt.date:
    if isinstance(month, dt.date):
        return month.replace(day=1)
    m = re.fullmatch(r"(\d{4})-(\d{2})", month)
    if not m:
        raise ValueError(f"month {month!r}: expected YYYY-MM")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def _session_phrase(session: str) -> str:
    """'sáng' -> 'buổi sáng'; a name that already says 'buổi' is kept."""
    session = _line(session)
    return session if session.lower().startswith("buổi") else f"buổi {session}"


def _clock(seconds: int) -> str:
    m, s = divmod(seconds, 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


def schedule_ics(airings: Iterable[Airing], station_code: str, station_name: str,
                 month: str | dt.date, *, sequence: int = 0) -> str:
    """`lich-phat.ics`: the airings as RFC 5545 events, one VEVENT each, with a reminder (VALARM)
    10 minutes before.

    Times are local, `DTSTART;TZID=Asia/Ho_Chi_Minh:20240301T053000`, with the zone's VTIMEZONE (one
    STANDARD part, +07:00, no DST): the file then reads as lich-phat.csv does, and a reader that ignores
    time zones still shows the hour the station airs, where UTC times would show 22:30 the day before.
    UIDs are `<station>-<date>-<session>@radio-sched` (the session percent-encoded, so ASCII and
    unique; a repeated one gets `-2`, `-3`...), stable across versions of the month's bundle, so that a
    new version updates the events: pass `sequence` (the bundle version minus one) so that calendars
    take it as newer. DTSTAMP is the month's first instant (00:00 in Vietnam, written in UTC), not
    the clock, so that the same airings give the same bytes. CRLF line ends, lines folded at 75 octets.
    """
    start = _month_start(month)
    stamp = dt.datetime.combine(start, dt.time(), tzinfo=VIETNAM).astimezone(dt.timezone.utc)
    stamp_text = stamp.strftime("%Y%m%dT%H%M%SZ")
    name = _line(station_name)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//radio-sched//lich-phat//VI",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             "X-WR-CALNAME:" + _ics_text(f"Lịch phát CCHC tháng {start:%m/%Y} – {name}"),
             f"X-WR-TIMEZONE:{TZID}",
             "BEGIN:VTIMEZONE", f"TZID:{TZID}", "BEGIN:STANDARD", "DTSTART:19700101T000000",
             "TZOFFSETFROM:+0700", "TZOFFSETTO:+0700", "TZNAME:ICT", "END:STANDARD", "END:VTIMEZONE"]
    seen: dict[str, int] = {}
    for a in _checked(airings):
        uid = f"{station_code}-{a.date.isoformat()}-{quote(_line(a.session), safe='')}"
        seen[uid] = seen.get(uid, 0) + 1
        if seen[uid] > 1:
            uid += f"-{seen[uid]}"
        begin, end = starts_at(a), ends_at(a)
        phrase = _session_phrase(a.session)
        summary = f"Phát chuyên mục CCHC – {phrase}"
        titles = [_line(t) for t in a.titles]
        description = "\n".join(
            ["Nội dung:"] + [f"{n}. {t}" for n, t in enumerate(titles, 1)]
            + [f"Tệp: {a.file}", f"Thời lượng: {_clock(_seconds(a.duration_s))}"])
        lines += ["BEGIN:VEVENT", f"UID:{uid}@radio-sched", f"SEQUENCE:{int(sequence)}",
                  f"DTSTAMP:{stamp_text}",
                  f"DTSTART;TZID={TZID}:{begin:%Y%m%dT%H%M%S}",
                  f"DTEND;TZID={TZID}:{end:%Y%m%dT%H%M%S}",
                  "SUMMARY:" + _ics_text(summary),
                  "DESCRIPTION:" + _ics_text(description),
                  "LOCATION:" + _ics_text(name),
                  "BEGIN:VALARM", "ACTION:DISPLAY",
                  "DESCRIPTION:" + _ics_text(f"10 phút nữa: {summary} lúc {begin:%H:%M}"),
                  "TRIGGER:-PT10M", "END:VALARM", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


# ---------------------------------------------------------------- ffmpeg concat list


def ffconcat(airings: Iterable[Airing]) -> str:
    """The month's sessions in air order as an ffmpeg concat-demuxer list, `ffconcat version 1.0`,
    one `file '...'` line each (LF line ends). Names are single-quoted, a quote inside written '\\''
    (the demuxer's quoting; nothing is special between single quotes). ffmpeg reads the names relative
    to the list's folder. Names made only of letters, digits, '.', '_', '-' and '/' (no component
    starting with '.') pass `-safe 1`; any other (a space, an accent) needs `-safe 0`.
    """
    lines = ["ffconcat version 1.0"]
    for a in _checked(airings):
        lines.append("file '" + a.file.replace("'", "'\\''") + "'")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- Liquidsoap


def _liq_string(text: str) -> str:
    """A Liquidsoap 2.x string literal. `#{` would interpolate even when escaped, so it is split."""
    def plain(part: str) -> str:
        out = part.replace("\\", "\\\\").replace('"', '\\"')
        return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", out)

    parts = text.split("#{")
    if len(parts) == 1:
        return f'"{plain(text)}"'
    return "(" + " ^ ".join(f'"{plain(p)}"' for p in
                            [parts[0] + "#"] + [("{" + p + "#") for p in parts[1:-1]]
                            + ["{" + parts[-1]]) + ")"


LIQ_HEADER = """\
# phat.liq: tự động phát chuyên mục CCHC theo lịch phát của tháng (tệp do radio-sched tạo ra).
#
# Cách chạy (cần Liquidsoap 2.x, ví dụ gói "liquidsoap" của Debian/Ubuntu):
#     liquidsoap phat.liq
# Chạy từ thư mục nào cũng được: các tệp âm thanh được tìm bên cạnh tệp phat.liq này, nên hãy
# giải nén cả gói rồi chạy, đừng tách riêng tệp này ra.
# Mỗi buổi phát đúng giờ bắt đầu ghi trong lich-phat.csv, giữa các buổi là khoảng lặng. Giờ là giờ
# Việt Nam (UTC+7) dù máy đặt múi giờ nào; chỉ cần đồng hồ của máy đúng (nên bật đồng bộ giờ tự động).
# Buổi nào đã qua giờ bắt đầu lúc khởi động thì bỏ qua (ghi vào báo cáo phát là "missed").
# Phát xong buổi cuối cùng của lịch, chương trình tự dừng.
#
# Đầu ra: mặc định là card âm thanh của máy (cắm ra bộ khuếch đại), qua đầu ra mặc định của
# Liquidsoap (PulseAudio, ALSA...). Biến môi trường (không bắt buộc):
#     RADIO_SCHED_OUT=/duong/dan/thu.wav   ghi ra tệp WAV thay vì phát ra loa (để thử)
#     RADIO_SCHED_OFFSET_S=-86400          dời mọi giờ phát đi ngần ấy giây (số âm là sớm hơn; để thử)
# Ví dụ phát thử vào tệp, sớm một ngày:
#     RADIO_SCHED_OUT=thu.wav RADIO_SCHED_OFFSET_S=-86400 liquidsoap phat.liq
# Kiểm tra tệp mà không phát:  liquidsoap --check phat.liq
# Liquidsoap không chịu chạy bằng tài khoản root; nếu buộc phải thế:
#     liquidsoap 'settings.init.allow_root.set(true)' phat.liq
# Nhật ký chạy (tiếng Anh) in ra màn hình: mỗi buổi phát, buổi bỏ qua, tệp thiếu.

# Paths are relative to this script, not to the current folder: argv(0) is the script's path.
here = path.dirname(argv(0))
offset_s = float_of_string(default=0., getenv("RADIO_SCHED_OFFSET_S"))
out_path = getenv("RADIO_SCHED_OUT")

# (start in seconds since 1970-01-01 UTC, duration in seconds, file beside this script, label)
"""

LIQ_BODY = """
queue = request.queue(id="phat")
radio = fallback(id="radio", track_sensitive=false, [queue, blank()])

started = time()
print("radio-sched: #{list.length(airings)} airings, times shifted by #{offset_s} s")

def slot_end(a) =
  let (at, duration, _, _) = a
  at + offset_s + duration
end

def ahead(a) =
  let (at, _, _, _) = a
  at + offset_s >= started
end
def announce(a) =
  let (_, _, rel, label) = a
  if not ahead(a) then
    print("radio-sched: skipped, already past at start: #{label}")
  elsif not file.exists(path.concat(here, rel)) then
    print("radio-sched: MISSING FILE #{path.concat(here, rel)} for #{label}")
  end
end
list.iter(announce, airings)
pending = ref(list.filter(ahead, airings))
last_end = list.fold(fun (m, a) -> max(m, slot_end(a)), started, airings)

def stop() =
  print("radio-sched: the schedule is over, stopping")
  shutdown()
end

# Wakes at the next start (at most 10 s later, so that a clock set right meanwhile is followed).
def tick() =
  now = time()
  def due(a) =
    let (at, _, _, _) = a
    at + offset_s <= now
  end
  def air(a) =
    let (at, _, rel, label) = a
    if now < slot_end(a) then
      print("radio-sched: airing #{label}, #{now - at - offset_s} s after its time")
      queue.push.uri(path.concat(here, rel))
    else
      print("radio-sched: missed, its slot was over when the clock reached it: #{label}")
    end
  end
  list.iter(air, list.filter(due, !pending))
  pending := list.filter(fun (a) -> not due(a), !pending)
  if list.is_empty(!pending) then
    thread.run(delay=max(0., last_end + 2. - time()), stop)
    (-1.)
  else
    let (at, _, _, _) = list.hd(default=(now, 0., "", ""), !pending)
    max(0.01, min(at + offset_s - time(), 10.))
  end
end
thread.run.recurrent(tick)

def on_start() =
  print("radio-sched: output started at #{string_of_float(decimal_places=3, time())}")
end
if out_path != "" then
  output.file(%wav, on_start=on_start, out_path, radio)
else
  output(on_start=on_start, radio)
end
"""


def liquidsoap_script(airings: Iterable[Airing]) -> str:
    """`phat.liq`: a Liquidsoap 2.x script (checked with 2.1.3) that airs each session file at its start
    time, silence in between, and stops after the last. Its header tells the operator, in Vietnamese,
    how to run it.

    Each start is written as a UTC epoch computed here, so Liquidsoap needs no time-zone lookup and the
    machine's zone does not matter. Files are found beside the script (`path.dirname(argv(0))`).
    At run time: airings whose start is already past when it starts are skipped; `RADIO_SCHED_OFFSET_S`
    (seconds, default 0) shifts every start, for tests and rehearsals; `RADIO_SCHED_OUT`, when set,
    records to that WAV file instead of the machine's default sound output. It prints
    `radio-sched: output started at <epoch>` when the output opens, and a line for each airing.
    A thread waits until each start and pushes the file to a `request.queue`, which a
    `fallback(track_sensitive=false, [queue, blank()])` plays at once.
    """
    rows = [f"  ({epoch(a)}., {_duration(a.duration_s)}, {_liq_string(a.file)}, "
            f"{_liq_string(f'{a.date.isoformat()} {a.start:%H:%M:%S} {_line(a.session)}')})"
            for a in _checked(airings)]
    table = "airings = [\n" + ",\n".join(rows) + "\n]\n" if rows else "airings = []\n"
    return LIQ_HEADER + table + LIQ_BODY
