"""Typical retail prices per product x market, for the landed-cost margin criterion.

Two sources, in order of preference:

1. the user's own ``sales`` (imported into the store: order lines with ``product_id``,
   ``market``, ``channel``, ``quantity``, ``unit_price``, ``currency``): the typical price is the
   quantity-weighted median unit price of the pair, in the currency that sold the most units;
   confidence ``confirmed`` (the user's own transactions);
2. cited figures: rows of the ``trade_demand_figures`` reference table with
   ``metric == "retail_price"`` (``reporter`` = market ISO2, ``hs_prefixes`` matching the
   product's HS6, ``value`` per unit in ``currency``), with the row's own confidence. The research
   notes hold no such figure as of 2026-11 (``grep -i retail ../shared/research``), so today this
   source is empty and a pair without sales has no typical price.

A pair with neither has no price: its margin is unavailable and says so — never zero.
Pure: polars only.
"""

from __future__ import annotations

import polars as pl

PRICE_COLUMNS = ("product", "market", "retail_price", "retail_currency", "channel", "price_basis", "price_conf")
RETAIL_METRIC = "retail_price"


def typical_prices(sales: pl.DataFrame) -> pl.DataFrame:
    """Quantity-weighted median unit price per (product, market) from order lines.

    Per pair, the currency with the most units sold is used (lines in other currencies are left
    out rather than converted at an unknown date); ``channel`` is the pair's best-selling channel.
    """
    if sales.height == 0:
        return pl.DataFrame(schema={c: pl.String for c in PRICE_COLUMNS} | {"retail_price": pl.Float64})
    lines = sales.select(
        pl.col("product_id").alias("product"),
        pl.col("market").str.to_uppercase(),
        pl.col("channel"),
        pl.col("quantity").cast(pl.Float64),
        pl.col("unit_price").cast(pl.Float64),
        pl.col("currency"),
    ).filter(pl.col("quantity") > 0)
    ccy = (
        lines.group_by("product", "market", "currency")
        .agg(units=pl.col("quantity").sum())
        .sort(["units", "currency"], descending=[True, False])
        .group_by("product", "market", maintain_order=True)
        .first()
        .select("product", "market", "currency")
    )
    lines = lines.join(ccy, on=["product", "market", "currency"], how="inner")
    median = (
        lines.sort("unit_price")
        .with_columns(
            cum=pl.col("quantity").cum_sum().over("product", "market"),
            half=pl.col("quantity").sum().over("product", "market") / 2,
        )
        .filter(pl.col("cum") >= pl.col("half"))
        .group_by("product", "market")
        .agg(pl.col("unit_price").first().alias("retail_price"), pl.col("currency").first().alias("retail_currency"))
    )
    counts = lines.group_by("product", "market").agg(orders=pl.len(), units=pl.col("quantity").sum())
    channel = (
        lines.group_by("product", "market", "channel")
        .agg(u=pl.col("quantity").sum())
        .sort(["u", "channel"], descending=[True, False])
        .group_by("product", "market", maintain_order=True)
        .first()
        .select("product", "market", "channel")
    )
    return (
        median.join(counts, on=["product", "market"])
        .join(channel, on=["product", "market"])
        .with_columns(
            price_basis=pl.format(
                "your sales: {} order lines, {} units", "orders", pl.col("units").round(0).cast(pl.Int64)
            ),
            price_conf=pl.lit("confirmed"),
        )
        .select(PRICE_COLUMNS)
    )


def cited_prices(figures: pl.DataFrame, products: pl.DataFrame, markets: pl.DataFrame) -> pl.DataFrame:
    """Cited retail prices (``metric == "retail_price"``) per (product, market): the figure with the
    longest matching HS prefix, then the latest year."""
    rows = figures.filter(pl.col("metric") == RETAIL_METRIC)
    out = []
    for f in rows.iter_rows(named=True):
        prefixes = [p for p in (f["hs_prefixes"] or "").split(";") if p]
        for p in products.iter_rows(named=True):
            match = max((len(x) for x in prefixes if str(p["hs6"]).startswith(x)), default=0)
            if match and f["reporter"] in set(markets["iso2"].to_list()):
                out.append(
                    {
                        "product": p["id"],
                        "market": f["reporter"],
                        "retail_price": float(f["value"]),
                        "retail_currency": f["currency"],
                        "channel": None,
                        "price_basis": f"cited figure {f['figure_id']} ({f['source_id']}, {f['year']})",
                        "price_conf": f["confidence"],
                        "_match": match,
                        "_year": int(f["year"]),
                    }
                )
    if not out:
        return pl.DataFrame(schema={c: pl.String for c in PRICE_COLUMNS} | {"retail_price": pl.Float64})
    return (
        pl.DataFrame(out)
        .sort(["_match", "_year"], descending=True)
        .group_by("product", "market", maintain_order=True)
        .first()
        .select(PRICE_COLUMNS)
    )


def combine(sales: pl.DataFrame, cited: pl.DataFrame) -> pl.DataFrame:
    """Sales-based prices first; cited figures only for pairs the sales do not cover."""
    rest = cited.join(sales.select("product", "market"), on=["product", "market"], how="anti")
    return pl.concat([sales.select(PRICE_COLUMNS), rest.select(PRICE_COLUMNS)], how="vertical_relaxed")
