"""Built-in indicators from the cited figures: measured where cited, documented proxy elsewhere."""

import polars as pl
import pytest

from qiankua.opportunity.defaults import culture_score, default_indicators
from qiankua.reference import load_reference
from qiankua.services.opportunity import opportunity_tables


@pytest.fixture(scope="module")
def tea():
    ref = load_reference()
    figures, _ = opportunity_tables()
    prods = ref.products.filter(pl.col("id") == "duyun-maojian-250g")
    out = default_indicators(prods, ref.markets, figures)
    return {r["market"]: r for r in out.iter_rows(named=True)}, ref


def test_cited_tea_figures(tea):
    rows, _ref = tea
    us = rows["US"]
    assert us["demand"] == 578_600_000 and us["demand_conf"] == "likely" and us["demand_proxy"] is False
    assert us["supply_share"] == pytest.approx(1_420_000_000 / 7_330_000_000)
    assert us["china_share"] == pytest.approx(43_400_000 / 578_600_000)
    assert us["china_share_conf"] == "unconfirmed"  # Jan-Sep exports over full-year imports
    assert us["potential_usd"] == pytest.approx(578_600_000 * 1.42 / 7.33)


def test_population_proxy_where_no_figure(tea):
    rows, ref = tea
    pop = dict(zip(ref.markets["iso2"], ref.markets["population_m"], strict=True))
    cited = {
        "PK": 634.4e6,
        "US": 578.6e6,
        "GB": 377.0e6,
        "AE": 372.0e6,
        "RU": 350.9e6,
        "SA": 302.6e6,
        "DE": 241.3e6,
        "EG": 209.9e6,
        "JP": 161.3e6,
        "FR": 155.5e6,
    }
    per_capita = sorted(v / (pop[m] * 1e6) for m, v in cited.items() if pop.get(m))
    mid = len(per_capita) // 2
    median = per_capita[mid] if len(per_capita) % 2 else (per_capita[mid - 1] + per_capita[mid]) / 2
    id_ = rows["ID"]
    assert id_["demand_proxy"] is True and id_["demand_conf"] == "unconfirmed"
    assert id_["demand"] == pytest.approx(median * pop["ID"] * 1e6)
    assert rows["AT"]["demand"] is None  # no population in the markets table: missing, not invented


def test_culture_score():
    assert culture_score("national", "都匀毛尖茶") == 1.0
    assert culture_score("provincial", None) == 0.25
    assert culture_score(None, None) == 0.0
