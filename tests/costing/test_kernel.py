"""The fused numba kernel against the vectorised numpy reference: same result on a varied batch.

Every market, every customs mode, services, platforms and categories, dates on both sides of
the regime changes (EU 2026-07-01, US 2025-08-29 / 2026-02-24 / 2026-07-24, UK spirits duty
2025-02-01, AU spirits excise 2025-08-04), list prices and declared values spread across the
de minimis thresholds and fee tiers, user overrides (logistics, FX, invoices, sensitivity
scales) — compared column by column, float-exact
(NaN = NaN); the bracketing solve to 1e-9 relative.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.costing import MODES, SERVICES
from qiankua.costing.engine import COLUMNS, quote_batch_reference
from qiankua.costing.engine import quote_batch as _quote_batch
from qiankua.exceptions import InvalidInputError
from qiankua.services.costing import compiled_rules, fx_arrays
from qiankua.vocabulary import CATEGORY_GROUPS

from .conftest import FX
from .test_properties import _frame, rows

DATES = [
    dt.date(2025, 1, 31),
    dt.date(2025, 6, 1),
    dt.date(2025, 8, 4),
    dt.date(2025, 8, 28),
    dt.date(2025, 8, 29),
    dt.date(2026, 2, 23),
    dt.date(2026, 2, 24),
    dt.date(2026, 6, 30),
    dt.date(2026, 7, 1),
    dt.date(2026, 7, 24),
    dt.date(2026, 7, 25),
    dt.date(2026, 8, 1),
]
SOLVE = ("break_even_price", "target_price")


def quote_batch(*args, **kw):
    """Always the compiled kernel (``engine="auto"`` may route small batches to the numpy path)."""
    return _quote_batch(*args, engine="kernel", **kw)


@pytest.fixture(scope="module")
def setup(cref):
    rules = compiled_rules(cref)
    fx = fx_arrays(rules.currencies, min(DATES), max(DATES), FX)
    return rules, fx


def _batch(rules, n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    hs = np.array(rules.hs_codes)
    cats = [*list(CATEGORY_GROUPS), None, "unknown_category"]
    ccy = dict(zip(rules.markets, rules.market_ccy, strict=True))
    market = rng.choice(rules.markets, n)
    # prices from 1 to ~3,000 CNY-equivalent, log-spread so every threshold and fee tier is crossed
    cny = np.exp(rng.uniform(0, 8, n))
    fx_m = np.array([FX.get(ccy[m], 1.0) for m in market])
    some = rng.random(n)
    return pl.DataFrame(
        {
            "row_id": np.arange(n),
            "market": market,
            "hs6": rng.choice(hs, n),
            "category": pl.Series([cats[j] for j in rng.integers(0, len(cats), n)], dtype=pl.String),
            "mode": rng.choice(MODES, n),
            "service": rng.choice(SERVICES, n),
            "platform": rng.choice(rules.platforms, n),
            "date": pl.Series([DATES[j] for j in rng.integers(0, len(DATES), n)], dtype=pl.Date),
            "unit_cost_cny": np.where(some < 0.1, np.nan, cny / rng.uniform(1.2, 5, n)),
            "declared_value": np.where(some < 0.25, cny / fx_m * rng.uniform(0.3, 1.0, n), np.nan),
            "value_currency": [ccy[m] if ccy[m] in FX else "USD" for m in market],
            "gross_kg": rng.uniform(0.05, 30, n),
            "net_kg": rng.uniform(0.05, 20, n),
            "volume_cm3": np.where(rng.random(n) < 0.5, rng.uniform(100, 200_000, n), np.nan),
            "quantity": rng.integers(1, 12, n),
            "abv_pct": np.where(rng.random(n) < 0.2, 53.0, 0.0),
            "liquid_l": np.where(rng.random(n) < 0.5, 0.5, 0.0),
            "price": np.where(rng.random(n) < 0.1, np.nan, cny / fx_m),
            "line_haul_cny": np.where(rng.random(n) < 0.2, rng.uniform(5, 80, n), np.nan),
            "first_mile_cny": np.where(rng.random(n) < 0.2, rng.uniform(1, 10, n), np.nan),
            "last_mile_cny": np.where(rng.random(n) < 0.3, rng.uniform(5, 40, n), np.nan),
            "export_clearance_cny": rng.uniform(0, 5, n),
            "fx_override": np.where(rng.random(n) < 0.05, fx_m * 1.1, np.nan),
            "invoices": pl.Series([(True, False, None)[j] for j in rng.integers(0, 3, n)], dtype=pl.Boolean),
            "scale_product": rng.choice([0.8, 1.0, 1.2], n),
            "scale_logistics": rng.choice([0.8, 1.0, 1.2], n),
            "scale_duty": rng.choice([0.8, 1.0, 1.2], n),
            "scale_fees": rng.choice([0.8, 1.0, 1.2], n),
        }
    )


def _same(a: pl.DataFrame, b: pl.DataFrame, *, rel: float = 0.0) -> None:
    assert a.columns == b.columns
    assert a.schema == b.schema
    for c in a.columns:
        x, y = a[c].to_numpy(), b[c].to_numpy()
        if a[c].dtype.is_float():
            both_nan = np.isnan(x) & np.isnan(y)
            close = (x == y) if rel == 0 else np.abs(x - y) <= rel * np.maximum(np.abs(y), 1.0)
            bad = ~(both_nan | close)
            first = np.flatnonzero(bad)[:1]
            assert not bad.any(), f"{c}: {bad.sum()} rows differ, e.g. row {first}: {x[first]} vs {y[first]}"
        else:
            assert (x == y).all(), f"{c}: {(x != y).sum()} rows differ"


def test_kernel_matches_reference_on_a_varied_batch(setup):
    rules, fx = setup
    frame = _batch(rules, 20_000, seed=1)
    a = quote_batch(frame, rules, fx)
    b = quote_batch_reference(frame, rules, fx)
    _same(a, b)
    # the batch does reach the branches it is meant to cover
    assert set(a["status"].unique()) == {0, 1, 2}
    assert set(a["duty_basis"].unique()) == {0, 1, 2}
    assert set(a["collector"].unique()) == {0, 1, 2}
    assert (a["excise"] > 0).any() and (a["handling"] > 0).any() and a["profit"].is_nan().any()


def test_kernel_solve_matches_reference(setup):
    rules, fx = setup
    frame = _batch(rules, 2_000, seed=2).with_columns(
        target_margin=pl.Series(np.random.default_rng(3).choice([0.0, 0.1, 0.25, 0.6, 0.99, np.nan], 2_000))
    )
    a = quote_batch(frame, rules, fx)
    b = quote_batch_reference(frame, rules, fx)
    _same(a.drop(*SOLVE), b.drop(*SOLVE))
    _same(a.select(SOLVE), b.select(SOLVE), rel=1e-9)
    assert a["target_price"].is_not_nan().sum() > 1_000


def test_kernel_single_threaded_and_chunked_agree(setup):
    rules, fx = setup
    frame = _batch(rules, 70_000, seed=4)  # more than one kernel chunk
    _same(quote_batch(frame, rules, fx, threads=1), quote_batch(frame, rules, fx, threads=2))


def test_columns_subset(setup):
    rules, fx = setup
    frame = _batch(rules, 500, seed=5)
    full = quote_batch(frame, rules, fx)
    part = quote_batch(frame, rules, fx, columns=["profit", "currency", "status", "row_id"])
    assert part.columns == ["row_id", "profit", "status", "currency"]
    _same(part, full.select(part.columns))
    assert set(full.columns) - {"row_id"} <= set(COLUMNS)
    with pytest.raises(InvalidInputError, match="profit"):
        quote_batch(frame, rules, fx, columns=["proft"])


def test_enum_and_string_keys_agree(setup):
    rules, fx = setup
    frame = _batch(rules, 3_000, seed=6)
    enums = frame.with_columns(
        market=pl.col("market").cast(pl.Enum(rules.markets)),
        mode=pl.col("mode").cast(pl.Enum(list(MODES))),
        category=pl.col("category").cast(pl.Enum([*CATEGORY_GROUPS, "unknown_category"])),
    )
    _same(quote_batch(enums, rules, fx), quote_batch(frame, rules, fx))


@settings(max_examples=40, deadline=None)
@given(st.lists(rows, min_size=1, max_size=8), st.floats(0.5, 3.0))
def test_kernel_matches_reference_property(setup, rs, markup):
    """Any small batch of the property-test rows (optionally priced) quotes identically on both paths."""
    rules, fx = setup
    values = [r["value"] for r in rs]
    frame = _frame(rs, values).with_columns(price=pl.Series([v * markup for v in values]))
    _same(quote_batch(frame, rules, fx), quote_batch_reference(frame, rules, fx))


def test_reused_output_blocks_never_touch_a_live_result(setup, monkeypatch):
    """Big batches reuse output memory only once no result refers to it any more."""
    from qiankua.costing import kernel

    rules, fx = setup
    monkeypatch.setattr(kernel, "_KEEP_MIN", 100)
    kernel.release_buffers()
    frame = _batch(rules, 1_000, seed=7)
    first = quote_batch(frame, rules, fx)
    saved = first.drop("currency").to_numpy().copy()
    second = quote_batch(frame.with_columns(price=pl.col("price") * 2), rules, fx)  # first is still alive
    assert np.array_equal(first.drop("currency").to_numpy(), saved, equal_nan=True)
    assert not np.array_equal(second["profit"].to_numpy(), first["profit"].to_numpy(), equal_nan=True)
    ptr = first["profit"].to_numpy().__array_interface__["data"][0]
    del first
    third = quote_batch(frame.with_columns(price=pl.col("price") * 3), rules, fx)
    assert third["profit"].to_numpy().__array_interface__["data"][0] == ptr  # the freed block came back
    _same(third, quote_batch_reference(frame.with_columns(price=pl.col("price") * 3), rules, fx))
    kernel.release_buffers()


def test_concurrent_callers_get_their_own_results(setup):
    """The API batcher may quote from several threads at once: each call gets its own, correct table."""
    from concurrent.futures import ThreadPoolExecutor

    rules, fx = setup
    frames = [_batch(rules, 70_000, seed=10 + j) for j in range(3)]
    expected = [quote_batch(f, rules, fx, threads=1) for f in frames]
    with ThreadPoolExecutor(3) as pool:
        got = list(pool.map(lambda f: quote_batch(f, rules, fx), frames * 2))
    for j, table in enumerate(got):
        _same(table, expected[j % 3])


def test_engine_choice(setup):
    rules, fx = setup
    frame = _batch(rules, 300, seed=20)
    _same(_quote_batch(frame, rules, fx, engine="numpy"), quote_batch_reference(frame, rules, fx))
    _same(_quote_batch(frame, rules, fx, engine="auto"), quote_batch_reference(frame, rules, fx))
    _same(
        _quote_batch(frame, rules, fx, engine="numpy", columns=["duty", "row_id"]),
        quote_batch(frame, rules, fx, columns=["row_id", "duty"]),
    )
    with pytest.raises(InvalidInputError, match="engine"):
        _quote_batch(frame, rules, fx, engine="gpu")


def test_warm_kernel_makes_small_batches_use_it(cref):
    from qiankua.costing import kernel
    from qiankua.services.costing import warm_kernel

    assert warm_kernel(cref) > 0
    assert kernel.READY


def test_flag_bits_agree():
    from qiankua.costing import FLAGS, kernel

    assert kernel.FLAG_ORDER == FLAGS
