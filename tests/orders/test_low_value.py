"""The destination's low-value rules applied per order (one parcel), by the costing engine's own rules:
an order whose lines are each under the EU EUR 150 duty relief but together above it pays duty and import
VAT at the border; its lines then cost what one line worth the whole order costs. Fixture values are
made up; the rules and rates are the built-in reference data (tax_regimes: EU-2021-relief)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiankua.orders.margin import VARIANCE
from qiankua.services.costing import costing_tables
from qiankua.services.orders import margin_table
from tests.orders.conftest import read

BATIK = "danzhai-batik-wall-hanging"


def _de_order(*prices: float, quantity: int = 1) -> pl.DataFrame:
    """The fixture's Amazon.de order (2026-03-03, EUR, prices incl. 19% VAT) with one line per price."""
    base = read("amazon_all_orders.txt").filter(pl.col("order_id") == "302-0000003-0000003")
    lines = [
        base.with_columns(item_id=pl.lit(f"item-{i}"), item_price=pl.lit(p * quantity), quantity=pl.lit(quantity))
        for i, p in enumerate(prices)
    ]
    return pl.concat(lines).with_columns(product_id=pl.lit(BATIK), map_method=pl.lit("test"))


def test_the_consignment_is_the_order_not_the_line():
    alone = margin_table(_de_order(110.0), None).row(0, named=True)
    both = margin_table(_de_order(110.0, 110.0), None).rows(named=True)
    regime = costing_tables()["tax_regimes"].filter(pl.col("regime_id") == "EU-2021-relief").row(0, named=True)
    # one line: EUR 110 incl. VAT is EUR 92.44 declared, under the EUR 150 relief: no duty, VAT by the platform
    assert alone["duty_basis"] == "de_minimis" and alone["duty_cny"] == 0.0 and alone["vat_collector"] == "platform"
    assert alone["consignment_value"] == pytest.approx(110 / 1.19, rel=1e-9)
    # two such lines in one parcel: EUR 184.87 > 150 -> tariff duty and import VAT at the border, on each line
    for row in both:
        assert row["duty_basis"] == "tariff" and row["duty_cny"] > 0 and row["vat_collector"] == "border"
        assert row["consignment_value"] == pytest.approx(2 * 110 / 1.19, rel=1e-9)
        assert row["consignment_lines"] == 2
        # the thresholds shown are the regime row the engine applied, as the reference table gives it
        assert row["regime"] == "EU-2021-relief" and row["threshold_currency"] == regime["threshold_currency"]
        assert row["duty_de_minimis"] == pytest.approx(float(regime["duty_de_minimis"]))
        assert row["profit_cny"] < alone["profit_cny"]


def test_a_line_of_an_order_costs_what_the_same_value_in_one_line_costs():
    """Two lines of EUR 110 cost per unit exactly what one line of 2 x EUR 110 costs (same consignment)."""
    pair = margin_table(_de_order(110.0, 110.0), None)
    single = margin_table(_de_order(110.0, quantity=2), None).row(0, named=True)
    for col in ("duty_cny", "vat_cny", "fees_cny", "revenue_cny", "product_cny", "logistics_cny"):
        assert pair[col].sum() == pytest.approx(single[col], rel=1e-9), col
    assert single["duty_basis"] == "tariff"


def test_a_single_line_order_is_priced_as_before():
    """The second quote is for orders of several lines only: one line keeps the engine's own consignment."""
    row = margin_table(_de_order(45.0), None).row(0, named=True)
    assert row["consignment_lines"] == 1 and row["duty_basis"] == "de_minimis"


def test_lines_not_priced_carry_no_low_value_outcome():
    lines = _de_order(110.0, 110.0).with_columns(status=pl.lit("cancelled"))
    m = margin_table(lines, None)
    assert m["duty_basis"].is_null().all() and m["consignment_value"].is_null().all()


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.floats(min_value=5.0, max_value=400.0), min_size=1, max_size=4))
def test_variance_still_adds_up_per_order(prices):
    """Whatever the order's lines, the variance lines add up to profit minus the quoted profit."""
    from qiankua.store.orders import MAPPING_SCHEMA

    maps = pl.DataFrame(
        [
            {
                "platform": "amazon",
                "key_kind": "sku",
                "key": "GZ-BATIK-01",
                "product_id": BATIK,
                "quoted_price": 60.0,
                "quoted_currency": "EUR",
                "quoted_on": None,
                "confirmed_at": None,
            }
        ],
        schema=MAPPING_SCHEMA,
    )
    m = margin_table(_de_order(*[round(p, 2) for p in prices]), None, maps=maps)
    for row in m.iter_rows(named=True):
        assert sum(row[v] for v in VARIANCE) == pytest.approx(row["profit_cny"] - row["quoted_profit_cny"], abs=1e-6)
        over = row["consignment_value"] > float(row["duty_de_minimis"])
        assert row["duty_basis"] == ("tariff" if over else "de_minimis")


