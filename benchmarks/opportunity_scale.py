"""Opportunity pipeline at BACI scale: indicators + ranking on DuckDB (Ibis) vs plain pandas and Polars.

Generates one year of a BACI-shaped table (``t, i, j, k, v``: year, exporter and importer as
numeric country codes, HS6 as a number, value), by default 11 million rows (~ one BACI year),
and loads it into the store's ``user.trade_flows`` through the BACI loader's path
(:func:`qiankua.store.trade.load_flows` with the country-code table, rows kept in (year,
importer, hs6) order; done once per release, so timed separately). Every side then starts from
those stored rows (pandas and Polars from the same rows, in the same order, as Arrow). End to end:

* DuckDB: the EPI indicators (RCA, supply share, import demand and growth, China's share, ease,
  potential) by the Ibis expressions of :mod:`qiankua.opportunity.indicators` in one group-by
  pass over the integer keys, then the second view's ranking by
  :func:`qiankua.opportunity.ranking.rank_table` (Ibis on the same DuckDB: demand by percent rank,
  the others min-max, product-level criteria found by a group-by product and given weight 0 — rca
  here —, entropy blended with equal weights and capped at 0.30, TOPSIS) with top-20 stability from
  Dirichlet weight draws among the best 20,000 pairs, and every pair's indicators and score fetched
  into Python, codes mapped to ISO3 / HS6 text on that ~1.1M-pair output through the small code tables;
* pandas: the same indicators with groupby / merge from the same flows (as a DataFrame converted
  zero-copy from Arrow; integer keys, as a careful pandas user would keep them), the same
  ranking in pandas (column arithmetic, ``rank``, ``groupby``, ``nlargest`` candidates) and
  the same stability kernel on the same candidates;
* Polars: the same work as lazy Polars queries (all cores), collected where the ranking needs numbers;
* DuckDB without Ibis (the floor): the same pipeline as hand-written SQL on the same connection
  (indicators into a temp table, the normalised matrix into another, the same aggregates, score-column
  cut, candidates, stability and fetch), to show how much of the DuckDB time is Ibis / Python overhead
  and how much is DuckDB's own work. ``--threads 1`` runs DuckDB on one thread (pandas always uses one).

First every side runs once on 20,000 rows, untimed (lazy imports and first calls); then the four
sides run in turn ``--repeat`` times and each side's run with the median total is reported. All
must give the same numbers (asserted). Prints a table and ends with
``rows=<N> seconds=<S> pandas_ratio=<R> polars_ratio=<P>`` (S = DuckDB (Ibis) end to end; R = pandas
seconds / S; P = Polars seconds / S). The ``cpu`` row is the process CPU time of each side (all
threads): on a shared machine it moves less than the wall-clock times.

    .venv/bin/python benchmarks/opportunity_scale.py [--rows 11000000] [--samples 100] [--pandas-order store|baci]
        [--threads N] [--repeat 3]
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
from qiankua.opportunity.mcda import entropy_weights_from_sums, topk_stability
from qiankua.opportunity.ranking import rank_table
from qiankua.opportunity.scoring import DEFAULT_WEIGHT_CAP, DEFAULT_WEIGHTING, final_weights, method_weights
from qiankua.store import Store, trade

YEAR = 2023
TOP = 20
CANDIDATES = 20_000
CHN = 156
# (column, benefit +1 / cost -1, percent rank) as in qiankua.opportunity.scoring.CRITERIA
RANK_CRITERIA = (("demand", 1, True), ("china_share", 1, False), ("rca", 1, False))
NAMES = [name for name, _, _ in RANK_CRITERIA]


def pair_weights(n: int, live: list[bool], spans: list[float], max_markets: int, sums: dict[str, tuple[float, float]]):
    """The ranking's weights from the statistics every side computes its own way (as rank_table does):
    product-level criteria (the same for every market of each product: rca here) weigh 0, entropy sums of
    the others, blended with equal weights and capped (qiankua.opportunity.scoring)."""
    product_level = [name for j, name in enumerate(NAMES) if not live[j] or spans[j] == 0.0] if max_markets > 1 else []
    idx = [j for j, name in enumerate(NAMES) if name not in product_level]
    data = np.zeros(len(NAMES))
    if idx:
        t = [sums.get(NAMES[j], (0.0, 0.0))[0] for j in idx]
        s_ = [sums.get(NAMES[j], (0.0, 0.0))[1] for j in idx]
        entropy = entropy_weights_from_sums(n, t, s_)
        data[idx] = method_weights(DEFAULT_WEIGHTING, np.array([live[j] for j in idx]), entropy, None)
    w, _ = final_weights(
        NAMES, data, {}, weighting=DEFAULT_WEIGHTING, weight_cap=DEFAULT_WEIGHT_CAP, product_level=product_level
    )
    return w, product_level


INDICATOR_COLUMNS = (
    "import_prev_usd",
    "import_growth",
    "exporter_value_usd",
    "rca",
    "supply_share",
    "ease",
    "potential_usd",
    "untapped_usd",
)


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
    flows = pa.table(
        {
            "year": pa.array(np.full(rows, YEAR, dtype=np.int32)),
            "exporter": pa.array(codes[exp]),
            "importer": pa.array(codes[imp]),
            "hs6": pa.array(products[prod]),
            "value_usd": pa.array(value),
            "quantity_t": pa.nulls(rows, pa.float64()),
        }
    )
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
        product=ind.hs6,
        market=ind.importer,
        blockers=ibis.literal(0),
        demand=ind.import_value_usd,
        china_share=ind.exporter_share,
        **{c: ind[c] for c in INDICATOR_COLUMNS},
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
        market=pl.col("market").replace_strict(
            countries["code"].to_pylist(), countries["iso3"].to_pylist(), return_dtype=pl.String
        ),
        product=pl.col("product").replace_strict(codes, codes.cast(pl.String).str.zfill(6), return_dtype=pl.String),
    )


# ---------------------------------------------------------------------------- DuckDB, hand-written SQL

INDICATORS_SQL = """
CREATE OR REPLACE TEMP TABLE bench_pairs AS
WITH base AS (
  SELECT importer, hs6, SUM(value_usd) FILTER (WHERE year = {year}) AS m_now,
         SUM(value_usd) FILTER (WHERE year = {prev}) AS m_prev,
         SUM(value_usd) FILTER (WHERE year = {year} AND exporter = {chn}) AS x_now
  FROM "user".trade_flows WHERE year IN ({year}, {prev}) GROUP BY 1, 2),
