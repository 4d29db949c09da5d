"""The column-wise checks agree with the per-row pydantic model: same accepted values, same messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.schema import SALES, SHIPMENTS, USER_PRODUCTS, TableSpec
from qiankua.store.columns import check_columns

# tricky cells, per kind: forms both paths accept, forms only the per-cell parser takes, and bad ones
CELLS: dict[str, list[object]] = {
    "str": ["S1", " S2 ", "发货-3", "<b>", "a b", "", "   ", None, "x\x00y", "090210", "90210", "ＤＥ", "DE", "de"],
    "int": ["4", " 4 ", "1,000", "１２", "007", "-1", "0", "4.0", "4.5", "x", "", "9" * 19, "+5", 4, 4.0, 4.5],
    "float": ["12.5", "1e3", "1,234.5", "１２．５", ".5", "5.", "-0", "inf", "nan", "1e999", "x", "", 12.5, 3],
    "decimal": ["3000", "3,000.25", "1.23456", "1e20", "99999999999999.9999", "100000000000000", "-1", "x", ""],
    "bool": ["是", "否", "yes", "NO", "True", "1", "0", "y", "√", "maybe", "", 1, 0, 2, True],
    "date": ["2026-12-08", "2026/12/8", "2026.12.08", "2026年12月8日", "２０２６-１２-０８", "2026-13-01", "46364",
             "2026-12-08 08:00", "08/12/2026", "", dt.date(2026, 12, 8), dt.datetime(2026, 12, 8, 0, 0), 46364.0, 0],
    "datetime": ["2026-12-01 08:00", "2026-12-01T08:00:05", "2026/12/1 8:00", "2026-12-01", "2026年12月1日8时30分",
                 "2026-12-01 25:00", "46364.5", "x", "", dt.datetime(2026, 12, 1, 8), 46364.5],
}  # fmt: skip


def _cells(spec: TableSpec):  # type: ignore[no-untyped-def]
    pools = {c.name: st.sampled_from(CELLS[c.kind]) for c in spec.columns}
    return st.lists(st.fixed_dictionaries(pools), min_size=1, max_size=6)


def _agree(spec: TableSpec, rows: list[dict[str, object]]) -> None:
    numbers = list(range(2, len(rows) + 2))
    columns = {c.name: [r[c.name] for r in rows] for c in spec.columns}
    fast = check_columns(spec, columns, numbers, file="f.csv", sheet=None)
    # the per-row model sees each row alone (no duplicate-key check here: that lives in the importer)
    slow_issues, slow_good = [], {}
    for n, row in zip(numbers, rows, strict=True):
        good, issues = TableSpec(name=spec.name, title_zh="", title_en="", columns=spec.columns).validate_rows(
            [(n, row)], file="f.csv"
        )
        slow_issues += issues
        if good:
            slow_good[n] = good[0]
    # blanks in a required column: "required value missing" here, pydantic's type message there
    blank = {(i.row, i.column) for i in fast.issues if i.reason == "required value missing"}
    assert {(i.row, i.column, i.reason) for i in fast.issues if (i.row, i.column) not in blank} == {
        (i.row, i.column, i.reason) for i in slow_issues if (i.row, i.column) not in blank
    }
    assert blank <= {(i.row, i.column) for i in slow_issues}
    bad = dict(zip(numbers, fast.bad.to_list(), strict=True))
    assert {n for n, b in bad.items() if not b} == set(slow_good)
    typed = spec.frame(list(slow_good.values())) if slow_good else None
    got = fast.frame.filter(~fast.bad)
    if typed is not None:
        for name in spec.column_names:
            left, right = got[name].to_list(), typed[name].to_list()
            if isinstance(got[name].dtype, pl.Decimal):
                left = [None if v is None else Decimal(v).normalize() for v in left]
                right = [None if v is None else Decimal(v).normalize() for v in right]
            assert left == right, name


@settings(max_examples=60, deadline=None)
@given(rows=_cells(SHIPMENTS))
def test_shipments_agree(rows):
    _agree(SHIPMENTS, rows)


@settings(max_examples=40, deadline=None)
@given(rows=_cells(SALES))
def test_sales_agree(rows):
    _agree(SALES, rows)


@settings(max_examples=40, deadline=None)
@given(rows=_cells(USER_PRODUCTS))
def test_products_agree(rows):
    _agree(USER_PRODUCTS, rows)
