"""Voices that turn Vietnamese text into a WAV file: espeak-ng (installed with the program) or a
Piper neural voice (the `piper` command of the PyPI package piper-tts and a voice model .onnx).

A voice speaks the text it is given; normalising the text (speech_text.normalize) is the caller's
step. The WAV appears whole or not at all.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..core.errors import UserError
from ..core.i18n import M, Msg


class Voice(Protocol):
    """Something that speaks: `name` says which voice (shown to users, kept with a segment)."""

    name: str

    def speak(self, text: str, out_wav: Path) -> None:
        """Write the speech of `text` to `out_wav` (replaced if it exists); raise UserError if not."""


def _program(name: str, hint: Msg) -> str:
    path = shutil.which(name)
    if path is None:
        raise UserError(M("{name} is not installed: {hint}", "chưa cài {name}: {hint}",
                          name=name, hint=hint))
    return path


def _run(cmd: list[str], text: str, out_wav: Path, *, tmp_arg: int) -> None:
    """Run a synthesiser with the text on stdin, writing to a temporary WAV that replaces out_wav
    only when the program succeeded and wrote something; cmd[tmp_arg] is where the WAV path goes."""
    if not text.strip():
        raise UserError(M("there is no text to speak", "không có nội dung để đọc"))
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_wav.with_name(f".tmp-{os.getpid()}-{secrets.token_hex(4)}-{out_wav.name}")
    cmd = [*cmd[:tmp_arg], str(tmp), *cmd[tmp_arg + 1:]]
    try:
        proc = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True)
        if proc.returncode != 0 or not tmp.is_file() or tmp.stat().st_size <= 44:  # a bare header
            tail = " / ".join(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:])
            raise UserError(M("{prog} could not speak the text: {detail}",
                              "{prog} không đọc được văn bản: {detail}", prog=Path(cmd[0]).name,
                              detail=tail or f"exit code {proc.returncode}"))
        tmp.replace(out_wav)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class EspeakVoice:
    """espeak-ng's Vietnamese voice: robotic but always there (scripts/setup.sh installs it)."""

    speed: int = 150  # words a minute; espeak-ng's default (175) is hurried for loudspeakers
    pitch: int = 50
    language: str = "vi"
    name: str = field(default="espeak-ng", init=False)

    def speak(self, text: str, out_wav: Path) -> None:
        exe = _program("espeak-ng", M("run scripts/setup.sh or apt-get install espeak-ng",
                                      "hãy chạy scripts/setup.sh hoặc apt-get install espeak-ng"))
        cmd = [exe, "-v", self.language, "-s", str(self.speed), "-p", str(self.pitch), "-w", "",
               "--stdin"]
        _run(cmd, text, out_wav, tmp_arg=cmd.index("-w") + 1)


@dataclass(frozen=True)
class PiperVoice:
    """A Piper voice: `model_path` is its .onnx file, with its .onnx.json config beside it."""

    model_path: Path

    @property
    def name(self) -> str:
        return f"piper:{self.model_path.stem}"

    def check(self) -> str:
        """The piper program's path, once the model and its config are found."""
        model = self.model_path
        if not model.is_file():
            raise UserError(M("the Piper voice model {path} does not exist (a voice is a .onnx file "
                              "and its .onnx.json, e.g. vi_VN-vais1000-medium.onnx)",
                              "không có tệp mô hình giọng đọc Piper {path} (một giọng đọc gồm tệp "
                              ".onnx và tệp .onnx.json đi kèm, ví dụ vi_VN-vais1000-medium.onnx)",
                              path=str(model)))
        config = model.with_name(model.name + ".json")
        if not config.is_file():
            raise UserError(M("the Piper voice model {path} has no config {config} beside it",
                              "mô hình giọng đọc Piper {path} thiếu tệp cấu hình {config} đi kèm",
                              path=str(model), config=config.name))
        return _program("piper", M("install the PyPI package piper-tts (pip install piper-tts), "
                                   "or leave out the voice model to use espeak-ng",
                                   "hãy cài gói piper-tts (pip install piper-tts), hoặc bỏ mô hình "
                                   "giọng đọc để dùng espeak-ng"))

    def speak(self, text: str, out_wav: Path) -> None:
        cmd = [self.check(), "--model", str(self.model_path), "--output_file", ""]
        _run(cmd, text, out_wav, tmp_arg=len(cmd) - 1)


def voice_for(model: Path | None) -> Voice:
    """The voice to speak with: Piper for a .onnx voice model, espeak-ng when none is given."""
    if model is None:
        return EspeakVoice()
    if model.suffix.lower() != ".onnx":
        raise UserError(M("{path} is not a voice model: give a Piper .onnx file, or none for espeak-ng",
                          "{path} không phải mô hình giọng đọc: hãy chỉ tệp .onnx của Piper, hoặc "
                          "bỏ trống để dùng espeak-ng", path=str(model)))
    return PiperVoice(model)
