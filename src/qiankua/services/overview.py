"""Read-only views of the reference data for the web app and API (overview, lookups)."""

from __future__ import annotations

from typing import Any

import polars as pl

from qiankua.reference import load_reference
from qiankua.reference.loader import county_boundaries, county_boundaries_json
from qiankua.schema import PROVENANCE, REFERENCE_TABLES


def _spec_columns(table: str) -> list[str]:
    spec = PROVENANCE if table == "provenance" else REFERENCE_TABLES[table]
    return spec.column_names


def table_rows(table: str) -> list[dict[str, Any]]:
    ref = load_reference()
    frame = ref.provenance if table == "provenance" else ref.table(table)
    return frame.select(_spec_columns(table)).to_dicts()


def reference_row(table: str, key: str, value: str) -> dict[str, Any]:
    """One row by key; raises UnknownReferenceError (with suggestions) when absent."""
    ref = load_reference()
    lookup = {"products": ref.product, "markets": ref.market}[table]
    lookup(value)  # raises with "did you mean"
    frame = ref.table(table).filter(pl.col(key) == value).select(_spec_columns(table))
    return frame.to_dicts()[0]


def divisions(level: str | None = None) -> list[dict[str, Any]]:
    frame = load_reference().divisions.select(_spec_columns("divisions"))
    return (frame.filter(pl.col("level") == level) if level else frame).to_dicts()


def sources(table: str | None = None) -> list[dict[str, Any]]:
    frame = load_reference().provenance.select(_spec_columns("provenance"))
    return (frame.filter(pl.col("table") == table) if table else frame).to_dicts()


def overview() -> dict[str, Any]:
    """Headline figures of the built-in data (counts) for the overview page."""
    ref = load_reference()
    products = ref.products
    counties = [d for d in ref.counties()]
    origins = sorted(set(products["origin_adcode"].to_list()))
    by_category = dict(sorted((str(k), int(v)) for k, v in products.group_by("category").len().iter_rows()))
    figures = [
        ("products", "产品", "Products", products.height),
        ("markets", "目标市场", "Markets", ref.markets.height),
        ("counties", "县级行政区", "Counties", len(counties)),
        ("origin_counties", "有产品的县", "Counties with products", len(origins)),
        ("ich", "非遗产品", "Intangible-heritage products", int(products["ich_level"].is_not_null().sum())),
        ("gi", "地理标志产品", "Geographical-indication products", int(products["gi_name"].is_not_null().sum())),
        ("hubs", "物流节点", "Logistics nodes", ref.hubs.height),
        ("sources", "数据来源", "Cited sources", ref.provenance.height),
    ]
    return {
        "figures": [{"key": k, "label_zh": zh, "label_en": en, "value": float(v)} for k, zh, en, v in figures],
        "products_by_category": by_category,
        "counties_with_products": origins,
    }


# the boundaries are reference data: read by the loader, re-exported here for the web app and API
__all__ = [
    "county_boundaries",
    "county_boundaries_json",
    "divisions",
    "overview",
    "reference_row",
    "sources",
    "table_rows",
]
