"""Data use cases for the web app and API, scoped to one organisation's workspace.

Each function takes a :class:`~qiankua.services.accounts.Workspace` (chosen by
:class:`~qiankua.services.accounts.Accounts` from the caller's identity) and works on
that workspace's DuckDB file only; uploads arrive as bytes and are written to a
private temporary file for the importer. One DuckDB file is shared between this process's threads
and other processes (the CLI) by :mod:`qiankua.store.locking`: reads share it; an import checks its
file while reads go on and holds the file alone only for its write transaction.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import polars as pl

from qiankua.exceptions import ImportValidationError, InvalidInputError
from qiankua.reference import load_reference
from qiankua.schema import USER_TABLES, table_spec
from qiankua.services import data
from qiankua.services.accounts import Workspace
from qiankua.services.requests import user_db
from qiankua.store import ImportResult, Store, import_file

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

__all__ = [
    "MAX_UPLOAD_BYTES",
    "CheckResult",
    "check_upload",
    "export_bytes",
    "import_upload",
    "list_user_tables",
    "template_bytes",
    "user_rows",
]


def _safe_name(name: str | None) -> str:
    base = PurePath((name or "upload").replace("\\", "/")).name.strip()
    return "upload" if base in ("", ".", "..") else base[:120]  # ".." is not a file name (issue 21)


def _spooled(content: bytes, name: str | None) -> tuple[tempfile.TemporaryDirectory[str], Path]:
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(f"Expected a `file` of at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB.")
    tmp = tempfile.TemporaryDirectory(prefix="qiankua-upload-")
    path = Path(tmp.name) / _safe_name(name)
    path.write_bytes(content)
    return tmp, path


def import_upload(
    ws: Workspace, table: str, content: bytes, filename: str | None, *, mode: str = "append", sheet: str | None = None
) -> ImportResult:
    """Validate the uploaded file completely and write it into the workspace (all or nothing)."""
    spec = table_spec(table)
    tmp, path = _spooled(content, filename)
    with tmp:
        # before the store is opened for writing; only a table with a currency column needs the FX book
        currencies = data.fx_currencies(ws.db) if "currency" in spec.column_names else None
        # the write turn for the whole import (two imports never interleave), the file alone only to commit
        with Store(ws.db, short_writes=True) as store:
            return import_file(store, path, table, load_reference(), mode=mode, sheet=sheet, currencies=currencies)


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    table: str
    file: str
    rows: int
    issues: list[dict[str, Any]]
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def check_upload(
    table: str, content: bytes, filename: str | None, *, sheet: str | None = None, currencies: Any = None
) -> CheckResult:
    """Validate an upload cell by cell without touching any workspace (a scratch database); ``currencies``:
    those the workspace's FX book converts (:func:`qiankua.services.data.fx_currencies`)."""
    table_spec(table)
    tmp, path = _spooled(content, filename)
    with tmp, Store(Path(tmp.name) / "scratch.duckdb") as store:
        try:
            result = import_file(
                store, path, table, load_reference(), mode="append", sheet=sheet, currencies=currencies
            )
        except ImportValidationError as exc:
            issues = [i.to_dict() for i in exc.issues]
            return CheckResult(
                table=table, file=path.name, rows=0, issues=issues, preview=_preview(path, table, issues)
            )
        return CheckResult(table=table, file=path.name, rows=result.rows_written, issues=[])


PREVIEW_ROWS = 200


def _preview(path: Path, table: str, issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sheets as read, with each cell's column name, for a view that marks the bad cells.

    Files longer than :data:`PREVIEW_ROWS` show only their rows with problems.
    """
    from qiankua.store.files import read_sheets

    try:
        sheets = read_sheets(path)
    except ImportValidationError:
        return []
    spec = table_spec(table)
    bad_rows = {(i["sheet"], i["row"]) for i in issues}
    out: list[dict[str, Any]] = []
    for sheet in sheets:
        mapping, _, _ = spec.map_headers(sheet.header)
        rows = sheet.rows
        if len(rows) > PREVIEW_ROWS:
            rows = [r for r in rows if (sheet.name, r[0]) in bad_rows][:PREVIEW_ROWS]
        out.append(
            {
                "sheet": sheet.name,
                "header_row": sheet.header_row,
                "header": ["" if h is None else str(h) for h in sheet.header],
                "columns": [mapping.get(i) for i in range(len(sheet.header))],
                "rows": [(n, ["" if v is None else str(v) for v in values]) for n, values in rows],
            }
        )
    return out


def list_user_tables(ws: Workspace) -> list[dict[str, Any]]:
    """Each user table with its row count (0 for all when nothing was imported yet: no file is created)."""
    path = user_db(ws.db)
    if not path.is_file():
        return [{"table": name, "rows": 0} for name in USER_TABLES]
    with Store(path, read_only=True) as store:  # shared with other readers; waits out a commit in progress
        present = {name for schema, name in store.tables() if schema == "user"}
        return [
            {"table": name, "rows": store.row_count(name, "user") if name in present else 0} for name in USER_TABLES
        ]


def user_frame(ws: Workspace, table: str) -> pl.DataFrame:
    spec = table_spec(table)
    path = user_db(ws.db)
    if not path.is_file():
        return pl.DataFrame(schema=spec.polars_schema())
    with Store(path, read_only=True) as store:
        if ("user", table) not in store.tables():  # a file from before the table existed
            return pl.DataFrame(schema=spec.polars_schema())
        return store.frame(table, "user")


def user_rows(ws: Workspace, table: str, *, limit: int = 100, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    frame = user_frame(ws, table)
    return frame.height, frame.slice(offset, limit).to_dicts()


def export_bytes(ws: Workspace | None, table: str, fmt: str, *, reference: bool = False) -> tuple[str, bytes]:
    """A user table of the workspace (or a reference table) as CSV/XLSX: ``(file name, bytes)``."""
    with tempfile.TemporaryDirectory(prefix="qiankua-export-") as tmp:
        out = Path(tmp) / f"qiankua-{'ref' if reference else 'user'}-{table}.{fmt}"
        if reference:
            result = data.export(None, table, reference=True, fmt=fmt, out=out)
        else:
            assert ws is not None
            table_spec(table)
            result = data.export(ws.db, table, reference=False, fmt=fmt, out=out)
        return result.path.name, result.path.read_bytes()


def template_bytes(table: str, fmt: str) -> tuple[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="qiankua-template-") as tmp:
        path = data.template(table, fmt, Path(tmp) / f"qiankua-template-{table}.{fmt}")
        return path.name, path.read_bytes()
