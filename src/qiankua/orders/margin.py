"""True margin per order line, and its variance to the quoted margin explained line by line (pure).

The costing engine prices every accepted, mapped order line on the order's own date, in the order's
destination market, at what the buyer paid per unit (goods + shipping charged − the seller's discounts,
in the order currency, converted to the market currency on that date; taxes the file lists separately
are the marketplace's to remit and are left out). Cost lines are the engine's, times the quantity, in
CNY; refunds come off the revenue. A line the engine cannot price (unmapped, no price, a market or
currency not on file, cancelled or unpaid) keeps its row with a ``margin_status`` saying why — never a 0.

The *quote* is the same line priced at the quoted price and date (a remembered mapping's
``quoted_price``/``quoted_currency``/``quoted_on``, or the order's own price on a given ``quoted_on``).
The profit difference splits exactly into: price (the order's price vs the quoted one, at the order
date's rate), FX (the quoted price revalued between the two dates), product cost, logistics, duty and
excise, VAT/GST, platform fees (commission tier, payment, returns allowance), export rebate, refunds, and,
where a carrier invoice is on file, logistics invoiced vs estimated.

The consignment is the order: the destination's low-value rules (duty and VAT de minimis, low-value goods
regimes, flat rates on small consignments, per-consignment charges) are the costing engine's, and the engine
applies them to a consignment's value. A 9610 order of several lines is one parcel, so its lines are quoted
a second time with the engine's ``consignment_value`` set to the whole order's declared value and
``consignment_kg`` to its gross weight (:func:`consignment_requests`); the engine then shares the
per-consignment charges by value and keeps a per-item duty (EU from 2026-07-01: per tariff line) the line's
own, and those quotes take the lines' place (:func:`merge_consignment`).

Carrier invoices (the user's ``carrier_invoices``) are matched to orders by waybill number, else by order
id, and their amount (CNY on the invoice date) is shared over the order's priced lines by gross weight
(:func:`allocate_invoices`); the margin then uses it instead of the estimated logistics. An invoice line
that matches no line is kept with the reason.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from qiankua.costing.rules import CompiledRules

__all__ = [
    "DUTY_BASES",
    "INVOICE_STATUSES",
    "LINES",
    "MARGIN_STATUSES",
    "VARIANCE",
    "allocate_invoices",
    "assemble",
    "consignment_requests",
    "fx_rate",
    "merge_consignment",
    "price_requests",
    "summary",
]

MARGIN_STATUSES = ("ok", "incomplete", "no_rule", "not_sold", "unmapped", "no_price", "no_fx", "market_not_on_file")
# the cost lines of a margin (CNY, for the whole line), each a sum of the engine's per-unit columns x quantity
LINES: dict[str, tuple[str, ...]] = {
    "product": ("product_cost",),
    "logistics": ("first_mile", "line_haul", "last_mile", "export_clearance"),
    "duty": ("duty", "excise", "handling"),
    "vat": ("import_vat",),
    "fees": ("commission", "payment_fee", "returns"),
    "rebate": ("export_rebate",),
}
VARIANCE = (
    "v_price",
    "v_fx",
    "v_product",
    "v_logistics",
    "v_logistics_invoiced",
    "v_duty",
    "v_vat",
    "v_fees",
    "v_rebate",
    "v_refund",
)
# the engine's low-value outcome of a line (its ``duty_basis`` codes, in order)
DUTY_BASES = ("tariff", "de_minimis", "flat")
LOW_VALUE_COLUMNS = ("declared_value", "duty_basis", "collector", "regime_rule")
ENGINE_COLUMNS = (
    *(c for cols in LINES.values() for c in cols),
    "price",
    "status",
    "flags",
    "confidence",
    *LOW_VALUE_COLUMNS,
)
# what became of an invoice line: used, or why not
INVOICE_STATUSES = ("matched", "no_order", "not_priced", "no_fx")
NOT_SOLD = ("pending", "cancelled")


def fx_rate(fx: dict[str, np.ndarray], currency: pl.Series, day: pl.Series) -> np.ndarray:
    """CNY per unit of ``currency`` on each ``day`` (NaN where there is no rate or the day is off the table)."""
    day0 = int(fx["_day0"][0])
    codes = [c for c in fx if not c.startswith("_")]
    if not codes:
        return np.full(len(currency), np.nan)
    span = len(fx[codes[0]])
    table = np.vstack([np.asarray(fx[c], dtype=float) for c in codes] + [np.full(span, np.nan)])
    idx = currency.cast(pl.String).replace_strict(
        {c: i for i, c in enumerate(codes)}, default=len(codes), return_dtype=pl.Int64
    )
    off = day.cast(pl.Date).cast(pl.Int64) - day0
    ok = (off >= 0) & (off < span)
    out = np.full(len(currency), np.nan)
    mask = ok.fill_null(False).to_numpy()
    out[mask] = table[idx.to_numpy()[mask], off.to_numpy()[mask]]
    return out


def _line_status(lines: pl.DataFrame, rules: CompiledRules, fx: dict[str, np.ndarray]) -> pl.Series:
    rate = fx_rate(fx, lines["currency"].fill_null(""), lines["order_date"])
    has_rate = pl.Series(~np.isnan(rate))
    return lines.select(
        pl.when(pl.col("status").is_in(NOT_SOLD))
        .then(pl.lit("not_sold"))
        .when(pl.col("product_id").is_null())
        .then(pl.lit("unmapped"))
        .when(pl.col("item_price").is_null() | (pl.col("quantity") < 1))
        .then(pl.lit("no_price"))
        .when(~pl.col("ship_country").is_in(rules.markets))
        .then(pl.lit("market_not_on_file"))
        .when(~has_rate)
        .then(pl.lit("no_fx"))
        .otherwise(pl.lit("quote"))
        .alias("margin_status")
    ).to_series()


def price_requests(
    lines: pl.DataFrame,
    rules: CompiledRules,
    fx: dict[str, np.ndarray],
    *,
    mode: str = "9610",
    service: str = "postal",
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(order lines with ``margin_status``, ``row_id``, ``gross``, ``fee_on_file``; the costing requests).

    ``lines``: stored order lines with the product's attributes (``hs6``, ``category``, ``unit_cost_cny``,
    ``gross_kg`` …, as :func:`qiankua.services.costing.expand_products` adds them). A line fulfilled by the
    platform (Amazon ``AFN``) was exported into its warehouse: mode 9810.
    """
    lines = lines.with_row_index("row_id").with_columns(margin_status=_line_status(lines, rules, fx))
    gross = (
        pl.col("item_price").fill_null(0.0)
        - pl.col("discount").fill_null(0.0)
        + pl.col("shipping_price").fill_null(0.0)
    )
    fee_known = pl.col("platform").is_in(rules.platforms)
    lines = lines.with_columns(gross=gross, fee_on_file=fee_known)
    q = lines.filter(pl.col("margin_status") == "quote")
    dest = pl.Series(rules.market_ccy).gather(
        q["ship_country"].replace_strict({m: i for i, m in enumerate(rules.markets)}, return_dtype=pl.Int64)
    )
    unit = (q["gross"] / q["quantity"].cast(pl.Float64)).to_numpy()
    price_dest = unit * fx_rate(fx, q["currency"], q["order_date"]) / fx_rate(fx, dest, q["order_date"])
    afn = pl.col("fulfilment").fill_null("").str.to_uppercase().is_in(["AFN", "AMAZON", "FBA"])
    product_cols = [
        c
        for c in ("hs6", "category", "unit_cost_cny", "gross_kg", "net_kg", "volume_cm3", "abv_pct", "liquid_l")
        if c in q.columns
    ]
    requests = q.select(
        "row_id",
        "product_id",
        *product_cols,
        market=pl.col("ship_country"),
        mode=pl.when(afn).then(pl.lit("9810")).otherwise(pl.lit(mode)),
        service=pl.lit(service),
        platform=pl.when(fee_known).then(pl.col("platform")).otherwise(pl.lit("direct")),
        date=pl.col("order_date"),
        quantity=pl.col("quantity").cast(pl.Float64),
        price=pl.Series(price_dest),
    )
    return lines, requests


