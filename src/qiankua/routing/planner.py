"""Route questions answered on a :class:`~qiankua.routing.network.Network`.

Every answer is exact (no path sampling). The decomposition that makes all-pairs fast:
counties are only ever the first node of a route, so the Pareto set from county ``c`` to market
``m`` is the non-dominated part of ``{w(e) + P(head(e), m)}`` over the few first legs ``e`` of
``c`` (to its prefecture point and the gateways ``route_access`` gives its region), where
``P(v, m)`` is the Pareto set of suffixes from ``v`` to ``m``. One backward label-setting search
per market and profile gives ``P(v, m)`` for every hub at once; the county step is one
vectorised non-dominance filter over all counties.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from qiankua.domain import Confidence, worst_confidence
from qiankua.exceptions import InvalidInputError
from qiankua.routing.network import EdgeWeights, Network
from qiankua.routing.pareto import LabelTree, label_setting, non_dominated_mask
from qiankua.routing.records import PREFERENCES, Exclusion, Leg, Profile, Route, RouteResult, Weights

__all__ = ["all_pairs", "choose", "line_haul_options", "logistics_costs", "plan", "plan_forward", "recommend"]


# ------------------------------------------------------------------------------------ searches


@dataclass(frozen=True)
class _Prepared:
    """One profile priced on the network, with reverse adjacency of feasible non-county edges."""

    weights: EdgeWeights
    into: list[list[tuple[int, int, int, int, int]]]
    out_of: list[list[tuple[int, int, int, int, int]]]


def _prepare(network: Network, profile: Profile) -> _Prepared:
    w = network.evaluate(profile)
    n = len(network.node_ids)
    into: list[list[tuple[int, int, int, int, int]]] = [[] for _ in range(n)]
    out_of: list[list[tuple[int, int, int, int, int]]] = [[] for _ in range(n)]
    cost, minutes, grams = w.cost.tolist(), w.minutes.tolist(), w.grams.tolist()
    kinds = network.node_kind
    for ei in np.flatnonzero(w.feasible).tolist():
        e = network.edges[ei]
        item = (ei, e.tail, cost[ei], minutes[ei], grams[ei])
        out_of[e.tail].append((ei, e.head, cost[ei], minutes[ei], grams[ei]))
        if kinds[e.tail] != "county":
            into[e.head].append(item)
    return _Prepared(weights=w, into=into, out_of=out_of)


def _budget(profile: Profile) -> int | None:
    return None if profile.max_transit_days is None else int(profile.max_transit_days * 1440)


def _reverse(network: Network, prep: _Prepared, target: int, profile: Profile) -> LabelTree:
    return label_setting(target, prep.into.__getitem__, max_minutes=_budget(profile))


def _county_candidates(
    network: Network, prep: _Prepared, tree: LabelTree, county: int, profile: Profile
) -> list[tuple[tuple[int, int, int], int, int]]:
    """Non-dominated ``(vector, first edge, label at its head)`` for one county."""
    cands: list[tuple[tuple[int, int, int], int, int]] = []
    budget = _budget(profile)
    for ei, head, c, m, g in prep.out_of[county]:
        for lid in tree.at.get(head, []):
            v = (c + tree.cost[lid], m + tree.minutes[lid], g + tree.grams[lid])
            if budget is not None and v[1] > budget:
                continue
            cands.append((v, ei, lid))
    cands.sort()
    kept: list[tuple[tuple[int, int, int], int, int]] = []
    for v, ei, lid in cands:
        if any(k[0][0] <= v[0] and k[0][1] <= v[1] and k[0][2] <= v[2] for k in kept):
            continue  # sorted lexicographically: only an earlier vector can dominate or equal this one
        kept.append((v, ei, lid))
    return kept


def _route(network: Network, prep: _Prepared, edge_ids: Sequence[int], lang_notes: bool = True) -> Route:
    w = prep.weights
    legs = []
    for ei in edge_ids:
        e = network.edges[ei]
        leg_notes = list(e.notes)
        if w.warn[ei]:
            leg_notes.append("fragile goods on a consolidated service: add packing")
        legs.append(
            Leg(
                from_node=network.node_ids[e.tail],
                to_node=network.node_ids[e.head],
                from_name=network.node_name_en[e.tail],
                to_name=network.node_name_en[e.head],
                mode=e.mode,
                service=e.service,
                scope=e.scope,
                distance_km=e.distance_km,
                cost_cny=int(w.cost[ei]) / 100,
                hours=int(w.minutes[ei]) / 60,
                kg_co2e=int(w.grams[ei]) / 1000,
                rate_id=e.rate_id,
                confidence=e.confidence,
                source_ids=e.source_ids,
                notes=tuple(leg_notes),
            )
        )
    cost = sum(int(w.cost[ei]) for ei in edge_ids) / 100
    minutes = sum(int(w.minutes[ei]) for ei in edge_ids)
    grams = sum(int(w.grams[ei]) for ei in edge_ids)
    conf = worst_confidence(*(leg.confidence for leg in legs)) if legs else Confidence.UNCONFIRMED
    notes: tuple[str, ...] = ()
    if conf is Confidence.UNCONFIRMED:
        notes = ("rests on unconfirmed (estimated) rates or factors: check the sources and import your own quotes",)
    return Route(
        legs=tuple(legs), cost_cny=cost, days=minutes / 1440, kg_co2e=grams / 1000, confidence=conf, notes=notes
    )


def recommend(routes: Sequence[Route], weights: Weights = Weights()) -> int:
    """Index of the recommended route: min of sum w_i (x_i - min_i) / (max_i - min_i) over the
    set (an objective on which all routes tie counts 0); ties go to the cheaper route."""
    if not routes:
        raise InvalidInputError("Expected at least one route to recommend from.")

    def objectives(r: Route) -> tuple[float, float, float]:
        return (r.cost_cny, r.days, r.kg_co2e)

    lo = [min(objectives(r)[i] for r in routes) for i in range(3)]
    span = [max(objectives(r)[i] for r in routes) - lo[i] for i in range(3)]
    w = (weights.cost, weights.time, weights.co2)

    def score(r: Route) -> float:
        x = objectives(r)
        return sum(w[i] * (x[i] - lo[i]) / span[i] for i in range(3) if span[i] > 0)

    return min((score(r), r.cost_cny, i) for i, r in enumerate(routes))[2]


def _finish(routes: list[Route], weights: Weights) -> tuple[Route, ...]:
    from dataclasses import replace

    if not routes:
        return ()
    routes.sort(key=lambda r: (r.cost_cny, r.days, r.kg_co2e))
    pick = recommend(routes, weights)
    return tuple(replace(r, recommended=(i == pick)) for i, r in enumerate(routes))


def _transit_exclusions(profile: Profile, dropped: int) -> list[Exclusion]:
    if profile.max_transit_days is None or not dropped:
        return []
    return [
        Exclusion(
            service="*",
            mode="*",
            rule_id="fresh_transit",
            reason_en=f"{dropped} route(s) dropped: door-to-door time over the product's maximum "
            f"transit of {profile.max_transit_days:g} days",
            reason_zh=f"{dropped} 条线路全程时效超过产品最长运输 {profile.max_transit_days:g} 天，已排除",
            links=dropped,
        )
    ]


def plan(network: Network, origin: str, market: str, profile: Profile, *, weights: Weights = Weights()) -> RouteResult:
    """The Pareto set of routes from a county (adcode or name) to a market, with the recommended one.

    ``excluded`` lists every service the shipment cannot take on the way to this market and why.
    """
    adcode = network.county(origin)
    target = network.market_node(market)
    prep = _prepare(network, profile)
    tree = _reverse(network, prep, target, profile)
    county = network.county_of[adcode]
    kept = _county_candidates(network, prep, tree, county, profile)
    routes = [_route(network, prep, [ei, *tree.edges(lid)]) for _, ei, lid in kept]
    dropped = 0
    if profile.max_transit_days is not None:
        unconstrained = _county_candidates(
            network, prep, _reverse_unbounded(network, prep, target), county, _unbounded(profile)
        )
        dropped = sum(1 for v, _, _ in unconstrained if v[1] > profile.max_transit_days * 1440)
    excluded = network.exclusions(prep.weights, market.upper(), county) + _transit_exclusions(profile, dropped)
    return RouteResult(
        origin=adcode,
        market=market.upper(),
        profile=profile,
        routes=_finish(routes, weights),
        excluded=tuple(excluded),
        on=network.on.isoformat(),
        fx=network.fx,
    )


def _unbounded(profile: Profile) -> Profile:
    from dataclasses import replace

    return replace(profile, max_transit_days=None)


def _reverse_unbounded(network: Network, prep: _Prepared, target: int) -> LabelTree:
    return label_setting(target, prep.into.__getitem__)


def plan_forward(network: Network, origin: str, market: str, profile: Profile) -> list[tuple[int, int, int]]:
    """Naive exact baseline: one forward label-setting search from the county over the whole
    graph (no precomputation, no decomposition). Returns the Pareto vectors (fen, min, g)."""
    county = network.county_of[network.county(origin)]
    target = network.market_node(market)
    prep = _prepare(network, profile)
    tree = label_setting(county, prep.out_of.__getitem__, max_minutes=_budget(profile))
    return sorted(tree.vectors(target))


def line_haul_options(
    network: Network, hub: str, market: str, profile: Profile, *, weights: Weights = Weights()
) -> tuple[Route, ...]:
    """Pareto routes from a hub (a ``hubs``/``route_nodes`` id, e.g. a province's land port) to a
    market for one shipment profile — the line-haul options the pooling engine chooses among."""
    start = network.node_index(hub)
    target = network.market_node(market)
    prep = _prepare(network, profile)
    tree = _reverse(network, prep, target, profile)
    routes = [_route(network, prep, tree.edges(lid)) for lid in tree.at.get(start, [])]
    return _finish(routes, weights)


# ------------------------------------------------------------------------------------ batch


@dataclass(frozen=True)
class _Slots:
    """County first legs grouped in slots (same service to a same-kind head), per profile.

    ``groups[s]`` lists ``(head node, county rows, first-edge ids)`` for slot ``s``.
    """

    n_counties: int
    groups: list[list[tuple[int, np.ndarray, np.ndarray]]]


def _slot_table(network: Network, prep: _Prepared, counties: list[int]) -> _Slots:
    keys: dict[tuple[int, str], int] = {}
    members: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
    for row, c in enumerate(counties):
        for ei, head, *_ in prep.out_of[c]:
            e = network.edges[ei]
            key = (-1 if network.node_kind[head] == "prefecture" else head, e.service)
            s = keys.setdefault(key, len(keys))
            rows, eids = members.setdefault((s, head), ([], []))
            rows.append(row)
            eids.append(ei)
    groups: list[list[tuple[int, np.ndarray, np.ndarray]]] = [[] for _ in keys]
    for (s, head), (rows, eids) in sorted(members.items()):
        groups[s].append((head, np.asarray(rows, dtype=np.int64), np.asarray(eids, dtype=np.int64)))
    return _Slots(n_counties=len(counties), groups=groups)


def _batch_pareto(
    network: Network, prep: _Prepared, tree: LabelTree, slots: _Slots, profile: Profile
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidates (county, K, 3), their first edge and head label (county, K) and the Pareto mask.

    Each slot block is padded to the largest head label set among its heads.
    """
    n_c = slots.n_counties
    w = prep.weights
    head_vec: dict[int, np.ndarray] = {}
    head_ids: dict[int, np.ndarray] = {}
    widths = []
    for group in slots.groups:
        width = 0
        for h, _, _ in group:
            if h not in head_ids:
                ids = tree.at.get(h, [])
                head_ids[h] = np.asarray(ids, dtype=np.int64)
                head_vec[h] = np.asarray(
                    [(tree.cost[i], tree.minutes[i], tree.grams[i]) for i in ids], dtype=np.int64
                ).reshape(-1, 3)
            width = max(width, len(head_ids[h]))
        widths.append(width)
    total = sum(widths) or 1
    vec = np.zeros((n_c, total, 3), dtype=np.int64)
    first = np.full((n_c, total), -1, dtype=np.int64)
    lab = np.full((n_c, total), -1, dtype=np.int64)
    valid = np.zeros((n_c, total), dtype=bool)
    offset = 0
    for group, width in zip(slots.groups, widths, strict=True):
        for h, rows, eids in group:
            k = len(head_ids[h])
            if not k:
                continue
            ev = np.stack([w.cost[eids], w.minutes[eids], w.grams[eids]], axis=1)
            vec[rows, offset : offset + k] = ev[:, None, :] + head_vec[h][None, :, :]
            first[rows, offset : offset + k] = eids[:, None]
            lab[rows, offset : offset + k] = head_ids[h][None, :]
            valid[rows, offset : offset + k] = True
        offset += width
    budget = _budget(profile)
    if budget is not None:
        valid &= vec[..., 1] <= budget
    keep = non_dominated_mask(vec, valid)
    return vec, first, lab, keep


def _scores(vec: np.ndarray, keep: np.ndarray, weights: Weights) -> np.ndarray:
    """Recommendation score of every candidate (inf where not kept), as :func:`recommend`."""
    big = np.iinfo(np.int64).max
    lo = np.where(keep[..., None], vec, big).min(axis=1).astype(float)  # (n, 3)
    hi = np.where(keep[..., None], vec, -1).max(axis=1).astype(float)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    w = np.array([weights.cost, weights.time, weights.co2]) * (span > 0)
    s = ((vec - lo[:, None, :]) / safe[:, None, :] * w[:, None, :]).sum(-1)
    # ties on the score go to the cheaper route, as in recommend()
    s = s + vec[..., 0] * 1e-15
    return np.where(keep, s, np.inf)


def all_pairs(
    network: Network,
    profiles: dict[str, Profile],
    *,
    markets: Iterable[str] | None = None,
    counties: Iterable[str] | None = None,
    weights: Weights = Weights(),
) -> pl.DataFrame:
    """Pareto summary for every county x market x profile.

    Columns: ``profile, origin, market, n_pareto, min_cost_cny, min_days, min_kg_co2e,
    rec_cost_cny, rec_days, rec_kg_co2e, rec_main_mode`` (rec = recommended under ``weights``).
    Pairs without any feasible route have ``n_pareto`` 0 and nulls.
    """
    market_list = sorted(network.delivery) if markets is None else [m.upper() for m in markets]
    adcodes = sorted(network.county_of) if counties is None else [network.county(c) for c in counties]
    county_nodes = [network.county_of[a] for a in adcodes]
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "profile",
            "origin",
            "market",
            "n_pareto",
            "min_cost_cny",
            "min_days",
            "min_kg_co2e",
            "rec_cost_cny",
            "rec_days",
            "rec_kg_co2e",
            "rec_main_mode",
        )
    }
    rows = np.arange(len(county_nodes))
    big = np.iinfo(np.int64).max
    for name, profile in profiles.items():
        prep = _prepare(network, profile)
        slots = _slot_table(network, prep, county_nodes)
        for m in market_list:
            tree = _reverse(network, prep, network.market_node(m), profile)
            vec, first, lab, keep = _batch_pareto(network, prep, tree, slots, profile)
            n = keep.sum(axis=1)
            has = n > 0
            mins = np.where(keep[..., None], vec, big).min(axis=1)
            pick = _scores(vec, keep, weights).argmin(axis=1)
            rec = vec[rows, pick]
            memo: dict[int, str] = {}
            modes = [
                _main_mode(network, f, tree, lb, memo) if ok else None
                for f, lb, ok in zip(first[rows, pick].tolist(), lab[rows, pick].tolist(), has.tolist(), strict=True)
            ]
            cols["profile"] += [name] * len(adcodes)
            cols["origin"] += adcodes
            cols["market"] += [m] * len(adcodes)
            cols["n_pareto"] += n.tolist()
            for key, arr, scale in (
                ("min_cost_cny", mins[:, 0], 100),
                ("min_days", mins[:, 1], 1440),
                ("min_kg_co2e", mins[:, 2], 1000),
                ("rec_cost_cny", rec[:, 0], 100),
                ("rec_days", rec[:, 1], 1440),
                ("rec_kg_co2e", rec[:, 2], 1000),
            ):
                cols[key] += np.where(has, arr / scale, np.nan).tolist()
            cols["rec_main_mode"] += modes
    frame = pl.DataFrame(cols, schema_overrides={"n_pareto": pl.Int64, "rec_main_mode": pl.String})
    return frame.with_columns(
        pl.col(c).fill_nan(None) for c in frame.columns if c.startswith(("min_", "rec_")) and c != "rec_main_mode"
    )


