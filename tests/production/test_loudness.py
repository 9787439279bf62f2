"""Probing, refusing and normalising real audio; the results measured again with ffmpeg's ebur128."""

import pytest

from radio_sched.production import mp3
from radio_sched.production.loudness import analyse, normalise
from radio_sched.production.probe import AudioRefused, probe
from radio_sched.core.config import AudioSettings

from .helpers import decoded_samples, ebur128, make_audio

AUDIO = AudioSettings()


@pytest.mark.parametrize("name", ["speech", "whisper", "square", "clicks", "noise", "stereo",
                                  "jingle-intro"])
def test_every_input_is_brought_to_target(sources, tmp_path, name):
    a = analyse(sources[name], AUDIO)
    out = tmp_path / "ready.mp3"
    enc = normalise(sources[name], out, a, AUDIO)
    i, tp = ebur128(out)
    assert abs(i - AUDIO.loudness_lufs) <= 0.5, (name, i)
    assert tp <= AUDIO.true_peak_dbtp - 0.2, (name, tp)
    info = mp3.scan(out.read_bytes())
    assert info.start == 0  # no tags, no Info frame: parts join byte for byte
    assert decoded_samples(out) == info.samples == enc.frames.samples
    assert info.sample_rate == AUDIO.sample_rate


def test_the_limiter_steps_in_for_peaky_audio(sources, tmp_path):
    a = analyse(sources["clicks"], AUDIO)
    assert a.loudness.true_peak_dbtp + (AUDIO.loudness_lufs - a.loudness.integrated_lufs) > -1
    enc = normalise(sources["clicks"], tmp_path / "r.mp3", a, AUDIO)
    assert enc.limit_db is not None


def test_another_target_from_the_plan(sources, tmp_path):
    audio = AudioSettings(loudness_lufs=-16.0, true_peak_dbtp=-2.0)
    a = analyse(sources["speech"], audio)
    normalise(sources["speech"], tmp_path / "r.mp3", a, audio)
    i, tp = ebur128(tmp_path / "r.mp3")
    assert abs(i + 16) <= 0.5 and tp <= -2.0


def test_leading_and_trailing_silence_is_trimmed(sources):
    a = analyse(sources["square"], AUDIO)  # 1 s silence, 5 s square, 1.5 s silence
    assert a.duration_s == pytest.approx(7.5, abs=0.06)
    assert a.trim_start / a.sample_rate == pytest.approx(1.0, abs=0.05)
    assert a.kept_s == pytest.approx(5.0, abs=0.08)


def _refusal(path, settings=AUDIO):
    with pytest.raises(AudioRefused) as info:
        probe(path, settings)
        analyse(path, settings)
    return info.value.reason.render("vi"), info.value.reason.render("en")


def test_refusals_say_why(tmp_path):
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    assert "rỗng" in _refusal(empty)[0]
    text = tmp_path / "notes.mp3"
    text.write_text("Đây không phải âm thanh\n" * 50, encoding="utf-8")
    vi, en = _refusal(text)
    assert "không phải tệp âm thanh" in vi and "not an audio file" in en
    assert "ffmpeg" not in vi + en and "Invalid data" not in vi + en  # the tool's words stay in the log
    silent = make_audio(tmp_path / "silent.wav", "silence", 3.0)
    vi, en = _refusal(silent)
    assert "im lặng" in vi and "silent" in en
    long = make_audio(tmp_path / "long.wav", "sine", 6.0)
    vi, en = _refusal(long, AudioSettings(max_segment_s=5.0))
    assert "tối đa" in vi and "0:05" in en
    short = make_audio(tmp_path / "short.wav", "sine", 0.4, lead_s=1.0, tail_s=1.0)
    vi, en = _refusal(short)
    assert "cắt khoảng lặng" in vi and "at least 1 s" in en
    missing = tmp_path / "nowhere.wav"
    assert "không đọc được" in _refusal(missing)[0]
