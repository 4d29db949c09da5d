"""Order-export readers on small real-format fixtures (values made up, layouts as documented/inferred)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from qiankua.exceptions import ImportValidationError, InvalidInputError
from qiankua.orders.formats import FORMATS
from qiankua.orders.readers import LINE_COLUMNS, detect, mapped_format, read_orders
from tests.orders.conftest import FIXTURES, read


def _row(lines: pl.DataFrame, order_id: str, sku: str | None = None) -> dict:
    f = lines.filter(pl.col("order_id") == order_id)
    if sku is not None:
        f = f.filter(pl.col("sku") == sku)
    assert f.height == 1, f
    return f.row(0, named=True)


def test_amazon_all_orders_report():
    lines = read("amazon_all_orders.txt")
    assert lines.columns == list(LINE_COLUMNS)
    assert lines.height == 5
    tea = _row(lines, "111-0000001-0000001", "GZ-TEA-DY250")
    assert tea["quantity"] == 2 and tea["item_price"] == 59.98 and tea["unit_price"] == pytest.approx(29.99)
    assert tea["shipping_price"] == 4.99 and tea["currency"] == "USD" and tea["ship_country"] == "US"
    assert tea["asin"] == "B0SAMPLE01" and tea["status"] == "shipped"
    chili = _row(lines, "111-0000001-0000001", "GZ-LGM-280")
    assert chili["discount"] == 1.0  # item-promotion-discount
    # a time with an offset is kept in UTC: 18:40 at -08:00 is the next day 02:40 UTC
    cancelled = _row(lines, "111-0000002-0000002")
    assert cancelled["status"] == "cancelled"
    assert cancelled["order_time"] == dt.datetime(2026, 3, 3, 2, 40)
    assert cancelled["order_date"] == dt.date(2026, 3, 3)
    # mixed currencies in one report: the Amazon.de order is in EUR
    de = _row(lines, "302-0000003-0000003")
    assert (de["currency"], de["ship_country"], de["order_time"]) == ("EUR", "DE", dt.datetime(2026, 3, 3, 7, 0))
    # an unpaid (Pending) order outranks its item's "Unshipped"
    assert _row(lines, "111-0000004-0000004")["status"] == "pending"


def test_amazon_shipping_report_partial_shipment_and_no_prices():
    lines = read("amazon_shipping.txt")
    assert FORMATS["amazon_shipping"].basis == "documented"
    partial = _row(lines, "111-0000005-0000005")
    assert partial["status"] == "partially_shipped"
    assert (partial["quantity"], partial["quantity_shipped"]) == (3, 1)
    assert partial["item_price"] is None and partial["currency"] is None  # the report carries no prices
    assert partial["address"] == "1 Example Street, Apt 2" and partial["recipient"] == "Sample Recipient One"
    # keyed by SKU like the All Orders report, so both reports of one order land on the same line
    assert partial["item_id"] == "GZ-TEA-DY250"
    assert _row(lines, "111-0000006-0000006")["status"] == "unshipped"


def test_aliexpress_chinese_headers_gbk_cancelled_and_refunded():
    lines = read("aliexpress_zh.csv")
    assert {r["status"] for r in lines.iter_rows(named=True)} == {"shipped", "cancelled", "refunded"}
    nk = _row(lines, "8100000000000001")
    assert nk["ship_country"] == "FR" and nk["item_price"] == 189.0 and nk["tracking_no"] == "LP000000001CN"
    assert _row(lines, "8100000000000002")["item_price"] == 13.0  # unit 6.50 x 2
    assert _row(lines, "8100000000000003")["currency"] == "EUR"


def test_temu_needs_a_currency_and_reads_country_names():
    with pytest.raises(ImportValidationError) as err:
        read("temu.csv")
    assert err.value.issues[0].column == "currency" and "--currency" in err.value.issues[0].reason
    lines = read("temu.csv", currency="USD")
    dizi = _row(lines, "PO-211-00000000000001")
    assert dizi["item_id"] == "PO-211-00000000000001-01" and dizi["ship_country"] == "US"
    assert dizi["ship_postal"] == "02108"  # the header "ship postal code (Must be shipped …)" matched by prefix
    assert _row(lines, "PO-211-00000000000002")["item_price"] == pytest.approx(12.4)


def test_tiktok_description_row_day_first_dates_and_refund():
    lines = read("tiktok.csv", currency="GBP")
    assert lines.height == 2  # the description row under the headers is skipped
    tea = _row(lines, "576000000000000001")
    assert tea["order_time"] == dt.datetime(2026, 3, 2, 14, 5, 10)  # 02/03/2026 is 2 March
    assert tea["item_price"] == 24.0 and tea["discount"] == 1.0 and tea["shipping_price"] == 2.99
    refunded = _row(lines, "576000000000000002")
    assert refunded["status"] == "refunded" and refunded["refund"] == 12.0


def test_shopee_export():
    lines = read("shopee.csv", currency="SGD")
    assert _row(lines, "260305ABCDEF01")["status"] == "delivered"
    assert _row(lines, "260305ABCDEF01")["item_price"] == 68.0
    assert _row(lines, "260305ABCDEF02")["status"] == "cancelled"


def test_mapped_reader_from_a_column_map():
    import json

    spec = json.loads((FIXTURES / "mapped_shop.json").read_text())
    lines = read("mapped_shop.csv", fmt=mapped_format(spec))
    assert set(lines["platform"]) == {"ownshop"}
    first = _row(lines, "E-1001")
    assert (first["status"], first["ship_country"], first["item_price"]) == ("unshipped", "AU", 60.0)
    assert first["order_time"] == dt.datetime(2026, 3, 6, 8, 0)


def test_unknown_platform_is_named():
    with pytest.raises(InvalidInputError, match=r"shop\.csv: unknown platform"):
        detect(["No.", "Date", "Qty"], "shop.csv")


def test_missing_required_column_names_file_row_and_column():
    frame = pl.DataFrame({"amazon-order-id": ["1"], "purchase-date": ["2026-03-01"], "sku": ["A"], "quantity": ["1"]})
    with pytest.raises(ImportValidationError) as err:
        read_orders(frame, "amazon_orders", file="x.txt")
    issue = err.value.issues[0]
    assert (issue.file, issue.row, issue.column) == ("x.txt", 1, "ship country")
    assert "required column missing" in issue.reason


def _amazon(date: str, price: str = "10.00") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "amazon-order-id": ["1", "2"],
            "purchase-date": ["2026-03-01T10:00:00+00:00", date],
            "sku": ["A", "B"],
            "quantity": ["1", "1"],
            "currency": ["USD", "USD"],
            "item-price": ["5.00", price],
            "ship-country": ["US", "US"],
        }
    )


def test_unknown_date_format_names_the_row():
    with pytest.raises(ImportValidationError) as err:
        read_orders(_amazon("the first of March"), "amazon_orders", file="x.txt")
    issue = err.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (3, "purchase-date", "the first of March")
    assert issue.reason.startswith("unknown date format")


def test_bad_number_is_named():
    with pytest.raises(ImportValidationError) as err:
        read_orders(_amazon("2026-03-01", price="ten"), "amazon_orders", file="x.txt")
    assert (err.value.issues[0].row, err.value.issues[0].reason) == (3, "not a number")


def test_totals_that_do_not_add_up_are_refused():
    import json

    spec = json.loads((FIXTURES / "mapped_shop.json").read_text())
    frame = pl.read_csv(FIXTURES / "mapped_shop.csv", infer_schema=False)
    bad = frame.with_columns(
        pl.when(pl.col("No.") == "E-1002").then(pl.lit("26.00")).otherwise(pl.col("Total")).alias("Total")
    )
    with pytest.raises(ImportValidationError) as err:
        read_orders(bad, mapped_format(spec), file="shop.csv")
    issue = err.value.issues[0]
    assert (issue.row, issue.column) == (3, "Total") and "does not add up" in issue.reason
    # TikTok: the SKU subtotal after discount must be before discount minus the discounts
    tk = pl.read_csv(FIXTURES / "tiktok.csv", infer_schema=False)
    tk = tk.with_columns(
        pl.when(pl.col("Order ID") == "576000000000000001")
        .then(pl.lit("99.00"))
        .otherwise(pl.col("SKU Subtotal After Discount"))
        .alias("SKU Subtotal After Discount")
    )
    with pytest.raises(ImportValidationError, match="do not add up"):
        read_orders(tk, "tiktok", file="tiktok.csv", currency="GBP")


def test_unknown_status_is_refused():
    frame = _amazon("2026-03-01").with_columns(pl.Series("order-status", ["Shipped", "Teleported"]))
    with pytest.raises(ImportValidationError) as err:
        read_orders(frame, "amazon_orders", file="x.txt")
    assert err.value.issues[0].value == "Teleported"


def test_naive_times_in_a_given_time_zone():
    frame = _amazon("2026-03-02 07:30:00")
    lines = read_orders(frame, "amazon_orders", file="x.txt", tz="Asia/Shanghai")
    assert lines["order_time"][1] == dt.datetime(2026, 3, 1, 23, 30)
    assert lines["order_date"][1] == dt.date(2026, 3, 1)


# ----------------------------------------------------------------------------- the fast paths (made-up values)


def _aliexpress(rows: list[tuple[str, str, str, str, str, str]]) -> pl.DataFrame:
    """An AliExpress-layout table of cells: order id, time, SKU, quantity, unit price, shipping."""
    cols = ("订单号", "下单时间", "商品编码", "产品数量", "产品单价", "运费")
    frame = pl.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], schema=dict.fromkeys(cols, pl.String))
    return frame.with_columns(
        pl.lit("等待买家收货").alias("订单状态"), pl.lit("USD").alias("币种"), pl.lit("FR").alias("收货国家")
    )


def test_a_sku_repeated_in_one_order_gets_numbered_lines():
    frame = _aliexpress(
        [
            ("81", "2026-03-01 10:00:00", "GZ-A", "1", "5", "0"),
            ("81", "2026-03-01 10:00:00", "GZ-B", "1", "5", "0"),
            ("81", "2026-03-01 10:00:00", "GZ-A", "2", "5", "0"),
            ("82", "2026-03-01 11:00:00", "GZ-A", "1", "5", "0"),
            ("81", "2026-03-01 10:00:00", "GZ-A", "3", "5", "0"),
        ]
    )
    lines = read_orders(frame, "aliexpress", file="x.csv")
    assert lines["item_id"].to_list() == ["GZ-A", "GZ-B", "GZ-A#2", "GZ-A", "GZ-A#3"]
    assert lines["quantity"].to_list() == [1, 1, 2, 1, 3]
    assert lines["source_row"].to_list() == [2, 3, 4, 5, 6]


def test_order_level_money_is_spread_and_zero_or_empty_kept():
    spread = _aliexpress(
        [
            ("81", "2026-03-01 10:00:00", "GZ-A", "3", "10", "8"),  # goods 30 of 40: 3/4 of the shipping
            ("81", "2026-03-01 10:00:00", "GZ-B", "1", "10", "8"),
            ("82", "2026-03-01 11:00:00", "GZ-A", "1", "10", "0"),
        ]
    )
    assert read_orders(spread, "aliexpress", file="x.csv")["shipping_price"].to_list() == [6.0, 2.0, 0.0]
    zero = spread.with_columns(pl.lit("0").alias("运费"))
    assert read_orders(zero, "aliexpress", file="x.csv")["shipping_price"].to_list() == [0.0, 0.0, 0.0]
    empty = spread.with_columns(pl.lit("").alias("运费"))
    assert read_orders(empty, "aliexpress", file="x.csv")["shipping_price"].to_list() == [None, None, None]


def test_several_date_layouts_in_one_column_are_all_read():
    frame = _aliexpress(
        [
            ("81", "2026-03-01 10:15:00", "GZ-A", "1", "5", "0"),
            ("82", "2026-03-02 11:00", "GZ-A", "1", "5", "0"),
            ("83", "2026/03/03 12:30:00", "GZ-A", "1", "5", "0"),
            ("84", " 2026-03-04T09:00:00 ", "GZ-A", "1", "5", "0"),
        ]
    )
    lines = read_orders(frame, "aliexpress", file="x.csv", tz="Asia/Shanghai")
    assert lines["order_time"].to_list() == [
        dt.datetime(2026, 3, 1, 2, 15),
        dt.datetime(2026, 3, 2, 3, 0),
        dt.datetime(2026, 3, 3, 4, 30),
        dt.datetime(2026, 3, 4, 1, 0),
    ]
