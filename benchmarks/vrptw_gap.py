"""VRPTW (Solomon 100) against best known: the pooling engine's PyVRP code path vs OR-Tools, same run.

Each instance goes through ``qiankua.pooling.vrp.solve_pickups`` (the product's model):
coordinates -> exact Euclidean distance d, fed in as km = d (the engine rounds to 0.1) and hours
= d / 360 (the engine's seconds are then 10 x the Solomon time unit), service and windows in
the same scale, the depot's closing time as the horizon, 25 vehicles of the instance capacity
with a fixed cost of 10,000 per vehicle so that the objective is hierarchical like the BKS
(fewest vehicles, then distance). Baseline in the same run: OR-Tools routing with a time
dimension (travel + service, windows as hard cumul ranges), the same fixed cost per vehicle,
PATH_CHEAPEST_ARC first solution and its guided local search, the same time limit. Reported
distances are recomputed exactly (double precision) from the routes; gaps are in distance
and only like-for-like when the vehicle count equals the BKS count.

    .venv/bin/python benchmarks/vrptw_gap.py [--dir DIR] [--time-limit S] [--limit N] [--names C101,R101]

Ends with ``mean_gap_pct=<G> ortools_gap_pct=<O> instances=<N>`` plus vehicle counts.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import time
from pathlib import Path

import numpy as np

from qiankua.pooling.records import Site, Vehicle
from qiankua.pooling.vrp import PickupStop, solve_pickups

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "vrptw"
FLEET = 25
FIXED = 10_000.0


def read_instance(path: Path) -> dict[str, object]:
    lines = [ln.strip() for ln in path.read_text().splitlines()]
    head = {ln.split(":")[0].strip(): ln.split(":", 1)[1].strip() for ln in lines if ":" in ln}
    sections: dict[str, list[list[float]]] = {}
    cur = None
    for ln in lines:
        if ln.endswith("SECTION"):
            cur = ln
            sections[cur] = []
        elif ln == "EOF":
            break
        elif cur and ln:
            sections[cur].append([float(v) for v in ln.split()])
    xy = np.array([r[1:3] for r in sections["NODE_COORD_SECTION"]])
    demand = [int(r[1]) for r in sections["DEMAND_SECTION"]]
    tw = [(r[1], r[2]) for r in sections["TIME_WINDOW_SECTION"]]
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    return {
        "dist": dist,
        "demand": demand,
        "tw": tw,
        "cap": int(head["CAPACITY"]),
        "service": float(head.get("SERVICE_TIME", 0)),
    }


def route_length(dist: np.ndarray, routes: list[list[int]]) -> float:
    total = 0.0
    for r in routes:
        seq = [0, *r, 0]
        total += sum(dist[a, b] for a, b in itertools.pairwise(seq))
    return total


def qiankua_solve(inst: dict, time_limit: float) -> tuple[int, float, bool]:
    dist = inst["dist"]
    n = len(dist) - 1
    stops = [
        PickupStop(
            key=str(i),
            site_index=i,
            kg=float(inst["demand"][i]),
            m3=0.0,
            tw_early_h=inst["tw"][i][0] / 360,
            tw_late_h=inst["tw"][i][1] / 360,
            service_h=inst["service"] / 360,
        )
        for i in range(1, n + 1)
    ]
    van = Vehicle(
        vehicle_id="v",
        capacity_kg=inst["cap"],
        capacity_m3=1e9,
        count=FLEET,
        cost_per_km=1.0,
        fixed_cost=FIXED,
        depot=Site(key="depot", lon=0, lat=0),
    )
    res = solve_pickups(
        stops,
        [van],
        dist,
        dist / 360,
        time_limit_s=time_limit,
        seed=1,
        max_iterations=10**9,
        horizon_h=inst["tw"][0][1] / 360,
    )
    routes = [[int(k.split("#")[0]) for k in r.stops] for r in res.routes if r.stops]
    return len(routes), route_length(dist, routes), res.feasible


def ortools_solve(inst: dict, time_limit: float) -> tuple[int, float, bool]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    dist = inst["dist"]
    n = len(dist)
    d10 = np.rint(dist * 10).astype(np.int64).tolist()
    serv = round(inst["service"] * 10)
    manager = pywrapcp.RoutingIndexManager(n, FLEET, 0)
    routing = pywrapcp.RoutingModel(manager)
    arc = routing.RegisterTransitCallback(lambda i, j: d10[manager.IndexToNode(i)][manager.IndexToNode(j)])
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    routing.SetFixedCostOfAllVehicles(int(FIXED * 10))

    def travel(i: int, j: int) -> int:
        a = manager.IndexToNode(i)
        return d10[a][manager.IndexToNode(j)] + (serv if a != 0 else 0)

    tcb = routing.RegisterTransitCallback(travel)
    horizon = int(inst["tw"][0][1] * 10)
    routing.AddDimension(tcb, horizon, horizon, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    for node in range(1, n):
        e, l = inst["tw"][node]
        tdim.CumulVar(manager.NodeToIndex(node)).SetRange(int(e * 10), int(l * 10))
    for v in range(FLEET):
        tdim.CumulVar(routing.Start(v)).SetRange(0, horizon)
        tdim.CumulVar(routing.End(v)).SetRange(0, horizon)
    dem = inst["demand"]
    dcb = routing.RegisterUnaryTransitCallback(lambda i: dem[manager.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(dcb, 0, [inst["cap"]] * FLEET, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(time_limit * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return 0, math.nan, False
    routes = []
    for v in range(FLEET):
        idx = routing.Start(v)
        r = []
        idx = sol.Value(routing.NextVar(idx))
        while not routing.IsEnd(idx):
            r.append(manager.IndexToNode(idx))
            idx = sol.Value(routing.NextVar(idx))
        if r:
            routes.append(r)
    return len(routes), route_length(dist, routes), True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--time-limit", type=float, default=5.0, help="seconds per instance and solver")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--names", default=None, help="comma-separated instance names (default: all in solomon_bks.csv)")
    args = ap.parse_args()
    with (args.dir / "solomon_bks.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if (args.dir / "solomon_100" / r["file"]).exists()]
    if args.names:
        keep = set(args.names.split(","))
        rows = [r for r in rows if r["instance"] in keep]
    rows = rows[: args.limit] if args.limit else rows
    print(
        f"VRPTW Solomon 100: {len(rows)} instances, {args.time_limit:g} s per instance and solver, seed 1, "
        f"hierarchical objective (fixed cost {FIXED:g} per vehicle)"
    )
    print("| instance | BKS veh | BKS dist | qiankua veh | dist | gap % | s | OR-Tools veh | dist | gap % | s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    out = []
    for r in rows:
        inst = read_instance(args.dir / "solomon_100" / r["file"])
        bks, bv = float(r["bks_distance"]), int(r["bks_vehicles"])
        t0 = time.perf_counter()
        qv, qd, qok = qiankua_solve(inst, args.time_limit)
        t1 = time.perf_counter()
        ov, od, ook = ortools_solve(inst, args.time_limit)
        t2 = time.perf_counter()
        o = {
            "name": r["instance"],
            "bv": bv,
            "bks": bks,
            "qv": qv,
            "qd": qd,
            "qg": 100 * (qd - bks) / bks,
            "qok": qok,
            "qs": t1 - t0,
            "ov": ov,
            "od": od,
            "og": 100 * (od - bks) / bks,
            "ook": ook,
            "os": t2 - t1,
        }
        out.append(o)
        print(
            f"| {o['name']} | {bv} | {bks:.2f} | {qv}{'' if qok else '*'} | {qd:.2f} | {o['qg']:.2f} | {o['qs']:.1f} | "
            f"{ov}{'' if ook else '*'} | {od:.2f} | {o['og']:.2f} | {o['os']:.1f} |",
            flush=True,
        )
    g = float(np.mean([o["qg"] for o in out]))
    og = float(np.nanmean([o["og"] for o in out]))
    print(
        f"vehicles over BKS: qiankua {sum(o['qv'] - o['bv'] for o in out)}, OR-Tools "
        f"{sum(o['ov'] - o['bv'] for o in out if o['ook'])}; instances at BKS vehicle count: qiankua "
        f"{sum(o['qv'] == o['bv'] for o in out)}, OR-Tools {sum(o['ov'] == o['bv'] for o in out)}; "
        f"distance ratio OR-Tools / qiankua = {np.nanmean([o['od'] / o['qd'] for o in out]):.4f}"
    )
    same_q = [o["qg"] for o in out if o["qv"] == o["bv"]]
    same_o = [o["og"] for o in out if o["ov"] == o["bv"]]
    print(
        f"like for like (at the BKS vehicle count): qiankua mean gap {np.mean(same_q) if same_q else float('nan'):.2f} % "
        f"on {len(same_q)}, OR-Tools {np.mean(same_o) if same_o else float('nan'):.2f} % on {len(same_o)}; "
        "a negative gap with more vehicles is not better than the BKS"
    )
    print(f"mean_gap_pct={g:.2f} ortools_gap_pct={og:.2f} instances={len(out)}")


if __name__ == "__main__":
    main()
