"""The Department's pages, the coverage page of every period kind, the audit report and workbook
read as Vietnamese: titles and unit names, never rule ids, scope strings or English status words;
switching language keeps the page; the user guide is one link away on every page."""

import re

import pytest

from radio_sched.core.db import session_scope
from radio_sched.reference.plan_rules import DATA, load_rules, parse_rules, preset_rules_text
from radio_sched.reports.asrun import record_asrun

from ..text_checks import assert_reads_vietnamese, internal_words, visible_text, xlsx_text
from .data import SEGMENTS

pytestmark = pytest.mark.all_backends
RULE_IDS = [r.id for r in parse_rules(preset_rules_text("ha_tinh_2024_rules.toml")).rules]
SEGMENT_IDS = [s[0] for s in SEGMENTS]
PERIODS = ("2024-03", "2024-Q1", "2024-H1", "2024")


@pytest.fixture(autouse=True)
def planned_and_reported(site):
    """March 2024 planned (the site's schedule), the 2024 rules, and reports of aired, missed and
    partly aired sessions."""
    with session_scope(site.db_url) as s:
        load_rules(s, DATA / "ha_tinh_2024_rules.toml")
        record_asrun(s, [
            {"station": "18073", "date": "2024-03-01", "session": "sáng", "status": "aired"},
            {"station": "18073", "date": "2024-03-04", "session": "sáng", "status": "missed",
             "reason": "mất điện"},
            {"station": "18202", "date": "2024-03-01", "session": "sáng", "status": "partial"},
            {"station": "18202", "date": "2024-03-04", "session": "sáng", "status": "aired"}],
            "csv", "t")


def check(html: str, where: str) -> None:
    assert_reads_vietnamese(visible_text(html), rule_ids=RULE_IDS, segment_ids=SEGMENT_IDS,
                            where=where)


def test_the_checker_finds_what_people_should_not_read():
    """The helper itself: it must see ids in text, and ignore them in attributes and code."""
    html = ('<p title="model-citizen">Đã phát <a href="?district=436">Huyện</a> <code>daily</code>'
            '</p><td>district-episodes</td><td>commune:18073</td><td>aired: 8 missed: 1</td>'
            '<svg><rect><title>province</title></rect></svg>')
    found = internal_words(visible_text(html), RULE_IDS, SEGMENT_IDS)
    assert [f.split(" in ")[0] for f in found] == ["'district-episodes'", "'commune:18073'",
                                                  "'aired'", "'missed'", "'province'"]
    with pytest.raises(AssertionError, match="district-episodes"):
        assert_reads_vietnamese(visible_text(html), rule_ids=RULE_IDS)


def test_the_departments_pages_read_as_vietnamese(as_user):
    c = as_user("so")
    check(c.get("/department/2024-03/").get_data(as_text=True), "the province's month")
    for period in PERIODS:
        for query in ("", "?district=436", "?district=440"):
            r = c.get(f"/department/{period}/coverage{query}")
            assert r.status_code == 200
            html = r.get_data(as_text=True)
            check(html, f"coverage {period}{query}")
            if query:  # the drill-down names its district, in the chart too, never "Toàn tỉnh"
                svg = re.search(r"<svg.*</svg>", html, re.S).group(0)
                name = "Thành phố Hà Tĩnh" if query.endswith("436") else "Huyện Hương Sơn"
                assert name in svg and "Toàn tỉnh" not in svg, (period, query)
    html = c.get("/department/2024-Q1/coverage").get_data(as_text=True)
    for label in ("Chương trình chuyên đề, mỗi quý", "Chuyên mục CCHC của huyện", "Gương điển hình"):
        assert label in visible_text(html), label  # the rules' short labels head the columns
    assert "Quý I" in html and "Năm 2024" in html  # the period links, as people name periods


def test_the_audit_report_and_workbook_read_as_vietnamese(as_user):
    c = as_user("so")
    for period in PERIODS:
        for query in ("", "?district=440"):
            html = c.get(f"/department/{period}/audit.html{query}").get_data(as_text=True)
            check(html, f"audit.html {period}{query}")
            data = c.get(f"/department/{period}/audit.xlsx{query}").get_data()
            assert_reads_vietnamese(xlsx_text(data), rule_ids=RULE_IDS, segment_ids=SEGMENT_IDS,
                                    where=f"audit.xlsx {period}{query}")
    html = c.get("/department/2024-03/audit.html?district=440").get_data(as_text=True)
    # section IV names the rule and the item; the district's total row is the district
    text = visible_text(html)
    assert "Gương điển hình" in text and "Huyện Hương Sơn" in text and "Toàn tỉnh" not in text


def test_the_csv_keeps_the_ids_for_machines(as_user):
    c = as_user("so")
    data = c.get("/department/2024-03/audit.csv").get_data(as_text=True)
    assert data.startswith("\ufeffperiod,district,station,rule,segment,") and ",model-citizen," in data
    assert re.search(r",(met|short)\n", data)


def test_switching_language_keeps_the_page_and_its_query(as_user):
    c = as_user("so")
    html = c.get("/department/2024-Q1/coverage?district=436").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" id="lang-en"', html).group(1).replace("&amp;", "&")
    assert link == "/department/2024-Q1/coverage?district=436&lang=en"
    en = c.get(link).get_data(as_text=True)
    assert "Coverage, first quarter of 2024" in en and "Thành phố Hà Tĩnh" in en
    back = re.search(r'href="([^"]+)" id="lang-vi"', en).group(1).replace("&amp;", "&")
    assert back == "/department/2024-Q1/coverage?district=436&lang=vi"


def test_the_guide_is_linked_from_every_page_and_reads_as_vietnamese(as_user, client):
    pages = {"/login": client, "/department/2024-03/": as_user("so"),
             "/department/2024-Q1/coverage": as_user("so"), "/station/18073/2024-03/": as_user("op18073")}
    for url, c in pages.items():
        html = c.get(url).get_data(as_text=True)
        assert 'href="/help/" id="help">Hướng dẫn<' in html, url
    guide = client.get("/help/").get_data(as_text=True)  # readable before signing in
    for name in ("so", "lap-lich", "dai-xa"):
        assert f'href="/help/{name}"' in guide
        r = client.get(f"/help/{name}")
        assert r.status_code == 200 and "<h1" in r.get_data(as_text=True)
        check(r.get_data(as_text=True), f"guide {name}")
        for img in re.findall(r'<img src="([^"]+)"', r.get_data(as_text=True)):
            with client.get(img) as shot:
                assert shot.status_code == 200 and shot.mimetype == "image/png", img
                assert len(shot.get_data()) < 250_000, img  # palette-reduced, small in the repository
    assert client.get("/help/../README").status_code == 404
    assert client.get("/help/nope").status_code == 404
    assert client.get("/help/images/..%2Fso.md").status_code == 404
