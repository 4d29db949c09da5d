"""Import a user's CSV/XLSX into ``user.<table>``: all rows or none.

Every sheet whose header row names the table's required columns (in Chinese,
English or both) is read; sheets that do not look like the table (a notes sheet)
are skipped and reported. A market cell may name the market as users write it (``de``, ``DEU``,
``德国``, ``Germany``); :func:`normalise_markets` turns it into the ISO alpha-2 code before the
row is validated, and dates are read in the forms Chinese Excel and WPS save (see
:func:`qiankua.schema._parse_date`). Every bad cell is collected — type, range, vocabulary,
unknown county / market / currency / product, duplicate key — and if there is any,
nothing is written and :class:`ImportValidationError` lists them (file, sheet,
row, column, value, reason). Otherwise one transaction writes the rows and logs
the import (file name, sha256, mode, row count) in ``meta.imports``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qiankua.domain import is_known_currency
from qiankua.exceptions import CellIssue, ImportValidationError, InvalidInputError
from qiankua.reference import ReferenceData
from qiankua.schema import MarketNames, TableSpec, table_spec
from qiankua.store.database import Store
from qiankua.store.files import Sheet, read_sheets
from qiankua.vocabulary import IMPORT_MODES

MAX_ISSUES = 1000
MODES = IMPORT_MODES  # append, upsert, replace (qiankua.vocabulary)
MARKET_COLUMNS = ("destination", "market")
_ISO2_PATTERN = r"[A-Z]{2}"


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    table: str
    file: str
    sha256: str
    mode: str
    rows_written: int
    sheets: list[str]
    encoding: str | None
    skipped_sheets: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "table": self.table,
            "file": self.file,
            "sha256": self.sha256,
            "mode": self.mode,
            "rows_written": self.rows_written,
            "sheets": self.sheets,
            "encoding": self.encoding,
            "skipped_sheets": self.skipped_sheets,
            "ignored_columns": self.ignored_columns,
        }


def _pick_sheets(spec: TableSpec, sheets: list[Sheet], wanted: str | None, file: str) -> tuple[list[Sheet], list[str]]:
    if wanted is not None:
        chosen = [s for s in sheets if s.name == wanted]
        if not chosen:
            names = ", ".join(str(s.name) for s in sheets)
            raise ImportValidationError(
                f"No sheet {wanted!r} in {file}",
                [
                    CellIssue(
                        file=file,
                        sheet=wanted,
                        row=None,
                        column=None,
                        value=None,
                        reason=f"sheet not found; sheets are: {names}",
                    )
                ],
            )
        return chosen, []
    chosen, skipped = [], []
    for sheet in sheets:
        mapping, _, _ = spec.map_headers(sheet.header)
        # a sheet "looks like" the table when it names at least one key column
        if any(name in mapping.values() for name in spec.key):
            chosen.append(sheet)
        else:
            skipped.append(str(sheet.name))
    if not chosen:
        # fall back to the first sheet so the user sees which columns are missing
        chosen, skipped = sheets[:1], [str(s.name) for s in sheets[1:]]
    return chosen, skipped


def normalise_markets(
    spec: TableSpec, row: dict[str, Any], names: MarketNames, places: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Rewrite the market cells of one raw row (``de``, ``DEU``, ``德国``, ``Germany``) to ISO alpha-2 codes.

    Used for every import table with a market column (:data:`MARKET_COLUMNS`). A column that may also
    hold a place (a freight quote's destination: a hub id or county adcode, in ``places``) keeps such a
    value, and any other value it cannot resolve, for the reference check. Returns ``(column, reason)``
    for each cell that names no known market; those cells are left as written.
    """
    unknown: list[tuple[str, str]] = []
    for column in MARKET_COLUMNS:
        col = spec.by_name.get(column)
        value = row.get(column)
        if col is None or value is None or not str(value).strip():
            continue
        text = str(value).strip()
        if text in places:
            continue
        code = names.lookup(text)
        if code is not None:
            row[column] = code
        elif col.pattern == _ISO2_PATTERN:
            unknown.append((column, names.unknown_reason(text)))
        else:
            expected = "a hub id, a county adcode or a market"
            unknown.append((column, names.unknown_reason(text, expected)))
    return unknown


