"""Seller-operations use cases: platform order exports in (read, mapped, stored, fed to sales), SKU
mappings confirmed, true margin per order against the quote, 9610 declaration files out.

Shared by the CLI (``qiankua orders …``), the API (``/api/v1/orders/…``) and the web page; every result is
one JSON-ready document (:mod:`qiankua.jsonio`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import CellIssue, ImportValidationError, InvalidInputError, UnknownReferenceError
from qiankua.orders.formats import FORMATS, PLATFORMS, OrderFormat, norm_header
from qiankua.orders.margin import VARIANCE
from qiankua.orders.readers import columns_used, detect, mapped_format, read_orders

__all__ = [
    "confirm_mappings",
    "declare",
    "demo_margins",
    "import_orders",
    "load_column_map",
    "mapping_suggestions",
    "order_margins",
    "read_lines",
]

Source = Path | str | tuple[str, bytes]
MAX_LISTED = 500


def load_column_map(path: Path | str) -> dict[str, Any]:
    """A column map from a YAML or JSON file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"Cannot read the column map {path}: {exc}") from None
    try:
        if path.suffix.lower() == ".json":
            spec = json.loads(text)
        else:
            import yaml

            spec = yaml.safe_load(text)
    except Exception as exc:
        raise InvalidInputError(
            f"{path.name}: not valid {'JSON' if path.suffix == '.json' else 'YAML'} ({exc})"
        ) from None
    if not isinstance(spec, dict):
        raise InvalidInputError(f"{path.name}: expected a mapping with `platform` and `columns`.")
    return spec


def _country_resolver() -> Any:
    from qiankua.orders.readers import _default_country
    from qiankua.reference import load_reference
    from qiankua.schema import MarketNames

    names = MarketNames(load_reference().markets.iter_rows(named=True))

    def resolve(value: str) -> str | None:
        return names.lookup(value) or _default_country(value)

    return resolve


def _stored_maps(db: Path | None) -> dict[str, dict[str, Any]]:
    if db is None or not Path(db).is_file():
        return {}
    from qiankua.store import Store
    from qiankua.store.orders import column_maps

    with Store(db, read_only=True) as store:
        return {p: json.loads(s) for p, s in column_maps(store).items()}


def _choose(
    headers: list[str],
    name: str,
    platform: str,
    column_map: Mapping[str, Any] | None,
    stored: Callable[[], dict[str, dict[str, Any]]],
) -> OrderFormat:
    """The layout of a file; ``stored`` gives the user's remembered column maps (read only when needed:
    a known platform's export is recognised by its headers alone)."""
    if column_map is not None:
        return mapped_format(column_map)
    if platform == "mapped":
        raise InvalidInputError(f"{name}: --platform mapped needs a column map (--map FILE.yaml).")
    if platform == "auto":
        try:
            return detect(headers, name)
        except InvalidInputError:
            normed = {norm_header(h) for h in headers}
            for spec in stored().values():
                if {norm_header(h) for h in spec.get("columns", {}).values()} <= normed:
                    return mapped_format(spec)
            raise
    if platform not in PLATFORMS:
        raise InvalidInputError(f"Unknown platform {platform!r}; expected auto or one of {', '.join(PLATFORMS)}.")
    maps = stored()
    if platform in maps:
        return mapped_format(maps[platform])
    fmts = [f for f in FORMATS.values() if f.platform == platform]
    normed = {norm_header(h) for h in headers}
    return next((f for f in fmts if any(sig <= normed for sig in f.signatures)), fmts[0])


