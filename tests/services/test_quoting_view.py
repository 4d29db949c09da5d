"""The quote agrees with the other engines (issue 20 item 4): it names the route the router picked (zh and en,
with days and CO2e), says when the router excludes the chosen service for the product, lists the market-entry
requirements blockers first; a user product whose HS no tariff row covers is priced with the duty named missing;
the batch path (the API's) carries the same decorations; a batch with a negative price is refused."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from qiankua.exceptions import InvalidInputError
from qiankua.services.quoting import check_batch, quote, quote_many_json
from qiankua.services.routes_view import localise_label, plan_routes


def test_route_labels_name_services_and_gateway_in_both_languages():
    zh = localise_label("truck_container > rail_cer_lcl > dest_ltl via CN-CQ-TJC", "zh")
    en = localise_label("truck_container > rail_cer_lcl > dest_ltl via CN-CQ-TJC", "en")
    assert zh.startswith("国内整车汽运 > 中欧班列拼箱 > 目的地零担派送（经 ") and "_" not in zh
    assert en.startswith("container truck > China-Europe rail LCL") and "CN-CQ-TJC" not in en


def test_planned_routes_carry_localised_labels():
    doc = plan_routes({"origin": "522636", "market": "DE", "product_id": "duyun-maojian-250g", "weight_kg": 100})
    assert doc["routes"]
    for option in doc["routes"]:
        assert "_" not in option["label_zh"] and "_" not in option["label_en"]
        assert all(leg["from_name_zh"] for leg in option["legs"])


def test_tea_quote_shows_route_and_eu_blocker_first():
    doc = quote({"product_id": "duyun-maojian-250g", "market": "DE", "service": "postal"})
    route = doc["route"]
    assert route["feasible"] and route["days"] > 0 and route["kg_co2e"] > 0
    assert "邮政/电商小包" in route["label_zh"]
    assert doc["requirements"][0]["severity"] == "blocker"  # EU pesticide MRLs (mer-009)
    assert doc["advice"] == {"shippable": True, "blocked": True, "service": "postal"}


def test_alcohol_by_post_is_flagged_with_the_routers_reasons():
    doc = quote({"product_id": "moutai-feitian-53-500ml", "market": "DE", "service": "postal"})
    assert doc["advice"]["shippable"] is False
    reasons = {e["service"]: e["reason_zh"] for e in doc["route"]["excluded"]}
    assert "post_tracked" in reasons and "酒" in " ".join(reasons.values())


def test_batch_json_has_the_same_decorations_as_a_single_quote():
    from qiankua.services.requests import quote_request

    request, _ = quote_request({"product_id": "duyun-maojian-250g", "market": "DE"})
    single = quote({"product_id": "duyun-maojian-250g", "market": "DE", "sensitivity": False})
    batched = json.loads(quote_many_json([request])[0])
    for key in ("route", "requirements", "advice", "product"):
        assert batched[key] == single[key], key


def test_user_product_without_a_tariff_rule_is_priced_with_the_duty_named_missing(tmp_path: Path):
    from qiankua.services import data

    sheet = tmp_path / "mine.csv"
    sheet.write_text(
        "产品编号,英文名称,中文名称,品类,HS编码(6位),产地县级代码,销售单位,单位货值(元),单位毛重(kg)\n"
        "my-odd-thing,Odd thing,奇物,food_other,999999,522636,piece,50,0.3\n",
        encoding="utf-8",
    )
    db = tmp_path / "q.duckdb"
    data.import_user_file(db, sheet, "products")
    doc = quote({"product_id": "my-odd-thing", "market": "US", "date": "2026-10-01"}, db)  # no US de minimis
    # priced like a built-in product (VAT, fees, logistics); the duty no row covers is counted as 0 and named
    assert doc["ok"] is True and doc["status"] == "incomplete" and "tariff_rate_missing" in doc["flags"]
    missing = next(m for m in doc["missing"] if m["flag"] == "tariff_rate_missing")
    assert "999999" in missing["detail_en"] and "美国" in missing["detail_zh"]
    assert doc["product"]["source"] == "user"
    assert doc["per_unit"]["landed_cost"] > 0 and doc["per_unit"]["import_vat"] is not None
    assert not any(r["table"] == "tariffs" for r in doc["rules"])  # no tariff row invented
    assert doc["route"]["feasible"]  # the route is still shown


def test_batch_with_a_negative_price_is_refused_naming_row_and_column():
    check_batch(pl.DataFrame({"price": [1.0, 2.0], "quantity": [1, 3]}))
    with pytest.raises(InvalidInputError, match=r"`price` must be a positive number: row\(s\) 3"):
        check_batch(pl.DataFrame({"price": [1.0, -5.0], "quantity": [1, 1]}))
    with pytest.raises(InvalidInputError, match="quantity"):
        check_batch(pl.DataFrame({"quantity": [1, 0]}))
