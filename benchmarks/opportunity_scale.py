"""Opportunity pipeline at BACI scale: indicators + ranking on DuckDB (Ibis) vs plain pandas.

Generates one year of a BACI-shaped table (``t, i, j, k, v``: year, exporter and importer as
numeric country codes, HS6 as a number, value), by default 11 million rows (~ one BACI year),
and loads it into the store's ``user.trade_flows`` through the BACI loader's path
(:func:`qiankua.store.trade.load_flows` with the country-code table, rows kept in (year,
importer, hs6) order; done once per release, so timed separately). Both sides then start from
those stored rows (pandas from the same rows, in the same order, as Arrow). End to end:

* DuckDB: the EPI indicators (RCA, supply share, import demand and growth, China's share, ease,
  potential) by the Ibis expressions of :mod:`qiankua.opportunity.indicators` in one group-by
  pass over the integer keys, then
  entropy weights + TOPSIS over all pairs by :func:`qiankua.opportunity.ranking.rank_table`
  (Ibis on the same DuckDB) with top-20 stability from Dirichlet weight draws among the best
  20,000 pairs, and every pair's indicators and score fetched into Python, codes mapped to ISO3 /
  HS6 text on that ~1.1M-pair output through the small code tables;
* pandas: the same indicators with groupby / merge from the same flows (as a DataFrame converted
  zero-copy from Arrow; integer keys, as a careful pandas user would keep them), the same
  ranking in pandas (min-max, entropy, TOPSIS as column arithmetic, ``nlargest`` candidates) and
  the same stability kernel on the same candidates.

Both must give the same numbers (asserted). Prints a table and ends with
``rows=<N> seconds=<S> pandas_ratio=<R>`` (S = DuckDB end to end; R = pandas seconds / S). The
``cpu`` row is the process CPU time of each side (all threads): on a shared machine it moves less
than the wall-clock times.

    .venv/bin/python benchmarks/opportunity_scale.py [--rows 11000000] [--samples 100] [--pandas-order store|baci]
"""

from __future__ import annotations

import argparse
import gc
import resource
import tempfile
import time
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from qiankua.opportunity.indicators import pair_indicators
from qiankua.opportunity.mcda import topk_stability
from qiankua.opportunity.ranking import rank_table
from qiankua.store import Store
from qiankua.store import trade

YEAR = 2023
TOP = 20
CANDIDATES = 20_000
CHN = 156
# (column, benefit +1 / cost -1, log1p) as in qiankua.opportunity.scoring.CRITERIA
RANK_CRITERIA = (("demand", 1, True), ("china_share", 1, False), ("rca", 1, False))
INDICATOR_COLUMNS = ("import_prev_usd", "import_growth", "exporter_value_usd", "rca", "supply_share", "ease",
                     "potential_usd", "untapped_usd")


def generate(rows: int, seed: int = 0) -> tuple[pa.Table, pa.Table]:
    """BACI-shaped flows (integer codes) and the country-code table, as in a BACI release."""
    rng = np.random.default_rng(seed)
    n_c, n_k = 220, 5200
    codes = np.arange(4, 4 + 4 * n_c, 4, dtype=np.int32)  # BACI codes are sparse numbers (4 .. 894)
    codes[codes == CHN] = codes[0]
    codes[0] = CHN
    iso3 = [f"C{c:03d}" if c != CHN else "CHN" for c in codes]
    products = np.arange(10121, 10121 + 97 * n_k, 97, dtype=np.int32)[:n_k]  # HS6 as numbers, like BACI's k
    # exporters skewed (a few big exporters), importers and products near uniform; duplicates merge
    exp = np.minimum((rng.pareto(1.2, rows) * 8).astype(np.int32), n_c - 1)
    imp = rng.integers(0, n_c, rows, dtype=np.int32)
    imp = np.where(imp == exp, (imp + 1) % n_c, imp)
    prod = rng.integers(0, n_k, rows, dtype=np.int32)
    value = np.round(rng.lognormal(10, 2.5, rows), 3)
    flows = pa.table({
        "year": pa.array(np.full(rows, YEAR, dtype=np.int32)),
        "exporter": pa.array(codes[exp]), "importer": pa.array(codes[imp]), "hs6": pa.array(products[prod]),
        "value_usd": pa.array(value), "quantity_t": pa.nulls(rows, pa.float64()),
    })
    return flows, pa.table({"code": pa.array(codes), "iso3": pa.array(iso3)})


# ---------------------------------------------------------------------------- DuckDB (Ibis)

