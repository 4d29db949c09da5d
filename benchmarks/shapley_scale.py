"""Shapley timing: exact over 12 exporters (4,096 coalitions) plus the core check, against Monte Carlo.

The game is the demo week's first 12 exporters, costed by the pooling engine (grand coalition and
singletons at full fidelity, other coalitions at fast fidelity, as in the product). Baseline in the
same run: Monte Carlo permutation sampling on the same (cached-from-scratch) game; reported: time,
coalitions evaluated, max |MC - exact| and whether the exact value lies in the MC 95 % interval.

    .venv/bin/python benchmarks/shapley_scale.py [--players 12] [--permutations 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

from qiankua.pooling import PoolParams, plan_pool
from qiankua.reference import load_reference
from qiankua.services.pooling import DEMO_FILE, load_inputs, read_shipments, to_lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--players", type=int, default=12)
    ap.add_argument("--permutations", type=int, default=200)
    args = ap.parse_args()
    ref = load_reference()
    lines = to_lines(read_shipments(DEMO_FILE, ref), ref)
    keep = sorted({ln.exporter for ln in lines})[: args.players]
    lines = [ln for ln in lines if ln.exporter in keep]
    inp = load_inputs(ref, dt.date(2026, 11, 30))
    results = {}
    for label, exact_max in (("exact", args.players), ("monte_carlo", 0)):
        params = PoolParams(time_limit_s=1.0, seed=1, exact_max_players=exact_max, mc_permutations=args.permutations)
        t0 = time.perf_counter()
        res = plan_pool(lines, inp.vehicles, inp.road, inp.options, inp.units, params)
        results[label] = (res, time.perf_counter() - t0)
    ex, t_ex = results["exact"]
    mc, t_mc = results["monte_carlo"]
    diff = [abs(float(a.share_cny - b.share_cny)) for a, b in zip(ex.exporters, mc.exporters, strict=True)]
    covered = sum(
        abs(float(a.share_cny - b.share_cny)) <= (b.shapley_ci_cny or 0) + 0.01
        for a, b in zip(ex.exporters, mc.exporters, strict=True)
    )
    print(f"Shapley split of the demo week's first {args.players} exporters (pooled CNY {ex.total_pooled_cny})")
    print(
        "| method | wall s (whole plan) | coalitions costed | core check | in core | max abs diff vs exact CNY | exact in 95% CI |"
    )
    print("|---|---:|---:|---|---|---:|---:|")
    print(
        f"| exact (2^{args.players}) | {t_ex:.1f} | {ex.coalitions_evaluated} | exhaustive LP | {ex.core.in_core} | 0 | - |"
    )
    print(
        f"| Monte Carlo ({args.permutations} perms) | {t_mc:.1f} | {mc.coalitions_evaluated} | "
        f"{'exhaustive' if mc.core.exhaustive else 'sampled'} | {mc.core.in_core} | {max(diff):.2f} | "
        f"{covered}/{len(diff)} |"
    )
    print(
        f"exact_s={t_ex:.1f} monte_carlo_s={t_mc:.1f} ratio={t_ex / t_mc:.2f} players={args.players} "
        f"mean_abs_diff_cny={np.mean(diff):.2f} least_core_eps_cny={ex.core.least_core_epsilon:.2f}"
    )


if __name__ == "__main__":
    main()
