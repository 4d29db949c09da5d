"""The Excel workbook (issue 20 item 9): numbers as numbers, widths, frozen headers, filters."""

import datetime as dt
import re

import polars as pl
from openpyxl import load_workbook

from qiankua.report.model import Section, Table
from qiankua.report.summary import summary_section
from qiankua.report.xlsx import cell_value, display_width, write_xlsx


def test_cell_value_types():
    assert cell_value(3) == (3, "#,##0", False)
    assert cell_value(2.5) == (2.5, "#,##0.00", False)
    assert cell_value(float("nan")) == (None, None, False)
    assert cell_value("39%") == (0.39, "0%", False)
    assert cell_value("'-35%") == (-0.35, "0%", False)
    assert cell_value("51%*") == (0.51, "0%", True)
    assert cell_value("=cmd()") == ("'=cmd()", None, False)
    assert cell_value(True) == (True, None, False)
    assert display_width("茅台ab") == 6


def test_workbook_summary_first_then_typed_filtered_sheets(ref, engine_like_sections, tmp_path):
    sections = [summary_section(ref, engine_like_sections, on=dt.date(2026, 12, 1)), *engine_like_sections]
    path = write_xlsx(sections, tmp_path / "r.xlsx", title="报告")
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["摘要 summary", "目录 contents"]
    summary = [c.value for c in wb["摘要 summary"]["A"] if c.value]
    assert "一、卖什么、卖到哪里、利润多少" in summary
    ws = wb["margins"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E3"
    # percentages are numbers with a percent format, never text; the flagged one is shaded
    assert ws["C2"].value == 0.36 and ws["C2"].number_format == "0%"
    assert ws["E2"].value == -0.35 and isinstance(ws["E2"].value, float)
    assert ws["D3"].value == 0.51 and ws["D3"].fill.fgColor.rgb.endswith("FFF2CC")
    assert ws["E3"].value == "n/a"
    # a CJK product name widens its column to fit
    assert ws.column_dimensions["B"].width >= display_width(ws["B2"].value)
    routes = wb["推荐线路 recommended"]
    assert routes["F2"].value == 13991.37 and routes["F2"].number_format == "#,##0.00"
    wide = wb["wide_grid"]
    assert wide.freeze_panes == "B2" and wide.auto_filter.ref == "A1:AB31"
    # every cell of every table sheet: no amount or percentage stored as text (codes such as adcodes stay text)
    for name in wb.sheetnames[2:]:
        for row in wb[name].iter_rows(min_row=2, values_only=True):
            for v in row:
                assert not (
                    isinstance(v, str) and re.fullmatch(r"'?-?[\d,]+(\.\d+)?%?\*?", v) and ("." in v or "%" in v)
                ), v


def test_sheet_names_are_legal_and_unique(tmp_path):
    frame = pl.DataFrame({"a": [1]})
    sections = [
        Section(key="x", title_zh="x", title_en="x", tables=[Table(name="a/b:c", frame=frame)] * 2),
    ]
    wb = load_workbook(write_xlsx(sections, tmp_path / "r.xlsx", title="t"))
    assert len(set(wb.sheetnames)) == 3 and all("/" not in n and ":" not in n for n in wb.sheetnames)
