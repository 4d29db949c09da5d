"""Import a user's CSV/XLSX into ``user.<table>``: all rows or none.

Every sheet whose header row names the table's required columns (in Chinese,
English or both) is read; sheets that do not look like the table (a notes sheet)
are skipped and reported. A market cell may name the market as users write it (``de``, ``DEU``,
``德国``, ``Germany``); :func:`normalise_markets` turns it into the ISO alpha-2 code before the
row is validated, and dates are read in the forms Chinese Excel and WPS save (see
:func:`qiankua.schema._parse_date`). Cells are checked column-wise (:mod:`qiankua.store.columns`:
polars, with pydantic only for the cells it cannot settle). Every bad cell is collected — type,
range, vocabulary, a value the store cannot hold (too large a number, too long a text, control
characters), an id outside the safe character set, a column named twice, unknown county / market /
product, a currency the FX book cannot convert, a quote between places the router does not know,
duplicate key — and if there is any, nothing is written and :class:`ImportValidationError` lists
them (file, sheet, row, column, value, reason). Otherwise one transaction writes the rows (upsert:
one set-based delete by key) and logs the import (file name, sha256, mode, row count) in
``meta.imports``. :func:`validate_stored` runs the same checks on the rows already stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.domain import is_known_currency
from qiankua.exceptions import CellIssue, ImportValidationError, InvalidInputError
from qiankua.reference import ReferenceData
from qiankua.schema import MarketNames, TableSpec, normalise_header, shown, table_spec
from qiankua.store.columns import check_columns
from qiankua.store.database import Store
from qiankua.store.exporter import AUXILIARY_SHEETS
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
        if str(sheet.name or "").lower().startswith(AUXILIARY_SHEETS) and len(sheets) > 1:
            skipped.append(str(sheet.name))  # a template's example, notes and lists sheets
            continue
        mapping, _, _ = spec.map_headers(sheet.header)
        # a sheet "looks like" the table when it names at least one key column
        if any(name in mapping.values() for name in spec.key):
            chosen.append(sheet)
        else:
            skipped.append(str(sheet.name))
    if not chosen:
        # fall back to the first sheet so the user sees which columns are missing
        chosen, skipped = sheets[:1], [str(s.name) for s in sheets[1:]]
        if any(str(s.name or "").lower().startswith(AUXILIARY_SHEETS[:2]) for s in sheets[1:]):
            # a template whose data sheet is still empty: its example is not data
            chosen = []
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


_COUNTY_REASON = "unknown county-level adcode (see `qiankua data export --table divisions --ref`)"
_MARKET_REASON = "unknown market code (see `qiankua data export --table markets --ref`)"
_PRICES = ("per_kg", "per_item", "per_shipment", "per_m3", "per_container")


@cache
def _route_places(data_dir: str) -> tuple[frozenset[str], frozenset[str]]:
    """(nodes of the route network — hubs, terminals and division adcodes —, markets it delivers to), as
    the routing engine builds them from the reference data: a quote must join two of them."""
    base = Path(data_dir)
    nodes: set[str] = set()
    delivered: set[str] = set()
    with contextlib.suppress(OSError, pl.exceptions.PolarsError):
        nodes |= set(pl.read_csv(base / "route_nodes.csv", infer_schema=False)["node_id"].to_list())
        nodes |= set(pl.read_csv(base / "divisions.csv", infer_schema=False)["adcode"].to_list())
        nodes |= set(pl.read_csv(base / "hubs.csv", infer_schema=False)["hub_id"].to_list())
        delivered |= set(pl.read_csv(base / "route_markets.csv", infer_schema=False)["iso2"].to_list())
    return frozenset(nodes), frozenset(delivered)


def _reference_issues(
    spec: TableSpec,
    frame: pl.DataFrame,
    ref: ReferenceData,
    products: set[str],
    currencies: Collection[str] | None,
) -> list[tuple[int, str, Any, str]]:
    """(row index, column, value, reason) for values that no reference table knows, or that the engines
    could not use (a currency the FX book cannot convert, a quote between places the router does not know)."""
    bad: list[tuple[int, str, Any, str]] = []
    cols = set(frame.columns)
    frame = frame.with_row_index("__i")

    def flag(mask: pl.Expr, column: str, reason: str, value: pl.Expr | None = None) -> None:
        hits = frame.filter(mask.fill_null(False)).select("__i", (value if value is not None else pl.col(column)))
        bad.extend((i, column, v, reason) for i, v in hits.iter_rows())

    if "origin_adcode" in cols:
        flag(
            pl.col("origin_adcode").is_not_null() & ~pl.col("origin_adcode").is_in(list(ref.county_adcodes)),
            "origin_adcode",
            _COUNTY_REASON,
        )
    markets = list(ref.market_codes)
    if spec.name in ("shipments", "sales"):
        for column in ("destination", "market"):
            if column in cols:
                flag(pl.col(column).is_not_null() & ~pl.col(column).is_in(markets), column, _MARKET_REASON)
    if "currency" in cols:
        known = [c for c in frame["currency"].drop_nulls().unique().to_list() if is_known_currency(c)]
        flag(
            pl.col("currency").is_not_null() & ~pl.col("currency").is_in(known),
            "currency",
            "not an ISO 4217 currency code",
        )
        if currencies is not None and spec.name != "fx_rates":
            usable = [c for c in known if c in currencies or c == "CNY"]
            flag(
                pl.col("currency").is_in(known) & ~pl.col("currency").is_in(usable),
                "currency",
                "no exchange rate for this currency in the FX book (ECB, pegs, cited rates or your own), so no "
                "engine could use the row; import its rate with --table fx_rates first",
            )
    if spec.name in ("shipments", "sales") and "product_id" in cols:
        flag(
            pl.col("product_id").is_not_null() & ~pl.col("product_id").is_in(list(products)),
            "product_id",
            "unknown product id (neither built-in nor imported)",
        )
    if spec.name == "freight_quotes":
        nodes, delivered = _route_places(str(ref.data_dir))
        if not nodes:  # no routing tables next to the reference data: the old, looser check
            nodes = frozenset(ref.hub_ids | ref.county_adcodes)
            delivered = frozenset(ref.market_codes)
        # a market written any way (DE, 德国, Germany) is still a market, not a place goods leave from
        names = MarketNames(ref.markets.iter_rows(named=True))
        market_like = [
            v for v in frame["origin"].drop_nulls().unique().to_list() if v not in nodes and names.lookup(v) is not None
        ]
        flag(
            pl.col("origin").is_in([*delivered, *market_like]) & ~pl.col("origin").is_in(list(nodes)),
            "origin",
            "a market cannot be a quote's origin: expected a hub id or a county adcode where the goods leave",
        )
        flag(
            ~pl.col("origin").is_in(list(nodes)) & ~pl.col("origin").is_in([*delivered, *market_like]),
            "origin",
            "expected a hub id or a county adcode (see `qiankua data export --table hubs --ref`)",
        )
        flag(
            ~pl.col("destination").is_in(list(nodes)) & ~pl.col("destination").is_in(list(delivered)),
            "destination",
            "expected a hub id, a county adcode or a market code",
        )
        flag(
            pl.all_horizontal([pl.col(c).is_null() for c in _PRICES]),
            "per_kg",
            "a quote needs at least one price (per_kg, per_item, per_shipment, per_m3 or per_container)",
            pl.lit(None),
        )
        flag(
            pl.col("per_container").is_not_null() & pl.col("container_type").is_null(),
            "container_type",
            "required when per_container is given",
        )
        flag(
            pl.col("valid_to").is_not_null()
            & pl.col("valid_from").is_not_null()
            & ~(pl.col("valid_from") < pl.col("valid_to")),
            "valid_to",
            "must be after valid_from",
        )
    if spec.name == "region_panel":
        from qiankua.region.names import _key, area_names_of

        area_lookup = area_names_of(ref).lookup
        areas = [a for a in frame["area"].drop_nulls().unique().to_list() if _key(str(a)) not in area_lookup]
        flag(
            pl.col("area").is_in(areas),
            "area",
            "unknown area: expected a 6-digit code or a province/county name in Chinese, English or pinyin "
            "(e.g. 520000, 贵州, Guizhou)",
        )
        system = {r["indicator"]: r["unit"] for r in ref.table("region_indicators").iter_rows(named=True)}
        flag(
            pl.col("indicator").is_not_null() & ~pl.col("indicator").is_in(list(system)),
            "indicator",
            "unknown indicator; expected one of " + ", ".join(system),
        )
        wrong = [
            (ind, m)
            for ind, m in frame.select("indicator", "measure").unique().iter_rows()
            if ind in system and m is not None and _key(str(m)) != _key(system[ind])
        ]
        for ind, m in wrong:
            flag(
                (pl.col("indicator") == ind) & (pl.col("measure") == m),
                "measure",
                f"does not match the unit of {ind} ({system[ind]})",
            )
    if spec.name == "shipments":
        flag(pl.col("ready_from") > pl.col("ready_to"), "ready_to", "must not be before ready_from")
    if spec.name == "products":
        dims = [pl.col(c).is_null() for c in ("carton_l_cm", "carton_w_cm", "carton_h_cm", "carton_gross_kg")]
        flag(
            pl.any_horizontal(dims) & ~pl.all_horizontal(dims),
            "carton_l_cm",
            "carton length, width, height and gross weight go together",
            pl.lit(None),
        )
    return bad


@dataclass(frozen=True, kw_only=True)
class ValidatedFile:
    """A user file read and checked against a table, nothing written: rows, where they came from, issues."""

    frame: pl.DataFrame
    where: pl.DataFrame  # sheet (``__sheet``) and row number (``__row``) of each row of ``frame``
    sheets: list[Sheet]
    skipped_sheets: list[str]
    ignored_columns: list[str]
    issues: list[CellIssue]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The good rows as dicts (the frame is the fast form)."""
        return self.frame.to_dicts()

    @property
    def row_numbers(self) -> list[tuple[str | None, int]]:
        return list(self.where.iter_rows())


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _duplicate_headers(spec: TableSpec, sheet: Sheet, file: str) -> list[CellIssue]:
    """One issue per header that names a column an earlier header already names (both named)."""
    first: dict[str, tuple[int, Any]] = {}
    issues = []
    for index, raw in enumerate(sheet.header):
        if raw is None or str(raw).strip() == "":
            continue
        name = spec.header_aliases.get(normalise_header(str(raw)))
        if name is None:
            continue
        if name in first:
            at, was = first[name]
            issues.append(
                CellIssue(
                    file=file,
                    sheet=sheet.name,
                    row=sheet.header_row,
                    column=name,
                    value=shown(raw),
                    reason=f"duplicate column: headers {str(was)!r} (column {_letter(at)}) and {str(raw)!r} "
                    f"(column {_letter(index)}) both name {name}; keep one",
                )
            )
        else:
            first[name] = (index, raw)
    return issues


