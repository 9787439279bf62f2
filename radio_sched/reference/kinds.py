"""Content kinds as people read them (kinds stay open: an unknown kind reads as itself)."""

from __future__ import annotations

KIND_LABELS = {  # kind -> (English, Vietnamese), as pages, sheets and reports print it
    "provincial_program": ("Provincial CCHC programme", "Chương trình chuyên đề CCHC của tỉnh"),
    "provincial_report": ("Provincial radio report", "Phóng sự CCHC của Đài PT-TH tỉnh"),
    "district_episode": ("District CCHC episode", "Chuyên mục CCHC của huyện"),
    "model_citizen": ("Model citizen, good deeds", "Gương điển hình, việc tốt trong CCHC"),
    "service_guide": ("Public service guide", "Hướng dẫn thủ tục, dịch vụ công"),
    "home_affairs": ("Home Affairs content", "Nội dung của Sở Nội vụ"),
    "jingle": ("Jingle", "Nhạc hiệu"),
    "bulletin_urgent": ("Urgent bulletin", "Bản tin khẩn cấp"),
    "bulletin_priority": ("Priority bulletin", "Bản tin ưu tiên"),
    "bulletin": ("Bulletin", "Bản tin"),
}


def kind_label(kind: str, lang: str) -> str:
    en, vi = KIND_LABELS.get(kind, (kind, kind))
    return vi if lang == "vi" else en
