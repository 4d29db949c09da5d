"""The user's positive list (``qiankua data import --table positive_list``) and its per-person quantity caps:
a complete list rejects lines not on it, a cap counts across orders and uploads, a return gives it back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.bonded.quota import CAP, allocate_caps
from qiankua.services import bonded as svc
from qiankua.services.data import import_user_file

from .factory import id_numbers

# a made-up three-line list (sample data, not the official attachment): one line capped at 5 per person a year
LIST_CSV = (
    "税则号列,商品描述,监管要求,备注类型,每人每年限量,限量单位,版本\n"
    "33049900,其他美容品或化妆品及护肤品,示例限量,quantity_cap,5,件,2022\n"
    "04021000,乳粉,,,,,2022\n"
    "19011010,婴儿配方食品,,,,,2022\n"
)


def _orders(rows: list[tuple[str, str, str, int]], buyer: str) -> pl.DataFrame:
    """(order_id, time, hs_code, quantity) rows of one buyer, 100 CNY a piece."""
    return pl.DataFrame(
        {
            "order_id": [r[0] for r in rows],
            "order_time": [r[1] for r in rows],
            "buyer_id_number": [buyer] * len(rows),
            "hs_code": [r[2] for r in rows],
            "quantity": [r[3] for r in rows],
            "unit_price": [100.0] * len(rows),
            "currency": ["CNY"] * len(rows),
        }
    )


def _check(tmp: Path, frame: pl.DataFrame, name: str, db: Path) -> dict[str, str]:
    path = tmp / name
    frame.write_csv(path)
    doc = svc.check_files(path, db=db)
    return dict(zip(doc["orders"]["order_id"], doc["orders"]["reason"], strict=True))


def test_imported_list_is_complete_and_caps_count_across_uploads(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    plist = tmp_path / "清单.csv"
    plist.write_text(LIST_CSV, encoding="utf-8")
    import_user_file(db, plist, "positive_list")
    rules = svc.load_rules(db)
    cov = rules.coverage()
    assert cov["complete"] and cov["lines_2022"] == 3  # the built-in 2016 lines stay for 2016-2018 orders
    buyer = id_numbers(1, seed=4)[0]
    day1 = _orders(
        [
            ("A1", "2026-12-01 09:00:00", "33049900", 3),  # 3 of 5
            ("A2", "2026-12-01 10:00:00", "33049900", 3),  # would be 6: over the cap
            ("A3", "2026-12-01 11:00:00", "33049900", 2),  # 5 of 5
            ("A4", "2026-12-01 12:00:00", "09021090", 1),  # tea: not on the imported (complete) list
            ("A5", "2026-12-01 13:00:00", "04021000", 9),  # no cap
        ],
        buyer,
    )
    got = _check(tmp_path, day1, "day1.csv", db)
    assert got == {
        "A1": "within_limits",
        "A2": "over_quantity_cap",
        "A3": "within_limits",
        "A4": "not_on_list",
        "A5": "within_limits",
    }
    # the next upload sees the ledger's 5: one more is over the cap
    assert _check(tmp_path, _orders([("B1", "2026-12-02 09:00:00", "33049900", 1)], buyer), "day2.csv", db) == {
        "B1": "over_quantity_cap"
    }
    # a return of A1 gives its 3 back (and its quota)
    ev = tmp_path / "returns.csv"
    pl.DataFrame({"order_id": ["A1"], "event": ["return"], "event_date": ["2026-12-03"]}).write_csv(ev)
    assert svc.restore_file(ev, db)["restored"] == 1
    assert _check(tmp_path, _orders([("C1", "2026-12-04 09:00:00", "33049900", 3)], buyer), "day3.csv", db) == {
        "C1": "within_limits"
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(1, 4)), min_size=1, max_size=40))
def test_caps_never_exceeded(orders: list[tuple[int, int, int]]) -> None:
    # any sequence (buyer group, cap key, quantity): taken quantities per key stay within the cap of 5
    n = len(orders)
    group = np.array([o[0] for o in orders])
    key = np.array([o[0] * 3 + o[1] for o in orders])  # a cap key belongs to one buyer
    qty = np.array([float(o[2]) for o in orders])
    caps = (np.arange(n + 1), key, qty, np.full(n, 5.0), np.zeros(9))
    reason, _counted, _used, cap_used = allocate_caps(
        group,
        np.full(n, 100),
        np.ones(n, dtype=np.int64),
        np.ones(n, dtype=bool),
        np.full(n, 500_000),
        np.full(n, 2_600_000),
        np.ones(n, dtype=bool),
        np.zeros(3, dtype=np.int64),
        caps,
    )
    assert (cap_used <= 5).all()
    for k in range(9):
        assert cap_used[k] == qty[(key == k) & (reason != CAP)].sum()
