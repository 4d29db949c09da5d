"""The fast key helpers of the bonded engine give exactly what the plain Polars operations give, also
when 64-bit hashes collide (forced here: every row hashed to the same value)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.bonded import keys
from qiankua.bonded.keys import all_distinct, group_index, lex_order

_text = st.sampled_from(["", "a", "b", "SO1", "SO10", "SO2", "订单1", " a", "A"]) | st.none()
_rows = st.lists(
    st.tuples(_text, st.sampled_from([2025, 2026]), st.integers(0, 3)),
    min_size=0,
    max_size=40,
)


def _frame(rows: list[tuple[str | None, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"k": pl.String, "year": pl.Int32, "t": pl.Int64}, orient="row")


def _check_groups(frame: pl.DataFrame) -> None:
    code, distinct = group_index(frame)
    assert distinct.height == frame.unique().height
    assert distinct.equals(frame.unique(maintain_order=True))  # first-seen order
    back = distinct[code] if frame.height else distinct.clear()
    assert back.equals(frame)


@settings(max_examples=150, deadline=None)
@given(_rows)
def test_group_index_and_all_distinct_match_polars(rows) -> None:  # type: ignore[no-untyped-def]
    frame = _frame(rows)
    for cols in (["k"], ["k", "year"], ["year"], ["k", "year", "t"]):
        sub = frame.select(cols)
        assert all_distinct(sub) == (sub.n_unique() == sub.height)
        _check_groups(sub)


@settings(max_examples=60, deadline=None)
@given(_rows)
def test_collisions_fall_back_to_the_text(rows) -> None:  # type: ignore[no-untyped-def]
    frame = _frame(rows)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keys, "_hashes", lambda k: pl.Series("h", np.zeros(k.height, dtype=np.uint64)))
        for cols in (["k"], ["k", "year"]):
            sub = frame.select(cols)
            assert all_distinct(sub) == (sub.n_unique() == sub.height)
            _check_groups(sub)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.text(alphabet="SO0123x订", max_size=4)), unique_by=lambda r: r[1]))
def test_lex_order_is_the_sort_by_time_then_id(rows) -> None:  # type: ignore[no-untyped-def]
    base = dt.datetime(2026, 12, 1)
    frame = pl.DataFrame(
        {"order_time": [base + dt.timedelta(minutes=m) for m, _ in rows], "order_id": [i for _, i in rows]},
        schema={"order_time": pl.Datetime("us"), "order_id": pl.String},
    )
    expected = frame.select(pl.arg_sort_by(["order_time", "order_id"])).to_series().to_list() if rows else []
    assert lex_order(frame, ["order_time", "order_id"]).tolist() == expected


def test_a_constant_year_is_left_out_of_the_hash_but_not_of_the_groups() -> None:
    frame = pl.DataFrame({"k": ["a", "b", "a"], "year": pl.Series([2026, 2026, 2026], dtype=pl.Int32)})
    code, distinct = group_index(frame)
    assert code.tolist() == [0, 1, 0] and distinct.to_dicts() == [{"k": "a", "year": 2026}, {"k": "b", "year": 2026}]
    two = frame.with_columns(pl.Series("year", [2026, 2026, 2025], dtype=pl.Int32))
    assert group_index(two)[0].tolist() == [0, 1, 2]