by_k AS (SELECT hs6, SUM(m_now) AS x_wk, COALESCE(SUM(x_now), 0) AS x_ik FROM base GROUP BY 1),
tot AS (SELECT SUM(x_wk) AS x_w, SUM(x_ik) AS x_i FROM by_k),
sup AS (SELECT hs6, CASE WHEN x_wk > 0 AND x_i > 0 THEN (x_ik / x_i) / (x_wk / x_w) ELSE 0 END AS rca,
               CASE WHEN x_wk > 0 THEN x_ik / x_wk ELSE 0 END AS supply_share FROM by_k, tot),
p AS (SELECT b.importer, b.hs6, b.m_now, b.m_prev, COALESCE(b.x_now, 0) AS x_now, s.rca, s.supply_share,
             s.supply_share * b.m_now AS hyp
      FROM base b JOIN sup s USING (hs6) WHERE b.m_now IS NOT NULL AND b.importer <> {chn}),
e AS (SELECT importer, CASE WHEN SUM(hyp) > 0 THEN SUM(x_now) / SUM(hyp) END AS ease FROM p GROUP BY 1)
SELECT p.hs6 AS product, p.importer AS market, 0 AS blockers, p.m_now AS demand,
       CASE WHEN p.m_now > 0 THEN p.x_now / p.m_now END AS china_share, p.m_prev AS import_prev_usd,
       CASE WHEN p.m_prev > 0 THEN p.m_now / p.m_prev - 1 END AS import_growth, p.x_now AS exporter_value_usd,
       p.rca, p.supply_share, e.ease, p.supply_share * p.m_now * e.ease AS potential_usd,
       GREATEST(p.supply_share * p.m_now * e.ease - p.x_now, 0) AS untapped_usd
