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
