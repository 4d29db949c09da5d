"""Sample-path simulation of a replenishment policy: does it deliver the service its formula promises?

A policy from :mod:`qiankua.warehouse.policy` is run over many demand paths (rows of a matrix, one
column per period) with random lead times, and the simulation reports what it achieved:

* cycle service — the share of replenishment cycles without a stock-out, measured at the end of the
  period just before each shipment arrives (the lowest point of a cycle);
* fill rate — the share of demand met from stock on hand (unmet demand is back-ordered);
* stock-out periods, average stock on hand, orders, and holding/ordering cost when prices are given.

Timing per period ``t``: demand is taken; shipments due at the end of ``t`` arrive (the net stock
just before they arrive decides the cycle); the inventory position is reviewed and new orders placed,
each arriving after ``max(1, round(L))`` periods with ``L ~ Normal(mean, sd)``. That is the timing the
lead-time-demand formula assumes (demand of ``L`` periods between order and arrival). Deterministic
for a given ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["SimulationResult", "calibrate_reorder_point", "monthly_to_periods", "simulate"]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationResult:
    """What a policy achieved over the sample paths (means over paths and periods)."""

    policy: str
    paths: int
    periods: int
    cycles: int
    cycle_service: float
    fill_rate: float
    stockout_period_share: float
    average_on_hand: float
    orders_per_path: float
    holding_cost: float | None
    order_cost: float | None
    on_hand_mean: tuple[float, ...]
    on_hand_p10: tuple[float, ...]
    on_hand_p90: tuple[float, ...]


def simulate(
    demand: Array,
    *,
    lead_time: float,
    lead_time_sd: float = 0.0,
    reorder_point: float | None = None,
    order_qty: float | None = None,
    order_up_to: float | None = None,
    review_period: int | None = None,
    initial_stock: float | None = None,
    holding_cost_per_period: float | None = None,
    order_cost: float | None = None,
    warmup: int = 0,
    seed: int = 0,
) -> SimulationResult:
    """Run a continuous-review ``(s, Q)`` policy (``reorder_point`` + ``order_qty``) or a periodic
    ``(R, S)`` policy (``review_period`` + ``order_up_to``) over ``demand`` (paths x periods).

    ``initial_stock`` defaults to ``s + Q`` (or ``S``). Periods before ``warmup`` are simulated but
    not counted. ``holding_cost_per_period`` is per unit on hand per period.
    """
    d = np.asarray(demand, dtype=np.float64)
    if d.ndim != 2 or d.shape[1] == 0:
        raise ValueError(f"Expected `demand` as a 2-D array (paths x periods), got shape {d.shape}.")
    if np.any(d < 0) or not np.all(np.isfinite(d)):
        raise ValueError("Expected non-negative, finite demand in every path and period.")
    continuous = reorder_point is not None and order_qty is not None
    periodic = review_period is not None and order_up_to is not None
    if continuous == periodic:
        raise ValueError("Expected either `reorder_point` and `order_qty` (s, Q) or `review_period` and `order_up_to`.")
    if continuous and order_qty is not None and order_qty <= 0:
        raise ValueError(f"Expected a positive `order_qty`, got {order_qty}.")
    if lead_time < 0 or lead_time_sd < 0:
        raise ValueError("Expected a non-negative `lead_time` and `lead_time_sd`.")
    n, horizon = d.shape
    rng = np.random.default_rng(seed)
    max_lead = int(np.ceil(lead_time + 6 * lead_time_sd)) + 2
    pipeline = np.zeros((n, horizon + max_lead + 1))
    start = initial_stock
    if start is None:
        start = (reorder_point or 0.0) + (order_qty or 0.0) if continuous else float(order_up_to or 0.0)
    net = np.full(n, float(start))
    on_order = np.zeros(n)
    rows = np.arange(n)
    cycles = ok_cycles = 0
    demand_total = short_total = 0.0
    stockout_periods = 0
    orders = 0
    on_hand = np.empty((n, horizon))
    for t in range(horizon):
        dt_ = d[:, t]
        available = np.maximum(net, 0.0)
        short = np.maximum(dt_ - available, 0.0)
        net = net - dt_
        arriving = pipeline[:, t]
        has = arriving > 0
        counted = t >= warmup
        if counted:
            cycles += int(has.sum())
            ok_cycles += int((net[has] >= -1e-9).sum())
            demand_total += float(dt_.sum())
            short_total += float(short.sum())
            stockout_periods += int((net < -1e-9).sum())
        net = net + arriving
        on_order = on_order - arriving
        position = net + on_order
        if continuous:
            assert reorder_point is not None and order_qty is not None
            need = position <= reorder_point
            if need.any():
                k = np.where(need, np.floor((reorder_point - position) / order_qty) + 1, 0.0)
                qty = k * order_qty
            else:
                qty = np.zeros(n)
        else:
            assert review_period is not None and order_up_to is not None
            qty = np.maximum(order_up_to - position, 0.0) if (t % review_period == 0) else np.zeros(n)
        placed = qty > 0
        if placed.any():
            lt = rng.normal(lead_time, lead_time_sd, size=n) if lead_time_sd > 0 else np.full(n, lead_time)
            due = t + np.clip(np.rint(lt), 1, max_lead).astype(np.int64)
            np.add.at(pipeline, (rows[placed], due[placed]), qty[placed])
            on_order = on_order + qty
            if counted:
                orders += int(placed.sum())
        on_hand[:, t] = np.maximum(net, 0.0)
    kept = on_hand[:, warmup:]
    periods = kept.shape[1]
    avg = float(kept.mean()) if periods else 0.0
    hold = None if holding_cost_per_period is None else holding_cost_per_period * avg * periods
    cost = None if order_cost is None else order_cost * orders / n
    return SimulationResult(
        policy="sQ" if continuous else "RS",
        paths=n,
        periods=periods,
        cycles=cycles,
        cycle_service=ok_cycles / cycles if cycles else 1.0,
        fill_rate=1.0 - short_total / demand_total if demand_total else 1.0,
        stockout_period_share=stockout_periods / (n * periods) if periods else 0.0,
        average_on_hand=avg,
        orders_per_path=orders / n,
        holding_cost=hold,
        order_cost=cost,
        on_hand_mean=tuple(float(v) for v in on_hand.mean(axis=0)),
        on_hand_p10=tuple(float(v) for v in np.quantile(on_hand, 0.1, axis=0)),
        on_hand_p90=tuple(float(v) for v in np.quantile(on_hand, 0.9, axis=0)),
    )


def monthly_to_periods(monthly: Array, *, periods_per_month: int = 30, seed: int = 0) -> Array:
    """Split monthly demand paths into ``periods_per_month`` days each (multinomial on whole units,
    so a month's total is kept exactly; fractional months are rounded to whole units first)."""
    m = np.rint(np.asarray(monthly, dtype=np.float64)).clip(min=0).astype(np.int64)
    rng = np.random.default_rng(seed)
    p = np.full(periods_per_month, 1.0 / periods_per_month)
    out = rng.multinomial(m.reshape(-1), p).reshape(m.shape[0], m.shape[1] * periods_per_month)
    return out.astype(np.float64)


def calibrate_reorder_point(
    demand: Array,
    *,
    target: float,
    order_qty: float,
    lead_time: float,
    lead_time_sd: float = 0.0,
    low: float,
    high: float,
    iterations: int = 12,
    seed: int = 0,
) -> tuple[float, SimulationResult]:
    """The smallest reorder point in ``[low, high]`` whose simulated cycle service reaches ``target``
    (bisection; the same paths and lead-time draws for every candidate). When even ``high`` falls
    short, ``high`` and its result are returned (the caller sees the shortfall)."""
    if not 0 < target < 1 or high < low:
        raise ValueError("Expected `target` in (0, 1) and `low` <= `high`.")

    def run(s: float) -> SimulationResult:
        return simulate(demand, lead_time=lead_time, lead_time_sd=lead_time_sd, reorder_point=s,
                        order_qty=order_qty, seed=seed)  # fmt: skip

    best = run(high)
    if best.cycle_service < target:
        return high, best
    lo, hi = low, high
    low_run = run(low)
    if low_run.cycle_service >= target:
        return low, low_run
    for _ in range(iterations):
        mid = (lo + hi) / 2
        r = run(mid)
        if r.cycle_service >= target:
            hi, best = mid, r
        else:
            lo = mid
    return hi, best