def read_lines(
    sources: Sequence[Source],
    *,
    platform: str = "auto",
    column_map: Mapping[str, Any] | None = None,
    currency: str | None = None,
    tz: str = "UTC",
    db: Path | None = None,
) -> tuple[pl.DataFrame, list[dict[str, Any]], str]:
    """Every file read and normalised (all or nothing): the lines, per-file info, and a digest of the bytes."""
    from qiankua.store.orders import read_order_file

    cache: list[dict[str, dict[str, Any]]] = []

    def stored() -> dict[str, dict[str, Any]]:
        if not cache:
            cache.append(_stored_maps(db))
        return cache[0]

    resolve = _country_resolver()
    frames, info, issues = [], [], []
    digest = hashlib.sha256()
    for src in sources:
        if isinstance(src, tuple):
            name, data = src
            path = Path(name)
        else:
            path, data, name = Path(src), None, Path(src).name
        chosen: list[OrderFormat] = []

        def wanted(headers: list[str], name: str = name, chosen: list[OrderFormat] = chosen) -> list[str]:
            chosen.append(_choose(headers, name, platform, column_map, stored))
            return columns_used(chosen[0], headers)  # only these columns of the file are parsed

        try:
            rf = read_order_file(path, data, name, columns=wanted)
            headers = [c for c in rf.frame.columns if c != "_row"]
            fmt = chosen[0] if chosen else _choose(headers, name, platform, column_map, stored)
            lines = read_orders(
                rf.frame, fmt, file=name, header_row=rf.header_row, currency=currency, tz=tz, country=resolve
            )
        except ImportValidationError as exc:
            issues.extend(exc.issues)
            continue
        except InvalidInputError as exc:
            issues.append(CellIssue(file=name, sheet=None, row=1, column=None, value=None, reason=str(exc)))
            continue
        digest.update(name.encode() + b"\0" + rf.sha256.encode())
        frames.append(lines)
        info.append(
            {
                "file": name,
                "layout": fmt.name,
                "platform": fmt.platform,
                "basis": fmt.basis,
                "layout_zh": fmt.title_zh,
                "layout_en": fmt.title_en,
                "lines": lines.height,
                "encoding": rf.encoding,
            }
        )
    if issues:
        files = sorted({i.file for i in issues if i.file})
        raise ImportValidationError(
            f"{', '.join(files)}: {len(issues)} problem(s); nothing was imported", issues[:MAX_LISTED]
        )
    if not frames:
        raise InvalidInputError("No order file given.")
    lines = pl.concat(frames, how="vertical_relaxed")
    platforms = [i["platform"] for i in info]
    if len(set(platforms)) < len(platforms):  # two reports of one platform: the later file's line wins
        lines = lines.unique(subset=["platform", "order_id", "item_id"], keep="last", maintain_order=True)
    return lines, info, digest.hexdigest()


def _catalogue(db: Path | None) -> pl.DataFrame:
    from qiankua.services.products import user_catalogue

    return user_catalogue(db).ref.products


def import_orders(
    sources: Sequence[Source],
    db: Path,
    *,
    platform: str = "auto",
    column_map: Mapping[str, Any] | None = None,
    currency: str | None = None,
    tz: str = "UTC",
    suggestions: bool = True,
) -> dict[str, Any]:
    """Read every file (nothing is written when any is bad), map SKUs, store the lines idempotently, feed
    the sales table, and list the unmapped SKUs with suggestions."""
    from qiankua.orders.mapping import apply_mappings, suggest
    from qiankua.store import Store
    from qiankua.store.orders import load_mappings, save_column_map, upsert_orders

    lines, info, digest = read_lines(sources, platform=platform, column_map=column_map, currency=currency, tz=tz, db=db)
    catalogue = _catalogue(db)
    with Store(db) as store:
        mapped = apply_mappings(lines, load_mappings(store), catalogue)
        counts = upsert_orders(store, mapped, file_names=[i["file"] for i in info], sha256=digest, dedupe=False)
        if column_map is not None:
            save_column_map(store, mapped_format(column_map).platform, json.dumps(column_map, ensure_ascii=False))
    unmapped = mapped.filter(pl.col("product_id").is_null())
    doc: dict[str, Any] = {
        "files": info,
        "lines": lines.height,
        "new": counts.new,
        "updated": counts.updated,
        "duplicates": counts.duplicates,
        "sales_rows": counts.sales_rows,
        "mapped": mapped.height - unmapped.height,
        "unmapped_lines": unmapped.height,
        "statuses": dict(lines["status"].value_counts().sort("status").iter_rows()),
        "unmapped": [],
    }
    if suggestions and unmapped.height:
        doc["unmapped"] = suggest(unmapped, catalogue).head(MAX_LISTED).to_dicts()
    return doc


def mapping_suggestions(db: Path) -> dict[str, Any]:
    """The stored lines still without a product, by SKU/title, with fuzzy suggestions; the remembered mappings."""
    from qiankua.orders.mapping import suggest
    from qiankua.store import Store
    from qiankua.store.orders import load_mappings, load_orders

    if not Path(db).is_file():
        return {"unmapped": [], "mappings": []}
    with Store(db, read_only=True) as store:
        lines = load_orders(store)
        maps = load_mappings(store)
    unmapped = lines.filter(pl.col("product_id").is_null())
    return {
        "unmapped": suggest(unmapped, _catalogue(db)).head(MAX_LISTED).to_dicts() if unmapped.height else [],
        "mappings": maps.to_dicts(),
    }


