"""True margin per order: reconciles with a quote of the same line, and its variance to the quoted margin
(an order dated across an FX change, a refund) splits exactly into the documented lines. The fixture
values are made up; the rules and FX rates are the built-in reference data."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from qiankua.orders.margin import VARIANCE
from qiankua.services.costing import fx_arrays, quote_table
from qiankua.services.orders import margin_table
from tests.orders.conftest import read

TEA = "duyun-maojian-250g"


def _lines(**changes: object) -> pl.DataFrame:
    lines = read("amazon_all_orders.txt").filter(pl.col("sku") == "GZ-TEA-DY250", pl.col("status") == "shipped")
    lines = lines.with_columns(product_id=pl.lit(TEA), map_method=pl.lit("test"))
    return lines.with_columns(**{k: pl.lit(v) for k, v in changes.items()})


def _usd(day: dt.date) -> float:
    return float(fx_arrays(["USD"], day, day)["USD"][0])


def test_margin_reconciles_with_a_hand_worked_quote():
    m = margin_table(_lines(), None).row(0, named=True)
    day = dt.date(2026, 3, 2)
    # the order: 2 tins for USD 59.98 + USD 4.99 shipping charged, no promotion -> USD 32.485 per tin
    unit_usd = (59.98 + 4.99) / 2
    quote = quote_table(
        pl.DataFrame(
            {
                "product_id": [TEA],
                "market": ["US"],
                "mode": ["9610"],
                "service": ["postal"],
                "platform": ["amazon"],
                "date": [day],
                "price": [unit_usd],
                "quantity": [2.0],
            }
        ),
        engine="numpy",
    ).row(0, named=True)
    # by hand: revenue is what the buyer paid at the day's ECB-based rate
    assert m["revenue_cny"] == pytest.approx(unit_usd * 2 * _usd(day), rel=1e-12)
    costs = (
        quote["product_cost"]
        + quote["first_mile"]
        + quote["line_haul"]
        + quote["last_mile"]
        + quote["export_clearance"]
        + quote["duty"]
        + quote["excise"]
        + quote["handling"]
        + quote["import_vat"]
        + quote["commission"]
        + quote["payment_fee"]
        + quote["returns"]
        - quote["export_rebate"]
    )
    assert m["profit_cny"] == pytest.approx(2 * (quote["price"] - costs), abs=1e-6)
    assert m["profit_cny"] == pytest.approx(2 * quote["profit"], abs=1e-6)
    assert m["fees_cny"] == pytest.approx(2 * (quote["commission"] + quote["payment_fee"] + quote["returns"]))
    assert m["margin"] == pytest.approx(quote["margin"], abs=1e-12)
    assert m["margin_status"] in ("ok", "incomplete")


def test_order_dated_across_an_fx_change_explains_the_variance():
    quoted_on, order_day = dt.date(2025, 3, 3), dt.date(2026, 3, 2)
    assert _usd(quoted_on) != pytest.approx(_usd(order_day))  # the dollar moved between quote and order
    m = margin_table(_lines(), None, quoted_on=quoted_on).row(0, named=True)
    unit_usd = (59.98 + 4.99) / 2
    # same price, so no price variance; the FX line is the price revalued between the two days
    assert m["v_price"] == pytest.approx(0.0, abs=1e-9)
    assert m["v_fx"] == pytest.approx(unit_usd * 2 * (_usd(order_day) - _usd(quoted_on)), rel=1e-9)
    total = sum(m[v] for v in VARIANCE)
    assert total == pytest.approx(m["profit_cny"] - m["quoted_profit_cny"], abs=1e-6)


def test_quoted_price_refund_and_variance_lines_add_up():
    from qiankua.store.orders import MAPPING_SCHEMA

    maps = pl.DataFrame(
        [
            {
                "platform": "amazon",
                "key_kind": "sku",
                "key": "GZ-TEA-DY250",
                "product_id": TEA,
                "quoted_price": 35.0,
                "quoted_currency": "USD",
                "quoted_on": dt.date(2026, 1, 15),
                "confirmed_at": None,
            }
        ],
        schema=MAPPING_SCHEMA,
    )
    plain = margin_table(_lines(), None, maps=maps).row(0, named=True)
    refunded = margin_table(_lines(refund=10.0, status="refunded"), None, maps=maps).row(0, named=True)
    assert plain["quoted_unit_price"] == 35.0 and plain["quoted_on_used"] == dt.date(2026, 1, 15)
    assert plain["v_price"] == pytest.approx(((59.98 + 4.99) / 2 - 35.0) * 2 * _usd(dt.date(2026, 3, 2)), rel=1e-9)
    for row in (plain, refunded):
        assert sum(row[v] for v in VARIANCE) == pytest.approx(row["profit_cny"] - row["quoted_profit_cny"], abs=1e-6)
    refund_cny = 10.0 * _usd(dt.date(2026, 3, 2))
    assert refunded["refund_cny"] == pytest.approx(refund_cny)
    assert refunded["profit_cny"] == pytest.approx(plain["profit_cny"] - refund_cny)
    assert refunded["v_refund"] == pytest.approx(-refund_cny)


def test_lines_that_cannot_be_priced_are_kept_with_a_reason():
    lines = read("amazon_all_orders.txt").with_columns(
        product_id=pl.lit(None, dtype=pl.String), map_method=pl.lit(None, dtype=pl.String)
    )
    lines = lines.with_columns(
        product_id=pl.when(pl.col("sku") == "GZ-TEA-DY250").then(pl.lit(TEA)).otherwise(pl.col("product_id"))
    )
    m = margin_table(lines, None)
    assert m.height == lines.height
    status = dict(zip(m["order_id"] + "/" + m["sku"], m["margin_status"], strict=True))
    assert status["111-0000002-0000002/GZ-TEA-DY250"] == "not_sold"  # cancelled
    assert status["111-0000004-0000004/GZ-DIZI-01"] == "not_sold"  # unpaid
    assert status["111-0000001-0000001/GZ-LGM-280"] == "unmapped"
    assert m.filter(pl.col("margin_status") == "unmapped")["profit_cny"].is_null().all()


def test_a_platform_without_fee_rules_is_flagged_not_zeroed_silently():
    lines = _lines().with_columns(platform=pl.lit("temu"))
    m = margin_table(lines, None).row(0, named=True)
    assert m["fees_cny"] == 0.0 and "fee_not_on_file" in m["flags"] and m["margin_status"] == "incomplete"


def test_flags_are_decoded_per_distinct_combination_like_bit_by_bit():
    from qiankua.orders.margin import _with_flags

    names = ("a_missing", "b_missing", "c_missing")
    frame = pl.DataFrame(
        {
            "flags_bits": [0.0, 1.0, 5.0, None, 7.0, 2.0, 2.0, None],
            "fee_on_file": [True, False, True, True, False, True, True, False],
            "revenue_cny": [1.0, 1.0, 1.0, None, None, 1.0, 1.0, 1.0],
            "status": ["shipped", "shipped", "refunded", "refunded", "returned", "returned", "returned", "refunded"],
            "refund": [None, None, None, None, None, 3.0, None, None],
        }
    )
    got = _with_flags(frame, names)["flags"].to_list()
    assert got == [
        [],
        ["a_missing", "fee_not_on_file"],
        ["a_missing", "c_missing", "refund_amount_missing"],
        None,  # not priced: nothing to decode or to add
        ["a_missing", "b_missing", "c_missing"],
        ["b_missing"],
        ["b_missing", "refund_amount_missing"],
        ["refund_amount_missing"],  # no bits, fee flag needs a decoded list, the refund flag starts one
    ]
    undecoded = _with_flags(frame, ())["flags"].to_list()
    refund = ["refund_amount_missing"]
    assert undecoded == [None, None, refund, None, None, None, refund, refund]


def test_consignment_requests_state_the_order_not_restated_quantities():
    """Orders of several 9610 lines get the order's declared value (CNY) and gross weight as the engine's
    consignment, quantities untouched; a weight unknown on one line leaves the order's weight unknown; a
    single-line order and a 9810 line keep their own quote."""
    from qiankua.orders.margin import consignment_requests

    lines = pl.DataFrame({"platform": ["amazon"] * 6, "order_id": ["1", "1", "2", "2", "3", "4"]})
    ids = pl.Series("row_id", range(6), dtype=pl.UInt32)
    requests = pl.DataFrame(
        {
            "row_id": ids,
            "mode": ["9610", "9610", "9610", "9610", "9610", "9810"],
            "quantity": [1.0, 2.0, 1.0, 1.0, 1.0, 1.0],
            "gross_kg": [0.5, 1.0, None, 1.0, 2.0, 2.0],
        }
    )
    result = pl.DataFrame({"row_id": ids, "declared_value": [10.0, 5.0, 3.0, 4.0, 9.0, 9.0]})
    out = consignment_requests(lines, requests, result)
    assert out["row_id"].to_list() == [0, 1, 2, 3]
    assert out["quantity"].to_list() == [1.0, 2.0, 1.0, 1.0]
    assert out["consignment_value"].to_list() == [20.0, 20.0, 7.0, 7.0]
    assert out["consignment_kg"].to_list() == [2.5, 2.5, None, None]
