"""The demo's spoken content: a Vietnamese script for each item, synthesised by espeak-ng, cached.

Scripts are short on purpose (6-20 s): the whole province must render in minutes and its bundles
stay a few hundred megabytes. Every script names its place and period, so no two items share audio
(the library refuses the same bytes under two ids).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..core.config import REPO_DIR
from ..production.pool import run_all
from ..core.files import temp_path
from .content import SegmentSpec
from ..core.errors import UserError
from ..core.i18n import M, nfc

Progress = Callable[[int, int], None]
PROVINCE = "Hà Tĩnh"
# the committed jingles (music made by audio_library/demo/make_demo.sh), when the repo is at hand
DEMO_AUDIO = REPO_DIR / "audio_library" / "demo"
ESPEAK = ["-v", "vi", "-s", "165", "-p", "45"]
# a producer's upload: mono MP3; bitexact so the same text gives the same bytes on every run
ENCODE = ["-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "48k", "-map_metadata", "-1",
          "-fflags", "+bitexact", "-flags:a", "+bitexact"]
RECIPE = "espeak-ng " + " ".join(ESPEAK) + " | ffmpeg " + " ".join(ENCODE)

PEOPLE = [("chị", "Nguyễn Thị Hoa", "công chức tư pháp - hộ tịch"),
          ("anh", "Trần Văn Nam", "tổ trưởng tổ dân phố"),
          ("chị", "Lê Thị Lan", "công chức một cửa"),
          ("ông", "Phan Văn Hùng", "trưởng thôn"),
          ("chị", "Võ Thị Thu", "đoàn viên thanh niên"),
          ("anh", "Đặng Văn Minh", "công chức địa chính")]
DEEDS = ["hướng dẫn tận tình để bà con nộp hồ sơ trực tuyến, nhiều lần ở lại ngoài giờ cho kịp hẹn",
         "giúp hơn năm mươi hộ gia đình cài đặt ứng dụng định danh điện tử và dịch vụ công",
         "đến tận nhà người cao tuổi nhận hồ sơ, trả kết quả sớm hơn ngày hẹn"]
EPISODES = ["bộ phận một cửa các xã, thị trấn đã trả kết quả đúng hạn cho gần như mọi hồ sơ; các "
            "đơn vị cần niêm yết công khai đầy đủ thủ tục hành chính",
            "tiếp nhận hồ sơ đăng ký hộ kinh doanh qua mạng, người dân khai báo trực tuyến, không "
            "phải đi lại nhiều lần",
            "khảo sát sự hài lòng của người dân với dịch vụ hành chính công đạt mức cao, những góp ý "
            "sẽ được tiếp thu để phục vụ tốt hơn",
            "phát động phong trào mỗi cán bộ, công chức là một tuyên truyền viên về dịch vụ công "
            "trực tuyến"]
REPORTS = ["tại Trung tâm phục vụ hành chính công tỉnh, thời gian giải quyết thủ tục được rút ngắn, "
           "nhiều thủ tục đã thực hiện hoàn toàn trên môi trường mạng",
           "chuyển đổi số ở cấp xã: cán bộ một cửa hướng dẫn người dân thanh toán lệ phí trực tuyến "
           "và tra cứu hồ sơ ngay tại nhà"]
SERVICES = {
    "ho-tich": "đăng ký khai sinh, khai tử, kết hôn: bà con có thể nộp hồ sơ trên Cổng dịch vụ công "
               "quốc gia, liên thông khai sinh, thường trú và thẻ bảo hiểm y tế cho trẻ dưới sáu tuổi",
    "bhxh-bhyt": "tham gia bảo hiểm xã hội tự nguyện và bảo hiểm y tế hộ gia đình; mọi thắc mắc xin "
                 "liên hệ bộ phận một cửa hoặc đại lý thu bảo hiểm tại xã",
    "ly-lich-tu-phap": "cấp phiếu lý lịch tư pháp trên ứng dụng định danh điện tử, nộp lệ phí trực "
                       "tuyến và nhận phiếu qua bưu chính công ích",
    "dich-vu-cong-truc-tuyen": "sử dụng dịch vụ công trực tuyến: đăng nhập bằng tài khoản định danh "
                               "điện tử, chọn thủ tục, khai thông tin và theo dõi kết quả trên điện thoại",
    "thanh-toan-truc-tuyen": "thanh toán trực tuyến phí, lệ phí thủ tục hành chính bằng tài khoản "
                             "ngân hàng hoặc ví điện tử, an toàn và nhanh chóng",
    "buu-chinh-cong-ich": "nộp hồ sơ và nhận kết quả qua dịch vụ bưu chính công ích: nhân viên bưu "
                          "điện đến tận nhà nhận hồ sơ và trả kết quả",
}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def in_sentence(name: str) -> str:
    """A unit's name as said inside a sentence: 'Huyện Hương Sơn' -> 'huyện Hương Sơn'."""
    return name[:1].lower() + name[1:]


def _pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


