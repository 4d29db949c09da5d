"""Vectorised cell checks: a sheet's columns parsed and checked with polars, per cell only where needed.

The same checks and messages as the per-row pydantic model of :class:`~qiankua.schema.TableSpec`,
at a fraction of the cost. Each column is parsed as a whole (strip, blank, thousands separators,
number and date forms, patterns, choices, ranges, storable sizes); a cell the vectorised parser
cannot accept *for certain* — an unusual date form, full-width digits, an out-of-range value, a
value of another type — is handed to the column's own pydantic validator, which either parses it
(so every form the model takes is still taken) or names the reason exactly as before. Only cells
that the vectorised path accepts skip pydantic, and for those it yields the value pydantic would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import polars as pl
from pydantic import TypeAdapter, ValidationError

from qiankua.exceptions import CellIssue
from qiankua.schema import (
    _CONTROL_RE,
    _FALSE,
    _TRUE,
    IDENT_PATTERN,
    MAX_CELL_CHARS,
    ColumnSpec,
    TableSpec,
    _reason,
    shown,
)

__all__ = ["SheetCheck", "check_columns"]

_INT_RE = r"^-?(?:0|[1-9]\d{0,17})$"
_FLOAT_RE = r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?$"
_DECIMAL_RE = r"^-?\d{1,14}(?:\.\d{1,4})?$"
_CONTROL_PATTERN = _CONTROL_RE.pattern
_BOOL_MAP = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
# the date forms read column-wise (the rest — 年月日, full-width, Excel serials in text — per cell)
_DATE_FORMS = tuple(rf"^(\d{{4}})\s*{sep}\s*(\d{{1,2}})\s*{sep}\s*(\d{{1,2}})" for sep in (r"-", r"/", r"\."))
_TIME_TAIL = r"(?:(?:\s*T\s*|\s+)(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"


@cache
def _adapter(col: ColumnSpec) -> TypeAdapter[Any]:
    return TypeAdapter(col.annotation())


@dataclass(frozen=True, kw_only=True)
class SheetCheck:
    """One sheet checked: ``frame`` holds the parsed values of every row (typed as the table),
    ``numbers`` their row numbers, ``bad`` whether a row has a cell issue; ``issues`` the cell issues."""

    frame: pl.DataFrame
    numbers: pl.Series
    bad: pl.Series
    issues: list[CellIssue]


def _as_series(values: Any) -> pl.Series | list[Any]:
    """A column as a polars String / Float64 / temporal Series when its cells are all of one kind, else the list."""
    if isinstance(values, pl.Series):
        return values
    try:
        return pl.Series(values, dtype=pl.String)  # the usual case: every cell text (or empty)
    except (TypeError, pl.exceptions.PolarsError):
        pass
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {str}:
        return pl.Series(values, dtype=pl.String)
    if kinds <= {int, float}:
        try:
            return pl.Series(values, dtype=pl.Float64, strict=True)
        except (TypeError, OverflowError, pl.exceptions.PolarsError):
            return list(values)
    if kinds == {dt.datetime} or kinds == {dt.date}:
        try:
            return pl.Series(values)
        except (TypeError, OverflowError, pl.exceptions.PolarsError):
            return list(values)
    return list(values)


def _strings(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(stripped text or null for blanks, blank mask)."""
    t = s.str.strip_chars()
    blank = t.is_null() | (t == "")
    return t.set(blank, None), blank.fill_null(True)


def _const(value: bool, n: int) -> pl.Series:
    return pl.repeat(value, n, eager=True, dtype=pl.Boolean)


def _nulls(dtype: Any, n: int) -> pl.Series:
    return pl.repeat(None, n, eager=True, dtype=dtype)


def _range_ok(col: ColumnSpec, v: pl.Series) -> pl.Series:
    ok = _const(True, len(v))
    if col.ge is not None:
        ok = ok & (v >= col.ge).fill_null(True)
    if col.le is not None:
        ok = ok & (v <= col.le).fill_null(True)
    if col.gt is not None:
        ok = ok & (v > col.gt).fill_null(True)
    return ok


