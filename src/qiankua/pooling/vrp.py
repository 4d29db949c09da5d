"""Pickup routing: capacitated VRP with time windows, solved with PyVRP (HGS / ILS).

This is the only module of qiankua that imports :mod:`pyvrp`. Units inside the solver
are integers: hectometres (100 m), seconds, kilograms (rounded up) and litres (rounded up);
the cost objective is in fen (0.01 CNY), which keeps PyVRP's penalty terms on the same scale
as route costs. Results are re-checked independently by :func:`check_routes`.
A cheap Clarke-Wright savings heuristic (:func:`savings_routes`) serves as the low-fidelity
model for coalition costs and as the benchmark baseline.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qiankua.exceptions import InvalidInputError
from qiankua.pooling.records import Vehicle

__all__ = ["PickupStop", "Route", "RoutingResult", "check_routes", "savings_routes", "solve_pickups"]

_COST_SCALE = 100  # objective units per CNY (fen)
_DIST_PER_KM = 10  # hectometres
_BIG = 10**12


@dataclass(frozen=True, slots=True, kw_only=True)
class PickupStop:
    """A place to collect ``kg`` / ``m3``; times in hours from the planning start."""

    key: str
    site_index: int  # row/column in the matrices (0 = depot)
    kg: float
    m3: float
    tw_early_h: float = 0.0
    tw_late_h: float = math.inf
    service_h: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    vehicle_id: str
    stops: tuple[str, ...]
    arrival_h: tuple[float, ...]
    km: float
    hours: float
    kg: float
    m3: float
    cost_cny: float

    def to_dict(self) -> dict[str, object]:
        return {
            "vehicle": self.vehicle_id,
            "stops": list(self.stops),
            "arrival_h": [round(a, 2) for a in self.arrival_h],
            "km": round(self.km, 1),
            "hours": round(self.hours, 2),
            "kg": round(self.kg, 1),
            "m3": round(self.m3, 3),
            "cost_cny": round(self.cost_cny, 2),
        }


@dataclass(frozen=True, kw_only=True)
class RoutingResult:
    routes: tuple[Route, ...]
    feasible: bool
    unserved: tuple[str, ...] = ()
    solver: str = "pyvrp"
    notes: tuple[str, ...] = field(default=())
    iterations: int | None = None
    stopped_by: str | None = None  # "iterations" (reproducible with the seed) or "time"

    @property
    def cost_cny(self) -> float:
        return sum(r.cost_cny for r in self.routes)

    @property
    def km(self) -> float:
        return sum(r.km for r in self.routes)


def stopping(time_limit_s: float, max_iterations: int = 20_000) -> Any:
    """The product's stopping rule: the time limit or ``max_iterations``, whichever comes first."""
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    return MultipleCriteria([MaxRuntime(time_limit_s), MaxIterations(max_iterations)])


def _route_cost(v: Vehicle, km: float, hours: float) -> float:
    return v.fixed_cost + v.cost_per_km * km + v.cost_per_hour * hours


def _split_oversize(stops: Sequence[PickupStop], vehicles: Sequence[Vehicle]) -> list[PickupStop]:
    """Split a stop bigger than the largest vehicle into pieces that fit (several visits)."""
    cap_kg = max(v.capacity_kg for v in vehicles)
    cap_m3 = max(v.capacity_m3 for v in vehicles)
    out: list[PickupStop] = []
    for s in stops:
        pieces = max(1, math.ceil(s.kg / cap_kg - 1e-9), math.ceil(s.m3 / cap_m3 - 1e-9))
        if pieces == 1:
            out.append(s)
            continue
        for k in range(pieces):
            out.append(
                PickupStop(
                    key=f"{s.key}#{k + 1}",
                    site_index=s.site_index,
                    kg=s.kg / pieces,
                    m3=s.m3 / pieces,
                    tw_early_h=s.tw_early_h,
                    tw_late_h=s.tw_late_h,
                    service_h=s.service_h,
                )
            )
    return out


def _base_key(key: str) -> str:
    return key.split("#", 1)[0]


