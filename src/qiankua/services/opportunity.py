"""Product x market opportunities: load data, compute indicators (DuckDB or Spark), rank, explain.

Data, in order of preference for each indicator:

1. bilateral trade flows imported into the store (``qiankua data fetch baci|comtrade`` or
   :mod:`qiankua.store.trade`): import demand, growth, China's share, RCA and the EPI potential,
   computed by the Ibis expressions of :mod:`qiankua.opportunity.indicators` on the store's
   DuckDB (default) or on Spark (``engine="spark"``; master from ``QIANKUA_SPARK_MASTER``,
   default ``local[1]``);
2. the built-in cited figures (:mod:`qiankua.opportunity.defaults`), with documented proxies
   flagged as such.

Tariff and route cost / days come from the ``costing`` and ``routing`` services when they
provide the adapter functions below; otherwise those criteria are reported as unavailable
(``indicator_status``) and left out of the ranking — never silently zero. The landed-cost
margin at a typical retail price is quoted by ``qiankua.services.costing.quote_many`` (9610
parcel, postal, the pair's best-selling platform) at the typical price from the user's ``sales``
table, else from a cited ``retail_price`` figure (:mod:`qiankua.opportunity.retail`); a pair
with neither carries ``margin.available = false`` and a flag in its entry::

    qiankua.services.costing.pair_margins(ref, pairs: pl.DataFrame) -> pl.DataFrame
        pairs: product, market, hs6 -> product, market, tariff (fraction), confidence
    qiankua.services.routing.pair_routes(ref, pairs: pl.DataFrame) -> pl.DataFrame
        pairs: product, market, hs6 -> product, market, route_cost_cny_per_kg, route_days, confidence

The same columns can be passed directly as ``extra`` (a frame with product, market and any of
``tariff_rate``, ``margin_pct``, ``route_cost_cny_per_kg``, ``route_days``); a later source
overrides an earlier one only where it has a value.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import DataError, InvalidInputError
from qiankua.i18n import t
from qiankua.opportunity.defaults import default_indicators, worst
from qiankua.opportunity.requirements import (
    DEMAND_SPEC,
    REQUIREMENTS_SPEC,
    applicable_requirements,
    pair_compliance,
)
from qiankua.opportunity.scoring import Ranking, explain, format_value, parse_weights, rank_pairs
from qiankua.reference import ReferenceData, load_reference
from qiankua.reference.loader import DATA_DIR, parse_table
from qiankua.report import Section, Table

EXTRA_COLUMNS = {"tariff_rate": "tariff", "margin_pct": "margin", "route_cost_cny_per_kg": "route_cost",
                 "route_days": "route_days"}
ENGINES = ("duckdb", "spark")


@cache
def opportunity_tables(data_dir: Path = DATA_DIR) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The validated ``trade_demand_figures`` and ``market_entry_requirements`` tables."""
    out = []
    for spec in (DEMAND_SPEC, REQUIREMENTS_SPEC):
        frame, issues = parse_table(spec, data_dir / f"{spec.name}.csv")
        if issues:
            raise DataError(f"{spec.name}.csv is invalid: {issues[0]}")
        out.append(frame)
    return out[0], out[1]


# ---------------------------------------------------------------------------- adapters

def _adapter(module: str, func: str, ref: ReferenceData, pairs: pl.DataFrame) -> tuple[pl.DataFrame | None, str]:
    """Call ``qiankua.services.<module>.<func>`` if present; (frame, status) — status says why not."""
    try:
        mod = importlib.import_module(f"qiankua.services.{module}")
    except ImportError:
        return None, f"{module} module not installed"
    fn = getattr(mod, func, None)
    if fn is None:
        return None, f"qiankua.services.{module}.{func} not available"
    try:
        frame = fn(ref, pairs)
    except Exception as exc:  # noqa: BLE001 — a failing optional engine must not break the ranking
        return None, f"{module} failed: {type(exc).__name__}: {exc}"
    return frame, "ok"


_PLATFORM_WORDS = ("aliexpress", "amazon", "lazada", "shopee")  # sales channel text -> costing platform
NO_PRICE = "no typical retail price for this pair (import your sales, or add a cited retail_price figure)"  # = en of opportunity.margin.no_price


