"""Opportunity pipeline at BACI scale: indicators (Ibis on DuckDB) + ranking, vs plain pandas.

Generates one year of a BACI-shaped table (exporter x importer x HS6, value), by default
11 million rows (~ one BACI year), runs the EPI indicators (RCA, supply share, import demand,
China's share, ease, potential) and the entropy-TOPSIS ranking with Dirichlet stability end
to end on the embedded DuckDB through the Ibis expressions of ``qiankua.opportunity.indicators``,
then the same indicator computation in plain pandas (groupby / merge) followed by the same
ranking, and checks both give the same numbers. Prints a table and ends with
``rows=<N> seconds=<S> pandas_ratio=<R>`` (S = DuckDB end to end; R = pandas seconds / S).

    uv run python benchmarks/opportunity_scale.py [--rows 11000000] [--samples 100]
"""

from __future__ import annotations

import argparse
import gc
import time

import ibis
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from qiankua.opportunity.indicators import pair_indicators
from qiankua.opportunity.scoring import rank_pairs

YEAR = 2023


def generate(rows: int, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    n_c, n_k = 220, 5200
    countries = np.array([f"C{i:03d}" for i in range(n_c)])
    countries[0] = "CHN"
    products = np.array([f"{i:06d}" for i in range(10000, 10000 + n_k)])
    # exporters skewed (a few big exporters), importers and products near uniform; duplicates merge
    exp = np.minimum((rng.pareto(1.2, rows) * 8).astype(np.int32), n_c - 1)
    imp = rng.integers(0, n_c, rows, dtype=np.int32)
    imp = np.where(imp == exp, (imp + 1) % n_c, imp)
    prod = rng.integers(0, n_k, rows, dtype=np.int32)
    value = np.round(rng.lognormal(10, 2.5, rows), 3)
    return pa.table({
        "year": pa.array(np.full(rows, YEAR, dtype=np.int32)),
        "exporter": pa.DictionaryArray.from_arrays(pa.array(exp), pa.array(countries)),
        "importer": pa.DictionaryArray.from_arrays(pa.array(imp), pa.array(countries)),
        "hs6": pa.DictionaryArray.from_arrays(pa.array(prod), pa.array(products)),
        "value_usd": pa.array(value),
    })


def rank(frame: pl.DataFrame, samples: int) -> pl.DataFrame:
    pairs = frame.select(
        pl.col("hs6").alias("product"), pl.col("importer").alias("market"), pl.lit(0).alias("blockers"),
        pl.col("import_value_usd").alias("demand"), pl.col("exporter_share").alias("china_share"),
        pl.col("rca"), pl.col("potential_usd"),
    )
    return rank_pairs(pairs, top_k=20, samples=samples, seed=0).table


def run_duckdb(flows: pa.Table, samples: int) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
    times = {}
    t0 = time.perf_counter()
    con = ibis.duckdb.connect()
    t = ibis.memtable(flows)  # the Arrow table is scanned in place, as pandas gets it zero-copy below
    times["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    ind = pl.from_arrow(con.to_pyarrow(pair_indicators(t, "CHN", YEAR)))
    times["indicators"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    ranked = rank(ind, samples)
    times["ranking"] = time.perf_counter() - t2
    times["total"] = time.perf_counter() - t0
    con.disconnect()
    return ind, ranked, times


def pandas_indicators(df: pd.DataFrame, exporter: str) -> pd.DataFrame:
    f = df[df["year"] == YEAR]
    x_w = f["value_usd"].sum()
    world_k = f.groupby("hs6", observed=True)["value_usd"].sum().rename("x_wk")
    mine = f[f["exporter"] == exporter]
    x_i = mine["value_usd"].sum()
    mine_k = mine.groupby("hs6", observed=True)["value_usd"].sum().rename("x_ik")
    sup = pd.concat([world_k, mine_k], axis=1).fillna({"x_ik": 0.0})
    sup["rca"] = np.where(sup["x_wk"] > 0, (sup["x_ik"] / x_i) / (sup["x_wk"] / x_w), 0.0)
    sup["supply_share"] = np.where(sup["x_wk"] > 0, sup["x_ik"] / sup["x_wk"], 0.0)
    g = f[f["importer"] != exporter]
    dem = g.groupby(["importer", "hs6"], observed=True)["value_usd"].sum().rename("import_value_usd").reset_index()
    bil = mine.groupby(["importer", "hs6"], observed=True)["value_usd"].sum().rename("exporter_value_usd").reset_index()
    out = dem.merge(sup[["rca", "supply_share"]], left_on="hs6", right_index=True, how="left")
    out = out.merge(bil, on=["importer", "hs6"], how="left")
    out["exporter_value_usd"] = out["exporter_value_usd"].fillna(0.0)
    out["hyp"] = out["supply_share"] * out["import_value_usd"]
    ease = out.groupby("importer", observed=True).agg(actual=("exporter_value_usd", "sum"), hyp=("hyp", "sum"))
    ease["ease"] = ease["actual"] / ease["hyp"]
    out = out.merge(ease[["ease"]], left_on="importer", right_index=True, how="left")
    out["exporter_share"] = out["exporter_value_usd"] / out["import_value_usd"]
    out["potential_usd"] = out["supply_share"] * out["import_value_usd"] * out["ease"]
    out["untapped_usd"] = (out["potential_usd"] - out["exporter_value_usd"]).clip(lower=0)
    out["importer"] = out["importer"].astype(str)
    out["hs6"] = out["hs6"].astype(str)
    return out


def run_pandas(flows: pa.Table, samples: int) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
    times = {}
    t0 = time.perf_counter()
    df = flows.to_pandas()  # dictionary columns arrive as pandas categoricals
    times["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    ind = pl.from_pandas(pandas_indicators(df, "CHN"))
    times["indicators"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    ranked = rank(ind, samples)
    times["ranking"] = time.perf_counter() - t2
    times["total"] = time.perf_counter() - t0
    return ind, ranked, times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=11_000_000)
    parser.add_argument("--samples", type=int, default=100, help="Dirichlet draws for rank stability")
    args = parser.parse_args()
    ibis.duckdb.connect().disconnect()  # import the backend once, outside the timings
    t = time.perf_counter()
    flows = generate(args.rows)
    gen = time.perf_counter() - t
    d_ind, d_rank, d_t = run_duckdb(flows, args.samples)
    gc.collect()
    p_ind, p_rank, p_t = run_pandas(flows, args.samples)
    # same numbers both ways
    a = d_ind.sort("importer", "hs6")
    b = p_ind.sort("importer", "hs6")
    assert a.height == b.height, (a.height, b.height)
    for col in ("rca", "import_value_usd", "exporter_share", "potential_usd"):
        x, y = a[col].fill_null(np.nan).to_numpy(), b[col].fill_null(np.nan).to_numpy()
        assert np.allclose(x, y, rtol=1e-9, equal_nan=True), col
    assert d_rank.head(20)["product"].to_list() == p_rank.head(20)["product"].to_list()
    print(f"generated {args.rows:,} BACI-shaped rows in {gen:.1f} s; {a.height:,} importer x product pairs ranked; "
          f"stability: {args.samples} Dirichlet draws, top 20, "
          f"among the best 20,000 pairs")
    print(f"| {'stage':<12} | {'DuckDB (Ibis) s':>16} | {'pandas s':>10} | {'ratio':>6} |")
    print(f"|{'-' * 14}|{'-' * 18}:|{'-' * 11}:|{'-' * 7}:|")
    for stage in ("load", "indicators", "ranking", "total"):
        ratio = p_t[stage] / d_t[stage] if d_t[stage] > 0 else float("nan")
        print(f"| {stage:<12} | {d_t[stage]:>16.2f} | {p_t[stage]:>10.2f} | {ratio:>6.1f} |")
    print(f"rows={args.rows} seconds={d_t['total']:.2f} pandas_ratio={p_t['total'] / d_t['total']:.2f}")


if __name__ == "__main__":
    main()
