"""Rendering a month: sessions within capacity and on target loudness, bundles that check out and
come out byte for byte the same, a new version only when the content changes, clear refusals."""

import hashlib
import io
import json
import shutil
import zipfile

import pytest
from sqlalchemy import func, select

from radio_sched.production import mp3
from radio_sched.production.session_audio import pydub_reference
from radio_sched.core.errors import NotFound, UserError
from radio_sched.core.models import Bundle, Segment
from radio_sched.production.month_render import render_month
from radio_sched.production.session_audio import SessionCache
from radio_sched.reference.plan_rules import load_rules, preset_rules_text
from radio_sched.core.scopes import Scope
from radio_sched.production.bundle import open_bundle
from radio_sched.production.zip_layout import layout_path

from .helpers import PLAN, SHARED, UNIQUE, decoded_samples, ebur128, ffprobe_tags, schedule

def zips(settings):
    """The bundles kept, by the zip's name (what is kept is its layout)."""
    return sorted(p.with_name(p.name.removesuffix(".layout.json") + ".zip")
                  for p in settings.schedules_root.glob("2024-03/*/*.layout.json"))


def read_zip(path):
    with zipfile.ZipFile(open_bundle(path)) as zf:
        return {i.filename: (i, zf.read(i.filename)) for i in zf.infolist()}


def manifest_of(entries):
    name = next(n for n in entries if n.endswith("/manifest.json"))
    return json.loads(entries[name][1])


def audio_of(data):
    return data[mp3.id3v2_size(data):]


def test_sessions_fit_their_capacity_and_measure_on_target(month, settings, tmp_path):
    res = render_month(settings, month, "2024-03")
    assert (res.airings, res.unique_sessions, res.sessions_rendered) == (11, UNIQUE, UNIQUE)
    assert res.without_schedule == ["18301"]
    sessions = {}
    for z in zips(settings):
        entries = read_zip(z)
        man = manifest_of(entries)
        top = z.name.rsplit("-v", 1)[0]
        by_start = {(a["date"], a["start"]): a for a in man["airings"]}
        for f in man["files"]:
            if not f["path"].endswith(".mp3"):
                continue
            data = entries[f"{top}/{f['path']}"][1]
            out = tmp_path / "s.mp3"
            out.write_bytes(data)
            seconds = decoded_samples(out) / 44100
            d, hhmm = f["path"].split("/")[1].split("_")[:2]
            airing = by_start[(d, f"{hhmm[:2]}:{hhmm[2:]}")]
            assert seconds <= airing["capacity_s"], (f["path"], seconds)
            assert seconds == pytest.approx(f["duration_s"], abs=0.001)
            sessions[hashlib.sha256(audio_of(data)).hexdigest()] = data
    assert len(sessions) == UNIQUE  # the same audio bytes behind every station's copy
    for data in sessions.values():  # a whisper, a clipped square and clicks among them
        out = tmp_path / "u.mp3"
        out.write_bytes(data)
        i, tp = ebur128(out)
        assert abs(i + 23) <= 1.0 and tp <= -1.0, (i, tp)


def test_manifest_checksums_and_playlists(month, settings):
    render_month(settings, month, "2024-03")
    for z in zips(settings):
        entries = read_zip(z)
        top = z.name.rsplit("-v", 1)[0]
        man = manifest_of(entries)
        assert man["schedule_version"] == 1 and man["bundle_version"] == 1
        assert man["station"] == top.split("-")[0]
        listed = {f"{top}/{f['path']}" for f in man["files"]}
        assert listed | {f"{top}/manifest.json"} == set(entries)
        for f in man["files"]:
            data = entries[f"{top}/{f['path']}"][1]
            assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["size"]
        playlists = [n for n in entries if n.endswith(".m3u8")]
        assert f"{top}/2024-03.m3u8" in playlists
        assert len(playlists) == len(man["airings"]) + 1
        for name in playlists:
            folder = name.rsplit("/", 1)[0]
            text = entries[name][1].decode("utf-8")
            assert text.startswith("#EXTM3U\n")
            refs = [line for line in text.splitlines() if line and not line.startswith("#")]
            assert refs and all(f"{folder}/{r}" in entries for r in refs)
        html = entries[f"{top}/so-nhat-ky.html"][1].decode("utf-8")
        assert "Người trực ký" in html and html.count("☐") == len(man["airings"])
        readme = entries[f"{top}/README.txt"][1].decode("utf-8-sig")
        assert "Cách dùng" in readme and "\r\n" in readme


