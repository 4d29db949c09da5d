"""Multi-year opportunity panel at BACI scale: 5 years x 11 million rows (55M) on DuckDB, in < 30 s and < 8 GB.

Builds a store whose ``user.trade_flows`` holds ``--years`` years of BACI-shaped flows (``--rows-per-year``
each, generated as in benchmarks/opportunity_scale.py, one year at a time through the BACI loader's path;
built once, not timed), then, each in a fresh process so that its peak resident memory is its own:

* **panel**: :func:`qiankua.opportunity.indicators.panel_indicators` — every year's pair indicators
  (imports, growth, RCA, supply share, ease, export potential, realised and unrealised) and the pair's
  average realised exports over the years, one Ibis expression, fetched into Python as Arrow;
* **baseline**: the one-year pipeline (:func:`~qiankua.opportunity.indicators.pair_indicators`) run
  once per year in the same process (what a user of the one-year path would do), same numbers.

The two must give the same rows (asserted on row counts and on the potential's total per year). DuckDB runs
with ``--memory-limit`` (default 5 GB) and its default threads. With ``--spark-rows N`` the same panel
expression also runs on a Spark standalone cluster (a master and two workers started here on loopback)
over the first N rows of every year, and must equal DuckDB on them. Ends with
``rows=<N> seconds=<S> peak_rss_gb=<G>`` (N = flows in the panel; the panel process: wall seconds of the
query and fetch, and its peak RSS including the interpreter and the Arrow result).

    .venv/bin/python benchmarks/opportunity_panel.py [--rows-per-year 11000000] [--years 5]
        [--memory-limit 5GB] [--db PATH (reuse a built store)] [--spark-rows 0]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIRST_YEAR = 2019


def _scale_module():
    spec = importlib.util.spec_from_file_location("opportunity_scale", Path(__file__).with_name("opportunity_scale.py"))
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(db: Path, rows_per_year: int, years: int) -> float:
    from qiankua.store import Store, trade

    scale = _scale_module()
    t0 = time.perf_counter()
    with Store(db) as store:
        for i in range(years):
            flows, countries = scale.generate(rows_per_year, seed=100 + i)
            year = FIRST_YEAR + i
            flows = flows.set_column(0, "year", pa.array(np.full(flows.num_rows, year, dtype=np.int32)))
            trade.load_flows(store, flows, source="baci", file=f"generated-{year}", countries=countries)
            del flows
    return time.perf_counter() - t0


def run(db: Path, mode: str, years: list[int], memory_limit: str) -> dict[str, float]:
    """One timed run in this (fresh) process; returns seconds, output rows, potential per year, peak RSS."""
    from qiankua.opportunity.indicators import pair_indicators, panel_indicators
    from qiankua.store import Store, trade

    with Store(db) as store:
        store._db.execute(f"SET memory_limit = '{memory_limit}'")
        flows = trade.flows_table(store)
        chn = trade.country_codes(store)["CHN"]
        t0 = time.perf_counter()
        if mode == "panel":
            out = panel_indicators(flows, chn, years).to_pyarrow()
            sums = out.group_by("year").aggregate([("potential_usd", "sum")])  # once: row order varies by run
            totals = dict(zip(sums["year"].to_pylist(), sums["potential_usd_sum"].to_pylist(), strict=True))
            rows = out.num_rows
        else:
            totals, rows = {}, 0
            for y in years:
                one = pair_indicators(flows, chn, y).to_pyarrow()
                totals[y] = float(pc.sum(one["potential_usd"]).as_py() or 0.0)
                rows += one.num_rows
        seconds = time.perf_counter() - t0
        n_flows = int(store._db.execute('SELECT COUNT(*) FROM "user".trade_flows').fetchone()[0])  # type: ignore[index]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB
    return {"seconds": seconds, "rows": rows, "flows": n_flows, "peak_rss_gb": peak, "totals": totals}


def child(db: Path, mode: str, years: list[int], memory_limit: str) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--db", str(db), "--memory-limit", memory_limit]
    cmd += ["--years-list", ",".join(map(str, years))]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def spark_check(db: Path, years: list[int], rows: int) -> tuple[int, float]:
    """The panel on a Spark standalone cluster over the first ``rows`` flows of each year == DuckDB's."""
    import ibis
    import polars as pl

    from qiankua.opportunity.indicators import panel_indicators
    from qiankua.store import Store, trade
    from qiankua.store.spark import standalone_cluster

    with Store(db) as store:
        parts = [
            store._db.sql(
                f'SELECT year, exporter, importer, hs6, value_usd FROM "user".trade_flows WHERE year = {y} LIMIT {rows}'
            ).to_arrow_table()
            for y in [years[0] - 1, *years]
        ]
        chn = trade.country_codes(store)["CHN"]
    flows = pa.concat_tables(parts)
    con = ibis.duckdb.connect()
    keys = ["year", "importer", "hs6"]
    expected = pl.from_arrow(panel_indicators(con.create_table("f", flows), chn, years).to_pyarrow()).sort(keys)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, standalone_cluster(Path(tmp)) as cluster:
        session = cluster.session(app="qiankua-panel-bench")
        try:
            session.createDataFrame(flows.to_pandas()).createOrReplaceTempView("bench_flows")
            table = ibis.pyspark.connect(session).table("bench_flows")
            got = pl.from_arrow(panel_indicators(table, chn, years).to_pyarrow()).sort(keys)
        finally:
            session.stop()
    took = time.perf_counter() - t0
    assert got.height == expected.height, (got.height, expected.height)
    for col in expected.columns:
        a = got[col].cast(pl.Float64).fill_null(np.nan).to_numpy()
        b = expected[col].cast(pl.Float64).fill_null(np.nan).to_numpy()
        assert np.allclose(a, b, rtol=1e-9, atol=1e-6, equal_nan=True), col
    return expected.height, took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows-per-year", type=int, default=11_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--memory-limit", default="5GB", help="DuckDB memory_limit in the timed processes")
    parser.add_argument("--db", type=Path, default=None, help="the store: reused if it exists, else built there")
    parser.add_argument("--spark-rows", type=int, default=0, help="also check the panel on a standalone cluster")
    parser.add_argument("--child", choices=("panel", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--years-list", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        years = [int(y) for y in args.years_list.split(",")]
        print(json.dumps(run(args.db, args.child, years, args.memory_limit)))
        return
    # every year of the data; the first year's growth is null (its previous year is not in the data)
    years = [FIRST_YEAR + i for i in range(args.years)]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "panel.duckdb"
        build_s = 0.0
        if not db.exists():
            build_s = build(db, args.rows_per_year, args.years)
        panel = child(db, "panel", years, args.memory_limit)
        base = child(db, "baseline", years, args.memory_limit)
        assert panel["rows"] == base["rows"], (panel["rows"], base["rows"])
        for y in years:
            a, b = panel["totals"][str(y)], base["totals"][str(y)]
            assert abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0), (y, a, b)
        spark = spark_check(db, years, args.spark_rows) if args.spark_rows else None
    flows = panel["flows"]
    print(
        f"{flows:,} BACI-shaped flows ({args.years} years of {args.rows_per_year:,}; the first year's growth is "
        f"null) {f'built in {build_s:.0f} s' if build_s else 'built by an earlier run'} (once per release, not timed); {panel['rows']:,} "
        f"year x importer x product pairs over {len(years)} years; DuckDB memory_limit {args.memory_limit}; "
        "each side in a fresh process (peak RSS is its own); machine shared with other jobs"
    )
    print(f"| {'path':<44} | {'seconds':>8} | {'peak RSS GB':>11} |")
    print(f"|{'-' * 46}|{'-' * 9}:|{'-' * 12}:|")
    print(
        f"| {'panel_indicators (one expression, all years)':<44} | {panel['seconds']:>8.2f} | {panel['peak_rss_gb']:>11.2f} |"
    )
    print(
        f"| {'baseline: pair_indicators once per year':<44} | {base['seconds']:>8.2f} | {base['peak_rss_gb']:>11.2f} |"
    )
    if spark is not None:
        print(
            f"Spark standalone cluster (master + 2 workers on loopback): the same panel over the first "
            f"{args.spark_rows:,} flows of each year, {spark[0]:,} pairs, equal to DuckDB (rtol 1e-9); "
            f"{spark[1]:.0f} s including the cluster's start"
        )
    print(f"rows={flows} seconds={panel['seconds']:.2f} peak_rss_gb={panel['peak_rss_gb']:.2f}")


if __name__ == "__main__":
    main()
