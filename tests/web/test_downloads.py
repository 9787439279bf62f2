"""Bundle downloads: ETag, If-None-Match, Range, file names; never a file outside the root."""

import hashlib
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from radio_sched.core.db import session_scope
from radio_sched.core.models import Bundle, Schedule
from radio_sched.access.tokens import revoke_token

from radio_sched.production.bundle import open_bundle
from radio_sched.production.zip_layout import layout_path

from .data import add_bundle, station

pytestmark = pytest.mark.all_backends

URL = "/station/18073/2024-03/bundle"


def get(client, url, method="GET", **kw):
    """The whole answer, with its file closed (the test client leaves streamed bodies open)."""
    r = client.open(url, method=method, **kw)
    r.get_data()
    r.close()
    return r


@pytest.fixture
def op(as_user):
    return as_user("op18073")


def test_full_download_with_etag_and_file_names(op, site):
    sha, size, data = site.bundles["18073"]
    r = op.get(URL, buffered=False)
    assert r.is_streamed  # streamed from disk, not read into memory first
    body = b"".join(r.response)
    r.close()
    assert r.status_code == 200 and body == data and hashlib.sha256(body).hexdigest() == sha
    assert r.headers["ETag"] == f'"{sha}"'
    assert r.headers["Accept-Ranges"] == "bytes" and int(r.headers["Content-Length"]) == size
    assert r.mimetype == "application/zip"
    cd = r.headers["Content-Disposition"]
    assert cd.startswith('attachment; filename="radio-sched_2024-03_18073_phuong-nam-ha_v1.zip"')
    assert cd.isascii()
    assert unquote(cd.split("filename*=UTF-8''")[1]) == "Phường Nam Hà (18073) 2024-03 v1.zip"
    assert "private" in r.headers["Cache-Control"]


def test_if_none_match(op, site):
    sha = site.bundles["18073"][0]
    r = get(op, URL, headers={"If-None-Match": f'"{sha}"'})
    assert r.status_code == 304 and r.data == b""
    assert get(op, URL, headers={"If-None-Match": '"0000"'}).status_code == 200


def test_ranges_resume_a_dropped_download(op, site):
    sha, size, data = site.bundles["18073"]
    r = get(op, URL, headers={"Range": "bytes=100-199"})
    assert r.status_code == 206 and r.data == data[100:200]
    assert r.headers["Content-Range"] == f"bytes 100-199/{size}"
    r = get(op, URL, headers={"Range": f"bytes={size - 1000}-"})
    assert r.status_code == 206 and r.data == data[-1000:]
    r = get(op, URL, headers={"Range": "bytes=-10"})
    assert r.status_code == 206 and r.data == data[-10:]
    r = get(op, URL, headers={"Range": f"bytes={size}-"})
    assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{size}"
    # resuming against the same version continues; against a changed one restarts whole
    r = get(op, URL, headers={"Range": "bytes=50-", "If-Range": f'"{sha}"'})
    assert r.status_code == 206 and r.data == data[50:]
    r = get(op, URL, headers={"Range": "bytes=50-", "If-Range": '"an-older-version"'})
    assert r.status_code == 200 and r.data == data
    head = get(op, URL, method="HEAD")
    assert head.status_code == 200 and head.data == b"" and int(head.headers["Content-Length"]) == size


def test_a_resume_at_every_seam_of_the_assembled_zip(op, site):
    """The zip is assembled from headers kept in its layout and a range of a cached file: a
    resume that starts or ends at, or just around, each seam gets the right bytes."""
    sha, size, data = site.bundles["18073"]
    with session_scope(site.db_url) as s:
        rel = s.scalar(select(Bundle).where(Bundle.sha256 == sha)).path
    with open_bundle(site.root / rel) as reader:
        seams = [p.start for p in reader._pieces[1:]]
        # README | the MP3's local header and tag | its audio in the cache | central directory
        assert len(seams) == 3 and reader.sha256 == sha
    for at in seams:
        for start in (at - 1, at, at + 1):
            r = get(op, URL, headers={"Range": f"bytes={start}-", "If-Range": f'"{sha}"'})
            assert r.status_code == 206 and r.data == data[start:]
            r = get(op, URL, headers={"Range": f"bytes=0-{start}"})
            assert r.status_code == 206 and r.data == data[:start + 1]