def test_each_station_gets_its_own_tags_on_shared_audio(month, settings):
    render_month(settings, month, "2024-03")
    a = read_zip(settings.schedules_root / "2024-03/18073/18073-2024-03-v1.zip")
    b = read_zip(settings.schedules_root / "2024-03/18202/18202-2024-03-v1.zip")
    name = "2024-03-01/2024-03-01_0530_sang.mp3"
    da, db = a[f"18073-2024-03/{name}"][1], b[f"18202-2024-03/{name}"][1]
    assert da != db and audio_of(da) == audio_of(db)
    out = settings.schedules_root / "tagged.mp3"
    out.write_bytes(db)
    tags = ffprobe_tags(out)
    assert tags["artist"] == "Xã Sơn Hồng"
    assert tags["title"] == "Chuyên mục CCHC – sáng 01/03/2024 – Xã Sơn Hồng"
    assert tags["date"].startswith("2024-03-01") and tags["radio_sched_station"] == "18202"


def assembled(z):
    with open_bundle(z) as f:
        return f.read()


def test_zip_is_deterministic_and_reused(month, settings):
    first = render_month(settings, month, "2024-03")
    month.commit()
    before = {z: layout_path(z).read_bytes() for z in zips(settings)}
    zipped = {z: assembled(z) for z in zips(settings)}
    assert not list(settings.schedules_root.rglob("*.zip"))  # no zip is written, only layouts
    for st in first.stations:  # the recorded size and sha256 are the assembled bytes'
        data = zipped[settings.schedules_root / st.bundle.path]
        assert (len(data), hashlib.sha256(data).hexdigest()) == (st.bundle.size, st.bundle.sha256)
    for z, data in before.items():
        entries = read_zip(z)
        names = list(entries)
        # sorted, but lich-phat.csv (it names the MP3s' checksums) and the manifest come last
        assert names[-1].endswith("/manifest.json") and names[-2].endswith("/lich-phat.csv")
        assert names[:-2] == sorted(names[:-2])
        for info, _ in entries.values():
            assert info.date_time == (2024, 3, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_STORED
        listed = {f"{z.name.rsplit('-v', 1)[0]}/{f['path']}": f for f in manifest_of(entries)["files"]}
        assert set(listed) == set(names[:-1])  # every member's sha256 and size as the manifest says
        for name, (_, data) in entries.items():
            if name in listed:
                assert (hashlib.sha256(data).hexdigest(), len(data)) == \
                    (listed[name]["sha256"], listed[name]["size"])
        assert zipfile.ZipFile(io.BytesIO(zipped[z])).testzip() is None
    again = render_month(settings, month, "2024-03")
    assert (again.sessions_rendered, again.parts_prepared) == (0, 0)
    assert {s.bundle.status for s in again.stations} == {"unchanged"}
    assert month.scalar(select(func.count()).select_from(Bundle)) == 4
    # everything on disk gone (cache included): the same schedule gives the same bytes again
    shutil.rmtree(settings.schedules_root)
    third = render_month(settings, month, "2024-03")
    assert {s.bundle.status for s in third.stations} == {"restored"}
    assert {z: layout_path(z).read_bytes() for z in zips(settings)} == before
    assert {z: assembled(z) for z in zips(settings)} == zipped  # byte for byte, across runs
    assert [s.bundle.sha256 for s in third.stations] == [s.bundle.sha256 for s in first.stations]


def test_a_new_bundle_version_only_where_content_changed(month, settings):
    render_month(settings, month, "2024-03")
    changed = dict(PLAN, **{"18073": SHARED[:3] + [(3, "sáng", "05:30", ["speech"])]})
    schedule(month, changed, version=2)
    res = render_month(settings, month, "2024-03")
    status = {s.code: (s.bundle.status, s.bundle.version, s.schedule_version) for s in res.stations}
    assert status["18073"] == ("new", 2, 2)
    assert status["18077"] == ("unchanged", 1, 2)  # schedule v2, same content: v1 stands
    assert res.sessions_rendered == 1
    rows = month.scalars(select(Bundle).where(Bundle.month == "2024-03")).all()
    assert len(rows) == 5
    v2 = read_zip(settings.schedules_root / "2024-03/18073/18073-2024-03-v2.zip")
    assert manifest_of(v2)["schedule_version"] == 2
    assert (settings.schedules_root / "2024-03/18073/18073-2024-03-v1.layout.json").exists()
    # what v2 costs: its layout and the one session it has that no other had; v1 reads the cache
    cache = SessionCache(settings.schedules_root)
    sessions = sorted(cache.root.rglob("*.mp3"))
    assert len(sessions) == UNIQUE + 1
    assert all(layout_path(settings.schedules_root / r.path).stat().st_size < 64_000 for r in rows)
    stray = cache.root / "ff" / ("f" * 64 + ".mp3")
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"no layout reads me")
    assert cache.prune(older_than_s=0) == 1 and sorted(cache.root.rglob("*.mp3")) == sessions
    for r in rows:  # every version recorded, old ones included, still assembles as recorded
        with open_bundle(settings.schedules_root / r.path) as f:
            data = f.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (r.size, r.sha256)


