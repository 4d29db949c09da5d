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
        assert wb.sheetnames == [table, "说明 notes"]
        headers = [c.value for c in wb[table][1]]
    else:
        headers = path.read_text(encoding="utf-8-sig").strip().split(",")
    assert headers == [c.header for c in USER_TABLES[table].columns]
    with Store(tmp_path / "t.duckdb") as store, pytest.raises(Exception) as info:
        import_file(store, path, table, ref)
    assert [i.reason for i in info.value.issues] == ["no data rows"]