def _market_rewrite(
    spec: TableSpec, names: MarketNames, places: frozenset[str], unknown: dict[tuple[str, str], str]
) -> dict[str, Callable[[pl.Series], pl.Series]]:
    """For each market column, a function that rewrites market names to ISO codes (see
    :func:`normalise_markets`), recording the reason for every value that names none."""

    def make(column: str) -> Callable[[pl.Series], pl.Series]:
        col = spec.by_name[column]

        def rewrite(series: pl.Series) -> pl.Series:
            mapping: dict[str, str] = {}
            for value in series.drop_nulls().unique().to_list():
                text = value.strip()
                if not text or text in places:
                    continue
                code = names.lookup(text)
                if code is not None:
                    if code != value:
                        mapping[value] = code
                elif col.pattern == _ISO2_PATTERN:
                    unknown[(column, value)] = names.unknown_reason(text)
                else:
                    unknown[(column, value)] = names.unknown_reason(text, "a hub id, a county adcode or a market")
            return series.replace(mapping) if mapping else series

        return rewrite

    return {c: make(c) for c in MARKET_COLUMNS if c in spec.by_name}


def validate_file(
    path: Path | str,
    table: str,
    ref: ReferenceData,
    *,
    sheet: str | None = None,
    known_products: set[str] | None = None,
    currencies: Collection[str] | None = None,
) -> ValidatedFile:
    """Read ``path`` and check every cell of it against ``table`` and the reference data.

    Header mapping (a column named twice is an error naming both headers), types and vocabularies,
    storable sizes, unknown county / market / currency / product, quotes between places the router
    knows, and duplicate keys across sheets. ``known_products`` defaults to the built-in catalogue;
    ``currencies`` (the FX book's) when given makes a currency no rate converts an error too.
    Cells are checked column-wise (:mod:`qiankua.store.columns`).
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
    frames: list[pl.DataFrame] = []
    wheres: list[pl.DataFrame] = []
    for sh in chosen:
        mapping, unknown, missing = spec.map_headers(sh.header)
        ignored.extend(u for u in unknown if "(duplicate of " not in u)
        issues.extend(_duplicate_headers(spec, sh, file))
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
        columns = {name: sh.columns[index] for index, name in mapping.items()}
        unknown_markets: dict[tuple[str, str], str] = {}
        checked = check_columns(
            spec,
            columns,
            sh.numbers,
            file=file,
            sheet=sh.name,
            rewrite=_market_rewrite(spec, markets, places, unknown_markets),
        )
        sheet_issues = [
            replace(i, reason=unknown_markets.get((str(i.column), str(i.value)), i.reason)) for i in checked.issues
        ]
        good = checked.frame.with_columns(checked.numbers).filter(~checked.bad)
        if spec.key:
            first = pl.col("__row").first().over(list(spec.key))
            dup = good.select(first.alias("first"), pl.col("__row"), *[pl.col(k) for k in spec.key])
            repeated = dup.filter(pl.col("first") != pl.col("__row"))
            sheet_issues.extend(
                CellIssue(
                    file=file,
                    sheet=sh.name,
                    row=number,
                    column=spec.key[0],
                    value=str(key[0] if len(key) == 1 else key),
                    reason=f"duplicate key; first seen in row {first_row}",
                )
                for first_row, number, *key in repeated.iter_rows()
            )
            good = good.filter(first == pl.col("__row"))
        for index, column, value, reason in _reference_issues(spec, good.drop("__row"), ref, products, currencies):
            number = int(good["__row"][index])
            cell = None if value is None else str(value)
            sheet_issues.append(
                CellIssue(
                    file=file,
                    sheet=sh.name,
                    row=number,
                    column=column,
                    value=shown(cell),
                    reason=unknown_markets.get((column, str(cell)), reason),
                )
            )
        order = {c: n for n, c in enumerate(spec.column_names)}
        sheet_issues.sort(key=lambda i: (i.row or 0, order.get(str(i.column), 0)))
        issues.extend(sheet_issues)
        frames.append(good.drop("__row"))
        wheres.append(good.select(pl.lit(sh.name, dtype=pl.String).alias("__sheet"), pl.col("__row")))

    frame = pl.concat(frames) if frames else spec.frame([])
    if frame.height == 0 and not issues:
        issues.append(CellIssue(file=file, sheet=None, row=None, column=None, value=None, reason="no data rows"))

    where = pl.concat(wheres) if wheres else pl.DataFrame(schema={"__sheet": pl.String, "__row": pl.Int64})
    if len(frames) > 1 and spec.key:
        keyed = pl.concat([frame.select(list(spec.key)), where], how="horizontal").with_row_index("__i")
        firsts = keyed.with_columns(
            pl.col("__sheet").first().over(list(spec.key)).alias("s0"),
            pl.col("__row").first().over(list(spec.key)).alias("r0"),
        ).filter(pl.col("__i") != pl.col("__i").first().over(list(spec.key)))
        for row in firsts.iter_rows(named=True):
            place = f"row {row['r0']}" + (f" of sheet {row['s0']}" if row["s0"] != row["__sheet"] else "")
            issues.append(
                CellIssue(
                    file=file,
                    sheet=row["__sheet"],
                    row=row["__row"],
                    column=spec.key[0],
                    value=str(row[spec.key[0]]),
                    reason=f"duplicate key; first seen in {place}",
                )
            )
    return ValidatedFile(
        frame=frame,
        where=where,
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
        frame=spec.frame(good),
        where=pl.DataFrame(
            {"__sheet": [str(fmt) if fmt else None] * len(good), "__row": [n for n, _ in raw][: len(good)]},
            schema={"__sheet": pl.String, "__row": pl.Int64},
        ),
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
    currencies: Collection[str] | None = None,
) -> ImportResult:
    """Validate ``path`` completely, then write it in one transaction (or raise, writing nothing).

    For ``tariffs`` an official schedule download is read as such (``as_of``: the date it applies
    from, when the file does not say). ``currencies``: the currencies the FX book converts (see
    :func:`qiankua.services.fx.fx_book`); a row in any other currency is refused, as the engines
    could not use it. ``upsert`` replaces the rows with the file's keys in one set-based statement."""
    if mode not in MODES:
        raise InvalidInputError(f"Expected `mode` in {MODES}, got {mode!r}.")
    spec = table_spec(table)
    path = Path(path)
    file = path.name
    known_products = set(ref.products["id"].to_list()) | {k[0] for k in store.existing_keys(table_spec("products"))}
    checked = official_schedule(path, spec, as_of) if spec.name == "tariffs" and path.is_file() else None
    if checked is None:
        checked = validate_file(path, table, ref, sheet=sheet, known_products=known_products, currencies=currencies)
    issues = list(checked.issues)
    if mode == "append" and checked.frame.height and spec.key and store.row_count(spec.name):
        # in append mode a key already in the database is an error too (a join, not a key at a time)
        keys = list(spec.key)
        cols = ", ".join(f'"{k}"' for k in keys)
        stored = pl.from_arrow(store._db.sql(f'SELECT DISTINCT {cols} FROM "user"."{spec.name}"').to_arrow_table())
        assert isinstance(stored, pl.DataFrame)
        stored = stored.cast(checked.frame.select(keys).schema)
        clash = pl.concat([checked.frame.select(keys), checked.where], how="horizontal").join(
            stored, on=keys, how="semi", nulls_equal=True
        )
        issues.extend(
            CellIssue(
                file=file,
                sheet=row["__sheet"],
                row=row["__row"],
                column=spec.key[0],
                value=str(row[spec.key[0]]),
                reason="already in the database; import with --mode upsert or replace",
            )
            for row in clash.iter_rows(named=True)
        )

    if issues:
        issues.sort(key=lambda i: (str(i.sheet or ""), i.row or 0))
        raise ImportValidationError(
            f"{file}: {len(issues)} problem(s) found; nothing was imported into {table}.",
            issues[:MAX_ISSUES],
            table=table,
        )

    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    frame = checked.frame.select(spec.column_names).cast(spec.polars_schema())  # type: ignore[arg-type]
    written = write_rows(store, spec, frame, mode=mode, file_name=file, sha256=sha256)
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


