"""Inventory policy formulas, checked against worked textbook examples and by invariants."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.warehouse.policy import (
    eoq,
    loss_function,
    newsvendor_normal,
    order_up_to,
    policy,
    safety_stock,
)


def test_eoq_best_buy_example():
    """EOQ = sqrt(2DS/H): Chopra & Meindl, Supply Chain Management, cycle-inventory example (Best Buy
    computers: 1,000 units/month, S = $4,000 per order, $500 unit cost, 20 % holding) gives 980 units."""
    q = eoq(annual_demand=12_000, order_cost=4_000, holding_cost=0.2 * 500)
    assert round(q) == 980


def test_safety_stock_with_lead_time_uncertainty_textbook():
    """Chopra & Meindl, safety inventory with lead-time uncertainty: D = 2,500/day, sd 500, L = 7 days,
    s_L = 7 days, CSL 0.90 -> sigma_L = sqrt(7*500^2 + 2500^2*7^2) = 17,550 and ss = 1.2816 * 17,550 = 22,491."""
    ss = safety_stock(mean_demand=2_500, sd_demand=500, lead_time=7, lead_time_sd=7, service_level=0.90)
    assert ss == pytest.approx(22_491, abs=1.0)


def test_safety_stock_fixed_lead_time_is_z_sigma_sqrt_l():
    """With a fixed lead time the textbook ss = z * sd * sqrt(L) (Chopra & Meindl): z(0.95) = 1.6449,
    sd 500/week, L 2 weeks -> 1.6449 * 707.1 = 1,163.1."""
    ss = safety_stock(mean_demand=2_500, sd_demand=500, lead_time=2, service_level=0.95)
    assert ss == pytest.approx(1_163.1, abs=0.2)


def test_fill_rate_textbook_example():
    """Chopra & Meindl, fill rate from safety inventory: weekly demand 2,500 (sd 500), L = 2 weeks,
    Q = 10,000, ss = 1,000 gives ESC = 25.13 and fill rate 0.9975. Inverting: a 0.9975 fill rate
    target with Q = 10,000 must ask for ss = 1,000."""
    sigma = math.sqrt(2) * 500
    esc = sigma * loss_function(1_000 / sigma)
    assert esc == pytest.approx(25.13, abs=0.05)
    assert 1 - esc / 10_000 == pytest.approx(0.9975, abs=5e-5)
    ss = safety_stock(
        mean_demand=2_500, sd_demand=500, lead_time=2, service_level=1 - esc / 10_000, kind="fill", order_qty=10_000
    )
    assert ss == pytest.approx(1_000, abs=1.0)


def test_newsvendor_macs_newsstand():
    """Nahmias, Production and Operations Analysis, Mac's newsstand: demand N(11.73, 4.74), cu = $0.50,
    co = $0.15 -> critical ratio 0.77, z = 0.74, Q* = 15.24 (about 15 papers)."""
    r = newsvendor_normal(mean=11.73, sd=4.74, unit_holding=0.15, unit_shortage=0.50)
    assert r.critical_ratio == pytest.approx(0.7692, abs=1e-4)
    assert r.z == pytest.approx(0.7363, abs=2e-3)
    assert r.order_qty == pytest.approx(15.22, abs=0.05)


def test_newsvendor_cost_at_optimum_is_closed_form():
    """At the optimum the expected cost equals (co + cu) * sigma * phi(z) (Porteus, §1.3)."""
    r = newsvendor_normal(mean=100, sd=30, unit_holding=2, unit_shortage=8)
    phi = math.exp(-(r.z**2) / 2) / math.sqrt(2 * math.pi)
    assert r.expected_cost == pytest.approx(10 * 30 * phi, rel=1e-9)
    assert r.expected_cost < r.expected_cost_without_stock_decision


def test_order_up_to_protects_review_plus_lead_time():
    """S = d (R + L) + z * sd * sqrt(R + L) with fixed lead time (Silver, Pyke & Peterson §7.9)."""
    s, ss = order_up_to(mean_demand=10, sd_demand=3, lead_time=20, review_period=10, service_level=0.95)
    assert ss == pytest.approx(1.6449 * 3 * math.sqrt(30), abs=0.01)
    assert s == pytest.approx(300 + ss)


def test_policy_reorder_point_and_eoq_together():
    """Reorder point = d L + ss; Q defaults to EOQ from the shipment's fixed cost."""
    p = policy(mean_demand=10, sd_demand=3, lead_time=30, lead_time_sd=5, service_level=0.95,
               holding_cost=2.0, order_cost=500.0)  # fmt: skip
    assert p.eoq == pytest.approx(math.sqrt(2 * 3650 * 500 / 2.0))
    assert p.reorder_point == pytest.approx(300 + p.safety_stock)
    assert p.order_qty == p.eoq


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"service_level": 1.0}, "service_level"),  # 100 % service needs infinite stock
        ({"service_level": 0.3}, "service_level"),  # below 0.5 would mean negative buffer by design
        ({"sd_demand": -1.0}, "sd_demand"),  # a spread is never negative
        ({"lead_time": float("nan")}, "lead_time"),  # NaN from a bad cell
        ({"kind": "fill"}, "order_qty"),  # a fill rate needs the shipment size
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, match):
    base = {"mean_demand": 10.0, "sd_demand": 2.0, "lead_time": 5.0, "service_level": 0.9}
    with pytest.raises(ValueError, match=match):
        safety_stock(**{**base, **kwargs})


_pos = st.floats(min_value=0, max_value=1e4, allow_nan=False)
_level = st.floats(min_value=0.5, max_value=0.999)


@given(_pos, _pos, st.floats(0, 200), st.floats(0, 50), _level, _level)
def test_higher_service_never_lowers_safety_stock(d, sd, lt, lsd, a, b):
    lo, hi = sorted((a, b))
    kw = {"mean_demand": d, "sd_demand": sd, "lead_time": lt, "lead_time_sd": lsd}
    assert safety_stock(**kw, service_level=lo) <= safety_stock(**kw, service_level=hi) + 1e-9


@given(_pos, _pos, st.floats(1, 1e5), _level, _level)
def test_higher_fill_rate_never_lowers_safety_stock(d, sd, q, a, b):
    lo, hi = sorted((a, b))
    kw = {"mean_demand": d, "sd_demand": sd, "lead_time": 10.0, "lead_time_sd": 2.0, "kind": "fill", "order_qty": q}
    assert 0 <= safety_stock(**kw, service_level=lo) <= safety_stock(**kw, service_level=hi) + 1e-6


@given(_pos, _pos, st.floats(0, 1e3), st.floats(0, 1e3))
def test_newsvendor_costs_never_negative(mu, sd, co, cu):
    if co + cu == 0:
        return
    r = newsvendor_normal(mean=mu, sd=sd, unit_holding=co, unit_shortage=cu)
    assert r.order_qty >= 0 and r.expected_cost >= -1e-9
    assert r.expected_cost <= r.expected_cost_without_stock_decision + 1e-6 * (1 + r.expected_cost)
