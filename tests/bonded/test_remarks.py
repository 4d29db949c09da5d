"""The positive list's remarks read into kinds (qiankua.bonded.remarks), and an attachment imported as the
ministries publish it (headers 税则号列 / 商品名称 / 备注, remarks as written, no kind column) enforces them.

The remark wordings below are made up in the list's style (sample data, not quotes of the official list)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from qiankua.bonded.remarks import KINDS, classify
from qiankua.services import bonded as svc
from qiankua.services.data import import_user_file

from .factory import id_numbers


def test_each_kind_is_read_from_its_wording() -> None:
    assert classify("每人每年限购5件").kind == "quantity_cap"
    got = classify("仅限网购保税商品；每人每年限购2千克")
    assert (got.kind, got.qty_cap, got.qty_unit) == ("quantity_cap", 2.0, "千克")
    assert classify("仅限网购保税商品").kind == "bonded_only"
    assert classify("限家用打印机墨水").kind == "name_restriction"
    assert classify("列入《进出口野生动植物种商品目录》的商品除外").kind == "exclusion"
    assert classify("") == classify(None) == classify("  ")
    assert classify("").kind == "" and classify("").qty_cap is None


def test_an_unknown_clause_is_returned_not_guessed() -> None:
    got = classify("须符合国家标准；仅限网购保税商品")
    assert got.kind == "bonded_only" and got.unclassified == ("须符合国家标准",)


@given(st.text(max_size=60))
def test_any_text_reads_to_a_known_kind_or_none(text: str) -> None:
    got = classify(text)
    assert got.kind in ("", *KINDS)
    assert (got.qty_cap is None) == (got.qty_unit is None)
    assert got.qty_cap is None or got.kind == "quantity_cap"


def test_an_attachment_as_published_imports_and_its_remarks_are_enforced(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    plist = tmp_path / "附件.csv"
    plist.write_text(
        "序号,税则号列,商品名称,备注\n1,33049900,其他美容品或化妆品及护肤品,每人每年限购2件\n2,04021000,乳粉,\n",
        encoding="utf-8",
    )
    import_user_file(db, plist, "positive_list")
    rules = svc.load_rules(db)
    assert rules.coverage()["lines_2022"] == 2  # no edition column: the newest edition (2022)
    buyer = id_numbers(1, seed=7)[0]
    orders = pl.DataFrame(
        {
            "order_id": ["R1", "R2"],
            "order_time": ["2026-12-01 09:00:00", "2026-12-01 10:00:00"],
            "buyer_id_number": [buyer, buyer],
            "hs_code": ["33049900", "33049900"],
            "quantity": [2, 1],
            "unit_price": [100.0, 100.0],
            "currency": ["CNY", "CNY"],
        }
    )
    path = tmp_path / "orders.csv"
    orders.write_csv(path)
    doc = svc.check_files(path, db=db)
    assert dict(zip(doc["orders"]["order_id"], doc["orders"]["reason"], strict=True)) == {
        "R1": "within_limits",
        "R2": "over_quantity_cap",
    }
