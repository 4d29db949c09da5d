"""``qiankua route`` end to end, the service with imported quotes, and the demo section."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qiankua.cli import app

runner = CliRunner()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_route_help(lang):
    result = runner.invoke(app, ["route", "--help"], env={"QIANKUA_LANG": lang})
    assert result.exit_code == 0 and "--weight-kg" in result.output


def test_route_json_document(tmp_path):
    result = runner.invoke(
        app,
        [
            "--db",
            str(tmp_path / "none.duckdb"),
            "route",
            "--from",
            "修文县",
            "--to",
            "DE",
            "--weight-kg",
            "300",
            "--product",
            "xiuwen-kiwifruit-fresh-5kg",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["origin"] == "520123" and doc["market"] == "DE" and doc["routes"]
    for route in doc["routes"]:
        assert {"legs", "cost_cny", "days", "kg_co2e", "pareto", "confidence"} <= set(route)
        assert all({"from", "to", "mode", "service"} <= set(leg) for leg in route["legs"])
        assert route["days"] <= 30  # the product's max transit
    assert doc["excluded"] and all("reason" in e for e in doc["excluded"])
    assert sum(r["recommended"] for r in doc["routes"]) == 1


def test_route_table_output():
    result = runner.invoke(app, ["--lang", "en", "route", "--from", "520324", "--to", "US", "--weight-kg", "2"])
    assert result.exit_code == 0, result.output
    assert "Pareto routes" in result.output and "unconfirmed" in result.output


def test_route_table_in_chinese_names_services_places_and_confidence():
    """Issue 20: a zh route table names services, gateways, legs' places and the confidence in Chinese; no
    service code, node id or English flag reaches it."""
    import re

    result = runner.invoke(
        app, ["--lang", "zh", "route", "--from", "520123", "--to", "JP", "--weight-kg", "20"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert "修文县 → 日本" in text and "国内零担汽运" in text and "东京港" in text and "未证实" in text
    raw = re.findall(r"\b(?:[a-z]+_[a-z_0-9]+|unconfirmed|likely|confirmed|CN[A-Z]{3}|JPTYO)\b", text)
    assert not [w for w in raw if w != "freight_quotes"], raw  # the import command's table name is a literal


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "nowhere", "--to", "DE", "--weight-kg", "3"],
        ["--from", "520123", "--to", "ZZ", "--weight-kg", "3"],
        ["--from", "520123", "--to", "DE", "--weight-kg", "-1"],
        ["--from", "520123", "--to", "DE", "--weight-kg", "3", "--product", "no-such-product"],
    ],
)
def test_route_bad_input_exits_2(args):
    result = runner.invoke(app, ["route", *args, "--json"])
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["ok"] is False


def test_imported_quote_overrides_through_the_service(tmp_path):
    from qiankua.services.data import import_user_file
    from qiankua.services.routing import route

    csv = tmp_path / "quotes.csv"
    csv.write_text(
        "quote_id,provider,mode,origin,destination,currency,per_m3,min_charge,valid_from\n"
        "Q9,Acme Logistics,sea_lcl,CNNSA,DEHAM,USD,5,10,2026-01-01\n",
        encoding="utf-8",
    )
    db = tmp_path / "q.duckdb"
    import_user_file(db, csv, "freight_quotes")
    result = route("520123", "DE", weight_kg=300, volume_m3=1.5, pieces=10, db=db)
    used = {leg.service for r in result.routes for leg in r.legs}
    assert "quote:Q9" in used and "sea_lcl" in used  # other ports keep the built-in LCL
    cheapest = min(result.routes, key=lambda r: r.cost_cny)
    assert any(leg.service == "quote:Q9" for leg in cheapest.legs)