def test_a_per_item_duty_under_the_relief_stays_per_line():
    """EU from 2026-07-01 (EU-2026-3eur): EUR 3 per item (per tariff line) on consignments <= EUR 150; the
    order's consignment decides the relief, the charge stays each line's own."""
    import datetime as dt

    from qiankua.services.costing import fx_arrays

    day = dt.date(2026, 8, 3)
    lines = _de_order(40.0, 40.0).with_columns(
        order_date=pl.lit(day), order_time=pl.lit(dt.datetime(2026, 8, 3, 8)).cast(pl.Datetime("us"))
    )
    m = margin_table(lines, None)
    eur = float(fx_arrays(["EUR"], day, day)["EUR"][0])
    for row in m.iter_rows(named=True):
        assert row["regime"] == "EU-2026-3eur" and row["duty_basis"] == "de_minimis"
        assert row["duty_cny"] == pytest.approx(3 * eur, rel=1e-9)


def test_a_canadian_order_shares_its_postal_handling_fee_by_value():
    """Golden, worked by hand from the built-in reference rows: tax_regimes CA-20-post (CAD 20 duty and GST
    de minimis, CAD 9.95 handling per postal consignment; source_id cbsa-lvs.reg), tariffs CA 6304.92 MFN 17%
    (nareshpane-cbsa-t2026-2.tar), vat_rates CA GST 5%. A batik order of 2 x CAD 21 and 1 x CAD 10.50 (GST
    included: declared CAD 40 and CAD 10) is one CAD 50 consignment, over the de minimis: each line pays 17% duty
    and 5% GST at the border on its own value, and the CAD 9.95 handling is charged once, shared 40:10. The
    CAD 10.50 line alone is under the de minimis: nothing to pay."""
    import datetime as dt

    from qiankua.services.costing import fx_arrays

    def order(*lines: tuple[int, float]) -> pl.DataFrame:
        return pl.concat(
            [_de_order(unit, quantity=q).with_columns(item_id=pl.lit(f"item-{i}")) for i, (q, unit) in enumerate(lines)]
        ).with_columns(ship_country=pl.lit("CA"), currency=pl.lit("CAD"))

    day = read("amazon_all_orders.txt").filter(pl.col("order_id") == "302-0000003-0000003")["order_date"][0]
    assert day == dt.date(2026, 3, 3)
    cad = float(fx_arrays(["CAD"], day, day)["CAD"][0])
    first, second = margin_table(order((2, 21.0), (1, 10.5)), None).sort("item_id").rows(named=True)
    for row in (first, second):
        assert row["regime"] == "CA-20-post" and row["duty_basis"] == "tariff" and row["vat_collector"] == "border"
        assert row["consignment_value"] == pytest.approx(50.0, rel=1e-9) and row["consignment_lines"] == 2
    # duty line = 17% duty + the line's share of the handling fee (the engine's "duty" cost line holds both)
    assert first["duty_cny"] == pytest.approx((0.17 * 40 + 9.95 * 40 / 50) * cad, rel=1e-9)
    assert second["duty_cny"] == pytest.approx((0.17 * 10 + 9.95 * 10 / 50) * cad, rel=1e-9)
    assert first["vat_cny"] == pytest.approx(0.05 * (40 + 0.17 * 40) * cad, rel=1e-9)
    assert second["vat_cny"] == pytest.approx(0.05 * (10 + 0.17 * 10) * cad, rel=1e-9)
    alone = margin_table(order((1, 10.5)), None).row(0, named=True)
    assert alone["duty_basis"] == "de_minimis" and alone["duty_cny"] == 0.0 and alone["vat_cny"] == 0.0
