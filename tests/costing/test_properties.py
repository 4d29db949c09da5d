"""Invariants (hypothesis): taxes never negative, monotone in declared value within a regime,
and the solved target-margin price gives that margin back to the cent."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from qiankua.costing import FLAGS
from qiankua.services.costing import quote_table

from .conftest import FX

MARKETS = [
    "DE",
    "FR",
    "GB",
    "US",
    "AU",
    "NZ",
    "JP",
    "KR",
    "CA",
    "SG",
    "MY",
    "TH",
    "VN",
    "ID",
    "PH",
    "MX",
    "BR",
    "CL",
    "SA",
    "AE",
    "RU",
]
HS = [
    ("090210", "tea"),
    ("711311", "silver_jewellery"),
    ("220890", "baijiu"),
    ("210390", "condiment"),
    ("460211", "bamboo_craft"),
]
DATES = [dt.date(2025, 6, 1), dt.date(2026, 1, 15), dt.date(2026, 3, 1), dt.date(2026, 8, 1)]

rows = st.fixed_dictionaries(
    {
        "market": st.sampled_from(MARKETS),
        "hs": st.sampled_from(HS),
        "mode": st.sampled_from(["9610", "9710", "9810", "0110"]),
        "service": st.sampled_from(["postal", "express", "air"]),
        "platform": st.sampled_from(["amazon", "aliexpress", "shopee", "direct"]),
        "date": st.sampled_from(DATES),
        "value": st.floats(0.5, 5000),
        "quantity": st.integers(1, 5),
    }
)


def _frame(rs: list[dict], values: list[float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "market": [r["market"] for r in rs],
            "hs6": [r["hs"][0] for r in rs],
            "category": [r["hs"][1] for r in rs],
            "mode": [r["mode"] for r in rs],
            "service": [r["service"] for r in rs],
            "platform": [r["platform"] for r in rs],
            "date": [r["date"] for r in rs],
            "declared_value": values,
            "value_currency": ["USD"] * len(rs),
            "quantity": [r["quantity"] for r in rs],
            "gross_kg": [0.5] * len(rs),
            "abv_pct": [53.0 if r["hs"][0] == "220890" else 0.0 for r in rs],
            "liquid_l": [0.5] * len(rs),
        }
    )


@given(st.lists(rows, min_size=1, max_size=20))
def test_duty_and_vat_never_negative(cref, rs):
    """Every tax line is >= 0 for any market, mode, date and value."""
    out = quote_table(_frame(rs, [r["value"] for r in rs]), cref, fx_overrides=FX)
    for col in ("duty", "import_vat", "excise", "handling", "export_rebate"):
        assert (out[col].fill_nan(0) >= 0).all(), col


@given(rows, st.floats(1.0001, 1.5))
def test_higher_declared_value_never_lowers_tax_within_a_regime(cref, r, factor):
    """Within one regime branch (same duty basis and VAT collector) more value never means less tax."""
    out = quote_table(_frame([r, r], [r["value"], r["value"] * factor]), cref, fx_overrides=FX)
    a, b = out.row(0, named=True), out.row(1, named=True)
    if (a["duty_basis"], a["collector"]) == (b["duty_basis"], b["collector"]) and a["status"] != 2:
        tax = lambda x: x["duty"] + x["import_vat"] + x["excise"]  # noqa: E731
        assert tax(b) >= tax(a) - 1e-9


@given(rows, st.floats(0.0, 0.6))
def test_target_margin_price_gives_the_margin_back_to_the_cent(cref, r, target):
    """Feeding the solved price back reproduces the target margin: profit - t x price within one cent."""
    cost = r["value"] * 7
    frame = (
        _frame([r], [r["value"]])
        .drop("declared_value", "value_currency")
        .with_columns(unit_cost_cny=pl.lit(cost), target_margin=pl.lit(target))
    )
    out = quote_table(frame, cref, fx_overrides=FX).row(0, named=True)
    price = out["target_price"]
    if out["status"] == 2 or price is None or not np.isfinite(price):
        return
    back = quote_table(frame.with_columns(price=pl.lit(price)), cref, fx_overrides=FX).row(0, named=True)
    fx = back["fx_dest"]
    if out["flags"] & (
        1 << FLAGS.index("target_at_threshold")
    ):  # target_at_threshold: price sits just above a jump, margin >= target
        assert back["margin"] >= target - 1e-9
    else:
        assert abs(back["profit"] / fx - target * price) < 0.01
