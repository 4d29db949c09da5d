"""CVRP gap to best known: the pooling engine's PyVRP code path vs OR-Tools routing, same run.

Every CVRP instance (TSPLIB ``.vrp``) in DIR with a row in DIR/bks.csv, smallest first, up to
``--max-customers`` customers and ``--limit`` instances, goes through
``qiankua.pooling.vrp.solve_pickups`` (the product's model building, units and stopping rule;
distances fed in as km = instance distance / 10 so the engine's 100 m integers are the
instance's rounded distances). Baseline in the same run: OR-Tools routing (constraint solver)
with its default guided local search metaheuristic, PATH_CHEAPEST_ARC first solution, the same
time limit per instance and a fleet of k + max(3, k/2) vehicles (k from the instance name).

    .venv/bin/python benchmarks/vrp_gap.py [--dir DIR] [--time-limit S] [--max-customers N] [--limit N]

Ends with ``mean_gap_pct=<G> ortools_gap_pct=<O> instances=<N>``.
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from pathlib import Path

import numpy as np
import pyvrp

from qiankua.pooling.records import Site, Vehicle
from qiankua.pooling.vrp import PickupStop, solve_pickups

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "cvrp"


def ortools_cvrp(dist: np.ndarray, demand: list[int], cap: int, vehicles: int, time_limit: float) -> tuple[float, bool]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(dist)
    mat = dist.astype(np.int64).tolist()
    manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def cost(i: int, j: int) -> int:
        return mat[manager.IndexToNode(i)][manager.IndexToNode(j)]

    cb = routing.RegisterTransitCallback(cost)
    routing.SetArcCostEvaluatorOfAllVehicles(cb)
    dem = [0, *demand]
    dcb = routing.RegisterUnaryTransitCallback(lambda i: dem[manager.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(dcb, 0, [cap] * vehicles, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(time_limit * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return float("nan"), False
    return float(sol.ObjectiveValue()), True


def run_instance(path: Path, time_limit: float, bks: float) -> dict[str, object]:
    data = pyvrp.read(path, round_func="round")
    dist = np.asarray(data.distance_matrix(0), dtype=float)
    cap = int(data.vehicle_type(0).capacity[0])
    n = data.num_clients
    demand = [int(c.delivery[0]) for c in data.clients()]
    depot = Site(key="depot", lon=0, lat=0)
    km = dist / 10
    hours = np.zeros_like(km)
    stops = [PickupStop(key=str(i), site_index=i + 1, kg=float(demand[i]), m3=0.0) for i in range(n)]
    van = Vehicle(vehicle_id="v", capacity_kg=cap, capacity_m3=1e9, count=n, cost_per_km=1.0, depot=depot)
    t0 = time.perf_counter()
    res = solve_pickups(stops, [van], km, hours, time_limit_s=time_limit, seed=1, max_iterations=10**9)
    took = time.perf_counter() - t0
    obj = res.km * 10
    m = re.search(r"-k(\d+)", path.stem)
    k = int(m.group(1)) if m else max(1, -(-sum(demand) // cap))
    t1 = time.perf_counter()
    ort, ort_ok = ortools_cvrp(dist, demand, cap, k + max(3, k // 2), time_limit)
    took_o = time.perf_counter() - t1
    return {
        "instance": path.stem,
        "n": n,
        "bks": bks,
        "pyvrp": round(obj),
        "gap": 100 * (obj - bks) / bks,
        "feasible": res.feasible,
        "s": took,
        "ortools": ort,
        "ort_gap": 100 * (ort - bks) / bks,
        "ort_ok": ort_ok,
        "ort_s": took_o,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--time-limit", type=float, default=30.0, help="seconds per instance and solver")
    ap.add_argument("--max-customers", type=int, default=300)
    ap.add_argument("--limit", type=int, default=None, help="at most this many instances (smallest first)")
    args = ap.parse_args()
    with (args.dir / "bks.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if (args.dir / f"{r['instance']}.vrp").exists()]
    rows = sorted((r for r in rows if int(r["n_customers"]) <= args.max_customers), key=lambda r: int(r["n_customers"]))
    rows = rows[: args.limit] if args.limit else rows
    print(
        f"CVRP {args.dir.name}: {len(rows)} instances <= {args.max_customers} customers, {args.time_limit:g} s per "
        f"instance and solver, seed 1"
    )
    print("| instance | n | BKS | qiankua (PyVRP) | gap % | feasible | s | OR-Tools GLS | gap % | s |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|", flush=True)
    out = []
    for r in rows:
        o = run_instance(args.dir / f"{r['instance']}.vrp", args.time_limit, float(r["bks"]))
        out.append(o)
        print(
            f"| {o['instance']} | {o['n']} | {o['bks']:.0f} | {o['pyvrp']} | {o['gap']:.2f} | {o['feasible']} | "
            f"{o['s']:.1f} | {o['ortools']:.0f} | {o['ort_gap']:.2f} | {o['ort_s']:.1f} |",
            flush=True,
        )
    g = float(np.mean([o["gap"] for o in out]))
    og = float(np.nanmean([o["ort_gap"] for o in out]))
    ratio = float(np.nanmean([o["ortools"] / o["pyvrp"] for o in out]))
    print(f"cost ratio OR-Tools / qiankua = {ratio:.4f}")
    print(f"mean_gap_pct={g:.2f} ortools_gap_pct={og:.2f} instances={len(out)}")


if __name__ == "__main__":
    main()
