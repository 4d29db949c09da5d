"""Warehouse at scale: forecast + back-test + policy + decision for many SKU x market series.

Synthetic monthly demand (seeded): half smooth series (a level, half of them with a yearly cycle,
lognormal noise), half intermittent (Bernoulli occurrence x gamma sizes). Every series is classified,
forecast by the automatically chosen statsforecast model, back-tested by rolling origin (3 windows
of 3 months) against seasonal naive on the same windows, given a cycle-service policy (vectorised)
and a channel decision (parcel vs warehouse unit cost at the forecast volume and the break-even
volume, on the hand-worked SKU cost structure of tests/warehouse/test_channels.py with each series'
own demand variability). Timing excludes the one-off library imports (reported apart:
statsforecast/numba import in several seconds on this machine).

    .venv/bin/python benchmarks/warehouse_scale.py [--series 10000] [--months 36] [--jobs 2]

Ends with ``series=<n> seconds=<s> mase=<m> naive_mase=<b>`` (mean MASE over series with a defined
MASE; the table gives the smooth and intermittent groups separately).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl


def synthetic(n: int, months: int, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray]:
    """``n`` series of ``months`` periods; the second array says which were generated intermittent."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    half = n // 2
    level = rng.uniform(5, 200, half)
    amp = rng.choice([0.0, 0.3], half)
    smooth = np.round(
        level[:, None] * (1 + amp[:, None] * np.sin(2 * np.pi * t / 12)) * rng.lognormal(0, 0.3, (half, months))
    )
    p = rng.uniform(0.1, 0.6, n - half)
    size = rng.uniform(1, 20, n - half)
    occur = rng.random((n - half, months)) < p[:, None]
    inter = occur * np.maximum(1, np.round(rng.gamma(2, size[:, None] / 2, (n - half, months))))
    y = np.vstack([smooth, inter]).astype(np.float64)
    ids = [f"s{i:05d}" for i in range(n)]
    frame = pl.DataFrame({"series_id": np.repeat(ids, months), "t": np.tile(t, n), "y": y.ravel()})
    return frame, np.r_[np.zeros(half, bool), np.ones(n - half, bool)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    t0 = time.perf_counter()
    import statsforecast.models  # noqa: F401  (one-off import, timed apart)

    from qiankua.warehouse.channels import ChannelInputs, EntryFee, LineHaulPoint, WarehouseFees
    from qiankua.warehouse.decision import break_even
    from qiankua.warehouse.forecast import forecast_table
    from qiankua.warehouse.policy import policy_batch

    imports = time.perf_counter() - t0
    frame, generated_intermittent = synthetic(args.series, args.months)

    started = time.perf_counter()
    fc = forecast_table(frame, h=6, n_jobs=args.jobs)
    t_forecast = time.perf_counter() - started

    s = fc.summary
    mean_m = fc.points.group_by("series_id", maintain_order=True).agg(pl.col("mean").head(3).mean())["mean"].to_numpy()
    sd_m = (
        fc.errors.group_by("series_id").agg(pl.col("error").std().alias("sd"))
        .join(s.select("series_id"), on="series_id", how="right")["sd"].fill_null(0.0).to_numpy()
    )  # fmt: skip
    t1 = time.perf_counter()
    days = 30.4
    pol = policy_batch(mean_m / days, sd_m / np.sqrt(days), np.full(len(s), 30.0), np.full(len(s), 3.0), 0.95)
    t_policy = time.perf_counter() - t1

    t2 = time.perf_counter()
    base = ChannelInputs(
        sku="x", market="US", currency="USD", fx=7.0, price=20.0, unit_cost_cny=40.0, unit_volume_m3=0.001,
        customs_value=5.0, parcel_cost_cny=100.0, parcel_logistics_cny=45.0, bulk_variable_cny=60.0,
        linehaul=(LineHaulPoint(units=1, cost_cny=500, days=30), LineHaulPoint(units=1000, cost_cny=2000, days=30)),
        entry_fees=(EntryFee(name="mpf", rate=0.003464, minimum=33.58, maximum=651.50),),
        warehouses={"fba": WarehouseFees(fulfilment=3.95, storage_per_m3_month=27.5)},
    )  # fmt: skip
    from dataclasses import replace

    from qiankua.warehouse.channels import unit_costs

    cv = np.clip(np.nan_to_num(sd_m / np.maximum(mean_m, 1e-9), nan=0.5), 0.05, 5.0)
    # every series on one cost structure in one vectorised call (volume and demand cv per series)
    costs = unit_costs(base, np.maximum(mean_m, 1e-6), demand_cv=cv)
    winners = int((costs["9810_fba"]["total"] < costs["9610"]["total"]).sum())
    found = sum(break_even(replace(base, demand_cv=float(c)), "9810_fba") is not None for c in cv)
    t_decision = time.perf_counter() - t2
    total = time.perf_counter() - started

    groups = s.with_columns(pl.Series("generated", np.where(generated_intermittent, "intermittent", "smooth")))
    table = (
        groups.group_by("generated")
        .agg(
            pl.len().alias("series"),
            pl.col("mase").is_not_null().sum().alias("with_mase"),
            pl.col("mase").mean().alias("mase"),
            pl.col("naive_mase").mean().alias("naive_mase"),
        )
        .sort("generated")
    )
    by_class = (
        s.group_by("demand_class", "method")
        .agg(pl.len().alias("series"), pl.col("mase").mean())
        .sort("demand_class", "method")
    )
    print(f"machine: 2 cores shared with other jobs; imports {imports:.1f} s (not counted)")
    print(by_class)
    print(table)
    print(f"forecast+backtest {t_forecast:.1f} s  policy {t_policy:.3f} s  decision {t_decision:.1f} s  "
          f"(warehouse cheaper for {winners} series; {found} break-evens; safety stock mean {float(np.mean(pol['safety_stock'])):.1f})")  # fmt: skip
    mase = float(s["mase"].drop_nulls().mean() or 0.0)
    naive = float(s["naive_mase"].drop_nulls().mean() or 0.0)
    print(f"series={len(s)} seconds={total:.1f} mase={mase:.3f} naive_mase={naive:.3f}")


if __name__ == "__main__":
    main()