def _platform(channel: str | None) -> str:
    text = (channel or "").lower()
    return next((p for p in _PLATFORM_WORDS if p in text), "direct")


def _to_currency(amount: float, src: str, dst: str, day: dt.date) -> float | None:
    if src == dst:
        return amount
    from qiankua.services.fx import fx_book

    return fx_book().convert(amount, src, dst, day)


def _user_sales(store: Any) -> pl.DataFrame:
    if store is None or ("user", "sales") not in store.tables():
        return pl.DataFrame()
    return store.frame("sales")


def retail_margins(ref: ReferenceData, pairs: pl.DataFrame, *, store: Any = None,
                   on: dt.date | None = None) -> tuple[pl.DataFrame, str]:
    """Margin at the typical retail price per pair, quoted by ``costing.quote_many``.

    ``pairs``: ``product, market, hs6``. Returns one row per pair (``margin_pct`` null where no
    typical price or no quote) with ``margin_conf``, ``retail_price``, ``retail_currency``,
    ``price_basis`` and ``margin_flag`` (why a margin is missing), and the criterion's status.
    """
    from qiankua.opportunity.retail import cited_prices, combine, typical_prices

    day = on or dt.date.today()
    figures, _ = opportunity_tables()
    sales = _user_sales(store)
    products = pairs.select(pl.col("product").alias("id"), "hs6").unique()
    markets = pairs.select(pl.col("market").alias("iso2")).unique()
    prices = combine(typical_prices(sales), cited_prices(figures, products, markets))
    out = pairs.select("product", "market").join(prices, on=["product", "market"], how="left")
    ccy = dict(zip(ref.markets["iso2"].to_list(), ref.markets["currency"].to_list(), strict=True))
    requests, index, flags = [], [], {}
    for i, r in enumerate(out.iter_rows(named=True)):
        if r["retail_price"] is None:
            flags[i] = NO_PRICE
            continue
        price = _to_currency(float(r["retail_price"]), r["retail_currency"], ccy.get(r["market"], ""), day)
        if price is None:
            flags[i] = f"no exchange rate {r['retail_currency']} -> {ccy.get(r['market'])} for the typical price"
            continue
        requests.append({"product_id": r["product"], "market": r["market"], "mode": "9610", "service": "postal",
                         "platform": _platform(r["channel"]), "date": day.isoformat(), "price": price})
        index.append(i)
    margin: list[float | None] = [None] * out.height
    conf: list[str | None] = [None] * out.height
    if requests:
        from qiankua.services.costing import quote_many

        try:
            quotes = quote_many(requests, ref)
        except Exception as exc:  # noqa: BLE001 — a failing optional engine must not break the ranking
            quotes = []
            for i in index:
                flags[i] = f"costing failed: {type(exc).__name__}: {exc}"
        for i, q in zip(index, quotes, strict=False):
            m = q.row.get("margin")
            if q.row.get("status") == "no_rule" or m is None or m != m:
                flags[i] = f"costing has no rule for this pair ({q.row.get('reason') or q.row.get('status')})"
                continue
            margin[i] = float(m)
            conf[i] = worst(out["price_conf"][i], q.row.get("confidence"))
    out = out.with_columns(
        margin_pct=pl.Series(margin, dtype=pl.Float64), margin_conf=pl.Series(conf, dtype=pl.String),
        margin_flag=pl.Series([flags.get(i) for i in range(out.height)], dtype=pl.String),
    ).drop("channel", "price_conf")
    n = int(out["margin_pct"].is_not_null().sum())
    if n == 0:
        sources = "your sales table has no line for these pairs" if sales.height else "no sales imported"
        status = (f"unavailable: no typical retail price ({sources}; the reference data hold no cited "
                  "retail_price figure) — import sales.csv to rank by margin")
    else:
        status = f"ok (costing at typical retail price; {n} of {out.height} pairs)"
    return out, status


