"""MP3 frames and ID3 headers, checked against what ffmpeg and ffprobe make of them."""

import subprocess

import pytest

from radio_sched.production import mp3

from .helpers import decoded_samples, ffprobe_tags, make_audio


@pytest.fixture
def encoded(tmp_path):
    src = make_audio(tmp_path / "a.wav", "sine", 2.3)
    out = tmp_path / "a.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(src), "-ac", "1", "-c:a",
                    "libmp3lame", "-b:a", "64k", "-reservoir", "0", str(out)], check=True)
    return out  # with ffmpeg's default ID3v2 tag and Xing/Info frame


def test_scan_counts_the_frames_a_decoder_plays(encoded):
    info = mp3.scan(encoded.read_bytes())
    assert info.sample_rate == 44100 and info.samples_per_frame == 1152
    assert info.start > 0  # the ID3 tag and the Info frame are not audio
    body, frames = mp3.audio_frames(encoded.read_bytes())
    bare = encoded.with_name("bare.mp3")
    bare.write_bytes(body)
    assert decoded_samples(bare) == frames.samples == info.samples
    assert 2.3 <= frames.duration_s <= 2.3 + 3 * 1152 / 44100


def test_joined_frames_play_for_the_sum_of_their_parts(encoded, tmp_path):
    body, frames = mp3.audio_frames(encoded.read_bytes())
    joined = tmp_path / "joined.mp3"
    joined.write_bytes(body * 3)
    assert decoded_samples(joined) == 3 * frames.samples


def test_garbage_and_truncation_are_not_mp3(encoded):
    data = encoded.read_bytes()
    with pytest.raises(mp3.NotMp3):
        mp3.scan(b"this is text, not audio" * 10)
    with pytest.raises(mp3.NotMp3):
        mp3.scan(data[:-50])
    with pytest.raises(mp3.NotMp3):
        mp3.scan(data[:mp3.scan(data).start])  # tags alone


def test_id3_header_is_read_by_ffprobe(encoded, tmp_path):
    body, _ = mp3.audio_frames(encoded.read_bytes())
    header = mp3.id3v23(title="Chuyên mục CCHC – sáng 01/03/2024", artist="Phường Nam Hà",
                        album="CCHC 2024-03", date="2024-03-01", time="05:30", comment="Bản tin số 1",
                        extra={"RADIO_SCHED_STATION": "18073", "RADIO_SCHED_SESSION": "sáng"})
    tagged = tmp_path / "tagged.mp3"
    tagged.write_bytes(header + body)
    tags = ffprobe_tags(tagged)
    assert tags["title"] == "Chuyên mục CCHC – sáng 01/03/2024"
    assert tags["artist"] == "Phường Nam Hà"
    assert tags["date"].startswith("2024-03-01")
    assert tags["radio_sched_session"] == "sáng"
    assert tags["comment"] == "Bản tin số 1"
    assert mp3.id3v2_size(header + body) == len(header)
    assert mp3.scan(header + body).count == mp3.scan(body).count
