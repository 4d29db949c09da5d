"""The headline view: export potential in USD per product line x market, realised trade beside it, and the
unrealised part (ITC Export Potential Indicator, Decreux and Spies 2016; docs/methods/opportunity.en.md).

Input is the pair table of the opportunity use case (one row per product x market) with
``potential_usd`` (supply x demand x ease), ``realised_usd`` (the exporter's exports of the line to the
market, where known), ``unrealised_usd`` = max(potential - realised, 0), ``line`` (the HS line the
figures are for), ``potential_basis`` / ``potential_conf`` and ``blockers``. Several products of a
province can share one HS line: the potential is the line's (the exporter's share of world supply of the
line), so it is reported once per line x market with the products it covers, never added up across
them. Pure: polars only.
"""

from __future__ import annotations

import polars as pl

HEADLINE_COLUMNS = (
    "line",
    "market",
    "potential_usd",
    "realised_usd",
    "unrealised_usd",
    "realised_share",
    "products",
    "blocked_products",
    "demand_proxy",
    "potential_conf",
    "potential_basis",
    "realised_basis",
)


def headline(pairs: pl.DataFrame) -> pl.DataFrame:
    """One row per (line, market) with an estimated potential: those whose demand is a measured import
    value first, then those on a demand proxy (``demand_proxy``); within each, largest potential first
    (ties: line, market). A proxy never outranks a measured figure.

    ``realised_share`` = min(realised, potential) / potential (ITC's "realised potential"); null where the
    realised value is not known (an uncited export is unknown, not zero). ``products`` lists the pairs'
    products in that line; ``blocked_products`` those with an open blocking market-entry requirement.
    """
    have = pairs.filter(pl.col("potential_usd").is_not_null())
    if "line" not in have.columns:
        have = have.with_columns(line=pl.col("hs6"))
    for col, dtype in (
        ("realised_usd", pl.Float64),
        ("unrealised_usd", pl.Float64),
        ("realised_basis", pl.String),
        ("potential_conf", pl.String),
        ("potential_basis", pl.String),
        ("demand_proxy", pl.Boolean),
    ):
        if col not in have.columns:
            have = have.with_columns(pl.lit(None, dtype=dtype).alias(col))
    have = have.with_columns(line=pl.coalesce("line", "hs6"), _blocked=pl.col("blockers").fill_null(0) > 0)
    out = (
        have.sort("product")
        .group_by("line", "market")
        .agg(
            pl.col("potential_usd").first(),
            pl.col("realised_usd").first(),
            pl.col("unrealised_usd").first(),
            pl.col("product").alias("products"),
            pl.col("product").filter(pl.col("_blocked")).alias("blocked_products"),
            pl.col("demand_proxy").fill_null(False).first(),
            pl.col("potential_conf").first(),
            pl.col("potential_basis").first(),
            pl.col("realised_basis").first(),
        )
        .with_columns(
            realised_share=pl.when(pl.col("realised_usd").is_not_null() & (pl.col("potential_usd") > 0)).then(
                pl.min_horizontal("realised_usd", "potential_usd") / pl.col("potential_usd")
            )
        )
    )
    return out.sort(["demand_proxy", "potential_usd", "line", "market"], descending=[False, True, False, False]).select(
        HEADLINE_COLUMNS
    )


def not_estimated(pairs: pl.DataFrame) -> pl.DataFrame:
    """Per HS line without a potential: its products, how many markets, and why (``reason``: ``supply`` when
    no supply share is known for the line, ``demand`` when the markets' demand is missing)."""
    miss = pairs.filter(pl.col("potential_usd").is_null())
    if miss.height == 0:
        return pl.DataFrame(
            schema={"hs6": pl.String, "products": pl.List(pl.String), "markets": pl.UInt32, "reason": pl.String}
        )
    supply = pl.col("supply_share").is_null() if "supply_share" in miss.columns else pl.lit(True)
    return (
        miss.with_columns(reason=pl.when(supply).then(pl.lit("supply")).otherwise(pl.lit("demand")))
        .sort("product")
        .group_by("hs6", "reason")
        .agg(
            pl.col("product").unique(maintain_order=True).alias("products"),
            pl.col("market").n_unique().alias("markets"),
        )
        .sort("hs6", "reason")
        .select("hs6", "products", "markets", "reason")
    )


__all__ = ["HEADLINE_COLUMNS", "headline", "not_estimated"]
