"""The bundled SYNTHETIC sample sales history (``reference/data/warehouse_sample_sales.csv``).

Not real sales: a seeded random generator (numpy ``default_rng(2026)``) draws 18 months of orders
(June 2025 - November 2026) for three catalogue products on three storefronts, so the demo and the
tests have a history with smooth, seasonal and intermittent demand. Quantities and prices are made
up for demonstration; every row says ``data_kind = synthetic_sample`` and every page or output
that uses it says so. ``tests/warehouse`` checks the CSV is exactly this generator's output.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

__all__ = ["SAMPLE_KIND", "SAMPLE_SERIES", "sample_sales"]

SAMPLE_KIND = "synthetic_sample"
# (product, market, channel, mean units per month, yearly amplitude, share of months with demand, price, currency)
SAMPLE_SERIES: tuple[tuple[str, str, str, float, float, float, float, str], ...] = (
    ("duyun-maojian-250g", "US", "amazon", 60.0, 0.35, 1.0, 59.0, "USD"),
    ("duyun-maojian-250g", "DE", "amazon", 25.0, 0.35, 1.0, 52.0, "EUR"),
    ("duyun-maojian-250g", "FR", "aliexpress", 6.0, 0.0, 0.7, 45.0, "EUR"),
    ("laoganma-chili-crisp-280g", "US", "amazon", 140.0, 0.15, 1.0, 8.9, "USD"),
    ("laoganma-chili-crisp-280g", "DE", "amazon", 45.0, 0.15, 1.0, 7.9, "EUR"),
    ("laoganma-chili-crisp-280g", "FR", "aliexpress", 12.0, 0.0, 0.8, 5.9, "EUR"),
    ("leishan-miao-silver-necklace", "US", "amazon", 3.0, 0.8, 0.4, 349.0, "USD"),
    ("leishan-miao-silver-necklace", "DE", "amazon", 2.0, 0.8, 0.35, 319.0, "EUR"),
    ("leishan-miao-silver-necklace", "FR", "aliexpress", 1.5, 0.0, 0.3, 249.0, "EUR"),
)
FIRST_MONTH = dt.date(2025, 6, 1)
MONTHS = 18


def _month(i: int) -> dt.date:
    y, m = divmod(FIRST_MONTH.month - 1 + i, 12)
    return dt.date(FIRST_MONTH.year + y, m + 1, 1)


def sample_sales(seed: int = 2026) -> pl.DataFrame:
    """The synthetic order lines (columns of the ``sales`` import table plus ``data_kind``)."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    n = 0
    for product, market, channel, mean, amp, share, price, currency in SAMPLE_SERIES:
        for i in range(MONTHS):
            start = _month(i)
            days = (_month(i + 1) - start).days
            season = 1 + amp * np.cos(2 * np.pi * (start.month - 12) / 12)  # peaks in December
            if rng.random() > share:
                continue
            units = int(rng.poisson(mean * season / share))
            while units > 0:
                qty = min(units, int(rng.integers(1, 4)))
                units -= qty
                n += 1
                rows.append(
                    {
                        "order_id": f"SAMPLE-{n:06d}",
                        "order_date": start + dt.timedelta(days=int(rng.integers(0, days))),
                        "product_id": product,
                        "market": market,
                        "channel": channel,
                        "quantity": qty,
                        "unit_price": price,
                        "currency": currency,
                        "data_kind": SAMPLE_KIND,
                    }
                )
    return pl.DataFrame(rows).sort("order_date", "order_id")
