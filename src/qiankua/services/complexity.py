"""Use cases of the product space (issue 16 items 2 and 3), shared by ``qiankua trade``, the API and reports.

* :func:`complexity_file` / :func:`complexity_rows`: RCA, M, density, ECI, PCI, diversity, ubiquity, COI and
  COG (:mod:`qiankua.opportunity.complexity`) for any location x product x year table, from a file or
  from rows; one JSON document with one row per location x product x year.
* :func:`diversify`: "what could Guizhou add" — the products nearest to a region's current capabilities
  (density) with high complexity (PCI) and demand, from the user's ``region_exports`` table (regional
  exports by product, e.g. GACC provincial statistics), with the data's coverage said plainly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from qiankua.exceptions import CellIssue, ImportValidationError, InvalidInputError
from qiankua.opportunity.complexity import COLUMNS, ComplexityResult, complexity

__all__ = [
    "DEFAULT_WEIGHTS",
    "REGION_ALIASES",
    "complexity_document",
    "complexity_file",
    "complexity_rows",
    "diversify",
    "read_trade_table",
]

# the composite of the "what could we add" table: percentile ranks among the candidates, weighted
# (our default, stated in the document: nearness first, then complexity and demand equally)
DEFAULT_WEIGHTS: dict[str, float] = {"density": 0.5, "pci": 0.25, "demand": 0.25}
# names a user's table may give the default region
REGION_ALIASES: dict[str, tuple[str, ...]] = {
    "guizhou": ("guizhou", "贵州", "贵州省", "520000", "52", "gz"),
}


# ---------------------------------------------------------------------------- reading a file


def _issue(path: Path, row: int | None, column: str | None, value: Any, reason: str) -> ImportValidationError:
    cell = CellIssue(
        file=path.name, sheet=None, row=row, column=column, value=None if value is None else str(value), reason=reason
    )
    return ImportValidationError(f"{path.name}: {reason}", [cell])


def read_trade_table(
    path: Path | str,
    *,
    location_col: str = "location",
    product_col: str = "product",
    year_col: str | None = "year",
    value_col: str = "export_value",
) -> pl.DataFrame:
    """The file's four columns as ``location, product, year, export_value`` (strings, int, float).

    CSV in UTF-8 is read by polars whatever its size; other CSV encodings (GB18030/GBK …) and XLSX go
    through :func:`qiankua.store.files.read_sheets`. A bad cell raises :class:`ImportValidationError`
    naming the file, row (as a spreadsheet shows it: header = 1), column and reason.
    """
    path = Path(path)
    wanted = [location_col, product_col, value_col] + ([year_col] if year_col else [])
    frame, numbers = _read_columns(path)
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise _issue(
            path, 1, missing[0], None, f"column {missing[0]!r} not found; the header has {list(frame.columns)}"
        )
    out = frame.select(
        pl.col(location_col).str.strip_chars().alias("location"),
        pl.col(product_col).str.strip_chars().alias("product"),
        (pl.col(year_col).str.strip_chars() if year_col else pl.lit(None, pl.String)).alias("_year"),
        pl.col(value_col).str.strip_chars().str.replace_all(",", "").alias("_value"),
    ).with_columns(
        pl.col("_year").cast(pl.Int64, strict=False).alias("year"),
        pl.col("_value").cast(pl.Float64, strict=False).alias("export_value"),
        pl.Series("_line", numbers, dtype=pl.Int64),
    )
    checks = [
        ("location", location_col, pl.col("location").is_null() | (pl.col("location") == ""), "empty cell"),
        ("product", product_col, pl.col("product").is_null() | (pl.col("product") == ""), "empty cell"),
        (
            "export_value",
            value_col,
            (pl.col("_value").is_not_null() & (pl.col("_value") != "") & pl.col("export_value").is_null())
            | (pl.col("export_value") < 0)
            | ~pl.col("export_value").is_finite(),
            "expected an export value >= 0 (a number; empty = no export)",
        ),
    ]
    if year_col:
        checks.append(("year", year_col, pl.col("year").is_null(), "expected a year (an integer such as 2023)"))
    for raw, column, condition, reason in checks:
        bad = out.filter(condition)
        if bad.height:
            source = "_value" if raw == "export_value" else ("_year" if raw == "year" else raw)
            first = bad.row(0, named=True)
            raise _issue(path, int(first["_line"]), column, first[source], reason)
    return out.select("location", "product", "year", "export_value")


def _read_columns(path: Path) -> tuple[pl.DataFrame, list[int]]:
    """All cells as strings, and each data row's number as a spreadsheet shows it."""
    if not path.is_file():
        raise _issue(path, None, None, None, "file not found")
    head = path.read_bytes()[:4]
    if not head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        try:
            frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
            return frame, list(range(2, frame.height + 2))
        except (pl.exceptions.ComputeError, UnicodeDecodeError, pl.exceptions.NoDataError):
            pass  # not UTF-8 or an unusual dialect: the general reader says what is wrong
    from qiankua.store.files import read_sheets

    sheet = read_sheets(path)[0]
    names = [str(h).strip() for h in sheet.header]
    cols = {
        name: [_cell_text(v) for v in (c.to_list() if isinstance(c, pl.Series) else c)]
        for name, c in zip(names, sheet.columns, strict=False)
    }
    return pl.DataFrame(cols, schema=dict.fromkeys(cols, pl.String)), list(sheet.numbers)