FROM p JOIN e USING (importer)"""


def run_duckdb_sql(
    store: Store, samples: int, countries: pa.Table
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
    """The DuckDB side with no Ibis: hand-written SQL for the same steps (no criterion has gaps here)."""
    db = store._db
    times = {}
    c0 = _cpu()
    t0 = time.perf_counter()
    chn = trade.country_codes(store)["CHN"]
    times["load"] = time.perf_counter() - t0
    db.execute(INDICATORS_SQL.format(year=YEAR, prev=YEAR - 1, chn=chn))
    times["indicators"] = time.perf_counter() - t0
    t2 = time.perf_counter()
    stats = db.execute(
        "SELECT COUNT(*), " + ", ".join(f"MIN({k}), MAX({k})" for k in NAMES) + " FROM bench_pairs"
    ).fetchone()
    assert stats is not None
    n = int(stats[0])
    norm, live = {}, []
    for j, (name, _kind, rank) in enumerate(RANK_CRITERIA):  # every criterion is a benefit, without gaps here
        lo, hi = float(stats[1 + 2 * j]), float(stats[2 + 2 * j])
        live.append(hi > lo)
        if hi > lo and rank:
            norm[name] = f"CAST(PERCENT_RANK() OVER (ORDER BY {name}) AS DOUBLE)"
        elif hi > lo:
            norm[name] = f"({name} - {lo!r}) / {hi - lo!r}"
        else:
            norm[name] = "0.0"
    db.execute(
        "CREATE OR REPLACE TEMP TABLE bench_norm AS SELECT *, "
        + ", ".join(f"{e} AS n_{k}" for k, e in norm.items())
        + " FROM bench_pairs"
    )
    spans = db.execute(
        "SELECT MAX(c), "
        + ", ".join(f"MAX(d_{k})" for k in NAMES)
        + " FROM (SELECT product, COUNT(*) AS c, "
        + ", ".join(f"MAX(n_{k}) - MIN(n_{k}) AS d_{k}" for k in NAMES)
        + " FROM bench_norm GROUP BY product)"
    ).fetchone()
    assert spans is not None
    level = [k for j, k in enumerate(NAMES) if not live[j] or float(spans[1 + j]) == 0.0] if spans[0] > 1 else []
    pair_live = [k for j, k in enumerate(NAMES) if live[j] and k not in level]
    row = (
        db.execute(
            "SELECT "
            + ", ".join(f"SUM(n_{k}), SUM(CASE WHEN n_{k} > 0 THEN n_{k} * LN(n_{k}) ELSE 0 END)" for k in pair_live)
            + " FROM bench_norm"
        ).fetchone()
        if pair_live
        else ()
    )
    assert row is not None
    sums = {k: (float(row[2 * i]), float(row[2 * i + 1])) for i, k in enumerate(pair_live)}
    w, _level = pair_weights(n, live, [float(v) for v in spans[1:]], int(spans[0]), sums)
    terms = [(j, k) for j, k in enumerate(NAMES) if w[j] > 0]
    dp = " + ".join(f"{float(w[j] ** 2)!r} * ((n_{k} - 1) * (n_{k} - 1))" for j, k in terms)
    dm = " + ".join(f"{float(w[j] ** 2)!r} * (n_{k} * n_{k})" for j, k in terms)
    db.execute(
        "CREATE OR REPLACE TEMP VIEW bench_scored AS SELECT *, CASE WHEN _dp + _dm > 0 THEN _dm / (_dp + _dm) "
        "ELSE 0.5 END AS score FROM (SELECT *, SQRT(" + dp + ") AS _dp, SQRT(" + dm + ") AS _dm FROM bench_norm)"
    )
    scores = db.sql("SELECT score FROM bench_scored").to_arrow_table()["score"].to_numpy()
    cut = (
        float(np.partition(scores, scores.size - CANDIDATES)[scores.size - CANDIDATES])
        if scores.size > CANDIDATES
        else 0.0
    )
    cand = pl.from_arrow(db.sql(f"SELECT * FROM bench_scored WHERE score >= {cut!r}").to_arrow_table())
    assert isinstance(cand, pl.DataFrame)
    cand = cand.sort(["score", "product", "market"], descending=[True, False, False])
    stab = topk_stability(
        cand.select([f"n_{k}" for k in NAMES]).to_numpy(),
        w,
        TOP,
        samples=samples,
        seed=0,
        hi=np.array(live, dtype=np.float64),
        lo=np.zeros(len(NAMES)),
    )
    top = cand.with_columns(stability=pl.Series(stab)).head(TOP)
    times["ranking"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    every = pl.from_arrow(
        db.sql(
            "SELECT * EXCLUDE (" + ", ".join(f"n_{k}" for k in NAMES) + ", _dp, _dm) FROM bench_scored"
        ).to_arrow_table()
    )
    assert isinstance(every, pl.DataFrame)
    every, top = (_polars_names(f, countries) for f in (every, top))
    times["names+fetch"] = time.perf_counter() - t3
    times["total"] = time.perf_counter() - t0
    times["cpu"] = _cpu() - c0
    db.execute("DROP VIEW bench_scored; DROP TABLE bench_norm; DROP TABLE bench_pairs")
    return every, top, times


# ---------------------------------------------------------------------------- pandas


def pandas_indicators(df: pd.DataFrame, exporter: int) -> pd.DataFrame:
    f = df[df["year"].isin([YEAR, YEAR - 1])]
    now = f["year"] == YEAR
    # one groupby over (importer, hs6) with the three conditional sums as value columns
    v = f["value_usd"]
    base = pd.DataFrame(
        {
            "importer": f["importer"],
            "hs6": f["hs6"],
            "m_now": v.where(now),
            "m_prev": v.where(f["year"] == YEAR - 1),
            "x_now": v.where(now & (f["exporter"] == exporter)),
        }
    )
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
    pairs = ind.rename(
        columns={"hs6": "product", "importer": "market", "import_value_usd": "demand", "exporter_share": "china_share"}
    )
    pairs["blockers"] = 0
    x = pairs[NAMES].copy()
    x = x.fillna(x.median())
    lo, hi = x.min(), x.max()
    live = [bool(hi[k] > lo[k]) for k in NAMES]
    count = len(x)
    n = pd.DataFrame(index=x.index)
    for j, (name, kind, rank) in enumerate(RANK_CRITERIA):
        if not live[j]:
            n[name] = 0.0
        elif rank:  # PERCENT_RANK: ties at their lowest rank
            n[name] = (x[name].rank(method="min") - 1.0) / (count - 1)
        else:
            n[name] = ((x[name] - lo[name]) if kind > 0 else (hi[name] - x[name])) / (hi[name] - lo[name])
    grouped = n.groupby(pairs["product"], sort=False)
    spans = (grouped.max() - grouped.min()).max()
    max_markets = int(grouped.size().max())
    level = [k for j, k in enumerate(NAMES) if not live[j] or spans[k] == 0.0] if max_markets > 1 else []
    sums = {}
    for j, k in enumerate(NAMES):
        if live[j] and k not in level:
            col = n[k].to_numpy()
            pos = col > 0
            sums[k] = (float(col.sum()), float((col[pos] * np.log(col[pos])).sum()))
    w_arr, _level = pair_weights(count, live, [float(spans[k]) for k in NAMES], max_markets, sums)
    w = pd.Series(w_arr, index=NAMES)
    ideal = pd.Series([float(v) for v in live], index=NAMES)
    dp = np.sqrt(((n - ideal) ** 2 * w**2).sum(axis=1))
    dm = np.sqrt((n**2 * w**2).sum(axis=1))
    pairs["score"] = (dm / (dp + dm)).where(dp + dm > 0, 0.5)
    feasible = pairs[pairs["blockers"] == 0]
    cand = feasible.nlargest(CANDIDATES, "score") if len(feasible) > CANDIDATES else feasible
    cand = cand.sort_values(["score", "product", "market"], ascending=[False, True, True])
    stab = topk_stability(
        n.loc[cand.index].to_numpy(),
        w.to_numpy(),
        TOP,
        samples=samples,
        seed=0,
        hi=ideal.to_numpy(),
        lo=np.zeros(len(ideal)),
    )
    top = cand.assign(stability=stab).head(TOP)
    return pairs, top


def run_pandas(
    flows: pa.Table, countries: pa.Table, samples: int
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
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


# ---------------------------------------------------------------------------- Polars (lazy, all cores)


def polars_indicators(flows: pl.LazyFrame, exporter: int) -> pl.LazyFrame:
    """The same indicators as one lazy Polars query (one group-by over (importer, hs6), then joins)."""
    v, yr = pl.col("value_usd"), pl.col("year")
    now, before = yr == YEAR, yr == YEAR - 1
    base = (
        flows.filter(yr.is_in([YEAR, YEAR - 1]))
        .group_by("importer", "hs6")
        .agg(
            m_now=v.filter(now).sum(),
            n_now=now.sum(),
            m_prev=v.filter(before).sum(),
            n_prev=before.sum(),
            x_now=v.filter(now & (pl.col("exporter") == exporter)).sum(),
        )
        .filter(pl.col("n_now") > 0)  # a pair with this year's imports (sums of nothing are 0, not null)
        .with_columns(m_prev=pl.when(pl.col("n_prev") > 0).then(pl.col("m_prev")))
    )
    by_k = base.group_by("hs6").agg(x_wk=pl.col("m_now").sum(), x_ik=pl.col("x_now").sum())
    tot = by_k.select(x_w=pl.col("x_wk").sum(), x_i=pl.col("x_ik").sum())
    sup = by_k.join(tot, how="cross").select(
        "hs6",
        rca=pl.when((pl.col("x_wk") > 0) & (pl.col("x_i") > 0))
        .then((pl.col("x_ik") / pl.col("x_i")) / (pl.col("x_wk") / pl.col("x_w")))
        .otherwise(0.0),
        supply_share=pl.when(pl.col("x_wk") > 0).then(pl.col("x_ik") / pl.col("x_wk")).otherwise(0.0),
    )
    t = (
        base.filter(pl.col("importer") != exporter)
        .join(sup, on="hs6")
        .select(
            "importer",
            "hs6",
            import_value_usd=pl.col("m_now"),
            import_prev_usd=pl.col("m_prev"),
            exporter_value_usd=pl.col("x_now"),
            rca="rca",
            supply_share="supply_share",
        )
        .with_columns(hyp=pl.col("supply_share") * pl.col("import_value_usd"))
    )
    ease = t.group_by("importer").agg(actual=pl.col("exporter_value_usd").sum(), hyp=pl.col("hyp").sum())
    ease = ease.select("importer", ease=pl.when(pl.col("hyp") > 0).then(pl.col("actual") / pl.col("hyp")))
    t = t.join(ease, on="importer").with_columns(
        import_growth=pl.when(pl.col("import_prev_usd") > 0).then(
            pl.col("import_value_usd") / pl.col("import_prev_usd") - 1.0
        ),
        exporter_share=pl.when(pl.col("import_value_usd") > 0).then(
            pl.col("exporter_value_usd") / pl.col("import_value_usd")
        ),
        potential_usd=pl.col("supply_share") * pl.col("import_value_usd") * pl.col("ease"),
    )
    return t.with_columns(
        untapped_usd=pl.max_horizontal(pl.col("potential_usd") - pl.col("exporter_value_usd"), pl.lit(0.0))
    ).drop("hyp")


def polars_rank(ind: pl.LazyFrame, samples: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Percent rank / min-max, product-level criteria, entropy sums, blend + cap, TOPSIS, candidates, stability."""
    pairs = ind.rename(
        {"hs6": "product", "importer": "market", "import_value_usd": "demand", "exporter_share": "china_share"}
    ).with_columns(blockers=pl.lit(0, dtype=pl.Int32))
    pairs = pairs.with_columns(pl.col(k).fill_null(pl.col(k).median()) for k in NAMES).collect()
    count = pairs.height
    stats = pairs.select(
        *(pl.col(k).min().alias(f"lo_{k}") for k in NAMES), *(pl.col(k).max().alias(f"hi_{k}") for k in NAMES)
    ).row(0, named=True)
    live = [stats[f"hi_{k}"] > stats[f"lo_{k}"] for k in NAMES]
    exprs = []
    for j, (name, kind, rank) in enumerate(RANK_CRITERIA):
        lo, hi = stats[f"lo_{name}"], stats[f"hi_{name}"]
        if not live[j]:
            e = pl.lit(0.0)
        elif rank:  # PERCENT_RANK: ties at their lowest rank
            e = (pl.col(name).rank("min").cast(pl.Float64) - 1.0) / (count - 1)
        else:
            e = ((pl.col(name) - lo) if kind > 0 else (hi - pl.col(name))) / (hi - lo)
        exprs.append(e.alias(f"n_{name}"))
    pairs = pairs.with_columns(exprs)
    spans = (
        pairs.lazy()
        .group_by("product")
        .agg(pl.len().alias("_m"), *((pl.col(f"n_{k}").max() - pl.col(f"n_{k}").min()).alias(k) for k in NAMES))
        .select(pl.col("_m").max(), *(pl.col(k).max() for k in NAMES))
        .collect()
        .row(0, named=True)
    )
    level = [k for j, k in enumerate(NAMES) if not live[j] or spans[k] == 0.0] if spans["_m"] > 1 else []
    pair_live = [k for j, k in enumerate(NAMES) if live[j] and k not in level]
    row = pairs.select(
        *(pl.col(f"n_{k}").sum().alias(f"t_{k}") for k in pair_live),
        *(
            pl.when(pl.col(f"n_{k}") > 0)
            .then(pl.col(f"n_{k}") * pl.col(f"n_{k}").log())
            .otherwise(0.0)
            .sum()
            .alias(f"s_{k}")
            for k in pair_live
        ),
    ).row(0, named=True)
    sums = {k: (float(row[f"t_{k}"]), float(row[f"s_{k}"])) for k in pair_live}
    w, _level = pair_weights(count, live, [float(spans[k]) for k in NAMES], int(spans["_m"]), sums)
    dp = pl.lit(0.0)
    dm = pl.lit(0.0)
    for j, k in enumerate(NAMES):
        if w[j] > 0:
            gap = pl.col(f"n_{k}") - float(live[j])
            dp = dp + float(w[j] ** 2) * (gap * gap)
            dm = dm + float(w[j] ** 2) * (pl.col(f"n_{k}") * pl.col(f"n_{k}"))
    pairs = pairs.with_columns(_dp=dp.sqrt(), _dm=dm.sqrt()).with_columns(
        score=pl.when(pl.col("_dp") + pl.col("_dm") > 0)
        .then(pl.col("_dm") / (pl.col("_dp") + pl.col("_dm")))
        .otherwise(0.5)
    )
    cand = pairs.filter(pl.col("blockers") == 0)
    if cand.height > CANDIDATES:
        cut = cand["score"].top_k(CANDIDATES).min()
        cand = cand.filter(pl.col("score") >= cut)
    cand = cand.sort(["score", "product", "market"], descending=[True, False, False])
    stab = topk_stability(
        cand.select([f"n_{k}" for k in NAMES]).to_numpy(),
        w,
        TOP,
        samples=samples,
        seed=0,
        hi=np.array(live, dtype=np.float64),
        lo=np.zeros(len(NAMES)),
    )
    top = cand.with_columns(stability=pl.Series(stab)).head(TOP)
    return pairs.drop([f"n_{k}" for k in NAMES] + ["_dp", "_dm"]), top