def _cpu() -> float:
    """CPU seconds of this process, every thread (DuckDB's workers included)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_duckdb(store: Store, samples: int) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
    times = {}
    c0 = _cpu()
    t0 = time.perf_counter()
    flows, countries = trade.flows_table(store), trade.countries_table(store)
    chn = trade.country_codes(store)["CHN"]
    times["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    ind = pair_indicators(flows, chn, YEAR)  # integer keys: product = HS6 code, market = country code
    pairs = ind.select(
        product=ind.hs6, market=ind.importer, blockers=ibis.literal(0), demand=ind.import_value_usd,
        china_share=ind.exporter_share, **{c: ind[c] for c in INDICATOR_COLUMNS},
    ).cache()  # the one pass over the 11M rows, kept for the ranking's passes
    times["indicators"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    ranking = rank_table(pairs, top_k=TOP, samples=samples, seed=0, max_candidates=CANDIDATES, materialise=False)
    times["ranking"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    # every pair's indicators and score into Python; codes -> ISO3 / HS6 text on this output only,
    # through the small code tables (220 countries, 5,200 products), as pandas does below
    every = pl.from_arrow(ranking.scored.drop([f"n_{c}" for c in ranking.criteria]).to_pyarrow())
    assert isinstance(every, pl.DataFrame)
    every, top = (_polars_names(f, countries.to_pyarrow()) for f in (every, ranking.top))
    times["names+fetch"] = time.perf_counter() - t3
    times["total"] = time.perf_counter() - t0
    times["cpu"] = _cpu() - c0
    return every, top, times


def _polars_names(frame: pl.DataFrame, countries: pa.Table) -> pl.DataFrame:
    codes = frame["product"].unique()
    return frame.with_columns(
        market=pl.col("market").replace_strict(countries["code"].to_pylist(), countries["iso3"].to_pylist(),
                                               return_dtype=pl.String),
        product=pl.col("product").replace_strict(codes, codes.cast(pl.String).str.zfill(6), return_dtype=pl.String),
    )


# ---------------------------------------------------------------------------- pandas

def pandas_indicators(df: pd.DataFrame, exporter: int) -> pd.DataFrame:
    f = df[df["year"].isin([YEAR, YEAR - 1])]
    now = f["year"] == YEAR
    # one groupby over (importer, hs6) with the three conditional sums as value columns
    v = f["value_usd"]
    base = pd.DataFrame({"importer": f["importer"], "hs6": f["hs6"], "m_now": v.where(now),
                         "m_prev": v.where(f["year"] == YEAR - 1), "x_now": v.where(now & (f["exporter"] == exporter))})
    base = base.groupby(["importer", "hs6"], sort=False).sum(min_count=1).reset_index()
    base = base[base["m_now"].notna()]
    by_k = base.groupby("hs6", sort=False).agg(x_wk=("m_now", "sum"), x_ik=("x_now", "sum"))
    x_w, x_i = base["m_now"].sum(), base["x_now"].sum()
    by_k["rca"] = np.where((by_k["x_wk"] > 0) & (x_i > 0), (by_k["x_ik"] / x_i) / (by_k["x_wk"] / x_w), 0.0)
    by_k["supply_share"] = np.where(by_k["x_wk"] > 0, by_k["x_ik"] / by_k["x_wk"], 0.0)
    out = base[base["importer"] != exporter].merge(by_k[["rca", "supply_share"]], left_on="hs6", right_index=True)
    out = out.rename(columns={"m_now": "import_value_usd", "m_prev": "import_prev_usd", "x_now": "exporter_value_usd"})
    out["exporter_value_usd"] = out["exporter_value_usd"].fillna(0.0)
    out["import_growth"] = (out["import_value_usd"] / out["import_prev_usd"] - 1.0).where(out["import_prev_usd"] > 0)
    out["hyp"] = out["supply_share"] * out["import_value_usd"]
    ease = out.groupby("importer", sort=False).agg(actual=("exporter_value_usd", "sum"), hyp=("hyp", "sum"))
    ease["ease"] = (ease["actual"] / ease["hyp"]).where(ease["hyp"] > 0)
    out = out.merge(ease[["ease"]], left_on="importer", right_index=True)
    out["exporter_share"] = (out["exporter_value_usd"] / out["import_value_usd"]).where(out["import_value_usd"] > 0)
    out["potential_usd"] = out["supply_share"] * out["import_value_usd"] * out["ease"]
    out["untapped_usd"] = (out["potential_usd"] - out["exporter_value_usd"]).clip(lower=0)
    return out.drop(columns="hyp")


def pandas_names(frame: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Codes -> ISO3 and six-digit HS text, through categoricals (one string per distinct code)."""
    out = frame.copy()
    out["market"] = out["market"].map(countries.set_index("code")["iso3"])
    products = out["product"].astype("category")
    out["product"] = products.cat.rename_categories([f"{c:06d}" for c in products.cat.categories]).astype(str)
    return out