def _main_mode(network: Network, first_edge: int, tree: LabelTree, label: int, memo: dict[int, str]) -> str:
    e = network.edges[first_edge]
    if e.scope in ("international", "cross_border"):
        return e.mode
    if label not in memo:
        mode = ""
        for ei in tree.edges(label):
            x = network.edges[ei]
            if x.scope in ("international", "cross_border"):
                mode = x.mode
                break
        memo[label] = mode or e.mode
    return memo[label]


def choose(routes: Sequence[Route], preference: str) -> Route | None:
    """The route a preference picks: ``recommended`` (default), ``cheapest``, ``fastest``,
    ``greenest``, or a main-leg mode (``sea_lcl``, ``air``, ``post`` …) = the cheapest such route."""
    if preference not in PREFERENCES:
        raise InvalidInputError(f"Expected a service preference in {PREFERENCES}, got {preference!r}.")
    if not routes:
        return None
    if preference == "recommended":
        return next((r for r in routes if r.recommended), routes[0])
    if preference == "cheapest":
        return min(routes, key=lambda r: (r.cost_cny, r.days))
    if preference == "fastest":
        return min(routes, key=lambda r: (r.days, r.cost_cny))
    if preference == "greenest":
        return min(routes, key=lambda r: (r.kg_co2e, r.cost_cny))
    matching = [r for r in routes if r.main_mode == preference]
    return min(matching, key=lambda r: (r.cost_cny, r.days)) if matching else None


