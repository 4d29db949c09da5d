"""The simulation checks the formulas: achieved service is close to what the policy promises."""

import numpy as np
import pytest

from qiankua.warehouse.policy import order_up_to, policy
from qiankua.warehouse.simulate import monthly_to_periods, simulate


def _demand(mean=20.0, sd=6.0, paths=200, periods=720, seed=1):
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(mean, sd, size=(paths, periods)), 0, None)


@pytest.mark.parametrize("level", [0.90, 0.97])
def test_sq_policy_achieves_its_cycle_service(level):
    """(s, Q) with s = dL + z sigma_L (lead time 30 +/- 5 days) achieves the target CSL within 3 points."""
    p = policy(mean_demand=20, sd_demand=6, lead_time=30, lead_time_sd=5, service_level=level, order_qty=600)
    r = simulate(_demand(), lead_time=30, lead_time_sd=5, reorder_point=p.reorder_point, order_qty=600, warmup=60)
    assert r.cycles > 500
    assert abs(r.cycle_service - level) < 0.03


def test_fill_rate_policy_achieves_its_fill_rate():
    """A fill-rate safety stock (Q = 600, beta = 0.99) fills 99 % of demand within half a point."""
    p = policy(mean_demand=20, sd_demand=6, lead_time=30, lead_time_sd=5, service_level=0.99, kind="fill",
               order_qty=600)  # fmt: skip
    r = simulate(_demand(), lead_time=30, lead_time_sd=5, reorder_point=p.reorder_point, order_qty=600, warmup=60)
    assert abs(r.fill_rate - 0.99) < 0.005


def test_periodic_policy_achieves_its_cycle_service():
    """(R, S) reviewed every 30 days with S from the R + L protection interval: CSL 0.95 within 3 points."""
    s, _ = order_up_to(mean_demand=20, sd_demand=6, lead_time=20, review_period=30, service_level=0.95)
    r = simulate(_demand(), lead_time=20, review_period=30, order_up_to=s, warmup=60)
    assert abs(r.cycle_service - 0.95) < 0.03


def test_no_safety_stock_shows_the_undershoot():
    """s = dL (z = 0) promises 50 % on paper; with daily review the order goes out on average
    E[D^2] / 2E[D] = (400 + 36) / 40 = 10.9 units below s (undershoot), so the simulation finds about
    Phi(-10.9 / (6 sqrt 30)) = Phi(-0.33) = 0.37 — it can fail a policy the formula passes."""
    r = simulate(_demand(), lead_time=30, reorder_point=600, order_qty=600, warmup=60)
    assert abs(r.cycle_service - 0.37) < 0.03


def test_deterministic_for_a_seed_and_stock_averages_positive():
    kw = {"lead_time": 10, "lead_time_sd": 2, "reorder_point": 260, "order_qty": 300, "seed": 7}
    a, b = simulate(_demand(paths=20), **kw), simulate(_demand(paths=20), **kw)
    assert a == b and a.average_on_hand > 0


def test_monthly_split_keeps_totals():
    m = np.array([[30.0, 0.0, 7.0], [1.0, 2.0, 3.0]])
    d = monthly_to_periods(m, periods_per_month=30)
    assert d.shape == (2, 90)
    assert d.reshape(2, 3, 30).sum(axis=2).tolist() == m.tolist()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "either"),  # no policy given
        ({"reorder_point": 1.0, "order_qty": 0.0}, "order_qty"),  # an order of nothing never restocks
    ],
)
def test_bad_policy_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate(np.ones((2, 5)), lead_time=1, **kwargs)


def test_negative_demand_refused():
    with pytest.raises(ValueError, match="non-negative"):
        simulate(-np.ones((2, 5)), lead_time=1, reorder_point=1, order_qty=1)


def test_calibrated_reorder_point_reaches_the_target_the_formula_misses():
    """With a fixed 30-day lead time and daily review the formula's s falls short (undershoot, see above);
    the calibrated s is the smallest that reaches 95 % on the same paths, and a lower one does not."""
    from qiankua.warehouse.simulate import calibrate_reorder_point

    d = _demand(paths=100, periods=400)
    p = policy(mean_demand=20, sd_demand=6, lead_time=30, service_level=0.95, order_qty=600)
    formula = simulate(d, lead_time=30, reorder_point=p.reorder_point, order_qty=600)
    s, r = calibrate_reorder_point(d, target=0.95, order_qty=600, lead_time=30, low=p.reorder_point * 0.5,
                                   high=p.reorder_point + 4 * p.sigma_lead_time)  # fmt: skip
    assert formula.cycle_service < 0.95 <= r.cycle_service
    assert s > p.reorder_point
    assert simulate(d, lead_time=30, reorder_point=s - 2, order_qty=600).cycle_service < 0.95
