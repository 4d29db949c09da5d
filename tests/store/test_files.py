from pathlib import Path

import pytest

from qiankua.exceptions import ImportValidationError
from qiankua.store.files import detect_encoding, read_sheets

TEXT = "产品编号,中文名称\ntea-1,都匀毛尖\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),  # Excel on Chinese Windows
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),  # BOM-marked
        (b"id,name\n1,a\n", "utf-8"),  # plain ASCII
    ],
)
def test_encoding_is_detected_from_the_bytes(data, expected):
    assert detect_encoding(data) == expected


def test_csv_read_from_gbk_keeps_chinese(tmp_path: Path):
    path = tmp_path / "products.txt"  # the name says nothing about the format
    path.write_bytes(TEXT.encode("gbk"))
    [sheet] = read_sheets(path)
    assert sheet.encoding == "gb18030"
    assert sheet.header == ["产品编号", "中文名称"]
    assert sheet.rows == [(2, ["tea-1", "都匀毛尖"])]


def test_semicolon_csv_is_sniffed(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    [sheet] = read_sheets(path)
    assert sheet.header == ["a", "b"] and sheet.rows == [(2, ["1", "2"])]


def test_blank_lines_are_skipped_but_row_numbers_kept(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text("\n\na,b\n1,2\n,\n3,4\n", encoding="utf-8")
    [sheet] = read_sheets(path)
    assert sheet.header_row == 3
    assert [n for n, _ in sheet.rows] == [4, 6]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, r"legacy \.xls .* save it as an Excel workbook \(\.xlsx\)"),
        (b"<html><body><table><tr><td>id</td></tr></table>", "web page .* save it as an Excel workbook"),
        (b'\xef\xbb\xbf<?xml version="1.0"?><Workbook/>', "XML file .* save it as an Excel workbook"),
        (b"PK\x03\x04garbage", "not a readable XLSX"),
        (b"", "empty"),
        (b"\xff\xfe\xfd\x80\x81", "not valid utf-16"),  # a UTF-16 BOM, then a truncated code unit
    ],
)
def test_unreadable_files_raise_with_the_file_name(tmp_path: Path, content, reason):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportValidationError, match=reason) as info:
        read_sheets(path)
    assert info.value.issues[0].file == "bad.csv"


def test_missing_file(tmp_path: Path):
    with pytest.raises(ImportValidationError, match="file not found"):
        read_sheets(tmp_path / "nope.csv")


def test_tab_separated_export_named_xls_is_read_as_csv(tmp_path: Path):
    """Order systems often write tab-separated text under an .xls name; that is read, not refused."""
    path = tmp_path / "orders.xls"
    path.write_bytes("订单号\t下单日期\no1\t2026/12/8\n".encode("gbk"))
    [sheet] = read_sheets(path)
    assert sheet.header == ["订单号", "下单日期"] and sheet.rows == [(2, ["o1", "2026/12/8"])]


# ---------------------------------------------------------------- workbooks (python-calamine) and their guards