def _cell_text(value: Any) -> str | None:
    """A spreadsheet cell as text: integral numbers without ``.0`` (Excel stores 2023 as 2023.0)."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------- item 2: complexity


def complexity_document(result: ComplexityResult, *, source: str | None = None) -> dict[str, Any]:
    """The one JSON document: ``rows`` (the :data:`COLUMNS` keys, one per location x product x year)."""
    frame = result.frame()
    return {
        "ok": True,
        "source": source,
        "columns": list(COLUMNS),
        **result.summary(),
        "method": "ecomplexity (Growth Lab) conventions: M = RCA > threshold; proximity = minimum conditional "
        "probability, zero diagonal; ECI/PCI second eigenvector, standardised by ECI's mean and sd "
        "(Stata, long table); COI z-scored; COG / sd(ECI)",
        "rows": frame.select(COLUMNS).to_dicts(),
    }


def complexity_file(
    path: Path | str,
    *,
    location_col: str = "location",
    product_col: str = "product",
    year_col: str | None = "year",
    value_col: str = "export_value",
    rca_threshold: float = 1.0,
) -> dict[str, Any]:
    """The measures for the table in ``path`` (CSV or XLSX), as :func:`complexity_document`."""
    table = read_trade_table(
        path, location_col=location_col, product_col=product_col, year_col=year_col, value_col=value_col
    )
    result = complexity(table, year="year" if year_col else None, rca_threshold=rca_threshold)
    return complexity_document(result, source=Path(path).name)


def complexity_rows(rows: Sequence[Mapping[str, Any]], *, rca_threshold: float = 1.0) -> dict[str, Any]:
    """The measures for rows ``{location, product, year, export_value}`` (the API's request body)."""
    if not rows:
        raise InvalidInputError("Expected at least one row {location, product, year, export_value}.")
    table = pl.DataFrame(
        {
            "location": [str(r.get("location", "")) for r in rows],
            "product": [str(r.get("product", "")) for r in rows],
            "year": [r.get("year") for r in rows],
            "export_value": [r.get("export_value") for r in rows],
        },
        schema={"location": pl.String, "product": pl.String, "year": pl.Int64, "export_value": pl.Float64},
        strict=False,
    )
    return complexity_document(complexity(table, rca_threshold=rca_threshold))


# ---------------------------------------------------------------------------- item 3: diversification


def _pad_hs(codes: pl.Expr) -> pl.Expr:
    """HS codes that lost their leading zero in Excel (902 -> 0902): odd-length digit codes get one."""
    return (
        pl.when(codes.str.contains(r"^\d+$") & (codes.str.len_chars() % 2 == 1))
        .then(pl.lit("0") + codes)
        .otherwise(codes)
    )


def _match_region(names: Sequence[str], region: str) -> str | None:
    wanted = {region.strip().lower(), *REGION_ALIASES.get(region.strip().lower(), ())}
    for name in names:
        if name.strip().lower() in wanted:
            return name
    return None


def _percentile(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Rank of each value among the finite ones, 0 (lowest) .. 1 (highest); NaN stays NaN."""
    out = np.full(values.shape, np.nan)
    finite = np.isfinite(values)
    n = int(finite.sum())
    if n == 1:
        out[finite] = 1.0
    elif n > 1:
        ranks = pl.Series(values[finite]).rank("average").to_numpy()
        out[finite] = (ranks - 1.0) / (n - 1.0)
    return out


def _world_imports() -> pl.DataFrame:
    """Cited world import totals by HS prefix (``trade_demand_figures``, metric ``world_imports_total``)."""
    from qiankua.services.opportunity import opportunity_tables

    figures, _ = opportunity_tables()
    return (
        figures.filter(pl.col("metric") == "world_imports_total")
        .with_columns(pl.col("hs_prefixes").str.split(";"))
        .explode("hs_prefixes")
        .select(
            pl.col("hs_prefixes").alias("prefix"),
            pl.col("value").alias("world_imports_usd"),
            pl.col("year").alias("world_imports_year"),
            pl.col("source_id").alias("world_imports_source_id"),
            pl.col("confidence").alias("world_imports_confidence"),
        )
        .sort("world_imports_year", descending=True)
        .unique("prefix", keep="first")
    )


def diversify(
    db: Path | None,
    *,
    region: str = "Guizhou",
    year: int | None = None,
    top: int = 20,
    rca_threshold: float = 1.0,
    weights: Mapping[str, float] | None = None,
    table: pl.DataFrame | None = None,
) -> dict[str, Any]:
    """What could ``region`` add: products it does not yet export with RCA > threshold, ranked by a stated
    composite of density (nearness to what it already makes), PCI and demand.

    The product space is computed over every region in the user's ``region_exports`` table (or
    ``table``: columns ``region, product, year, export_value_usd``) for ``year`` (default: the latest
    year the region has). Demand is the product's total exports over those regions (the only demand
    figure the table gives); a cited world import total is shown beside it where the built-in
    ``trade_demand_figures`` has one. With no data the document says so (``coverage.status``) and has no
    rows: qiankua ships no provincial export-by-product figures.
    """
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    if set(w) != set(DEFAULT_WEIGHTS) or any(not math.isfinite(v) or v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise InvalidInputError(f"Expected weights for {sorted(DEFAULT_WEIGHTS)}, each >= 0 and not all 0; got {w}.")
    total = sum(w.values())
    w = {k: v / total for k, v in w.items()}
    if top < 1:
        raise InvalidInputError(f"Expected --top >= 1, got {top}.")
    data = _region_exports(db) if table is None else table
    doc: dict[str, Any] = {
        "ok": True,
        "region": region,
        "year": year,
        "rca_threshold": rca_threshold,
        "weights": w,
        "rows": [],
        "region_profile": None,
    }
    coverage: dict[str, Any] = {
        "table": "region_exports",
        "builtin_figures": 0,
        "regions": 0,
        "products": 0,
        "years": [],
        "region_rows": 0,
        "sources": [],
    }
    doc["coverage"] = coverage
    if data.height == 0:
        coverage["status"] = "no_data"
        return doc
    data = data.with_columns(_pad_hs(pl.col("product").cast(pl.String)).alias("product"))
    names = data["region"].unique().to_list()
    match = _match_region(names, region)
    coverage["regions"] = len(names)
    coverage["years"] = sorted(int(y) for y in data["year"].unique().to_list())
    if "source" in data.columns:
        coverage["sources"] = sorted(s for s in data["source"].drop_nulls().unique().to_list() if s)
    if match is None:
        coverage["status"] = "region_missing"
        return doc
    doc["region"] = match
    mine = data.filter(pl.col("region") == match)
    coverage["region_rows"] = mine.height
    if year is None:
        year = int(mine["year"].max())  # type: ignore[arg-type]
    doc["year"] = year
    panel = data.filter(pl.col("year") == year)
    if panel.filter(pl.col("region") == match).height == 0:
        coverage["status"] = "region_year_missing"
        return doc
    coverage["regions_in_year"] = panel["region"].n_unique()
    coverage["products"] = panel["product"].n_unique()
    if coverage["regions_in_year"] < 2:
        coverage["status"] = "single_region"
        return doc
    result = complexity(
        panel, location="region", product="product", year="year", value="export_value_usd", rca_threshold=rca_threshold
    ).years[0]
    coverage["status"] = "ok"
    coverage["dropped_products"] = len(result.dropped_products)
    c = result.locations.index(match)
    demand = result.export_value.sum(axis=0)
    profile = {
        "eci": result.eci[c],
        "coi": result.coi[c],
        "diversity": int(result.diversity[c]),
        "products_exported": int((result.export_value[c] > 0).sum()),
        "export_value_usd": float(result.export_value[c].sum()),
    }
    doc["region_profile"] = profile
    cand = (result.m[c] == 0) & np.isfinite(result.density[c]) & np.isfinite(result.pci)
    idx = np.flatnonzero(cand)
    dens = result.density[c, idx]
    pci = result.pci[idx]
    dem = demand[idx]
    parts = {
        "density": _percentile(dens),
        "pci": _percentile(pci),
        "demand": _percentile(np.log(np.where(dem > 0, dem, np.nan))),
    }
    score = sum(w[k] * np.nan_to_num(v, nan=0.0) for k, v in parts.items())
    frame = pl.DataFrame(
        {
            "product": [result.products[i] for i in idx],
            "density": dens,
            "distance": 1.0 - dens,
            "pci": pci,
            "cog": result.cog[c, idx],
            "demand_usd": dem,
            "region_export_usd": result.export_value[c, idx],
            "rca": result.rca[c, idx],
            "score": score,
            "pct_density": parts["density"],
            "pct_pci": parts["pci"],
            "pct_demand": parts["demand"],
            "pci_above_eci": pci > profile["eci"],
        },
        schema_overrides={"product": pl.String},
    )
    names_by_product = (
        panel.filter(pl.col("product_name").is_not_null()).group_by("product").agg(pl.col("product_name").first())
        if "product_name" in panel.columns
        else pl.DataFrame(schema={"product": pl.String, "product_name": pl.String})
    )
    frame = (
        frame.join(names_by_product, on="product", how="left")
        .sort(["score", "density", "product"], descending=[True, True, False])
        .head(top)
        .with_row_index("rank", offset=1)
    )
    world = _world_imports()
    if world.height:
        frame = (
            frame.with_columns(pl.col("product").str.slice(0, 4).alias("_p4"))
            .join(world.rename({"prefix": "_p4"}), on="_p4", how="left")
            .drop("_p4")
        )
        coverage["builtin_figures"] = int(frame["world_imports_usd"].is_not_null().sum())
    doc["candidates"] = int(idx.size)
    doc["rows"] = frame.to_dicts()
    return doc


_EMPTY_EXPORTS = {"region": pl.String, "product": pl.String, "year": pl.Int64, "export_value_usd": pl.Float64}


def _region_exports(db: Path | None) -> pl.DataFrame:
    """The user's ``region_exports`` rows (empty when the database or the table does not exist yet)."""
    from qiankua.services.requests import user_db
    from qiankua.store import Store

    path = user_db(db)
    if not path.exists():
        return pl.DataFrame(schema=_EMPTY_EXPORTS)
    with Store(path, read_only=True) as store:
        if ("user", "region_exports") not in store.tables():
            return pl.DataFrame(schema=_EMPTY_EXPORTS)
        return store.frame("region_exports")
