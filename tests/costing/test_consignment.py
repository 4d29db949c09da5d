"""A quote row that is one line of a larger consignment (``consignment_value``, ``consignment_kg``).

Invariant (hypothesis): a row whose ``consignment_value`` is its own declared value x quantity (CNY) is
quoted exactly as the same row without it, every result column bit for bit, on the compiled kernel and
on the numpy reference. The kernel and the reference agree float-exactly on a varied batch with
consignments. Golden multi-line consignments worked by hand from the built-in ``tax_regimes`` rows
(FX fixed in conftest: EUR 8, CAD 5 CNY; line haul 0):

* EU-2021-relief (EUR 150 duty relief; source_id research-tax-customs-2026.reg, vatupdate-eu-3eur-2025.reg)
  and EU-2026-3eur (EUR 3 per item under the relief, per tariff line, from 2026-07-01);
* CA-20-post (CAD 20 de minimis, CAD 9.95 postal handling fee per consignment; source_id cbsa-lvs.reg);
* EAEU-2026 (over EUR 200: 5% of the value, at least EUR 1 per kg; source_id deliver2-eaeu-2026.reg).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.costing.engine import quote_batch as _quote_batch
from qiankua.costing.engine import quote_batch_reference
from qiankua.exceptions import InvalidInputError
from qiankua.services.costing import compiled_rules, fx_arrays, quote_table

from .conftest import FX
from .test_kernel import DATES, _batch, _same
from .test_properties import HS, MARKETS

A = pytest.approx
SILVER = dict(hs6="711311", category="silver_jewellery", line_haul_cny=0.0)
TEA = dict(hs6="090210", category="tea", line_haul_cny=0.0)


@pytest.fixture(scope="module")
def setup(cref):
    rules = compiled_rules(cref)
    fx = fx_arrays(rules.currencies, min(DATES), max(DATES), FX)
    return rules, fx


def _quote(cref, *rows: dict) -> list[dict]:
    frame = pl.DataFrame([{"platform": "aliexpress", "quantity": 1, "gross_kg": 0.5, **r} for r in rows])
    return quote_table(frame, cref, fx_overrides=FX).rows(named=True)


# ---------------------------------------------------------------------------------------- invariant

lines = st.fixed_dictionaries(
    {
        "market": st.sampled_from(MARKETS),
        "hs": st.sampled_from(HS),
        "mode": st.sampled_from(["9610", "9710", "9810", "0110"]),
        "service": st.sampled_from(["postal", "express", "air"]),
        "platform": st.sampled_from(["amazon", "aliexpress", "shopee", "direct"]),
        "date": st.sampled_from(DATES),
        "cost": st.floats(0.5, 3000),
        "markup": st.floats(0.3, 6),
        "declared": st.none() | st.floats(0.5, 20000),  # CNY; none = from the price
        "quantity": st.integers(1, 6),
        "kg": st.floats(0.01, 40),
    }
)


@given(st.lists(lines, min_size=1, max_size=12))
def test_a_consignment_of_the_row_itself_changes_nothing(setup, rs):
    rules, fx = setup
    ccy = dict(zip(rules.markets, rules.market_ccy, strict=True))
    frame = pl.DataFrame(
        {
            "row_id": list(range(len(rs))),
            "market": [r["market"] for r in rs],
            "hs6": [r["hs"][0] for r in rs],
            "category": [r["hs"][1] for r in rs],
            "mode": [r["mode"] for r in rs],
            "service": [r["service"] for r in rs],
            "platform": [r["platform"] for r in rs],
            "date": [r["date"] for r in rs],
            "unit_cost_cny": [r["cost"] for r in rs],
            "price": [r["cost"] * r["markup"] / FX.get(ccy[r["market"]], 1.0) for r in rs],
            "declared_value": pl.Series([r["declared"] for r in rs], dtype=pl.Float64),
            "quantity": [r["quantity"] for r in rs],
            "gross_kg": [r["kg"] for r in rs],
        }
    )
    for engine in ("kernel", "numpy"):
        alone = _quote_batch(frame, rules, fx, engine=engine)
        own = alone["declared_value"] * frame["quantity"].cast(pl.Float64)  # CNY, as the engine reckons it
        assert (alone["declared_value"].fill_nan(None).drop_nulls() > 0).all()
        _same(_quote_batch(frame.with_columns(consignment_value=own), rules, fx, engine=engine), alone)
        # the consignment's weight = the row's own: the same up to the order of the multiplications
        both = frame.with_columns(consignment_value=own, consignment_kg=pl.col("gross_kg") * pl.col("quantity"))
        _same(_quote_batch(both, rules, fx, engine=engine), alone, rel=1e-12)


def test_a_consignment_of_the_row_itself_changes_nothing_on_a_varied_batch(setup):
    """The invariant on every market, mode, service, category, date and override of the kernel test batch
    (declared values from the price or the cost, so the consignment is in CNY). Not the solved prices: a
    break-even or target price holds a given consignment value fixed, while without one the row's own
    consignment moves with its price."""
    rules, fx = setup
    frame = _batch(rules, 3000, 5).drop("declared_value", "value_currency")
    for engine in ("kernel", "numpy"):
        alone = _quote_batch(frame, rules, fx, engine=engine)
        assert set(alone["duty_basis"].unique()) == {0, 1, 2} and (alone["handling"] > 0).any()
        own = alone["declared_value"] * frame["quantity"].cast(pl.Float64).clip(1.0)
        _same(_quote_batch(frame.with_columns(consignment_value=own), rules, fx, engine=engine), alone)


def test_kernel_matches_reference_with_consignments(setup):
    rules, fx = setup
    frame = _batch(rules, 3000, 11)
    rng = np.random.default_rng(3)
    n = frame.height
    frame = frame.with_columns(
        # consignments from a tenth of the row's price to 20x it, in the row's value currency; some rows none
        consignment_value=pl.Series(
            np.where(rng.random(n) < 0.2, np.nan, frame["price"].fill_nan(50.0).to_numpy() * rng.uniform(0.1, 20, n))
        ),
        consignment_kg=pl.Series(np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0.1, 60, n))),
    )
    _same(_quote_batch(frame, rules, fx, engine="kernel"), quote_batch_reference(frame, rules, fx))


@pytest.mark.parametrize(
    ("column", "value"), [("consignment_value", -0.01), ("consignment_value", -5.0), ("consignment_kg", -1.0)]
)
def test_a_negative_consignment_is_refused(setup, column, value):
    rules, fx = setup
    frame = _batch(rules, 3, 1).with_columns(pl.Series(column, [None, value, None], dtype=pl.Float64))
    for engine in ("kernel", "numpy"):
        with pytest.raises(InvalidInputError, match=f"Row 2: `{column}`"):
            _quote_batch(frame, rules, fx, engine=engine)


# ------------------------------------------------------------------------------------------ golden


def test_eu_relief_is_decided_by_the_consignment(cref):
    """Tea declared EUR 100 alone: under the EUR 150 relief (no duty, VAT by the platform). The same line in a
    consignment of EUR 200: tariff duty 3.2% (EU MFN 0902.10) and 7% VAT at the border, on the line's own value."""
    day = "2026-06-30"
    alone, in_order = _quote(
        cref,
        dict(market="DE", mode="9610", service="postal", date=day, declared_value=100.0, value_currency="EUR", **TEA),
        dict(
            market="DE",
            mode="9610",
            service="postal",
            date=day,
            declared_value=100.0,
            value_currency="EUR",
            consignment_value=200.0,
            **TEA,
        ),
    )
    assert alone["duty"] == 0 and alone["collector"] == 1 and alone["duty_basis"] == 1
    assert in_order["duty_basis"] == 0 and in_order["collector"] == 0
    assert in_order["duty"] == A(0.032 * 800)
    assert in_order["import_vat"] == A(0.07 * (800 + 0.032 * 800))