def pandas_rank(ind: pd.DataFrame, samples: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    pairs = ind.rename(columns={"hs6": "product", "importer": "market", "import_value_usd": "demand",
                                "exporter_share": "china_share"})
    pairs["blockers"] = 0
    x = pd.DataFrame({name: np.log1p(pairs[name].clip(lower=0)) if log else pairs[name]
                      for name, _, log in RANK_CRITERIA})
    x = x.fillna(x.median())
    lo, hi = x.min(), x.max()
    span = (hi - lo).where(hi > lo, 1.0)
    n = pd.DataFrame({name: ((x[name] - lo[name]) if kind > 0 else (hi[name] - x[name])) / span[name]
                      for name, kind, _ in RANK_CRITERIA})
    n.loc[:, hi <= lo] = 0.0
    p = n / n.sum()
    with np.errstate(divide="ignore"):  # 0 ln 0 := 0
        e = -(p * np.log(p)).fillna(0.0).sum() / np.log(len(n))
    d = (1 - e).clip(lower=0)
    w = d / d.sum()
    ideal = (hi > lo).astype(float)
    dp = np.sqrt(((n - ideal) ** 2 * w**2).sum(axis=1))
    dm = np.sqrt((n**2 * w**2).sum(axis=1))
    pairs["score"] = (dm / (dp + dm)).where(dp + dm > 0, 0.5)
    feasible = pairs[pairs["blockers"] == 0]
    cand = feasible.nlargest(CANDIDATES, "score") if len(feasible) > CANDIDATES else feasible
    cand = cand.sort_values(["score", "product", "market"], ascending=[False, True, True])
    stab = topk_stability(n.loc[cand.index].to_numpy(), w.to_numpy(), TOP, samples=samples, seed=0,
                          hi=ideal.to_numpy(), lo=np.zeros(len(ideal)))
    top = cand.assign(stability=stab).head(TOP)
    return pairs, top


def run_pandas(flows: pa.Table, countries: pa.Table, samples: int) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
    times = {}
    c0 = _cpu()
    t0 = time.perf_counter()
    df = flows.select(["year", "exporter", "importer", "hs6", "value_usd"]).to_pandas()  # the columns it needs
    cc = countries.to_pandas()
    times["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    ind = pandas_indicators(df, CHN)
    times["indicators"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    every, top = pandas_rank(ind, samples)
    times["ranking"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    every, top = pandas_names(every, cc), pandas_names(top, cc)
    times["names+fetch"] = time.perf_counter() - t3
    times["total"] = time.perf_counter() - t0
    times["cpu"] = _cpu() - c0
    return pl.from_pandas(every), pl.from_pandas(top), times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=11_000_000)
    parser.add_argument("--samples", type=int, default=100, help="Dirichlet draws for rank stability")
    parser.add_argument("--pandas-order", choices=("store", "baci"), default="store",
                        help="row order of pandas' input: the store's (default) or BACI's file order")
    args = parser.parse_args()
    ibis.duckdb.connect().disconnect()  # import the backend once, outside the timings
    t = time.perf_counter()
    flows, countries = generate(args.rows)
    gen = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb") as store:
            t = time.perf_counter()
            trade.load_flows(store, flows, source="baci", file="generated", countries=countries)
            load_s = time.perf_counter() - t
            # pandas gets the very rows DuckDB reads: by default in the store's (year, importer, hs6)
            # order; --pandas-order baci gives them in BACI's file order (year, exporter, importer, hs6)
            stored = trade.flows_table(store).drop("source")
            if args.pandas_order == "baci":
                stored = stored.order_by(["year", "exporter", "importer", "hs6"])
            stored_flows = stored.to_pyarrow()
            d_all, d_top, d_t = run_duckdb(store, args.samples)
            gc.collect()
        del flows
        p_all, p_top, p_t = run_pandas(stored_flows, countries, args.samples)
    # same numbers both ways
    a = d_all.sort("market", "product")
    b = p_all.sort("market", "product")
    assert a.height == b.height, (a.height, b.height)
    assert a["product"].to_list()[:1000] == b["product"].to_list()[:1000]
    for col in ("rca", "demand", "import_growth", "china_share", "ease", "potential_usd", "untapped_usd", "score"):
        x, y = a[col].fill_null(np.nan).to_numpy(), b[col].fill_null(np.nan).to_numpy()
        assert np.allclose(x, y, rtol=1e-9, equal_nan=True), col
    assert d_top["product"].to_list() == p_top["product"].to_list()
    assert d_top["market"].to_list() == p_top["market"].to_list()
    assert np.allclose(d_top["stability"].to_numpy(), p_top["stability"].to_numpy())
    print(f"generated {args.rows:,} BACI-shaped rows in {gen:.1f} s; stored in user.trade_flows in {load_s:.1f} s "
          f"(once per release, not timed below); {a.height:,} importer x product pairs ranked; "
          f"stability: {args.samples} Dirichlet draws, top {TOP}, among the best {CANDIDATES:,} pairs; "
          f"pandas input in {args.pandas_order} order")
    print(f"| {'stage':<12} | {'DuckDB (Ibis) s':>16} | {'pandas s':>10} | {'ratio':>6} |")
    print(f"|{'-' * 14}|{'-' * 17}:|{'-' * 11}:|{'-' * 7}:|")
    for stage in ("load", "indicators", "ranking", "names+fetch", "total", "cpu"):
        ratio = f"{p_t[stage] / d_t[stage]:>6.1f}" if d_t[stage] > 0 and p_t[stage] > 0 else f"{'':>6}"
        print(f"| {stage:<12} | {d_t[stage]:>16.2f} | {p_t[stage]:>10.2f} | {ratio} |")
    print(f"rows={args.rows} seconds={d_t['total']:.2f} pandas_ratio={p_t['total'] / d_t['total']:.2f}")


if __name__ == "__main__":
    main()
