"""All 88 Guizhou counties x every market x three shipment profiles, cold start included.

    uv run python benchmarks/route_all_pairs.py [--sample 300] [--validate]

Timed from the first line of this script (imports, reading the routing tables, FX, building
the network) to the last Pareto set. The fast path runs one backward label-setting search per
(market, profile) and one vectorised non-dominance filter over all counties (see
``qiankua.routing.planner``); sea distances were computed once with searoute 1.6.0 and ship in
``route_links.csv``. Baseline: the naive exact method, one forward label-setting search per
(county, market, profile) with the edges priced per query; it is timed on a random sample of
pairs and extrapolated, and its Pareto sets are checked against the fast path on that sample.
Ends with ``pairs=<N> seconds=<S>``.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402

from qiankua.routing import Profile, all_pairs, plan, plan_forward  # noqa: E402
from qiankua.services.routing import load_network  # noqa: E402

PROFILES = {
    "parcel_2kg": Profile(weight_kg=2, volume_m3=0.01, pieces=1),
    "pallet_300kg": Profile(weight_kg=300, volume_m3=1.5, pieces=10),
    "container_20t": Profile(weight_kg=20000, volume_m3=40, pieces=800),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=300, help="pairs timed for the naive baseline")
    parser.add_argument("--validate", action="store_true", help="validate the routing tables at start-up")
    args = parser.parse_args()
    t_import = time.perf_counter() - T0

    t = time.perf_counter()
    net = load_network(on=dt.date(2026, 11, 28), validate=args.validate)
    t_load = time.perf_counter() - t

    t = time.perf_counter()
    frame = all_pairs(net, PROFILES)
    t_pairs = time.perf_counter() - t
    total = time.perf_counter() - T0
    pairs = frame.height

    # naive baseline on a sample, checked against the fast path
    rng = random.Random(20261128)
    counties, markets = sorted(net.county_of), sorted(net.delivery)
    sample = [(rng.choice(counties), rng.choice(markets), rng.choice(list(PROFILES))) for _ in range(args.sample)]
    t = time.perf_counter()
    naive = [plan_forward(net, c, m, PROFILES[p]) for c, m, p in sample]
    t_naive = time.perf_counter() - t
    per_pair = t_naive / len(sample)
    naive_all = per_pair * pairs + t_import + t_load
    index = {(r["origin"], r["market"], r["profile"]): r for r in frame.iter_rows(named=True)}
    mismatches = 0
    for (c, m, p), vecs in zip(sample, naive, strict=True):
        row = index[(c, m, p)]
        fast = plan(net, c, m, PROFILES[p])
        exact = sorted((round(r.cost_cny * 100), round(r.days * 1440), round(r.kg_co2e * 1000)) for r in fast.routes)
        if row["n_pareto"] != len(vecs) or exact != vecs:
            mismatches += 1

    print(
        f"network: {len(net.node_ids)} nodes, {len(net.edges)} edges, {len(net.county_of)} counties, "
        f"{len(net.delivery)} markets; rates on {net.on}"
    )
    print()
    print(f"| {'phase':<44} | {'seconds':>8} |")
    print(f"|{'-' * 46}|{'-' * 10}|")
    for label, sec in (
        ("imports (polars, numpy, qiankua)", t_import),
        (f"read tables{' + validate' if args.validate else ''} + FX + build network", t_load),
        (f"all pairs: {pairs:,} Pareto sets", t_pairs),
        ("total, cold start included", total),
        (f"naive baseline: {len(sample)} sampled pairs", t_naive),
        (f"naive baseline extrapolated to {pairs:,} pairs", naive_all),
    ):
        print(f"| {label:<44} | {sec:>8.3f} |")
    print()
    print(
        f"| {'profile':<14} | {'pairs':>6} | {'mean Pareto':>11} | {'no route':>8} | {'median min CNY':>14} | "
        f"{'median min days':>15} | {'top recommended main mode':<26} |"
    )
    print(f"|{'-' * 16}|{'-' * 8}|{'-' * 13}|{'-' * 10}|{'-' * 16}|{'-' * 17}|{'-' * 28}|")
    for name in PROFILES:
        sub = frame.filter(frame["profile"] == name)
        modes = sub["rec_main_mode"].drop_nulls().value_counts(sort=True)
        top = ", ".join(f"{m} {n}" for m, n in modes.head(2).iter_rows())
        print(
            f"| {name:<14} | {sub.height:>6} | {sub['n_pareto'].mean():>11.1f} | "
            f"{(sub['n_pareto'] == 0).sum():>8} | {sub['min_cost_cny'].median():>14,.0f} | "
            f"{sub['min_days'].median():>15.1f} | {top:<26} |"
        )
    print()
    print(
        f"naive per pair {per_pair * 1000:.1f} ms; fast per pair {t_pairs / pairs * 1000:.3f} ms; "
        f"speed-up (cold start included) {naive_all / total:.0f}x; sample mismatches {mismatches}/{len(sample)}"
    )
    print(f"pairs={pairs} seconds={total:.2f}")


if __name__ == "__main__":
    main()
