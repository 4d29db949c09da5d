"""Platform order exports -> one table of normalised order lines (pure: a polars table of the file's
cells in, a typed table out; the store reads the file).

:func:`detect` names the layout from the headers (:data:`qiankua.orders.formats.FORMATS`);
:func:`read_orders` resolves the columns, parses numbers, quantities, currencies and times (any of
the usual date layouts, with an offset or in the time zone given for naive times, kept in UTC),
normalises statuses (cancellations, refunds, returns, partial shipments), spreads money written once
per order over its lines, checks that amounts add up, and returns :data:`LINE_COLUMNS`.
Any bad cell is a :class:`~qiankua.exceptions.CellIssue` naming file, row, column and reason; one
or more raise :class:`~qiankua.exceptions.ImportValidationError` and nothing is returned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import polars as pl

from qiankua.exceptions import CellIssue, ImportValidationError, InvalidInputError
from qiankua.orders.formats import (
    FORMATS,
    GENERIC_STATUSES,
    MONEY,
    STATUSES,
    OrderFormat,
    norm_header,
)

__all__ = ["LINE_COLUMNS", "LINE_SCHEMA", "ROW", "columns_used", "detect", "mapped_format", "read_orders"]

ROW = "_row"  # the file's row number (1-based, as a spreadsheet shows it), set by whoever reads the file
MAX_ISSUES = 200

LINE_SCHEMA: dict[str, pl.DataType] = {
    "platform": pl.String(),
    "order_id": pl.String(),
    "item_id": pl.String(),
    "order_time": pl.Datetime("us"),  # UTC
    "order_date": pl.Date(),  # the UTC date of order_time: the date every rate is taken on
    "status": pl.String(),
    "fulfilment": pl.String(),
    "sku": pl.String(),
    "asin": pl.String(),
    "title": pl.String(),
    "quantity": pl.Int64(),
    "quantity_shipped": pl.Int64(),
    "currency": pl.String(),
    "unit_price": pl.Float64(),
    "item_price": pl.Float64(),  # goods, the line total (unit price x quantity) before discounts
    "discount": pl.Float64(),  # the seller's promotions on goods and shipping
    "item_tax": pl.Float64(),
    "shipping_price": pl.Float64(),
    "shipping_tax": pl.Float64(),
    "refund": pl.Float64(),
    "ship_country": pl.String(),
    "ship_state": pl.String(),
    "ship_city": pl.String(),
    "ship_postal": pl.String(),
    "recipient": pl.String(),
    "address": pl.String(),
    "phone": pl.String(),
    "tracking_no": pl.String(),
    "carrier": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
}
LINE_COLUMNS: tuple[str, ...] = tuple(LINE_SCHEMA)

# ISO 4217 minor units of the currencies orders come in (others: 2)
_ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "IDR", "UGX", "XOF", "XAF", "PYG"}
_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "US $": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "RMB": "CNY"}

_AWARE = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%z")
_NAIVE_YMD = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
)
_DATES_YMD = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M")
_DAY_FIRST_D = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_MONTH_FIRST = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m-%d-%Y %H:%M:%S")
_MONTH_FIRST_D = ("%m/%d/%Y", "%m-%d-%Y")


def _issue(file: str, row: int | None, column: str | None, value: Any, reason: str) -> CellIssue:
    return CellIssue(file=file, sheet=None, row=row, column=column, value=value, reason=reason)


# ----------------------------------------------------------------------------- detection


def _resolve(fmt: OrderFormat, headers: list[str]) -> dict[str, str]:
    """canonical field -> the file's header, for the fields the file has."""
    normed = {norm_header(h): h for h in reversed(headers)}
    out: dict[str, str] = {}
    for name, aliases in fmt.columns.items():
        for alias in aliases:
            if alias.endswith("*"):
                hit = next((orig for n, orig in normed.items() if n.startswith(alias[:-1])), None)
            else:
                hit = normed.get(alias)
            if hit is not None:
                out[name] = hit
                break
    return out


def columns_used(fmt: OrderFormat, headers: list[str]) -> list[str]:
    """The headers of ``headers`` that :func:`read_orders` reads for ``fmt`` (the others are never looked at)."""
    return list(dict.fromkeys(_resolve(fmt, headers).values()))


