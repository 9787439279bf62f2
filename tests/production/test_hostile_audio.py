"""Broken and hostile audio given to `segments add`: cut short, hours long, not audio under an audio
name. Each is refused with its reason and nothing is stored; the whole file still goes in."""

from __future__ import annotations

import subprocess
import zipfile

import pytest
from sqlalchemy import select

from radio_sched.core.models import Segment

from .helpers import make_audio


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
                   check=True)


def cut(path, fraction: float, name: str):
    data = path.read_bytes()
    out = path.with_name(name)
    out.write_bytes(data[:int(len(data) * fraction) + 37])  # + 37: not on a frame boundary
    return out


@pytest.fixture
def add(runner, tiny, tmp_path):
    def add(*files, lang="vi"):
        res = runner(["--library", str(tmp_path / "library"), "--lang", lang, "segments", "add",
                      *map(str, files), "--kind", "service_guide"])
        tiny.expire_all()
        return res, tiny.scalars(select(Segment.slug)).all()
    return add


def test_a_file_cut_short_is_refused_and_the_whole_one_goes_in(add, tmp_path):
    mp3 = make_audio(tmp_path / "ban-tin.mp3", "sine", 8.0)  # LAME writes its frame count
    wav = make_audio(tmp_path / "thong-bao.wav", "sine", 8.0)  # RIFF says how many bytes follow
    res, stored = add(cut(mp3, 0.5, "ban-tin-cut.mp3"), cut(wav, 0.4, "thong-bao-cut.wav"))
    assert res.exit_code == 1 and stored == []
    assert "ban-tin-cut.mp3: tệp bị cắt cụt: phần đầu tệp ghi dài 0:08 nhưng chỉ có 0:04" \
        in res.output
    assert "thong-bao-cut.wav: tệp bị cắt cụt" in res.output and "Traceback" not in res.output
    res, _ = add(cut(mp3, 0.5, "again.mp3"), lang="en")
    assert "the file is cut short: its header says it lasts 0:08" in res.output
    res, stored = add(mp3, wav)
    assert res.exit_code == 0 and sorted(stored) == ["ban-tin", "thong-bao"]


def test_an_hours_long_file_is_refused_before_it_is_decoded(add, tmp_path):
    """Two hours of MP3 made by repeating whole frames of one second (no header to trust): the
    probe's length refuses it; the decoder never reads two hours."""
    second = tmp_path / "second.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=1:sample_rate=8000", "-c:a", "libmp3lame",
           "-b:a", "8k", "-write_xing", "0", "-id3v2_version", "0", str(second))
    long = tmp_path / "hoi-nghi-2-gio.mp3"
    long.write_bytes(second.read_bytes() * 7200)
    res, stored = add(long)
    assert res.exit_code == 1 and stored == []
    # (each repeated second carries the encoder's padding: a little over two hours)
    assert "hoi-nghi-2-gio.mp3: tệp dài 2:" in res.output and "tối đa 1:00:00" in res.output


@pytest.mark.parametrize("kind", ["zip", "html", "garbage_after_id3", "video_only"])
def test_things_that_are_not_audio_under_an_audio_name(add, tmp_path, kind):
    path = tmp_path / f"{kind}.mp3"
    if kind == "zip":  # a station sends its bundle back as an episode
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("a.txt", "xin chào" * 1000)
    elif kind == "html":  # a download page saved under the file's name
        path.write_text("<html><body>Không tìm thấy tệp</body></html>" * 100, encoding="utf-8")
    elif kind == "garbage_after_id3":
        header = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10
        path.write_bytes(header + bytes(range(256)) * 400)
    else:
        ffmpeg("-f", "lavfi", "-i", "color=c=red:s=64x64:d=2", "-c:v", "mpeg4", "-f", "mp4",
               str(path))
    res, stored = add(path)
    assert res.exit_code == 1 and stored == [], res.output
    assert f"{kind}.mp3:" in res.output and "Traceback" not in res.output
    assert any(w in res.output for w in ("không phải tệp âm thanh", "không có luồng âm thanh",
                                         "không giải mã được")), res.output
    # a plain sentence: ffmpeg's own words ("Invalid data found...", stream maps) stay in the log
    for raw in ("Invalid data", "ffprobe", "ffmpeg", " / ", "Error", "moov", "0:a:0"):
        assert raw not in res.output, (raw, res.output)


EVIL = '<img src=x onerror="alert(1)" data-evil>'


def test_markup_in_titles_and_names_is_text_in_the_bundle_sheets(month, settings):
    """The printable schedule and log sheet a station opens in its browser, from a bundle."""
    import re

    from sqlalchemy import update

    from radio_sched.production.bundle import iter_bundle
    from radio_sched.core.models import Station
    from radio_sched.production.month_render import render_month

    month.execute(update(Segment).values(title=Segment.title + " " + EVIL))
    month.execute(update(Station).where(Station.code == "18073").values(name="Nam Hà " + EVIL))
    month.commit()
    res = render_month(settings, month, "2024-03", station_ids=[
        month.scalar(select(Station.id).where(Station.code == "18073"))])
    sheets = {name.rsplit("/", 1)[-1]: data.decode("utf-8")
              for name, data in iter_bundle(settings.schedules_root / res.stations[0].bundle.path)
              if name.endswith(".html")}
    assert sorted(sheets) == ["lich-phat.html", "so-nhat-ky.html"]
    for name, html in sheets.items():
        assert not re.search(r"<img[^>]*data-evil", html), name
        assert "&lt;img src=x onerror=" in html, name
