"""The report's orders section (the weekly margin dashboard) from the demo's SAMPLE orders: labelled as
sample, losses first, names rather than codes, the variance to the quote in words, the de minimis per
order and the unmatched carrier invoice line; and its one row in the demo."""

from __future__ import annotations

import pytest

from qiankua.report.orders import SAMPLE_NOTE, explain_variance, orders_sections
from qiankua.services.orders import demo_margins


@pytest.fixture(scope="module")
def doc():
    return demo_margins()


@pytest.fixture(scope="module")
def section(doc):
    from qiankua.reference import load_reference

    return orders_sections(load_reference(), doc)[0]


def test_the_demo_runs_on_the_sample_and_says_so(doc, section):
    assert doc["sample"] is True
    assert {f["file"] for f in doc["files"]} == {"amazon_all_orders.txt", "amazon_de_sample.txt", "aliexpress_zh.csv"}
    assert "示例" in section.title_zh and "SAMPLE" in section.title_en
    assert section.notes[0] == SAMPLE_NOTE
    assert all("SAMPLE" in label for label, _ in section.figures)


def test_lines_that_lost_money_come_first_with_names_not_codes(section):
    lines = section.tables[0].frame
    profits = lines["profit_cny"].to_list()
    assert profits == sorted(profits) and profits[0] < 0
    assert "leishan-miao-silver-necklace" not in lines["product_en"].to_list()
    assert "雷山苗族银项圈/项链（手工锻制）" in lines["product_zh"].to_list()
    assert set(lines["market_en"]) >= {"France", "Germany", "United States"}
    products = section.tables[1].frame
    assert "都匀毛尖茶 250g罐装" in products["name_zh"].to_list()
    markets = section.tables[2].frame
    assert markets["profit_cny"].to_list() == sorted(markets["profit_cny"].to_list())
    # the first recommendation names the worst order and why it lost money
    zh, en = section.recommendations[0]
    assert en.startswith("Order 8100000000000001") and "lost CNY" in en and "亏损" in zh


def test_variance_is_explained_in_words(section, doc):
    lines = section.tables[0].frame
    texts = " ".join(lines["why_en"].to_list())
    assert "logistics: invoiced vs estimated" in texts and "FX moved" in texts and "duty" in texts
    assert "物流：账单与估算之差" in " ".join(lines["why_zh"].to_list())
    row = {
        "quoted_profit_cny": 1.0,
        "v_fx": -12.345,
        "v_duty": 3.0,
        "v_fees": 0.1,
        **dict.fromkeys(("v_price", "v_product", "v_logistics", "v_logistics_invoiced", "v_vat", "v_rebate")),
        "v_refund": None,
    }
    assert explain_variance(row, "en") == "FX moved −12.35; duty (de minimis, excise) +3.00"
    assert explain_variance({"quoted_profit_cny": None}, "en") == ""


def test_de_minimis_per_order_and_unmatched_invoices_are_shown(section):
    low = section.tables[4].frame
    crossing = low.row(low["order"].to_list().index("302-0000007-0000007"), named=True)
    assert crossing["lines"] == 2 and crossing["value"] > crossing["duty_de_minimis"] == 150
    assert crossing["outcome"].startswith("按税率征税") and "tariff duty" in crossing["outcome"]
    one = low.row(low["order"].to_list().index("302-0000003-0000003"), named=True)
    assert "under the de minimis" in one["outcome"]
    unmatched = section.tables[5].frame
    assert unmatched["waybill_or_order"].to_list() == ["LP000000099CN"]
    assert "no order or waybill" in unmatched["reason"][0]


def test_the_demo_has_one_orders_row():
    from qiankua.services.demo import DEMO_ENGINES, orders_report, price_sample_orders

    rows = [e for e in DEMO_ENGINES if e.key == "orders"]
    assert len(rows) == 1 and rows[0].run is price_sample_orders and rows[0].sections is orders_report
    from qiankua.i18n import t

    assert t("orders.demo.step", "zh") != "orders.demo.step"


def test_an_empty_period_gives_an_empty_section(tmp_path):
    from qiankua.reference import load_reference
    from qiankua.services.orders import order_margins

    section = orders_sections(load_reference(), order_margins(tmp_path / "none.duckdb"))[0]
    assert section.tables[0].frame.height == 0 and section.recommendations == []
    assert "SAMPLE" not in section.title_en
