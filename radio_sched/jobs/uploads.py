"""Segment uploads saved for a job: generated names in a fresh folder, the user's names aside."""

from __future__ import annotations

import re
import shutil
from typing import Any

from werkzeug.datastructures import FileStorage

from ..core.config import Settings, WebSettings
from ..core.errors import UserError
from ..core.i18n import M
from ..core.text import clean_text
from .kinds import new_upload_folder

_EXT = re.compile(r"^[a-z0-9]{1,8}$")


def client_name(storage: FileStorage) -> str:
    """The file's name as the user sees it: no folders (some browsers send a whole Windows path),
    no control characters, NFC. Only ever shown or stored as text, never used as a path."""
    name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return clean_text(name)[:200]


def save_upload(settings: Settings, audio: list[FileStorage], manifest: FileStorage | None,
                web: WebSettings = WebSettings()) -> dict[str, Any]:
    """Save the uploaded files under generated names (f1.mp3, ..., manifest.csv) in a new folder
    inside the library root; the job parameters that describe them."""
    chosen = [f for f in audio if client_name(f)]
    if len(chosen) > web.max_upload_files:
        raise UserError(M("at most {n} files in one upload", "tối đa {n} tệp mỗi lần tải lên",
                          n=web.max_upload_files))
    folder = new_upload_folder(settings)
    try:
        files = []
        for n, storage in enumerate(chosen, 1):
            name = client_name(storage)
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            stored = f"f{n}.{ext}" if _EXT.match(ext) else f"f{n}"
            storage.save(folder / stored)
            files.append({"name": name, "path": stored})
        params: dict[str, Any] = {"upload": folder.name, "files": files, "manifest": None}
        if manifest is not None and client_name(manifest):
            manifest.save(folder / "manifest.csv")
            params["manifest"] = {"name": client_name(manifest), "path": "manifest.csv"}
        return params
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
