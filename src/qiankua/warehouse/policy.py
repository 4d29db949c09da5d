"""Inventory policy for stock held in an overseas warehouse: safety stock, reorder point, order-up-to,
(s, Q), EOQ and the newsvendor with normal demand.

Conventions: demand is per *period* (a day, a week, a month — the caller chooses), and the lead time
and the review period are in the same periods. Demand per period is independent with mean ``d`` and
standard deviation ``sd``; the lead time is independent of demand with mean ``L`` and standard
deviation ``sL``. Demand over the lead time then has (Chopra & Meindl, *Supply Chain Management*,
ch. "Managing uncertainty in a supply chain: safety inventory", lead-time uncertainty)::

    mean = d * L          sigma_L = sqrt(L * sd**2 + d**2 * sL**2)

Two service measures are offered:

* ``cycle`` — cycle service level (CSL): the probability of no stock-out in a replenishment cycle;
  ``SS = z * sigma_L`` with ``z = Phi^-1(CSL)``.
* ``fill`` — fill rate (beta): the share of demand met from stock. The expected shortage per cycle of
  an order of ``Q`` is ``ESC = sigma_L * G(k)`` with the standard normal loss function
  ``G(k) = phi(k) - k * (1 - Phi(k))``; ``k`` solves ``ESC = (1 - beta) * Q`` and ``SS = k * sigma_L``
  (Chopra & Meindl, same chapter, fill rate; Silver, Pyke & Peterson, *Inventory Management and
  Production Planning and Scheduling*, 3rd ed., §7.7). Negative ``k`` (a very large ``Q``) is floored
  at zero: a plan never keeps a negative buffer.

Everything here is scalar and pure; :func:`policy_batch` is the vectorised twin used at scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "SERVICE_KINDS",
    "NewsvendorResult",
    "PolicyResult",
    "eoq",
    "loss_function",
    "newsvendor_normal",
    "order_up_to",
    "policy",
    "policy_batch",
    "reorder_point",
    "safety_stock",
    "sigma_lead_time",
]

ServiceKind = Literal["cycle", "fill"]
SERVICE_KINDS: tuple[str, ...] = ("cycle", "fill")
_N = NormalDist()


def _check(name: str, value: float, *, positive: bool = False) -> float:
    if not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
        raise ValueError(f"Expected a finite number for `{name}`, got {value!r}.")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"Expected {'a positive' if positive else 'a non-negative'} `{name}`, got {value!r}.")
    return float(value)


def _check_level(service_level: float) -> float:
    if not isinstance(service_level, (int, float)) or not 0.5 <= service_level < 1:
        raise ValueError(f"Expected `service_level` in [0.5, 1), got {service_level!r}.")
    return float(service_level)


def loss_function(k: float) -> float:
    """Standard normal loss ``G(k) = E[(Z - k)+] = phi(k) - k (1 - Phi(k))``."""
    return _N.pdf(k) - k * (1.0 - _N.cdf(k))


def sigma_lead_time(sd_demand: float, lead_time: float, lead_time_sd: float, mean_demand: float) -> float:
    """Standard deviation of demand over a random lead time: ``sqrt(L sd^2 + d^2 sL^2)``."""
    return math.sqrt(lead_time * sd_demand**2 + mean_demand**2 * lead_time_sd**2)


def _k_for_fill(fill_rate: float, order_qty: float, sigma: float) -> float:
    """``k`` with ``sigma * G(k) = (1 - fill) * Q`` (bisection; ``G`` is strictly decreasing)."""
    target = (1.0 - fill_rate) * order_qty / sigma
    if target >= loss_function(0.0):
        return 0.0
    lo, hi = 0.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if loss_function(mid) > target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def safety_stock(
    *,
    mean_demand: float,
    sd_demand: float,
    lead_time: float,
    lead_time_sd: float = 0.0,
    service_level: float,
    kind: ServiceKind = "cycle",
    order_qty: float | None = None,
) -> float:
    """Safety stock for a target cycle service level or fill rate (units; see the module docstring).

    ``order_qty`` (the replenishment quantity ``Q``) is needed for ``kind="fill"`` only.
    """
    d = _check("mean_demand", mean_demand)
    sd = _check("sd_demand", sd_demand)
    lt = _check("lead_time", lead_time)
    lsd = _check("lead_time_sd", lead_time_sd)
    level = _check_level(service_level)
    sigma = sigma_lead_time(sd, lt, lsd, d)
    if sigma == 0:
        return 0.0
    if kind == "cycle":
        return _N.inv_cdf(level) * sigma
    if kind == "fill":
        if order_qty is None:
            raise ValueError("Expected `order_qty` (the shipment size Q) for a fill-rate target.")
        q = _check("order_qty", order_qty, positive=True)
        return _k_for_fill(level, q, sigma) * sigma
    raise ValueError(f"Expected `kind` to be one of {', '.join(SERVICE_KINDS)}, got {kind!r}.")


def reorder_point(*, mean_demand: float, lead_time: float, safety: float) -> float:
    """Continuous review: order when the inventory position falls to ``d * L + SS``."""
    return _check("mean_demand", mean_demand) * _check("lead_time", lead_time) + _check("safety", safety)


def order_up_to(
    *,
    mean_demand: float,
    sd_demand: float,
    lead_time: float,
    lead_time_sd: float = 0.0,
    review_period: float,
    service_level: float,
) -> tuple[float, float]:
    """Periodic review every ``R`` periods: ``(S, SS)`` with ``S = d (R + L) + z sigma_{R+L}``.

    The protection interval is ``R + L`` (Silver, Pyke & Peterson, §7.9, order-up-to level with
    normal demand); only the lead time is random.
    """
    d = _check("mean_demand", mean_demand)
    r = _check("review_period", review_period, positive=True)
    ss = safety_stock(
        mean_demand=d,
        sd_demand=sd_demand,
        lead_time=lead_time + r,
        lead_time_sd=lead_time_sd,
        service_level=service_level,
    )
    return d * (r + lead_time) + ss, ss


def eoq(*, annual_demand: float, order_cost: float, holding_cost: float) -> float:
    """Economic order quantity ``sqrt(2 D S / H)`` (Harris 1913; Chopra & Meindl, cycle inventory).

    ``annual_demand`` D in units per year, ``order_cost`` S per order (the shipment's fixed costs),
    ``holding_cost`` H per unit per year. Zero demand gives zero.
    """
    demand = _check("annual_demand", annual_demand)
    s = _check("order_cost", order_cost)
    h = _check("holding_cost", holding_cost, positive=True)
    return math.sqrt(2 * demand * s / h)


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyResult:
    """A continuous-review (s, Q) policy and its periodic-review twin, with what they rest on."""

    mean_demand: float
    sd_demand: float
    lead_time: float
    lead_time_sd: float
    service_level: float
    kind: str
    sigma_lead_time: float
    z: float
    safety_stock: float
    reorder_point: float
    order_qty: float | None
    eoq: float | None
    order_up_to: float
    review_period: float
    expected_shortage_per_cycle: float | None
    annual_holding_cost: float | None
    annual_order_cost: float | None


def policy(
    *,
    mean_demand: float,
    sd_demand: float,
    lead_time: float,
    lead_time_sd: float = 0.0,
    service_level: float = 0.95,
    kind: ServiceKind = "cycle",
    holding_cost: float | None = None,
    order_cost: float | None = None,
    periods_per_year: float = 365.0,
    order_qty: float | None = None,
    review_period: float | None = None,
) -> PolicyResult:
    """Safety stock, reorder point, EOQ and order-up-to level for one item.

    ``holding_cost`` is per unit per *year*, ``order_cost`` per order; with both, ``Q`` defaults to
    the EOQ (``periods_per_year`` converts per-period demand to annual). Without them a fill-rate
    target needs ``order_qty``. ``review_period`` defaults to the EOQ cycle ``Q / d`` (at least 1).
    """
    d = _check("mean_demand", mean_demand)
    q_eoq = None
    if holding_cost is not None and order_cost is not None:
        q_eoq = eoq(annual_demand=d * periods_per_year, order_cost=order_cost, holding_cost=holding_cost)
    q = order_qty if order_qty is not None else q_eoq
    ss = safety_stock(
        mean_demand=d,
        sd_demand=sd_demand,
        lead_time=lead_time,
        lead_time_sd=lead_time_sd,
        service_level=service_level,
        kind=kind,
        order_qty=q,
    )
    sigma = sigma_lead_time(sd_demand, lead_time, lead_time_sd, d)
    z = ss / sigma if sigma else 0.0
    r = review_period if review_period is not None else max(1.0, (q / d) if (q and d) else 1.0)
    s_level, _ = order_up_to(
        mean_demand=d,
        sd_demand=sd_demand,
        lead_time=lead_time,
        lead_time_sd=lead_time_sd,
        review_period=r,
        service_level=service_level,
    )
    esc = sigma * loss_function(z) if sigma else 0.0
    hold = order = None
    if holding_cost is not None and q:
        hold = holding_cost * (q / 2 + ss)
        if order_cost is not None and d:
            order = order_cost * d * periods_per_year / q
    return PolicyResult(
        mean_demand=d,
        sd_demand=sd_demand,
        lead_time=lead_time,
        lead_time_sd=lead_time_sd,
        service_level=service_level,
        kind=kind,
        sigma_lead_time=sigma,
        z=z,
        safety_stock=ss,
        reorder_point=d * lead_time + ss,
        order_qty=q,
        eoq=q_eoq,
        order_up_to=s_level,
        review_period=r,
        expected_shortage_per_cycle=esc if q else None,
        annual_holding_cost=hold,
        annual_order_cost=order,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class NewsvendorResult:
    """One-shot order for a season (e.g. Q4 stock) with normal demand."""

    mean: float
    sd: float
    unit_holding: float
    unit_shortage: float
    critical_ratio: float
    z: float
    order_qty: float
    expected_leftover: float
    expected_shortage: float
    expected_cost: float
    expected_cost_without_stock_decision: float


def newsvendor_normal(*, mean: float, sd: float, unit_holding: float, unit_shortage: float) -> NewsvendorResult:
    """Newsvendor with normal demand: ``Q* = mu + z sigma``, ``Phi(z) = cu / (cu + co)``.

    ``unit_holding`` (overage cost co: a unit left over at the end of the season) and
    ``unit_shortage`` (underage cost cu: a sale lost). Expected leftover ``Q - mu + sigma G(z)``,
    expected shortage ``sigma G(z)``; expected cost ``co E[(Q-D)+] + cu E[(D-Q)+]``, which at the
    optimum equals ``(co + cu) sigma phi(z)`` (Nahmias, *Production and Operations Analysis*, §5.3;
    Porteus, *Foundations of Stochastic Inventory Theory*, §1.3). ``expected_cost_without_stock_decision``
    is the cost of simply stocking the mean (``Q = mu``), for comparison.
    """
    mu = _check("mean", mean)
    sigma = _check("sd", sd)
    co = _check("unit_holding", unit_holding)
    cu = _check("unit_shortage", unit_shortage)
    if co + cu == 0:
        raise ValueError("Expected `unit_holding` + `unit_shortage` > 0.")
    ratio = cu / (cu + co)
    if sigma == 0:
        return NewsvendorResult(
            mean=mu,
            sd=0.0,
            unit_holding=co,
            unit_shortage=cu,
            critical_ratio=ratio,
            z=0.0,
            order_qty=mu,
            expected_leftover=0.0,
            expected_shortage=0.0,
            expected_cost=0.0,
            expected_cost_without_stock_decision=0.0,
        )
    ratio_c = min(max(ratio, 1e-9), 1 - 1e-9)
    z = _N.inv_cdf(ratio_c)
    q = max(0.0, mu + z * sigma)
    k = (q - mu) / sigma
    short = sigma * loss_function(k)
    left = q - mu + short
    cost = co * left + cu * short
    base_short = sigma * loss_function(0.0)
    return NewsvendorResult(
        mean=mu,
        sd=sigma,
        unit_holding=co,
        unit_shortage=cu,
        critical_ratio=ratio,
        z=k,
        order_qty=q,
        expected_leftover=left,
        expected_shortage=short,
        expected_cost=cost,
        expected_cost_without_stock_decision=co * base_short + cu * base_short,
    )


# ------------------------------------------------------------------------------ batch


def policy_batch(
    mean_demand: npt.NDArray[np.float64],
    sd_demand: npt.NDArray[np.float64],
    lead_time: npt.NDArray[np.float64],
    lead_time_sd: npt.NDArray[np.float64],
    service_level: float,
) -> dict[str, npt.NDArray[np.float64]]:
    """Vectorised cycle-service policy: ``sigma_L``, safety stock and reorder point for many items."""
    from scipy.special import ndtri

    level = _check_level(service_level)
    d = np.asarray(mean_demand, dtype=np.float64)
    sigma = np.sqrt(lead_time * np.asarray(sd_demand) ** 2 + d**2 * np.asarray(lead_time_sd) ** 2)
    ss = float(ndtri(level)) * sigma
    return {"sigma_lead_time": sigma, "safety_stock": ss, "reorder_point": d * lead_time + ss}