def confirm_mappings(db: Path, items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Remember ``items`` ({platform, key_kind sku|asin|title, key, product_id, and optionally the quote:
    quoted_price, quoted_currency, quoted_on}) and apply them to the stored lines."""
    from qiankua.orders.mapping import KEY_KINDS
    from qiankua.store import Store
    from qiankua.store.orders import save_mappings

    ids = set(_catalogue(db)["id"].to_list())
    rows = []
    for n, item in enumerate(items, start=1):
        kind = str(item.get("key_kind") or "sku")
        if kind not in KEY_KINDS:
            raise InvalidInputError(f"Mapping {n}: key_kind {kind!r}; expected one of {', '.join(KEY_KINDS)}.")
        for need in ("platform", "key", "product_id"):
            if not item.get(need):
                raise InvalidInputError(f"Mapping {n}: `{need}` is required.")
        if item["product_id"] not in ids:
            import difflib

            close = difflib.get_close_matches(str(item["product_id"]), sorted(ids), n=3)
            raise UnknownReferenceError(
                f"Mapping {n}: unknown product {item['product_id']!r}; nearest: {', '.join(close) or '—'}."
            )
        quoted_on = item.get("quoted_on")
        if isinstance(quoted_on, str) and quoted_on:
            try:
                quoted_on = dt.date.fromisoformat(quoted_on)
            except ValueError:
                raise InvalidInputError(f"Mapping {n}: quoted_on {quoted_on!r}; expected YYYY-MM-DD.") from None
        price = item.get("quoted_price")
        rows.append(
            {
                "platform": str(item["platform"]).lower(),
                "key_kind": kind,
                "key": str(item["key"]),
                "product_id": str(item["product_id"]),
                "quoted_price": float(price) if price not in (None, "") else None,
                "quoted_currency": (str(item["quoted_currency"]).upper() if item.get("quoted_currency") else None),
                "quoted_on": quoted_on or None,
            }
        )
    from qiankua.store.orders import MAPPING_SCHEMA

    frame = pl.DataFrame(rows, schema={k: v for k, v in MAPPING_SCHEMA.items() if k != "confirmed_at"})
    with Store(db) as store:
        saved, lines = save_mappings(store, frame)
    return {"mappings": saved, "lines_updated": lines}


# ----------------------------------------------------------------------------- margins


def _with_quotes(lines: pl.DataFrame, maps: pl.DataFrame, quoted_on: dt.date | None) -> pl.DataFrame:
    q = maps.filter(pl.col("quoted_price").is_not_null() | pl.col("quoted_on").is_not_null())
    if not q.height:  # no quote on file: the columns empty, or the date given
        return lines.with_columns(
            quoted_price=pl.lit(None, dtype=pl.Float64),
            quoted_currency=pl.lit(None, dtype=pl.String),
            quoted_on=pl.lit(quoted_on, dtype=pl.Date),
        )
    out = lines
    for kind in ("sku", "asin", "title"):
        part = q.filter(pl.col("key_kind") == kind).select(
            "platform",
            pl.col("key").alias(kind),
            pl.col("quoted_price").alias(f"_qp_{kind}"),
            pl.col("quoted_currency").alias(f"_qc_{kind}"),
            pl.col("quoted_on").alias(f"_qo_{kind}"),
        )
        out = out.join(part.unique(subset=["platform", kind], keep="last"), on=["platform", kind], how="left")
    out = out.with_columns(
        quoted_price=pl.coalesce(pl.col("_qp_sku"), pl.col("_qp_asin"), pl.col("_qp_title")),
        quoted_currency=pl.coalesce(pl.col("_qc_sku"), pl.col("_qc_asin"), pl.col("_qc_title")),
        quoted_on=pl.lit(quoted_on, dtype=pl.Date)
        if quoted_on is not None
        else pl.coalesce(pl.col("_qo_sku"), pl.col("_qo_asin"), pl.col("_qo_title")),
    )
    # a quoted price without a date was quoted on the order's own date (only the price differs)
    out = out.with_columns(
        quoted_on=pl.when(pl.col("quoted_price").is_not_null())
        .then(pl.col("quoted_on").fill_null(pl.col("order_date")))
        .otherwise(pl.col("quoted_on"))
    )
    return out.drop([c for c in out.columns if c.startswith("_q")])


_PRODUCT_ATTRS = ("hs6", "category", "unit_cost_cny", "gross_kg", "net_kg", "abv_pct", "volume_cm3", "liquid_l")


def _with_products(lines: pl.DataFrame, ref: Any, expand: Callable[[pl.DataFrame, Any], pl.DataFrame]) -> pl.DataFrame:
    """``lines`` with the attributes of their product (HS code as 6 digits): looked up once per product and
    put next to the lines by a join on ``product_id`` alone (the lines are not copied)."""

    def six_digits(frame: pl.DataFrame) -> pl.DataFrame:
        if "hs6" not in frame.columns:
            return frame
        return frame.with_columns(pl.col("hs6").cast(pl.String).str.replace_all(r"[.\s]", "").str.slice(0, 6))

    if any(c in lines.columns for c in _PRODUCT_ATTRS):
        return six_digits(expand(lines, ref))
    attrs = six_digits(expand(lines.select("product_id").unique(), ref))
    found = lines.select("product_id").join(attrs, on="product_id", how="left", maintain_order="left")
    return lines.hstack(found.drop("product_id"))


def margin_table(
    lines: pl.DataFrame,
    db: Path | None,
    *,
    quoted_on: dt.date | None = None,
    mode: str = "9610",
    service: str = "postal",
    maps: pl.DataFrame | None = None,
    decode_flags: bool = True,
    invoices: pl.DataFrame | None = None,
    invoice_lines: list[pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Margin per line (see :mod:`qiankua.orders.margin`) for stored-format ``lines``.

    ``invoices``: carrier invoice lines (the ``carrier_invoices`` table's columns); their logistics cost
    replaces the estimate of the lines they match. ``invoice_lines``: when given a list, the invoice lines
    with how each was matched (:func:`qiankua.orders.margin.allocate_invoices`) are appended to it."""
    from qiankua.costing import FLAGS, quote_batch
    from qiankua.orders.margin import (
        ENGINE_COLUMNS,
        allocate_invoices,
        assemble,
        consignment_requests,
        merge_consignment,
        price_requests,
        quote_requests,
    )
    from qiankua.services.costing import compiled_rules, expand_products, fx_arrays
    from qiankua.services.products import user_catalogue
    from qiankua.store.orders import MAPPING_SCHEMA

    cat = user_catalogue(db)
    rules = compiled_rules(cat.ref, db)
    lines = _with_quotes(lines, maps if maps is not None else pl.DataFrame(schema=MAPPING_SCHEMA), quoted_on)
    lines = _with_products(lines, cat.ref, expand_products)
    has_invoices = invoices is not None and invoices.height > 0
    date_cols = [lines["order_date"], lines["quoted_on"]]
    if has_invoices:
        assert invoices is not None
        date_cols.append(invoices["invoice_date"].cast(pl.Date))
    dates = pl.concat(date_cols).drop_nulls()
    first = dates.min() if dates.len() else dt.date.today()
    last = dates.max() if dates.len() else dt.date.today()
    currencies = list(rules.currencies)
    if has_invoices:
        assert invoices is not None
        currencies += sorted(set(invoices["currency"].drop_nulls().to_list()) - set(currencies))
    fx = fx_arrays(currencies, first, last, db=db)  # type: ignore[arg-type]
    lines, requests = price_requests(lines, rules, fx, mode=mode, service=service)
    cols = ["row_id", *ENGINE_COLUMNS]
    empty = pl.DataFrame(schema={"row_id": pl.UInt32, **{c: pl.Float64 for c in ENGINE_COLUMNS}})
    result = quote_batch(requests, rules, fx, columns=cols) if requests.height else empty
    if requests.height:  # the consignment is the order: its lines quoted again as one parcel
        whole = consignment_requests(lines, requests, result)
        if whole.height:
            again = quote_batch(whole, rules, fx, columns=cols)
            result = merge_consignment(result, again)
    quoted = quote_requests(lines, requests, rules, fx) if requests.height else None
    qres = quote_batch(quoted, rules, fx, columns=cols) if quoted is not None and quoted.height else None
    invoiced = None
    if has_invoices:
        assert invoices is not None
        invoiced, matched = allocate_invoices(lines, invoices, fx)
        if invoice_lines is not None:
            invoice_lines.append(matched)
    out = assemble(lines, result, fx, quoted, qres, flag_names=FLAGS if decode_flags else (), invoiced=invoiced)
    return _with_low_value(out, requests, rules, fx, db)


def _with_low_value(
    m: pl.DataFrame, requests: pl.DataFrame, rules: Any, fx: dict[str, Any], db: Path | None
) -> pl.DataFrame:
    """The low-value outcome of each priced line, readable: the order's consignment value (its 9610 lines:
    ``consignment_cny``, and ``consignment_value`` in the regime's threshold currency), the regime the engine applied (its ``regime_id``, thresholds and their currency, as the
    ``tax_regimes`` row gives them), the duty basis (tariff, de_minimis, flat) and who collects VAT."""
    from qiankua.orders.margin import DUTY_BASES, fx_rate
    from qiankua.services.costing import COLLECTORS, costing_tables

    if "duty_basis" not in m.columns:
        return m
    parcel = requests.filter(pl.col("mode") == "9610").select("row_id")
    m = m.with_columns(
        _parcel=pl.col("row_id").is_in(parcel["row_id"].implode()),
        _value=pl.col("declared_value_cny") * pl.col("quantity").cast(pl.Float64),
    )
    m = m.with_columns(
        consignment_cny=pl.when(pl.col("_parcel") & pl.col("profit_cny").is_not_null()).then(
            pl.col("_value").sum().over(pl.col("platform"), pl.col("order_id"), pl.col("_parcel"))
        ),
        consignment_lines=pl.when(pl.col("_parcel") & pl.col("profit_cny").is_not_null()).then(
            pl.len().over(pl.col("platform"), pl.col("order_id"), pl.col("_parcel")).cast(pl.Int64)
        ),
    )
    # the regime row each line's quote applied (the engine names it; its thresholds are that row's)
    registry = [r["key"].removeprefix("user:") if r["table"] == "tax_regimes" else None for r in rules.registry]
    regimes = costing_tables(None, db)["tax_regimes"].select(
        pl.col("regime_id").alias("regime"),
        pl.col("threshold_currency"),
        pl.col("duty_de_minimis").cast(pl.Float64),
        pl.col("vat_de_minimis").cast(pl.Float64),
        pl.col("lvg_ceiling").cast(pl.Float64),
    )
    ids = pl.DataFrame(
        {"regime_rule": list(range(len(registry))), "regime": registry},
        schema={"regime_rule": pl.Int32, "regime": pl.String},
    ).drop_nulls()
    m = m.join(ids.join(regimes, on="regime", how="left"), on="regime_rule", how="left", maintain_order="left")
    priced = pl.col("profit_cny").is_not_null()
    parcel_cols = ["regime", "threshold_currency", "duty_de_minimis", "vat_de_minimis", "lvg_ceiling"]
    m = m.with_columns([pl.when(priced & pl.col("_parcel")).then(pl.col(c)).alias(c) for c in parcel_cols])
    thr = fx_rate(fx, m["threshold_currency"].fill_null(""), m["order_date"])
    m = m.with_columns(consignment_value=(m["consignment_cny"] / pl.Series(thr)).fill_nan(None))
    return m.with_columns(
        duty_basis=pl.when(priced & pl.col("_parcel")).then(
            pl.col("duty_basis").cast(pl.Int64).replace_strict(dict(enumerate(DUTY_BASES)), default=None)
        ),
        vat_collector=pl.when(priced).then(
            pl.col("vat_collector").cast(pl.Int64).replace_strict(dict(enumerate(COLLECTORS)), default=None)
        ),
    ).drop(["_parcel", "_value", "regime_rule"])


_MONEY_OUT = (
    "consignment_cny",
    "consignment_value",
    "revenue_cny",
    "product_cny",
    "logistics_cny",
    "logistics_estimated_cny",
    "logistics_invoiced_cny",
    "duty_cny",
    "vat_cny",
    "fees_cny",
    "rebate_cny",
    "refund_cny",
    "profit_cny",
    "quoted_profit_cny",
    *VARIANCE,
)
_LINE_OUT = (
    "platform",
    "order_id",
    "item_id",
    "order_date",
    "status",
    "sku",
    "title",
    "product_id",
    "ship_country",
    "quantity",
    "currency",
    "gross",
    "margin_status",
    *_MONEY_OUT,
    "margin",
    "quoted_margin",
    "quoted_on_used",
    "quoted_unit_price",
    "quoted_currency_used",
    "invoice_lines",
    "consignment_lines",
    "regime",
    "threshold_currency",
    "duty_de_minimis",
    "vat_de_minimis",
    "lvg_ceiling",
    "duty_basis",
    "vat_collector",
    "flags",
)


def order_margins(
    db: Path,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    quoted_on: dt.date | None = None,
    mode: str = "9610",
    service: str = "postal",
) -> dict[str, Any]:
    """True margin per order line in [start, end], lines that lost money first; summaries by product,
    market, platform and week; the quote and the variance lines where a quote is on file; the carrier
    invoice lines used (logistics invoiced instead of estimated) and those that matched no order, listed.
    An empty period (``start`` after ``end``) has no lines."""
    from qiankua.orders.margin import summary
    from qiankua.store import Store
    from qiankua.store.orders import known_references, load_invoices, load_mappings, load_orders

    empty: dict[str, Any] = {
        "period": {"from": start, "to": end},
        "lines": [],
        "summary": {},
        "totals": {},
        "currency": "CNY",
        "invoices": None,
    }
    if (start and end and start > end) or not Path(db).is_file():
        return empty
    with Store(db, read_only=True) as store:
        lines = load_orders(store, start=start, end=end)
        maps = load_mappings(store)
        invoices = load_invoices(store)
        known = known_references(store, invoices) if lines.height else invoices.head(0)
    if not lines.height:
        return empty
    matched: list[pl.DataFrame] = []
    m = margin_table(
        lines, db, quoted_on=quoted_on, mode=mode, service=service, maps=maps, invoices=invoices, invoice_lines=matched
    )
    money = [c for c in (*_MONEY_OUT, "gross") if c in m.columns]
    m = m.with_columns([pl.col(c).round(2).fill_nan(None) for c in money])  # no rate that day: null, not NaN
    m = m.with_columns(pl.col("margin").round(4).fill_nan(None), pl.col("quoted_margin").round(4).fill_nan(None))
    priced = m.filter(pl.col("profit_cny").is_not_null()).sort("profit_cny")
    unpriced = m.filter(pl.col("profit_cny").is_null())
    ordered = pl.concat([priced, unpriced])
    revenue = float(priced["revenue_cny"].sum())
    profit = float(priced["profit_cny"].sum())
    summaries = {
        by: summary(m, by)
        .with_columns(pl.col("revenue_cny").round(2), pl.col("profit_cny").round(2), pl.col("margin").round(4))
        .to_dicts()
        for by in ("product_id", "ship_country", "platform", "week")
    }
    return {
        "period": {"from": start, "to": end},
        "currency": "CNY",
        "totals": {
            "lines": m.height,
            "priced": priced.height,
            "losing": int((priced["profit_cny"] < 0).sum()),
            "revenue_cny": round(revenue, 2),
            "profit_cny": round(profit, 2),
            "margin": round(profit / revenue, 4) if revenue > 0 else None,
            "by_status": dict(m["margin_status"].value_counts().sort("margin_status").iter_rows()),
            "invoiced_lines": int(m["logistics_invoiced_cny"].is_not_null().sum()),
            "low_value_lines": int((m["duty_basis"] == "de_minimis").sum()) if "duty_basis" in m.columns else 0,
        },
        "summary": summaries,
        "invoices": _invoice_doc(matched[0], known) if matched else None,
        "lines": ordered.select([c for c in _LINE_OUT if c in ordered.columns]).head(5000).to_dicts(),
    }


def _invoice_doc(matched: pl.DataFrame, known: pl.DataFrame) -> dict[str, Any]:
    """Carrier invoice lines against the period's orders: those used, and those left over with the reason
    (``no_order``: no stored order has this waybill or order id; ``not_priced``: its order has no priced
    line — cancelled, unmapped …; ``no_fx``: no rate for its currency on its date). A line whose order lies
    outside the period is counted, not listed."""
    elsewhere = known.select("waybill_or_order", pl.col("platform").str.to_lowercase(), _known=pl.lit(True))
    flagged = matched.join(elsewhere, on=["waybill_or_order", "platform"], how="left", nulls_equal=True)
    outside = (pl.col("invoice_status") == "no_order") & pl.col("_known").fill_null(False)
    rest = flagged.filter(~outside).drop("_known")
    used = rest.filter(pl.col("invoice_status") == "matched")
    left = rest.filter(pl.col("invoice_status") != "matched")
    cols = [
        "carrier",
        "invoice_no",
        "waybill_or_order",
        "platform",
        "invoice_date",
        "charge",
        "amount",
        "currency",
        "amount_cny",
        "invoice_status",
    ]
    return {
        "lines": matched.height,
        "matched": used.height,
        "matched_cny": round(float(used["amount_cny"].sum()), 2),
        "other_periods": matched.height - rest.height,
        "unmatched": left.select([c for c in cols if c in left.columns])
        .with_columns(pl.col("amount_cny").round(2))
        .head(MAX_LISTED)
        .to_dicts(),
        "unmatched_count": left.height,
    }


# ----------------------------------------------------------------------------- 9610 documents


def declare(
    db: Path,
    *,
    start: dt.date,
    end: dt.date,
    out_dir: Path,
    config: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """CEB603 inventory list (XML + Excel sheet) and the waybill CSV for the orders of [start, end]."""
    from qiankua.orders import ceb603
    from qiankua.store import Store
    from qiankua.store.orders import load_orders, write_declaration

    config = dict(config or {})
    if start > end:  # an empty period
        raise UnknownReferenceError(f"No orders between {start} and {end}: the period is empty (from is after to).")
    if not Path(db).is_file():
        raise UnknownReferenceError("No orders stored yet: import orders first (qiankua orders import FILE).")
    with Store(db, read_only=True) as store:
        lines = load_orders(store, start=start, end=end)
    if not lines.height:
        raise UnknownReferenceError(f"No orders between {start} and {end}.")
    products = _catalogue(db)
    decl = ceb603.build(lines, products, config, app_time=dt.datetime.now())
    xml = ceb603.to_xml(decl, config)
    stem = f"ceb603_{start:%Y%m%d}_{end:%Y%m%d}"
    paths = write_declaration(
        Path(out_dir),
        stem,
        xml,
        ceb603.sheet_rows(decl),
        decl.missing,
        decl.waybills,
        ceb603.WAYBILL_COLUMNS,
    )
    return {
        "period": {"from": start, "to": end},
        "orders": len(decl.inventories),
        "lines": sum(len(i["lists"]) for i in decl.inventories),
        "totals": decl.totals,
        "reconciled": all(abs(t["orders"] - t["declared"]) < 0.005 for t in decl.totals.values()),
        "missing": decl.missing,
        "skipped": decl.skipped[:MAX_LISTED],
        "files": {k: str(v) for k, v in paths.items()},
        "source": ceb603.SOURCE,
        "note_en": "Files only: nothing is sent. Fields listed in `missing` need your enterprise, agent and "
        "customs codes (--config); check them with your declaration agent.",
        "note_zh": "仅生成文件，不发送任何数据。`missing` 中的字段需填写企业、申报代理及海关代码（--config），请与报关代理核对。",
    }


# ----------------------------------------------------------------------------- demo (SAMPLE data)

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "orders" / "samples"
SAMPLE_EXPORTS = ("amazon_all_orders.txt", "amazon_de_sample.txt", "aliexpress_zh.csv")
SAMPLE_INVOICES = "sample_carrier_invoices.csv"
SAMPLE_MAPPINGS = "sample_mappings.json"


def demo_margins(ref: Any = None, store: Any = None) -> dict[str, Any]:
    """The weekly margin dashboard on the built-in SAMPLE order exports (made-up values): imported with
    their made-up SKU mappings, quotes and carrier invoice into a throw-away database (the user's own
    orders and sales are never touched), priced on the built-in rules. Marked ``sample``."""
    from qiankua.services.data import import_user_file

    spec = json.loads((SAMPLE_DIR / SAMPLE_MAPPINGS).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="qiankua-orders-sample-") as tmp:
        db = Path(tmp) / "orders-sample.duckdb"
        imported = import_orders([SAMPLE_DIR / f for f in SAMPLE_EXPORTS], db, suggestions=False)
        confirm_mappings(db, spec["mappings"])
        import_user_file(db, SAMPLE_DIR / SAMPLE_INVOICES, "carrier_invoices")
        doc = order_margins(db)
    doc["sample"] = True
    doc["files"] = imported["files"]
    return doc
