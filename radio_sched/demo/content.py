"""A realistic month of CCHC content for a set of stations, as plain specs (no audio needed here).

The demo, the benchmarks and the tests insert these as Segment rows; the audio work can speak each
spec's script to make its file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Mapping, Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..core.i18n import nfc
from ..core.models import BEGINNING, END_OF_TIME, Segment
from ..core.periods import Period, calendar_period

DEPARTMENT = "Sở Thông tin và Truyền thông"
PROVINCIAL_RADIO = "Đài Phát thanh - Truyền hình tỉnh"
HOME_AFFAIRS = "Sở Nội vụ"

# the public-service notices of the plan (row 17, I.3): (slug part, title part, nominal seconds)
SERVICES = [
    ("ho-tich", "đăng ký khai sinh, khai tử, kết hôn", 85),
    ("bhxh-bhyt", "tham gia bảo hiểm xã hội, bảo hiểm y tế", 75),
    ("ly-lich-tu-phap", "cấp phiếu lý lịch tư pháp", 70),
    ("dich-vu-cong-truc-tuyen", "sử dụng dịch vụ công trực tuyến", 80),
    ("thanh-toan-truc-tuyen", "thanh toán trực tuyến phí, lệ phí", 65),
    ("buu-chinh-cong-ich", "nhận và trả kết quả qua dịch vụ bưu chính công ích", 70),
]
EPISODE_DAYS = (1, 8, 15, 22)


@dataclass(frozen=True)
class SegmentSpec:
    """One piece of content as the producer would upload it."""

    slug: str
    title: str
    kind: str
    scope: str
    valid_from: dt.date
    valid_until: dt.date
    topics: tuple[str, ...]
    producer: str
    script: str  # Vietnamese text, for speech synthesis
    duration_s: float  # nominal ready duration
    language: str = "vi"


def jingles(department: str = DEPARTMENT) -> list[SegmentSpec]:
    """The CCHC column's signature tunes (slugs jingle-intro, jingle-outro)."""
    return [
        SegmentSpec("jingle-intro", "Nhạc hiệu mở đầu chuyên mục CCHC", "jingle", "province", BEGINNING,
                    END_OF_TIME, ("nhạc hiệu",), department,
                    nfc("Chuyên mục cải cách hành chính."), 8.0),
        SegmentSpec("jingle-outro", "Nhạc hiệu kết thúc chuyên mục CCHC", "jingle", "province",
                    BEGINNING, END_OF_TIME, ("nhạc hiệu",), department,
                    nfc("Kết thúc chuyên mục cải cách hành chính."), 6.0),
    ]


