"""Adding segments: content-addressed storage, ready parts, duplicates, refusals that change nothing."""

import hashlib
import shutil

import pytest
from sqlalchemy import func, select

from radio_sched.production.catalogue import (
    add_segments, slugify, specs_from_files, specs_from_manifest
)
from radio_sched.production.parts import Library, ceil_ms
from radio_sched.core.errors import InputErrors, UserError
from radio_sched.core.models import BEGINNING, Segment

from ..helpers import write
from .helpers import decoded_samples, ebur128, make_audio

pytestmark = pytest.mark.all_backends


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(session):
    return session.scalar(select(func.count()).select_from(Segment))


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) \
        if root.exists() else []


def test_slugs_from_vietnamese_file_names():
    assert slugify("Bản tin CCHC số 1") == "ban-tin-cchc-so-1"
    assert slugify("Đăng ký khai sinh (bản mới)") == "dang-ky-khai-sinh-ban-moi"
    assert slugify("jingle_intro.v2") == "jingle_intro.v2"


def test_add_stores_original_and_ready_part(tiny, settings, sources):
    src = sources["square"]
    res = add_segments(tiny, settings, specs_from_files(
        tiny, [src], kind="district_episode", title="Chuyên mục số 1", scope="district:436",
        valid_from="01/03/2024", valid_until="2024-03-31", topics="CCHC; khai sinh"))
    assert res.added == ["square"]
    seg = tiny.scalar(select(Segment))
    lib = Library(settings.library_root)
    original = lib.original(sha(src), "mp3")
    assert original == settings.library_root / "originals" / seg.sha256[:2] / f"{seg.sha256}.mp3"
    assert original.read_bytes() == src.read_bytes()
    ready = lib.ready_path(seg.ready_sha256)
    assert sha(ready) == seg.ready_sha256
    # the planner's duration is what the ready part really plays, rounded up to the millisecond
    assert seg.duration_s == ceil_ms(decoded_samples(ready) / 44100)
    assert 5.0 <= seg.duration_s <= 5.2  # the 2.5 s of silence around it was trimmed
    assert seg.original_duration_s == pytest.approx(7.5, abs=0.06)
    assert seg.loudness_lufs > -5  # measured on the original: a clipped square is loud
    i, tp = ebur128(ready)
    assert abs(i + 23) <= 0.5 and tp <= -1
    assert (seg.scope, seg.topics, seg.title, seg.valid_from.isoformat()) == \
        ("district:436", "CCHC;khai sinh", "Chuyên mục số 1", "2024-03-01")
    assert not any(".tmp-" in p for p in stored_files(settings.library_root))


def test_same_bytes_are_stored_once(tiny, settings, sources):
    specs = specs_from_files(tiny, [sources["speech"]], kind="service_guide")
    add_segments(tiny, settings, specs)
    before = stored_files(settings.library_root)
    res = add_segments(tiny, settings, specs_from_files(tiny, [sources["speech"]], kind="service_guide"))
    assert res.unchanged == ["speech"] and not res.added
    res = add_segments(tiny, settings, specs_from_files(tiny, [sources["speech"]], kind="service_guide",
                                                        title="Hướng dẫn khai sinh"))
    assert res.updated == ["speech"]
    assert stored_files(settings.library_root) == before
    copy = settings.library_root.parent / "renamed.wav"
    shutil.copy(sources["speech"], copy)
    with pytest.raises(InputErrors) as info:
        add_segments(tiny, settings, specs_from_files(tiny, [copy], kind="service_guide"))
    assert "đã có trong thư viện là mục 'speech'" in str(info.value)
    assert count(tiny) == 1 and stored_files(settings.library_root) == before


def test_same_id_with_other_audio_needs_replace(tiny, settings, sources):
    add_segments(tiny, settings, specs_from_files(tiny, [sources["speech"]], kind="service_guide",
                                                  slug="guide"))
    old = tiny.scalar(select(Segment)).sha256
    with pytest.raises(InputErrors) as info:
        add_segments(tiny, settings, specs_from_files(tiny, [sources["whisper"]],
                                                      kind="service_guide", slug="guide"))
    assert "--replace" in str(info.value)
    assert tiny.scalar(select(Segment)).sha256 == old
    res = add_segments(tiny, settings, specs_from_files(tiny, [sources["whisper"]],
                                                        kind="service_guide", slug="guide"),
                       replace=True)
    assert res.replaced == ["guide"]
    seg = tiny.scalar(select(Segment))
    assert seg.sha256 == sha(sources["whisper"]) and seg.ready_sha256


