"""Storing order lines: idempotent re-uploads, updates, merges, all-or-nothing imports, the sales feed
(a real DuckDB file; sample fixtures with made-up values)."""

from __future__ import annotations

import polars as pl
import pytest

from qiankua.exceptions import ImportValidationError
from qiankua.services.orders import confirm_mappings, import_orders
from qiankua.store import Store
from tests.orders.conftest import FIXTURES


@pytest.fixture
def db(tmp_path):
    return tmp_path / "q.duckdb"


def _orders(db) -> pl.DataFrame:
    with Store(db, read_only=True) as s:
        return s.frame("orders")


def _sales(db) -> pl.DataFrame:
    with Store(db, read_only=True) as s:
        return s.frame("sales").sort("order_id", "product_id")


MAPS = [
    {"platform": "amazon", "key": "GZ-TEA-DY250", "product_id": "duyun-maojian-250g"},
    {"platform": "amazon", "key": "GZ-LGM-280", "product_id": "laoganma-chili-crisp-280g"},
    {"platform": "amazon", "key": "GZ-BATIK-01", "product_id": "danzhai-batik-wall-hanging"},
]


def test_reupload_is_idempotent_and_updates_replace(db, tmp_path):
    first = import_orders([FIXTURES / "amazon_all_orders.txt"], db)
    assert (first["new"], first["updated"], first["duplicates"]) == (5, 0, 0)
    before = _orders(db).drop("imported_at").sort("order_id", "item_id")
    again = import_orders([FIXTURES / "amazon_all_orders.txt"], db)
    assert (again["new"], again["updated"], again["duplicates"]) == (0, 0, 5)
    assert _orders(db).drop("imported_at").sort("order_id", "item_id").equals(before)
    # a newer report: the pending order is now cancelled -> one line updated, nothing duplicated
    text = (FIXTURES / "amazon_all_orders.txt").read_text(encoding="utf-8")
    newer = tmp_path / "newer.txt"
    newer.write_text(text.replace("\tPending\t", "\tCancelled\t"), encoding="utf-8")
    upd = import_orders([newer], db)
    assert (upd["new"], upd["updated"], upd["duplicates"]) == (0, 1, 4)
    stored = _orders(db)
    assert stored.height == 5
    assert stored.filter(pl.col("order_id") == "111-0000004-0000004")["status"].to_list() == ["cancelled"]


def test_shipping_report_merges_into_the_priced_lines(db):
    import_orders([FIXTURES / "amazon_all_orders.txt"], db)
    text = (FIXTURES / "amazon_shipping.txt").read_text(encoding="utf-8")
    # the same order as in the All Orders report: its line gains the shipping data and keeps its price
    merged = text.replace("111-0000005-0000005", "111-0000001-0000001")
    path = db.parent / "ship.txt"
    path.write_text(merged, encoding="utf-8")
    doc = import_orders([path], db)
    assert doc["updated"] == 1 and doc["new"] == 1
    line = _orders(db).filter((pl.col("order_id") == "111-0000001-0000001") & (pl.col("sku") == "GZ-TEA-DY250"))
    assert line.height == 1
    row = line.row(0, named=True)
    assert row["item_price"] == 59.98 and row["recipient"] == "Sample Recipient One"
    assert row["status"] == "partially_shipped"


def test_a_bad_file_writes_nothing(db, tmp_path):
    import_orders([FIXTURES / "amazon_all_orders.txt"], db)
    with Store(db, read_only=True) as s:
        digest = s.content_digest()
    bad = tmp_path / "bad.txt"
    text = (FIXTURES / "amazon_all_orders.txt").read_text(encoding="utf-8")
    bad.write_text(text.replace("2026-03-04T12:00:00+00:00", "4th of March"), encoding="utf-8")
    with pytest.raises(ImportValidationError) as err:
        import_orders([FIXTURES / "aliexpress_zh.csv", bad], db)  # the good file is not written either
    issue = err.value.issues[0]
    assert (issue.file, issue.row, issue.column) == ("bad.txt", 6, "purchase-date")
    unknown = tmp_path / "other.csv"
    unknown.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match=r"other\.csv") as err2:
        import_orders([unknown], db)
    assert "unknown platform" in err2.value.issues[0].reason
    with Store(db, read_only=True) as s:
        assert s.content_digest() == digest


def test_accepted_mapped_orders_feed_sales(db):
    doc = import_orders(
        [FIXTURES / "amazon_all_orders.txt", FIXTURES / "amazon_shipping.txt", FIXTURES / "aliexpress_zh.csv"], db
    )
    assert doc["sales_rows"] == 0  # nothing mapped yet (one title matched exactly, but that order is cancelled)
    assert {u["sku"] for u in doc["unmapped"]} >= {"GZ-TEA-DY250", "GZ-LGM-280"}
    tea = next(u for u in doc["unmapped"] if u["sku"] == "GZ-TEA-DY250" and u["platform"] == "amazon")
    assert tea["suggestions"][0]["product_id"] == "duyun-maojian-250g"
    out = confirm_mappings(db, MAPS)
    assert out["mappings"] == 3
    sales = _sales(db)
    # accepted lines only: the cancelled and the unpaid orders are not sales; the shipping report's lines have
    # no price and are not sales yet; one row per order and product
    assert sales["order_id"].to_list() == [
        "amazon:111-0000001-0000001",
        "amazon:111-0000001-0000001",
        "amazon:302-0000003-0000003",
    ]
    row = sales.filter(pl.col("product_id") == "laoganma-chili-crisp-280g").row(0, named=True)
    assert (row["quantity"], float(row["unit_price"]), row["currency"], row["market"], row["channel"]) == (
        1,
        7.99,  # 8.99 less the 1.00 promotion
        "USD",
        "US",
        "amazon",
    )
    # re-uploading changes nothing; a cancellation removes the sale
    import_orders([FIXTURES / "amazon_all_orders.txt"], db)
    assert _sales(db).height == 3
    text = (FIXTURES / "amazon_all_orders.txt").read_text(encoding="utf-8")
    cancelled = db.parent / "cancel.txt"
    cancelled.write_text(
        text.replace("Handgemachter", "Handgemachter").replace(
            "\tShipped\tMerchant\tAmazon.de", "\tCancelled\tMerchant\tAmazon.de"
        ),
        encoding="utf-8",
    )
    import_orders([cancelled], db)
    assert "amazon:302-0000003-0000003" not in _sales(db)["order_id"].to_list()


