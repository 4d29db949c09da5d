"""Synthetic (sample) 1210 uploads for tests and the benchmark: valid identity numbers, consistent
order / payment / waybill files. Sample data, not real people."""

from __future__ import annotations

import numpy as np
import polars as pl

from qiankua.bonded.identity import WEIGHTS

_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def id_numbers(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct well-formed sample identity numbers (region 520102, birth dates 1970-1999)."""
    rng = np.random.default_rng(seed)
    region = "520102"
    years = rng.integers(1970, 2000, n)
    months = rng.integers(1, 13, n)
    days = rng.integers(1, 29, n)
    seq = np.arange(n) % 1000
    first = [f"{region}{y:04d}{m:02d}{d:02d}{s:03d}" for y, m, d, s in zip(years, months, days, seq, strict=True)]
    digits = np.frombuffer("".join(first).encode(), dtype=np.uint8).reshape(n, 17).astype(np.int64) - 48
    checks = _CHECK[(digits @ WEIGHTS) % 11].tobytes().decode()
    out = [f + c for f, c in zip(first, checks, strict=True)]
    return out


def frames(n_orders: int, n_buyers: int, seed: int = 1, day: str = "2026-12-01") -> tuple[pl.DataFrame, ...]:
    """Orders (one line each), payments and waybills that match."""
    rng = np.random.default_rng(seed)
    ids = np.array(id_numbers(n_buyers, seed))
    buyer = rng.integers(0, n_buyers, n_orders)
    hs = np.array(["04021000", "33049900", "09021090", "21069090", "19011010"])[rng.integers(0, 5, n_orders)]
    qty = rng.integers(1, 4, n_orders)
    price = np.round(rng.uniform(20, 900, n_orders), 2)
    freight = np.round(rng.uniform(0, 20, n_orders), 2)
    secs = rng.integers(0, 86400, n_orders)
    base = np.datetime64(f"{day}T00:00:00")
    times = (base + secs.astype("timedelta64[s]")).astype("datetime64[s]").astype(str)
    order_id = np.char.add("SO", np.arange(n_orders).astype(str))
    orders = pl.DataFrame(
        {
            "order_id": order_id,
            "order_time": np.char.replace(times, "T", " "),
            "buyer_id_number": ids[buyer],
            "hs_code": hs,
            "quantity": qty,
            "unit_price": price,
            "freight": freight,
            "currency": ["CNY"] * n_orders,
        }
    )
    amount = np.round(qty * price + freight, 2)
    payments = pl.DataFrame(
        {"order_id": order_id, "payer_id_number": ids[buyer], "amount": amount, "currency": ["CNY"] * n_orders}
    )
    waybills = pl.DataFrame({"order_id": order_id, "waybill_no": np.char.add("YT", order_id), "item_count": qty})
    return orders, payments, waybills
