"""The 1210 check of a batch: three-document match, positive list, quota, composite tax — a table in,
tables out (Polars + numpy + the numba quota kernel). :func:`order_tax` is the one-order convenience.

Inputs are the typed upload frames (canonical column names, see :mod:`qiankua.bonded.tables`); identity
numbers are hashed here with the store's salt and never leave this function in clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from qiankua.bonded.identity import hash_ids
from qiankua.bonded.keys import all_distinct, group_index, lex_order
from qiankua.bonded.quota import ANNUAL, CAP, CHECK, FULL, REASONS, SINGLE, WITHIN, allocate, allocate_caps
from qiankua.bonded.rules import BondedRules, Limits
from qiankua.bonded.tax import composite_rate, round_fen, tax_parts

__all__ = ["CheckResult", "check_batch", "order_tax"]

ORDER_COLUMNS = (
    "order_id",
    "buyer_hash",
    "year",
    "order_date",
    "items",
    "lines",
    "goods_value",
    "dutiable_value",
    "status",
    "channel",
    "reason",
    "duty",
    "vat",
    "consumption_tax",
    "total_tax",
    "counted_cny",
    "warnings",
    "rule_id",
)


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """Per order (``orders``), per buyer and year (``usage``: quota before, after, left; buyers in the
    order they first appear in the upload), the counts, and the capped quantities of accepted orders
    (``capped``: order_id, buyer_hash, year, hs8, quantity)."""

    orders: pl.DataFrame
    usage: pl.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    capped: pl.DataFrame | None = None


def _fen(x: pl.Expr) -> pl.Expr:
    return (x * 100.0 + 0.5).floor().cast(pl.Int64)


def _limits_columns(frame: pl.DataFrame, rules: BondedRules) -> pl.DataFrame:
    """rule_id, single/annual limits (fen), factor, duty in limit, full_ok for each order's date."""
    lim = rules.limits_frame().select(
        "rule_id",
        "valid_from",
        "valid_to",
        (pl.col("single_limit_cny") * 100).round(0).cast(pl.Int64).alias("single_fen"),
        (pl.col("annual_limit_cny") * 100).round(0).cast(pl.Int64).alias("annual_fen"),
        pl.col("tax_factor_in_limit").alias("factor"),
        pl.col("duty_rate_in_limit").alias("duty_in_limit"),
        (pl.col("single_item_over_limit") == "full_tax").alias("full_ok"),
    )
    dates = frame.select(pl.col("order_date").unique())
    hit = (
        dates.join(lim, how="cross")
        .filter(
            (pl.col("valid_from") <= pl.col("order_date"))
            & (pl.col("valid_to").is_null() | (pl.col("order_date") < pl.col("valid_to")))
        )
        .unique("order_date", keep="first")
        .drop("valid_from", "valid_to")
    )
    return frame.join(hit, on="order_date", how="left", maintain_order="left")


def _cap_arrays(
    lines: pl.DataFrame, agg: pl.DataFrame, order: np.ndarray, prior_quantity: pl.DataFrame | None
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None, pl.DataFrame | None]:
    """The capped lines (the positive list sets a per-person yearly quantity) as the kernel's arrays, in
    decision order, and the frame ``pos, order_id, buyer_hash, year, hs8, quantity`` they come from."""
    if "qty_cap" not in lines.columns or lines["qty_cap"].null_count() == lines.height:
        return None, None
    n = agg.height
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    pos = agg.select("order_id").with_row_index("pos")
    c = (
        lines.filter(pl.col("qty_cap").is_not_null())
        .select(
            "order_id",
            "buyer_hash",
            "year",
            pl.col("hs_code").str.slice(0, 8).alias("hs8"),
            pl.col("quantity").cast(pl.Float64),
            "qty_cap",
        )
        .join(pos, on="order_id", how="inner")
        .group_by("pos", "order_id", "buyer_hash", "year", "hs8")
        .agg(pl.col("quantity").sum(), pl.col("qty_cap").min())
    )
    keys = c.select("buyer_hash", "year", "hs8").unique().with_row_index("k")
    c = c.join(keys, on=["buyer_hash", "year", "hs8"], how="left")
    c = c.with_columns(pl.Series("rank", rank[c["pos"].to_numpy()])).sort("rank")
    prior = keys.with_columns(pl.lit(0.0).alias("quantity"))
    if prior_quantity is not None and prior_quantity.height:
        prior = keys.join(
            prior_quantity.select(
                "buyer_hash", pl.col("year").cast(keys["year"].dtype), "hs8", pl.col("quantity").cast(pl.Float64)
            ),
            on=["buyer_hash", "year", "hs8"],
            how="left",
            maintain_order="left",
        ).with_columns(pl.col("quantity").fill_null(0.0))
    ptr = np.searchsorted(c["rank"].to_numpy(), np.arange(n + 1)).astype(np.int64)
    arrays = (
        ptr,
        c["k"].to_numpy().astype(np.int64),
        c["quantity"].to_numpy(),
        c["qty_cap"].to_numpy(),
        prior["quantity"].to_numpy(),
    )
    return arrays, c


