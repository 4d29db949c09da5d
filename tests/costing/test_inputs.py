"""Bad input: unknown market / HS / mode get errors naming the nearest valid values."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from qiankua.exceptions import InvalidInputError, UnknownReferenceError
from qiankua.services.costing import quote_table

BASE = dict(
    market="DE",
    hs6="090210",
    mode="9610",
    service="postal",
    platform="aliexpress",
    date="2026-08-01",
    unit_cost_cny=100.0,
    gross_kg=0.5,
)


@pytest.mark.parametrize(
    ("change", "error", "needle"),
    [
        ({"market": "DX"}, UnknownReferenceError, "DE"),  # typo of a market code
        ({"hs6": "090211"}, UnknownReferenceError, "090210"),  # HS line not on file
        ({"mode": "9601"}, UnknownReferenceError, "9610"),  # customs mode typo
        ({"service": "posta"}, UnknownReferenceError, "postal"),
        ({"date": "2026-13-01"}, InvalidInputError, "date"),  # not a calendar date
    ],
)
def test_bad_rows_name_the_nearest_valid_values(cref, change, error, needle):
    with pytest.raises(error, match=needle):
        quote_table(pl.DataFrame([{**BASE, **change}]), cref)


def test_unknown_product_names_close_ids(cref):
    with pytest.raises(UnknownReferenceError, match="duyun-maojian-250g"):
        quote_table(pl.DataFrame([{**BASE, "product_id": "duyun-maojian"}]), cref)


def test_cli_quote_json(monkeypatch):
    """`qiankua quote --json` prints one document with currency, per_unit, vat_collected_by and rules."""
    from qiankua.cli import app

    res = CliRunner().invoke(
        app,
        [
            "quote",
            "--product",
            "duyun-maojian-250g",
            "--market",
            "DE",
            "--mode",
            "9610",
            "--service",
            "postal",
            "--platform",
            "amazon",
            "--price",
            "24.99",
            "--target-margin",
            "0.25",
            "--date",
            "2026-08-01",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["currency"] == "EUR"
    for key in ("duty", "import_vat", "excise", "landed_cost", "profit", "margin"):
        assert key in doc["per_unit"]
    assert doc["vat_collected_by"] in ("border", "platform", "seller")
    assert doc["rules"] and all({"source_id", "as_of", "confidence"} <= set(r) for r in doc["rules"])
    assert doc["target_price"] > doc["break_even_price"] > 0


def test_cli_unknown_market_exits_2():
    from qiankua.cli import app

    res = CliRunner().invoke(
        app,
        [
            "quote",
            "--hs",
            "090210",
            "--value",
            "10",
            "--value-currency",
            "EUR",
            "--market",
            "XX",
            "--date",
            "2026-08-01",
            "--json",
        ],
    )
    assert res.exit_code == 2
    assert json.loads(res.stdout)["ok"] is False


def test_cli_batch(tmp_path):
    from qiankua.cli import app

    src = tmp_path / "in.csv"
    pl.DataFrame([BASE, {**BASE, "market": "US", "price": 30.0}]).write_csv(src)
    res = CliRunner().invoke(app, ["quote", "--batch", str(src), "--out", str(tmp_path / "out.csv"), "--json"])
    assert res.exit_code == 0, res.output
    assert pl.read_csv(tmp_path / "out.csv").height == 2


def test_cli_batch_takes_the_consignment_of_a_line(tmp_path):
    """A batch row that is one line of a bigger parcel states the parcel's value (``consignment_value``, in
    the row's value currency): the EU's EUR 150 duty relief (EU-2021-relief, before 2026-07-01) is judged on
    it, so a EUR 20 tin in a EUR 400 parcel pays duty; a negative consignment value names file, row, column."""
    from qiankua.cli import app

    line = {**BASE, "date": "2026-03-01", "declared_value": 160.0, "price": 40.0}  # CNY 160 = ~EUR 20
    src = tmp_path / "in.csv"
    pl.DataFrame([line, {**line, "consignment_value": 3200.0}]).write_csv(src)
    res = CliRunner().invoke(app, ["quote", "--batch", str(src), "--out", str(tmp_path / "out.csv"), "--json"])
    assert res.exit_code == 0, res.output
    out = pl.read_csv(tmp_path / "out.csv")
    alone, in_parcel = out["duty"].to_list()
    assert alone == 0 and in_parcel > 0

    bad = tmp_path / "bad.csv"
    pl.DataFrame([line, {**line, "consignment_value": -1.0}]).write_csv(bad)
    res = CliRunner().invoke(app, ["quote", "--batch", str(bad), "--out", str(tmp_path / "o2.csv"), "--json"])
    assert res.exit_code == 2
    assert "bad.csv: `consignment_value` must be a positive number: row(s) 3" in json.loads(res.stdout)["message"]
