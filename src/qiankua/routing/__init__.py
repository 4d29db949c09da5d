"""Route planner: every county in the network to every market, with the exact cost / time / CO2 Pareto set.

The network is data (reference tables ``route_nodes``, ``route_markets``, ``route_access``, ``route_links``,
``freight_rates``, ``route_emission_factors``, ``route_dwell_times``, ``route_params``,
``route_service_rules`` plus the spine's ``divisions`` and ``hubs``), read by
:mod:`qiankua.services.routing`; this package is pure (no file, database or UI imports).
Nothing about a province is in the code: its counties and prefectures come from ``divisions``,
its gateways from ``hubs``/``route_nodes``, and which gateways its counties and prefecture points
reach by road from ``route_access`` (rows scoped by a province or prefecture adcode), so a second
inland province is a data change.

Public interface (stable; other engines rely on it)
---------------------------------------------------
``build_network(tables, *, fx, on, quotes=None) -> Network``
    The network on a date; ``fx`` = CNY per unit of each rate currency; ``quotes`` = rows of the
    user's ``freight_quotes`` table, which replace built-in services of the same mode between the
    same nodes (``origin`` hub/node id or adcode; ``destination`` hub/node id or ISO2 market).
``Profile(weight_kg, volume_m3, pieces, value_cny, liquid, abv_pct, battery, fresh, cold_chain,
max_transit_days, fragile, b2b)`` / ``Profile.for_product(product, weight_kg=...)``
    What is shipped; product flags restrict services (each exclusion is reported with its reason).
``plan(network, origin, market, profile, *, weights=Weights()) -> RouteResult``
    The Pareto routes (exact, Martins' label-setting) from a county (adcode, Chinese or English
    name) to a market, each with legs, ``cost_cny``, ``days``, ``kg_co2e``, confidence and sources,
    one flagged ``recommended`` under ``weights``; plus ``excluded`` services with reasons.
``logistics_costs(network, rows, *, weights=Weights()) -> polars.DataFrame``  — for ``costing``
    Batch: input columns ``origin_adcode, market, weight_kg`` [+ ``volume_m3, pieces, value_cny,
    liquid, abv_pct, battery, fresh, cold_chain, max_transit_days, fragile, b2b,
    service_preference``]; output (one row per input row, same order) ``first_mile_cny,
    line_haul_cny, last_mile_cny, logistics_cny, days, kg_co2e, route_label, main_mode,
    confidence, logistics_source, feasible``. ``first_mile`` = Chinese legs before the main
    international leg, ``line_haul`` = from the main leg to the foreign gateway (post/express:
    door to door), ``last_mile`` = destination legs. ``service_preference`` is one of
    ``recommended`` (default), ``cheapest``, ``fastest``, ``greenest`` or a main-leg mode
    (``truck, rail, sea_fcl, sea_lcl, air, post, express``).
``line_haul_options(network, hub, market, profile) -> tuple[Route, ...]``  — for ``pooling``
    The Pareto routes from a hub (a ``hubs``/``route_nodes`` id, e.g. a province's land port) to a
    market for a shipment profile (e.g. the pooled group's weight and volume).
``all_pairs(network, profiles, *, markets=None, counties=None) -> polars.DataFrame``
    Pareto summary for every county x market x profile (benchmarks, maps).
``plan_forward(...)``
    The naive exact baseline (one forward search per pair), for tests and benchmarks.

All money is CNY (converted with the dated FX the service passes in); every result carries the
worst confidence of the rates and factors it rests on, so estimates stay visible.
"""

from qiankua.routing.network import Edge, EdgeWeights, Network, build_network, great_circle_km
from qiankua.routing.pareto import dominates, label_setting, non_dominated
from qiankua.routing.planner import (
    all_pairs,
    choose,
    line_haul_options,
    logistics_costs,
    plan,
    plan_forward,
    recommend,
)
from qiankua.routing.records import PREFERENCES, Exclusion, Leg, Profile, Route, RouteResult, Weights

__all__ = [
    "PREFERENCES",
    "Edge",
    "EdgeWeights",
    "Exclusion",
    "Leg",
    "Network",
    "Profile",
    "Route",
    "RouteResult",
    "Weights",
    "all_pairs",
    "build_network",
    "choose",
    "dominates",
    "great_circle_km",
    "label_setting",
    "line_haul_options",
    "logistics_costs",
    "non_dominated",
    "plan",
    "plan_forward",
    "recommend",
]
