"""PyVRP (through the pooling engine's code path) on CVRP / VRPTW benchmark instances vs best known.

CVRP (Uchoa X): the instance goes through ``qiankua.pooling.vrp.solve_pickups`` (the product's
model building, units and stopping rule); baseline in the same run: Clarke-Wright savings
(``savings_routes``, the engine's fast coalition model). VRPTW (Solomon): PyVRP with the product's
stopping rule on the instance as read by PyVRP (DIMACS rounding, distances x 10, truncated);
baseline: the same solver at a tenth of the time limit.

    uv run python benchmarks/pooling_vrp.py [--time-limit S] [--cvrp N] [--vrptw NAMES]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import pyvrp

from qiankua.pooling.records import Site, Vehicle
from qiankua.pooling.vrp import PickupStop, savings_routes, solve_pickups, stopping

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"


def cvrp(name: str, time_limit: float, bks: float) -> dict[str, object]:
    data = pyvrp.read(BENCH / "cvrp" / f"{name}.vrp", round_func="round")
    dist = np.asarray(data.distance_matrix(0), dtype=float)
    cap = data.vehicle_type(0).capacity[0]
    n = data.num_clients
    depot = Site(key="depot", lon=0, lat=0)
    # the engine works in km and rounds to 100 m: feed distance/10 so the integers are the instance's
    km = dist / 10
    hours = np.zeros_like(km)
    stops = [PickupStop(key=str(i), site_index=i + 1, kg=float(data.clients()[i].delivery[0]), m3=0.0) for i in range(n)]
    van = Vehicle(vehicle_id="v", capacity_kg=cap, capacity_m3=1e9, count=n, cost_per_km=1.0, depot=depot)
    t0 = time.perf_counter()
    res = solve_pickups(stops, [van], km, hours, time_limit_s=time_limit, seed=1, max_iterations=10**9)
    took = time.perf_counter() - t0
    obj = res.km * 10
    t1 = time.perf_counter()
    base = savings_routes(stops, van, km, hours).km * 10
    took_b = time.perf_counter() - t1
    return {"instance": name, "n": n, "bks": bks, "pyvrp": round(obj), "gap_pct": 100 * (obj - bks) / bks,
            "feasible": res.feasible, "s": took, "cw": round(base), "cw_gap_pct": 100 * (base - bks) / bks, "cw_s": took_b}


def vrptw(name: str, file: str, time_limit: float, bks_vehicles: int, bks: float) -> dict[str, object]:
    path = BENCH / "vrptw" / "solomon_100" / file
    data = pyvrp.read(path, round_func="dimacs")  # windows, service and demand x 10
    # distances: exact Euclidean x 10, rounded (the reader floors before scaling); the VEHICLES line
    # is an LKH setting, so the fleet is left open and the vehicle count is reported
    lines = path.read_text().splitlines()
    start = lines.index(next(x for x in lines if x.startswith("NODE_COORD_SECTION"))) + 1
    xy = []
    for line in lines[start:]:
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit():
            break
        xy.append((float(parts[1]), float(parts[2])))
    pts = np.array(xy)
    mat = np.rint(10 * np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))).astype(np.int64)
    data = data.replace(distance_matrices=[mat], duration_matrices=[mat],
                        vehicle_types=[data.vehicle_type(0).replace(num_available=data.num_clients)])
    out: dict[str, object] = {"instance": name, "bks_veh": bks_vehicles, "bks": bks}
    for label, limit in (("pyvrp", time_limit), ("short", time_limit / 10)):
        t0 = time.perf_counter()
        res = pyvrp.solve(data, stop=stopping(limit, 10**9), seed=1, display=False)
        best = res.best
        dist = best.distance() / 10
        out[label] = round(dist, 2)
        out[f"{label}_veh"] = best.num_routes()
        out[f"{label}_gap_pct"] = 100 * (dist - bks) / bks
        out[f"{label}_feasible"] = best.is_feasible()
        out[f"{label}_s"] = time.perf_counter() - t0
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--cvrp", type=int, default=4, help="how many of the smallest X instances")
    ap.add_argument("--vrptw", default="C101,R101,RC101,R201")
    args = ap.parse_args()
    with (BENCH / "cvrp" / "bks.csv").open() as fh:
        cv = sorted(csv.DictReader(fh), key=lambda r: int(r["n_customers"]))[: args.cvrp]
    rows = [cvrp(r["instance"], args.time_limit, float(r["bks"])) for r in cv]
    print(f"CVRP (Uchoa X), time limit {args.time_limit:g} s, seed 1")
    print("| instance | n | BKS | PyVRP | gap % | s | Clarke-Wright | CW gap % |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['instance']} | {r['n']} | {r['bks']:.0f} | {r['pyvrp']} | {r['gap_pct']:.2f} | {r['s']:.1f} | "
              f"{r['cw']} | {r['cw_gap_pct']:.2f} |")
    g = float(np.mean([r["gap_pct"] for r in rows]))
    gb = float(np.mean([r["cw_gap_pct"] for r in rows]))
    print(f"mean_gap_pct={g:.2f} baseline_cw_gap_pct={gb:.2f} instances={len(rows)} ratio_cw_over_pyvrp_cost="
          f"{np.mean([r['cw'] / r['pyvrp'] for r in rows]):.3f}")
    with (BENCH / "vrptw" / "solomon_bks.csv").open() as fh:
        bk = {r["instance"]: r for r in csv.DictReader(fh)}
    names = [n for n in args.vrptw.split(",") if n in bk]
    tw = [vrptw(n, bk[n]["file"], args.time_limit, int(bk[n]["bks_vehicles"]), float(bk[n]["bks_distance"])) for n in names]
    print(f"\nVRPTW (Solomon 100), distance objective, time limit {args.time_limit:g} s vs {args.time_limit / 10:g} s")
    print("| instance | BKS veh | BKS dist | PyVRP veh | PyVRP dist | gap % | short veh | short dist | short gap % |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in tw:
        print(f"| {r['instance']} | {r['bks_veh']} | {r['bks']:.2f} | {r['pyvrp_veh']} | {r['pyvrp']:.2f} | "
              f"{r['pyvrp_gap_pct']:.2f} | {r['short_veh']} | {r['short']:.2f} | {r['short_gap_pct']:.2f} |")
    if tw:
        print(f"mean_gap_pct={np.mean([r['pyvrp_gap_pct'] for r in tw]):.2f} "
              f"short_gap_pct={np.mean([r['short_gap_pct'] for r in tw]):.2f} instances={len(tw)}")


if __name__ == "__main__":
    main()