def detect(headers: list[str], file: str = "") -> OrderFormat:
    """The layout whose identifying headers are all present; InvalidInputError naming the file otherwise."""
    normed = {norm_header(h) for h in headers}
    hits = [f for f in FORMATS.values() if any(sig <= normed for sig in f.signatures)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        shown = ", ".join(str(h) for h in headers[:8])
        known = "; ".join(f"{f.name}: {', '.join(sorted(f.signatures[0]))}" for f in FORMATS.values())
        raise InvalidInputError(
            f"{file}: unknown platform: no known order export has these headers ({shown}…). "
            f"Known layouts and the headers that identify them — {known}. "
            "Use --platform mapped with a column map for another layout."
        )
    raise InvalidInputError(
        f"{file}: the headers fit several layouts ({', '.join(f.name for f in hits)}); give --platform."
    )


def mapped_format(spec: Mapping[str, Any]) -> OrderFormat:
    """A layout from a user's column map: ``{"platform": "ebay", "columns": {"order_id": "Order No", …},
    "statuses": {"Paid": "unshipped", …}, "day_first": false, "item_price_is_total": true}``.

    ``columns`` names the file's header for any canonical field (:data:`qiankua.orders.formats.CANONICAL`);
    ``order_id``, ``order_time``, ``quantity``, ``ship_country`` and one of ``sku``/``asin``/``title`` are required.
    """
    from qiankua.orders.formats import CANONICAL

    columns = spec.get("columns")
    if not isinstance(columns, Mapping) or not columns:
        raise InvalidInputError("A column map needs `columns`: {canonical field: the file's header}.")
    unknown = [k for k in columns if k not in CANONICAL]
    if unknown:
        raise InvalidInputError(
            f"Unknown field {unknown[0]!r} in the column map; expected some of {', '.join(CANONICAL)}."
        )
    required = ["order_id", "order_time", "quantity", "ship_country"]
    missing = [k for k in required if k not in columns]
    if missing or not any(k in columns for k in ("sku", "asin", "title")):
        need = missing or ["sku (or asin or title)"]
        raise InvalidInputError(f"The column map must name {', '.join(need)}.")
    statuses = {norm_header(k): str(v) for k, v in (spec.get("statuses") or {}).items()}
    bad = [v for v in statuses.values() if v not in STATUSES]
    if bad:
        raise InvalidInputError(f"Unknown status {bad[0]!r} in the column map; expected one of {', '.join(STATUSES)}.")
    platform = str(spec.get("platform") or "mapped").strip().lower()
    return OrderFormat(
        name="mapped",
        platform=platform,
        title_zh="自定义列映射",
        title_en="Column map",
        basis="user map",
        source="the user's column map",
        columns={k: (norm_header(v),) for k, v in columns.items()},
        required=tuple(required),
        signatures=(),
        statuses={**GENERIC_STATUSES, **statuses},
        day_first=bool(spec.get("day_first", False)),
        item_price_is_total=bool(spec.get("item_price_is_total", "item_price" in columns)),
        order_level=tuple(spec.get("order_level", ())),
    )


# ----------------------------------------------------------------------------- parsing helpers


def _text(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.strip_chars().replace("", None)


def _blank_null(col: str) -> pl.Expr:
    s = pl.col(col).cast(pl.String)
    return pl.when(s.str.len_bytes() > 0).then(s)


def _number(expr: pl.Expr) -> pl.Expr:
    """Money or quantity text -> float: currency signs and spaces dropped, ``1,234.5`` and ``1.234,5`` read."""
    s = expr.str.replace_all(r"[^0-9.,\-]", "")
    both = s.str.contains(",", literal=True) & s.str.contains(".", literal=True)
    comma_last = s.str.find(",", literal=True) > s.str.find(".", literal=True)
    decimal_comma = s.str.contains(r"^-?\d+,\d{1,2}$")
    cleaned = (
        pl.when(both & comma_last)
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(both)
        .then(s.str.replace_all(",", "", literal=True))
        .when(decimal_comma)
        .then(s.str.replace(",", ".", literal=True))
        .otherwise(s.str.replace_all(",", "", literal=True))
    )
    return cleaned.cast(pl.Float64, strict=False)


def _parse(s: pl.Series, fmt: str, aware: bool) -> pl.Series:
    """``s`` parsed with one format: UTC-naive datetimes, null where it does not fit."""
    if "%H" not in fmt:
        return s.str.to_date(fmt, strict=False).cast(pl.Datetime("us"))
    if aware:
        return s.str.to_datetime(fmt, strict=False, time_zone="UTC").dt.replace_time_zone(None)
    return s.str.to_datetime(fmt, strict=False)


def _numbers(frame: pl.DataFrame, columns: list[str]) -> list[pl.Series]:
    """Each column as float: a plain cast first (the usual case), the cleaning of :func:`_number` only for
    the cells that did not cast (thousands separators, decimal commas, currency signs)."""
    out = []
    for c in columns:
        s = frame[c]
        fast = s.cast(pl.Float64, strict=False)
        failed = fast.is_null() & s.is_not_null()
        if failed.any():
            slow = frame.select(_number(pl.col(c))).to_series()
            fast = fast.zip_with(~failed, slow)
        out.append(fast.alias(c))
    return out


def _date_formats(sample: pl.Series, day_first: bool) -> list[tuple[str, bool]]:
    """The formats (and whether they carry an offset) that parse some of ``sample``, most specific first."""
    cands = [(f, True) for f in _AWARE] + [(f, False) for f in _NAIVE_YMD + _DATES_YMD]
    cands += [(f, False) for f in (_DAY_FIRST + _DAY_FIRST_D if day_first else _MONTH_FIRST + _MONTH_FIRST_D)]
    found = []
    for fmt, aware in cands:
        parsed = _parse(sample, fmt, aware)
        if parsed.null_count() < sample.len():
            found.append((fmt, aware))
    return found


def _parse_times(text: pl.Series, day_first: bool, tz: str) -> pl.Series:
    """Datetime (UTC, naive) of each cell; null where no format fits."""
    s = text
    sample = s.drop_nulls().unique().head(2000)
    if sample.str.contains(r"(?i)(\s*(Z|UTC|GMT)|:\d\d(\.\d+)?[+-]\d\d)$").any():  # Z, UTC or +08 -> +00:00 / +08:00
        s = s.str.replace(r"(?i)\s*(Z|UTC|GMT)$", "+00:00").str.replace(r"(:\d\d(?:\.\d+)?)([+-]\d\d)$", "${1}${2}:00")
        sample = s.drop_nulls().unique().head(2000)
    parts: list[pl.Series] = []
    to_parse = s.len() - s.null_count()
    for fmt, aware in _date_formats(sample, day_first):
        p = _parse(s, fmt, aware)
        if not aware and tz != "UTC":
            p = (
                p.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
                .dt.convert_time_zone("UTC")
                .dt.replace_time_zone(None)
            )
        parts.append(p.cast(pl.Datetime("us")))
        if p.len() - p.null_count() == to_parse:  # every cell read: a later format would change nothing
            return p.cast(pl.Datetime("us")).alias(text.name) if len(parts) == 1 else _first_of(parts, text.name)
    serial = s.str.contains(r"^\d{5}(\.\d+)?$")
    if serial.any():  # an Excel serial day number that reached us as text
        days = s.cast(pl.Float64, strict=False)
        base = pl.Series([dt.datetime(1899, 12, 30)] * len(s), dtype=pl.Datetime("us"))
        parts.append(
            pl.select(
                pl.when(serial).then(
                    base + pl.duration(microseconds=pl.lit((days * 86_400_000_000).round(0).cast(pl.Int64)))
                )
            ).to_series()
        )
    if not parts:
        return pl.Series(text.name, [None] * len(text), dtype=pl.Datetime("us"))
    return _first_of(parts, text.name)


def _first_of(parts: list[pl.Series], name: str) -> pl.Series:
    return pl.select(pl.coalesce(parts)).to_series().alias(name)


def _round_money(expr: pl.Expr, zero_decimal: pl.Expr) -> pl.Expr:
    return pl.when(zero_decimal).then(expr.round(0)).otherwise(expr.round(2))


def _default_country(value: str) -> str | None:
    text = value.strip()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return text.upper()
    try:
        import pycountry

        return str(pycountry.countries.lookup(text).alpha_2)
    except (LookupError, ImportError):
        return None


# ----------------------------------------------------------------------------- the reader


def read_orders(
    frame: pl.DataFrame,
    fmt: OrderFormat | str,
    *,
    file: str,
    header_row: int = 1,
    currency: str | None = None,
    tz: str = "UTC",
    country: Callable[[str], str | None] | None = None,
) -> pl.DataFrame:
    """Normalised order lines (:data:`LINE_SCHEMA`) from a table of one export's cells.

    ``frame``: one column per header, cells as text, and :data:`ROW` (the file's row numbers; added as
    ``header_row + 1 …`` when absent). ``currency``: the currency of files that carry none (Temu,
    TikTok Shop, Shopee exports). ``tz``: the time zone of times written without an offset (default UTC).
    ``country``: resolves what a file writes for a country (name, alpha-3 …) to ISO alpha-2.
    """
    if isinstance(fmt, str):
        if fmt not in FORMATS:
            raise InvalidInputError(f"Unknown layout {fmt!r}; expected one of {', '.join(FORMATS)} or a column map.")
        fmt = FORMATS[fmt]
    if ROW not in frame.columns:
        frame = frame.with_row_index(ROW, offset=header_row + 1).with_columns(pl.col(ROW).cast(pl.Int64))
    headers = [c for c in frame.columns if c != ROW]
    cols = _resolve(fmt, headers)
    issues: list[CellIssue] = []
    for name in fmt.required:
        if name not in cols:
            expected = " / ".join(dict.fromkeys(fmt.columns.get(name, (name,))))
            issues.append(_issue(file, header_row, expected, None, f"required column missing ({name})"))
    if "currency" not in cols and currency is None and any(m in cols for m in ("item_price", "unit_price")):
        issues.append(
            _issue(
                file, header_row, "currency", None, "the file has no currency column: give the currency (--currency)"
            )
        )
    if issues:
        raise ImportValidationError(f"{file}: {len(issues)} problem(s) with the columns ({fmt.title_en})", issues)
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidInputError(f"Expected the currency as an ISO 4217 code (e.g. USD), not {currency!r}.")

    # numbers are read as they are (a cell that does not cast goes through the cleaning, which drops spaces);
    # text is trimmed, and a cell of spaces is empty
    numeric = {*MONEY, "platform_discount", "subtotal_before", "subtotal_after", "quantity", "quantity_shipped"}
    numeric.add("quantity_returned")
    raw = frame.select(
        pl.col(ROW).cast(pl.Int64).alias("source_row"),
        *((_blank_null(h) if n in numeric else _text(h)).alias(n) for n, h in cols.items()),
    )
    if fmt.skip_description_row and raw.height and "quantity" in raw.columns:
        first_qty = raw["quantity"][0]
        if first_qty is not None and _number(pl.lit(first_qty)).is_null().pipe(lambda e: pl.select(e).item()):
            raw = raw.slice(1)
    raw = raw.filter(pl.any_horizontal(pl.exclude("source_row").is_not_null()))

    def bad_rows(mask: pl.Expr, field: str, reason: str) -> None:
        hits = raw.filter(mask).select("source_row", pl.col(field).alias("_v")).head(MAX_ISSUES)
        for r, v in hits.iter_rows():
            issues.append(_issue(file, r, cols.get(field, field), v, reason))

    for name in fmt.required:
        bad_rows(pl.col(name).is_null(), name, "required value missing")

    # numbers
    num_fields = [m for m in (*MONEY, "platform_discount", "subtotal_before", "subtotal_after") if m in raw.columns]
    qty_fields = [q for q in ("quantity", "quantity_shipped", "quantity_returned") if q in raw.columns]
    parsed = raw.with_columns(_numbers(raw, [*num_fields, *qty_fields]))
    for m in num_fields + qty_fields:
        mask = raw[m].is_not_null() & parsed[m].is_null()
        for r, v in raw.filter(mask).select("source_row", m).head(MAX_ISSUES).iter_rows():
            issues.append(_issue(file, r, cols[m], v, "not a number"))
    for q in qty_fields:
        q_val = parsed[q]
        mask = q_val.is_not_null() & ((q_val < 0) | (q_val != q_val.round(0)))
        for r, v in raw.filter(mask).select("source_row", q).head(MAX_ISSUES).iter_rows():
            issues.append(_issue(file, r, cols[q], v, "expected a whole number of items, 0 or more"))

    # times
    times = _parse_times(raw["order_time"], fmt.day_first, tz)
    mask = raw["order_time"].is_not_null() & times.is_null()
    for r, v in raw.filter(mask).select("source_row", "order_time").head(MAX_ISSUES).iter_rows():
        issues.append(
            _issue(
                file,
                r,
                cols["order_time"],
                v,
                "unknown date format: expected e.g. 2026-03-01T10:15:00+08:00, 2026-03-01 10:15:00 or "
                + ("01/03/2026 10:15:00 (day first)" if fmt.day_first else "03/01/2026 10:15:00 (month first)"),
            )
        )
    parsed = parsed.with_columns(order_time=times)

    # currency
    if "currency" in parsed.columns:
        ccy = pl.col("currency").str.to_uppercase().str.strip_chars()
        ccy = ccy.replace(_CURRENCY_SYMBOLS)
        if currency is not None:
            ccy = ccy.fill_null(pl.lit(currency))
        parsed = parsed.with_columns(currency=ccy)
    else:
        parsed = parsed.with_columns(currency=pl.lit(currency, dtype=pl.String))
    has_money = (
        pl.any_horizontal(*(pl.col(m).is_not_null() for m in ("item_price", "unit_price") if m in parsed.columns))
        if any(m in parsed.columns for m in ("item_price", "unit_price"))
        else pl.lit(False)
    )
    bad_ccy = parsed.filter(has_money & ~pl.col("currency").fill_null("").str.contains(r"^[A-Z]{3}$"))
    for r, v in bad_ccy.select("source_row", "currency").head(MAX_ISSUES).iter_rows():
        issues.append(
            _issue(file, r, cols.get("currency", "currency"), v, "expected an ISO 4217 currency code, e.g. USD")
        )

    # countries
    resolve = country or _default_country
    names = parsed["ship_country"].drop_nulls().unique().to_list()
    codes = {n: resolve(n) for n in names}
    unknown = {n for n, c in codes.items() if c is None}
    if unknown:
        hits = raw.filter(pl.col("ship_country").is_in(list(unknown))).select("source_row", "ship_country")
        for r, v in hits.head(MAX_ISSUES).iter_rows():
            issues.append(
                _issue(
                    file, r, cols["ship_country"], v, "unknown country: expected an ISO alpha-2 code or a country name"
                )
            )
    parsed = parsed.with_columns(
        ship_country=pl.col("ship_country").replace_strict(
            {n: c for n, c in codes.items() if c}, default=None, return_dtype=pl.String
        )
    )
    if issues:
        raise ImportValidationError(f"{file}: {len(issues)} problem(s); nothing was imported", issues[:MAX_ISSUES])
    return _finish(parsed, fmt, cols, file, issues)


def _finish(
    p: pl.DataFrame, fmt: OrderFormat, cols: dict[str, str], file: str, issues: list[CellIssue]
) -> pl.DataFrame:
    def has(c: str) -> bool:
        return c in p.columns

    def col(c: str, dtype: pl.DataType | None = None) -> pl.Expr:
        return pl.col(c) if has(c) else pl.lit(None, dtype=dtype or pl.Float64())

    qty = pl.col("quantity")
    tol = 0.011
    checks: list[tuple[pl.Expr, str, str]] = []
    if fmt.name == "tiktok" and has("subtotal_before") and has("unit_price"):
        checks.append(
            (
                (pl.col("unit_price") * qty - pl.col("subtotal_before")).abs() > tol,
                "subtotal_before",
                "SKU subtotal before discount does not add up: unit original price × quantity",
            )
        )
    if has("unit_price") and has("item_price") and fmt.item_price_is_total and fmt.name == "mapped":
        checks.append(
            (
                (pl.col("unit_price") * qty - pl.col("item_price")).abs() > tol * qty.cast(pl.Float64).clip(1.0),
                "item_price",
                "line total does not add up: unit price × quantity",
            )
        )
    _check(p, checks, cols, file)
    checks = []
    # goods value of the line
    if fmt.name == "tiktok" and has("subtotal_before"):
        item_price = pl.col("subtotal_before")
    elif fmt.item_price_is_total and has("item_price"):
        item_price = pl.col("item_price")
    elif has("unit_price"):
        item_price = pl.col("unit_price") * qty
    else:
        item_price = col("item_price")
    p = p.with_columns(item_price=item_price)
    p = p.with_columns(
        unit_price=pl.when(qty > 0).then(pl.col("item_price") / qty).otherwise(col("unit_price")),
        discount=pl.sum_horizontal(col("discount").fill_null(0.0), col("ship_discount").fill_null(0.0))
        if (has("discount") or has("ship_discount"))
        else pl.lit(None, dtype=pl.Float64),
    )
    # money written once per order, repeated on each of its lines: spread by the lines' goods value
    order = pl.col("order_id")
    share = (
        pl.when(pl.col("item_price").sum().over(order) > 0)
        .then(pl.col("item_price").fill_null(0.0) / pl.col("item_price").sum().over(order))
        .otherwise(1.0 / pl.len().over(order))
    )

    def constant(m: str) -> bool:  # empty on every line, or 0 on every line: spreading changes nothing
        nulls = p[m].null_count()
        return nulls == p.height or (nulls == 0 and not (p[m] != 0).any())

    spread = [m for m in fmt.order_level if has(m) and not constant(m)]
    if spread:
        p = p.with_columns(*(pl.col(m).first().over(order).alias(m) for m in spread), _share=share).with_columns(
            *((pl.col(m) * pl.col("_share")).alias(m) for m in spread)
        )

    # amounts that must add up
    if fmt.name == "tiktok" and has("subtotal_before") and has("subtotal_after"):
        expect_after = (
            pl.col("subtotal_before") - col("platform_discount").fill_null(0.0) - col("discount").fill_null(0.0)
        )
        checks.append(
            (
                (pl.col("subtotal_after") - expect_after).abs() > tol,
                "subtotal_after",
                "SKU subtotal after discount does not add up: before discount − platform discount − seller discount",
            )
        )
    if fmt.name == "mapped" and has("order_total"):
        lines = (
            pl.col("item_price").fill_null(0.0)
            - pl.col("discount").fill_null(0.0)
            + col("shipping_price").fill_null(0.0)
            + col("item_tax").fill_null(0.0)
            + col("shipping_tax").fill_null(0.0)
        )
        sums = lines.sum().over(order)
        total = (
            pl.col("order_total").first().over(order)
            if "order_total" in fmt.order_level
            else pl.col("order_total").sum().over(order)
        )
        checks.append(
            (
                (total - sums).abs() > tol * pl.len().over(order),
                "order_total",
                "order total does not add up: Σ(goods − discount + shipping + taxes) of the order's lines",
            )
        )
    _check(p, checks, cols, file)

    # statuses: the item's own status first (a cancelled item in a shipped order), then the order's
    status_map = {norm_header(k): v for k, v in fmt.statuses.items()}
    status_map.update({k: v for k, v in _ITEM_STATUS.items() if k not in status_map})

    def canon(c: str) -> pl.Expr:
        # normalise the few distinct raw values in Python, then one lookup per row
        lookup = {v: status_map.get(norm_header(v)) for v in p[c].drop_nulls().unique().to_list()}
        return pl.col(c).replace_strict(lookup, default=None, return_dtype=pl.String)

    shipped = col("quantity_shipped")
    derived = (
        pl.when(shipped.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(shipped <= 0)
        .then(pl.lit("unshipped"))
        .when(shipped < qty)
        .then(pl.lit("partially_shipped"))
        .otherwise(pl.lit("shipped"))
    )
    order_st = canon("status") if has("status") else pl.lit(None, dtype=pl.String)
    item_st = canon("item_status") if has("item_status") else pl.lit(None, dtype=pl.String)
    # an unpaid or cancelled order outranks its items' statuses; otherwise the item's own status first
    st = (
        pl.when(order_st.is_in(["pending", "cancelled"]))
        .then(order_st)
        .otherwise(pl.coalesce(item_st, order_st, derived))
    )
    p = p.with_columns(_st=st)
    if has("status"):
        unknown = p.filter(pl.col("_st").is_null() & pl.col("status").is_not_null())
        for r, v in unknown.select("source_row", "status").head(MAX_ISSUES).iter_rows():
            known = sorted({k for k in fmt.statuses})[:12]
            issues.append(
                _issue(file, r, cols["status"], v, f"unknown order status; expected one of {', '.join(known)} …")
            )
        if issues:
            raise ImportValidationError(f"{file}: {len(issues)} unknown status(es); nothing was imported", issues)
    partial = (pl.col("_st") == "shipped") & shipped.is_not_null() & (shipped < qty) & (shipped > 0)
    returned = col("quantity_returned").fill_null(0) >= qty
    p = p.with_columns(
        status=pl.when(partial)
        .then(pl.lit("partially_shipped"))
        .when(returned & (qty > 0) & pl.col("_st").is_in(["shipped", "delivered"]))
        .then(pl.lit("returned"))
        .otherwise(pl.col("_st").fill_null("unshipped"))
    )

    # keys: the line's own id, else its SKU (ASIN, title) with an occurrence number when it repeats
    ident = pl.coalesce(
        col("item_id", pl.String()), col("sku", pl.String()), col("asin", pl.String()), col("title", pl.String())
    )
    p = p.with_columns(_ident=ident)
    repeated = p.select(pl.struct("order_id", "_ident").is_duplicated()).to_series()
    if repeated.any():  # number the repeats among the (few) repeated keys only, then put them back in place
        rows = repeated.arg_true()
        sub = p.select("order_id", "_ident")[rows]
        sub = sub.with_columns(_n=pl.int_range(pl.len()).over(["order_id", "_ident"]))
        numbered = sub.select(
            pl.when(pl.col("_n") > 0)
            .then(pl.col("_ident") + "#" + (pl.col("_n") + 1).cast(pl.String))
            .otherwise(pl.col("_ident"))
        ).to_series()
        p = p.with_columns(p["_ident"].scatter(rows, numbered))
    p = p.with_columns(item_id=pl.col("_ident"))
    address = pl.concat_str(
        [col(a, pl.String()) for a in ("address1", "address2", "address3")], separator=", ", ignore_nulls=True
    )
    ccy = pl.col("currency")
    p = p.with_columns(_zero=ccy.is_in(list(_ZERO_DECIMAL)).fill_null(False))
    money = {
        m: _round_money(col(m), pl.col("_zero"))
        for m in ("item_price", "discount", "item_tax", "shipping_price", "shipping_tax", "refund")
    }
    out = p.select(
        platform=pl.lit(fmt.platform),
        order_id=pl.col("order_id"),
        item_id=pl.col("item_id"),
        order_time=pl.col("order_time"),
        order_date=pl.col("order_time").dt.date(),
        status=pl.col("status"),
        fulfilment=col("fulfilment", pl.String()),
        sku=col("sku", pl.String()),
        asin=col("asin", pl.String()),
        title=col("title", pl.String()),
        quantity=qty.cast(pl.Int64),
        quantity_shipped=shipped.cast(pl.Int64),
        currency=ccy,
        unit_price=pl.col("unit_price"),
        **money,
        ship_country=pl.col("ship_country"),
        ship_state=col("ship_state", pl.String()),
        ship_city=col("ship_city", pl.String()),
        ship_postal=col("ship_postal", pl.String()),
        recipient=col("recipient", pl.String()),
        address=pl.when(address == "").then(None).otherwise(address),
        phone=col("phone", pl.String()),
        tracking_no=col("tracking_no", pl.String()),
        carrier=col("carrier", pl.String()),
        source_file=pl.lit(file),
        source_row=pl.col("source_row"),
    )
    return out.cast(LINE_SCHEMA)  # type: ignore[arg-type]


def _check(p: pl.DataFrame, checks: list[tuple[pl.Expr, str, str]], cols: dict[str, str], file: str) -> None:
    """Raise naming each row where an amount does not add up."""
    issues = []
    for cond, field, reason in checks:
        hits = p.filter(cond.fill_null(False)).select("source_row", pl.col(field).alias("_v")).head(MAX_ISSUES)
        for r, v in hits.iter_rows():
            issues.append(_issue(file, r, cols.get(field, field), v, reason))
    if issues:
        raise ImportValidationError(f"{file}: {len(issues)} amount(s) do not add up; nothing was imported", issues)


# item-level statuses that several platforms write (TikTok's cancelation/return type, Amazon's item-status)
_ITEM_STATUS = {
    "cancel": "cancelled",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "return/refund": "refunded",
    "refund only": "refunded",
    "return and refund": "returned",
}


def with_format(fmt: OrderFormat, **changes: Any) -> OrderFormat:
    """``fmt`` with some fields changed (e.g. ``day_first``)."""
    return replace(fmt, **changes)
