from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from qiankua.schema import USER_TABLES
from qiankua.store import Store, import_file
from qiankua.store.exporter import neutralise, write_frame, write_template


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("都匀毛尖", "都匀毛尖"),
        (-3.5, -3.5),  # numbers stay numbers
        (None, None),
    ],
)
def test_formula_injection_is_neutralised(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_cells_cannot_run_as_formulas(tmp_path: Path, fmt):
    frame = pl.DataFrame({"name": ["=cmd|'/c calc'!A1", "ok"], "qty": [-1, 2]})
    path = write_frame(frame, tmp_path / f"x.{fmt}", fmt)
    if fmt == "csv":
        text = path.read_text(encoding="utf-8-sig")
        assert "'=cmd" in text and ",-1" in text
    else:
        ws = load_workbook(path).active
        assert ws["A2"].value == "'=cmd|'/c calc'!A1" and ws["A2"].data_type == "s"
        assert ws["B2"].value == -1


@pytest.mark.parametrize("table", sorted(USER_TABLES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_have_bilingual_headers_and_import_back(tmp_path: Path, ref, table, fmt):
    """An empty template is recognised by the importer (no missing columns), only 'no data rows'."""
    path = write_template(USER_TABLES[table], tmp_path / f"t.{fmt}", fmt)
    if fmt == "xlsx":
        wb = load_workbook(path)
        assert wb.sheetnames == [table, "示例 example", "选项 lists", "说明 notes"]
        headers = [c.value for c in wb[table][1]]
    else:
        headers = path.read_text(encoding="utf-8-sig").strip().split(",")
    assert headers == [c.header for c in USER_TABLES[table].columns]
    with Store(tmp_path / "t.duckdb") as store, pytest.raises(Exception) as info:
        import_file(store, path, table, ref)
    assert [i.reason for i in info.value.issues] == ["no data rows"]


def test_streamed_xlsx_keeps_types_positions_and_text(tmp_path: Path):
    """Numbers, decimals, booleans, dates, date-times, empty cells and markup-bearing text round-trip."""
    import datetime as dt
    from decimal import Decimal

    frame = pl.DataFrame(
        {
            "id": ["a", "b"],
            "n": [1, None],
            "x": [2.5, float("nan")],
            "money": pl.Series([Decimal("1000.5"), None], dtype=pl.Decimal(18, 4)),
            "flag": [True, False],
            "day": [dt.date(2026, 12, 8), None],
            "at": [dt.datetime(2026, 12, 8, 8, 30), dt.datetime(1999, 1, 1)],
            "text": ["<b>&amp;</b>\x01", "都匀毛尖"],
            "last": ["end", "end"],
        }
    )
    path = write_frame(frame, tmp_path / "x.xlsx", "xlsx", sheet="shipments")
    ws = load_workbook(path).active
    assert ws.title == "shipments"
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == frame.columns
    assert rows[1] == ["a", 1, 2.5, 1000.5, True, dt.datetime(2026, 12, 8), dt.datetime(2026, 12, 8, 8, 30),
                       "<b>&amp;</b>", "end"]  # fmt: skip
    assert rows[2] == ["b", None, None, None, False, None, dt.datetime(1999, 1, 1), "都匀毛尖", "end"]
    assert ws.freeze_panes == "A2"


def test_a_million_row_export_is_streamed_quickly(tmp_path: Path):
    """The issue's target is 1,000,000 rows in < 20 s; 100,000 rows here in < 4 s (a shared machine)."""
    import time

    n = 100_000
    frame = pl.DataFrame({"id": [f"S{i:07d}" for i in range(n)], "v": list(range(n)), "t": ["出口商"] * n})
    start = time.perf_counter()
    path = write_frame(frame, tmp_path / "big.xlsx", "xlsx")
    assert time.perf_counter() - start < 4
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert sheet.height == n + 1


@pytest.mark.parametrize("table", sorted(USER_TABLES))
def test_template_example_imports_and_lists_offer_the_codes(tmp_path: Path, ref, table):
    """The example row imports as is; coded columns have drop-down lists; the notes are in zh and en."""
    from qiankua.services.data import template

    path = template(table, "xlsx", tmp_path / f"{table}.xlsx")
    wb = load_workbook(path)
    spec = USER_TABLES[table]
    coded = [c for c in spec.columns if c.choices or c.kind == "bool"]
    ranges = {str(dv.sqref).split(":")[0] for dv in wb[table].data_validations.dataValidation}
    assert len(ranges) >= len(coded)
    notes = [[c.value for c in r] for r in wb["说明 notes"].iter_rows()]
    assert any("每行一条记录" in str(r[0]) and "One record per row" in str(r[1]) for r in notes)
    with Store(tmp_path / "t.duckdb") as store:
        assert import_file(store, path, table, ref, sheet="示例 example", mode="replace").rows_written == 1
