"""Channel economics on a hand-worked SKU, and invariants of the cost curves and break-evens."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.warehouse.channels import ChannelInputs, EntryFee, LineHaulPoint, WarehouseFees, unit_costs
from qiankua.warehouse.decision import break_even, decide

# US MPF FY2026: 0.3464 % of value, min $33.58, max $651.50 per formal entry (90 FR 34665)
MPF = EntryFee(name="mpf", rate=0.003464, minimum=33.58, maximum=651.50)


def _tea(**kw):
    """A 250 g tin of tea: $20 retail, CNY 7/USD, 9610 parcel CNY 100/unit all-in (45 of it freight);
    9810 goods+duty+fees CNY 60/unit; line-haul CNY 500 for 1 unit .. 2,000 for 1,000 units, 30 days;
    FBA $3.95 fulfilment, $27.5/m3-month storage, 0.001 m3 per unit; unit cost CNY 40, 10 %/year cash."""
    base = dict(
        sku="tea", market="US", currency="USD", fx=7.0, price=20.0, unit_cost_cny=40.0, unit_volume_m3=0.001,
        customs_value=5.0, parcel_cost_cny=100.0, parcel_logistics_cny=45.0, bulk_variable_cny=60.0,
        linehaul=(LineHaulPoint(units=1, cost_cny=500, days=30), LineHaulPoint(units=1000, cost_cny=2000, days=30)),
        entry_fees=(MPF,), warehouses={"fba": WarehouseFees(fulfilment=3.95, storage_per_m3_month=27.5)},
        b2b_cost_cny=50.0, b2b_price=9.0, discount_rate=0.1, demand_cv=0.5,
    )  # fmt: skip
    base.update(kw)
    return ChannelInputs(**base)


def test_hand_worked_warehouse_unit_cost_at_100_a_month():
    """At 100 units/month: fixed cost of a shipment = MPF minimum $33.58 x 7 + CNY 500 = 735.06; holding
    CNY 2.31 storage + 4.00 cash = 6.31/unit-year; EOQ sqrt(2 x 1,200 x 735.06 / 6.31) = 528.75 units.
    Line-haul (500 + 527.75/999 x 1,500) / 528.75 = 2.444; MPF (value $2,644 -> 0.3464 % = $9.16 < min)
    235.06 / 528.75 = 0.4446; fulfilment 3.95 x 7 = 27.65; L = 30 d = 0.9863 months, SS = 1.645 x
    sqrt(0.9863) x 50 = 81.68; stock Q/2 + SS = 346.06 -> storage 27.5 x 7 x 0.001 x 346.06 / 100 = 0.666;
    cash 40 x 0.1 x (30/365 + 346.06/100/12) = 1.482. Total 60 + 2.444 + 0.445 + 27.65 + 0.666 + 1.482 = 92.687."""
    lines = {k: float(v[0]) for k, v in unit_costs(_tea(), np.array([100.0]))["9810_fba"].items()}
    assert lines["shipment_qty"] == pytest.approx(528.75, abs=0.01)
    assert lines["linehaul"] == pytest.approx(2.444, abs=1e-3)
    assert lines["entry"] == pytest.approx(0.4446, abs=1e-4)
    assert lines["safety_stock"] == pytest.approx(81.68, abs=0.01)
    assert lines["storage"] == pytest.approx(0.666, abs=1e-3)
    assert lines["cash"] == pytest.approx(1.482, abs=1e-3)
    assert lines["total"] == pytest.approx(92.687, abs=1e-3)


def test_hand_worked_decision():
    """The warehouse beats CNY 100 parcels above ~14.4 units/month; at 100/month it is recommended."""
    d = decide(_tea(), 100.0)
    assert d.recommended == "9810_fba"
    assert d.break_even["9810_fba"] == pytest.approx(14.36, abs=0.05)
    assert d.channels["9610"]["margin_cny"] == pytest.approx(140 - 100)
    assert d.channels["9710"]["margin_cny"] == pytest.approx(63 - 50)
    assert {s["driver"] for s in d.sensitivity} == {"demand", "freight", "fx"}


def test_channel_without_fees_is_left_out():
    """An unknown fulfilment fee leaves the channel out rather than pricing it at zero."""
    inp = _tea(warehouses={"3pl": WarehouseFees(fulfilment=None, storage_per_m3_month=10.0)})
    assert "9810_3pl" not in unit_costs(inp, np.array([10.0]))


@settings(max_examples=40, deadline=None)
@given(
    parcel=st.floats(20, 400),
    fixed=st.floats(0, 5000),
    fee=st.floats(0, 20),
    storage=st.floats(0, 100),
    volume=st.floats(0.5, 5000),
)
def test_costs_never_negative_and_break_even_matches_curves(parcel, fixed, fee, storage, volume):
    inp = _tea(
        parcel_cost_cny=parcel,
        linehaul=(
            LineHaulPoint(units=1, cost_cny=fixed, days=20),
            LineHaulPoint(units=2000, cost_cny=fixed + 3000, days=25),
        ),
        warehouses={"fba": WarehouseFees(fulfilment=fee, storage_per_m3_month=storage)},
    )
    costs = unit_costs(inp, np.array([volume]))
    for lines in costs.values():
        assert all(float(v[0]) >= 0 for v in lines.values())
    be = break_even(inp, "9810_fba")
    if be is None:  # never cheaper: the warehouse costs more at this volume too
        assert costs["9810_fba"]["total"][0] > costs["9610"]["total"][0] - 1e-9
    elif be > 0:
        at = unit_costs(inp, np.array([be * 1.001, be * 0.999]))
        assert at["9810_fba"]["total"][0] <= at["9610"]["total"][0] + 1e-6
        assert at["9810_fba"]["total"][1] >= at["9610"]["total"][1] - 1e-6


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"fx": 0.0}, "fx"),
        ({"unit_volume_m3": -1.0}, "unit_volume_m3"),
        ({"linehaul": (LineHaulPoint(units=0, cost_cny=1, days=1),)}, "linehaul"),
    ],
)
def test_bad_inputs(kw, match):
    with pytest.raises(ValueError, match=match):
        _tea(**kw)
