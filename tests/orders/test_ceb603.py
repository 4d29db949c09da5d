"""9610 inventory list (CEB603): the XML validates against the published field list (names, order,
namespace) and its totals equal the orders'; the Excel sheet and the waybill CSV carry the same orders.
Fixture values are made up."""

from __future__ import annotations

import csv
import datetime as dt
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from qiankua.orders import ceb603
from qiankua.services.orders import confirm_mappings, declare, import_orders
from tests.orders.conftest import FIXTURES, read

NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}
CONFIG = {
    "ebpCode": "SAMPLE-EBP",
    "ebpName": "示例平台（虚构）",
    "ebcCode": "SAMPLE-EBC",
    "ebcName": "示例电商企业（虚构）",
    "copCode": "SAMPLE-COP",
    "country_codes": {"US": "SAMPLE-US", "DE": "SAMPLE-DE"},
}


def _lines() -> pl.DataFrame:
    ids = {
        "GZ-TEA-DY250": "duyun-maojian-250g",
        "GZ-LGM-280": "laoganma-chili-crisp-280g",
        "GZ-BATIK-01": "danzhai-batik-wall-hanging",
    }
    lines = read("amazon_all_orders.txt")
    return lines.with_columns(product_id=pl.col("sku").replace_strict(ids, default=None))


def _products() -> pl.DataFrame:
    from qiankua.reference import load_reference

    return load_reference().products


def _local(tag: str) -> str:
    assert tag.startswith("{" + NS["ceb"] + "}"), tag
    return tag.split("}", 1)[1]


def test_xml_follows_the_published_field_list_and_totals_reconcile():
    lines = _lines()
    decl = ceb603.build(lines, _products(), CONFIG, app_time=dt.datetime(2026, 3, 7, 9, 0, 0))
    root = ET.fromstring(ceb603.to_xml(decl, CONFIG))
    assert _local(root.tag) == "CEB603Message" and root.get("version") == "1.0" and root.get("guid")
    inventories = root.findall("ceb:Inventory", NS)
    # one inventory per accepted, mapped, priced order: the cancelled and the unpaid orders are left out
    assert [i.find("ceb:InventoryHead/ceb:orderNo", NS).text for i in inventories] == [
        "111-0000001-0000001",
        "302-0000003-0000003",
    ]
    assert {s["reason"].split(" (")[0] for s in decl.skipped} == {"not sold"}
    head_names = [f for f, _, _ in ceb603.HEAD_FIELDS]
    list_names = [f for f, _, _ in ceb603.LIST_FIELDS]
    for inv in inventories:
        children = [_local(c.tag) for c in inv]
        assert children[0] == "InventoryHead" and set(children[1:]) == {"InventoryList"}
        assert [_local(c.tag) for c in inv.find("ceb:InventoryHead", NS)] == head_names
        items = inv.findall("ceb:InventoryList", NS)
        for n, item in enumerate(items, start=1):
            assert [_local(c.tag) for c in item] == list_names
            assert item.find("ceb:gnum", NS).text == str(n)
            qty = int(item.find("ceb:qty", NS).text)
            assert float(item.find("ceb:price", NS).text) * qty == pytest.approx(
                float(item.find("ceb:totalPrice", NS).text), abs=0.005
            )
        head = inv.find("ceb:InventoryHead", NS)
        assert head.find("ceb:ieFlag", NS).text == "E" and head.find("ceb:tradeMode", NS).text == "9610"
        assert head.find("ceb:ebpCode", NS).text == "SAMPLE-EBP"
    assert [_local(c.tag) for c in root.find("ceb:BaseTransfer", NS)] == [f for f, _, _ in ceb603.BASE_TRANSFER_FIELDS]
    # totals: Σ totalPrice per currency = the orders' goods value (price less the seller's discounts)
    declared: dict[str, float] = {}
    for inv in inventories:
        for item in inv.findall("ceb:InventoryList", NS):
            code = item.find("ceb:currency", NS).text
            declared[code] = declared.get(code, 0.0) + float(item.find("ceb:totalPrice", NS).text)
    assert declared == pytest.approx({"502": 59.98 + 8.99 - 1.00, "300": 45.00})
    assert decl.totals["USD"]["orders"] == decl.totals["USD"]["declared"] == pytest.approx(67.97)
    us = inventories[0].find("ceb:InventoryHead", NS)
    assert us.find("ceb:freight", NS).text == "4.99" and us.find("ceb:country", NS).text == "SAMPLE-US"
    assert float(us.find("ceb:grossWeight", NS).text) == pytest.approx(2 * 0.45 + 0.50)
    # codes qiankua cannot know are reported, not guessed
    assert "InventoryHead.customsCode" in decl.missing and "InventoryHead.portCode" in decl.missing


def test_declare_writes_xml_excel_and_waybills(tmp_path):
    from openpyxl import load_workbook

    db = tmp_path / "q.duckdb"
    import_orders([FIXTURES / "amazon_all_orders.txt"], db)
    confirm_mappings(
        db,
        [
            {"platform": "amazon", "key": "GZ-TEA-DY250", "product_id": "duyun-maojian-250g"},
            {"platform": "amazon", "key": "GZ-LGM-280", "product_id": "laoganma-chili-crisp-280g"},
            {"platform": "amazon", "key": "GZ-BATIK-01", "product_id": "danzhai-batik-wall-hanging"},
        ],
    )
    doc = declare(db, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), out_dir=tmp_path / "out", config=CONFIG)
    assert doc["orders"] == 2 and doc["lines"] == 3 and doc["reconciled"]
    sheet = load_workbook(doc["files"]["xlsx"]).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "系统唯一序号 / guid" and len(rows) == 1 + 3
    with open(doc["files"]["waybills"], encoding="utf-8-sig", newline="") as f:
        waybills = list(csv.DictReader(f))
    assert [w["order_no"] for w in waybills] == ["111-0000001-0000001", "302-0000003-0000003"]
    assert list(waybills[0]) == list(ceb603.WAYBILL_COLUMNS)
    assert float(waybills[0]["declared_value"]) == pytest.approx(67.97)
    ET.parse(doc["files"]["xml"])  # well-formed
    with pytest.raises(Exception, match="No orders between"):
        declare(db, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31), out_dir=tmp_path / "none")
