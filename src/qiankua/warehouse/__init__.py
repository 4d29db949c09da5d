"""Overseas warehouse (9810) or direct parcel (9610) or B2B (9710): demand forecasts, inventory
policy, channel unit economics and the decision, per SKU x market.

Pure engine: arrays, records and polars tables in, typed results out; no files, no database.
``forecast`` is the only module that imports statsforecast (lazily, inside its functions: the
library is slow to import).
"""

from qiankua.warehouse.policy import (
    NewsvendorResult,
    PolicyResult,
    eoq,
    newsvendor_normal,
    order_up_to,
    policy,
    reorder_point,
    safety_stock,
)
from qiankua.warehouse.simulate import SimulationResult, simulate

__all__ = [
    "NewsvendorResult",
    "PolicyResult",
    "SimulationResult",
    "eoq",
    "newsvendor_normal",
    "order_up_to",
    "policy",
    "reorder_point",
    "safety_stock",
    "simulate",
]
