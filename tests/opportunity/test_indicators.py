"""The Ibis indicator pipeline: hand-worked values on DuckDB, the same results on PySpark local."""

from pathlib import Path

import ibis
import polars as pl
import pytest

from qiankua.opportunity import indicators
from tests.opportunity.conftest import FLOWS

# py4j (PySpark's JVM bridge) leaves sockets for the garbage collector
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

SAMPLE = Path("/work/shared/benchmarks/trade/ecomplexity_trade_data_sample.csv")


def _frame(expr) -> pl.DataFrame:
    return pl.from_arrow(expr.to_pyarrow())


@pytest.fixture()
def duck():
    con = ibis.duckdb.connect()
    yield con.create_table("flows", FLOWS)
    con.disconnect()


def test_pair_indicators_by_hand(duck):
    out = _frame(indicators.pair_indicators(duck, "CHN", 2023)).sort("importer", "hs6")
    assert out["importer"].to_list() == ["GBR", "GBR", "USA", "USA"]  # China's own imports excluded
    rows = {(r["importer"], r["hs6"]): r for r in out.iter_rows(named=True)}
    rca_a = (40 / 50) / (65 / 105)
    rca_b = (10 / 50) / (40 / 105)
    s_a, s_b = 40 / 65, 10 / 40
    usa, gbr = rows[("USA", "090210")], rows[("GBR", "220890")]
    assert usa["rca"] == pytest.approx(rca_a) and gbr["rca"] == pytest.approx(rca_b)
    assert usa["import_value_usd"] == 50 and usa["import_prev_usd"] == 40
    assert usa["import_growth"] == pytest.approx(0.25)
    assert rows[("USA", "220890")]["import_growth"] is None
    assert usa["exporter_share"] == pytest.approx(0.6) and gbr["exporter_share"] == 0.0
    ease_usa = 40 / (s_a * 50 + s_b * 10)
    ease_gbr = 10 / (s_a * 10 + s_b * 30)
    assert usa["ease"] == pytest.approx(ease_usa) and gbr["ease"] == pytest.approx(ease_gbr)
    assert usa["potential_usd"] == pytest.approx(s_a * 50 * ease_usa)
    assert usa["untapped_usd"] == pytest.approx(max(s_a * 50 * ease_usa - 30, 0))
    assert gbr["untapped_usd"] == pytest.approx(s_b * 30 * ease_gbr)


def test_filters_keep_world_totals(duck):
    out = _frame(indicators.pair_indicators(duck, "CHN", 2023, importers=["USA"], products=["090210"]))
    assert out.height == 1 and out["rca"][0] == pytest.approx((40 / 50) / (65 / 105))


def test_province_rca_by_hand(duck):
    con = duck.get_backend()
    gz = con.create_table("gz", pl.DataFrame({"hs6": ["090210", "220890"], "value_usd": [1.0, 9.0]}).to_arrow())
    out = _frame(indicators.province_rca(gz, duck, 2023)).sort("hs6")
    assert out["province_rca"].to_list() == pytest.approx([(0.1) / (65 / 105), (0.9) / (40 / 105)])


def _sample_flows() -> pl.DataFrame:
    raw = pl.read_csv(SAMPLE, schema_overrides={"hs92": pl.String})
    return raw.select(
        pl.col("year").cast(pl.Int32),
        pl.col("origin").alias("exporter"),
        pl.lit("WLD").alias("importer"),
        pl.col("hs92").str.zfill(6).alias("hs6"),
        pl.col("export_val").alias("value_usd"),
    )


def test_rca_on_real_panel_matches_direct_formula():
    flows = _sample_flows()
    con = ibis.duckdb.connect()
    t = con.create_table("flows", flows.to_arrow())
    got = _frame(indicators.product_supply(t, "deu", 1995)).sort("hs6")
    y = flows.filter(pl.col("year") == 1995)
    x_w = y["value_usd"].sum()
    deu = y.filter(pl.col("exporter") == "deu")
    x_i = deu["value_usd"].sum()
    expect = (
        y.group_by("hs6")
        .agg(x_wk=pl.col("value_usd").sum())
        .join(deu.select("hs6", x_ik="value_usd"), on="hs6")
        .with_columns(rca=(pl.col("x_ik") / x_i) / (pl.col("x_wk") / x_w))
        .sort("hs6")
    )
    assert got["hs6"].to_list() == expect["hs6"].to_list()
    assert got["rca"].to_list() == pytest.approx(expect["rca"].to_list(), rel=1e-12)
    # identity: sum_k RCA_k * (x_wk / x_w) = sum_k x_ik / x_i = 1
    assert (got["rca"] * got["x_wk"] / x_w).sum() == pytest.approx(1.0)


