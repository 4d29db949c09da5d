"""The headline table: one row per HS line x market, measured demand before proxies, never summed across the
products of a line; lines without a potential listed with the reason."""

import polars as pl
import pytest

from qiankua.opportunity.potential import HEADLINE_COLUMNS, headline, not_estimated


def _pairs() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "product": ["tea-a", "tea-b", "tea-a", "tea-b", "tea-a", "wine", "wine"],
            "market": ["US", "US", "DE", "DE", "IN", "US", "DE"],
            "hs6": ["090210", "090230", "090210", "090230", "090210", "220890", "220890"],
            "line": ["0902", "0902", "0902", "0902", "0902", None, None],
            "potential_usd": [100.0, 100.0, 40.0, 40.0, 700.0, None, None],
            "realised_usd": [60.0, 60.0, None, None, None, None, None],
            "unrealised_usd": [40.0, 40.0, None, None, None, None, None],
            "supply_share": [0.2, 0.2, 0.2, 0.2, 0.2, None, None],
            "demand_proxy": [False, False, False, False, True, False, False],
            "potential_conf": ["unconfirmed"] * 5 + [None, None],
            "potential_basis": ["proxy: ..."] * 5 + [None, None],
            "realised_basis": ["cited"] * 2 + [None] * 5,
            "blockers": [0, 1, 0, 0, 0, 0, 0],
        }
    )


def test_one_row_per_line_and_market_measured_first():
    out = headline(_pairs())
    assert out.columns == list(HEADLINE_COLUMNS)
    # IN has the largest potential but on a demand proxy: after every measured line
    assert out.select("line", "market").rows() == [("0902", "US"), ("0902", "DE"), ("0902", "IN")]
    us = out.row(0, named=True)
    assert us["potential_usd"] == 100.0  # the line's potential, not 2 x 100 for two products
    assert us["products"] == ["tea-a", "tea-b"] and us["blocked_products"] == ["tea-b"]
    assert us["realised_share"] == pytest.approx(0.6) and us["unrealised_usd"] == 40.0
    assert out.row(1, named=True)["realised_share"] is None  # unknown realised: unknown share, not 0


def test_not_estimated_says_why():
    miss = not_estimated(_pairs())
    assert miss.rows() == [("220890", ["wine"], 2, "supply")]
    assert not_estimated(_pairs().filter(pl.col("potential_usd").is_not_null())).height == 0
