"""The multi-year panel (issue 16 item 4): each year equals the one-year pipeline on DuckDB, and the same
Ibis expressions on a Spark standalone cluster (a master and two workers on loopback, started here) give
DuckDB's numbers."""

from pathlib import Path

import ibis
import numpy as np
import polars as pl
import pyarrow as pa
import pytest

from qiankua.opportunity import indicators
from qiankua.store.spark import java_available, standalone_cluster

pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
YEARS = [2021, 2022, 2023]
KEYS = ["year", "importer", "hs6"]


def _flows(rows: int = 4000, seed: int = 0) -> pa.Table:
    """Four years (2020 for the first growth) of integer-coded flows; China = 156."""
    rng = np.random.default_rng(seed)
    countries = np.array([156, 4, 8, 12, 16, 20, 24, 28, 32, 36], dtype=np.int32)
    exp = countries[np.minimum(rng.pareto(1.0, rows).astype(int), countries.size - 1)]
    imp = countries[rng.integers(0, countries.size, rows)]
    keep = exp != imp
    n = int(keep.sum())
    return pa.table(
        {
            "year": pa.array(rng.integers(2020, 2024, rows).astype(np.int32)[keep]),
            "exporter": pa.array(exp[keep]),
            "importer": pa.array(imp[keep]),
            "hs6": pa.array((rng.integers(0, 40, rows) * 97 + 10121).astype(np.int32)[keep]),
            "value_usd": pa.array(np.round(rng.lognormal(8, 2, rows), 2)[keep]),
        }
    ).slice(0, n)


def _sorted(expr) -> pl.DataFrame:
    return pl.from_arrow(expr.to_pyarrow()).sort(KEYS)


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    """Same keys, same nulls, floats equal to 1e-9 relative (USD 1e-6 absolute): sums taken in another order
    differ in the last bits, and untapped = potential - realised magnifies that by cancellation."""
    assert a.columns == b.columns and a.height == b.height
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype.is_float():
            np.testing.assert_allclose(
                x.fill_null(np.nan).to_numpy(), y.cast(pl.Float64).fill_null(np.nan).to_numpy(), rtol=1e-9, atol=1e-6
            )
        else:
            assert x.cast(pl.Int64).to_list() == y.cast(pl.Int64).to_list(), col


@pytest.fixture(scope="module")
def flows() -> pa.Table:
    return _flows()


def test_each_year_equals_the_one_year_pipeline(flows):
    con = ibis.duckdb.connect()
    t = con.create_table("flows", flows)
    panel = _sorted(indicators.panel_indicators(t, 156, YEARS))
    assert panel.columns == list(indicators.PANEL_COLUMNS)
    assert sorted(panel["year"].unique().to_list()) == YEARS
    for year in YEARS:
        one = _sorted(indicators.pair_indicators(t, 156, year).mutate(year=ibis.literal(year, "int32")))
        _same(panel.filter(pl.col("year") == year).select(one.columns), one.select(one.columns))
    # realised_avg_usd: the pair's China exports summed over the three years / 3 (a year without a flow is 0)
    f = pl.from_arrow(flows)
    by_hand = (
        f.filter((pl.col("exporter") == 156) & pl.col("year").is_in(YEARS))
        .group_by("importer", "hs6")
        .agg((pl.col("value_usd").sum() / 3).alias("avg"))
    )
    got = panel.select("importer", "hs6", "realised_avg_usd").unique().join(by_hand, on=["importer", "hs6"])
    assert got.height > 10
    np.testing.assert_allclose(got["realised_avg_usd"], got["avg"], rtol=1e-12)
    con.disconnect()


@pytest.mark.slow
@pytest.mark.skipif(not java_available(), reason="Spark needs Java (java not on the PATH)")
def test_standalone_cluster_gives_duckdbs_numbers(flows, tmp_path_factory):
    """Not local mode: a master and two workers (three JVMs, plus an executor per worker) on 127.0.0.1."""
    con = ibis.duckdb.connect()
    expected = _sorted(indicators.panel_indicators(con.create_table("flows", flows), 156, YEARS))
    con.disconnect()
    with standalone_cluster(Path(tmp_path_factory.mktemp("spark-cluster"))) as cluster:
        assert cluster.alive_workers() == 2
        session = cluster.session(app="qiankua-test-panel", partitions=2)
        try:
            assert session.sparkContext.master == cluster.url
            session.createDataFrame(flows.to_pandas()).createOrReplaceTempView("panel_flows")
            table = ibis.pyspark.connect(session).table("panel_flows")
            got = _sorted(indicators.panel_indicators(table, 156, YEARS))
            # the work ran on the cluster's executors, not in the driver
            executors = session.sparkContext._jsc.sc().getExecutorMemoryStatus().size()
            assert executors >= 3  # the driver's block manager + one executor per worker
        finally:
            session.stop()
    _same(got, expected)
