"""Read user spreadsheets: CSV (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK), XLSX, XLS and WPS ET.

The format is detected from the bytes, not the file name: XLSX is a zip archive
(``PK\\x03\\x04``), legacy XLS (and WPS's ``.et``, the same BIFF format) an OLE file; both are read
with python-calamine (Rust, fast). An XLSX is guarded *before* it is parsed: the uncompressed size
of its parts and how much better than a spreadsheet they pack (from the zip directory), the sheet's
declared dimension, against the caps of :class:`~qiankua.settings.Settings` (``import_max_xlsx_mb``,
``import_max_xlsx_ratio``, ``import_max_rows``, ``import_max_columns``), so a zip bomb is refused in
milliseconds. Numeric cells formatted as dates
arrive as dates (Excel's 1900 date system), never as Unix seconds. Web pages and Excel 2003 XML
that order systems export with an ``.xls`` name are refused with a message that says how to save
them as XLSX; anything else is CSV (tab-separated "xls" exports included). A CSV's encoding is
detected by BOM, then by strict decoding — UTF-8 first, then GB18030 (a superset of GBK and
GB2312, which Excel on Chinese Windows writes). Strict decoding is exact: text that decodes as
UTF-8 and is not ASCII is practically never GBK, so no guessing library is needed.

A :class:`Sheet` holds its cells both ways: ``rows`` (row number, values) for callers that walk
rows, and ``columns`` (one list or polars Series per header position) for the vectorised checks
of :mod:`qiankua.store.columns`; each is built from the other on first use.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import CellIssue, ImportValidationError
from qiankua.settings import get_settings

__all__ = ["Sheet", "detect_encoding", "read_sheets"]

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS_XLSX = (
    "open it in Excel or WPS and save it as an Excel workbook (.xlsx) (文件 → 另存为 → Excel 工作簿 *.xlsx) "
    "or as CSV UTF-8, then import that file"
)
# what order systems' "Excel export" writes under an .xls name: an HTML table or Excel 2003 XML
_MARKUP_STARTS = (b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta")
_RATIO_FLOOR = 16 * 1024 * 1024  # parts smaller than this may pack as well as they like
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


class Sheet:
    """One table read from a file: its header row number and data rows (1-based, as shown).

    ``rows`` are ``(row number, values)``; ``columns`` the same cells by header position
    (a list, or a polars String Series for CSV) with ``numbers`` the row numbers.
    """

    __slots__ = ("_columns", "_numbers", "_rows", "encoding", "header", "header_row", "name")

    def __init__(
        self,
        name: str | None,
        header_row: int,
        header: list[Any],
        rows: list[tuple[int, list[Any]]] | None = None,
        encoding: str | None = None,
        *,
        columns: list[Any] | None = None,
        numbers: list[int] | None = None,
    ) -> None:
        self.name = name
        self.header_row = header_row
        self.header = header
        self.encoding = encoding
        self._rows = rows
        self._columns = columns
        self._numbers = numbers
        if rows is None and (columns is None or numbers is None):
            self._rows = []

    def __repr__(self) -> str:
        return f"Sheet(name={self.name!r}, header_row={self.header_row}, rows={self.height})"

    @property
    def height(self) -> int:
        return len(self._numbers) if self._numbers is not None else len(self._rows or [])

    @property
    def rows(self) -> list[tuple[int, list[Any]]]:
        if self._rows is None:
            assert self._columns is not None and self._numbers is not None
            cols = [c.to_list() if isinstance(c, pl.Series) else c for c in self._columns]
            cols = [["" if v is None else v for v in c] for c in cols]
            self._rows = [(n, list(values)) for n, values in zip(self._numbers, zip(*cols, strict=True), strict=True)]
            if not cols:
                self._rows = [(n, []) for n in self._numbers]
        return self._rows

    @property
    def numbers(self) -> list[int]:
        if self._numbers is None:
            self._numbers = [n for n, _ in self.rows]
        return self._numbers

    @property
    def columns(self) -> list[Any]:
        """One sequence of cells per header position (short rows padded with None)."""
        if self._columns is None:
            width = len(self.header)
            rows = self.rows
            self._columns = [[values[i] if i < len(values) else None for _, values in rows] for i in range(width)]
        return self._columns


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


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trim(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any], list[tuple[int, list[Any]]]] | None:
    """Split rows into header (first non-empty row) and non-empty data rows."""
    header_row, header = 0, None
    data: list[tuple[int, list[Any]]] = []
    for number, values in rows:
        if all(_blank(v) for v in values):
            continue
        if header is None:
            header_row, header = number, values
        else:
            data.append((number, values))
    return None if header is None else (header_row, header, data)


def _check_caps(path: Path, rows: int, columns: int) -> None:
    settings = get_settings()
    if rows > settings.import_max_rows:
        raise _file_error(
            path,
            f"{rows:,} rows, more than the {settings.import_max_rows:,} allowed "
            "(split the file, or raise QIANKUA_IMPORT_MAX_ROWS)",
        )
    if columns > settings.import_max_columns:
        raise _file_error(
            path,
            f"{columns:,} columns, more than the {settings.import_max_columns:,} allowed "
            "(delete the unused columns, or raise QIANKUA_IMPORT_MAX_COLUMNS)",
        )


def _read_csv(path: Path, data: bytes) -> list[Sheet]:
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in data:
        # most files are UTF-8: polars validates it while it parses, so the text is not decoded twice;
        # GB18030 and the rest fail that check and take the path below
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        try:
            dialect: Any = csv.Sniffer().sniff(data[:8192].decode("utf-8", errors="ignore"), delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        sheet = _read_csv_fast("", dialect, encoding, data)
        if sheet is not None:
            _check_caps(path, 0, len(sheet.header))  # CSV: no row cap (large jobs come as CSV)
            return [sheet]
    try:
        encoding = detect_encoding(data)
    except ValueError as exc:
        raise _file_error(path, str(exc)) from None
    utf8 = encoding in ("utf-8", "utf-8-sig")  # detect_encoding has decoded it once already: no second pass
    head = data[:8192].decode(encoding, errors="ignore") if utf8 else None
    text = ""
    if not utf8:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _file_error(path, f"not valid {encoding} text ({exc.reason} at byte {exc.start})") from None
    try:
        dialect = csv.Sniffer().sniff((head if head is not None else text)[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = None if b"\x00" in data and utf8 else _read_csv_fast(text, dialect, encoding, data if utf8 else None)
    if sheet is None:
        if utf8:
            text = data.decode(encoding)
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        trimmed = _trim((n, list(r)) for n, r in enumerate(reader, start=1))
        if trimmed is None:
            raise _file_error(path, "the file is empty")
        header_row, header, rows = trimmed
        sheet = Sheet(name=None, header_row=header_row, header=header, rows=rows, encoding=encoding)
    _check_caps(path, 0, len(sheet.header))  # CSV: no row cap (large jobs come as CSV)
    return [sheet]


def _read_csv_fast(text: str, dialect: Any, encoding: str, data: bytes | None = None) -> Sheet | None:
    """The CSV read by polars into String columns, or None when the plain csv module must read it
    (an unusual dialect, a first line that is blank cells only, anything polars refuses). ``data``:
    the file's bytes when they are UTF-8 already (no re-encoding)."""
    if getattr(dialect, "quotechar", '"') != '"' or getattr(dialect, "escapechar", None) or "\x00" in text:
        return None
    raw = data.removeprefix(b"\xef\xbb\xbf") if data is not None else text.encode("utf-8")
    body = raw.lstrip(b"\r\n")
    skipped = raw[: len(raw) - len(body)].count(b"\n")
    if not body.strip():
        return None
    try:
        frame = pl.read_csv(
            io.BytesIO(body),
            has_header=False,
            infer_schema=False,
            separator=dialect.delimiter,
            quote_char='"',
            truncate_ragged_lines=True,
            raise_if_empty=True,
        )
    except Exception:  # polars raises several error types on odd files; the csv module then reads it
        return None
    if frame.height == 0:
        return None
    header = ["" if v is None else v for v in frame.row(0)]
    if all(_blank(v) for v in header):
        return None
    cols = [pl.col(c) for c in frame.columns]
    # a blank row has only empty or whitespace cells; only rows of short cells need the exact test
    frame = frame.with_row_index("__row", offset=skipped + 1).slice(1)
    short = frame.select(pl.all_horizontal([c.is_null() | (c.str.len_bytes() < 16) for c in cols])).to_series()
    if short.any():
        exact = pl.all_horizontal([c.is_null() | (c.str.strip_chars() == "") for c in cols])
        blank = frame.filter(short).filter(exact)["__row"]
        if len(blank):
            frame = frame.filter(~pl.col("__row").is_in(blank.implode()))
    return Sheet(
        name=None,
        header_row=skipped + 1,
        header=header,
        encoding=encoding,
        columns=[frame[c] for c in frame.columns if c != "__row"],
        numbers=frame["__row"].cast(pl.Int64).to_list(),
    )


