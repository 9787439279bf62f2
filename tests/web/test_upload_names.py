"""Path traversal in upload names: whatever name a browser sends, the file is stored under a name
the server makes, inside a fresh folder of the library; the user's name is only text."""

from __future__ import annotations

import html
import io

from werkzeug.datastructures import FileStorage

from radio_sched.jobs.uploads import client_name, save_upload

from .test_district_work import signed_in, upload, uploads_left

HOSTILE = ["../../../../etc/cron.d/evil.mp3", "..\\..\\Windows\\System32\\evil.mp3",
           "/etc/passwd", "C:\\Users\\x\\Bản tin số 9.mp3", "tin\x00.mp3\x00.sh", "..", ".",
           "....//....//x.mp3", "%2e%2e%2fenc.mp3", "a" * 300 + ".mp3", ".hidden.mp3"]


def test_stored_names_are_made_by_the_server(workshop, tmp_path):
    files = [FileStorage(io.BytesIO(b"ID3 audio " + n.encode("utf-8", "replace")), filename=n)
             for n in HOSTILE]
    params = save_upload(workshop.settings, files, None)
    folder = workshop.settings.library_root / ".uploads" / params["upload"]
    stored = sorted(p.name for p in folder.iterdir())
    kept = [f for f in params["files"]]
    assert all(f["path"].startswith("f") and "/" not in f["path"] and ".." not in f["path"]
               for f in kept)
    assert stored == sorted(f["path"] for f in kept)  # nothing anywhere else
    names = [f["name"] for f in kept]
    assert "evil.mp3" in names and "Bản tin số 9.mp3" in names and "passwd" in names
    assert all("/" not in n and "\\" not in n and "\x00" not in n and len(n) <= 200
               for n in names)
    assert client_name(FileStorage(io.BytesIO(b""), filename="..")) == ".."  # text, never a path
    assert not (tmp_path.parent / "etc").exists()


def test_a_refused_upload_names_the_users_file_as_text_and_keeps_nothing(work_app, workshop):
    d = signed_in(work_app, "d436")
    episode = workshop.audio["episode"].read_bytes()
    r = upload(d, [(episode, "../../../../etc/<i onclick=x>evil.mp3")], kind="Tập phim")
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and "<i onclick" not in text
    assert "&lt;i onclick=x&gt;evil.mp3" in text and "etc/" not in html.unescape(text)
    assert uploads_left(workshop) == []
