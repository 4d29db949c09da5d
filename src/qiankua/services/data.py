"""Data use cases: validate reference data, build the database, import, templates, export."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import InvalidInputError, QiankuaError
from qiankua.reference import ReferenceData, ValidationReport, load_reference, validate_reference
from qiankua.schema import REFERENCE_TABLES, table_spec
from qiankua.store import ImportResult, Store, import_file
from qiankua.store.database import default_db_path
from qiankua.store.exporter import write_frame, write_template


def validate(*, store: bool = False, db: Path | None = None) -> ValidationReport:
    """Validate the built-in reference data; with ``store`` also every row of the user's store against
    today's import rules (:func:`qiankua.store.importer.validate_stored`), in one report."""
    report = validate_reference()
    if not store:
        return report
    from qiankua.store.importer import validate_stored

    path = Path(db) if db is not None else default_db_path()
    if not path.is_file():
        raise InvalidInputError(f"No database at {path.name}; import some data first or give --db.")
    currencies = fx_currencies(path)
    with Store(path, read_only=True) as st:
        counts, issues = validate_stored(st, load_reference(), currencies=currencies)
    return replace(
        report,
        ok=report.ok and not issues,
        row_counts={**report.row_counts, **counts},
        issues=[*report.issues, *issues],
    )


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
    currencies = fx_currencies(db)  # read before the store is opened for writing
    with Store(db, short_writes=True) as store:  # others read on while the file is checked (store.locking)
        return import_file(store, path, table, ref, mode=mode, sheet=sheet, as_of=as_of, currencies=currencies)


def fx_currencies(db: Path | str | None) -> frozenset[str]:
    """The currencies the FX book converts for this store (built-in sources and the user's own rates):
    an imported row in any other currency could not be used by the engines, so it is refused."""
    from qiankua.services.fx import fx_book

    path = Path(db) if db is not None else default_db_path()
    try:
        return frozenset(fx_book(path if path.is_file() else None).currencies)
    except QiankuaError:  # the store is busy (held for writing elsewhere): the built-in sources still say
        return frozenset(fx_book(None).currencies)


def template(table: str, fmt: str, out: Path | None) -> Path:
    """A template for ``table``: bilingual headers; in XLSX drop-down lists (the built-in markets and the
    currencies the FX book converts), an example row and plain-language notes."""
    spec = table_spec(table)
    from qiankua.services.fx import fx_book

    markets = sorted(load_reference().market_codes)
    currencies = sorted(fx_book(None).currencies)
    return write_template(
        spec, out or Path(f"qiankua-template-{table}.{fmt}"), fmt, markets=markets, currencies=currencies
    )


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


def division_names(lang: str) -> dict[str, str]:
    """Guizhou's divisions, adcode -> name in ``lang``."""
    divisions = load_reference().divisions
    name = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(divisions["adcode"].to_list(), divisions[name].to_list(), strict=True))


def markets(region: str | None = None) -> pl.DataFrame:
    frame = load_reference().markets
    return frame.filter(pl.col("region") == region) if region else frame


__all__ = [
    "REFERENCE_TABLES",
    "ExportResult",
    "build_database",
    "catalogue",
    "division_names",
    "export",
    "fx_currencies",
    "import_user_file",
    "list_tables",
    "markets",
    "template",
    "validate",
]
