"""The pooling engine's 3D loader on OR-Library container (thpack) and bin-packing instances.

Container loading: one 587 x 233 x 220 container per problem, volume utilisation per set
against the literature's set averages (91-95.5 %); baseline in the same run: the same loader
with one strategy and boxes kept upright (quarter turns about the vertical only). Bin packing (Falkenauer u120/u250):
items as 1-D boxes in a bin of the given capacity; bins used vs best known and vs the trivial
lower bound ceil(sum / capacity).

    uv run python benchmarks/pooling_loading.py [--problems N] [--support F]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np

from qiankua.pooling.loading import BoxType, pack
from qiankua.pooling.records import LoadUnit

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"


def read_thpack(path: Path, limit: int) -> list[tuple[tuple[int, int, int], list[BoxType]]]:
    tokens = [line.split() for line in path.read_text().splitlines() if line.strip()]
    it = iter(tokens)
    count = int(next(it)[0])
    problems = []
    for _ in range(min(count, limit)):
        next(it)  # problem number (and seed)
        L, W, H = (int(v) for v in next(it))
        n = int(next(it)[0])
        boxes = []
        for _ in range(n):
            i, l, fl, w, fw, h, fh, c = (int(v) for v in next(it))
            boxes.append(BoxType(key=str(i), l=l, w=w, h=h, kg=0.0, count=c, vertical_ok=(bool(fl), bool(fw), bool(fh))))
        problems.append(((L, W, H), boxes))
    return problems


def container_sets(limit: int, support: float, strategies: int) -> list[dict[str, object]]:
    rows = []
    for name, label in (("thpack1.txt", "BR1"), ("thpack2.txt", "BR2"), ("thpack4.txt", "BR4"),
                        ("thpack5.txt", "BR5"), ("thpack7.txt", "BR7")):
        utils, base_utils, secs = [], [], []
        for (L, W, H), boxes in read_thpack(BENCH / "container" / name, limit):
            unit = LoadUnit(unit_id="c", kind="container", l_cm=L, w_cm=W, h_cm=H, max_kg=1e12)
            t0 = time.perf_counter()
            res = pack(boxes, unit, max_units=1, support_fraction=support, strategies=strategies)
            secs.append(time.perf_counter() - t0)
            utils.append(res.utilisation[0] if res.utilisation else 0.0)
            fixed = boxes  # baseline: one strategy, boxes kept upright (only quarter turns about the vertical)
            base = pack([BoxType(key=b.key, l=b.l, w=b.w, h=b.h, kg=0.0, count=b.count, this_side_up=True)
                         for b in fixed], unit, max_units=1, support_fraction=support)
            base_utils.append(base.utilisation[0] if base.utilisation else 0.0)
        rows.append({"set": label, "problems": len(utils), "util": 100 * np.mean(utils), "base": 100 * np.mean(base_utils),
                     "mean_s": np.mean(secs), "max_s": np.max(secs)})
    return rows


def binpacking(limit: int) -> list[dict[str, object]]:
    with (BENCH / "binpacking" / "bks.csv").open() as fh:
        bks = {(r["file"], r["instance"]): int(r["best_known_bins"]) for r in csv.DictReader(fh)}
    rows = []
    for file in ("binpack1.txt", "binpack2.txt"):
        lines = [x.strip() for x in (BENCH / "binpacking" / file).read_text().splitlines() if x.strip()]
        count, pos = int(lines[0]), 1
        for _ in range(min(count, limit)):
            name = lines[pos]
            cap, n, _best = (int(float(v)) for v in lines[pos + 1].split())
            sizes = [int(float(v)) for v in lines[pos + 2: pos + 2 + n]]
            pos += 2 + n
            sizes_count: dict[int, int] = {}
            for s in sizes:
                sizes_count[s] = sizes_count.get(s, 0) + 1
            boxes = [BoxType(key=str(s), l=s, w=1, h=1, kg=0.0, count=c, this_side_up=True) for s, c in sizes_count.items()]
            unit = LoadUnit(unit_id="bin", kind="container", l_cm=cap, w_cm=1, h_cm=1, max_kg=1e12)
            t0 = time.perf_counter()
            res = pack(boxes, unit, support_fraction=1.0)
            rows.append({"instance": name, "bins": res.units_used, "bks": bks[(file, name)],
                         "lb": -(-sum(sizes) // cap), "s": time.perf_counter() - t0})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--problems", type=int, default=20, help="problems per thpack set")
    ap.add_argument("--support", type=float, default=1.0)
    ap.add_argument("--bins", type=int, default=10, help="instances per bin-packing class")
    ap.add_argument("--strategies", type=int, default=12, help="(sort order, placement rule) pairs tried")
    args = ap.parse_args()
    rows = container_sets(args.problems, args.support, args.strategies)
    print(f"Container loading (OR-Library thpack, first {args.problems} problems per set, support {args.support:g}, "
          f"best of {args.strategies} strategies; baseline: 1 strategy, no rotation)")
    print("| set | problems | utilisation % | no-rotation baseline % | mean s | max s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['set']} | {r['problems']} | {r['util']:.1f} | {r['base']:.1f} | {r['mean_s']:.2f} | {r['max_s']:.2f} |")
    u = float(np.mean([r["util"] for r in rows]))
    b = float(np.mean([r["base"] for r in rows]))
    print(f"mean_utilisation_pct={u:.1f} baseline_pct={b:.1f} ratio={u / b:.3f} problems={sum(r['problems'] for r in rows)} "
          f"(literature set averages 91.05-95.53 %)")
    bins = binpacking(args.bins)
    print("\n1-D bin packing (Falkenauer u120/u250) with the same loader")
    print("| instance | bins | best known | lower bound | s |")
    print("|---|---:|---:|---:|---:|")
    for r in bins:
        print(f"| {r['instance']} | {r['bins']} | {r['bks']} | {r['lb']} | {r['s']:.2f} |")
    print(f"mean_bins_over_bks={np.mean([r['bins'] / r['bks'] for r in bins]):.4f} "
          f"optimal={sum(r['bins'] == r['bks'] for r in bins)}/{len(bins)}")


if __name__ == "__main__":
    main()