def _compare(a: pl.DataFrame, b: pl.DataFrame, keys: list[str]) -> None:
    a, b = a.sort(keys), b.sort(keys)
    assert a.columns == b.columns and a.height == b.height
    for col in a.columns:
        if a[col].dtype.is_float():
            left, right = a[col].to_list(), b[col].to_list()
            for x, y in zip(left, right, strict=True):
                assert (x is None and y is None) or x == pytest.approx(y, rel=1e-9), col
        else:
            assert a[col].to_list() == b[col].to_list(), col


def _view(spark, con, name, frame):
    spark.createDataFrame(frame).createOrReplaceTempView(name)
    return con.table(name)


CODES = {"CHN": 156, "DEU": 276, "GBR": 826, "USA": 842}


def _coded(frame: pl.DataFrame) -> pl.DataFrame:
    """FLOWS as the store keeps them: integer country codes and HS6 numbers."""
    return frame.with_columns(
        pl.col("exporter").replace_strict(CODES, return_dtype=pl.Int32),
        pl.col("importer").replace_strict(CODES, return_dtype=pl.Int32),
        pl.col("hs6").cast(pl.Int32),
    )


def test_integer_codes_give_the_same_pairs_once_named(duck):
    con = duck.get_backend()
    coded = con.create_table("coded", _coded(pl.from_arrow(FLOWS)).to_arrow())
    countries = con.create_table("cc", pl.DataFrame({"code": list(CODES.values()), "iso3": list(CODES)}).to_arrow())
    named = _frame(
        indicators.named_pairs(indicators.pair_indicators(coded, 156, 2023, importers=[842, 826]), countries)
    )
    _compare(
        named.select(indicators.PAIR_COLUMNS),
        _frame(indicators.pair_indicators(duck, "CHN", 2023)),
        ["importer", "hs6"],
    )


def _ranked(table):
    from qiankua.opportunity.ranking import rank_table

    pairs = table.mutate(
        product=table.hs6,
        market=table.importer,
        blockers=ibis.literal(0),
        demand=table.import_value_usd,
        growth=table.import_growth,
        china_share=table.exporter_share,
    )
    r = rank_table(pairs, top_k=3, samples=20, seed=1)
    return r, _frame(r.scored.select("product", "market", "score"))


@pytest.mark.slow
def test_same_results_on_duckdb_and_pyspark(duck, spark):
    con = ibis.pyspark.connect(spark)
    sp = _view(spark, con, "flows_hand", FLOWS.to_pandas())
    _compare(
        _frame(indicators.pair_indicators(duck, "CHN", 2023)),
        _frame(indicators.pair_indicators(sp, "CHN", 2023)),
        ["importer", "hs6"],
    )
    # the store's integer-coded layout, names put back on the output, and the ranking on the backend
    coded = _coded(pl.from_arrow(FLOWS))
    cc = pl.DataFrame({"code": list(CODES.values()), "iso3": list(CODES)}, schema_overrides={"code": pl.Int32})
    dcon = duck.get_backend()
    d_pairs = indicators.named_pairs(
        indicators.pair_indicators(dcon.create_table("coded2", coded.to_arrow()), 156, 2023),
        dcon.create_table("cc2", cc.to_arrow()),
    )
    s_pairs = indicators.named_pairs(
        indicators.pair_indicators(_view(spark, con, "coded", coded.to_pandas()), 156, 2023),
        _view(spark, con, "cc", cc.to_pandas()),
    )
    _compare(_frame(d_pairs), _frame(s_pairs), ["importer", "hs6"])
    d_rank, d_scores = _ranked(d_pairs)
    s_rank, s_scores = _ranked(s_pairs)
    assert d_rank.weights == pytest.approx(s_rank.weights, rel=1e-9)
    assert d_rank.top["market"].to_list() == s_rank.top["market"].to_list()
    assert d_rank.top["stability"].to_list() == pytest.approx(s_rank.top["stability"].to_list())
    _compare(d_scores, s_scores, ["product", "market"])
