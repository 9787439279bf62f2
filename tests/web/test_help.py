"""The user guide's Markdown: what it renders, and that nothing in it becomes markup or a foreign link."""

import re

from radio_sched.core.markdown import to_html
from radio_sched.core.config import GUIDE_DIR
from radio_sched.web.help import PAGES


def test_the_subset_renders_headings_lists_images_links_and_notes():
    html = str(to_html("# Hướng dẫn\n\nMột **đoạn** có `mã` và [trang](so.md).\n\n- một\n- hai\n  tiếp\n\n"
                       "1. bước\n2. bước\n\n![Ảnh trang](images/a.png)\n\n> Lưu ý.",
                       lambda href: "/x/" + href))
    assert '<h1 id="hướng-dẫn">Hướng dẫn</h1>' in html
    assert "<p>Một <strong>đoạn</strong> có <code>mã</code> và <a href=\"/x/so.md\">trang</a>.</p>" in html
    assert "<ul><li>một</li><li>hai tiếp</li></ul>" in html and "<ol><li>bước</li><li>bước</li></ol>" in html
    assert '<img src="/x/images/a.png" alt="Ảnh trang">' in html and '<p class="note">Lưu ý.</p>' in html


def test_nothing_in_the_text_becomes_markup_or_a_script_link():
    html = str(to_html('<script>alert(1)</script> [x](javascript:alert(1)) [y](" onmouseover="a)\n\n'
                       '![z](data:image/png;base64,AA) <img src=x onerror=alert(1)>'))
    assert "<script" not in html and "<img src=x" not in html and "javascript:" not in html.split("[")[0]
    assert 'href="javascript' not in html and "onmouseover=\"" not in html and 'src="data:' not in html
    assert "&lt;script&gt;" in html


def test_every_page_of_the_guide_exists_and_its_links_and_images_resolve():
    for name in PAGES:
        text = (GUIDE_DIR / f"{name}.md").read_text(encoding="utf-8")
        assert text.startswith("# "), name
        for target in re.findall(r"\]\(([^)]+)\)", text):
            if target.startswith("images/"):
                assert (GUIDE_DIR / target).is_file(), (name, target)
            else:
                assert target.removesuffix(".md") in PAGES, (name, target)
