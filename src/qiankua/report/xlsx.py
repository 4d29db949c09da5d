"""Write the report's tables to one Excel workbook: a contents sheet, then a sheet per table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from qiankua.report.model import Section
from qiankua.store.exporter import neutralise

_FLAG_FILL = PatternFill("solid", fgColor="FFF2CC")


def write_xlsx(sections: list[Section], path: Path, *, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    contents = wb.active
    contents.title = "目录 contents"
    contents.append([title])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([])
    contents.append(["章节 section", "表 sheet", "行数 rows"])
    used: set[str] = set()
    for section in sections:
        for label, value in section.figures:
            contents.append([f"{section.title_zh} / {section.title_en}", label, value])
        for table in section.tables:
            name = table.name[:31]
            while name in used:
                name = name[:29] + f"_{len(used)}"
            used.add(name)
            ws = wb.create_sheet(name)
            headers = [table.headers.get(c, c) for c in table.frame.columns]
            ws.append(headers)
            for cell in ws[1]:
                cell.font = Font(bold=True)
            conf_index = table.frame.columns.index(table.confidence_column) if table.confidence_column else None
            for row in table.frame.iter_rows():
                ws.append([float(v) if isinstance(v, Decimal) else neutralise(v) for v in row])
                if conf_index is not None and row[conf_index] == "unconfirmed":
                    ws.cell(row=ws.max_row, column=conf_index + 1).fill = _FLAG_FILL
            ws.freeze_panes = "A2"
            contents.append([f"{section.title_zh} / {section.title_en}", name, table.frame.height])
    wb.save(path)
    return path
