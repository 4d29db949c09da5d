"""Read user spreadsheets: CSV (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK) and XLSX.

The format is detected from the bytes, not the file name: XLSX is a zip archive
(``PK\\x03\\x04``), legacy XLS an OLE file, refused with a message that says how to save it
as XLSX (no XLS reader is among qiankua's dependencies). Web pages and Excel 2003 XML that
order systems export with an ``.xls`` name are refused the same way; anything else is CSV
(tab-separated "xls" exports included). A CSV's encoding is detected by BOM, then by strict
decoding — UTF-8 first, then GB18030 (a superset of GBK and GB2312, which Excel on
Chinese Windows writes). Strict decoding is exact: text that decodes as UTF-8 and
is not ASCII is practically never GBK, so no guessing library is needed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qiankua.exceptions import CellIssue, ImportValidationError

__all__ = ["Sheet", "detect_encoding", "read_sheets"]

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS_XLSX = (
    "open it in Excel or WPS and save it as an Excel workbook (.xlsx) (文件 → 另存为 → Excel 工作簿 *.xlsx) "
    "or as CSV UTF-8, then import that file"
)
# what order systems' "Excel export" writes under an .xls name: an HTML table or Excel 2003 XML
_MARKUP_STARTS = (b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta")


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table read from a file: its header row number and data rows (1-based, as shown)."""

    name: str | None
    header_row: int
    header: list[Any]
    rows: list[tuple[int, list[Any]]]
    encoding: str | None = None


def detect_encoding(data: bytes) -> str:
    """The encoding a CSV's bytes are in; raises ValueError when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValueError("the file is neither UTF-8 nor GB18030/GBK text")


def _file_error(path: Path, reason: str) -> ImportValidationError:
    issue = CellIssue(file=path.name, sheet=None, row=None, column=None, value=None, reason=reason)
    return ImportValidationError(f"Cannot read {path.name}: {reason}", [issue])


def _trim(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any], list[tuple[int, list[Any]]]] | None:
    """Split rows into header (first non-empty row) and non-empty data rows."""
    header_row, header = 0, None
    data: list[tuple[int, list[Any]]] = []
    for number, values in rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if header is None:
            header_row, header = number, values
        else:
            data.append((number, values))
    return None if header is None else (header_row, header, data)


def _read_csv(path: Path, data: bytes) -> list[Sheet]:
    try:
        encoding = detect_encoding(data)
    except ValueError as exc:
        raise _file_error(path, str(exc)) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _file_error(path, f"not valid {encoding} text ({exc.reason} at byte {exc.start})") from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    trimmed = _trim((n, list(r)) for n, r in enumerate(reader, start=1))
    if trimmed is None:
        raise _file_error(path, "the file is empty")
    header_row, header, rows = trimmed
    return [Sheet(name=None, header_row=header_row, header=header, rows=rows, encoding=encoding)]


def _read_xlsx(path: Path, data: bytes) -> list[Sheet]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # from bytes: openpyxl would otherwise refuse a workbook whose name does not end in .xlsx
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _file_error(path, f"not a readable XLSX workbook ({exc})") from None
    sheets = []
    try:
        for ws in workbook.worksheets:
            trimmed = _trim((n, list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), start=1))
            if trimmed is not None:
                header_row, header, rows = trimmed
                sheets.append(Sheet(name=ws.title, header_row=header_row, header=header, rows=rows))
    finally:
        workbook.close()
    if not sheets:
        raise _file_error(path, "the workbook has no non-empty sheet")
    return sheets


def read_sheets(path: Path | str) -> list[Sheet]:
    """Every non-empty table in a CSV or XLSX file (one per sheet)."""
    path = Path(path)
    if not path.is_file():
        raise _file_error(path, "file not found")
    data = path.read_bytes()
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(path, data)
    if data.startswith(_OLE_MAGIC):
        raise _file_error(
            path, f"a legacy .xls (Excel 97-2003) or encrypted workbook, which qiankua cannot read; {_SAVE_AS_XLSX}"
        )
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_MARKUP_STARTS):
        raise _file_error(
            path, f"a web page or XML file (often exported with an .xls name), not a spreadsheet; {_SAVE_AS_XLSX}"
        )
    return _read_csv(path, data)