def _with_extra(base: pl.DataFrame, extra: pl.DataFrame | None, status: dict[str, str], ref: ReferenceData,
                store: Any = None, on: dt.date | None = None) -> pl.DataFrame:
    pairs = base.select("product", "market", "hs6")
    frames: list[tuple[pl.DataFrame, str]] = []
    margins, st = _adapter("costing", "pair_margins", ref, pairs)
    status["tariff"] = st
    if margins is not None:
        frames.append((margins.rename({"tariff": "tariff_rate"}, strict=False).drop("margin", strict=False),
                       "costing"))
    retail, status["margin"] = retail_margins(ref, pairs, store=store, on=on)
    base = base.join(retail.select("product", "market", "retail_price", "retail_currency", "price_basis",
                                   "margin_flag"), on=["product", "market"], how="left")
    frames.append((retail.filter(pl.col("margin_pct").is_not_null())
                   .select("product", "market", "margin_pct", pl.col("margin_conf").alias("confidence")),
                   "retail"))
    routes, st = _adapter("routing", "pair_routes", ref, pairs)
    status["route_cost"] = status["route_days"] = st
    if routes is not None:
        frames.append((routes, "routing"))
    if extra is not None:
        frames.append((extra, "user"))
    out = base
    for frame, origin in frames:
        cols = [c for c in EXTRA_COLUMNS if c in frame.columns]
        if not cols:
            continue
        conf = frame["confidence"] if "confidence" in frame.columns else pl.Series(["unconfirmed"] * frame.height)
        sel = frame.select("product", "market", *[pl.col(c).cast(pl.Float64).alias(EXTRA_COLUMNS[c]) for c in cols])
        sel = sel.with_columns([conf.alias(f"{EXTRA_COLUMNS[c]}_conf") for c in cols])
        # a later source overrides an earlier one where it has a value, and only there
        out = out.join(sel.rename({c: f"{c}__new" for c in sel.columns if c not in ("product", "market")}),
                       on=["product", "market"], how="left")
        for c in cols:
            name = EXTRA_COLUMNS[c]
            new = pl.col(f"{name}__new")
            if name in out.columns:
                out = out.with_columns(pl.when(new.is_not_null()).then(pl.col(f"{name}_conf__new"))
                                       .otherwise(pl.col(f"{name}_conf")).alias(f"{name}_conf"),
                                       pl.coalesce(new, pl.col(name)).alias(name))
            else:
                out = out.with_columns(new.alias(name), pl.col(f"{name}_conf__new").alias(f"{name}_conf"))
            if name == "margin":
                out = out.with_columns(margin_flag=pl.when(pl.col("margin").is_not_null()).then(None)
                                       .otherwise(pl.col("margin_flag")))
            if origin != "retail":  # retail's own status says how many pairs have a typical price
                status[name] = f"ok ({origin})"
        out = out.drop([c for c in out.columns if c.endswith("__new")])
    for key in ("tariff", "route_cost", "route_days"):
        if status.get(key) == "ok":  # the adapter ran but did not deliver this criterion
            status[key] = "not provided"
    return out


# ---------------------------------------------------------------------------- trade data

def _spark_session() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InvalidInputError(
            "--engine spark needs PySpark: install the optional extra (uv sync --extra spark, or "
            "pip install 'qiankua[spark]')."
        ) from None
    master = os.environ.get("QIANKUA_SPARK_MASTER", "local[1]")
    return (SparkSession.builder.master(master).appName("qiankua-opportunity")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.warehouse.dir", os.environ.get("QIANKUA_SPARK_WAREHOUSE", str(_data_dir() / "spark-warehouse")))
            .getOrCreate())


