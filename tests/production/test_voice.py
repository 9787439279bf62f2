"""Voices: a real espeak-ng run read back by ffprobe; Piper's clear errors, and its command line (run
against a stand-in `piper` script, since piper-tts and its voices are not installed here)."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from radio_sched.core.errors import UserError
from radio_sched.core.i18n import using_lang
from radio_sched.production.speech_text import normalize
from radio_sched.production.voice import EspeakVoice, PiperVoice, voice_for

FFPROBE = shutil.which("ffprobe") or "ffprobe"  # found before a test empties PATH
NOTICE = "Từ ngày 15/3/2024, UBND xã tiếp nhận hồ sơ TTHC từ 7h30 đến 17h."


def _probe(path: Path) -> dict:
    out = subprocess.run([FFPROBE, "-v", "error", "-show_entries",
                          "format=duration,format_name:stream=codec_type,channels", "-of", "json",
                          str(path)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("ffprobe") is None,
                    reason="needs espeak-ng and ffprobe (scripts/setup.sh installs them)")
def test_espeak_speaks_a_notice_to_a_wav(tmp_path):
    out = tmp_path / "nested" / "notice.wav"
    voice = voice_for(None)
    assert isinstance(voice, EspeakVoice) and voice.name == "espeak-ng"
    voice.speak(normalize(NOTICE), out)
    info = _probe(out)
    assert info["format"]["format_name"] == "wav"
    assert [s["codec_type"] for s in info["streams"]] == ["audio"]
    assert float(info["format"]["duration"]) > 1.0
    assert [p.name for p in out.parent.iterdir()] == ["notice.wav"]  # no temporary left behind
    faster = tmp_path / "faster.wav"
    EspeakVoice(speed=220).speak(normalize(NOTICE), faster)
    assert float(_probe(faster)["format"]["duration"]) < float(info["format"]["duration"])


def test_espeak_missing_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(UserError) as err:
        EspeakVoice().speak("xin chào", tmp_path / "a.wav")
    assert "chưa cài espeak-ng" in str(err.value) and "scripts/setup.sh" in str(err.value)
    with using_lang("en"):
        assert str(err.value).startswith("espeak-ng is not installed")
    assert not (tmp_path / "a.wav").exists()


def test_nothing_to_say_is_refused(tmp_path):
    with pytest.raises(UserError, match="không có nội dung"):
        EspeakVoice().speak("  \n ", tmp_path / "a.wav")


def test_piper_model_missing(tmp_path):
    voice = voice_for(tmp_path / "vi_VN-vais1000-medium.onnx")
    assert isinstance(voice, PiperVoice) and voice.name == "piper:vi_VN-vais1000-medium"
    with pytest.raises(UserError) as err:
        voice.speak("xin chào", tmp_path / "a.wav")
    assert "không có tệp mô hình giọng đọc Piper" in str(err.value)
    assert "vi_VN-vais1000-medium.onnx" in str(err.value)
    with using_lang("en"):
        assert "does not exist" in str(err.value)


def _model(tmp_path: Path, *, config: bool = True) -> Path:
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"not really a model")
    if config:
        (tmp_path / "voice.onnx.json").write_text("{}")
    return model


def test_piper_config_missing(tmp_path):
    with pytest.raises(UserError, match="thiếu tệp cấu hình voice.onnx.json"):
        PiperVoice(_model(tmp_path, config=False)).speak("xin chào", tmp_path / "a.wav")


def test_piper_not_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(UserError) as err:
        PiperVoice(_model(tmp_path)).speak("xin chào", tmp_path / "a.wav")
    assert "chưa cài piper" in str(err.value) and "pip install piper-tts" in str(err.value)
    with using_lang("en"):
        assert str(err.value).startswith("piper is not installed")


FAKE_PIPER = """#!{python}
import json, sys, wave
args = sys.argv[1:]
text = sys.stdin.read()
open({log!r}, "w", encoding="utf-8").write(json.dumps([args, text]))
if "hỏng" in text:
    sys.exit("piper: model failed to load")
with wave.open(args[args.index("--output_file") + 1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes(b"\\0\\0" * 33075)
"""


def test_piper_command_line(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "piper-call.txt"
    piper = bin_dir / "piper"
    piper.write_text(FAKE_PIPER.format(python=sys.executable, log=str(log)))
    piper.chmod(piper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    model, out = _model(tmp_path), tmp_path / "out" / "notice.wav"
    PiperVoice(model).speak("Xin chào bà con.", out)
    args, text = json.loads(log.read_text(encoding="utf-8"))
    assert args[:3] == ["--model", str(model), "--output_file"] and len(args) == 4
    assert Path(args[3]).parent == out.parent and text == "Xin chào bà con."
    assert float(_probe(out)["format"]["duration"]) == pytest.approx(1.5)
    with pytest.raises(UserError, match="piper không đọc được văn bản: piper: model failed to load"):
        PiperVoice(model).speak("hỏng", tmp_path / "bad.wav")
    assert not (tmp_path / "bad.wav").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["notice.wav"]


def test_voice_for_refuses_a_file_that_is_not_a_model(tmp_path):
    with pytest.raises(UserError, match="không phải mô hình giọng đọc"):
        voice_for(tmp_path / "giong-doc.wav")