def run_polars(
    flows: pa.Table, countries: pa.Table, samples: int
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
    times = {}
    c0 = _cpu()
    t0 = time.perf_counter()
    frame = pl.from_arrow(flows.select(["year", "exporter", "importer", "hs6", "value_usd"]))  # zero-copy
    assert isinstance(frame, pl.DataFrame)
    times["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    ind = polars_indicators(frame.lazy(), CHN).collect()
    times["indicators"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    every, top = polars_rank(ind.lazy(), samples)
    times["ranking"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    every, top = (_polars_names(f, countries) for f in (every, top))
    times["names+fetch"] = time.perf_counter() - t3
    times["total"] = time.perf_counter() - t0
    times["cpu"] = _cpu() - c0
    return every, top, times


WARM_ROWS = 20_000


def warm_up(samples: int) -> None:
    """Every side once on a small table, untimed: lazy imports and first-call paths (DuckDB backend,
    sqlglot dialect, pandas groupby, polars, numpy kernels) are paid here, not in the timed runs."""
    flows, countries = generate(WARM_ROWS, seed=1)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "warm.duckdb") as store:
        trade.load_flows(store, flows, source="baci", file="generated", countries=countries)
        run_duckdb(store, samples)
        run_duckdb_sql(store, samples, countries)
        stored = trade.flows_table(store).drop("source").to_pyarrow()
        run_pandas(stored, countries, samples)
        run_polars(stored, countries, samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=11_000_000)
    parser.add_argument("--samples", type=int, default=100, help="Dirichlet draws for rank stability")
    parser.add_argument(
        "--pandas-order",
        choices=("store", "baci"),
        default="store",
        help="row order of pandas' input: the store's (default) or BACI's file order",
    )
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: DuckDB's, one per core)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per side; the median run is reported")
    args = parser.parse_args()
    warm_up(args.samples)
    t = time.perf_counter()
    flows, countries = generate(args.rows)
    gen = time.perf_counter() - t
    runs: dict[str, list[tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]]] = {
        "ibis": [],
        "sql": [],
        "pandas": [],
        "polars": [],
    }
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        if args.threads:
            store._db.execute(f"SET threads = {int(args.threads)}")
        threads = store._db.execute("SELECT current_setting('threads')").fetchone()[0]  # type: ignore[index]
        t = time.perf_counter()
        trade.load_flows(store, flows, source="baci", file="generated", countries=countries)
        load_s = time.perf_counter() - t
        del flows
        # pandas gets the very rows DuckDB reads: by default in the store's (year, importer, hs6)
        # order; --pandas-order baci gives them in BACI's file order (year, exporter, importer, hs6)
        stored = trade.flows_table(store).drop("source")
        if args.pandas_order == "baci":
            stored = stored.order_by(["year", "exporter", "importer", "hs6"])
        stored_flows = stored.to_pyarrow()
        for _ in range(args.repeat):  # the three sides in turn, so that machine noise hits each alike
            gc.collect()
            assert not store.ibis._cache_op_to_entry, "an Ibis cached table survived the previous run"
            runs["ibis"].append(run_duckdb(store, args.samples))
            gc.collect()
            runs["sql"].append(run_duckdb_sql(store, args.samples, countries))
            gc.collect()
            runs["pandas"].append(run_pandas(stored_flows, countries, args.samples))
            gc.collect()
            runs["polars"].append(run_polars(stored_flows, countries, args.samples))
    # each side's run with the median total
    (d_all, d_top, d_t), (s_all, s_top, s_t), (p_all, p_top, p_t), (q_all, q_top, q_t) = (
        sorted(runs[side], key=lambda r: r[2]["total"])[len(runs[side]) // 2]
        for side in ("ibis", "sql", "pandas", "polars")
    )
    # the same numbers all three ways
    b = p_all.sort("market", "product")
    for other, other_top in ((d_all, d_top), (s_all, s_top), (q_all, q_top)):
        a = other.sort("market", "product")
        assert a.height == b.height, (a.height, b.height)
        assert a["product"].to_list()[:1000] == b["product"].to_list()[:1000]
        for col in ("rca", "demand", "import_growth", "china_share", "ease", "potential_usd", "untapped_usd", "score"):
            x, y = a[col].fill_null(np.nan).to_numpy(), b[col].fill_null(np.nan).to_numpy()
            # demand enters by percent rank: two demands equal in exact arithmetic can differ in the last bit
            # when summed in another order, and their tie then breaks differently: at most one rank step
            atol = 1.0 / (b.height - 1) if col == "score" else 0.0
            assert np.allclose(x, y, rtol=1e-9, atol=atol, equal_nan=True), col
        assert other_top["product"].to_list() == p_top["product"].to_list()
        assert other_top["market"].to_list() == p_top["market"].to_list()
        assert np.allclose(other_top["stability"].to_numpy(), p_top["stability"].to_numpy())
    print(
        f"generated {args.rows:,} BACI-shaped rows in {gen:.1f} s; stored in user.trade_flows in {load_s:.1f} s "
        f"(once per release, not timed below); {b.height:,} importer x product pairs ranked; "
        f"stability: {args.samples} Dirichlet draws, top {TOP}, among the best {CANDIDATES:,} pairs; "
        f"pandas input in {args.pandas_order} order; DuckDB threads {threads}; median of {args.repeat} runs per side "
        f"after a warm-up on {WARM_ROWS:,} rows"
    )
    print(
        f"| {'stage':<12} | {'DuckDB (Ibis) s':>16} | {'DuckDB SQL s':>13} | {'pandas s':>10} | {'Polars s':>9} |"
        f" {'pandas/Ibis':>11} | {'Polars/Ibis':>11} | {'Ibis/SQL':>8} |"
    )
    print(f"|{'-' * 14}|{'-' * 17}:|{'-' * 14}:|{'-' * 11}:|{'-' * 10}:|{'-' * 12}:|{'-' * 12}:|{'-' * 9}:|")

    def ratio(a: float, b: float, width: int) -> str:
        return f"{a / b:>{width}.2f}" if a > 0 and b > 0 else " " * width

    for stage in ("load", "indicators", "ranking", "names+fetch", "total", "cpu"):
        print(
            f"| {stage:<12} | {d_t[stage]:>16.2f} | {s_t[stage]:>13.2f} | {p_t[stage]:>10.2f} | {q_t[stage]:>9.2f} |"
            f" {ratio(p_t[stage], d_t[stage], 11)} | {ratio(q_t[stage], d_t[stage], 11)} |"
            f" {ratio(d_t[stage], s_t[stage], 8)} |"
        )
    print(
        f"Ibis within {d_t['total'] / s_t['total']:.2f}x of the hand-written DuckDB SQL (target <= 1.3); "
        "the machine is shared with other jobs while this runs"
    )
    print(
        f"rows={args.rows} seconds={d_t['total']:.2f} pandas_ratio={p_t['total'] / d_t['total']:.2f} "
        f"polars_ratio={q_t['total'] / d_t['total']:.2f}"
    )


if __name__ == "__main__":
    main()