def trade_indicators(store: Any, markets: pl.DataFrame, products: pl.DataFrame, *, engine: str = "duckdb",
                     year: int | None = None, session: Any = None) -> tuple[pl.DataFrame | None, dict[str, Any]]:
    """Pair indicators from the store's trade flows on DuckDB or Spark; (None, info) when none are loaded."""
    from qiankua.opportunity.indicators import named_pairs, pair_indicators
    from qiankua.store import trade

    years = trade.trade_years(store)
    info: dict[str, Any] = {"engine": engine, "years": years}
    if not years:
        info["engine"] = "none (no trade data loaded)"
        return None, info
    year = year or years[-1]
    info["year"] = year
    codes = trade.country_codes(store)
    if engine == "spark":
        flows, countries = trade.spark_flows(store, session or _spark_session())
    else:
        flows, countries = trade.flows_table(store), trade.countries_table(store)
    importers = [codes[c] for c in markets["iso3"].to_list() if c in codes]
    hs = sorted({int(h) for h in products["hs6"].drop_nulls().str.replace_all(r"\D", "").str.slice(0, 6).to_list() if h})
    # a store without China among its countries has no Chinese exports: code -1 matches no row
    expr = pair_indicators(flows, codes.get("CHN", -1), year, importers=importers, products=hs)
    frame = pl.from_arrow(named_pairs(expr, countries).to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    code = markets.select(pl.col("iso3").alias("importer"), pl.col("iso2").alias("market"))
    return frame.join(code, on="importer", how="inner"), info


def _apply_trade(base: pl.DataFrame, trade_frame: pl.DataFrame, info: dict[str, Any]) -> pl.DataFrame:
    tf = trade_frame.select(
        "market", "hs6",
        pl.col("import_value_usd").alias("t_demand"), pl.col("import_growth").alias("t_growth"),
        pl.col("exporter_share").alias("t_share"), pl.col("rca").alias("t_rca"),
        pl.col("potential_usd").alias("t_potential"),
    )
    out = base.join(tf, on=["market", "hs6"], how="left")
    has = pl.col("t_demand").is_not_null()
    basis = f"EPI supply x demand x ease from trade data {info.get('year')}"
    return out.with_columns(
        demand=pl.when(has).then(pl.col("t_demand")).otherwise(pl.col("demand")),
        demand_conf=pl.when(has).then(pl.lit("likely")).otherwise(pl.col("demand_conf")),
        demand_proxy=pl.when(has).then(pl.lit(False)).otherwise(pl.col("demand_proxy")),
        growth=pl.col("t_growth"), growth_conf=pl.when(pl.col("t_growth").is_not_null()).then(pl.lit("likely")),
        china_share=pl.when(has).then(pl.col("t_share")).otherwise(pl.col("china_share")),
        china_share_conf=pl.when(has).then(pl.lit("likely")).otherwise(pl.col("china_share_conf")),
        rca=pl.col("t_rca"), rca_conf=pl.when(pl.col("t_rca").is_not_null()).then(pl.lit("likely")),
        potential_usd=pl.when(has).then(pl.col("t_potential")).otherwise(pl.col("potential_usd")),
        potential_basis=pl.when(has).then(pl.lit(basis)).otherwise(pl.col("potential_basis")),
        potential_conf=pl.when(has).then(pl.lit("likely")).otherwise(pl.col("potential_conf")),
    ).drop("t_demand", "t_growth", "t_share", "t_rca", "t_potential")


# ---------------------------------------------------------------------------- use case

@dataclass(frozen=True, kw_only=True)
class OpportunityResult:
    ranking: Ranking
    entries: list[dict[str, Any]]
    indicator_status: dict[str, str]
    trade: dict[str, Any]
    lang: str = "en"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "weights": self.ranking.weights,
            "weight_source": self.ranking.weight_source,
            "unavailable": self.ranking.unavailable,
            "indicator_status": self.indicator_status,
            "trade_data": self.trade,
            "pairs": self.ranking.table.height,
            "stability_scope": self.ranking.stability_scope,
            "ranking": self.entries,
            "notes": self.notes,
        }