def test_eu_per_item_duty_stays_the_lines_own(cref):
    """From 2026-07-01, EUR 3 per item (tariff line) under the relief: a line of 2 units in a EUR 80 order
    pays EUR 3 for the line (CNY 12 per unit), not a share of one EUR 3 per order."""
    row = _quote(
        cref,
        dict(
            market="DE",
            mode="9610",
            service="postal",
            date="2026-07-01",
            declared_value=20.0,
            value_currency="EUR",
            quantity=2,
            consignment_value=80.0,
            **TEA,
        ),
    )[0]
    assert row["duty_basis"] == 1 and row["duty"] == A(3 * 8 / 2)


def test_canada_postal_handling_fee_is_shared_by_value(cref):
    """CA-20-post: a consignment over CAD 20 pays duty, GST at the border and CAD 9.95 handling once. Silver
    lines declared CAD 30 and 2 x CAD 5 in a CAD 40 consignment: handling 9.95 x 5 x 30/40 = CNY 37.3125
    and 9.95 x 5 x 10/40 = CNY 12.4375 (6.21875 per unit); duty 8.5% (CA MFN 7113.11) on each line's own value.
    Alone, the CAD 10 line is under the de minimis: no duty, no GST, no handling."""
    common = dict(market="CA", mode="9610", service="postal", date="2026-03-02", value_currency="CAD", **SILVER)
    first, second, alone = _quote(
        cref,
        dict(declared_value=30.0, consignment_value=40.0, **common),
        dict(declared_value=5.0, quantity=2, consignment_value=40.0, **common),
        dict(declared_value=5.0, quantity=2, **common),
    )
    assert first["handling"] == A(9.95 * 5 * 30 / 40)
    assert second["handling"] == A(9.95 * 5 * 10 / 40 / 2)
    assert first["handling"] + 2 * second["handling"] == A(9.95 * 5)
    assert second["duty"] == A(0.085 * 5 * 5) and second["import_vat"] == A(0.05 * (25 + 0.085 * 25))
    assert alone["duty"] == 0 and alone["import_vat"] == 0 and alone["handling"] == 0


