"""A user's own product is priced like a built-in one (issue 20, deliver item 1).

The costing rules are compiled for the HS lines of the user's products too, so a product imported with
``qiankua data import FILE --table products`` on a line no built-in product uses is priced by the rows that
cover it by HS prefix (export rebate, excise, tariff layers, VAT, fees, logistics), and a duty that no row
covers is counted as 0, flagged and named (``missing``), never a failure. Real DuckDB file, real importer;
the service, the CLI ``--json`` and the API give the same document.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from qiankua.cli import app
from qiankua.reference import load_reference
from qiankua.services import costing
from qiankua.services.quoting import quote

# Figures of the user's products: a silver ring on 7113.19 (jewellery of other precious metal; the built-in
# silver is 7113.11), a baijiu on 2208.20 with the built-in Moutai's unit, ABV, weights and value (the built-in
# baijiu is 2208.90), and a product on a line no rule covers at all.
PRODUCTS = (
    "产品编号,英文名称,中文名称,品类,HS编码(6位),产地县级代码,销售单位,单位货值(元),单位净重(kg),单位毛重(kg),酒精度(%vol)\n"
    "my-silver-ring,Silver ring,银戒指,silver_jewellery,711319,522634,piece,200,0.01,0.05,\n"
    "my-baijiu,My baijiu,我的白酒,baijiu,220820,520382,bottle 500 ml,1499,0.47,1.0,53\n"
    "my-odd-thing,Odd thing,奇物,food_other,999999,522636,piece,50,0.25,0.3,\n"
)
DAY = "2026-10-01"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qiankua.services import data

    folder = tmp_path_factory.mktemp("user-products")
    sheet = folder / "mine.csv"
    sheet.write_text(PRODUCTS, encoding="utf-8")
    path = folder / "q.duckdb"
    data.import_user_file(path, sheet, "products")
    return path


def _quote(db: Path | None, product: str, market: str, **extra: object) -> dict:
    fields = {"product_id": product, "market": market, "date": DAY, "sensitivity": False, **extra}
    return quote(fields, db)


def test_the_users_hs_lines_are_compiled_and_the_built_in_cells_do_not_change(db: Path):
    ref = load_reference()
    base = costing.compiled_rules(ref)
    mine = costing.compiled_rules(ref, db)
    assert {"711319", "220820", "999999"} <= set(mine.hs_codes)
    assert not {"711319", "220820", "999999"} & set(base.hs_codes)
    assert set(base.hs_codes) < set(mine.hs_codes)
    # every built-in line resolves to the same figures as without the user's products
    pick = [mine.hs_codes.index(h) for h in base.hs_codes]
    for name, arr in base.arrays.items():
        if name[:2] in ("t_", "l_", "x_") and not name.endswith("_rule") and name != "l_set":
            np.testing.assert_array_equal(mine.arrays[name][:, pick], arr, err_msg=name)
        if name == "t_mfn_rule":  # the same rows (by key), whatever their index in the registry
            keys = {i: r["key"] for i, r in enumerate(mine.registry)} | {-1: ""}
            base_keys = {i: r["key"] for i, r in enumerate(base.registry)} | {-1: ""}
            got = np.vectorize(keys.get)(mine.arrays[name][:, pick])
            np.testing.assert_array_equal(got, np.vectorize(base_keys.get)(arr))


def test_silver_ring_on_another_7113_line_is_priced_by_the_rows_that_cover_it(db: Path):
    doc = _quote(db, "my-silver-ring", "US", price=40.0)
    assert doc["ok"] and doc["product"]["source"] == "user"
    tables = {r["table"]: r["key"] for r in doc["rules"]}
    assert tables["export_rebates"] == "7113"  # China's rebate row for heading 7113
    assert "vat_rates" in tables and "channel_fees" in tables
    assert "tariffs" not in tables  # no US tariff row for 7113.19 on file: not invented
    assert doc["status"] == "incomplete" and "tariff_rate_missing" in doc["flags"]
    missing = next(m for m in doc["missing"] if m["flag"] == "tariff_rate_missing")
    assert "711319" in missing["detail_en"] and "美国" in missing["detail_zh"]
    assert doc["per_unit"]["landed_cost"] > 0 and doc["per_unit"]["profit"] is not None
    assert doc["route"]["feasible"] and doc["route"]["days"] > 0


def test_user_baijiu_on_2208_20_pays_the_same_excise_and_vat_as_moutai(db: Path):
    """The excise rows cover heading 2208, so a baijiu on 2208.20 with Moutai's figures pays Moutai's excise."""
    mine = _quote(db, "my-baijiu", "DE", price=300.0, service="express")
    moutai = _quote(None, "moutai-feitian-53-500ml", "DE", price=300.0, service="express")
    assert any(r["table"] == "excise" and r["key"].startswith("DE:2208") for r in mine["rules"])
    for line in ("excise", "import_vat", "commission", "product_cost"):
        assert mine["per_unit"][line] == pytest.approx(moutai["per_unit"][line], rel=1e-9), line
    assert mine["per_unit"]["excise"] > 0
    assert "tariff_rate_missing" in mine["flags"]  # the EU's 2208.20 line is not on file; Moutai's 2208.90 is


def test_a_line_no_rule_covers_is_priced_with_the_duty_named_missing(db: Path):
    doc = _quote(db, "my-odd-thing", "US")
    assert doc["ok"] is True and doc["status"] == "incomplete"
    assert [m["flag"] for m in doc["missing"]] == ["tariff_rate_missing"]
    assert doc["missing"][0]["zh"] and "999999" in doc["missing"][0]["detail_zh"]
    assert doc["per_unit"]["import_vat"] is not None and doc["per_unit"]["landed_cost"] > 0


def test_a_bare_hs_line_on_file_nowhere_is_no_rule_with_a_named_missing_figure(db: Path):
    doc = quote({"hs6": "999998", "declared_value": 20.0, "gross_kg": 0.3, "market": "DE", "date": DAY}, db)
    assert doc["ok"] is False and doc["status"] == "no_rule" and doc["per_unit"]["landed_cost"] is None
    assert "999998" in doc["missing"][0]["detail_en"] and "999998" in doc["reason_zh"]


def test_cli_json_is_the_service_document(db: Path):
    args = ["--db", str(db), "quote", "--product", "my-silver-ring", "--market", "US", "--date", DAY]
    result = CliRunner().invoke(app, [*args, "--price", "40", "--no-sensitivity", "--json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    service = _quote(db, "my-silver-ring", "US", price=40.0)
    assert cli["per_unit"] == service["per_unit"] and cli["missing"] == service["missing"]
    assert cli["rules"] == service["rules"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_api_gives_the_same_answer(db: Path, tmp_path: Path):
    import httpx

    from qiankua.api import Settings, create_app

    api = create_app(Settings(ui=False, home=tmp_path, db=db))
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        r = await client.post("/api/v1/quote", json={"product_id": "my-odd-thing", "market": "US", "date": DAY})
    assert r.status_code == 200, r.text
    service = _quote(db, "my-odd-thing", "US")
    assert r.json()["status"] == service["status"] == "incomplete"
    for key, want in service["per_unit"].items():
        got = r.json()["per_unit"][key]
        assert (got is None) == (want is None), key
        assert want is None or got == pytest.approx(want, rel=1e-9, abs=1e-9), key
    assert r.json()["missing"] == service["missing"]


def test_the_compile_is_reused_when_an_import_changes_neither_rules_nor_products(db: Path, tmp_path: Path):
    """Cached by content: a new file version whose rule rows and product HS lines are the same reuses it."""
    import shutil

    ref = load_reference()
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)  # a different file (and modification time), the same content
    assert costing.compiled_rules(ref, copy) is costing.compiled_rules(ref, db)


def test_cli_text_names_the_missing_duty_route_and_requirements(db: Path):
    args = ["--db", str(db), "--lang", "zh", "quote", "--product", "my-silver-ring", "--market", "US"]
    result = CliRunner().invoke(app, [*args, "--date", DAY, "--no-sensitivity"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "HS 711319 在美国没有任何关税规则" in result.output
    assert "所用线路：" in result.output and "天" in result.output
    assert "第 65 号提案" in result.output  # California Prop 65 (mer-006) covers heading 7113, in Chinese


def test_requirement_text_is_chinese_on_a_chinese_page_even_for_rows_passed_on_without_it():
    from qiankua.services.quoting import requirement_text

    bare = {"req_id": "mer-009", "authority": "European Commission", "requirement": "Pesticide MRLs …"}
    assert requirement_text(bare, "en") == ("European Commission", "Pesticide MRLs …")
    authority, text = requirement_text(bare, "zh")  # looked up by id in the reference table
    assert authority == "欧盟委员会" and "农药最大残留限量" in text
    assert requirement_text({"req_id": "phyto-unverified", "authority": "NPPO", "requirement": "x"}, "zh")[0].endswith(
        "（NPPO）"
    )