def month_content(stations_by_district: Mapping[str | None, Sequence[tuple[str, str]]], month: Period,
                  *, district_names: Mapping[str, str] | None = None,
                  with_jingles: bool = True, department: str = DEPARTMENT,
                  department_slug: str = "so-tttt") -> list[SegmentSpec]:
    """The month's content for these stations: {district code or None: [(commune code, name)]}
    (None: communes of a province without districts, which get no district episodes). department
    produces the provincial program: Sở Thông tin và Truyền thông until 2025, Sở Khoa học và Công
    nghệ since (department_slug begins its id)."""
    y, m = month.start.year, month.start.month
    quarter = calendar_period("quarter", month.start)
    q = (m - 1) // 3 + 1
    out = jingles(department) if with_jingles else []
    out.append(SegmentSpec(
        f"{department_slug}-chuyen-de-cchc-{y}-q{q}", f"Chương trình phát thanh chuyên đề CCHC quý {q}/{y}",
        "provincial_program", "province", quarter.start, quarter.end,
        ("cải cách hành chính", "PCI", "DDCI"), department,
        nfc(f"Chương trình phát thanh chuyên đề cải cách hành chính quý {q} năm {y}. Tỉnh tiếp tục "
            "nâng cao chỉ số năng lực cạnh tranh cấp tỉnh PCI và chỉ số DDCI, đẩy mạnh chuyển đổi số "
            "trong giải quyết thủ tục hành chính."), 420.0))
    for k, day in enumerate((1, 15), 1):
        start = dt.date(y, m, day)
        out.append(SegmentSpec(
            f"dai-ptth-phong-su-cchc-{y}-{m:02d}-{k}", f"Phóng sự CCHC tháng {m}/{y}, số {k}",
            "provincial_report", "province", start, start + dt.timedelta(days=29),
            ("cải cách hành chính",), PROVINCIAL_RADIO,
            nfc(f"Phóng sự cải cách hành chính tháng {m} năm {y}, số {k}: người dân và doanh nghiệp "
                "đánh giá sự hài lòng khi giải quyết thủ tục tại bộ phận một cửa."), 240.0 + 30 * (k - 1)))
    for district in sorted((d for d in stations_by_district if d is not None), key=int):
        dname = (district_names or {}).get(district, f"huyện {district}")
        for k, day in enumerate(EPISODE_DAYS, 1):
            start = dt.date(y, m, day)
            out.append(SegmentSpec(
                f"huyen-{district}-cchc-{y}-{m:02d}-so-{k}",
                nfc(f"Chuyên mục CCHC {dname}, số {k} tháng {m}/{y}"),
                "district_episode", f"district:{district}", start, start + dt.timedelta(days=13),
                ("cải cách hành chính", "DDCI"), nfc(f"Trung tâm Văn hóa - Truyền thông {dname}"),
                nfc(f"Chuyên mục cải cách hành chính của {dname}, số {k} tháng {m} năm {y}."),
                270.0 + 15 * (int(district) % 4)))
    for district, communes in sorted(stations_by_district.items(), key=lambda kv: int(kv[0] or 0)):
        for code, name in communes:
            out.append(SegmentSpec(
                f"xa-{code}-guong-dien-hinh-{y}-{m:02d}",
                nfc(f"Gương điển hình, việc tốt trong CCHC: {name}"),
                "model_citizen", f"commune:{code}", month.start, month.end,
                ("gương điển hình", "cải cách hành chính"), nfc(f"UBND {name}"),
                nfc(f"Gương điển hình, việc tốt trong cải cách hành chính ở {name}: cán bộ một cửa "
                    "hướng dẫn tận tình, người dân làm thủ tục trực tuyến nhanh chóng."),
                (120.0, 150.0, 180.0)[_pick(code, 3)]))
    for part, title, seconds in SERVICES:
        out.append(SegmentSpec(
            f"thong-bao-{part}-{y}-q{q}", nfc(f"Hướng dẫn {title} (quý {q}/{y})"), "service_guide",
            "province", quarter.start, quarter.end, ("dịch vụ công", part), "UBND cấp xã",
            nfc(f"Thông báo: hướng dẫn người dân {title}. Mọi thắc mắc xin liên hệ bộ phận một cửa "
                "của Ủy ban nhân dân xã."), float(seconds)))
    out.append(SegmentSpec(
        f"so-noi-vu-{y}-{m:02d}", f"Thông tin CCHC của Sở Nội vụ tháng {m}/{y}", "home_affairs", "province",
        month.start, month.end, ("cải cách hành chính", "nội vụ"), HOME_AFFAIRS,
        nfc(f"Sở Nội vụ thông tin về kết quả cải cách tổ chức bộ máy và chế độ công vụ tháng {m} năm {y}."),
        180.0))
    return out


def _pick(key: str, n: int) -> int:
    """A stable choice among n, spread evenly over codes (GSO codes often step by 3)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


def script_sha256(spec: SegmentSpec) -> str:
    """A stand-in content hash until the audio exists: the digest of the script text."""
    return hashlib.sha256(spec.script.encode()).hexdigest()


def add_segments(session: Session, specs: Sequence[SegmentSpec], *, status: str = "approved") -> int:
    """Insert the specs that are not in the library yet as Segment rows (no audio); returns how many."""
    have = set(session.scalars(select(Segment.slug)))
    rows, seen = [], set()
    for s in specs:
        if s.slug in have or s.slug in seen:
            continue
        seen.add(s.slug)
        rows.append(dict(slug=s.slug, sha256=script_sha256(s), title=s.title, kind=s.kind, scope=s.scope,
                         valid_from=s.valid_from, valid_until=s.valid_until, topics=";".join(s.topics),
                         language=s.language, producer=s.producer, duration_s=s.duration_s,
                         original_duration_s=s.duration_s, status=status))
    if rows:
        session.execute(insert(Segment), rows)
        session.flush()
    return len(rows)


def stations_by_district(stations) -> dict[str | None, list[tuple[str, str]]]:
    """Group Station rows as month_content wants them."""
    out: dict[str | None, list[tuple[str, str]]] = {}
    for st in stations:
        out.setdefault(st.district_code, []).append((st.code, st.name))
    return out