def _select(ref: ReferenceData, products: list[str] | None, markets: list[str] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    prods = ref.products
    mkts = ref.markets
    if products:
        ids = [ref.product(p).id for p in products]
        prods = prods.filter(pl.col("id").is_in(ids))
    if markets:
        codes = [ref.market(m).iso2 for m in markets]
        mkts = mkts.filter(pl.col("iso2").is_in(codes))
    return prods, mkts


def _covered_markets(requirements: pl.DataFrame, markets: pl.DataFrame) -> list[str]:
    codes = set(requirements["market"].to_list())
    return [r["iso2"] for r in markets.iter_rows(named=True) if r["iso2"] in codes or r["customs_union"] in codes]


def build_pairs(ref: ReferenceData, products: pl.DataFrame, markets: pl.DataFrame, *, store: Any = None,
                engine: str = "duckdb", met: frozenset[str] = frozenset(), on: dt.date | None = None,
                extra: pl.DataFrame | None = None, session: Any = None) -> tuple[pl.DataFrame, dict[str, str], dict[str, Any]]:
    figures, requirements = opportunity_tables()
    base = default_indicators(products, markets, figures)
    status = {"demand": "built-in cited figures + population proxy", "growth": "needs trade data (BACI/Comtrade)",
              "china_share": "built-in (tea only, partial year)", "rca": "needs trade data (BACI/Comtrade)",
              "province_rca": "needs provincial export data", "ecommerce_rank": "UNCTAD B2C rank (markets table)",
              "culture": "ICH / GI (products table)", "compliance": "market_entry_requirements table"}
    trade_info: dict[str, Any] = {"engine": "none (no store)"}
    if store is not None:
        frame, trade_info = trade_indicators(store, markets, products, engine=engine, session=session)
        if frame is not None:
            base = _apply_trade(base, frame, trade_info)
            for k in ("demand", "growth", "china_share", "rca"):
                status[k] = f"trade data {trade_info.get('year')} ({trade_info['engine']})"
    base = _with_extra(base, extra, status, ref, store=store, on=on)
    applicable = applicable_requirements(products, markets, requirements, on=on, met=met)
    comp = pair_compliance(applicable)
    blockers = (applicable.filter((pl.col("severity") == "blocker") & ~pl.col("met"))
                .group_by("product", "market")
                .agg(blocker_texts=pl.struct("requirement", "authority", "confidence")))
    pairs = (base.join(comp, on=["product", "market"], how="left")
             .join(blockers, on=["product", "market"], how="left")
             .with_columns(pl.col("blockers").fill_null(0), pl.col("compliance_burden").fill_null(0.0),
                           pl.col("requirements_n").fill_null(0))
             .rename({"compliance_burden": "compliance"}))
    # a market the requirements table does not cover has unknown burden, not zero burden
    covered = _covered_markets(requirements, markets)
    pairs = pairs.with_columns(
        compliance=pl.when(pl.col("market").is_in(covered)).then(pl.col("compliance")),
        compliance_conf=pl.when(pl.col("market").is_in(covered)).then(pl.lit("likely")),
    )
    pairs = pairs.with_columns(_applicable_key=pl.concat_str("product", "market", separator="|"))
    return pairs, status, {**trade_info, "applicable": applicable}


def opportunities(
    db: Path | None = None, *, products: list[str] | None = None, markets: list[str] | None = None,
    weights: str | dict[str, float] | None = None, top: int = 20, engine: str = "duckdb",
    met: list[str] | None = None, on: dt.date | None = None, lang: str = "en", samples: int = 400,
    seed: int = 0, extra: pl.DataFrame | None = None, ref: ReferenceData | None = None, store: Any = None,
    session: Any = None,
) -> OpportunityResult:
    """Rank product x market pairs (see the module docstring). ``top`` = entries returned and the k of stability."""
    if engine not in ENGINES:
        raise InvalidInputError(f"Expected --engine duckdb or spark, got {engine!r}.")
    if top < 1:
        raise InvalidInputError(f"--top must be at least 1, got {top}.")
    user_w = parse_weights(weights) if isinstance(weights, str) or weights is None else dict(weights)
    ref = ref or load_reference()
    prods, mkts = _select(ref, products, markets)
    own_store = None
    if store is None:
        from qiankua.store import Store, default_db_path

        path = Path(db) if db is not None else default_db_path()
        if path.is_file():  # rank from trade data if the user's database holds some; never create one
            own_store = store = Store(path)
    try:
        pairs, status, info = build_pairs(ref, prods, mkts, store=store, engine=engine,
                                          met=frozenset(met or ()), on=on, extra=extra, session=session)
    finally:
        if own_store is not None:
            own_store.close()
    applicable: pl.DataFrame = info.pop("applicable")
    ranking = rank_pairs(pairs, user_weights=user_w, top_k=top, samples=samples, seed=seed)
    entries = _entries(ranking, applicable, top, lang)
    notes = [t("opportunity.note.baci", lang)]
    return OpportunityResult(ranking=ranking, entries=entries, indicator_status=status, trade=info, lang=lang,
                             notes=notes)


def _margin_entry(row: dict[str, Any], lang: str) -> dict[str, Any]:
    value = row.get("margin")
    if value is None:
        flag = row.get("margin_flag") or NO_PRICE
        texts = {k: t("opportunity.margin.no_price", k) if flag == NO_PRICE else flag for k in ("zh", "en")}
        return {"available": False, "value": None, "flag": texts[lang] if lang in texts else texts["en"],
                "flag_zh": texts["zh"], "flag_en": texts["en"]}
    return {"available": True, "value": round(float(value), 4), "retail_price": row.get("retail_price"),
            "currency": row.get("retail_currency"), "basis": row.get("price_basis") or "user-supplied margin",
            "confidence": row.get("margin_conf")}


def _entries(ranking: Ranking, applicable: pl.DataFrame, top: int, lang: str) -> list[dict[str, Any]]:
    reqs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    head = ranking.table.head(top)
    wanted = set(zip(head["product"].to_list(), head["market"].to_list(), strict=True))
    for r in applicable.iter_rows(named=True):
        key = (r["product"], r["market"])
        if key in wanted:
            reqs.setdefault(key, []).append({k: r[k] for k in ("req_id", "severity", "authority", "requirement",
                                                                "url", "confidence", "met")})
    out = []
    for i, row in enumerate(head.iter_rows(named=True)):
        reasons = explain(ranking, i)
        proxies = [c for c in ranking.criteria if row.get(f"{c}_proxy")]
        confs = [row.get(f"{c}_conf") for c in ranking.criteria]
        out.append({
            "rank": row["rank"], "product": row["product"], "market": row["market"],
            "score": round(float(row["score"]), 6),
            "potential_usd": None if row.get("potential_usd") is None else round(float(row["potential_usd"]), 0),
            "potential_basis": row.get("potential_basis"),
            "feasible": bool(row["feasible"]), "stability": round(float(row["stability"]), 4),
            "confidence": worst(*confs),
            "proxy_indicators": proxies,
            "margin": _margin_entry(row, lang),
            "reasons": [r.to_dict(lang) for r in reasons],
            "requirements": sorted(reqs.get((row["product"], row["market"]), []),
                                   key=lambda q: ("blocker registration certification labelling".split().index(q["severity"]), q["req_id"])),
        })
    return out


# ---------------------------------------------------------------------------- demo / report

_SHADES = " ░▒▓█"


def _shade(score: float | None, feasible: bool) -> str:
    if score is None:
        return ""
    block = _SHADES[min(4, int(score * 5))]
    return f"{block} {score:.2f}" + ("" if feasible else " ✗")


def heatmap_svg(table: pl.DataFrame, products: list[str], markets: list[str]) -> str:
    """An inline SVG heatmap (product rows x market columns, colour = score, hatched = infeasible).

    Self-contained markup for the report's ``Section.svgs``; every text is escaped.
    """
    from html import escape

    cell, left, top_ = 22, 230, 40
    lookup = {(r["product"], r["market"]): (r["score"], r["feasible"]) for r in table.iter_rows(named=True)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + cell * len(markets) + 10}" '
             f'height="{top_ + cell * len(products) + 10}" font-size="10">']
    for j, m in enumerate(markets):
        parts.append(f'<text x="{left + j * cell + 6}" y="{top_ - 6}">{escape(m)}</text>')
    for i, p in enumerate(products):
        parts.append(f'<text x="{left - 4}" y="{top_ + i * cell + 15}" text-anchor="end">{escape(p)}</text>')
        for j, m in enumerate(markets):
            score, feasible = lookup.get((p, m), (None, True))
            if score is None:
                continue
            g = int(255 - 180 * score)
            fill = f"rgb({g},{int(255 - 120 * score)},{g})" if feasible else "#ddd"
            parts.append(f'<rect x="{left + j * cell}" y="{top_ + i * cell}" width="{cell - 1}" height="{cell - 1}" '
                         f'fill="{fill}"><title>{escape(p)} {escape(m)} {score:.2f}{"" if feasible else " infeasible"}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def demo_sections(ref: ReferenceData, store: Any) -> list[Section]:
    top = 20
    result = opportunities(ref=ref, store=store, top=top, lang="zh", samples=200)
    table = result.ranking.table
    top_markets = (table.filter(pl.col("feasible")).group_by("market").agg(pl.col("score").max())
                   .sort("score", descending=True).head(12)["market"].to_list())
    products = ref.products["id"].to_list()
    heat = (table.filter(pl.col("market").is_in(top_markets))
            .select("product", "market", pl.struct("score", "feasible").alias("cell"))
            .with_columns(cell=pl.col("cell").map_elements(lambda c: _shade(c["score"], c["feasible"]),
                                                           return_dtype=pl.String))
            .pivot(on="market", index="product", values="cell")
            .select("product", *top_markets))
    heat = pl.DataFrame({"product": products}).join(heat, on="product", how="left")
    names = dict(zip(ref.products["id"].to_list(), ref.products["name_zh"].to_list(), strict=True))
    top_rows = []
    for e in result.entries:
        top_rows.append({
            "rank": e["rank"], "product": names.get(e["product"], e["product"]), "market": e["market"],
            "score": e["score"], "potential_usd": e["potential_usd"],
            "margin": (f"{e['margin']['value'] * 100:.0f}%" if e["margin"]["available"] else "n/a"),
            "stability": e["stability"],
            "feasible": e["feasible"], "confidence": e["confidence"],
            "reasons": "；".join(r["text_zh"] for r in e["reasons"]) + " / " + "; ".join(r["text_en"] for r in e["reasons"]),
            "requirements": "; ".join(f"[{q['severity']}] {q['authority']}" for q in e["requirements"]),
        })
    top_frame = pl.DataFrame(top_rows, infer_schema_length=None)
    feasible_n = int(table["feasible"].sum())
    proxy_share = float(table["demand_proxy"].fill_null(False).mean() or 0.0)
    weights = pl.DataFrame({"criterion": list(result.ranking.weights),
                            "weight": [round(w, 4) for w in result.ranking.weights.values()],
                            "source": [result.ranking.weight_source[c] for c in result.ranking.weights],
                            "status": [result.indicator_status.get(c, "") for c in result.ranking.weights]})
    unavailable = pl.DataFrame({"criterion": result.ranking.unavailable,
                                "status": [result.indicator_status.get(c, "unavailable") for c in result.ranking.unavailable]})
    return [Section(
        key="opportunity",
        title_zh="产品 × 市场机会",
        title_en="Product x market opportunities",
        intro=t("opportunity.report.intro", "zh") + " " + t("opportunity.report.intro", "en"),
        figures=[
            ("产品×市场组合 pairs", str(table.height)),
            ("当前可行 feasible now", str(feasible_n)),
            ("被准入要求阻断 blocked by a requirement", str(table.height - feasible_n)),
            ("需求为代理值 demand is a proxy", f"{proxy_share * 100:.0f}%"),
            ("排序引擎 engine", str(result.trade.get("engine"))),
        ],
        svgs=[heatmap_svg(table, products, top_markets)],
        tables=[
            Table(name="opportunity_heatmap", frame=heat,
                  headers={"product": "产品 product"}),
            Table(name="opportunity_top20", frame=top_frame, confidence_column="confidence",
                  headers={"rank": "名次 rank", "product": "产品 product", "market": "市场 market",
                           "score": "得分 score", "potential_usd": "潜力(美元) potential USD",
                           "margin": "典型零售价毛利率 margin at typical retail",
                           "stability": "前20稳定性 top-20 stability", "feasible": "可行 feasible",
                           "confidence": "可信度 confidence", "reasons": "理由 reasons",
                           "requirements": "准入要求 requirements"}),
            Table(name="opportunity_weights", frame=weights,
                  headers={"criterion": "指标 criterion", "weight": "权重 weight", "source": "来源 source",
                           "status": "数据 data"}),
            Table(name="opportunity_unavailable", frame=unavailable,
                  headers={"criterion": "未纳入指标 criterion left out", "status": "原因 why"}),
        ],
        notes=[t("opportunity.report.heat_note", "zh") + " " + t("opportunity.report.heat_note", "en"),
               t("opportunity.note.baci", "zh") + " " + t("opportunity.note.baci", "en")],
        recommendations=recommendations(result.entries, ref, k=top),
    )]


def recommendations(entries: list[dict[str, Any]], ref: ReferenceData, k: int, n: int = 5) -> list[tuple[str, str]]:
    """The ``n`` best feasible pairs of ``entries`` (ranked with top-``k`` stability) as one (zh, en)
    line each: product, market, score, stability, potential, the pair's weakest data confidence, the
    strongest reason for and the first market-entry requirement to meet."""
    products = {r["id"]: r for r in ref.products.iter_rows(named=True)}
    markets = {r["iso2"]: r for r in ref.markets.iter_rows(named=True)}
    lines = []
    for e in [e for e in entries if e["feasible"]][:n]:
        p, m = products.get(e["product"], {}), markets.get(e["market"], {})
        reason = next((r for r in e["reasons"] if r["direction"] == "for"), None)
        first = e["requirements"][0] if e["requirements"] else None
        line = []
        for lang in ("zh", "en"):
            conf = t(f"opportunity.conf.{e['confidence'] or 'unconfirmed'}", lang)
            potential = (t("opportunity.recommendation.no_potential", lang) if e["potential_usd"] is None
                         else format_value(e["potential_usd"], "usd", lang))
            text = t("opportunity.recommendation", lang, product=p.get(f"name_{lang}", e["product"]),
                     market=m.get(f"name_{lang}", e["market"]), iso2=e["market"], score=e["score"], k=k,
                     stability=e["stability"] * 100, potential=potential, conf=conf)
            if reason is not None:
                text += ("；" if lang == "zh" else "; ") + reason[f"text_{lang}"]
            if first is not None:
                text += t("opportunity.recommendation.first", lang, req=first["requirement"], auth=first["authority"])
                if len(e["requirements"]) > 1:
                    text += t("opportunity.recommendation.more", lang, more=len(e["requirements"]) - 1)
            line.append(text)
        lines.append((line[0], line[1]))
    return lines


# ---------------------------------------------------------------------------- downloads

BACI_URL = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_{revision}_{release}.zip"


def _download(url: str, target: Path) -> Path:
    import shutil
    import urllib.request

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    with urllib.request.urlopen(url, timeout=60) as resp, partial.open("wb") as fh:  # noqa: S310 — fixed https URL
        shutil.copyfileobj(resp, fh, length=1 << 20)
    partial.replace(target)
    return target


def _data_dir() -> Path:
    home = os.environ.get("QIANKUA_HOME")
    return (Path(home) if home else Path.cwd()) / "trade_data"


def fetch_baci(db: Path | None, *, year: int, revision: str = "HS22", release: str = "V202501",
               file: Path | None = None, url: str | None = None) -> dict[str, Any]:
    """Download the BACI release zip (all years, several GB) unless ``file`` is given, then load ``year``."""
    from qiankua.store import Store
    from qiankua.store.trade import load_baci

    path = file
    if path is None:
        link = url or BACI_URL.format(revision=revision, release=release)
        path = _data_dir() / Path(link).name
        if not path.is_file():
            _download(link, path)
    with Store(db) as store:
        return load_baci(store, path, [year]).to_dict()


def fetch_comtrade(db: Path | None, *, hs: str, year: int, file: Path | None = None) -> dict[str, Any]:
    """UN Comtrade annual HS data for one code and year via comtradeapicall (key: ``COMTRADE_API_KEY``).

    Without a key the public preview (at most 500 records) is used. The data are saved as CSV
    under ``trade_data/`` and loaded like any Comtrade file.
    """
    from qiankua.store import Store
    from qiankua.store.trade import load_comtrade

    if not (hs.isdigit() and len(hs) in (2, 4, 6)):
        raise InvalidInputError(f"Expected --hs as 2, 4 or 6 digits, got {hs!r}.")
    path = file
    if path is None:
        try:
            import comtradeapicall
        except ImportError:
            raise InvalidInputError("Comtrade download needs comtradeapicall: uv sync --extra comtrade "
                                    "(or pip install 'qiankua[comtrade]').") from None
        key = os.environ.get("COMTRADE_API_KEY")
        args = dict(typeCode="C", freqCode="A", clCode="HS", period=str(year), reporterCode=None, cmdCode=hs,
                    flowCode="M", partnerCode=None, partner2Code=None, customsCode=None, motCode=None)
        if key:
            frame = comtradeapicall.getFinalData(key, **args, maxRecords=250000, format_output="JSON",
                                                 breakdownMode="classic", includeDesc=True)
        else:
            frame = comtradeapicall.previewFinalData(**args, maxRecords=500, format_output="JSON",
                                                     breakdownMode="classic", includeDesc=True)
        if frame is None or len(frame) == 0:
            raise DataError(f"UN Comtrade returned no rows for HS {hs}, {year}.")
        path = _data_dir() / f"comtrade_{hs}_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False)
    with Store(db) as store:
        return load_comtrade(store, path).to_dict()
