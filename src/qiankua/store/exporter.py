"""Write tables and empty templates as CSV or XLSX.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return — OWASP "CSV injection") are neutralised by a
leading apostrophe, in CSV and XLSX alike; numbers stay numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.schema import TableSpec

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would treat as a formula with ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInputError(f"Expected `format` in {FORMATS}, got {fmt!r}.")


def write_frame(frame: pl.DataFrame, path: Path, fmt: str, *, sheet: str = "data") -> Path:
    _check_format(fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = ([neutralise(v) for v in row] for row in frame.iter_rows())
    if fmt == "csv":
        # UTF-8 with BOM so Excel on Chinese Windows opens Chinese text correctly
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(frame.columns)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet[:31])
        ws.append(frame.columns)
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
        wb.save(path)
    return path


def _xlsx_value(value: Any) -> Any:
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def write_template(spec: TableSpec, path: Path, fmt: str) -> Path:
    """An empty sheet with bilingual headers (``中文 / english``) and, in XLSX, a notes sheet."""
    _check_format(fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = [c.header for c in spec.columns]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerow(headers)
        return path
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = spec.name
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, col in enumerate(spec.columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = max(12, len(col.header) + 4)
        if col.kind == "str":
            # keep codes such as HS 090210 and adcodes as text so Excel does not drop zeros
            for row in range(2, 502):
                ws.cell(row=row, column=index).number_format = "@"
    notes = wb.create_sheet("说明 notes")
    notes.append(["列 column", "必填 required", "类型 type", "取值 allowed", "说明 help"])
    for col in spec.columns:
        allowed = ", ".join(col.choices) if col.choices else (col.pattern or "")
        notes.append(
            [
                col.header,
                "是 yes" if col.required else "否 no",
                col.kind,
                allowed,
                " / ".join(h for h in (col.help_zh, col.help_en) if h),
            ]
        )
    wb.save(path)
    return path