def test_remembered_mapping_applies_on_the_next_import(db):
    confirm_mappings(
        db, [{"platform": "aliexpress", "key": "GZ-SILVER-NK", "product_id": "leishan-miao-silver-necklace"}]
    )
    doc = import_orders([FIXTURES / "aliexpress_zh.csv"], db)
    stored = _orders(db).filter(pl.col("sku") == "GZ-SILVER-NK")
    assert stored["product_id"].to_list() == ["leishan-miao-silver-necklace"]
    assert stored["map_method"].to_list() == ["remembered_sku"]
    assert doc["sales_rows"] == 1


def test_unknown_product_in_a_mapping_is_refused(db):
    from qiankua.exceptions import InvalidInputError

    with pytest.raises(InvalidInputError, match="unknown product 'duyun-maojian'"):
        confirm_mappings(db, [{"platform": "amazon", "key": "X", "product_id": "duyun-maojian"}])


def test_new_platform_takes_the_insert_path_and_keys_stay_unique(db):
    from qiankua.orders.mapping import apply_mappings
    from qiankua.services.orders import read_lines
    from qiankua.store.orders import load_mappings, upsert_orders

    import_orders([FIXTURES / "amazon_all_orders.txt"], db)
    # no AliExpress line stored yet: all new (no key lookup), the Amazon lines untouched
    first = import_orders([FIXTURES / "aliexpress_zh.csv"], db)
    assert (first["new"], first["updated"], first["duplicates"]) == (first["lines"], 0, 0)
    again = import_orders([FIXTURES / "aliexpress_zh.csv", FIXTURES / "amazon_all_orders.txt"], db)
    assert again["new"] == 0 and again["duplicates"] == again["lines"]
    stored = _orders(db)
    assert stored.height == first["lines"] + 5
    assert stored.select(pl.struct("platform", "order_id", "item_id").is_unique().all()).item()
    # the connection's insertion-order setting is as it was after an upsert
    lines, _, _ = read_lines([FIXTURES / "amazon_all_orders.txt"])
    with Store(db) as s:
        con = s.ibis.con
        before = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
        mapped = apply_mappings(
            lines, load_mappings(s), pl.DataFrame(schema={"id": str, "name_en": str, "name_zh": str})
        )
        upsert_orders(s, mapped, file_names=["x"], sha256="x")
        assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0] == before


def test_blank_lines_before_the_header_and_between_rows_keep_the_row_numbers(tmp_path):
    from qiankua.services.orders import read_lines
    from qiankua.store.orders import read_order_file

    text = (FIXTURES / "shopee.csv").read_text(encoding="utf-8")
    header, first, *rest = text.splitlines()
    path = tmp_path / "blank_first.csv"
    path.write_text("\n \n" + "\n".join([header, first, "", *rest]) + "\n", encoding="utf-8")
    rf = read_order_file(path)
    assert rf.header_row == 3 and list(rf.frame.columns[1:]) == header.split(",")
    assert rf.frame["_row"].to_list()[:3] == [4, 5, 6]
    lines, _, _ = read_lines([path], currency="SGD")
    assert lines.height == len(rest) + 1 and lines["source_row"].to_list()[0] == 4
    # a bad cell after the blank line is named at its own line of the file
    bad = tmp_path / "blank_bad.csv"
    cells = rest[0].split(",")
    qty = header.split(",").index("Quantity")
    cells[qty] = "two"
    bad.write_text("\n \n" + "\n".join([header, first, "", ",".join(cells)]) + "\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as err:
        read_lines([bad], currency="SGD")
    issue = err.value.issues[0]
    assert (issue.file, issue.row, issue.column, issue.value) == ("blank_bad.csv", 6, "Quantity", "two")


def test_only_the_columns_a_reader_uses_are_parsed_and_the_lines_are_the_same():
    from qiankua.orders.formats import FORMATS
    from qiankua.orders.readers import columns_used
    from qiankua.services.orders import read_lines
    from qiankua.store.orders import read_order_file
    from tests.orders.conftest import read

    full = read_order_file(FIXTURES / "shopee.csv")
    headers = full.frame.columns[1:]
    used = columns_used(FORMATS["shopee"], headers)
    assert 0 < len(used) < len(headers) and "Note" not in used
    part = read_order_file(FIXTURES / "shopee.csv", columns=lambda h: columns_used(FORMATS["shopee"], h))
    assert part.frame.columns[0] == "_row" and sorted(part.frame.columns[1:]) == sorted(used)
    assert part.frame["_row"].to_list() == full.frame["_row"].to_list() and part.sha256 == full.sha256
    for name, ccy in (("shopee.csv", "SGD"), ("tiktok.csv", "GBP"), ("aliexpress_zh.csv", None)):
        lines, _, _ = read_lines([FIXTURES / name], currency=ccy)
        assert lines.equals(read(name, currency=ccy))
