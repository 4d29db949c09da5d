"""The check pipeline on real files and a real DuckDB file: matching, idempotence, returns, bad input,
concurrency, and hypothesis invariants of the quota."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.bonded.quota import allocate
from qiankua.exceptions import ImportValidationError
from qiankua.services import bonded as svc
from qiankua.store import Store
from qiankua.store.bonded import BondedLedger

from .factory import frames, id_numbers


def write(tmp: Path, n: int = 300, buyers: int = 40, seed: int = 1) -> tuple[Path, Path, Path]:
    o, p, w = frames(n, buyers, seed)
    paths = (tmp / "orders.csv", tmp / "payments.csv", tmp / "waybills.csv")
    for frame, path in zip((o, p, w), paths, strict=True):
        frame.write_csv(path)
    return paths


def totals(db: Path) -> dict:
    with Store(db) as store:
        return BondedLedger(store).totals()


def test_resubmission_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    o, p, w = write(tmp_path)
    first = svc.check_files(o, p, w, db)
    assert first["summary"]["orders"] == 300
    with Store(db) as store:
        digest = BondedLedger(store).digest()
    again = svc.check_files(o, p, w, db)
    assert again["summary"]["orders"] == 0 and again["summary"]["already_decided"] == 300
    with Store(db) as store:
        assert BondedLedger(store).digest() == digest
    t = totals(db)
    assert t["ledger_fen"] == t["usage_fen"] > 0


def test_gbk_csv_and_xlsx_read_alike(tmp_path: Path) -> None:
    o, _p, _w = frames(20, 5)
    gbk = tmp_path / "订单.csv"
    gbk.write_bytes(
        o.rename({"order_id": "订单编号", "buyer_id_number": "订购人证件号码"}).write_csv().encode("gb18030")
    )
    from openpyxl import Workbook

    xlsx = tmp_path / "orders.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(o.columns)
    for row in o.iter_rows():
        ws.append(list(row))
    wb.save(xlsx)
    a, issues_a = svc.read_upload(gbk, svc.ORDERS)
    b, issues_b = svc.read_upload(xlsx, svc.ORDERS)
    assert not issues_a and not issues_b
    assert a["order_id"].to_list() == b["order_id"].to_list() and a["unit_price"].to_list() == b["unit_price"].to_list()


def test_mismatches_are_named(tmp_path: Path) -> None:
    o, p, w = frames(4, 4)
    other = id_numbers(10, seed=99)[-1]
    p = p.with_columns(
        pl.when(pl.col("order_id") == "SO0")
        .then(pl.lit(other))
        .otherwise(pl.col("payer_id_number"))
        .alias("payer_id_number"),
        pl.when(pl.col("order_id") == "SO1").then(pl.col("amount") + 1).otherwise(pl.col("amount")).alias("amount"),
    )
    w = w.filter(pl.col("order_id") != "SO2")
    for f, n in ((o, "o"), (p, "p"), (w, "w")):
        f.write_csv(tmp_path / f"{n}.csv")
    doc = svc.check_files(tmp_path / "o.csv", tmp_path / "p.csv", tmp_path / "w.csv", tmp_path / "q.duckdb")
    reasons = dict(zip(doc["orders"]["order_id"], doc["orders"]["reason"], strict=True))
    assert reasons["SO0"] == "payer_not_buyer"
    assert reasons["SO1"] == "amount_mismatch"
    assert reasons["SO2"] == "waybill_missing"
    assert reasons["SO3"] == "within_limits"
    assert totals(tmp_path / "q.duckdb")["usage_fen"] == round(
        doc["orders"].filter(pl.col("order_id") == "SO3")["counted_cny"][0] * 100
    )


def test_bad_input_named_and_nothing_written(tmp_path: Path) -> None:
    o, p, _w = frames(6, 3)
    bad_id = o["buyer_id_number"][0][:17] + ("0" if o["buyer_id_number"][0][17] != "0" else "1")
    o = o.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(bad_id))
        .otherwise(pl.col("buyer_id_number"))
        .alias("buyer_id_number"),
        pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("USD")).otherwise(pl.col("currency")).alias("currency"),
        pl.when(pl.int_range(pl.len()) == 2).then(-5.0).otherwise(pl.col("unit_price")).alias("unit_price"),
        pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("SO3")).otherwise(pl.col("order_id")).alias("order_id"),
    )
    o.write_csv(tmp_path / "o.csv")
    p.drop("amount").write_csv(tmp_path / "p.csv")
    db = tmp_path / "q.duckdb"
    with pytest.raises(ImportValidationError) as info:
        svc.check_files(tmp_path / "o.csv", tmp_path / "p.csv", None, db)
    got = {(i.file, i.row, i.column) for i in info.value.issues}
    assert ("o.csv", 2, "buyer_id_number") in got  # checksum
    assert ("o.csv", 3, "currency") in got
    assert ("o.csv", 4, "unit_price") in got  # negative
    assert ("o.csv", 6, "order_id") in got  # duplicate of row 5
    assert ("p.csv", 1, "amount") in got  # missing column
    assert all(bad_id not in str(i) for i in info.value.issues)  # never shown in clear
    assert not db.exists()


def test_return_restores_quota_once(tmp_path: Path) -> None:
    # GACC 2020 No.45: a return applied within 30 days of release restores the annual total
    db = tmp_path / "q.duckdb"
    o, p, w = write(tmp_path, n=10, buyers=2)
    doc = svc.check_files(o, p, w, db)
    before = totals(db)["usage_fen"]
    first = doc["orders"].row(0, named=True)
    ev = tmp_path / "returns.csv"
    pl.DataFrame(
        {
            "order_id": [first["order_id"], first["order_id"]],
            "event": ["return", "return"],
            "event_date": ["2026-12-10", "2026-12-11"],
        }
    ).write_csv(ev)
    res = svc.restore_file(ev, db)
    assert [e["outcome"] for e in res["events"]] == ["restored", "already_restored"]
    assert totals(db)["usage_fen"] == before - round(first["counted_cny"] * 100)
    late = tmp_path / "late.csv"
    second = doc["orders"].row(1, named=True)
    pl.DataFrame({"order_id": [second["order_id"]], "event": ["return"], "event_date": ["2027-02-01"]}).write_csv(late)
    assert svc.restore_file(late, db)["events"][0]["outcome"] == "return_too_late"
    t = totals(db)
    assert t["ledger_fen"] == t["usage_fen"]


def test_two_uploads_at_once_never_double_count(tmp_path: Path) -> None:
    # the same buyers in two files at once (and the same file twice): the annual limit holds, the ledger
    # equals usage, and an order id is decided once
    db = tmp_path / "q.duckdb"
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    pa = write(a, n=400, buyers=5, seed=1)
    o2, p2, w2 = frames(400, 5, seed=1)
    o2 = o2.with_columns(pl.concat_str(pl.lit("B"), "order_id").alias("order_id"))
    p2 = p2.with_columns(pl.concat_str(pl.lit("B"), "order_id").alias("order_id"))
    w2 = w2.with_columns(pl.concat_str(pl.lit("B"), "order_id").alias("order_id"))
    pb = (b / "o.csv", b / "p.csv", b / "w.csv")
    for f, path in zip((o2, p2, w2), pb, strict=True):
        f.write_csv(path)
    svc.load_rules(None)
    errors: list[BaseException] = []

    def go(paths: tuple[Path, Path, Path]) -> None:
        try:
            svc.check_files(*paths, db=db)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(x,)) for x in (pa, pb, pa)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    with Store(db) as store:
        con = store.ibis.con
        n, distinct = con.execute("SELECT count(*), count(DISTINCT order_id) FROM bonded.ledger").fetchall()[0]
        worst = con.execute("SELECT max(used_fen) FROM bonded.usage").fetchall()[0][0]
    assert n == distinct == 800
    assert worst <= 26000 * 100
    t = totals(db)
    assert t["ledger_fen"] == t["usage_fen"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 900_000), st.integers(1, 3), st.booleans()), min_size=1, max_size=60
    ),
    st.lists(st.integers(0, 2_600_000), min_size=4, max_size=4),
)
def test_quota_invariants(orders: list[tuple[int, int, int, bool]], prior: list[int]) -> None:
    # any order sequence: usage never exceeds 26,000 (unless it already did), and usage after = prior + counted
    g = np.array([o[0] for o in orders])
    v = np.array([o[1] for o in orders])
    items = np.array([o[2] for o in orders])
    ok = np.array([o[3] for o in orders])
    n = len(orders)
    reason, counted, used = allocate(
        g, v, items, ok, np.full(n, 500_000), np.full(n, 2_600_000), np.ones(n, bool), np.array(prior)
    )
    assert (used <= 2_600_000).all()
    for k in range(4):
        assert used[k] == prior[k] + counted[g == k].sum()
    assert (counted[~ok] == 0).all()
    assert ((counted > 0) == np.isin(reason, [0, 1]) & (v > 0)).all() or (v == 0).any()


def test_multi_line_order_and_payer_number_case(tmp_path: Path) -> None:
    # one order of two lines, 1,000 each: tea (HS 0902) at 9% and HS 0402 at the built-in table's default 13%:
    # 1,000 x 9% x 70% + 1,000 x 13% x 70% = 63.00 + 91.00 = 154.00 (Cai Guan Shui [2018] No.49; 2019 No.39);
    # the payer's number written with a lower-case check character is still the buyer (GB 11643 example)
    buyer = "11010519491231002X"
    o = pl.DataFrame(
        {
            "order_id": ["M1", "M1", "S1"],
            "line_no": [1, 2, 1],
            "order_time": ["2026-12-01 09:00:00"] * 3,
            "buyer_id_number": [buyer] * 3,
            "hs_code": ["09021090", "04021000", "04021000"],
            "quantity": [2, 1, 1],
            "unit_price": [500.0, 1000.0, 100.0],
            "currency": ["CNY"] * 3,
        }
    )
    p = pl.DataFrame(
        {
            "order_id": ["M1", "S1"],
            "payer_id_number": [buyer.lower(), buyer],
            "amount": [2000.0, 100.0],
            "currency": "CNY",
        }
    )
    w = pl.DataFrame({"order_id": ["M1", "S1"], "waybill_no": ["W1", "W2"], "item_count": [3, 1]})
    for f, n in ((o, "o"), (p, "p"), (w, "w")):
        f.write_csv(tmp_path / f"{n}.csv")
    doc = svc.check_files(tmp_path / "o.csv", tmp_path / "p.csv", tmp_path / "w.csv", tmp_path / "q.duckdb")
    m1 = doc["orders"].filter(pl.col("order_id") == "M1").row(0, named=True)
    assert m1["status"] == "accepted" and m1["reason"] == "within_limits", m1
    assert (m1["items"], m1["lines"], m1["dutiable_value"], m1["total_tax"]) == (3, 2, 2000.0, 154.0)
    assert doc["usage"]["used_after"].to_list() == [2100.0]