def _matches(col: ColumnSpec, v: pl.Series) -> pl.Series:
    """The column's pattern tested on ``v``; identifiers get an ASCII test first (Unicode classes are slow)."""
    assert col.pattern is not None
    full = f"^(?:{col.pattern})$"
    if col.pattern != IDENT_PATTERN:
        return v.str.contains(full)
    ok = v.str.contains(r"^[A-Za-z0-9][A-Za-z0-9_.:/#+\-]*$") & (v.str.len_bytes() <= 64)
    rest = (~ok.fill_null(True)).arg_true()
    if len(rest):
        ok = ok.scatter(rest, v.gather(rest).str.contains(full))
    return ok


def _parse_text_column(col: ColumnSpec, t: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(value, accepted) for a String column of the table's kind; ``t`` is stripped, null for blanks."""
    kind = col.kind
    if kind == "str":
        v = t
        if col.pad:
            short = (t.str.len_chars() == col.pad - 1) & t.str.contains(r"^\d+$")
            v = pl.select(pl.when(short).then(pl.lit("0") + t).otherwise(t)).to_series() if short.any() else t
        ok = v.str.len_chars() <= MAX_CELL_CHARS
        if v.str.contains(_CONTROL_PATTERN).any():
            ok = ok & ~v.str.contains(_CONTROL_PATTERN)
        if col.pattern:
            ok = ok & _matches(col, v)
        if col.choices:
            ok = ok & v.is_in(list(col.choices))
        return v, ok.fill_null(False)
    if kind in ("int", "float", "decimal"):
        n = t.str.replace_all(",", "", literal=True) if t.str.contains(",", literal=True).any() else t
        if kind == "int":
            ok = n.str.contains(_INT_RE)
            v = n.set(~ok.fill_null(False), None).cast(pl.Int64, strict=False)
        elif kind == "float":
            ok = n.str.contains(_FLOAT_RE)
            v = n.set(~ok.fill_null(False), None).cast(pl.Float64, strict=False)
            ok = ok & v.is_finite()
        else:
            ok = n.str.contains(_DECIMAL_RE)
            v = n.set(~ok.fill_null(False), None).cast(pl.Decimal(18, 4), strict=False)
        ok = ok.fill_null(False) & v.is_not_null()
        if col.ge is not None or col.le is not None or col.gt is not None:
            ok = ok & _range_ok(col, v.cast(pl.Float64))
        return v, ok
    if kind == "bool":
        v = t.replace_strict(_BOOL_MAP, default=None, return_dtype=pl.Boolean)
        miss = (v.is_null() & t.is_not_null()).arg_true()
        if len(miss):
            low = t.gather(miss).str.to_lowercase()
            v = v.scatter(miss, low.replace_strict(_BOOL_MAP, default=None, return_dtype=pl.Boolean))
        return v, v.is_not_null()
    if kind in ("date", "datetime"):
        return _parse_dates(t, with_time=kind == "datetime")
    raise AssertionError(kind)


def _parse_dates(t: pl.Series, *, with_time: bool) -> tuple[pl.Series, pl.Series]:
    """Dates (and date-times) in the usual forms, column-wise; other forms are left to the per-cell parser."""
    dtype: Any = pl.Datetime("us") if with_time else pl.Date
    out = _nulls(dtype, len(t))
    forms = [(_ISO_SIMPLE, "%Y-%m-%d")]
    if with_time:
        forms += [(_ISO_MINUTES, "%Y-%m-%d %H:%M"), (_ISO_SECONDS, "%Y-%m-%d %H:%M:%S")]
    for pattern, fmt in forms:
        hit = t.str.contains(pattern).fill_null(False) & out.is_null()
        if not hit.any():
            continue
        text = t.set(~hit, None)
        if with_time:
            text = text.str.replace("T", " ", literal=True)
        if fmt == "%Y-%m-%d":
            parsed = text.str.strptime(pl.Date, fmt, strict=False).cast(dtype)
        else:
            parsed = text.str.strptime(dtype, fmt, strict=False)
        out = parsed if out.null_count() == len(out) else pl.select(pl.coalesce(out, parsed)).to_series()
    rest = out.is_null() & t.is_not_null()
    if rest.any():
        # the other written forms (2026/12/8, 2026.12.08 …) column-wise too, before any per-cell work
        other, _ = _parse_date_forms(t.set(~rest, None), with_time=with_time)
        out = pl.select(pl.coalesce(out, other.cast(dtype))).to_series()
    return out, out.is_not_null()


_ISO_SIMPLE = r"^\d{4}-\d{2}-\d{2}$"
_ISO_MINUTES = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$"
_ISO_SECONDS = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$"


def _parse_date_forms(t: pl.Series, *, with_time: bool) -> tuple[pl.Series, pl.Series]:
    frame = pl.DataFrame({"t": t})
    parts = []
    for form in _DATE_FORMS:
        pattern = form + (_TIME_TAIL if with_time else "$")
        groups = 6 if with_time else 3
        parts.append([pl.col("t").str.extract(pattern, i) for i in range(1, groups + 1)])
    # the first form that matches gives year, month, day (and hour, minute, second)
    picked = [pl.coalesce([p[i] for p in parts]) for i in range(len(parts[0]))]
    text = (
        picked[0]
        + "-"
        + picked[1].str.zfill(2)
        + "-"
        + picked[2].str.zfill(2)
        + (
            " "
            + picked[3].fill_null("0").str.zfill(2)
            + ":"
            + picked[4].fill_null("00")
            + ":"
            + picked[5].fill_null("00")
            if with_time
            else pl.lit("")
        )
    )
    fmt = "%Y-%m-%d %H:%M:%S" if with_time else "%Y-%m-%d"
    out = frame.select(
        text.str.strptime(pl.Datetime("us") if with_time else pl.Date, fmt, strict=False).alias("v")
    ).to_series()
    return out, out.is_not_null()


def _parse_number_column(col: ColumnSpec, x: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(value, accepted) for a Float64 column (numbers as a workbook stores them)."""
    finite = x.is_finite().fill_null(False)
    whole = finite & (x == x.round(0)) & (x.abs() < 2**53)
    if col.kind == "int":
        v = x.set(~whole, None).cast(pl.Int64)
        return v, whole & _range_ok(col, x)
    if col.kind == "float":
        return x, finite & _range_ok(col, x)
    if col.kind == "decimal":
        scaled = x * 10_000
        exact = finite & (scaled == scaled.round(0)) & (x.abs() < 1e13)
        v = x.set(~exact, None).cast(pl.Decimal(18, 4), strict=False)
        return v, exact & v.is_not_null() & _range_ok(col, x)
    if col.kind == "str":
        # a code typed without an apostrophe (090210 -> 90210.0) is read back as its digits
        text = x.set(~whole, None).cast(pl.Int64).cast(pl.String)
        return _parse_text_column(col, text)
    if col.kind == "bool":
        v = x.replace_strict({0.0: False, 1.0: True}, default=None, return_dtype=pl.Boolean)
        return v, v.is_not_null()
    return _nulls(col.polars_type, len(x)), _const(False, len(x))


def _parse_temporal_column(col: ColumnSpec, x: pl.Series) -> tuple[pl.Series, pl.Series]:
    if col.kind == "date":
        v = x.cast(pl.Date)
        return v, v.is_not_null()
    if col.kind == "datetime":
        v = x.cast(pl.Datetime("us"))
        return v, v.is_not_null()
    return _nulls(col.polars_type, len(x)), _const(False, len(x))


def check_columns(
    spec: TableSpec,
    columns: dict[str, Any],
    numbers: Sequence[int],
    *,
    file: str,
    sheet: str | None,
    rewrite: dict[str, Callable[[pl.Series], pl.Series]] | None = None,
) -> SheetCheck:
    """Parse and check ``columns`` (table column -> cells, by row) against ``spec``.

    ``rewrite`` maps a column to a function applied to its String cells before they are parsed
    (market names to ISO codes). Returns the typed frame of all rows, which rows are bad, and one
    issue per bad cell in row order, columns in table order."""
    height = len(numbers)
    number_series = pl.Series("__row", list(numbers), dtype=pl.Int64)
    values: dict[str, pl.Series] = {}
    issues: list[tuple[int, int, CellIssue]] = []
    bad = _const(False, height)
    series_of: dict[str, pl.Series | list[Any]] = {}
    for col in spec.columns:
        raw = columns.get(col.name)
        series: pl.Series | list[Any] = _nulls(pl.String, height) if raw is None else _as_series(raw)
        if isinstance(series, pl.Series) and series.dtype == pl.String and rewrite and col.name in rewrite:
            series = rewrite[col.name](series)
        series_of[col.name] = series
    for position, col in enumerate(spec.columns):
        series = series_of[col.name]
        if isinstance(series, pl.Series) and series.dtype == pl.String:
            t, blank = _strings(series)
            v, ok = _parse_text_column(col, t)
        elif isinstance(series, pl.Series) and series.dtype == pl.Float64:
            blank = series.is_null()
            v, ok = _parse_number_column(col, series)
        elif isinstance(series, pl.Series) and series.dtype in (pl.Date, pl.Datetime("us"), pl.Datetime("ns")):
            blank = series.is_null()
            v, ok = _parse_temporal_column(col, series)
        else:
            blank = pl.Series([v is None or (isinstance(v, str) and not v.strip()) for v in series])
            v = _nulls(col.polars_type, height)
            ok = _const(False, height)
        v = v.cast(col.polars_type).set(blank, None)
        ok = ok.fill_null(False) & ~blank
        if col.required:
            for index in blank.arg_true().to_list():
                issues.append(
                    (
                        index,
                        position,
                        CellIssue(
                            file=file,
                            sheet=sheet,
                            row=int(numbers[index]),
                            column=col.name,
                            value=None,
                            reason="required value missing",
                        ),
                    )
                )
            bad = bad | blank
        doubtful = (~ok & ~blank).arg_true().to_list()
        if doubtful:
            cells = (
                series.gather(doubtful).to_list() if isinstance(series, pl.Series) else [series[i] for i in doubtful]
            )
            adapter = _adapter(col)
            fixed_at: list[int] = []
            fixed: list[Any] = []
            failed: list[int] = []
            for index, cell in zip(doubtful, cells, strict=True):
                try:
                    value = adapter.validate_python(cell)
                except ValidationError as exc:
                    err = exc.errors(include_url=False)[0]
                    issues.append(
                        (
                            index,
                            position,
                            CellIssue(
                                file=file,
                                sheet=sheet,
                                row=int(numbers[index]),
                                column=col.name,
                                value=shown(cell),
                                reason=_reason(err, col),
                            ),
                        )
                    )
                    failed.append(index)
                    continue
                fixed_at.append(index)
                fixed.append(value)
            if fixed_at:
                v = v.scatter(fixed_at, pl.Series(fixed, dtype=col.polars_type))
            if failed:
                bad = bad.scatter(failed, True)
        values[col.name] = v.alias(col.name)
    issues.sort(key=lambda item: (item[0], item[1]))
    return SheetCheck(
        frame=pl.DataFrame([values[c.name] for c in spec.columns]),
        numbers=number_series,
        bad=bad,
        issues=[i for _, _, i in issues],
    )


def decimal_values(series: pl.Series) -> list[Decimal | None]:
    """Python Decimals of a Decimal column (for callers that still walk rows)."""
    return series.to_list()
