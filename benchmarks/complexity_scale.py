"""Economic complexity at scale: :func:`qiankua.opportunity.complexity.complexity` on 200 locations x 5,000
products x 5 years (5 million rows), against the Growth Lab reference package ``ecomplexity`` in the same run.

Data: a synthetic long table (seeded; location size x product size x noise, 30 % of cells zero), the shape
of a country x HS6 panel. Our side: the whole table in, the long result table (13 columns, one row per
location x product x year) out.

The reference package solves a general (non-symmetric) eigenproblem on the P x P product matrix every year
(``numpy.linalg.eig``); at P = 5,000 one year did not finish in 10 minutes on this 2-core machine, so by
default it runs on the same 200 locations and 5 years with the first ``--ref-products`` products (1,000),
and our code runs on exactly that subset too: ``ratio`` = reference seconds / our seconds on that subset
(``ratio_at`` says which). ``--ref-products 5000`` runs the reference on the full table (very slow). The
two sides' RCA, M, diversity and ubiquity are asserted identical, ECI and PCI equal up to the documented
standard-deviation convention (correlation 1).

Prints a table and ends with ``rows=<N> seconds=<S> ratio=<R>`` (S: ours on the full table, wall clock). The
line before gives ``cpu_seconds`` (process CPU time of that run, all threads) and the 1-minute ``load_avg``
before and after it: on the shared machine the wall time is roughly the CPU time times load / cores.

    .venv/bin/python benchmarks/complexity_scale.py [--locations 200] [--products 5000] [--years 5]
        [--ref-products 1000] [--no-reference]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings

import numpy as np
import polars as pl

from qiankua.opportunity.complexity import complexity


def panel(locations: int, products: int, years: int, seed: int = 16) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0, 1.5, locations)[:, None] * rng.lognormal(0, 1.5, products)[None, :]
    loc = np.repeat(np.array([f"L{i:03d}" for i in range(locations)], dtype=object), products)
    prod = np.tile(np.array([f"{j:06d}" for j in range(products)], dtype=object), locations)
    frames = []
    for y in range(years):
        values = size * rng.lognormal(0, 1.0, (locations, products))
        values[rng.random((locations, products)) < 0.3] = 0.0
        frames.append(
            pl.DataFrame(
                {
                    "year": np.full(locations * products, 2019 + y),
                    "location": loc,
                    "product": prod,
                    "export_value": values.ravel(),
                }
            )
        )
    return pl.concat(frames)


def ours(table: pl.DataFrame) -> tuple[float, pl.DataFrame, float]:
    start, cpu = time.perf_counter(), time.process_time()
    frame = complexity(table).frame()
    return time.perf_counter() - start, frame, time.process_time() - cpu


def reference(table: pl.DataFrame) -> tuple[float, pl.DataFrame]:
    from ecomplexity import ecomplexity

    data = table.to_pandas()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(
            data,
            {"time": "year", "loc": "location", "prod": "product", "val": "export_value"},
            check_logsupermodularity=False,
            verbose=False,
        )
    return time.perf_counter() - start, pl.from_pandas(
        out[["year", "location", "product", "rca", "mcp", "eci", "pci", "diversity", "ubiquity"]]
    )


def check(a: pl.DataFrame, b: pl.DataFrame) -> float:
    """Identical RCA/M/diversity/ubiquity; ECI correlation (1 up to the s.d. convention)."""
    joined = a.join(b, on=["year", "location", "product"], suffix="_ref")
    assert joined.height == a.height == b.height, (joined.height, a.height, b.height)
    np.testing.assert_allclose(joined["rca"], joined["rca_ref"], rtol=1e-9)
    assert (joined["m"].cast(pl.Int64) == joined["mcp"]).all()
    assert (joined["diversity"] == joined["diversity_ref"]).all()
    assert (joined["ubiquity"] == joined["ubiquity_ref"]).all()
    corr = min(
        float(np.corrcoef(joined["eci"], joined["eci_ref"])[0, 1]),
        float(np.corrcoef(joined["pci"], joined["pci_ref"])[0, 1]),
    )
    assert corr > 1 - 1e-9, corr
    return corr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--locations", type=int, default=200)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--ref-products", type=int, default=1000)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()

    table = panel(args.locations, args.products, args.years)
    ours(panel(20, 50, 1))  # warm-up: imports, BLAS threads
    load_before = os.getloadavg()[0]
    full_s, full, full_cpu = ours(table)
    load_after = os.getloadavg()[0]
    rows = [("qiankua", f"{args.locations}x{args.products}x{args.years}", full.height, full_s)]
    ratio = float("nan")
    ratio_at = "-"
    corr = float("nan")
    if not args.no_reference:
        keep = [f"{j:06d}" for j in range(min(args.ref_products, args.products))]
        sub = table.filter(pl.col("product").is_in(keep))
        ratio_at = f"{args.locations}x{len(keep)}x{args.years}"
        sub_s, sub_ours, _ = ours(sub)
        ref_s, ref = reference(sub)
        corr = check(sub_ours, ref)
        rows += [("qiankua", ratio_at, sub_ours.height, sub_s), ("ecomplexity 0.5.3", ratio_at, ref.height, ref_s)]
        ratio = ref_s / sub_s
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"{'side':<20}{'table':>18}{'rows':>12}{'seconds':>10}")
    for side, shape, n, secs in rows:
        print(f"{side:<20}{shape:>18}{n:>12,}{secs:>10.2f}")
    print(
        f"peak_rss_gb={peak:.2f} eci_pci_correlation={corr:.12f} ratio_at={ratio_at} cpu_seconds={full_cpu:.2f} "
        f"load_avg={load_before:.1f}->{load_after:.1f} target: seconds < 30"
    )
    print(f"rows={full.height} seconds={full_s:.2f} ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
