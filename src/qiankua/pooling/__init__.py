"""Pooled shipping for many small exporters: pickup routing, loading, fair cost split, savings.

Pure engine: typed records in, typed results out; no files, no database. ``vrp`` is the only
module of qiankua that imports PyVRP. See :func:`qiankua.pooling.pool.plan_pool`.
"""

from qiankua.pooling.game import core_check, round_to_cents, shapley_exact, shapley_monte_carlo
from qiankua.pooling.loading import BoxType, LoadingResult, Placement, pack, volume_lower_bound
from qiankua.pooling.pool import METHODS, PoolParams, PoolResult, plan_pool
from qiankua.pooling.records import CartonLine, LineHaulOption, LoadUnit, RoadParams, Site, Vehicle

__all__ = [
    "METHODS",
    "BoxType",
    "CartonLine",
    "LineHaulOption",
    "LoadUnit",
    "LoadingResult",
    "Placement",
    "PoolParams",
    "PoolResult",
    "RoadParams",
    "Site",
    "Vehicle",
    "core_check",
    "pack",
    "plan_pool",
    "round_to_cents",
    "shapley_exact",
    "shapley_monte_carlo",
    "volume_lower_bound",
]