def quote_requests(
    lines: pl.DataFrame, requests: pl.DataFrame, rules: CompiledRules, fx: dict[str, np.ndarray]
) -> pl.DataFrame:
    """The quoted side of ``requests``: same product, market, mode, service, platform and quantity, priced at
    the line's ``quoted_price`` (``quoted_currency``, default the order's) on ``quoted_on``. Lines without a
    quote are left out."""
    qd = lines.select("row_id", "currency", "gross", "quantity", "quoted_price", "quoted_currency", "quoted_on")
    req = requests.join(qd, on="row_id", how="left").filter(pl.col("quoted_on").is_not_null())
    qccy = req["quoted_currency"].fill_null(req["currency"])
    unit_order = req["gross"] / req["quantity"].cast(pl.Float64)
    qprice = req["quoted_price"].fill_null(unit_order)
    dest = pl.Series(rules.market_ccy).gather(
        req["market"].replace_strict({m: i for i, m in enumerate(rules.markets)}, return_dtype=pl.Int64)
    )
    price_dest = qprice.to_numpy() * fx_rate(fx, qccy, req["quoted_on"]) / fx_rate(fx, dest, req["quoted_on"])
    return req.with_columns(
        date=pl.col("quoted_on"), price=pl.Series(price_dest), quoted_price=qprice, quoted_currency=qccy
    ).drop(["currency", "gross", "quoted_on"])