def _guard_xlsx(path: Path, data: bytes) -> None:
    """Refuse an XLSX whose parts would unpack to more than the setting allows, or whose sheets declare
    more rows or columns than allowed — before anything is parsed (a zip bomb costs milliseconds)."""
    settings = get_settings()
    limit = settings.import_max_xlsx_mb * 1024 * 1024
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > limit:
                raise _file_error(
                    path,
                    f"the workbook unpacks to {total / 2**20:,.0f} MiB, more than the "
                    f"{settings.import_max_xlsx_mb:,} MiB allowed (save it as CSV, split it, or raise "
                    "QIANKUA_IMPORT_MAX_XLSX_MB)",
                )
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > _RATIO_FLOOR and ratio > settings.import_max_xlsx_ratio:
                    raise _file_error(
                        path,
                        f"{info.filename} unpacks {ratio:,.0f} times larger than it is packed "
                        f"({info.file_size / 2**20:,.0f} MiB); spreadsheets pack 5-30 times, so this looks "
                        "like a zip bomb and is not read (raise QIANKUA_IMPORT_MAX_XLSX_RATIO if it is not)",
                    )
                if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                    continue
                with archive.open(info) as fh:
                    head = fh.read(4096)
                match = _DIMENSION.search(head)
                if match is None:
                    continue
                last_col, last_row = (match.group(3), match.group(4)) if match.group(3) else match.group(1, 2)
                first_col, first_row = match.group(1), match.group(2)
                rows = int(last_row) - int(first_row) + 1
                cols = _col_number(last_col.decode()) - _col_number(first_col.decode()) + 1
                _check_caps(path, rows, cols)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError) as exc:
        if isinstance(exc, ImportValidationError):
            raise
        raise _file_error(path, f"not a readable XLSX workbook ({exc})") from None


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _read_workbook(path: Path, data: bytes, kind: str) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    if kind == "xlsx":
        _guard_xlsx(path, data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types (and ValueError, ZipError) for bad files
        if kind == "xlsx":
            raise _file_error(path, f"not a readable XLSX workbook ({exc})") from None
        raise _file_error(
            path,
            f"a legacy .xls (Excel 97-2003), WPS .et or encrypted workbook that cannot be read ({exc}); "
            f"{_SAVE_AS_XLSX}",
        ) from None
    sheets = []
    settings = get_settings()
    for name in workbook.sheet_names:
        try:
            ws = workbook.get_sheet_by_name(name)
            if ws.height > settings.import_max_rows or ws.width > settings.import_max_columns:
                _check_caps(path, ws.height, ws.width)
            start_row = ws.start[0] if ws.start else 0
            values = ws.to_python()
        except ImportValidationError:
            raise
        except Exception as exc:
            raise _file_error(path, f"sheet {name!r} cannot be read ({exc})") from None
        sheet = _workbook_sheet(name, start_row, values)
        if sheet is not None:
            sheets.append(sheet)
    if not sheets:
        raise _file_error(path, "the workbook has no non-empty sheet")
    return sheets


def _blank_row(row: list[Any]) -> bool:
    # calamine writes "" for an empty cell; a row whose first cell holds something is never blank
    first = row[0] if row else None
    if first is not None and first != "" and not (isinstance(first, str) and not first.strip()):
        return False
    return row.count("") == len(row) or all(_blank(v) for v in row)


def _workbook_sheet(name: str, start_row: int, values: list[list[Any]]) -> Sheet | None:
    """A sheet from calamine's rows, held by column (``""`` is an empty cell)."""
    numbered = [(start_row + i, r) for i, r in enumerate(values, start=1) if not _blank_row(r)]
    if not numbered:
        return None
    (header_row, header), data = numbered[0], numbered[1:]
    width = len(header)
    numbers = [n for n, _ in data]
    columns: list[Any] = [list(c) for c in zip(*(r for _, r in data), strict=True)] if data else [[]] * width
    columns = [[None if v == "" else v for v in c] for c in columns]
    return Sheet(name=name, header_row=header_row, header=_cells(header), columns=columns, numbers=numbers)


def _cells(values: Sequence[Any]) -> list[Any]:
    # calamine gives "" for an empty cell and floats for whole numbers; keep "" as None like openpyxl did
    return [None if v == "" else v for v in values]


def read_sheets(path: Path | str) -> list[Sheet]:
    """Every non-empty table in a CSV, XLSX, XLS or ET file (one per sheet)."""
    path = Path(path)
    if not path.is_file():
        raise _file_error(path, "file not found")
    data = path.read_bytes()
    if data.startswith(_XLSX_MAGIC):
        return _read_workbook(path, data, "xlsx")
    if data.startswith(_OLE_MAGIC):
        return _read_workbook(path, data, "xls")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_MARKUP_STARTS):
        raise _file_error(
            path, f"a web page or XML file (often exported with an .xls name), not a spreadsheet; {_SAVE_AS_XLSX}"
        )
    return _read_csv(path, data)