def test_eaeu_flat_rate_minimum_per_kg_on_the_consignment(cref):
    """EAEU-2026 (RU, 2026-08-01): over EUR 200, 5% of the value but at least EUR 1 per kg. Silver declared
    EUR 200 (2 kg) and tea EUR 100 (18 kg) in one EUR 300, 20 kg consignment: max(15, 20) = EUR 20, shared by
    value: EUR 13.33 and 6.67 (CNY 106.67, 53.33). Without the consignment's weight each line's share is held
    to the minimum on its own weight: max(10, 2) = EUR 10 and max(5, 18) = EUR 18. Alone, EUR 100 is relieved."""
    common = dict(market="RU", mode="9610", service="postal", date="2026-08-01", value_currency="EUR")
    silver, tea, silver_own, tea_own, tea_alone = _quote(
        cref,
        dict(declared_value=200.0, gross_kg=2.0, consignment_value=300.0, consignment_kg=20.0, **common, **SILVER),
        dict(declared_value=100.0, gross_kg=18.0, consignment_value=300.0, consignment_kg=20.0, **common, **TEA),
        dict(declared_value=200.0, gross_kg=2.0, consignment_value=300.0, **common, **SILVER),
        dict(declared_value=100.0, gross_kg=18.0, consignment_value=300.0, **common, **TEA),
        dict(declared_value=100.0, gross_kg=18.0, **common, **TEA),
    )
    assert silver["duty_basis"] == 2 and tea["duty_basis"] == 2
    assert silver["duty"] == A(20 * 8 * 200 / 300) and tea["duty"] == A(20 * 8 * 100 / 300)
    assert silver_own["duty"] == A(10 * 8) and tea_own["duty"] == A(18 * 8)
    assert tea_alone["duty_basis"] == 1 and tea_alone["duty"] == 0


def test_a_consignment_in_the_value_currency(cref):
    """``consignment_value`` is in ``value_currency`` like ``declared_value``: EUR 200 = CNY 1,600."""
    common = dict(market="DE", mode="9610", service="postal", date="2026-06-30", **TEA)
    eur, cny = _quote(
        cref,
        dict(declared_value=100.0, value_currency="EUR", consignment_value=200.0, **common),
        dict(declared_value=800.0, value_currency="CNY", consignment_value=1600.0, **common),
    )
    for col in ("duty", "import_vat", "landed_cost"):
        assert eur[col] == A(cny[col], rel=1e-12), col
    assert eur["duty_basis"] == 0