def consignment_requests(lines: pl.DataFrame, requests: pl.DataFrame, result: pl.DataFrame) -> pl.DataFrame:
    """The 9610 requests of orders with more than one priced line, each with its order as the engine's
    consignment: ``consignment_value`` = the order's declared value (CNY: the engine's ``declared_value`` per
    unit x quantity, summed over the order's lines) and ``consignment_kg`` = its gross weight (gross kg x
    quantity summed; null, i.e. each line's own weight, when a line's weight is unknown). Lines into an
    overseas warehouse (9810) are no parcel and keep their own quote."""
    ids = requests["row_id"]
    if result.height == requests.height and result["row_id"].equals(ids):  # the engine keeps the row order
        declared = result["declared_value"]
    else:
        declared = requests.select("row_id").join(result, on="row_id", how="left", maintain_order="left")[
            "declared_value"
        ]
    quantity = requests["quantity"].cast(pl.Float64)
    kg = (
        requests["gross_kg"].cast(pl.Float64)
        if "gross_kg" in requests.columns
        else pl.Series("gross_kg", [None] * len(ids), dtype=pl.Float64)
    )
    weight = (kg * quantity).to_numpy()  # null -> NaN
    probe = pl.DataFrame(
        {
            "_platform": lines["platform"].gather(ids),
            "_order": lines["order_id"].gather(ids),
            "_parcel": (requests["mode"] == "9610") & declared.is_finite().fill_null(False) & (declared > 0),
            "_value": declared * quantity,
            "_kg": np.where(weight > 0, weight, np.nan),  # NaN (a weight unknown) makes the order's sum NaN
        }
    )
    order = ["_platform", "_order", "_parcel"]
    probe = probe.with_columns(
        _n=pl.len().over(order),
        consignment_value=pl.col("_value").sum().over(order),
        consignment_kg=pl.col("_kg").sum().over(order),  # (a plain column: the windows' fast path)
    )
    keep = probe["_parcel"] & (probe["_n"] > 1)
    whole = probe.filter(keep)
    return requests.filter(keep).with_columns(whole["consignment_value"], whole["consignment_kg"].fill_nan(None))


