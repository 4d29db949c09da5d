"""Keys of a batch, fast and exact: whether rows are distinct, and a group number per row.

A 1,000,000-order day has long text keys (order ids, 32-character buyer digests). Hashing or joining on
the text itself costs a pass with string comparisons per operation; here each row is hashed once to 64
bits (Polars ``hash_rows``), the work is done on the integers, and the result is then checked against
the text, so a hash collision can never merge two different keys (it only sends the call to the plain
text path, which gives the same answer more slowly).
"""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = ["all_distinct", "group_index", "lex_order"]


def _constant(column: pl.Series) -> bool:
    """Whether a numeric or temporal column holds one value and no null (checked without hashing)."""
    if not (column.dtype.is_numeric() or column.dtype.is_temporal()) or column.null_count() or not column.len():
        return False
    return bool(column.min() == column.max())


def _hashes(keys: pl.DataFrame) -> pl.Series:
    """A 64-bit hash of each row; a column with one value (the year of a day's upload) is left out, and
    one column is hashed on its own (cheaper than the row hash)."""
    varying = [c for c in keys.columns if not _constant(keys[c])] or keys.columns[:1]
    return keys[varying[0]].hash(seed=0) if len(varying) == 1 else keys.select(varying).hash_rows(seed=0)


def all_distinct(keys: pl.DataFrame) -> bool:
    """Whether the rows of ``keys`` are pairwise distinct (nulls count as equal to each other).

    Distinct 64-bit row hashes prove it; when two hashes are equal (a repeat, or a collision) the rows
    themselves are counted."""
    hashes = _hashes(keys)
    return hashes.n_unique() == hashes.len() or keys.n_unique() == keys.height


def group_index(keys: pl.DataFrame) -> tuple[np.ndarray, pl.DataFrame]:
    """``(code, distinct)``: the group number (0, 1, …) of each row of ``keys`` and the distinct rows in
    the order they are first seen, so that ``distinct[code[i]] == keys[i]`` for every row (nulls are
    equal to each other)."""
    hashes = _hashes(keys)
    first = hashes.arg_unique().sort()
    table = pl.DataFrame({"h": hashes.gather(first), "g": pl.int_range(first.len(), dtype=pl.UInt32, eager=True)})
    code = pl.DataFrame({"h": hashes}).join(table, on="h", how="left", maintain_order="left")["g"]
    distinct = keys.gather(first)
    back = distinct.gather(code)
    if all(bool(back[c].eq_missing(keys[c]).all()) for c in keys.columns):
        return code.to_numpy(), distinct
    # two different keys share a 64-bit hash: group on the keys themselves
    distinct = keys.unique(maintain_order=True)
    code = keys.join(
        distinct.with_row_index("_g"), on=keys.columns, how="left", maintain_order="left", nulls_equal=True
    )["_g"]
    return code.to_numpy(), distinct


def lex_order(frame: pl.DataFrame, by: list[str]) -> np.ndarray:
    """The row order that sorts ``frame`` by the columns ``by`` (first column first, nulls first): the
    same permutation as ``pl.arg_sort_by(by)`` for rows that differ in ``by``, built from one stable
    single-column sort per column, last column first (cheaper than sorting on the combined key)."""
    order: np.ndarray | None = None
    for name in reversed(by):
        column = frame[name] if order is None else frame[name].gather(order)
        step = column.to_frame().select(pl.arg_sort_by(name, maintain_order=True)).to_series().to_numpy()
        order = step.astype(np.int64) if order is None else order[step]
    return np.arange(frame.height, dtype=np.int64) if order is None else order
