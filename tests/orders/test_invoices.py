"""Carrier invoices (``carrier_invoices``): imported all or nothing by the general importer, matched to
orders by waybill number or order id, used instead of the estimated logistics, the difference explained as
"logistics: invoiced vs estimated", unmatched lines listed with the reason. A real DuckDB file; the order
fixtures and the invoice lines below are SAMPLE DATA (made up)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from qiankua.exceptions import ImportValidationError
from qiankua.orders.margin import VARIANCE
from qiankua.services.costing import fx_arrays
from qiankua.services.data import import_user_file
from qiankua.services.orders import confirm_mappings, import_orders, order_margins
from qiankua.store import Store
from tests.orders.conftest import FIXTURES

MAPS = [
    {"platform": "amazon", "key": "GZ-TEA-DY250", "product_id": "duyun-maojian-250g"},
    {"platform": "amazon", "key": "GZ-LGM-280", "product_id": "laoganma-chili-crisp-280g"},
    {"platform": "aliexpress", "key": "GZ-SILVER-NK", "product_id": "leishan-miao-silver-necklace"},
    # a quote on file, so the margin has variance lines
    {
        "platform": "amazon",
        "key": "GZ-BATIK-01",
        "product_id": "danzhai-batik-wall-hanging",
        "quoted_price": 49.0,
        "quoted_currency": "EUR",
        "quoted_on": "2026-01-15",
    },
]
HEADER = "carrier,invoice_no,waybill_or_order,platform,invoice_date,charge,amount,currency,weight_kg\n"
# made-up invoice lines: by waybill (AliExpress order 1), by order id (Amazon 1, two charge lines), an order
# id with its platform (Amazon 3), a waybill nobody has, and a cancelled order's parcel
GOOD = HEADER + (
    "Sample Post,S-1,LP000000001CN,,2026-03-10,freight,58.30,CNY,0.2\n"
    "Sample Post,S-1,111-0000001-0000001,,2026-03-10,freight,8.00,USD,1.1\n"
    "Sample Post,S-1,111-0000001-0000001,,2026-03-10,fuel,1.50,USD,\n"
    "Sample Post,S-1,302-0000003-0000003,amazon,2026-03-11,freight,6.20,EUR,0.6\n"
    "Sample Post,S-1,LP000000099CN,,2026-03-10,freight,21.00,CNY,0.5\n"
    "Sample Post,S-1,111-0000002-0000002,,2026-03-10,freight,3.00,USD,\n"
)


@pytest.fixture
def db(tmp_path):
    db = tmp_path / "q.duckdb"
    import_orders([FIXTURES / "amazon_all_orders.txt", FIXTURES / "aliexpress_zh.csv"], db)
    confirm_mappings(db, MAPS)
    return db


def _import(db, tmp_path, text: str, name: str = "inv.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_user_file(db, path, "carrier_invoices")


def _rate(ccy: str, day: dt.date) -> float:
    return float(fx_arrays([ccy], day, day)[ccy][0])


def _by_line(doc) -> dict[tuple[str, str], dict]:
    return {(r["order_id"], r["sku"]): r for r in doc["lines"]}


def test_a_bad_invoice_file_names_the_cell_and_writes_nothing(db, tmp_path):
    bad = (
        HEADER
        + "Sample Post,S-1,LP000000001CN,,2026-03-10,freight,58.30,CNY,0.2\n"
        + ("Sample Post,S-1,111-0000001-0000001,,10/03/2026x,freight,abc,USD,\n")
    )
    with pytest.raises(ImportValidationError) as err:
        _import(db, tmp_path, bad, "bad.csv")
    cells = {(i.file, i.row, i.column) for i in err.value.issues}
    assert ("bad.csv", 3, "amount") in cells and ("bad.csv", 3, "invoice_date") in cells
    with Store(db, read_only=True) as store:
        assert ("user", "carrier_invoices") not in store.tables() or store.row_count("carrier_invoices") == 0
    # without invoices the margin uses the estimate and says so
    doc = order_margins(db)
    assert doc["invoices"] is None and doc["totals"]["invoiced_lines"] == 0


def test_invoiced_logistics_replace_the_estimate_and_explain_the_variance(db, tmp_path):
    before = _by_line(order_margins(db))
    _import(db, tmp_path, GOOD)
    doc = order_margins(db)
    after = _by_line(doc)
    # by waybill: the AliExpress parcel LP000000001CN, one line: the whole invoice amount (CNY)
    silver = after[("8100000000000001", "GZ-SILVER-NK")]
    assert silver["logistics_invoiced_cny"] == pytest.approx(58.30)
    assert silver["logistics_cny"] == pytest.approx(58.30)
    assert silver["logistics_estimated_cny"] == pytest.approx(
        before[("8100000000000001", "GZ-SILVER-NK")]["logistics_cny"]
    )
    assert silver["profit_cny"] == pytest.approx(
        before[("8100000000000001", "GZ-SILVER-NK")]["profit_cny"] - (58.30 - silver["logistics_estimated_cny"]),
        abs=0.011,
    )
    # by order id: Amazon order 1, freight + fuel (USD 9.50 at the invoice date), shared by gross weight
    usd = _rate("USD", dt.date(2026, 3, 10))
    tea, chili = after[("111-0000001-0000001", "GZ-TEA-DY250")], after[("111-0000001-0000001", "GZ-LGM-280")]
    assert tea["logistics_invoiced_cny"] + chili["logistics_invoiced_cny"] == pytest.approx(9.50 * usd, abs=0.011)
    assert tea["invoice_lines"] == chili["invoice_lines"] == 2
    # the tea line is 2 tins of 0.45 kg, the chili 1 jar of 0.50 kg (the catalogue's gross weights)
    assert tea["logistics_invoiced_cny"] / chili["logistics_invoiced_cny"] == pytest.approx(0.9 / 0.5, rel=1e-3)
    # with a quote on file: the variance line "logistics: invoiced vs estimated", and the lines add up
    batik = after[("302-0000003-0000003", "GZ-BATIK-01")]
    eur = _rate("EUR", dt.date(2026, 3, 11))
    assert batik["logistics_invoiced_cny"] == pytest.approx(6.20 * eur, abs=0.006)
    assert batik["v_logistics_invoiced"] == pytest.approx(
        -(batik["logistics_invoiced_cny"] - batik["logistics_estimated_cny"]), abs=0.011
    )
    assert sum(batik[v] for v in VARIANCE) == pytest.approx(batik["profit_cny"] - batik["quoted_profit_cny"], abs=0.05)
    # invoice lines that matched no priced line are listed with the reason, not dropped
    inv = doc["invoices"]
    assert (inv["lines"], inv["matched"], inv["unmatched_count"]) == (6, 4, 2)
    reasons = {u["waybill_or_order"]: u["invoice_status"] for u in inv["unmatched"]}
    assert reasons == {"LP000000099CN": "no_order", "111-0000002-0000002": "not_priced"}
    assert doc["totals"]["invoiced_lines"] == 4


def test_an_invoice_of_another_period_is_counted_not_listed(db, tmp_path):
    _import(db, tmp_path, GOOD)
    doc = order_margins(db, start=dt.date(2026, 3, 3), end=dt.date(2026, 3, 31))  # Amazon order 1 is 2026-03-02
    inv = doc["invoices"]
    assert inv["other_periods"] == 2  # its two lines (the cancelled order is of 2026-03-03 UTC: listed)
    assert {u["waybill_or_order"] for u in inv["unmatched"]} == {"LP000000099CN", "111-0000002-0000002"}


def test_a_platform_on_the_invoice_line_restricts_the_match(db, tmp_path):
    _import(db, tmp_path, HEADER + "Sample Post,S-2,302-0000003-0000003,aliexpress,2026-03-11,freight,6.20,EUR,\n")
    doc = order_margins(db)
    assert doc["invoices"]["unmatched"][0]["invoice_status"] == "no_order"
    assert _by_line(doc)[("302-0000003-0000003", "GZ-BATIK-01")]["logistics_invoiced_cny"] is None


def test_allocation_is_pure_and_conserves_the_amount():
    from qiankua.orders.margin import allocate_invoices

    day = dt.date(2026, 3, 10)
    fx = fx_arrays(["USD", "CNY"], day, day)
    lines = pl.DataFrame(
        {
            "row_id": [0, 1, 2, 3],
            "platform": ["amazon", "amazon", "amazon", "temu"],
            "order_id": ["A", "A", "B", "C"],
            "tracking_no": ["W1", "W1", None, "W9"],
            "quantity": [1, 3, 1, 1],
            "margin_status": ["quote", "quote", "quote", "not_sold"],
            "gross_kg": [1.0, None, 0.5, 0.2],
        }
    )
    invoices = pl.DataFrame(
        {
            "waybill_or_order": ["W1", "B", "W9", "nothing"],
            "platform": [None, None, None, None],
            "invoice_date": [day] * 4,
            "amount": [40.0, 5.0, 7.0, 1.0],
            "currency": ["CNY", "USD", "CNY", "CNY"],
        },
        schema_overrides={"platform": pl.String},
    )
    per_line, status = allocate_invoices(lines, invoices, fx)
    got = dict(zip(per_line["row_id"], per_line["logistics_invoiced_cny"], strict=True))
    # W1: one line without a weight -> shared by quantity (1:3)
    assert got[0] == pytest.approx(10.0) and got[1] == pytest.approx(30.0)
    assert got[2] == pytest.approx(5.0 * _rate("USD", day))
    assert status["invoice_status"].to_list() == ["matched", "matched", "not_priced", "no_order"]
    assert status["matched_by"].to_list() == ["waybill", "order", "waybill", None]