def solve_pickups(
    stops: Sequence[PickupStop],
    vehicles: Sequence[Vehicle],
    km: np.ndarray,
    hours: np.ndarray,
    *,
    time_limit_s: float = 1.0,
    seed: int = 0,
    horizon_h: float | None = None,
    max_iterations: int = 20_000,
) -> RoutingResult:
    """Solve the pickup CVRPTW with PyVRP. All vehicles start and end at site 0 (the depot).

    Deterministic for a given ``seed`` when the iteration budget ends the search: PyVRP stops
    after ``time_limit_s`` seconds *or* ``max_iterations``, whichever comes first, and with the
    same seed the iteration sequence is identical. ``stopped_by`` says which one ended it.
    """
    from pyvrp import Model

    if not vehicles:
        raise InvalidInputError("pickup routing needs at least one vehicle")
    if not stops:
        return RoutingResult(routes=(), feasible=True)
    stops = _split_oversize(stops, vehicles)
    late_all = max((s.tw_late_h for s in stops if math.isfinite(s.tw_late_h)), default=0.0)
    horizon = horizon_h if horizon_h is not None else max(late_all + float(hours.max()) * 2 + 24.0, 48.0)

    def sec(h: float) -> int:
        return round(min(h, horizon) * 3600)

    m = Model()
    n_sites = km.shape[0]
    locs = [m.add_location(x=i, y=0) for i in range(n_sites)]
    depot = m.add_depot(locs[0], tw_early=0, tw_late=sec(horizon))
    for v in vehicles:
        m.add_vehicle_type(
            num_available=v.count,
            capacity=[math.floor(v.capacity_kg), math.floor(v.capacity_m3 * 1000)],
            start_depot=depot,
            end_depot=depot,
            fixed_cost=round(v.fixed_cost * _COST_SCALE),
            unit_distance_cost=round(v.cost_per_km * _COST_SCALE / _DIST_PER_KM),
            unit_duration_cost=round(v.cost_per_hour * _COST_SCALE / 3600),
            tw_early=0,
            tw_late=sec(horizon),
            name=v.vehicle_id,
        )
    for s in stops:
        m.add_client(
            locs[s.site_index],
            pickup=[math.ceil(s.kg - 1e-9), math.ceil(s.m3 * 1000 - 1e-9)],
            service_duration=sec(s.service_h),
            tw_early=sec(s.tw_early_h),
            tw_late=sec(s.tw_late_h) if math.isfinite(s.tw_late_h) else sec(horizon),
            name=s.key,
        )
    dist_m = np.rint(km * _DIST_PER_KM).astype(np.int64)
    dur_s = np.rint(hours * 3600).astype(np.int64)
    for i in range(n_sites):
        for j in range(n_sites):
            m.add_edge(locs[i], locs[j], distance=int(dist_m[i, j]), duration=int(dur_s[i, j]))
    with warnings.catch_warnings():
        # PyVRP warns when its penalties saturate; infeasibility is reported in the result instead
        warnings.simplefilter("ignore")
        result = m.solve(stopping(time_limit_s, max_iterations), seed=seed, display=False)
    best = result.best
    routes = []
    served: set[int] = set()
    for r in best.routes():
        v = vehicles[r.vehicle_type()]
        names, arrivals, kg, m3 = [], [], 0.0, 0.0
        for act in r.schedule():
            if act.is_client():
                s = stops[act.idx]
                served.add(act.idx)
                names.append(s.key)
                arrivals.append(act.start_time / 3600)
                kg += s.kg
                m3 += s.m3
        r_km = r.distance() / _DIST_PER_KM
        r_h = r.duration() / 3600
        routes.append(
            Route(
                vehicle_id=v.vehicle_id,
                stops=tuple(names),
                arrival_h=tuple(arrivals),
                km=r_km,
                hours=r_h,
                kg=kg,
                m3=m3,
                cost_cny=_route_cost(v, r_km, r_h),
            )
        )
    unserved = tuple(s.key for i, s in enumerate(stops) if i not in served)
    iterations = int(result.num_iterations)
    return RoutingResult(
        routes=tuple(routes),
        feasible=bool(best.is_feasible()) and not unserved,
        unserved=unserved,
        solver="pyvrp",
        iterations=iterations,
        stopped_by="iterations" if iterations >= max_iterations else "time",
    )