def test_manifest_import(tiny, settings, sources, tmp_path):
    folder = tmp_path / "upload"
    (folder / "audio").mkdir(parents=True)
    for name in ("speech", "square", "jingle-intro"):
        shutil.copy(sources[name], folder / "audio" / sources[name].name)
    # NFD text, a BOM and CRLF, as spreadsheets on Windows save it; an extra id column
    manifest = write(folder / "segments.csv", (
        "file,title,kind,scope,valid_from,valid_until,topics,language,producer,id\n"
        "audio/speech.wav,Hướng dẫn đăng ký khai sinh,service_guide,commune:18073,2024-03-01,,"
        "khai sinh;dịch vụ công,vi,UBND phường Nam Hà,\n"
        "audio/square.mp3,Chuyên mục CCHC số 1,district_episode,district:436,01/03/2024,31/03/2024,"
        "CCHC,vi,Trung tâm VHTT,ep-2024-03\n"
        "audio/jingle-intro.wav,Nhạc hiệu mở đầu,jingle,province,,,,,,jingle-intro\n"
    ).replace("\u1ea1", "a\u0323"), bom=True, crlf=True)
    res = add_segments(tiny, settings, specs_from_manifest(tiny, manifest), jobs=2)
    assert sorted(res.added) == ["ep-2024-03", "jingle-intro", "speech"]
    segs = {s.slug: s for s in tiny.scalars(select(Segment))}
    assert segs["speech"].title == "Hướng dẫn đăng ký khai sinh"  # NFC again
    assert segs["speech"].scope == "commune:18073" and segs["speech"].producer == "UBND phường Nam Hà"
    assert segs["jingle-intro"].kind == "jingle" and segs["jingle-intro"].valid_from == BEGINNING
    assert segs["ep-2024-03"].valid_until.isoformat() == "2024-03-31"


def test_a_bad_manifest_changes_nothing(tiny, settings, sources, tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    shutil.copy(sources["speech"], folder / "ok.wav")
    make_audio(folder / "silent.wav", "silence", 3.0)
    (folder / "broken.mp3").write_bytes(b"ID3 not really audio" * 100)
    manifest = write(folder / "segments.csv", (
        "file,title,kind,scope,valid_from,valid_until\n"
        "ok.wav,Tin tốt,service_guide,province,,\n"
        "silent.wav,Tin im lặng,service_guide,province,,\n"
        "broken.mp3,Tin hỏng,service_guide,province,,\n"
        "absent.wav,Tin thiếu,service_guide,province,,\n"
        "ok.wav,Sai loại,Service Guide!,district:999,2024-13-01,\n"))
    with pytest.raises(InputErrors) as info:
        add_segments(tiny, settings, specs_from_manifest(tiny, manifest))
    text = str(info.value)
    assert "dòng 6, cột 'kind'" in text and "dòng 6, cột 'scope'" in text
    assert "dòng 6, cột 'valid_from'" in text and "dòng 5, cột 'file'" in text
    # the rows are fine now, the audio is not: still every problem at once, nothing stored
    manifest = write(folder / "segments.csv", (
        "file,title,kind,scope\n"
        "ok.wav,Tin tốt,service_guide,province\n"
        "silent.wav,Tin im lặng,service_guide,province\n"
        "broken.mp3,Tin hỏng,service_guide,province\n"))
    with pytest.raises(InputErrors) as info:
        add_segments(tiny, settings, specs_from_manifest(tiny, manifest), jobs=2)
    text = str(info.value)
    assert "dòng 3, cột 'file': silent.wav: tệp im lặng" in text
    assert "dòng 4, cột 'file': broken.mp3: không phải tệp âm thanh" in text
    assert "không nhập dữ liệu nào" in text
    assert count(tiny) == 0 and stored_files(settings.library_root) == []


def test_two_rows_with_one_file_or_one_id(tiny, settings, sources, tmp_path):
    shutil.copy(sources["speech"], tmp_path / "a.wav")
    shutil.copy(sources["speech"], tmp_path / "b.wav")
    manifest = write(tmp_path / "segments.csv", "file,title,kind,scope,id\n"
                     "a.wav,A,service_guide,province,x\nb.wav,B,service_guide,province,y\n")
    with pytest.raises(InputErrors, match="trùng âm thanh với a.wav"):
        add_segments(tiny, settings, specs_from_manifest(tiny, manifest))
    with pytest.raises(UserError, match="--id"):
        specs_from_files(tiny, [tmp_path / "a.wav", tmp_path / "b.wav"], kind="x", slug="same")