def test_one_station_or_district(month, settings):
    calls = []
    res = render_month(settings, month, "2024-03", Scope("district", "436"),
                       progress=lambda done, total: calls.append((done, total)))
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))
    assert calls[-1] == (len(calls), len(calls)) == (1 + 4 + 2, 7)  # gap, 4 sessions, 2 bundles
    assert [s.code for s in res.stations] == ["18073", "18077"] and res.unique_sessions == 4
    res = render_month(settings, month, "2024-03", Scope("commune", "18205"))
    assert [s.code for s in res.stations] == ["18205"]


def test_a_missing_segment_file_is_named_with_its_airings(month, settings):
    seg = month.scalar(select(Segment).where(Segment.slug == "whisper"))
    for folder in ("originals", "ready"):
        for p in (settings.library_root / folder).rglob("*"):
            if p.is_file() and p.stem in (seg.sha256, seg.ready_sha256):
                p.unlink()
    with pytest.raises(NotFound) as info:
        render_month(settings, month, "2024-03")
    text = str(info.value)
    assert "'whisper' (Tin whisper), cần cho 3 buổi phát" in text
    assert "18073 2024-03-01 chiều" in text and "18202 2024-03-02 chiều" in text
    assert zips(settings) == []


def test_missing_jingle_and_over_capacity_are_refused(month, settings):
    text = preset_rules_text("ha_tinh_2024_rules.toml").replace('"jingle-outro"', '"nhac-hieu-ket"')
    load_rules(month, text=text)
    with pytest.raises(NotFound, match="nhac-hieu-ket"):
        render_month(settings, month, "2024-03")
    load_rules(month, text=preset_rules_text("ha_tinh_2024_rules.toml").replace("gap_s = 1.0",
                                                                                 "gap_s = 3.0"))
    with pytest.raises(UserError) as info:  # the planner counted 1 s gaps; 3 s would run over
        render_month(settings, month, "2024-03")
    assert "vượt thời lượng" in str(info.value) and "18205 2024-03-01 sáng" in str(info.value)
    assert zips(settings) == []


def test_the_plan_target_applies(month, settings, tmp_path):
    load_rules(month, text=preset_rules_text("ha_tinh_2024_rules.toml").replace(
        "loudness_lufs = -23.0", "loudness_lufs = -18.0"))
    res = render_month(settings, month, "2024-03", Scope("commune", "18205"))
    assert res.parts_prepared == 3  # intro, item and outro made again for -18 LUFS
    entries = read_zip(settings.schedules_root / "2024-03/18205/18205-2024-03-v1.zip")
    out = tmp_path / "s.mp3"
    out.write_bytes(entries["18205-2024-03/2024-03-01/2024-03-01_0530_sang.mp3"][1])
    i, tp = ebur128(out)
    assert abs(i + 18) <= 1.0 and tp <= -1.0


def test_english_bundle(month, settings):
    render_month(settings.with_(lang="en"), month, "2024-03",
                 Scope("commune", "18205"))
    entries = read_zip(settings.schedules_root / "2024-03/18205/18205-2024-03-v1.zip")
    readme = entries["18205-2024-03/README.txt"][1].decode("utf-8-sig")
    assert "How to use it" in readme
    assert "Broadcast log" in entries["18205-2024-03/so-nhat-ky.html"][1].decode()


def test_fast_join_sounds_like_the_pydub_assembly(month, settings, tmp_path):
    res = render_month(settings, month, "2024-03", Scope("commune", "18205"))
    entries = read_zip(settings.schedules_root / res.stations[0].bundle.path)
    fast = tmp_path / "fast.mp3"
    fast.write_bytes(entries["18205-2024-03/2024-03-01/2024-03-01_0530_sang.mp3"][1])
    segs = {s.slug: s for s in month.scalars(select(Segment))}
    parts = [settings.library_root / "ready" / segs[s].ready_sha256[:2] / f"{segs[s].ready_sha256}.mp3"
             for s in ("jingle-intro", "stereo", "jingle-outro")]
    ref = pydub_reference(parts, 1.0, 44100)
    ref_file = tmp_path / "ref.wav"
    ref.export(ref_file, format="wav").close()
    fast_s = decoded_samples(fast) / 44100
    assert abs(fast_s - ref.duration_seconds) <= 2 * 1152 / 44100  # gaps are whole frames
    assert abs(ebur128(fast)[0] - ebur128(ref_file)[0]) <= 0.3