#: input columns of :func:`logistics_costs`
COST_INPUT = ("origin_adcode", "market", "weight_kg")
COST_OPTIONAL = (
    "volume_m3",
    "pieces",
    "value_cny",
    "liquid",
    "abv_pct",
    "battery",
    "fresh",
    "cold_chain",
    "max_transit_days",
    "fragile",
    "b2b",
    "service_preference",
)


def logistics_costs(network: Network, rows: pl.DataFrame, *, weights: Weights = Weights()) -> pl.DataFrame:
    """Per-shipment logistics lines for the ``costing`` engine (one output row per input row).

    Input columns: ``origin_adcode``, ``market`` (ISO2), ``weight_kg``; optional ``volume_m3``,
    ``pieces``, ``value_cny``, product flags (``liquid``, ``abv_pct``, ``battery``, ``fresh``,
    ``cold_chain``, ``max_transit_days``, ``fragile``, ``b2b``) and ``service_preference``
    (see :data:`~qiankua.routing.records.PREFERENCES`; default ``recommended``).

    Output columns (in input order): ``first_mile_cny``, ``line_haul_cny``, ``last_mile_cny``,
    ``logistics_cny``, ``days``, ``kg_co2e``, ``route_label``, ``main_mode``, ``confidence``,
    ``logistics_source`` (``routing:<rate ids>``) and ``feasible``. A row whose shipment has no
    feasible route gets nulls, ``feasible`` false and the reason in ``route_label``.
    Identical (origin, market, profile) rows are planned once.
    """
    missing = [c for c in COST_INPUT if c not in rows.columns]
    if missing:
        raise InvalidInputError(f"Expected columns {COST_INPUT} in the logistics batch; missing {missing}.")
    out: list[dict[str, object]] = []
    cache: dict[tuple[object, ...], dict[str, object]] = {}
    for r in rows.iter_rows(named=True):

        def get(key: str, default: Any = None, r: dict[str, Any] = r) -> Any:  # a polars row: untyped values
            value = r.get(key, default)
            return default if value is None else value

        profile = Profile(
            weight_kg=float(r["weight_kg"]),
            volume_m3=float(get("volume_m3", 0.0)),
            pieces=int(get("pieces", 1)),
            value_cny=None if r.get("value_cny") is None else float(r["value_cny"]),
            liquid=bool(get("liquid", False)),
            abv_pct=r.get("abv_pct"),
            battery=bool(get("battery", False)),
            fresh=bool(get("fresh", False)),
            cold_chain=bool(get("cold_chain", False)),
            max_transit_days=r.get("max_transit_days"),
            fragile=bool(get("fragile", False)),
            b2b=bool(get("b2b", False)),
        )
        pref = str(get("service_preference", "recommended"))
        key = (r["origin_adcode"], str(r["market"]).upper(), profile, pref)
        if key not in cache:
            result = plan(network, str(r["origin_adcode"]), str(r["market"]), profile, weights=weights)
            route = choose(result.routes, pref)
            if route is None:
                reason = "; ".join(sorted({f"{e.service}: {e.reason_en}" for e in result.excluded}))[:500]
                cache[key] = {
                    "first_mile_cny": None,
                    "line_haul_cny": None,
                    "last_mile_cny": None,
                    "logistics_cny": None,
                    "days": None,
                    "kg_co2e": None,
                    "route_label": f"no feasible route ({pref}); {reason}",
                    "main_mode": None,
                    "confidence": None,
                    "logistics_source": "routing",
                    "feasible": False,
                }
            else:
                first, line, last = route.split_cost()
                cache[key] = {
                    "first_mile_cny": round(first, 2),
                    "line_haul_cny": round(line, 2),
                    "last_mile_cny": round(last, 2),
                    "logistics_cny": round(route.cost_cny, 2),
                    "days": round(route.days, 2),
                    "kg_co2e": round(route.kg_co2e, 3),
                    "route_label": route.label,
                    "main_mode": route.main_mode,
                    "confidence": route.confidence.value,
                    "logistics_source": "routing:" + ";".join(dict.fromkeys(leg.rate_id for leg in route.legs)),
                    "feasible": True,
                }
        out.append(cache[key])
    schema = {
        "first_mile_cny": pl.Float64,
        "line_haul_cny": pl.Float64,
        "last_mile_cny": pl.Float64,
        "logistics_cny": pl.Float64,
        "days": pl.Float64,
        "kg_co2e": pl.Float64,
        "route_label": pl.String,
        "main_mode": pl.String,
        "confidence": pl.String,
        "logistics_source": pl.String,
        "feasible": pl.Boolean,
    }
    return pl.DataFrame(out, schema=schema)