def _reference_checks(
    spec: TableSpec,
    row_no: int,
    row: dict[str, Any],
    ref: ReferenceData,
    products: set[str],
) -> list[tuple[str, Any, str]]:
    """(column, value, reason) for values that no reference table knows."""
    bad: list[tuple[str, Any, str]] = []
    counties, markets, hubs = ref.county_adcodes, ref.market_codes, ref.hub_ids
    for column in ("origin_adcode",):
        if column in row and row[column] is not None and row[column] not in counties:
            bad.append(
                (column, row[column], "unknown county-level adcode (see `qiankua data export --table divisions --ref`)")
            )
    for column in ("destination", "market"):
        if spec.name in ("shipments", "sales") and row.get(column) is not None and row[column] not in markets:
            bad.append((column, row[column], "unknown market code (see `qiankua data export --table markets --ref`)"))
    if row.get("currency") is not None and not is_known_currency(row["currency"]):
        bad.append(("currency", row["currency"], "not an ISO 4217 currency code"))
    if spec.name in ("shipments", "sales") and row.get("product_id") is not None and row["product_id"] not in products:
        bad.append(("product_id", row["product_id"], "unknown product id (neither built-in nor imported)"))
    if spec.name == "freight_quotes":
        for column in ("origin", "destination"):
            value = row[column]
            if value not in hubs and value not in markets and value not in counties:
                bad.append((column, value, "expected a hub id, a county adcode or a market code"))
        if all(row.get(c) is None for c in ("per_kg", "per_item", "per_shipment", "per_m3", "per_container")):
            bad.append(
                (
                    "per_kg",
                    None,
                    "a quote needs at least one price (per_kg, per_item, per_shipment, per_m3 or per_container)",
                )
            )
        if row.get("per_container") is not None and row.get("container_type") is None:
            bad.append(("container_type", None, "required when per_container is given"))
        if row.get("valid_to") and row["valid_from"] and not row["valid_from"] < row["valid_to"]:
            bad.append(("valid_to", row["valid_to"], "must be after valid_from"))
    if (
        spec.name == "shipments"
        and row.get("ready_from")
        and row.get("ready_to")
        and row["ready_from"] > row["ready_to"]
    ):
        bad.append(("ready_to", row["ready_to"], "must not be before ready_from"))
    if spec.name == "products":
        dims = [row.get(c) for c in ("carton_l_cm", "carton_w_cm", "carton_h_cm", "carton_gross_kg")]
        if any(d is None for d in dims) and any(d is not None for d in dims):
            bad.append(("carton_l_cm", None, "carton length, width, height and gross weight go together"))
    return bad


@dataclass(frozen=True, kw_only=True)
class ValidatedFile:
    """A user file read and checked against a table, nothing written: rows, where they came from, issues."""

    rows: list[dict[str, Any]]
    row_numbers: list[tuple[str | None, int]]
    sheets: list[Sheet]
    skipped_sheets: list[str]
    ignored_columns: list[str]
    issues: list[CellIssue]


def validate_file(
    path: Path | str,
    table: str,
    ref: ReferenceData,
    *,
    sheet: str | None = None,
    known_products: set[str] | None = None,
) -> ValidatedFile:
    """Read ``path`` and check every cell of it against ``table`` and the reference data.

    Header mapping, types and vocabularies, unknown county / market / currency / product, and
    duplicate keys across sheets. ``known_products`` defaults to the built-in catalogue.
    """
    spec = table_spec(table)
    path = Path(path)
    file = path.name
    chosen, skipped = _pick_sheets(spec, read_sheets(path), sheet, file)
    products = known_products if known_products is not None else set(ref.products["id"].to_list())
    markets = MarketNames(ref.markets.iter_rows(named=True))
    places = ref.hub_ids | ref.county_adcodes if spec.name == "freight_quotes" else frozenset()
    issues: list[CellIssue] = []
    ignored: list[str] = []
    parsed: list[dict[str, Any]] = []
    row_numbers: list[tuple[str | None, int]] = []
    for sh in chosen:
        mapping, unknown, missing = spec.map_headers(sh.header)
        ignored.extend(unknown)
        for name in missing:
            col = spec.by_name[name]
            issues.append(
                CellIssue(
                    file=file,
                    sheet=sh.name,
                    row=sh.header_row,
                    column=name,
                    value=None,
                    reason=f"required column missing (header {col.zh!r} or {col.name!r})",
                )
            )
        if missing:
            continue
        raw_rows = [
            (number, {mapping[i]: v for i, v in enumerate(values) if i in mapping}) for number, values in sh.rows
        ]
        # a market named any way a user writes it becomes its ISO code before validation; a cell that names
        # none keeps its value and gets one issue (from the pattern or reference check) with the nearest names
        unknown_markets: dict[tuple[int | None, str | None], str] = {
            (number, column): reason
            for number, row in raw_rows
            for column, reason in normalise_markets(spec, row, markets, places)
        }
        good, row_issues = spec.validate_rows(raw_rows, file=file, sheet=sh.name)
        row_issues = [replace(i, reason=unknown_markets.get((i.row, i.column), i.reason)) for i in row_issues]
        issues.extend(row_issues)
        bad_rows = {i.row for i in row_issues}
        good_numbers = [n for n, _ in raw_rows if n not in bad_rows]
        for number, row in zip(good_numbers, good, strict=True):
            for column, value, reason in _reference_checks(spec, number, row, ref, products):
                reason = unknown_markets.get((number, column), reason)
                issues.append(
                    CellIssue(
                        file=file,
                        sheet=sh.name,
                        row=number,
                        column=column,
                        value=None if value is None else str(value),
                        reason=reason,
                    )
                )
            parsed.append(row)
            row_numbers.append((sh.name, number))

    if not parsed and not issues:
        issues.append(CellIssue(file=file, sheet=None, row=None, column=None, value=None, reason="no data rows"))

    seen: dict[tuple[Any, ...], tuple[str | None, int]] = {}
    for row, (sheet_name, number) in zip(parsed, row_numbers, strict=True):
        key = tuple(row[k] for k in spec.key)
        if key in seen and seen[key] != (sheet_name, number):
            first_sheet, first_row = seen[key]
            where = f"row {first_row}" + (f" of sheet {first_sheet}" if first_sheet != sheet_name else "")
            issues.append(
                CellIssue(
                    file=file,
                    sheet=sheet_name,
                    row=number,
                    column=spec.key[0],
                    value=str(key[0]),
                    reason=f"duplicate key; first seen in {where}",
                )
            )
        seen.setdefault(key, (sheet_name, number))
    return ValidatedFile(
        rows=parsed,
        row_numbers=row_numbers,
        sheets=chosen,
        skipped_sheets=skipped,
        ignored_columns=ignored,
        issues=issues,
    )


