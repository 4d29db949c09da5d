"""Data use cases: validate reference data, build the database, import, templates, export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.reference import ReferenceData, ValidationReport, load_reference, validate_reference
from qiankua.schema import REFERENCE_TABLES, table_spec
from qiankua.store import ImportResult, Store, import_file
from qiankua.store.exporter import write_frame, write_template


def validate() -> ValidationReport:
    return validate_reference()


def build_database(store: Store, ref: ReferenceData | None = None) -> dict[str, int]:
    """(Re)write every reference table and its provenance into ``ref.*``; returns row counts."""
    ref = ref or load_reference()
    tables = dict(ref.tables)
    tables["provenance"] = ref.provenance
    store.replace_reference(tables)
    return {name: frame.height for name, frame in tables.items()}


def import_user_file(
    db: Path | None,
    path: Path,
    table: str,
    *,
    mode: str = "append",
    sheet: str | None = None,
    as_of: Any = None,
) -> ImportResult:
    """Import a user file into ``user.<table>``; for ``tariffs`` an official schedule download too
    (``as_of``: the date it applies from when the file does not say)."""
    ref = load_reference()
    with Store(db) as store:
        return import_file(store, path, table, ref, mode=mode, sheet=sheet, as_of=as_of)


def template(table: str, fmt: str, out: Path | None) -> Path:
    spec = table_spec(table)
    return write_template(spec, out or Path(f"qiankua-template-{table}.{fmt}"), fmt)


@dataclass(frozen=True, kw_only=True)
class ExportResult:
    table: str
    schema: str
    rows: int
    path: Path


def export(db: Path | None, table: str, *, reference: bool, fmt: str, out: Path | None) -> ExportResult:
    """Export a user table from the database, or a reference table straight from the package."""
    if reference:
        ref = load_reference()
        frame = ref.provenance if table == "provenance" else ref.table(table)
        schema = "ref"
    else:
        table_spec(table)  # raises on an unknown user table, listing the choices
        with Store(db) as store:
            frame = store.frame(table, "user")
        schema = "user"
    path = write_frame(frame, out or Path(f"qiankua-{schema}-{table}.{fmt}"), fmt, sheet=table)
    return ExportResult(table=table, schema=schema, rows=frame.height, path=path)


def list_tables(db: Path | None) -> list[dict[str, object]]:
    with Store(db) as store:
        return [
            {"schema": schema, "table": name, "rows": store.row_count(name, schema)} for schema, name in store.tables()
        ]


def catalogue(category: str | None = None) -> pl.DataFrame:
    products = load_reference().products
    return products.filter(pl.col("category") == category) if category else products


def markets(region: str | None = None) -> pl.DataFrame:
    frame = load_reference().markets
    return frame.filter(pl.col("region") == region) if region else frame


__all__ = [
    "REFERENCE_TABLES",
    "ExportResult",
    "build_database",
    "catalogue",
    "export",
    "import_user_file",
    "list_tables",
    "markets",
    "template",
    "validate",
]
