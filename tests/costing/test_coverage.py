"""Data coverage reads the compiled rules: what a quote on the day would use or flag."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from qiankua.cli import app
from qiankua.exceptions import UnknownReferenceError
from qiankua.services.costing import data_coverage, quote_one

DAY = dt.date(2026, 8, 1)


def test_coverage_agrees_with_the_quote_flags():
    cells = data_coverage(["US", "DE", "TH"], on=DAY).cells
    for market, product, hs in (
        ("US", "chishui-bamboo-woven-basket", "460211"),
        ("DE", "duyun-maojian-250g", "090210"),
        ("TH", "zhengan-electric-guitar", "920790"),
    ):
        doc = quote_one(
            {
                "product_id": product,
                "market": market,
                "mode": "9610",
                "service": "express",
                "platform": "aliexpress",
                "date": DAY.isoformat(),
                "declared_value": 500.0,
                "value_currency": "USD",
            },
            sensitivity=False,
        ).to_dict()
        state = cells.filter((cells["market"] == market) & (cells["hs6"] == hs) & (cells["figure"] == "tariff_mfn"))
        assert (state["state"][0] == "missing") == ("tariff_rate_missing" in doc["flags"]), (market, hs)


def test_figures_that_do_not_apply_are_not_counted():
    cells = data_coverage(["US", "DE"], on=DAY).cells
    excise = cells.filter(cells["figure"] == "excise")
    assert set(excise.filter(excise["hs6"] != "220890")["state"]) == {"not_applicable"}
    assert set(cells.filter((cells["market"] == "US") & (cells["figure"] == "vat_food"))["state"]) == {"not_applicable"}
    sourced = cells.filter(cells["state"] == "sourced")
    assert (
        sourced["confidence"].null_count() == 0
        and cells.filter(cells["state"] == "missing")["confidence"].null_count()
        == cells.filter(cells["state"] == "missing").height
    )


def test_cli_coverage_json_and_bad_market():
    result = CliRunner().invoke(app, ["data", "coverage", "--markets", "US,de", "--date", "2026-08-01", "--json"])
    assert result.exit_code == 0, result.stdout
    doc = json.loads(result.stdout)
    assert {r["market"] for r in doc["summary"]} == {"US", "DE"}
    t = doc["totals"]
    assert t["cells"] == t["missing"] + t["confirmed"] + t["likely"] + t["unconfirmed"]
    with pytest.raises(UnknownReferenceError):
        data_coverage(["XX"], on=DAY)
    bad = CliRunner().invoke(app, ["data", "coverage", "--markets", "XX", "--json"])
    assert bad.exit_code == 2 and "XX" in json.loads(bad.stdout)["message"]