def script(spec: SegmentSpec, communes: Mapping[str, tuple[str, str]],
           districts: Mapping[str, str]) -> str:
    """What the item says. communes: {code: (commune name, district name)}; districts: {code: name}.
    An item of a shape this module does not know keeps demo_content's own script."""
    m, y = spec.valid_from.month, spec.valid_from.year
    q = (m - 1) // 3 + 1
    code = spec.scope.partition(":")[2]
    if spec.kind == "provincial_program":
        text = (f"Chương trình phát thanh chuyên đề cải cách hành chính của tỉnh {PROVINCE}, quý {q} "
                f"năm {y}. Tỉnh tập trung nâng cao chỉ số năng lực cạnh tranh cấp tỉnh và chỉ số DDCI, "
                "đẩy mạnh dịch vụ công trực tuyến toàn trình. Người dân nộp hồ sơ tại Cổng dịch vụ "
                "công, theo dõi tiến độ và nhận kết quả qua bưu chính công ích.")
    elif spec.kind == "provincial_report" and (k := re.search(r"-(\d+)$", spec.slug)):
        text = (f"Phóng sự của Đài Phát thanh và Truyền hình {PROVINCE}, tháng {m} năm {y}, số "
                f"{k.group(1)}: {REPORTS[(int(k.group(1)) - 1) % len(REPORTS)]}.")
    elif spec.kind == "district_episode" and (k := re.search(r"-so-(\d+)$", spec.slug)):
        n = int(k.group(1))
        text = (f"Chuyên mục cải cách hành chính của {districts.get(code, code)}, số {n} tháng {m}. "
                f"{_upper_first(EPISODES[(n - 1) % len(EPISODES)])}.")
    elif spec.kind == "model_citizen" and code in communes:
        commune, district = communes[code]
        title, person, role = PEOPLE[_pick(code, len(PEOPLE))]
        deed = DEEDS[_pick(code + spec.slug, len(DEEDS))]
        where = f"{commune}, {district}" if district else commune  # no district since July 2025
        text = (f"Gương điển hình, việc tốt trong cải cách hành chính tháng {m}. Ở {where}, "
                f"{title} {person}, {role}, đã {deed}.")
    elif spec.kind == "service_guide" and (k := re.match(r"thong-bao-(.+)-\d{4}-q\d$", spec.slug)) \
            and k.group(1) in SERVICES:
        text = f"Thông báo quý {q} năm {y}: hướng dẫn {SERVICES[k.group(1)]}."
    elif spec.kind == "home_affairs":
        text = (f"Thông tin từ Sở Nội vụ tháng {m} năm {y}: tỉnh tiếp tục sắp xếp tổ chức bộ máy "
                "tinh gọn, siết chặt kỷ luật, kỷ cương hành chính.")
    else:
        text = spec.script
    return nfc(text)


def jingle_file(slug: str) -> Path | None:
    """The committed music of a jingle (jingle-intro, jingle-outro), if the repo is at hand."""
    path = DEMO_AUDIO / f"{slug}.mp3"
    return path if path.is_file() else None


def cache_path(cache: Path, text: str) -> Path:
    """Where the speech of a text is kept: named by the text and the recipe, so edits never collide."""
    key = hashlib.sha256(f"{RECIPE}\n{nfc(text)}".encode()).hexdigest()[:40]
    return cache / f"{key}.mp3"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise UserError(M("{name} is needed to synthesise the demo's speech: run scripts/setup.sh "
                          "(it installs espeak-ng and ffmpeg)",
                          "cần {name} để tổng hợp giọng nói cho bản chạy mẫu: hãy chạy "
                          "scripts/setup.sh (cài espeak-ng và ffmpeg)", name=name))
    return path


def _speak(espeak: str, ffmpeg: str, text: str, target: Path) -> Path:
    wav, mp3 = temp_path(target.with_suffix(".wav")), temp_path(target)
    try:
        subprocess.run([espeak, *ESPEAK, "-w", str(wav), text], check=True, capture_output=True)
        subprocess.run([ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i",
                        str(wav), *ENCODE, "-f", "mp3", str(mp3)], check=True, capture_output=True)
        mp3.replace(target)
    finally:
        wav.unlink(missing_ok=True)
        mp3.unlink(missing_ok=True)
    return target


def synthesise(texts: Sequence[str], cache: Path, *, jobs: int | None = None,
               progress: Progress | None = None) -> dict[str, Path]:
    """{text: its speech as MP3}, made by espeak-ng -v vi and ffmpeg `jobs` at a time; texts
    already in the cache are not spoken again."""
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(".tmp-*"):  # left by a run that was killed
        stale.unlink(missing_ok=True)
    out = {t: cache_path(cache, t) for t in dict.fromkeys(texts)}
    todo = [t for t, p in out.items() if not p.is_file()]
    total, done = len(out), len(out) - len(todo)
    if progress:
        progress(done, total)
    if not todo:
        return out
    espeak, ffmpeg = _tool("espeak-ng"), _tool("ffmpeg")

    def spoken(text: str, _path, exc: BaseException | None) -> None:
        nonlocal done
        if exc is not None:
            detail = exc.stderr.decode("utf-8", "replace").strip()[-200:] \
                if isinstance(exc, subprocess.CalledProcessError) and exc.stderr else str(exc)
            raise UserError(M("speech synthesis failed for '{t}': {d}",
                              "không tổng hợp được giọng nói cho '{t}': {d}", t=text[:60], d=detail))
        done += 1
        if progress:
            progress(done, total)

    run_all(lambda t: _speak(espeak, ffmpeg, t, out[t]), todo, jobs=jobs, on_done=spoken)
    return out