def check_routes(
    result: RoutingResult,
    stops: Sequence[PickupStop],
    vehicles: Sequence[Vehicle],
    km: np.ndarray,
    hours: np.ndarray,
    *,
    tol_h: float = 1 / 60,
) -> list[str]:
    """Independent feasibility check: capacity, time windows, vehicle counts, every stop once.

    Returns the list of violations (empty when the plan is feasible).
    """
    problems: list[str] = []
    by_key: dict[str, list[PickupStop]] = {}
    for s in [*_split_oversize(stops, vehicles), *stops]:
        by_key.setdefault(s.key, []).append(s)
    expected = {s.key for s in _split_oversize(stops, vehicles)}
    seen: dict[str, int] = {}
    used: dict[str, int] = {}
    vmap = {v.vehicle_id: v for v in vehicles}
    for r in result.routes:
        v = vmap[r.vehicle_id]
        used[v.vehicle_id] = used.get(v.vehicle_id, 0) + 1
        kg = m3 = 0.0
        t = 0.0
        here = 0
        for key in r.stops:
            if key not in by_key:
                problems.append(f"{key}: not a stop of this problem")
                continue
            s = by_key[key][0]
            seen[key] = seen.get(key, 0) + 1
            kg += s.kg
            m3 += s.m3
            t = max(t + hours[here, s.site_index], s.tw_early_h)
            if t > s.tw_late_h + tol_h:
                problems.append(f"{key}: arrives at {t:.2f} h after its window closes at {s.tw_late_h:.2f} h")
            t += s.service_h
            here = s.site_index
        if kg > v.capacity_kg + 1.0 or m3 > v.capacity_m3 + 0.001:
            problems.append(f"route of {v.vehicle_id}: load {kg:.0f} kg / {m3:.2f} m3 over capacity")
    for vid, n in used.items():
        if n > vmap[vid].count:
            problems.append(f"{vid}: {n} routes but only {vmap[vid].count} vehicles")
    for key in expected:
        if seen.get(key, 0) != 1 and key not in result.unserved:
            problems.append(f"{key}: visited {seen.get(key, 0)} times")
    return problems


def savings_routes(
    stops: Sequence[PickupStop],
    vehicle: Vehicle,
    km: np.ndarray,
    hours: np.ndarray,
) -> RoutingResult:
    """Clarke-Wright (1964) parallel savings for one vehicle type, capacity only (no windows, no fleet cap).

    The low-fidelity routing model for coalition costs and the benchmark baseline.
    """
    if not stops:
        return RoutingResult(routes=(), feasible=True, solver="savings")
    stops = _split_oversize(stops, [vehicle])
    n = len(stops)
    idx = np.array([s.site_index for s in stops])
    d0 = km[0, idx]
    dij = km[np.ix_(idx, idx)]
    sav = d0[:, None] + d0[None, :] - dij
    iu, ju = np.triu_indices(n, 1)
    order = np.argsort(-sav[iu, ju], kind="stable")
    route_of = list(range(n))
    routes: dict[int, list[int]] = {i: [i] for i in range(n)}
    load_kg = {i: stops[i].kg for i in range(n)}
    load_m3 = {i: stops[i].m3 for i in range(n)}
    for k in order:
        i, j = int(iu[k]), int(ju[k])
        if sav[i, j] <= 0:
            break
        ri, rj = route_of[i], route_of[j]
        if ri == rj:
            continue
        a, b = routes[ri], routes[rj]
        if load_kg[ri] + load_kg[rj] > vehicle.capacity_kg or load_m3[ri] + load_m3[rj] > vehicle.capacity_m3:
            continue
        # i and j must be route ends; orient so that a ends with i and b starts with j
        if a[-1] != i:
            if a[0] == i:
                a = a[::-1]
            else:
                continue
        if b[0] != j:
            if b[-1] == j:
                b = b[::-1]
            else:
                continue
        merged = a + b
        routes[ri] = merged
        load_kg[ri] += load_kg.pop(rj)
        load_m3[ri] += load_m3.pop(rj)
        del routes[rj]
        for c in b:
            route_of[c] = ri
    out = []
    for members in routes.values():
        path = [0] + [int(idx[c]) for c in members] + [0]
        r_km = float(sum(km[path[t], path[t + 1]] for t in range(len(path) - 1)))
        r_h = float(sum(hours[path[t], path[t + 1]] for t in range(len(path) - 1))) + sum(
            stops[c].service_h for c in members
        )
        out.append(
            Route(
                vehicle_id=vehicle.vehicle_id,
                stops=tuple(stops[c].key for c in members),
                arrival_h=(),
                km=r_km,
                hours=r_h,
                kg=sum(stops[c].kg for c in members),
                m3=sum(stops[c].m3 for c in members),
                cost_cny=_route_cost(vehicle, r_km, r_h),
            )
        )
    return RoutingResult(routes=tuple(out), feasible=True, solver="savings")