def _bomb(path: Path, sheet_bytes: int, *, dimension: str = "A1:C3") -> Path:
    """A tiny XLSX whose one sheet unpacks to ``sheet_bytes`` of XML (a zip bomb when that is large)."""
    import zipfile

    import polars as pl

    from qiankua.store.exporter import write_xlsx

    good = write_xlsx(pl.DataFrame({"a": [1]}), path.with_suffix(".ok.xlsx"))
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info))
        head = (
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>'
        ).encode()
        tail = b"</sheetData></worksheet>"
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            chunk = row * (65536 // len(row))
            for _ in range(max(1, sheet_bytes // len(chunk))):
                fh.write(chunk)
            fh.write(tail)
    return path


@pytest.fixture
def small_caps(monkeypatch):  # type: ignore[no-untyped-def]
    from qiankua.settings import reload_settings

    monkeypatch.setenv("QIANKUA_IMPORT_MAX_XLSX_MB", "4")
    monkeypatch.setenv("QIANKUA_IMPORT_MAX_ROWS", "1000")
    monkeypatch.setenv("QIANKUA_IMPORT_MAX_COLUMNS", "50")
    reload_settings()
    yield
    monkeypatch.undo()
    reload_settings()


def test_a_zip_bomb_is_refused_before_it_is_parsed(tmp_path: Path, small_caps):
    import time

    path = _bomb(tmp_path / "bomb.xlsx", 8 * 1024 * 1024)  # 8 MiB of XML in a few KB; the cap is 4 MiB
    assert path.stat().st_size < 100_000
    start = time.perf_counter()
    with pytest.raises(ImportValidationError, match=r"unpacks to 8 MiB, more than the 4 MiB allowed"):
        read_sheets(path)
    assert time.perf_counter() - start < 2


def test_a_zip_bomb_is_refused_by_its_packing_ratio_with_the_default_settings(tmp_path: Path):
    """The issue's bomb packs ~190 MB of sheet XML into 680 KB; this one 24 MiB into a few KB."""
    import time

    path = _bomb(tmp_path / "bomb.xlsx", 24 * 1024 * 1024)
    assert path.stat().st_size < 200_000
    start = time.perf_counter()
    with pytest.raises(ImportValidationError, match=r"times larger than it is packed .* looks like a zip bomb"):
        read_sheets(path)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    ("dimension", "reason"),
    [("A1:C5000", r"5,000 rows, more than the 1,000 allowed"), ("A1:ZZ3", r"702 columns, more than the 50 allowed")],
)
def test_declared_rows_and_columns_are_capped(tmp_path: Path, small_caps, dimension, reason):
    path = _bomb(tmp_path / "wide.xlsx", 1000, dimension=dimension)
    with pytest.raises(ImportValidationError, match=reason):
        read_sheets(path)


def test_the_default_caps_read_an_ordinary_workbook(tmp_path: Path):
    path = _bomb(tmp_path / "fine.xlsx", 70_000)
    [sheet] = read_sheets(path)
    assert sheet.header == ["x"] and sheet.rows[0] == (2, ["x"])


def test_excel_dates_are_dates_never_unix_seconds(tmp_path: Path, store, ref):
    """Date cells, and plain numbers in a date column, are Excel serials (1900 system); 0 is refused."""
    import datetime as dt

    from openpyxl import Workbook

    from qiankua.store import import_file

    wb = Workbook()
    ws = wb.active
    ws.append(["order_id", "order_date", "product_id", "market", "channel", "quantity", "unit_price", "currency"])
    ws.append(["o1", dt.date(2026, 12, 8), "duyun-maojian-250g", "DE", "amazon", 1, 10, "EUR"])
    ws.append(["o2", 46364, "duyun-maojian-250g", "de", "amazon", 1, 10, "EUR"])  # a serial in a number cell
    ws.append(["o3", dt.datetime(2026, 12, 8, 0, 0), "duyun-maojian-250g", "德国", "amazon", 1, 10, "EUR"])
    wb.save(tmp_path / "sales.xlsx")
    import_file(store, tmp_path / "sales.xlsx", "sales", ref)
    assert set(store.frame("sales")["order_date"].to_list()) == {dt.date(2026, 12, 8)}
    ws.append(["o4", 0, "duyun-maojian-250g", "DE", "amazon", 1, 10, "EUR"])
    wb.save(tmp_path / "zero.xlsx")
    with pytest.raises(ImportValidationError) as info:
        import_file(store, tmp_path / "zero.xlsx", "sales", ref, mode="replace")
    [issue] = info.value.issues
    assert (issue.row, issue.column) == (5, "order_date") and "not an Excel serial date" in issue.reason


def test_rows_keep_their_numbers_below_blank_rows_in_a_workbook(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["B3"], ws["C3"] = "id", "name"
    ws["B5"], ws["C5"] = "a", "b"
    wb.save(tmp_path / "x.xlsx")
    [sheet] = read_sheets(tmp_path / "x.xlsx")
    assert sheet.header_row == 3 and sheet.rows == [(5, ["a", "b"])]


def test_legacy_xls_is_read():
    """A real Excel 97-2003 file (one statsmodels ships as test data) is read, dates as dates."""
    import datetime as dt
    import importlib.util

    spec = importlib.util.find_spec("statsmodels")
    if spec is None or spec.origin is None:
        pytest.skip("statsmodels (which ships a sample .xls) is not installed")
    path = Path(spec.origin).parent / "tsa/statespace/tests/results/frbny_nowcast/Nowcasting/data/US/2016-06-29.xls"
    if not path.is_file():
        pytest.skip("the sample .xls is not in this statsmodels")
    [sheet] = read_sheets(path)
    assert sheet.header[:2] == ["Date", "PAYEMS"]
    assert sheet.rows[0][1][0] == dt.date(1985, 1, 1)
