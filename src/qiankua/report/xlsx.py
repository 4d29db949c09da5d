"""Write the report to one Excel workbook: the summary, a contents sheet, then a sheet per table.

Every sheet opens ready to use: column widths fitted to the content (CJK characters count double),
numbers stored as numbers with a number format (money and ratios with two decimals, counts
without, percentages such as ``39%`` in a margin grid as the fraction 0.39 formatted ``0%``, a
flagged ``39%*`` shaded as well), the header row bold and frozen, and an auto-filter on the table.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qiankua.report.model import Section, Table
from qiankua.report.summary import parse_percent
from qiankua.store.exporter import neutralise

_FLAG_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="EEF2F5")
_MAX_WIDTH = 60
_INT_FORMAT = "#,##0"
_FLOAT_FORMAT = "#,##0.00"
_PERCENT_FORMAT = "0%"
_DATE_FORMAT = "yyyy-mm-dd"


def display_width(text: str) -> int:
    """Width of ``text`` in Excel character units: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def cell_value(value: Any) -> tuple[Any, str | None, bool]:
    """(value to store, number format or None, flagged): numbers stay numbers, ``"39%"`` becomes 0.39."""
    if value is None:
        return None, None, False
    if isinstance(value, bool):
        return value, None, False
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, int):
        return value, _INT_FORMAT, False
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN / inf: no figure, never a number
            return None, None, False
        return value, _FLOAT_FORMAT, False
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), "yyyy-mm-dd hh:mm", False
    if isinstance(value, dt.date):
        return value, _DATE_FORMAT, False
    if isinstance(value, str):
        pct = parse_percent(value)
        if pct is not None:
            return pct[0], _PERCENT_FORMAT, pct[1]
        return neutralise(value), None, False
    if isinstance(value, list | tuple):
        return neutralise(", ".join(str(v) for v in value)), None, False
    return neutralise(str(value)), None, False


def _fit(ws: Worksheet, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, max(6, w + 2))


def write_table(ws: Worksheet, table: Table) -> None:
    """One table on ``ws`` from A1: bold frozen header, typed cells, widths, auto-filter."""
    headers = [table.headers.get(c, c) for c in table.frame.columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=False)
    widths = [display_width(str(h)) for h in headers]
    conf_index = table.frame.columns.index(table.confidence_column) if table.confidence_column else None
    for r, row in enumerate(table.frame.iter_rows(), start=2):
        for c, raw in enumerate(row, start=1):
            value, fmt, flagged = cell_value(raw)
            cell = ws.cell(row=r, column=c, value=value)
            if fmt is not None:
                cell.number_format = fmt
            if flagged:
                cell.fill = _FLAG_FILL
            shown = "" if value is None else (f"{value:,.2f}" if isinstance(value, float) else str(value))
            widths[c - 1] = max(widths[c - 1], display_width(shown))
        if conf_index is not None and row[conf_index] == "unconfirmed":
            ws.cell(row=r, column=conf_index + 1).fill = _FLAG_FILL
    _fit(ws, widths)
    ws.freeze_panes = "B2" if table.frame.width > 6 else "A2"
    if table.frame.width:
        ws.auto_filter.ref = f"A1:{get_column_letter(table.frame.width)}{max(1, table.frame.height + 1)}"


def _summary_sheet(wb: Workbook, summary: Section, title: str) -> None:
    ws = wb.active
    ws.title = "摘要 summary"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([summary.intro])
    for block in summary.blocks:
        ws.append([])
        ws.append([block.title])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
        for line in block.lines:
            ws.append([line])
            ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        if block.table is not None:
            ws.append([block.table.headers.get(c, c) for c in block.table.frame.columns])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for row in block.table.frame.iter_rows():
                ws.append([cell_value(v)[0] for v in row])
    ws.column_dimensions["A"].width = 110
    for col in "BCDEF":
        ws.column_dimensions[col].width = 18


def write_xlsx(sections: list[Section], path: Path, *, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    summary = next((s for s in sections if s.key == "summary"), None)
    if summary is not None:
        _summary_sheet(wb, summary, title)
        contents = wb.create_sheet("目录 contents")
    else:
        contents = wb.active
        contents.title = "目录 contents"
    contents.append([title])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([])
    contents.append(["章节 section", "表 sheet / 指标 figure", "行数 rows / 值 value"])
    for cell in contents[3]:
        cell.font = Font(bold=True)
    used: set[str] = {ws.title for ws in wb.worksheets}
    for section in sections:
        if section is summary:
            continue
        for label, value in section.figures:
            contents.append([f"{section.title_zh} / {section.title_en}", label, neutralise(value)])
        for table in section.tables:
            name = "".join(ch for ch in table.name if ch not in "[]:*?/\\")[:31] or "table"
            while name in used:
                name = name[:28] + f"_{len(used)}"
            used.add(name)
            write_table(wb.create_sheet(name), table)
            contents.append([f"{section.title_zh} / {section.title_en}", name, table.frame.height])
            link = contents.cell(row=contents.max_row, column=2)
            link.hyperlink = f"#'{name}'!A1"
            link.font = Font(color="0F6E5A", underline="single")
    for col, width in zip("ABC", (40, 44, 18), strict=True):
        contents.column_dimensions[col].width = width
    contents.freeze_panes = "A4"
    wb.save(path)
    return path
