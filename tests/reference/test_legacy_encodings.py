"""CSV files in the pre-Unicode Vietnamese encodings offices still have: Windows cp1258 is named and
read with --encoding cp1258; TCVN3 (ABC) and VNI are named and refused with how to convert them.
Nothing is imported from a refused file."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from radio_sched.core.csvio import guess_legacy
from radio_sched.core.models import SessionTemplate

pytestmark = pytest.mark.all_backends

TEXT = ("scope,session,start,weekdays,capacity_s\n"
        "district:436,chiều,17:00,mon-sat,300\n"
        "commune:18073,sáng sớm,05:00,daily,600\n"
        "# Phường Nam Hà, Thành phố Hà Tĩnh: buổi phát thường lệ\n")
# The same header and two rows as TCVN3 and VNI editors save them (only the comment and session
# names carry Vietnamese letters)
TCVN3 = (b"scope,session,start,weekdays,capacity_s\n"
         b"district:436,chi\xd2u,17:00,mon-sat,300\n"
         b"commune:18073,s\xb8ng s\xedm,05:00,daily,600\n"
         b"# Ph\xad\xeang Nam H\xb5, Th\xb5nh ph\xe8 H\xb5 T\xdcnh: "
         b"bu\xe9i ph\xb8t th\xad\xeang l\xd6\n")
VNI = ("scope,session,start,weekdays,capacity_s\n"
       "district:436,chieàu,17:00,mon-sat,300\n"
       "commune:18073,saùng sôùm,05:00,daily,600\n"
       "# Phöôøng Nam Haø, Thaønh phoá Haø Tónh: buoåi phaùt thöôøng leä\n").encode("latin-1")


TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def cp1258(text: str) -> bytes:
    """As Windows writes cp1258: precomposed where the code page has the letter, else the letter
    and its tone mark as two characters."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            tone = next(c for c in d if c in TONES)
            out += unicodedata.normalize("NFC", d.replace(tone, "")).encode("cp1258") + \
                tone.encode("cp1258")
    return out


def test_the_encodings_are_told_apart():
    assert guess_legacy(cp1258(TEXT)) == "cp1258"
    assert guess_legacy(TCVN3) == "TCVN3"
    assert guess_legacy(VNI) == "VNI"
    assert guess_legacy(bytes(range(128, 256)) * 4) is None
    assert guess_legacy(TEXT.encode("ascii", "ignore")) is None


def sessions(tiny):
    tiny.expire_all()
    return sorted(t.session for t in tiny.scalars(select(SessionTemplate)))


def test_each_is_named_and_only_cp1258_is_read(runner, tiny, tmp_path):
    (tmp_path / "cp.csv").write_bytes(cp1258(TEXT))
    (tmp_path / "tcvn3.csv").write_bytes(TCVN3)
    (tmp_path / "vni.csv").write_bytes(VNI)
    res = runner(["sessions", "import", str(tmp_path / "cp.csv")])
    assert res.exit_code == 1 and "có vẻ là bảng mã Windows tiếng Việt (cp1258)" in res.output
    assert "--encoding cp1258" in res.output and sessions(tiny) == []
    for name, enc in (("tcvn3", "TCVN3"), ("vni", "VNI")):
        res = runner(["sessions", "import", str(tmp_path / f"{name}.csv")])
        assert res.exit_code == 1, res.output
        assert f"{name}.csv, dòng 2: tệp không phải văn bản UTF-8; có vẻ là bảng mã cũ {enc}" \
               in res.output
        assert "Unikey" in res.output and "Traceback" not in res.output
        res = runner(["--lang", "en", "sessions", "import", str(tmp_path / f"{name}.csv")])
        assert f"it looks like the old {enc} encoding, which this program does not read" \
               in res.output
    assert sessions(tiny) == []
    res = runner(["sessions", "import", str(tmp_path / "cp.csv"), "--encoding", "cp1258"])
    assert res.exit_code == 0, res.output
    assert sessions(tiny) == ["chiều", "sáng sớm"]  # read whole, stored NFC
    assert all(unicodedata.is_normalized("NFC", s) for s in sessions(tiny))