def write_rows(store: Store, spec: TableSpec, frame: pl.DataFrame, *, mode: str, file_name: str, sha256: str) -> int:
    """Write validated rows into ``user.<table>`` in one transaction and log the import.

    ``replace`` empties the table first; ``upsert`` deletes the rows whose key the file holds with one
    ``DELETE … USING`` join (set-based: 1,000,000 keys cost one statement, not a million); ``append``
    only inserts."""
    target = f'"user"."{spec.name}"'
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    with store.transaction((f"user.{spec.name}", "meta.imports")) as db:  # caches of other tables stay valid
        db.register("_incoming", frame.to_arrow())
        try:
            if mode == "replace":
                db.execute(f"DELETE FROM {target}")
            elif mode == "upsert" and spec.key:
                keys = ", ".join(f'"{k}"' for k in spec.key)
                match = " AND ".join(f'{target}."{k}" = _keys."{k}"' for k in spec.key)
                db.execute(f"DELETE FROM {target} USING (SELECT DISTINCT {keys} FROM _incoming) AS _keys WHERE {match}")
            db.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            db.unregister("_incoming")
        next_id = db.execute("SELECT coalesce(max(import_id), 0) + 1 FROM meta.imports").fetchone()[0]
        db.execute(
            "INSERT INTO meta.imports VALUES (?, ?, ?, ?, ?, ?, ?)",
            [next_id, spec.name, file_name, sha256, mode, frame.height, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )
    return frame.height


def _as_text(series: pl.Series) -> pl.Series:
    """A stored column written out as a user would type it, so the import checks can read it again."""
    if series.dtype == pl.String:
        return series
    if isinstance(series.dtype, pl.Datetime):
        return series.dt.strftime("%Y-%m-%d %H:%M:%S")
    return series.cast(pl.String)


def validate_stored(
    store: Store,
    ref: ReferenceData,
    *,
    currencies: Collection[str] | None = None,
    tables: Collection[str] | None = None,
) -> tuple[dict[str, int], list[CellIssue]]:
    """Check the rows already in the user's store against today's import rules (rows stored by an older
    version, or before a reference table changed): the same cell, key and reference checks as an import.
    Returns row counts per table (``user.<table>``) and the issues; ``file`` is ``user.<table>`` and
    ``row`` the row's position in the table (1-based)."""
    from qiankua.schema import USER_TABLES

    present = {name for schema, name in store.tables() if schema == "user"}
    products = set(ref.products["id"].to_list())
    if "products" in present:
        products |= {k[0] for k in store.existing_keys(table_spec("products"))}
    counts: dict[str, int] = {}
    issues: list[CellIssue] = []
    for name, spec in USER_TABLES.items():
        if name not in present or (tables is not None and name not in tables):
            continue
        frame = store.frame(name)
        counts[f"user.{name}"] = frame.height
        if not frame.height:
            continue
        file = f"user.{name}"
        numbers = list(range(1, frame.height + 1))
        columns = {c: _as_text(frame[c]) for c in spec.column_names if c in frame.columns}
        checked = check_columns(spec, columns, numbers, file=file, sheet=None)
        issues.extend(checked.issues)
        good = checked.frame.with_columns(checked.numbers).filter(~checked.bad)
        if spec.key:
            first = pl.col("__row").first().over(list(spec.key))
            for first_row, number, *key in (
                good.select(first.alias("f"), pl.col("__row"), *spec.key)
                .filter(pl.col("f") != pl.col("__row"))
                .iter_rows()
            ):
                issues.append(
                    CellIssue(
                        file=file,
                        sheet=None,
                        row=number,
                        column=spec.key[0],
                        value=str(key[0] if len(key) == 1 else tuple(key)),
                        reason=f"duplicate key; first seen in row {first_row}",
                    )
                )
        for index, column, value, reason in _reference_issues(spec, good.drop("__row"), ref, products, currencies):
            issues.append(
                CellIssue(
                    file=file,
                    sheet=None,
                    row=int(good["__row"][index]),
                    column=column,
                    value=shown(value),
                    reason=reason,
                )
            )
    return counts, issues