def official_schedule(path: Path, spec: TableSpec, as_of: Any = None) -> ValidatedFile | None:
    """An official tariff schedule download (USITC HTS, UK Global Tariff, WITS; see
    :mod:`qiankua.reference.schedules`) read into the user's ``tariffs`` rows, or None when the
    file is not one (then the template's columns apply)."""
    import datetime as dt

    from qiankua.reference.schedules import detect_format, parse_schedule

    try:
        fmt = detect_format(path)
    except ImportValidationError:
        return None
    frame, issues = parse_schedule(path, fmt, as_of=as_of)
    if not issues and frame["valid_from"].null_count():
        issues = [
            CellIssue(
                file=path.name,
                sheet=None,
                row=None,
                column="valid_from",
                value=None,
                reason="the schedule does not say from when it applies; give --as-of YYYY-MM-DD",
            )
        ]
    raw = [
        (
            n,
            {
                **{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in r.items() if k != "source_id"},
                "source": r["source_id"],
            },
        )
        for n, r in enumerate(frame.to_dicts(), start=2)
    ]
    good, row_issues = ([], []) if issues else spec.validate_rows(raw, file=path.name)
    sheet = Sheet(name=fmt, header_row=1, header=list(frame.columns), rows=[], encoding=None)
    return ValidatedFile(
        rows=good,
        row_numbers=[(str(fmt) if fmt else None, n) for n, _ in raw][: len(good)],
        sheets=[sheet],
        skipped_sheets=[],
        ignored_columns=[],
        issues=issues + row_issues,
    )


def import_file(
    store: Store,
    path: Path | str,
    table: str,
    ref: ReferenceData,
    *,
    mode: str = "append",
    sheet: str | None = None,
    as_of: Any = None,
) -> ImportResult:
    """Validate ``path`` completely, then write it in one transaction (or raise, writing nothing).

    For ``tariffs`` an official schedule download is read as such (``as_of``: the date it applies
    from, when the file does not say)."""
    if mode not in MODES:
        raise InvalidInputError(f"Expected `mode` in {MODES}, got {mode!r}.")
    spec = table_spec(table)
    path = Path(path)
    file = path.name
    known_products = set(ref.products["id"].to_list()) | {k[0] for k in store.existing_keys(table_spec("products"))}
    checked = official_schedule(path, spec, as_of) if spec.name == "tariffs" and path.is_file() else None
    if checked is None:
        checked = validate_file(path, table, ref, sheet=sheet, known_products=known_products)
    issues = list(checked.issues)
    keys = [tuple(row[k] for k in spec.key) for row in checked.rows]
    if mode == "append":
        # in append mode a key already in the database is an error too
        existing = store.existing_keys(spec)
        for key, (sheet_name, number) in zip(keys, checked.row_numbers, strict=True):
            if key in existing:
                issues.append(
                    CellIssue(
                        file=file,
                        sheet=sheet_name,
                        row=number,
                        column=spec.key[0],
                        value=str(key[0]),
                        reason="already in the database; import with --mode upsert or replace",
                    )
                )

    if issues:
        issues.sort(key=lambda i: (str(i.sheet or ""), i.row or 0))
        raise ImportValidationError(
            f"{file}: {len(issues)} problem(s) found; nothing was imported into {table}.", issues[:MAX_ISSUES]
        )

    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    frame = spec.frame(checked.rows)
    written = store.write_user_rows(
        spec,
        frame,
        mode=mode,
        file_name=file,
        sha256=sha256,
        replace_keys=list(dict.fromkeys(keys)) if mode == "upsert" else (),
    )
    return ImportResult(
        table=table,
        file=file,
        sha256=sha256,
        mode=mode,
        rows_written=written,
        sheets=[str(s.name) if s.name else "csv" for s in checked.sheets],
        encoding=checked.sheets[0].encoding,
        skipped_sheets=checked.skipped_sheets,
        ignored_columns=checked.ignored_columns,
    )