def _per_order(lines: pl.DataFrame, single: bool) -> pl.DataFrame:
    """One row per order: sums, the order's time, and the line-level flags (``f_`` fail, ``w_`` warn).
    ``single``: every order has one line (the usual upload), so no group-by is needed."""
    on_list = pl.col("on_list")
    spec: dict[str, tuple[pl.Expr, pl.Expr]] = {
        "buyer_hash": (pl.col("buyer_hash").first(), pl.col("buyer_hash")),
        "f_lines_disagree": (pl.col("buyer_hash").n_unique() > 1, pl.lit(False)),
        "order_time": (pl.col("order_time").min(), pl.col("order_time")),
        "order_date": (pl.col("order_date").min(), pl.col("order_date")),
        "year": (pl.col("year").min(), pl.col("year")),
        "items": (pl.col("quantity").sum(), pl.col("quantity")),
        "lines": (pl.len(), pl.lit(1, dtype=pl.UInt32)),
        "goods_value": (pl.col("line_value").sum(), pl.col("line_value")),
        "dutiable_value": (pl.col("line_dutiable").sum(), pl.col("line_dutiable")),
        "tax_collected": (pl.col("tax_collected").sum(), pl.col("tax_collected").fill_null(0.0)),
        # null on_list stays unknown: not a failure, a warning
        "f_not_on_list": ((on_list == False).any(), (on_list == False).fill_null(False)),  # noqa: E712
        "w_list_unverified": (on_list.is_null().any(), on_list.is_null()),
        "w_list_remark": (pl.col("remark_type").is_not_null().any(), pl.col("remark_type").is_not_null()),
        "w_list_outdated": (pl.col("edition_stale").any(), pl.col("edition_stale")),
        "f_no_vat_rate": (pl.col("vat_rate").is_null().any(), pl.col("vat_rate").is_null()),
        "w_ct_assumed_high_end": (pl.col("ct_assumed").any(), pl.col("ct_assumed")),
    }
    if "buyer_id_number" in lines.columns:  # compared with the payer's, then dropped (never returned)
        spec["buyer_id_number"] = (pl.col("buyer_id_number").first(), pl.col("buyer_id_number"))
    if single:
        return lines.select(pl.col("order_id"), *[row.alias(name) for name, (_agg, row) in spec.items()])
    return lines.group_by("order_id", maintain_order=True).agg(agg.alias(name) for name, (agg, _row) in spec.items())


