"""Plan a pool: pickup routes, loading, line-haul per destination group, a fair split, savings.

The pooled cost is ``pickup routing (PyVRP) + line-haul per destination group``. Each
exporter's stand-alone cost is its own out-and-back pickup (cheapest vehicle type) plus its own
best line-haul. The split treats the bill as a cost game: the grand coalition and the
singletons are costed at full fidelity, other coalitions at ``fidelity`` ("fast": savings
heuristic routing and volume-based container counts calibrated on the loader's fill; "full":
PyVRP with a short time limit and the 3D loader).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from qiankua.domain import worst_confidence
from qiankua.exceptions import InvalidInputError
from qiankua.pooling.game import (
    CachedGame,
    CoreReport,
    core_check,
    proportional,
    round_to_cents,
    shapley_exact,
    shapley_monte_carlo,
)
from qiankua.pooling.linehaul import Decision, decide, fast_cost
from qiankua.pooling.loading import BoxType, LoadingResult
from qiankua.pooling.records import CartonLine, LineHaulOption, LoadUnit, RoadParams, Site, Vehicle
from qiankua.pooling.roads import road_matrix
from qiankua.pooling.vrp import PickupStop, RoutingResult, savings_routes, solve_pickups

__all__ = ["METHODS", "ExporterShare", "PoolParams", "PoolResult", "plan_pool"]

METHODS = ("shapley", "volume", "standalone")


@dataclass(frozen=True, kw_only=True)
class PoolParams:
    time_limit_s: float = 5.0
    max_iterations: int = 2_000
    seed: int = 0
    method: str = "shapley"
    fidelity: str = "fast"
    exact_max_players: int = 12
    mc_permutations: int = 150
    coalition_time_limit_s: float = 0.1
    support_fraction: float = 1.0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InvalidInputError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if self.fidelity not in ("fast", "full"):
            raise InvalidInputError(f"fidelity must be fast or full, got {self.fidelity!r}")
        if self.max_iterations < 1:
            raise InvalidInputError(f"max_iterations must be >= 1, got {self.max_iterations}")
        if self.time_limit_s <= 0:
            raise InvalidInputError(f"time limit must be > 0 s, got {self.time_limit_s}")


@dataclass(frozen=True, kw_only=True)
class ExporterShare:
    id: str
    standalone_cny: Decimal
    share_cny: Decimal
    saving_cny: Decimal
    kg: float
    m3: float
    cartons: int
    shapley_ci_cny: float | None = None
    standalone_modes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        saving_pct = float(self.saving_cny / self.standalone_cny * 100) if self.standalone_cny else 0.0
        return {
            "id": self.id,
            "standalone_cny": float(self.standalone_cny),
            "share_cny": float(self.share_cny),
            "saving_cny": float(self.saving_cny),
            "saving_pct": round(saving_pct, 1),
            "kg": round(self.kg, 1),
            "m3": round(self.m3, 3),
            "cartons": self.cartons,
            "shapley_ci_cny": None if self.shapley_ci_cny is None else round(self.shapley_ci_cny, 2),
            "standalone_modes": list(self.standalone_modes),
        }


@dataclass(frozen=True, kw_only=True)
class PoolResult:
    exporters: tuple[ExporterShare, ...]
    total_standalone_cny: Decimal
    total_pooled_cny: Decimal
    pickup_cny: float
    routing: RoutingResult
    decisions: tuple[Decision, ...]
    core: CoreReport
    method: str
    shapley_kind: str  # "exact" / "monte_carlo" / "not computed"
    coalitions_evaluated: int
    confidence: str
    params: PoolParams
    notes: tuple[str, ...] = field(default=())

    def to_dict(self, *, placements: bool = True) -> dict[str, object]:
        names = [e.id for e in self.exporters]
        loads = []
        for d in self.decisions:
            item: dict[str, object] = {
                "destination": d.market,
                "group": d.group,
                "mode": d.mode,
                "cost_cny": round(d.cost_cny, 2),
                "containers": d.containers,
                "load_unit": d.load_unit,
                "lower_bound_units": d.lower_bound,
                "kg": round(d.kg, 1),
                "m3": round(d.m3, 3),
                "confidence": d.confidence,
                "source_ids": list(d.source_ids),
                "alternatives_cny": d.alternatives,
            }
            item["units_used"] = d.loading.units_used if d.loading is not None else d.containers
            if d.loading is not None:
                item["utilisation"] = [round(u, 4) for u in d.loading.utilisation]
                item["unplaced"] = d.loading.unplaced
                if placements:
                    item["placements"] = [p.to_dict() for p in d.loading.placements]
            loads.append(item)
        return {
            "ok": True,
            "method": self.method,
            "shapley": self.shapley_kind,
            "total_standalone_cny": float(self.total_standalone_cny),
            "total_pooled_cny": float(self.total_pooled_cny),
            "total_saving_cny": float(self.total_standalone_cny - self.total_pooled_cny),
            "pickup_cny": round(self.pickup_cny, 2),
            "exporters": [e.to_dict() for e in self.exporters],
            "in_core": self.core.in_core,
            "core": self.core.to_dict(names),
            "routes": [r.to_dict() for r in self.routing.routes],
            "routing_feasible": self.routing.feasible,
            "unserved": list(self.routing.unserved),
            "loads": loads,
            "coalitions_evaluated": self.coalitions_evaluated,
            "confidence": self.confidence,
            "routing_iterations": self.routing.iterations,
            "routing_stopped_by": self.routing.stopped_by,
            "params": {
                "time_limit_s": self.params.time_limit_s,
                "seed": self.params.seed,
                "max_iterations": self.params.max_iterations,
                "fidelity": self.params.fidelity,
                "support_fraction": self.params.support_fraction,
            },
            "notes": list(self.notes),
        }


def _hours_since(t: dt.datetime | None, start: dt.datetime) -> float | None:
    return None if t is None else (t - start).total_seconds() / 3600


def _boxes(lines: Sequence[CartonLine]) -> list[BoxType]:
    return [
        BoxType(
            key=ln.shipment_id,
            l=ln.l_cm,
            w=ln.w_cm,
            h=ln.h_cm,
            kg=ln.kg,
            count=ln.count,
            stackable=ln.stackable,
            this_side_up=ln.this_side_up,
        )
        for ln in lines
    ]


def _group_of(ln: CartonLine) -> tuple[str, str]:
    return (ln.destination, "air" if ln.wants_air else "sea")


def plan_pool(
    lines: Sequence[CartonLine],
    vehicles: Sequence[Vehicle],
    road: RoadParams,
    options: Sequence[LineHaulOption],
    units: dict[str, LoadUnit],
    params: PoolParams = PoolParams(),
    *,
    matrix: tuple[list[str], np.ndarray, np.ndarray] | None = None,
) -> PoolResult:
    """Plan the pool of ``lines`` (the batch path; every exporter at once).

    ``matrix`` optionally gives ``(site keys, km, hours)`` where keys are ``"depot"`` and
    county adcodes; it replaces the great-circle approximation.
    """
    if not lines:
        raise InvalidInputError("the pool has no shipments")
    if not vehicles:
        raise InvalidInputError("the pool needs at least one vehicle type")
    markets = {o.market for o in options}
    missing = sorted({ln.destination for ln in lines} - markets)
    if missing:
        raise InvalidInputError(
            f"no line-haul option for destination(s) {', '.join(missing)}; add rows to the line-haul price table"
        )
    exporters = sorted({ln.exporter for ln in lines})
    n = len(exporters)
    index = {e: i for i, e in enumerate(exporters)}
    notes: list[str] = []

    # ---- sites and road matrix (depot first, then one site per county)
    depot = vehicles[0].depot
    counties = sorted({ln.origin_adcode for ln in lines})
    coords = {ln.origin_adcode: (ln.lon, ln.lat) for ln in lines}
    sites = [depot] + [Site(key=c, lon=coords[c][0], lat=coords[c][1]) for c in counties]
    if matrix is not None:
        keys, km_u, h_u = matrix
        pos = {k: i for i, k in enumerate(keys)}
        want = ["depot", *counties]
        absent = [k for k in want if k not in pos]
        if absent:
            raise InvalidInputError(f"the distance matrix lacks site(s) {', '.join(absent)}")
        sel = [pos[k] for k in want]
        km, hours = np.asarray(km_u)[np.ix_(sel, sel)], np.asarray(h_u)[np.ix_(sel, sel)]
        notes.append("road distances and times from the user's matrix")
    else:
        km, hours = road_matrix(sites, road)
        notes.append("road distances = great circle x circuity, times by road-class speed (approximation)")
    site_of = {c: i + 1 for i, c in enumerate(counties)}

    # ---- pickup stops: one per (exporter, county)
    starts = [ln.ready_from for ln in lines if ln.ready_from is not None]
    t0 = dt.datetime.combine(min(starts).date(), dt.time()) if starts else dt.datetime(2000, 1, 1)
    stops_of: dict[str, list[PickupStop]] = {e: [] for e in exporters}
    groups_by_stop: dict[tuple[str, str], list[CartonLine]] = {}
    for ln in lines:
        groups_by_stop.setdefault((ln.exporter, ln.origin_adcode), []).append(ln)
    for (exp, county), lns in sorted(groups_by_stop.items()):
        early = [h for h in (_hours_since(x.ready_from, t0) for x in lns) if h is not None]
        late = [h for h in (_hours_since(x.ready_to, t0) for x in lns) if h is not None]
        e_h = max(early) if early else 0.0
        l_h = min(late) if late else math.inf
        if l_h < e_h:
            notes.append(f"{exp} @ {county}: ready windows of its rows do not overlap; using the latest start")
            l_h = e_h
        stops_of[exp].append(
            PickupStop(
                key=f"{exp}@{county}",
                site_index=site_of[county],
                kg=sum(x.total_kg for x in lns),
                m3=sum(x.m3 for x in lns),
                tw_early_h=e_h,
                tw_late_h=l_h,
                service_h=road.stop_minutes / 60,
            )
        )
    all_stops = [s for e in exporters for s in stops_of[e]]

    # ---- full-fidelity pooled plan
    routing = solve_pickups(
        all_stops,
        vehicles,
        km,
        hours,
        time_limit_s=params.time_limit_s,
        seed=params.seed,
        max_iterations=params.max_iterations,
    )
    if routing.stopped_by == "time":
        notes.append(
            f"PyVRP stopped on the time limit after {routing.iterations} iterations: the plan may differ "
            "between runs; raise --time-limit or lower --max-iterations for a reproducible plan"
        )
    if not routing.feasible:
        notes.append(
            f"pickup plan infeasible with this fleet (unserved: {', '.join(routing.unserved) or 'time windows'})"
        )
    loads_cache: dict[tuple[object, ...], LoadingResult] = {}
    groups: dict[tuple[str, str], list[CartonLine]] = {}
    for ln in lines:
        groups.setdefault(_group_of(ln), []).append(ln)
    decisions = []
    for (market, grp), lns in sorted(groups.items()):
        decisions.append(
            decide(
                market,
                grp,
                _boxes(lns),
                options,
                units,
                fidelity="full",
                support_fraction=params.support_fraction,
                loads_cache=loads_cache,
                show_loading=True,
            )
        )
    for d in decisions:
        if not d.feasible:
            raise InvalidInputError(f"no feasible line-haul for {d.market} ({d.group}): cartons fit no option")
    # the loader's achieved fill per unit type calibrates the fast model
    fill: dict[str, float] = {}
    for (unit_id, *_rest), res in loads_cache.items():
        if res.units_used > 1:
            full_units = res.utilisation[:-1]
            fill[str(unit_id)] = min(fill.get(str(unit_id), 1.0), float(np.mean(full_units)))
    if not fill:
        notes.append(
            "fast coalition costs count containers by volume at 100 % fill (the loader filled no "
            "container in this pool to measure a fill rate)"
        )
    pickup_cost = routing.cost_cny
    pooled_total = pickup_cost + sum(d.cost_cny for d in decisions)

    # ---- coalition cost model
    cheapest_vehicles = sorted(vehicles, key=lambda v: v.cost_per_km)

    def route_cost(mask: int, full: bool, scale: float = 1.0) -> float:
        stops = [s for i, e in enumerate(exporters) if mask >> i & 1 for s in stops_of[e]]
        if not stops:
            return 0.0
        if full and len(stops) > 1:
            return solve_pickups(
                stops, vehicles, km, hours, time_limit_s=params.coalition_time_limit_s, seed=params.seed
            ).cost_cny
        cost = min(savings_routes(stops, v, km, hours).cost_cny for v in cheapest_vehicles)
        return cost * scale if len(stops) > 1 else cost

    # the fast model ignores time windows and fleet size: scale it by full / fast on the whole pool
    fast_grand = route_cost((1 << n) - 1, False)
    route_scale = max(pickup_cost / fast_grand, 1.0) if fast_grand > 0 and len(all_stops) > 1 else 1.0
    if params.fidelity == "fast" and route_scale > 1.0:
        notes.append(
            f"fast coalition routing costs scaled by {route_scale:.3f} (PyVRP cost / savings cost of the whole pool)"
        )

    group_keys = sorted(groups)
    by_market = {m: [o for o in options if o.market == m] for m in {g[0] for g in group_keys}}
    load_kg = np.zeros((n, len(group_keys)))
    load_m3 = np.zeros((n, len(group_keys)))
    for ln in lines:
        j = group_keys.index(_group_of(ln))
        load_kg[index[ln.exporter], j] += ln.total_kg
        load_m3[index[ln.exporter], j] += ln.m3

    def fast_linehaul(mask: int) -> float:
        members = [i for i in range(n) if mask >> i & 1]
        kg_g = load_kg[members].sum(axis=0)
        m3_g = load_m3[members].sum(axis=0)
        return sum(
            fast_cost(g, float(kg_g[j]), float(m3_g[j]), by_market[m], units, fill)
            for j, (m, g) in enumerate(group_keys)
            if kg_g[j] > 0 or m3_g[j] > 0
        )

    def linehaul_cost(mask: int, full: bool) -> tuple[float, list[Decision]]:
        if not full:
            return fast_linehaul(mask), []
        sub: dict[tuple[str, str], list[CartonLine]] = {}
        for ln in lines:
            if mask >> index[ln.exporter] & 1:
                sub.setdefault(_group_of(ln), []).append(ln)
        ds = [
            decide(
                m,
                g,
                _boxes(lns),
                options,
                units,
                fidelity="full" if full else "fast",
                fill=fill,
                support_fraction=params.support_fraction,
                loads_cache=loads_cache,
            )
            for (m, g), lns in sorted(sub.items())
        ]
        return sum(d.cost_cny for d in ds), ds

    standalone: list[float] = []
    standalone_modes: list[tuple[str, ...]] = []
    for i in range(n):
        lh, ds = linehaul_cost(1 << i, True)
        standalone.append(route_cost(1 << i, True) + lh)
        standalone_modes.append(tuple(f"{d.market}:{d.mode}" for d in ds))

    fixed = {(1 << i): standalone[i] for i in range(n)}
    grand = (1 << n) - 1
    fixed[grand] = pooled_total
    full_coalitions = params.fidelity == "full"
    game = CachedGame(
        n, lambda m: route_cost(m, full_coalitions, route_scale) + linehaul_cost(m, full_coalitions)[0], fixed
    )

    ci: list[float] | None = None
    if params.method == "shapley":
        if n <= params.exact_max_players:
            raw = shapley_exact(n, game)
            kind = "exact"
        else:
            raw, ci = shapley_monte_carlo(n, game, permutations=params.mc_permutations, seed=params.seed)
            kind = "monte_carlo"
    else:
        if n <= params.exact_max_players:
            for m in range(1, grand + 1):
                game(m)  # the core check below needs every coalition
        kind = "not computed"
        if params.method == "volume":
            raw = proportional([sum(ln.m3 for ln in lines if ln.exporter == e) for e in exporters], pooled_total)
        else:
            raw = proportional(standalone, pooled_total)
    total_cents = Decimal(repr(pooled_total)).quantize(Decimal("0.01"))
    shares = round_to_cents(raw, total_cents)
    core = core_check([float(s) for s in shares], dict(game.cache), n)
    if not core.exhaustive:
        notes.append(f"core checked on the {core.coalitions_checked} coalitions evaluated (not all 2^{n})")
    stand_cents = [Decimal(repr(s)).quantize(Decimal("0.01")) for s in standalone]
    out = []
    for i, e in enumerate(exporters):
        mine = [ln for ln in lines if ln.exporter == e]
        out.append(
            ExporterShare(
                id=e,
                standalone_cny=stand_cents[i],
                share_cny=shares[i],
                saving_cny=stand_cents[i] - shares[i],
                kg=sum(x.total_kg for x in mine),
                m3=sum(x.m3 for x in mine),
                cartons=sum(x.count for x in mine),
                shapley_ci_cny=ci[i] if ci else None,
                standalone_modes=standalone_modes[i],
            )
        )
    conf = worst_confidence(
        road.confidence,
        *(v.confidence for v in vehicles),
        *(d.confidence for d in decisions),
        *(u.confidence for u in units.values()),
    )
    return PoolResult(
        exporters=tuple(out),
        total_standalone_cny=sum(stand_cents, Decimal("0")),
        total_pooled_cny=total_cents,
        pickup_cny=pickup_cost,
        routing=routing,
        decisions=tuple(decisions),
        core=core,
        method=params.method,
        shapley_kind=kind,
        coalitions_evaluated=len(game.cache),
        confidence=conf.value,
        params=params,
        notes=tuple(notes),
    )
