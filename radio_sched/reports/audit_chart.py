"""The audit's chart: coverage by district and month as a server-drawn SVG (attributes only, no
script or style, so it passes the web app's Content-Security-Policy and prints as drawn)."""

from __future__ import annotations

from markupsafe import Markup, escape

from .audit import AuditResult, Rollup, Share
from ..core.i18n import get_lang, tr

WIDTH = 680
LABEL_W = 190
ROW_H = 22
TOP = 34
BANDS = [  # (lowest coverage, fill, text colour): colour and the printed number both carry it
    (0.95, "#2e7d32", "#ffffff"),
    (0.80, "#9ccc65", "#1b2a10"),
    (0.50, "#ffca28", "#3b2c00"),
    (0.0, "#e53935", "#ffffff"),
]
EMPTY = ("#eceff1", "#607d8b")


def band(coverage: float | None) -> tuple[str, str]:
    if coverage is None:
        return EMPTY
    for low, fill, ink in BANDS:
        if coverage >= low:
            return fill, ink
    return BANDS[-1][1:]


def pct(value: float | None) -> str:
    """87.5% -> '87,5%' in Vietnamese, '87.5%' in English; '–' when nothing was due."""
    if value is None:
        return "–"
    text = f"{100 * value:.1f}".rstrip("0").rstrip(".") + "%"
    return text.replace(".", ",") if get_lang() == "vi" else text


def chart_rows(result: AuditResult) -> list[tuple[str, Rollup, bool]]:
    """(label, roll-up, is the total): a province's districts and the province; a district's
    communes and the district, named; a commune alone."""
    if result.scope.startswith("province"):
        rows = [(d.name or d.code or tr("Communes (no district level)", "Các xã (không có cấp huyện)"),
                 d, False) for d in result.districts]
        return rows + [(tr("Whole province", "Toàn tỉnh"), result.province, True)]
    if result.scope.startswith("district"):
        return [(s.name, s, False) for s in result.stations] + [(result.place, result.province, True)]
    return [(result.place, result.province, True)]


def chart_title(result: AuditResult) -> str:
    if result.scope.startswith("province"):
        return tr("Coverage by district and month", "Tỷ lệ phát đạt theo huyện và tháng")
    return tr("Coverage by commune and month", "Tỷ lệ phát đạt theo xã và tháng")


def coverage_chart(result: AuditResult) -> Markup:
    """Rows: the districts and the province (a district's drill-down: its communes and itself);
    columns: the months of the period (by due date)."""
    months = result.months
    rows = chart_rows(result)
    cell_w = min(110, (WIDTH - LABEL_W) // max(1, len(months)))
    height = TOP + ROW_H * len(rows) + 44
    title = tr("{t} (airings aired of those required)", "{t} (số lần đã phát trên số lần phải phát)",
               t=chart_title(result))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="Times New Roman, serif" font-size="12" '
           f'aria-label="{escape(title)}" class="chart">', f"<title>{escape(title)}</title>"]
    for k, label in enumerate(months):
        x = LABEL_W + k * cell_w + cell_w / 2
        out.append(f'<text x="{x:.1f}" y="{TOP - 10}" text-anchor="middle" font-weight="bold">'
                   f'{escape(_month_label(label))}</text>')
    for n, (name, roll, total) in enumerate(rows):
        y = TOP + n * ROW_H
        weight = ' font-weight="bold"' if total else ""
        out.append(f'<text x="{LABEL_W - 6}" y="{y + ROW_H / 2 + 4:.1f}" text-anchor="end"{weight}>'
                   f"{escape(_short(name))}</text>")
        for k, label in enumerate(months):
            cov = roll.months.get(label, Share()).coverage
            fill, ink = band(cov)
            x = LABEL_W + k * cell_w
            out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{ROW_H - 2}" '
                       f'fill="{fill}" stroke="#ffffff"><title>{escape(name)}, '
                       f"{escape(_month_label(label))}: {pct(cov)}</title></rect>")
            out.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + ROW_H / 2 + 4:.1f}" '
                       f'text-anchor="middle" fill="{ink}"{weight}>{pct(cov)}</text>')
    y = TOP + ROW_H * len(rows) + 16
    legend = [(BANDS[0], "≥ 95%"), (BANDS[1], "80–95%"), (BANDS[2], "50–80%"), (BANDS[3], "< 50%"),
              ((None,) + EMPTY, tr("nothing due", "không có nghĩa vụ đến hạn"))]
    x = LABEL_W
    for (_low, fill, _ink), text in legend:
        out.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{fill}" stroke="#90a4ae"/>')
        out.append(f'<text x="{x + 18}" y="{y + 11}">{escape(text)}</text>')
        x += 30 + 7 * len(text)
    out.append("</svg>")
    return Markup("\n".join(out))


def _month_label(label: str) -> str:
    y, m = label.split("-")
    return tr("{m}/{y}", "T{m}/{y}", m=int(m), y=y)


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
