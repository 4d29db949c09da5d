import datetime as dt

import pytest

from qiankua.exceptions import InvalidInputError
from qiankua.schema import FREIGHT_QUOTES, SHIPMENTS, USER_PRODUCTS, table_spec


@pytest.mark.parametrize(
    "header",
    [
        "shipment_id",
        "货物编号",
        "货物编号 / shipment_id",
        "货物编号/shipment_id",
        " Shipment ID ",
        "货物编号（shipment_id）",
    ],
)
def test_headers_accept_english_chinese_or_both(header):
    mapping, unknown, _ = SHIPMENTS.map_headers([header])
    assert mapping == {0: "shipment_id"} and unknown == []


def test_missing_required_columns_are_named():
    _, unknown, missing = SHIPMENTS.map_headers(["货物编号", "颜色"])
    assert unknown == ["颜色"]
    assert "exporter" in missing and "carton_kg" in missing


def test_cells_parse_chinese_booleans_dates_and_thousands():
    row = {
        "shipment_id": "s1",
        "exporter": "黔东南银饰合作社",
        "origin_adcode": "522634",
        "cartons": "1,200",
        "carton_l_cm": "４０",
        "carton_w_cm": 30,
        "carton_h_cm": 20.0,
        "carton_kg": "5.5",
        "destination": "DE",
        "stackable": "否",
        "ready_from": "2026/12/01 08:00",
    }
    good, issues = SHIPMENTS.validate_rows([(2, row)], file="x.csv")
    assert issues == []
    assert good[0]["cartons"] == 1200 and good[0]["carton_l_cm"] == 40.0
    assert good[0]["stackable"] is False
    assert good[0]["ready_from"] == dt.datetime(2026, 12, 1, 8, 0)


def test_hs_code_gets_back_the_zero_excel_dropped():
    row = {
        "id": "t",
        "name_en": "t",
        "name_zh": "茶",
        "category": "tea",
        "hs6": 90210.0,
        "origin_adcode": "522701",
        "unit": "tin",
        "unit_value_cny": "88",
        "unit_gross_kg": "0.3",
    }
    good, issues = USER_PRODUCTS.validate_rows([(2, row)], file="x.xlsx")
    assert issues == [] and good[0]["hs6"] == "090210"


def test_every_bad_cell_is_reported_with_row_and_column():
    rows = [
        (
            2,
            {
                "quote_id": "q1",
                "provider": "A",
                "mode": "boat",
                "origin": "CNKWE",
                "destination": "DE",
                "currency": "eur",
                "valid_from": "2026-13-01",
            },
        ),
        (
            3,
            {
                "quote_id": "q1",
                "provider": "A",
                "mode": "air",
                "origin": "CNKWE",
                "destination": "DE",
                "currency": "EUR",
                "valid_from": "2026-01-01",
                "per_kg": "-3",
            },
        ),
    ]
    _, issues = FREIGHT_QUOTES.validate_rows(rows, file="q.csv")
    found = {(i.row, i.column) for i in issues}
    assert found == {(2, "mode"), (2, "currency"), (2, "valid_from"), (3, "per_kg")}
    assert all(i.file == "q.csv" and i.reason for i in issues)


def test_duplicate_keys_within_a_file():
    row = {
        "order_id": "o1",
        "order_date": "2026-01-02",
        "product_id": "p",
        "market": "US",
        "channel": "amazon",
        "quantity": 1,
        "unit_price": 9.99,
        "currency": "USD",
    }
    _, issues = table_spec("sales").validate_rows([(2, row), (3, dict(row))], file="s.csv")
    assert [(i.row, i.reason) for i in issues] == [(3, "duplicate key; first seen in row 2")]


def test_unknown_table_lists_choices():
    with pytest.raises(InvalidInputError, match="freight_quotes"):
        table_spec("orders")
