"""Margin at a typical retail price per product x market, for the opportunity ranking.

The typical price comes from the user's ``sales`` table, else from a cited ``retail_price``
figure (:mod:`qiankua.opportunity.retail`); each priced pair is quoted by
:func:`qiankua.services.costing.quote_many` as a 9610 postal parcel on the pair's best-selling
platform. A pair with neither price carries a null margin and a flag saying why — never zero.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from qiankua.exceptions import QiankuaError
from qiankua.opportunity.defaults import worst
from qiankua.opportunity.retail import cited_prices, combine, typical_prices
from qiankua.reference import ReferenceData
from qiankua.services.costing import quote_many
from qiankua.services.fx import fx_book
from qiankua.store import Store

_PLATFORM_WORDS = ("aliexpress", "amazon", "lazada", "shopee")  # sales channel text -> costing platform
# the English text of the i18n message opportunity.margin.no_price
NO_PRICE = "no typical retail price for this pair (import your sales, or add a cited retail_price figure)"


def _platform(channel: str | None) -> str:
    text = (channel or "").lower()
    return next((p for p in _PLATFORM_WORDS if p in text), "direct")


def _to_currency(amount: float, src: str, dst: str, day: dt.date) -> float | None:
    if src == dst:
        return amount
    return fx_book().convert(amount, src, dst, day)


def _user_sales(store: Store | None) -> pl.DataFrame:
    if store is None or ("user", "sales") not in store.tables():
        return pl.DataFrame()
    return store.frame("sales")


def retail_margins(
    ref: ReferenceData,
    pairs: pl.DataFrame,
    figures: pl.DataFrame,
    *,
    store: Store | None = None,
    on: dt.date | None = None,
    sales: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, str]:
    """Margin at the typical retail price per pair, quoted by ``costing.quote_many``.

    ``pairs``: ``product, market, hs6``; ``figures``: the ``trade_demand_figures`` table (cited
    retail prices). Returns one row per pair (``margin_pct`` null where no typical price or no
    quote) with ``margin_conf``, ``retail_price``, ``retail_currency``, ``price_basis`` and
    ``margin_flag`` (why a margin is missing), and the criterion's status. ``sales``: the user's sales rows
    already read (the store need not stay open while the margins are quoted), else read from ``store``.
    """
    day = on or dt.date.today()
    sales = _user_sales(store) if sales is None else sales
    products = pairs.select(pl.col("product").alias("id"), "hs6").unique()
    markets = pairs.select(pl.col("market").alias("iso2")).unique()
    prices = combine(typical_prices(sales), cited_prices(figures, products, markets))
    out = pairs.select("product", "market").join(prices, on=["product", "market"], how="left")
    ccy = dict(zip(ref.markets["iso2"].to_list(), ref.markets["currency"].to_list(), strict=True))
    requests, index, flags = [], [], {}
    for i, r in enumerate(out.iter_rows(named=True)):
        if r["retail_price"] is None:
            flags[i] = NO_PRICE
            continue
        price = _to_currency(float(r["retail_price"]), r["retail_currency"], ccy.get(r["market"], ""), day)
        if price is None:
            flags[i] = f"no exchange rate {r['retail_currency']} -> {ccy.get(r['market'])} for the typical price"
            continue
        requests.append(
            {
                "product_id": r["product"],
                "market": r["market"],
                "mode": "9610",
                "service": "postal",
                "platform": _platform(r["channel"]),
                "date": day.isoformat(),
                "price": price,
            }
        )
        index.append(i)
    margin: list[float | None] = [None] * out.height
    conf: list[str | None] = [None] * out.height
    if requests:
        try:
            quotes = quote_many(requests, ref)
        except QiankuaError as exc:
            # bad or missing costing data for these requests is reported per pair and leaves the
            # margin criterion unavailable; a programming error still raises
            quotes = []
            for i in index:
                flags[i] = f"costing failed: {type(exc).__name__}: {exc}"
        for i, q in zip(index, quotes, strict=False):
            m = q.row.get("margin")
            if q.row.get("status") == "no_rule" or m is None or m != m:
                flags[i] = f"costing has no rule for this pair ({q.row.get('reason') or q.row.get('status')})"
                continue
            margin[i] = float(m)
            conf[i] = worst(out["price_conf"][i], q.row.get("confidence"))
    out = out.with_columns(
        margin_pct=pl.Series(margin, dtype=pl.Float64),
        margin_conf=pl.Series(conf, dtype=pl.String),
        margin_flag=pl.Series([flags.get(i) for i in range(out.height)], dtype=pl.String),
    ).drop("channel", "price_conf")
    n = int(out["margin_pct"].is_not_null().sum())
    if n == 0:
        sources = "your sales table has no line for these pairs" if sales.height else "no sales imported"
        status = (
            f"unavailable: no typical retail price ({sources}; the reference data hold no cited "
            "retail_price figure) — import sales.csv to rank by margin"
        )
    else:
        status = f"ok (costing at typical retail price; {n} of {out.height} pairs)"
    return out, status


__all__ = ["NO_PRICE", "retail_margins"]