def test_the_bundle_command_writes_what_a_download_gives(op, site, tmp_path):
    from click.testing import CliRunner

    from radio_sched.cli import cli

    out = tmp_path / "tải về" / "18073.zip"
    out.parent.mkdir()
    res = CliRunner().invoke(cli, ["--db", site.db_url, "--schedules", str(site.root), "bundle",
                                   "2024-03", "--station", "18073", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == get(op, URL).data == site.bundles["18073"][2]
    assert site.bundles["18073"][0] in res.output
    res = CliRunner().invoke(cli, ["--db", site.db_url, "--schedules", str(site.root), "bundle",
                                   "2024-04", "--station", "18073", "-o", str(tmp_path / "x.zip")])
    assert res.exit_code == 1 and "chưa có gói tháng 2024-04" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "x.zip").exists()
    res = CliRunner().invoke(cli, ["--db", site.db_url, "bundle", "2024-03", "--station", "99999",
                                   "-o", str(tmp_path / "x.zip")])
    assert res.exit_code == 1 and "không có đài nào mã 99999" in res.output


def test_newest_version_is_served(op, site):
    with session_scope(site.db_url) as s:
        sch = s.scalar(select(Schedule))
        b2 = add_bundle(s, site.root, station(s, "18073"), sch, version=2)
        sha2 = b2.sha256
    r = get(op, URL)
    assert r.headers["ETag"] == f'"{sha2}"' and hashlib.sha256(r.data).hexdigest() == sha2
    assert "_v2.zip" in r.headers["Content-Disposition"]
    page = get(op, "/station/18073/2024-03/").get_data(as_text=True)
    assert "bản 2" in page


@pytest.mark.parametrize("bad_path", ["../../outside.zip", "/etc/passwd", "2024-03",
                                      "2024-03/18073/missing.zip"])
def test_a_bad_bundle_record_never_reaches_other_files(op, site, bad_path, tmp_path):
    (tmp_path / "outside.zip").write_bytes(b"not yours")
    with session_scope(site.db_url) as s:
        s.scalar(select(Bundle).where(Bundle.sha256 == site.bundles["18073"][0])).path = bad_path
    assert get(op, URL).status_code == 404


@pytest.mark.parametrize("changed", ["layout", "audio"])
def test_a_file_changed_behind_the_database_is_not_served(op, site, changed):
    with session_scope(site.db_url) as s:
        path = site.root / s.scalar(select(Bundle).where(Bundle.sha256 == site.bundles["18073"][0])).path
    if changed == "layout":
        layout_path(path).write_text("truncated")
    else:  # the cached audio the layout reads a range of
        next((site.root / ".cache" / "sessions").glob("18073-*")).write_bytes(b"truncated")
    assert get(op, URL).status_code == 404


@pytest.mark.parametrize("url", [
    "/station/18073/2024-03/../../../etc/passwd",
    "/station/18073/..%2F..%2Fetc%2Fpasswd/bundle",
    "/station/..%2F18202/2024-03/bundle",
    "/station/18073%2F..%2F18202/2024-03/bundle",
    "/station/18073/2024-03%00/bundle",
    "/station/18073/2024-3-1/bundle",
    "/station/18073/2024-13/bundle",
    "/station/018202/2024-03/bundle",
])
def test_path_traversal_in_urls(op, url):
    assert get(op, url).status_code in (403, 404), url


def test_download_link_without_password(client, site):
    sha, size, data = site.bundles["18073"]
    home = get(client, f"/d/{site.token}/")
    assert home.status_code == 302 and home.headers["Location"].startswith(f"/d/{site.token}/")
    page = get(client, f"/d/{site.token}/2024-03/")
    assert page.status_code == 200 and "Phường Nam Hà" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "same-origin"
    r = get(client, f"/d/{site.token}/2024-03/bundle", headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.data == data[:10]
    # the link opens nothing else: not another station, not the signed-in pages
    assert get(client, "/station/18202/2024-03/bundle").status_code == 302
    assert get(client, "/station/18073/2024-03/bundle").status_code == 302
    with session_scope(site.db_url) as s:
        from radio_sched.core.models import DownloadToken
        revoke_token(s, s.scalar(select(DownloadToken.id)))
    assert get(client, f"/d/{site.token}/2024-03/bundle").status_code == 404
    assert get(client, f"/d/{site.token}/2024-03/").status_code == 404


def test_guessed_tokens_find_nothing(client, site):
    t = site.token
    guesses = [t[:-1] + ("A" if t[-1] != "A" else "B"), t.upper(), t[1:], t + "A", "A" * 43,
               "..", "%2e%2e", "x" * 5000]
    for g in guesses:
        assert get(client, f"/d/{g}/2024-03/bundle").status_code == 404, g
        assert get(client, "/api/v1/stations/18073/bundles/2024-03",
                          headers={"Authorization": f"Bearer {g}"}).status_code == 401, g


def test_no_bundle_yet(op, site):
    assert get(op, "/station/18073/2024-04/bundle").status_code == 404
    page = get(op, "/station/18073/2024-04/").get_data(as_text=True)
    assert "chưa sẵn sàng" in page and "Tháng này chưa có lịch phát." in page