def _same_order(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    """Whether ``b`` lists the same order ids in the same order as ``a`` (then a join is not needed)."""
    return a.height == b.height and bool((a["order_id"] == b["order_id"]).all())


def _attach(agg: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
    if _same_order(agg, other):
        return agg.hstack(other.drop("order_id"))
    return agg.join(other, on="order_id", how="left", maintain_order="left")


def _codes(frame: pl.DataFrame, cols: list[str], prefix: int) -> pl.Series:
    """``a;b`` of the true flag columns per row (empty when none), via a bit mask: only the distinct
    combinations are turned into text."""
    if not cols or not frame.height:
        return pl.Series([""] * frame.height, dtype=pl.String)
    bits = frame.select(
        pl.sum_horizontal([pl.col(c).fill_null(False).cast(pl.UInt32) * (1 << k) for k, c in enumerate(cols)])
    ).to_series()
    masks = bits.unique()
    text = [";".join(c[prefix:] for k, c in enumerate(cols) if m >> k & 1) for m in masks.to_list()]
    return bits.replace_strict(masks, pl.Series(text, dtype=pl.String), return_dtype=pl.String)


def _with_hashes(frame: pl.DataFrame, clear: str, hashed: str, salt: bytes) -> pl.DataFrame:
    if hashed in frame.columns:
        return frame
    return frame.with_columns(hash_ids(frame[clear], salt).alias(hashed)).drop(clear)


def _payer_differs(agg: pl.DataFrame) -> pl.Series:
    """Whether each order's payer (``_payer``: a clear number) is not its buyer (``buyer_id_number``):
    compared as given, and normalised (spaces, the check character's case) only where they differ."""
    a, b = agg["buyer_id_number"], agg["_payer"]
    differs = (a != b).fill_null(False)
    if differs.any():
        norm = (a.str.strip_chars().str.to_uppercase() != b.str.strip_chars().str.to_uppercase()).fill_null(False)
        differs = differs & norm
    return differs


def check_batch(
    orders: pl.DataFrame,
    payments: pl.DataFrame | None,
    waybills: pl.DataFrame | None,
    rules: BondedRules,
    *,
    salt: bytes,
    prior_usage: pl.DataFrame | None = None,
    decided: pl.Series | None = None,
    duty_rate: float | None = None,
    prior_quantity: pl.DataFrame | None = None,
) -> CheckResult:
    """Decide every order not in ``decided``: accepted (CBEC at 70%, or one item at full tax) or rejected
    (general trade, or a failed check named in ``reason``). ``prior_usage``: ``buyer_hash, year,
    used_fen`` from the ledger; ``prior_quantity``: ``buyer_hash, year, hs8, quantity`` already bought of
    capped lines. ``duty_rate`` is the goods duty rate for full-tax orders (unknown: null).

    Identity numbers (``buyer_id_number``, ``payer_id_number``) are hashed with ``salt`` here unless the
    caller passes ``buyer_hash`` already (then the clear numbers, when given too, are only compared, payer
    with buyer); no clear number is returned. Orders come back in the order given."""
    lines = _with_hashes(orders, "buyer_id_number", "buyer_hash", salt)
    if decided is not None and decided.len():
        lines = lines.filter(~pl.col("order_id").is_in(decided.implode()))
    lines = lines.with_columns(
        pl.col("order_time").dt.date().alias("order_date"),
        (pl.col("quantity") * pl.col("unit_price")).alias("line_value"),
    ).with_columns(
        (pl.col("line_value") + pl.col("freight").fill_null(0.0) + pl.col("insurance").fill_null(0.0)).alias(
            "line_dutiable"
        ),
        pl.col("order_date").dt.year().alias("year"),
    )
    # the rules of each distinct (code, day): rates and the positive list, joined back once
    code, keys = group_index(lines.select("hs_code", "order_date"))
    rates = rules.rates(keys["hs_code"], keys["order_date"])
    # the positive list's edition used on each order's date (the one in force, else the newest loaded)
    plist = rules.positive_status(keys["hs_code"], keys["order_date"])
    looked = keys.with_columns(
        rates["vat_rate"],
        rates["ct_rate"],
        rates["min_price_per_ml_g"],
        plist["on_list"],
        plist["remark_type"],
        plist["qty_cap"],
        plist["edition_stale"].fill_null(False),
    )
    lines = lines.hstack(looked.drop("hs_code", "order_date")[code])
    # consumption tax only for high-end goods where the table sets a price threshold
    per_ml = pl.col("unit_price") / pl.col("net_ml_g")
    lines = lines.with_columns(
        pl.when(pl.col("min_price_per_ml_g").is_null() | (pl.col("ct_rate") == 0) | pl.col("net_ml_g").is_null())
        .then(pl.col("ct_rate"))
        .when(per_ml >= pl.col("min_price_per_ml_g"))
        .then(pl.col("ct_rate"))
        .otherwise(0.0)
        .alias("ct_applied"),
        ((pl.col("ct_rate") > 0) & pl.col("min_price_per_ml_g").is_not_null() & pl.col("net_ml_g").is_null()).alias(
            "ct_assumed"
        ),
    )
    single = all_distinct(lines.select("order_id"))
    agg = _per_order(lines, single)
    if payments is not None:
        if "buyer_id_number" in agg.columns and "payer_id_number" in payments.columns:
            # both numbers in clear (the usual case): compare them, no need to hash the payer
            pay = payments.select("order_id", pl.col("payer_id_number").alias("_payer"), pl.col("amount").alias("paid"))
            agg = _attach(agg, pay)
            agg = agg.with_columns(_payer_differs(agg).alias("_differs"))
        else:
            pay = _with_hashes(payments, "payer_id_number", "payer_hash", salt).select(
                "order_id", pl.col("payer_hash").alias("_payer"), pl.col("amount").alias("paid")
            )
            agg = _attach(agg, pay)
            agg = agg.with_columns((pl.col("_payer") != pl.col("buyer_hash")).fill_null(False).alias("_differs"))
        payable = (pl.col("dutiable_value") + pl.col("tax_collected").fill_null(0.0)).round(2)
        agg = agg.with_columns(
            pl.col("paid").is_null().alias("f_payment_missing"),
            (pl.col("paid").is_not_null() & pl.col("_differs")).alias("f_payer_not_buyer"),
            (pl.col("paid").is_not_null() & ((pl.col("paid") - payable).abs() > 0.005)).alias("f_amount_mismatch"),
        ).drop("_payer", "_differs", "paid")
    agg = agg.drop("buyer_id_number", strict=False)
    if waybills is not None:
        way = waybills.select("order_id", pl.col("item_count").alias("_wb_items"), pl.lit(True).alias("_wb"))
        agg = _attach(agg, way)
        agg = agg.with_columns(
            pl.col("_wb").is_null().alias("f_waybill_missing"),
            (pl.col("_wb_items").is_not_null() & (pl.col("_wb_items") != pl.col("items"))).alias("f_goods_mismatch"),
        ).drop("_wb", "_wb_items")
    agg = _limits_columns(agg, rules).with_columns(pl.col("rule_id").is_null().alias("f_no_rule_in_force"))

    fail_cols = [c for c in agg.columns if c.startswith("f_")]
    warn_cols = [c for c in agg.columns if c.startswith("w_")]
    agg = agg.with_columns(
        _codes(agg, fail_cols, 2).alias("failures"), _codes(agg, warn_cols, 2).alias("warnings")
    ).drop(fail_cols + warn_cols)

    # ---- quota: per buyer and year (group g), orders in time order (ties: order id)
    g, groups = group_index(agg.select("buyer_hash", "year"))
    groups = groups.with_row_index("g")
    prior = groups.with_columns(pl.lit(0, dtype=pl.Int64).alias("used_fen"))
    if prior_usage is not None and prior_usage.height:
        prior = groups.join(
            prior_usage.select("buyer_hash", pl.col("year").cast(groups["year"].dtype), "used_fen"),
            on=["buyer_hash", "year"],
            how="left",
            maintain_order="left",
        ).with_columns(pl.col("used_fen").fill_null(0))
    prior_fen = prior["used_fen"].to_numpy().astype(np.int64)
    order = lex_order(agg, ["order_time", "order_id"])
    value_fen = agg.select(_fen(pl.col("dutiable_value"))).to_series().to_numpy()
    caps, capped = _cap_arrays(lines, agg, order, prior_quantity)
    code_sorted, counted_sorted, used_after, _cap_used = allocate_caps(
        g[order],
        value_fen[order],
        agg["items"].to_numpy()[order],
        (agg["failures"] == "").to_numpy()[order],
        agg["single_fen"].fill_null(0).to_numpy()[order],
        agg["annual_fen"].fill_null(0).to_numpy()[order],
        agg["full_ok"].fill_null(False).to_numpy()[order],
        prior_fen,
        caps,
    )
    code = np.empty_like(code_sorted)
    code[order] = code_sorted
    counted = np.empty_like(counted_sorted)
    counted[order] = counted_sorted
    agg = agg.with_columns(pl.Series("code", code), pl.Series("counted_fen", counted))

    # ---- tax per line at the order's decision, summed per order
    if single:
        tl = agg.select("order_id", "code", "factor", "duty_in_limit").hstack(
            lines.select("line_dutiable", "vat_rate", "ct_applied")
        )
    else:
        tl = lines.join(agg.select("order_id", "code", "factor", "duty_in_limit"), on="order_id", how="inner")
    within = tl["code"].to_numpy() == WITHIN
    full_duty = np.nan if duty_rate is None else float(duty_rate)
    parts = tax_parts(
        tl["line_dutiable"].to_numpy(),
        tl["vat_rate"].fill_null(np.nan).to_numpy(),
        tl["ct_applied"].to_numpy(),
        np.where(within, tl["duty_in_limit"].fill_null(np.nan).to_numpy(), full_duty),
        np.where(within, tl["factor"].fill_null(np.nan).to_numpy(), 1.0),
    )
    taxed = pl.DataFrame(
        {"duty": parts.duty, "vat": parts.vat, "consumption_tax": parts.consumption_tax}, nan_to_null=True
    )
    if single:
        agg = agg.hstack(taxed)
    else:
        taxed = (
            taxed.with_columns(tl["order_id"])
            .group_by("order_id")
            .agg(
                # an unknown part leaves the order's sum unknown (null), never 0
                pl.when(pl.col(c).null_count() > 0).then(None).otherwise(pl.col(c).sum()).alias(c)
                for c in ("duty", "vat", "consumption_tax")
            )
        )
        agg = agg.join(taxed, on="order_id", how="left", maintain_order="left")
    accepted = pl.col("code").is_in([WITHIN, FULL])
    failed = pl.col("code") == CHECK
    untaxed = pl.col("code").is_in([CHECK, CAP])  # refused outright: no tax to withhold
    out = agg.with_columns(
        pl.when(accepted).then(pl.lit("accepted")).otherwise(pl.lit("rejected")).alias("status"),
        pl.when(accepted)
        .then(pl.lit("cbec"))
        .when(pl.col("code").is_in([SINGLE, ANNUAL]))
        .then(pl.lit("general_trade"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("channel"),
        pl.when(failed)
        .then(pl.col("failures"))
        .otherwise(pl.col("code").replace_strict(dict(enumerate(REASONS)), return_dtype=pl.String))
        .alias("reason"),
        (pl.col("counted_fen") / 100.0).alias("counted_cny"),
        pl.col("dutiable_value").round(2),
        pl.col("goods_value").round(2),
        *[pl.when(untaxed).then(None).otherwise(pl.col(c)).alias(c) for c in ("duty", "vat", "consumption_tax")],
    )
    # the total is unknown when a part is (never 0)
    out = out.with_columns(
        pl.when(pl.any_horizontal(pl.col("duty", "vat", "consumption_tax").is_null()))
        .then(None)
        .otherwise(pl.sum_horizontal("duty", "vat", "consumption_tax").round(2))
        .alias("total_tax")
    ).select(ORDER_COLUMNS)

    # each group's annual limit: the largest of its orders' (null when no rule is in force for any)
    annual_max = np.full(groups.height, -1, dtype=np.int64)
    np.maximum.at(annual_max, g, agg["annual_fen"].fill_null(-1).to_numpy())
    annual_by_g = pl.DataFrame({"g": np.arange(groups.height, dtype=np.uint32), "annual_fen": annual_max}).with_columns(
        pl.when(pl.col("annual_fen") >= 0).then(pl.col("annual_fen")).alias("annual_fen")
    )
    usage = prior.with_columns(
        (pl.col("used_fen") / 100.0).alias("used_before"),
        pl.Series("used_after", used_after / 100.0),
    ).join(annual_by_g, on="g", how="left")
    usage = usage.with_columns(((pl.col("annual_fen") / 100.0) - pl.col("used_after")).alias("left")).select(
        "buyer_hash", "year", "used_before", "used_after", "left"
    )
    if capped is not None:
        ok = np.isin(code, [WITHIN, FULL])
        capped = capped.filter(pl.Series(ok[capped["pos"].to_numpy()])).select(
            "order_id", "buyer_hash", "year", "hs8", "quantity"
        )
    summary = summarise(out, buyers=groups["buyer_hash"].n_unique())
    return CheckResult(orders=out, usage=usage, summary=summary, capped=capped)


def summarise(orders: pl.DataFrame, buyers: int | None = None) -> dict[str, Any]:
    """Counts and sums of a day's decisions."""
    acc = orders.filter(pl.col("status") == "accepted")
    reasons = (
        orders.filter(pl.col("status") == "rejected")
        .group_by("reason")
        .len()
        .sort(["len", "reason"], descending=[True, False])
    )
    return {
        "orders": orders.height,
        "accepted": acc.height,
        "rejected": orders.height - acc.height,
        "declared_value_cny": float(round_fen(np.array([acc["dutiable_value"].sum() or 0.0]))[0]),
        "tax_cny": float(round_fen(np.array([acc["total_tax"].fill_null(0.0).sum() or 0.0]))[0]),
        "buyers": orders["buyer_hash"].n_unique() if buyers is None else buyers,
        "rejections": {r: int(n) for r, n in reasons.iter_rows()},
    }


def order_tax(
    value: float,
    *,
    vat_rate: float,
    ct_rate: float = 0.0,
    duty_rate: float | None = None,
    items: int = 1,
    annual_used: float = 0.0,
    limits: Limits,
) -> dict[str, Any]:
    """The tax of one order of dutiable ``value`` CNY: duty, vat, consumption_tax, total_tax, channel
    (``cbec`` or ``general_trade``) and reason; the same kernel and rounding as :func:`check_batch`."""
    if value < 0 or annual_used < 0 or items < 1:
        raise ValueError("value and annual_used must be >= 0 and items >= 1")
    single = round(limits.single_limit_cny * 100)
    annual = round(limits.annual_limit_cny * 100)
    code_arr, _counted, _used = allocate(
        np.zeros(1, dtype=np.int64),
        np.array([int(np.floor(value * 100 + 0.5))]),
        np.array([items]),
        np.array([True]),
        np.array([single]),
        np.array([annual]),
        np.array([limits.single_item_over_limit == "full_tax"]),
        np.array([int(np.floor(annual_used * 100 + 0.5))]),
    )
    code = int(code_arr[0])
    within = code == WITHIN
    parts = tax_parts(
        np.array([value]),
        np.array([vat_rate]),
        np.array([ct_rate]),
        np.array([limits.duty_rate_in_limit if within else (np.nan if duty_rate is None else duty_rate)]),
        np.array([limits.tax_factor_in_limit if within else 1.0]),
    )

    def num(a: np.ndarray) -> float | None:
        x = float(a[0])
        return None if np.isnan(x) else x

    total = num(round_fen(parts.total))
    return {
        "value": value,
        "duty": num(parts.duty),
        "vat": num(parts.vat),
        "consumption_tax": num(parts.consumption_tax),
        "total_tax": total,
        "channel": "cbec" if code in (WITHIN, FULL) else "general_trade",
        "reason": REASONS[code],
        "composite_rate": composite_rate(vat_rate, ct_rate, limits.tax_factor_in_limit) if within else None,
        "annual_used_after": annual_used + (value if code in (WITHIN, FULL) else 0.0),
        "rule_id": limits.rule_id,
        "sources": limits.source_id,
        "confidence": limits.confidence,
    }