def merge_consignment(result: pl.DataFrame, order_result: pl.DataFrame) -> pl.DataFrame:
    """``result`` (one quote per line) with the rows of ``order_result`` (the same lines quoted with their
    order as the consignment, :func:`consignment_requests`) in their place."""
    if not order_result.height:
        return result
    replaced = order_result.select(result.columns).cast(dict(result.schema))  # type: ignore[arg-type]
    kept = result.join(order_result.select("row_id"), on="row_id", how="anti")
    return pl.concat([kept, replaced]).sort("row_id")


def allocate_invoices(
    lines: pl.DataFrame, invoices: pl.DataFrame, fx: dict[str, np.ndarray]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Carrier invoice lines matched to order lines: (per line ``row_id``, ``logistics_invoiced_cny``,
    ``invoice_lines``; per invoice line its columns with ``amount_cny``, ``matched_by`` waybill|order and
    ``invoice_status`` of :data:`INVOICE_STATUSES`).

    ``lines``: with ``row_id``, ``platform``, ``order_id``, ``tracking_no``, ``quantity``, ``margin_status``
    (``quote`` = priced) and optionally ``gross_kg``. ``invoices``: ``waybill_or_order``, ``platform``
    (optional), ``invoice_date``, ``amount``, ``currency``. A reference is a waybill when some line carries it
    as ``tracking_no``, else an order id; the amount goes to the priced lines of that waybill or order, in
    proportion to gross weight x quantity (quantity when no weight is known)."""
    inv = invoices.with_row_index("inv_row").with_columns(
        pl.col("amount").cast(pl.Float64),
        pl.col("platform").cast(pl.String).str.to_lowercase()
        if "platform" in invoices.columns
        else pl.lit(None, pl.String).alias("platform"),
    )
    rate = fx_rate(fx, inv["currency"].fill_null(""), inv["invoice_date"])
    inv = inv.with_columns(amount_cny=pl.Series(inv["amount"].to_numpy() * rate).fill_nan(None))
    kg = pl.col("gross_kg").cast(pl.Float64) if "gross_kg" in lines.columns else pl.lit(None, pl.Float64)
    base = lines.select(
        "row_id",
        "platform",
        "order_id",
        "tracking_no",
        priced=pl.col("margin_status") == "quote",
        weight=pl.when(kg > 0).then(kg * pl.col("quantity")).otherwise(None),
        quantity=pl.col("quantity").cast(pl.Float64),
    )
    refs = inv.select("inv_row", "waybill_or_order", pl.col("platform").alias("inv_platform"))

    def matches(column: str, how: str) -> pl.DataFrame:
        m = refs.join(base, left_on="waybill_or_order", right_on=column, how="inner")
        return m.filter(pl.col("inv_platform").is_null() | (pl.col("inv_platform") == pl.col("platform"))).with_columns(
            matched_by=pl.lit(how)
        )

    by_waybill = matches("tracking_no", "waybill")
    by_order = matches("order_id", "order").join(by_waybill.select("inv_row").unique(), on="inv_row", how="anti")
    common = ["inv_row", "row_id", "priced", "weight", "quantity", "matched_by"]
    found = pl.concat([by_waybill.select(common), by_order.select(common)])
    priced = found.filter(pl.col("priced"))
    # share: gross weight when every priced line of the match has one, else quantity
    priced = priced.with_columns(
        share=pl.when(pl.col("weight").is_not_null().all().over("inv_row"))
        .then(pl.col("weight"))
        .otherwise(pl.col("quantity"))
    )
    priced = priced.with_columns(share=pl.col("share") / pl.col("share").sum().over("inv_row"))
    status = (
        inv.select("inv_row", "amount_cny")
        .join(
            found.group_by("inv_row").agg(pl.col("matched_by").first(), pl.col("priced").any()),
            on="inv_row",
            how="left",
        )
        .select(
            "inv_row",
            "matched_by",
            invoice_status=pl.when(pl.col("matched_by").is_null())
            .then(pl.lit("no_order"))
            .when(~pl.col("priced"))
            .then(pl.lit("not_priced"))
            .when(pl.col("amount_cny").is_null())
            .then(pl.lit("no_fx"))
            .otherwise(pl.lit("matched")),
        )
    )
    used = status.filter(pl.col("invoice_status") == "matched").select("inv_row")
    per_line = (
        priced.join(used, on="inv_row", how="semi")
        .join(inv.select("inv_row", "amount_cny"), on="inv_row")
        .group_by("row_id")
        .agg(
            logistics_invoiced_cny=(pl.col("amount_cny") * pl.col("share")).sum(),
            invoice_lines=pl.len().cast(pl.Int64),
        )
    )
    return per_line, inv.join(status, on="inv_row", how="left").drop("inv_row")


def _money(result: pl.DataFrame, prefix: str, fee_on_file: pl.Expr) -> list[pl.Expr]:
    q = pl.col("quantity").cast(pl.Float64)
    exprs = [(pl.col("price") * q).alias(f"{prefix}revenue_cny")]
    for name, cols in LINES.items():
        total = pl.sum_horizontal([pl.col(c) for c in cols]) * q
        if name == "fees":
            total = pl.when(fee_on_file).then(total).otherwise(0.0)
        exprs.append(total.alias(f"{prefix}{name}_cny"))
    return exprs


def _flag_list(bits: float | None, fee_missing: bool, refund_missing: bool, names: tuple[str, ...]) -> list[str] | None:
    flags = [f for i, f in enumerate(names) if int(bits) & (1 << i)] if names and bits is not None else None
    if fee_missing:
        flags = [*flags, "fee_not_on_file"] if flags is not None else None
    if refund_missing:
        flags = [*(flags or []), "refund_amount_missing"]
    return flags


def _with_flags(out: pl.DataFrame, names: tuple[str, ...]) -> pl.DataFrame:
    """``flags``: the names of the engine's flag bits (bit i = ``names[i]``; none decoded when ``names`` is
    empty), then ``fee_not_on_file`` (a priced line of a platform whose fees are not on file) and
    ``refund_amount_missing`` (a refunded or returned priced line without its refund amount). The few
    distinct combinations are decoded once and joined back to the lines."""
    priced = pl.col("revenue_cny").is_not_null()
    keys = out.select(
        _bits=pl.col("flags_bits"),
        _fee=(~pl.col("fee_on_file") & priced).fill_null(False),
        _refund=(pl.col("status").is_in(["refunded", "returned"]) & pl.col("refund").is_null() & priced).fill_null(
            False
        ),
    )
    combos = keys.unique()
    decoded = combos.with_columns(
        flags=pl.Series([_flag_list(b, f, r, names) for b, f, r in combos.iter_rows()], dtype=pl.List(pl.String))
    )
    found = keys.join(decoded, on=["_bits", "_fee", "_refund"], how="left", nulls_equal=True, maintain_order="left")
    return out.with_columns(found["flags"])


def assemble(
    lines: pl.DataFrame,
    result: pl.DataFrame,
    fx: dict[str, np.ndarray],
    quoted: pl.DataFrame | None = None,
    quoted_result: pl.DataFrame | None = None,
    *,
    flag_names: tuple[str, ...] = (),
    invoiced: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per order line: revenue, each cost line, refund, profit and margin (CNY), status and flags;
    with the quote, the quoted profit/margin and the variance lines (Σ variance = profit − quoted profit).

    ``invoiced`` (``row_id``, ``logistics_invoiced_cny``, ``invoice_lines``; :func:`allocate_invoices`): the
    lines' logistics as invoiced, used instead of the estimate (kept as ``logistics_estimated_cny``); the
    difference is the variance line ``v_logistics_invoiced``. The engine's low-value outcome is kept per line:
    ``declared_value_cny`` (per unit), ``duty_basis`` (index into :data:`DUTY_BASES`), ``vat_collector``
    (0 border, 1 platform, 2 seller) and ``regime_rule`` (index into the rules' registry)."""
    status_names = ("ok", "incomplete", "no_rule")
    res = result.select("row_id", *[c for c in ENGINE_COLUMNS if c in result.columns]).join(
        lines.select("row_id", "quantity", "fee_on_file"), on="row_id"
    )
    res = res.with_columns(*_money(res, "", pl.col("fee_on_file"))).select(
        "row_id",
        "revenue_cny",
        *(f"{n}_cny" for n in LINES),
        pl.col("status").replace_strict(dict(enumerate(status_names)), return_dtype=pl.String).alias("_engine_status"),
        pl.col("flags").alias("flags_bits"),
        pl.col("confidence"),
        *(
            [
                pl.col("declared_value").alias("declared_value_cny"),
                pl.col("duty_basis").cast(pl.Int8),
                pl.col("collector").cast(pl.Int8).alias("vat_collector"),
                pl.col("regime_rule").cast(pl.Int32),
            ]
            if all(c in result.columns for c in LOW_VALUE_COLUMNS)
            else []
        ),
    )
    # the engine's columns put next to the lines (joined on the row ids alone: the lines are not copied)
    out = lines.hstack(lines.select("row_id").join(res, on="row_id", how="left", maintain_order="left").drop("row_id"))
    if invoiced is not None and invoiced.height:
        inv = lines.select("row_id").join(invoiced, on="row_id", how="left", maintain_order="left")
        out = out.with_columns(
            logistics_estimated_cny=pl.col("logistics_cny"),
            logistics_invoiced_cny=pl.when(pl.col("logistics_cny").is_not_null()).then(inv["logistics_invoiced_cny"]),
            invoice_lines=inv["invoice_lines"],
        )
    else:
        out = out.with_columns(
            logistics_estimated_cny=pl.col("logistics_cny"),
            logistics_invoiced_cny=pl.lit(None, dtype=pl.Float64),
            invoice_lines=pl.lit(None, dtype=pl.Int64),
        )
    out = out.with_columns(logistics_cny=pl.coalesce("logistics_invoiced_cny", "logistics_estimated_cny"))
    refund_cny = out["refund"].fill_null(0.0).to_numpy() * fx_rate(fx, out["currency"].fill_null(""), out["order_date"])
    out = out.with_columns(refund_cny=pl.when(pl.col("revenue_cny").is_not_null()).then(pl.Series(refund_cny)))
    costs = (
        pl.col("product_cny") + pl.col("logistics_cny") + pl.col("duty_cny") + pl.col("vat_cny") + pl.col("fees_cny")
    )
    out = out.with_columns(profit_cny=pl.col("revenue_cny") - costs + pl.col("rebate_cny") - pl.col("refund_cny"))
    out = out.with_columns(
        margin=pl.when(pl.col("revenue_cny") > 0).then(pl.col("profit_cny") / pl.col("revenue_cny")),
        margin_status=pl.when(pl.col("margin_status") == "quote")
        .then(
            pl.when((pl.col("_engine_status") == "ok") & ~pl.col("fee_on_file"))
            .then(pl.lit("incomplete"))
            .otherwise(pl.col("_engine_status"))
        )
        .otherwise(pl.col("margin_status")),
    )
    out = _with_flags(out, flag_names)
    if quoted is not None and quoted_result is not None and quoted.height:
        qres = quoted_result.select("row_id", *[c for c in ENGINE_COLUMNS if c in quoted_result.columns]).join(
            quoted.select("row_id", "quantity", "quoted_price", "quoted_currency", "date"), on="row_id"
        )
        qres = qres.join(lines.select("row_id", "fee_on_file"), on="row_id")
        qres = qres.with_columns(*_money(qres, "q_", pl.col("fee_on_file"))).drop("fee_on_file")
        qres = qres.select(
            "row_id",
            pl.col("date").alias("quoted_on_used"),
            pl.col("quoted_price").alias("quoted_unit_price"),
            pl.col("quoted_currency").alias("quoted_currency_used"),
            "q_revenue_cny",
            *(f"q_{n}_cny" for n in LINES),
        )
        out = out.join(qres, on="row_id", how="left")
        qcost = (
            pl.col("q_product_cny")
            + pl.col("q_logistics_cny")
            + pl.col("q_duty_cny")
            + pl.col("q_vat_cny")
            + pl.col("q_fees_cny")
        )
        out = out.with_columns(quoted_profit_cny=pl.col("q_revenue_cny") - qcost + pl.col("q_rebate_cny"))
        out = out.with_columns(
            quoted_margin=pl.when(pl.col("q_revenue_cny") > 0).then(
                pl.col("quoted_profit_cny") / pl.col("q_revenue_cny")
            )
        )
        # price vs FX: the quoted unit price in the order currency on the quote date, revalued to the order date
        fx_o = fx_rate(fx, out["currency"].fill_null(""), out["order_date"])
        fx_oq = fx_rate(fx, out["currency"].fill_null(""), out["quoted_on_used"].fill_null(out["order_date"]))
        fx_qq = fx_rate(
            fx, out["quoted_currency_used"].fill_null(""), out["quoted_on_used"].fill_null(out["order_date"])
        )
        qty = out["quantity"].cast(pl.Float64).to_numpy()
        p_q_o = out["quoted_unit_price"].cast(pl.Float64).to_numpy() * fx_qq / fx_oq  # order currency
        p_o = (out["gross"] / out["quantity"].cast(pl.Float64)).to_numpy()
        out = out.with_columns(
            v_price=pl.Series((p_o - p_q_o) * qty * fx_o),
            v_fx=pl.Series(p_q_o * qty * (fx_o - fx_oq)),
            v_product=-(pl.col("product_cny") - pl.col("q_product_cny")),
            v_logistics=-(pl.col("logistics_estimated_cny") - pl.col("q_logistics_cny")),
            v_logistics_invoiced=-(pl.col("logistics_cny") - pl.col("logistics_estimated_cny")),
            v_duty=-(pl.col("duty_cny") - pl.col("q_duty_cny")),
            v_vat=-(pl.col("vat_cny") - pl.col("q_vat_cny")),
            v_fees=-(pl.col("fees_cny") - pl.col("q_fees_cny")),
            v_rebate=pl.col("rebate_cny") - pl.col("q_rebate_cny"),
            v_refund=-pl.col("refund_cny"),
        )
        out = out.with_columns(
            [pl.when(pl.col("quoted_profit_cny").is_not_null()).then(pl.col(v)).alias(v) for v in VARIANCE]
        )
    else:
        out = out.with_columns(
            quoted_on_used=pl.lit(None, dtype=pl.Date),
            quoted_unit_price=pl.lit(None, dtype=pl.Float64),
            quoted_currency_used=pl.lit(None, dtype=pl.String),
            quoted_profit_cny=pl.lit(None, dtype=pl.Float64),
            quoted_margin=pl.lit(None, dtype=pl.Float64),
            **{v: pl.lit(None, dtype=pl.Float64) for v in VARIANCE},
        )
    return out.drop([c for c in out.columns if c.startswith(("_", "q_"))])


def summary(margins: pl.DataFrame, by: str) -> pl.DataFrame:
    """Revenue, profit and margin (CNY) of the priced lines grouped by ``by`` (product_id, ship_country,
    platform or week), lines that lost money counted, worst first."""
    priced = margins.filter(pl.col("profit_cny").is_not_null())
    key = pl.col("order_date").dt.truncate("1w").alias("week") if by == "week" else pl.col(by)
    out = (
        priced.group_by(key)
        .agg(
            lines=pl.len(),
            quantity=pl.col("quantity").sum(),
            revenue_cny=pl.col("revenue_cny").sum(),
            profit_cny=pl.col("profit_cny").sum(),
            losing_lines=(pl.col("profit_cny") < 0).sum(),
        )
        .with_columns(margin=pl.when(pl.col("revenue_cny") > 0).then(pl.col("profit_cny") / pl.col("revenue_cny")))
    )
    return out.sort("week" if by == "week" else "profit_cny")
