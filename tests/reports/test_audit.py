"""The coverage audit on the tiny province: periods, attribution by due date, reports and formats."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from radio_sched.reports.asrun import record_asrun
from radio_sched.reports.audit import COLUMNS, audit
from radio_sched.reports.audit_report import render, to_csv, to_html
from radio_sched.core.models import Station
from radio_sched.core.periods import parse_month, parse_period
from radio_sched.planning.plan import plan_month
from radio_sched.core.scopes import Scope

from ..scheduler.conftest import add_content, province  # noqa: F401 - fixture
from ..planning.test_replan import airings_of

pytestmark = pytest.mark.all_backends

FEB, MARCH = parse_month("2024-02"), parse_month("2024-03")
TODAY = dt.date(2024, 4, 5)


@pytest.fixture
def months(province):
    """February and March planned; 18073 reports every session of March aired except the 12th,
    missed; 18077 reports whole sessions aired and one partial; the others report nothing."""
    add_content(province, "2024-02")
    plan_month(province, FEB, jobs=1)
    plan_month(province, MARCH, jobs=1)
    rows = [{"station": "18073", "date": str(d), "session": s,
             "status": "missed" if d.day == 12 else "aired", "reason": "mất điện" if d.day == 12 else ""}
            for d, s, _ in airings_of(province, "18073")]
    first, *rest = airings_of(province, "18077")
    rows += [{"station": "18077", "date": str(first[0]), "session": first[1], "status": "partial"}]
    rows += [{"station": "18077", "date": str(d), "session": s, "status": "aired"} for d, s, _ in rest]
    record_asrun(province, rows, "csv", "t", today=TODAY)
    province.commit()
    return province


def keyed(result):
    return {(r.station, r.rule, r.segment, r.window): r for r in result.rows}


@pytest.mark.all_backends
def test_each_obligation_belongs_to_the_period_of_its_due_date(months):
    s = months
    jan, feb, mar = (keyed(audit(s, parse_period(p), today=TODAY)) for p in ("2024-01", "2024-02", "2024-03"))
    q1 = keyed(audit(s, parse_period("2024-Q1"), today=TODAY))
    h1 = keyed(audit(s, parse_period("2024-H1"), today=TODAY))
    year = keyed(audit(s, parse_period("2024"), today=TODAY))
    # the months of a quarter add up to the quarter, each obligation once
    assert set(q1) == set(jan) | set(feb) | set(mar)
    assert not (set(jan) & set(feb)) and not (set(feb) & set(mar))
    assert set(q1) <= set(h1) <= set(year)
    # ISO week 9 (26 Feb - 3 Mar) is due in March, and counts February's airings too
    w9 = ("18073", "service-guides", "", "2024-W09")
    assert w9 in mar and w9 not in feb
    planned_feb = sum(1 for d, _, slugs in airings_of(s, "18073", FEB) if d.day >= 26
                      for x in slugs if x.startswith("thong-bao-"))
    planned_mar = sum(1 for d, _, slugs in airings_of(s, "18073") if d.day <= 3
                      for x in slugs if x.startswith("thong-bao-"))
    assert mar[w9].planned == planned_feb + planned_mar >= 2
    assert mar[w9].aired == planned_mar  # February was not reported
    # the quarterly quota is due on 31 March: only the March audit (and Q1, H1, year) has it
    q = ("18073", "provincial-program", "", "2024-Q1")
    assert q in mar and q not in jan and q not in feb and q in q1 and q in year
    # the year counts the same numbers as the quarter for what is due in the quarter
    assert all((year[k].planned, year[k].aired) == (q1[k].planned, q1[k].aired) for k in q1)
    # nothing was planned in January: every obligation due then is short, and says why
    assert jan and all(r.planned == 0 and r.shortfall == r.required for r in jan.values() if not r.soft)
    assert "không có lịch phát cho 2024-01" in next(iter(jan.values())).reason.render("vi")


@pytest.mark.all_backends
def test_unreported_partial_and_missed_are_not_counted_as_aired(months):
    res = audit(months, MARCH, today=TODAY)
    rows = [r for r in res.rows if not r.soft]
    silent = [r for r in rows if r.station == "18202"]
    assert silent and all(r.aired == 0 and r.not_reported == r.planned for r in silent)
    short = next(r for r in silent if r.planned)
    assert "đài chưa gửi báo cáo phát sóng nào" in short.reason.render("vi")
    assert "the station sent no as-run report" in short.reason.render("en")
    # 18073 missed the 12th only: every item of that day is missed, every other one aired
    lost = {slug for d, _, slugs in airings_of(months, "18073") if d.day == 12 for slug in slugs}
    for r in (r for r in rows if r.station == "18073" and r.start >= MARCH.start):
        assert r.aired + r.missed == r.planned and r.not_reported == 0
        if r.missed:
            assert "mất điện" in r.reason.render("vi")
    windows = {r.segment: r for r in rows if r.station == "18073" and r.segment}
    assert lost and all(windows[x].missed == 1 for x in lost if x in windows)
    # 18077's first session was reported partial without item rows: its items are unconfirmed
    first = airings_of(months, "18077")[0]
    mine = [r for r in rows if r.station == "18077" and r.start >= MARCH.start]
    assert all(r.aired == r.planned - r.unconfirmed and r.missed == 0 for r in mine)
    assert sum(r.unconfirmed for r in mine) >= len(first[2]) >= 1  # each item is due somewhere
    windows = {r.segment: r for r in mine if r.segment}
    assert all(windows[x].unconfirmed == 1 and windows[x].aired == 0 for x in first[2] if x in windows)
    # roll-ups: stations and districts
    assert res.province.stations == 5 and res.province.reporting == 2
    assert [d.code for d in res.districts] == ["436", "440", "441"]
    assert sum(d.stations for d in res.districts) == 5
    judged = [r for r in rows if r.judged]
    assert res.province.overall.required == sum(r.required for r in judged)
    assert res.province.overall.aired == sum(min(r.aired, r.required) for r in judged)


@pytest.mark.all_backends
def test_a_report_sent_twice_counts_once(months):
    before = keyed(audit(months, parse_period("2024-Q1"), today=TODAY))
    rows = [{"station": "18073", "date": str(d), "session": s, "status": "aired"}
            for d, s, _ in airings_of(months, "18073") if d.day != 12]
    assert record_asrun(months, rows, "api", "again", today=TODAY).unchanged == len(rows)
    after = keyed(audit(months, parse_period("2024-Q1"), today=TODAY))
    assert {k: (r.planned, r.aired, r.missed) for k, r in after.items()} == \
        {k: (r.planned, r.aired, r.missed) for k, r in before.items()}


def test_an_open_window_is_not_judged_yet(months):
    res = audit(months, MARCH, today=dt.date(2024, 3, 20))
    late = [r for r in res.rows if r.end >= dt.date(2024, 3, 20)]
    assert late and all(r.status in ("open", "soft") and not r.judged for r in late)
    assert "chưa đến hạn" in late[0].reason.render("vi")


def test_a_district_audit_covers_its_stations_only(months):
    res = audit(months, MARCH, Scope("district", "440"), today=TODAY)
    assert {r.station for r in res.rows} == {"18202", "18205"}
    assert [d.code for d in res.districts] == ["440"] and res.province.stations == 2


def test_csv_is_the_design_format_and_cells_cannot_become_formulas(months):
    months.execute(update(Station).where(Station.code == "18205").values(name="=HYPERLINK(\"x\")"))
    res = audit(months, MARCH, today=TODAY)
    text = to_csv(res, "vi")
    assert text.splitlines()[0].startswith(",".join(COLUMNS) + ",")
    got = list(csv.DictReader(io.StringIO(text)))
    assert len(got) == len(res.rows)
    assert {r["period"] for r in got} == {"2024-03"}
    bad = [r for r in got if r["station"] == "18205"]
    assert bad and all(r["station_name"] == "'=HYPERLINK(\"x\")" for r in bad)
    row = next(r for r in got if r["status"] == "short")
    assert int(row["shortfall"]) == int(row["required"]) - int(row["aired"]) > 0 and row["reason"]
    data = render(res, "csv")
    assert data.startswith(b"\xef\xbb\xbfperiod,") and data[3:].decode("utf-8") == text
    wb = load_workbook(io.BytesIO(render(res, "xlsx", "en")))
    assert wb.sheetnames == ["Summary", "Stations", "Detail"]
    detail = list(wb["Detail"].iter_rows(values_only=True))
    assert detail[0][:7] == ("period", "district", "district name", "station", "name", "rule",
                             "segment") and len(detail) == len(res.rows) + 1
    # people read titles and words where the CSV has ids
    by_key = {(r.station, r.window): r for r in res.rows if r.rule == "model-citizen"}
    line = next(x for x in detail[1:] if x[5] == "Model citizen")
    row = by_key[(line[3], "2024-03")]
    assert line[0] == "March 2024" and line[7] == "March 2024" and line[18] == row.status
    assert (line[10], line[12], line[13]) == (row.required, row.aired, row.shortfall)
    assert not {x[5] for x in detail[1:]} & {r.id for r in res.rules}
    names = [c for c in wb["Detail"]["E"] if c.value and "HYPERLINK" in str(c.value)]
    assert names and all(c.data_type == "s" and c.value.startswith("'=") for c in names)
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert summary[3][:3] == ("Unit", "Stations", "Reporting")
    assert summary[4][:3] == ("Whole province", 5, 2)
    assert "Provincial programme, quarterly" in summary[3]
    assert isinstance(summary[4][4], (int, float)) and wb["Summary"]["E5"].number_format == "0.0%"


def test_html_is_a_printable_administrative_report(months):
    months.execute(update(Station).where(Station.code == "18205").values(name="Xã <b>Tân</b> Lập"))
    res = audit(months, parse_period("2024-Q1"), today=TODAY)
    html = to_html(res, "vi", day=dt.date(2024, 4, 5))
    for text in ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH HÀ TĨNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Hà Tĩnh, ngày 05 tháng 4 năm 2024", "BÁO CÁO",
                 "quý I năm 2024", "@page { size: A4", "<svg", "T3/2024", "Toàn tỉnh",
                 "Xã &lt;b&gt;Tân&lt;/b&gt; Lập"):
        assert text in html, text
    assert "<script" not in html and "<b>Tân" not in html
    en = to_html(res, "en", day=dt.date(2024, 2, 1))
    assert "radio stations, first quarter of 2024" in en and "Hà Tĩnh, 1 February 2024" in en
    assert "SOCIALIST REPUBLIC OF VIET NAM" in en
    h1 = to_html(audit(months, parse_period("2024-H2"), today=TODAY), "vi", day=dt.date(2024, 1, 9))
    assert "6 tháng cuối năm 2024" in h1 and "ngày 09 tháng 01 năm 2024" in h1


def test_audit_command(months, runner, tmp_path):
    res = runner(["audit", "2024-Q1", "--district", "436"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("\ufeffperiod,")  # Excel reads the diacritics after a BOM
    got = list(csv.DictReader(io.StringIO(res.stdout.removeprefix("\ufeff"))))
    assert {r["station"] for r in got} == {"18073", "18077"} and {r["period"] for r in got} == {"2024-Q1"}
    out = tmp_path / "bao-cao" / "q1.html"
    res = runner(["audit", "2024-Q1", "--format", "html", "-o", str(out), "--date", "05/04/2024"])
    assert res.exit_code == 0 and "Đã ghi" in res.output and "5 đài" in res.output
    assert "ngày 05 tháng 4 năm 2024" in out.read_text(encoding="utf-8")
    assert not list(out.parent.glob(".*tmp"))
    res = runner(["audit", "2024-Q1", "--format", "xlsx"])
    assert res.exit_code == 1 and "tệp xlsx cần -o" in res.output
    res = runner(["audit", "2024-Q5"])
    assert res.exit_code == 1 and "'2024-Q5' không phải kỳ báo cáo" in res.output
    xlsx = tmp_path / "q1.xlsx"
    assert runner(["--lang", "en", "audit", "2024-Q1", "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    assert load_workbook(xlsx).sheetnames == ["Summary", "Stations", "Detail"]


def test_nothing_due_without_stations_is_a_clear_error(months):
    with pytest.raises(Exception, match="không có đài nào thuộc xã 99999"):
        audit(months, MARCH, Scope("commune", "99999"), today=TODAY)
    assert months.scalar(select(Station.id).limit(1))


def test_the_report_and_workbook_people_read_show_no_ids(months):
    """Planned February and March, reported March: section IV, the summary and every cell of the
    workbook name rules by their titles, items by theirs and statuses in words."""
    from radio_sched.core.models import Segment

    from ..text_checks import assert_reads_vietnamese, visible_text, xlsx_text

    slugs = [s for s in months.scalars(select(Segment.slug)) if not s.startswith("jingle")]
    for label, scope in (("2024-Q1", None), ("2024-03", Scope("district", "436"))):
        res = audit(months, parse_period(label), scope, today=TODAY)
        rule_ids = [r.id for r in res.rules]
        assert any(r.judged and r.shortfall for r in res.rows)  # section IV has rows to show
        html = to_html(res, "vi", day=TODAY)
        assert_reads_vietnamese(visible_text(html), rule_ids=rule_ids, segment_ids=slugs,
                                where=f"report {label}")
        assert_reads_vietnamese(xlsx_text(render(res, "xlsx", "vi")), rule_ids=rule_ids,
                                segment_ids=slugs, where=f"workbook {label}")
    assert "Thành phố Hà Tĩnh" in visible_text(html) and "Toàn tỉnh" not in visible_text(html)
