"""Typical retail prices: quantity-weighted median of the user's sales, cited figures as fallback."""

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.opportunity.retail import cited_prices, combine, typical_prices


def _sales(rows):
    return pl.DataFrame(
        rows, schema=["product_id", "market", "channel", "quantity", "unit_price", "currency"], orient="row"
    )


def test_weighted_median_and_main_currency_by_hand():
    sales = _sales(
        [
            ("tea", "us", "Amazon", 1, 10.0, "USD"),
            ("tea", "US", "Amazon", 5, 12.0, "USD"),  # 5 of 8 units at 12: the weighted median
            ("tea", "US", "eBay", 2, 30.0, "USD"),
            ("tea", "US", "shop", 9, 1.0, "CNY"),  # most units, but... see below
            ("silver", "DE", "Etsy", 1, 80.0, "EUR"),
            ("silver", "DE", "Etsy", 1, 90.0, "EUR"),
        ]
    )
    out = typical_prices(sales).sort("product")
    rows = {r["product"]: r for r in out.iter_rows(named=True)}
    # the currency with the most units sold wins (CNY: 9 units) — lines in other currencies are not mixed in
    assert rows["tea"]["retail_currency"] == "CNY" and rows["tea"]["retail_price"] == 1.0
    assert rows["silver"]["retail_price"] == 80.0 and rows["silver"]["channel"] == "Etsy"
    assert rows["silver"]["price_conf"] == "confirmed" and rows["silver"]["market"] == "DE"
    usd_only = typical_prices(sales.filter(pl.col("currency") == "USD"))
    assert usd_only["retail_price"].to_list() == [12.0] and usd_only["channel"].to_list() == ["Amazon"]


@given(st.lists(st.tuples(st.integers(1, 20), st.floats(0.5, 500, allow_nan=False)), min_size=1, max_size=25))
def test_weighted_median_splits_the_units(lines):
    sales = _sales([("p", "US", "c", q, p, "USD") for q, p in lines])
    price = typical_prices(sales)["retail_price"][0]
    total = sum(q for q, _ in lines)
    assert sum(q for q, p in lines if p <= price) >= total / 2
    assert sum(q for q, p in lines if p < price) < total / 2


def test_cited_figures_fill_only_pairs_without_sales():
    figures = pl.DataFrame(
        {
            "figure_id": ["x-1", "x-2", "x-3"],
            "hs_prefixes": ["0902", "090210", "7113"],
            "metric": ["retail_price"] * 2 + ["import_value"],
            "reporter": ["US", "US", "US"],
            "value": [20.0, 25.0, 1e9],
            "currency": ["USD"] * 3,
            "year": [2024, 2023, 2024],
            "source_id": ["s"] * 3,
            "confidence": ["likely", "unconfirmed", "likely"],
        }
    )
    products = pl.DataFrame({"id": ["tea", "silver"], "hs6": ["090210", "711311"]})
    markets = pl.DataFrame({"iso2": ["US", "DE"]})
    cited = cited_prices(figures, products, markets)
    # the longest matching HS prefix wins (x-2), and an import-value row is no price
    assert cited.to_dicts() == [
        {
            "product": "tea",
            "market": "US",
            "retail_price": 25.0,
            "retail_currency": "USD",
            "channel": None,
            "price_basis": "cited figure x-2 (s, 2023)",
            "price_conf": "unconfirmed",
        }
    ]
    sales = typical_prices(_sales([("tea", "US", "Amazon", 1, 30.0, "USD")]))
    both = combine(sales, cited)
    assert both.height == 1 and both["retail_price"][0] == 30.0  # the user's own sales come first
    assert combine(typical_prices(_sales([])), cited)["retail_price"].to_list() == [25.0]


def test_no_sales_no_prices():
    assert typical_prices(pl.DataFrame()).height == 0
    empty = pl.DataFrame(
        {
            "figure_id": [],
            "hs_prefixes": [],
            "metric": [],
            "reporter": [],
            "value": [],
            "currency": [],
            "year": [],
            "source_id": [],
            "confidence": [],
        }
    )
    assert (
        cited_prices(empty, pl.DataFrame({"id": ["t"], "hs6": ["090210"]}), pl.DataFrame({"iso2": ["US"]})).height == 0
    )
    with pytest.raises(pl.exceptions.ColumnNotFoundError):  # malformed sales are an error, not a silent 0
        typical_prices(pl.DataFrame({"product_id": ["t"], "market": ["US"]}))
