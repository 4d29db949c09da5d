"""Render sections to one self-contained HTML file (no external assets).

Layout: the summary section (key ``summary``, see :mod:`qiankua.report.summary`) first, then each
section's figures, recommendations, charts and notes, then an appendix holding every table. The
print stylesheet turns every scroll box into plain flow (all rows, all columns), scales a wide
table down instead of clipping it and prints the appendix in landscape.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from qiankua.report.model import BarChart, Section, Table

_CONFIDENCE_LABEL = {
    "confirmed": "已证实 confirmed",
    "likely": "较可信 likely",
    "unconfirmed": "未证实 unconfirmed",
}


def _bar_svg(chart: BarChart) -> dict[str, Any]:
    top = max(chart.values, default=0) or 1
    rows = []
    for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        rows.append({"y": 6 + i * 24, "label": label, "value": value, "width": 320 * value / top})
    return {"title": chart.title, "unit": chart.unit, "rows": rows, "height": 12 + 24 * len(rows)}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


# columns that fit an A4 landscape page at the print font size; a wider table is scaled down
_PRINT_COLUMNS = 14


def print_zoom(table: Table) -> str:
    """The print scale of ``table`` (CSS ``zoom``): 1 up to :data:`_PRINT_COLUMNS` columns, then smaller."""
    cols = max(1, table.frame.width)
    return f"{max(0.4, min(1.0, _PRINT_COLUMNS / cols)):.2f}"


def render_html(sections: list[Section], *, title: str, generated: dt.datetime, footer: str = "") -> str:
    env = Environment(loader=PackageLoader("qiankua.report", "templates"), autoescape=select_autoescape())
    env.filters["cell"] = _cell
    template = env.get_template("report.html.j2")
    summary = next((s for s in sections if s.key == "summary"), None)
    body = [s for s in sections if s is not summary]
    return template.render(
        title=title,
        generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
        summary=summary,
        sections=body,
        appendix=[s for s in body if s.tables],
        print_zoom=print_zoom,
        bar_svg=_bar_svg,
        confidence_label=_CONFIDENCE_LABEL,
        footer=footer,
    )


def write_html(sections: list[Section], path: Path, *, title: str, footer: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    path.write_text(render_html(sections, title=title, generated=now, footer=footer), encoding="utf-8")
    return path
