"""The user's own tariff, excise and fee rows override the built-in ones for the same key and date,
official schedule downloads import as tariffs, and bad files write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qiankua.cli import app
from qiankua.services.costing import quote_one
from qiankua.store import Store

runner = CliRunner()
SCHEDULES = Path(__file__).parents[1] / "reference" / "data" / "schedules"
BASKET = {
    "product_id": "chishui-bamboo-woven-basket",
    "market": "US",
    "mode": "9610",
    "service": "express",
    "platform": "aliexpress",
    "price": 30.0,
}


def _import(db: Path, path: Path, table: str, *extra: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--db", str(db), "data", "import", str(path), "--table", table, "--json", *extra])
    return result.exit_code, json.loads(result.stdout)


def test_a_user_tariff_row_overrides_the_built_in_one_from_its_date(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    built_in = quote_one(BASKET | {"date": "2026-08-01"}, sensitivity=False).to_dict()
    assert "tariff_rate_missing" in built_in["flags"] and built_in["duty_range"] is not None
    mine = tmp_path / "tariffs.csv"
    mine.write_text(
        "关税区 / area,HS前缀 / hs_prefix,协定 / agreement,税率 / rate,生效日 / valid_from,来源 / source\n"
        "US,460211,MFN,0.1,2026-07-01,CBP ruling for our basket\n",
        encoding="utf-8",
    )
    code, doc = _import(db, mine, "tariffs")
    assert code == 0 and doc["rows_written"] == 1
    after = quote_one(BASKET | {"date": "2026-08-01"}, sensitivity=False, db=db).to_dict()
    assert "tariff_rate_missing" not in after["flags"] and after["duty_range"] is None
    rule = next(r for r in after["rules"] if r["table"] == "tariffs")
    assert rule["key"].startswith("user:") and rule["source_id"] == "user: CBP ruling for our basket"
    assert rule["confidence"] == "likely"  # the default for a user's row
    assert after["per_unit"]["duty"] > built_in["per_unit"]["duty"]
    before_date = quote_one(BASKET | {"date": "2026-06-01"}, sensitivity=False, db=db).to_dict()
    assert "tariff_rate_missing" in before_date["flags"]  # before the user's valid_from the built-in row applies


def test_user_excise_and_fee_rows_override(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    excise = tmp_path / "excise.csv"
    excise.write_text(
        "area,hs_prefix,per_lpa,currency,valid_from,source,confidence\n"
        "DE,2208,20,EUR,2026-01-01,Zoll notice,confirmed\n",
        encoding="utf-8",
    )
    fees = tmp_path / "fees.csv"
    fees.write_text(
        "platform,market_scope,category_group,valid_from,rate_below,rate_above,tier_mode,fee_currency,source\n"
        "aliexpress,*,*,2026-01-01,0.2,0.2,whole,USD,our seller contract\n",
        encoding="utf-8",
    )
    assert _import(db, excise, "excise")[0] == 0 and _import(db, fees, "fees")[0] == 0
    moutai = {
        "product_id": "moutai-feitian-53-500ml",
        "market": "DE",
        "mode": "9610",
        "service": "express",
        "platform": "aliexpress",
        "date": "2026-08-01",
        "price": 400.0,
    }
    base = quote_one(moutai, sensitivity=False).to_dict()
    mine = quote_one(moutai, sensitivity=False, db=db).to_dict()
    assert mine["per_unit_cny"]["excise"] == pytest.approx(base["per_unit_cny"]["excise"] * 20 / 13.03, rel=1e-4)
    assert mine["per_unit"]["commission"] == pytest.approx(400 * 0.2)
    tables = {r["table"]: r for r in mine["rules"]}
    assert tables["excise"]["confidence"] == "confirmed" and tables["channel_fees"]["key"].startswith("user:")


def test_an_official_schedule_imports_as_tariffs_with_its_date(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    hts = SCHEDULES / "usitc_hts_excerpt.csv"
    code, doc = _import(db, hts, "tariffs")
    assert code == 2 and doc["issues"][0]["column"] == "valid_from" and "--as-of" in doc["issues"][0]["reason"]
    code, doc = _import(db, hts, "tariffs", "--as-of", "2026-01-01")
    assert code == 0 and doc["rows_written"] > 0 and doc["sheets"] == ["usitc-hts"]
    with Store(db, read_only=True) as store:
        rows = store.frame("tariffs")
    assert set(rows["area"]) == {"US"} and rows["source"].str.starts_with("usitc-hts:").all()
    assert rows["valid_from"].cast(str).unique().to_list() == ["2026-01-01"]


def test_a_bad_rule_file_names_row_and_column_and_writes_nothing(tmp_path: Path):
    db = tmp_path / "q.duckdb"
    bad = tmp_path / "tariffs.csv"
    bad.write_text(
        "area,hs_prefix,agreement,rate,valid_from,source\n"
        "US,460211,MFN,0.1,2026-07-01,ok\n"
        "US,46021,MFN,-0.1,2026-07-01,negative\n"
        "US,460211,MFN,0.1,,no date\n",
        encoding="utf-8",
    )
    code, doc = _import(db, bad, "tariffs")
    assert code == 2
    cells = {(i["row"], i["column"]) for i in doc["issues"]}
    assert (3, "rate") in cells and (4, "valid_from") in cells
    with Store(db, read_only=True) as store:
        assert store.row_count("tariffs") == 0
