"""Product x market opportunities: the use case (store -> indicators -> ranking -> entries).

Data, in order of preference for each indicator:

1. bilateral trade flows imported into the store (``qiankua data fetch baci|comtrade``, see
   :mod:`qiankua.services.trade_data`): import demand, growth, China's share, RCA and the EPI
   potential, computed by the Ibis expressions of :mod:`qiankua.opportunity.indicators` on the
   store's DuckDB (default) or on Spark (``engine="spark"``; the session from
   :func:`qiankua.store.spark.spark_session`, master from ``QIANKUA_SPARK_MASTER``);
2. the built-in cited figures (:mod:`qiankua.opportunity.defaults`), with documented proxies
   flagged as such.

Tariff, route cost and route days come from the costing and routing use cases, called directly::

    qiankua.services.costing.pair_margins(ref, pairs) -> product, market, tariff, confidence
    qiankua.services.routing.pair_routes(ref, pairs)  -> product, market, route_cost_cny_per_kg,
                                                         route_days, confidence

When one of them raises a :class:`~qiankua.exceptions.QiankuaError` (missing or bad data), its
criteria are reported as unavailable (``indicator_status``, with the error) and left out of the
ranking — never silently zero; any other error is a bug and propagates. The landed-cost margin
at a typical retail price comes from :mod:`qiankua.services.retail_margin`.

The same columns can be passed directly as ``extra`` (a frame with product, market and any of
``tariff_rate``, ``margin_pct``, ``route_cost_cny_per_kg``, ``route_days``); a later source
overrides an earlier one only where it has a value. The report's presentation of a result
(heatmap, top-20 table, recommendation sentences) is :mod:`qiankua.report.opportunity`.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import DataError, InvalidInputError, QiankuaError
from qiankua.i18n import t
from qiankua.opportunity.defaults import default_indicators, worst
from qiankua.opportunity.indicators import named_pairs, pair_indicators
from qiankua.opportunity.potential import headline, not_estimated
from qiankua.opportunity.requirements import (
    DEMAND_SPEC,
    REQUIREMENTS_SPEC,
    applicable_requirements,
    pair_compliance,
)
from qiankua.opportunity.scoring import (
    DEFAULT_WEIGHT_CAP,
    DEFAULT_WEIGHTING,
    Ranking,
    check_weighting,
    explain,
    parse_weights,
    product_view,
    rank_pairs,
)
from qiankua.reference import ReferenceData
from qiankua.reference.loader import DATA_DIR, parse_table
from qiankua.routing import Profile
from qiankua.services.buildcache import BuildOnceCache
from qiankua.services.costing import compiled_rules, pair_margins
from qiankua.services.products import Catalogue, user_catalogue
from qiankua.services.retail_margin import NO_PRICE, retail_margins
from qiankua.services.routing import PAIR_ROUTE_SCHEMA, PAIR_WEIGHT_KG, pair_routes
from qiankua.store import Store, default_db_path, trade
from qiankua.store.database import table_version
from qiankua.store.spark import spark_session

EXTRA_COLUMNS = {
    "tariff_rate": "tariff",
    "margin_pct": "margin",
    "route_cost_cny_per_kg": "route_cost",
    "route_days": "route_days",
}
ENGINES = ("duckdb", "spark")
SEVERITY_ORDER = ("blocker", "registration", "certification", "labelling")  # a pair's requirements, most pressing first


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


# ---------------------------------------------------------------------------- criteria from other engines

Criterion = Callable[[ReferenceData, pl.DataFrame], pl.DataFrame]


def _criterion(engine: str, fn: Criterion, ref: ReferenceData, pairs: pl.DataFrame) -> tuple[pl.DataFrame | None, str]:
    """``fn(ref, pairs)`` and "ok", or (None, why) when the engine cannot serve these pairs.

    Only qiankua's own errors (a table that is missing or fails validation, an unknown product
    or market) are caught: they mean the data for this criterion are not there, and the ranking
    goes on without it. Anything else is a bug and raises.
    """
    try:
        return fn(ref, pairs), "ok"
    except QiankuaError as exc:
        return None, f"{engine} failed: {type(exc).__name__}: {exc}"


class _RouteCache:
    """The route criteria of (product, market) pairs, kept so a repeated ranking does not plan them again.

    :func:`~qiankua.services.routing.pair_routes` plans each product's pallet (``PAIR_WEIGHT_KG``) from its
    origin county on the network of the day with the built-in rates only (no user quote, no user FX), so its
    answer for one market is a function of the day, the product's shipment profile
    (:meth:`~qiankua.routing.Profile.for_product`: flags, carton, value) and its origin. That is the key, with
    the product id left out of the profile (the router never reads it): the data version of a route is the
    day (the network is rebuilt per day) plus the product record itself, so editing a product (an import of
    ``user.products``) changes its key and no other product's, and many products shipped alike share one
    entry. The router function is part of the key too (a test that swaps it is never answered from the
    cache). Bounded: least recently used entries are dropped past ``maxsize``; errors are never stored.
    """

    def __init__(self, maxsize: int = 4096) -> None:
        self.maxsize = maxsize
        self._rows: OrderedDict[Hashable, tuple[float | None, float | None, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        """How many (shipment, market) routes are kept."""
        return len(self._rows)

    def __call__(self, ref: ReferenceData, pairs: pl.DataFrame) -> pl.DataFrame:
        router = pair_routes  # looked up at call time (tests swap it)
        day = dt.date.today()
        keys: dict[str, Hashable] = {}
        for product_id in pairs["product"].unique(maintain_order=True).to_list():
            product = ref.product(product_id)
            profile = replace(Profile.for_product(product, weight_kg=PAIR_WEIGHT_KG), product_id=None)
            keys[product_id] = (router, day, profile, product.origin_adcode)
        found: dict[tuple[str, str], tuple[float | None, float | None, str]] = {}
        missing: list[tuple[str, str]] = []
        with self._lock:
            for product_id, market in pairs.select("product", "market").unique(maintain_order=True).iter_rows():
                row = self._rows.get((keys[product_id], market))
                if row is None:
                    missing.append((product_id, market))
                else:
                    self._rows.move_to_end((keys[product_id], market))
                    found[(product_id, market)] = row
            self.hits += len(found)
            self.misses += len(missing)
        if missing:
            wanted = pl.DataFrame(missing, schema={"product": pl.String, "market": pl.String}, orient="row")
            planned = router(ref, pairs.join(wanted, on=["product", "market"], how="semi"))
            fresh = {
                (r["product"], r["market"]): (r["route_cost_cny_per_kg"], r["route_days"], r["confidence"])
                for r in planned.iter_rows(named=True)
            }
            found.update(fresh)
            if dt.date.today() == day:  # not planned across midnight on another day's network
                with self._lock:
                    for (product_id, market), row in fresh.items():
                        self._rows[(keys[product_id], market)] = row
                    while len(self._rows) > self.maxsize:
                        self._rows.popitem(last=False)
        return pl.DataFrame([(p, m, *row) for (p, m), row in found.items()], schema=PAIR_ROUTE_SCHEMA, orient="row")


#: the route criteria of a ranking, cached (see :class:`_RouteCache`)
cached_pair_routes = _RouteCache()


def _with_extra(
    base: pl.DataFrame,
    extra: pl.DataFrame | None,
    status: dict[str, str],
    ref: ReferenceData,
    sales: pl.DataFrame | None = None,
    on: dt.date | None = None,
) -> pl.DataFrame:
    pairs = base.select("product", "market", "hs6")
    frames: list[tuple[pl.DataFrame, str]] = []
    # a product whose HS line has no costing rule (a user's product can carry any code) has no tariff;
    # the other pairs keep theirs
    on_file = set(compiled_rules(ref).hs_codes)
    margins, st = _criterion("costing", pair_margins, ref, pairs.filter(pl.col("hs6").is_in(on_file)))
    status["tariff"] = st
    if margins is not None:
        frames.append((margins.rename({"tariff": "tariff_rate"}, strict=False).drop("margin", strict=False), "costing"))
    figures, _ = opportunity_tables()
    retail, status["margin"] = retail_margins(ref, pairs, figures, sales=sales, on=on)
    base = base.join(
        retail.select("product", "market", "retail_price", "retail_currency", "price_basis", "margin_flag"),
        on=["product", "market"],
        how="left",
    )
    frames.append(
        (
            retail.filter(pl.col("margin_pct").is_not_null()).select(
                "product", "market", "margin_pct", pl.col("margin_conf").alias("confidence")
            ),
            "retail",
        )
    )
    routes, st = _criterion("routing", cached_pair_routes, ref, pairs)
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
        out = out.join(
            sel.rename({c: f"{c}__new" for c in sel.columns if c not in ("product", "market")}),
            on=["product", "market"],
            how="left",
        )
        for c in cols:
            name = EXTRA_COLUMNS[c]
            new = pl.col(f"{name}__new")
            if name in out.columns:
                out = out.with_columns(
                    pl.when(new.is_not_null())
                    .then(pl.col(f"{name}_conf__new"))
                    .otherwise(pl.col(f"{name}_conf"))
                    .alias(f"{name}_conf"),
                    pl.coalesce(new, pl.col(name)).alias(name),
                )
            else:
                out = out.with_columns(new.alias(name), pl.col(f"{name}_conf__new").alias(f"{name}_conf"))
            if name == "margin":
                out = out.with_columns(
                    margin_flag=pl.when(pl.col("margin").is_not_null()).then(None).otherwise(pl.col("margin_flag"))
                )
            if origin != "retail":  # retail's own status says how many pairs have a typical price
                status[name] = f"ok ({origin})"
        out = out.drop([c for c in out.columns if c.endswith("__new")])
    for key in ("tariff", "route_cost", "route_days"):
        if status.get(key) == "ok":  # the adapter ran but did not deliver this criterion
            status[key] = "not provided"
    off_file = sorted(set(pairs.filter(~pl.col("hs6").is_in(on_file))["hs6"].to_list()))
    if off_file:
        status["tariff"] += f"; none for HS {', '.join(off_file)} (no costing rule on file)"
    return out


# ---------------------------------------------------------------------------- trade data


def trade_indicators(
    store: Store,
    markets: pl.DataFrame,
    products: pl.DataFrame,
    *,
    engine: str = "duckdb",
    year: int | None = None,
    session: Any = None,
) -> tuple[pl.DataFrame | None, dict[str, Any]]:
    """Pair indicators from the store's trade flows on DuckDB or Spark; (None, info) when none are loaded."""
    years = trade.trade_years(store)
    info: dict[str, Any] = {"engine": engine, "years": years}
    if not years:
        info["engine"] = "none (no trade data loaded)"
        return None, info
    year = year or years[-1]
    info["year"] = year
    codes = trade.country_codes(store)
    if engine == "spark":
        flows, countries = trade.spark_flows(store, session or spark_session())
    else:
        flows, countries = trade.flows_table(store), trade.countries_table(store)
    importers = [codes[c] for c in markets["iso3"].to_list() if c in codes]
    hs = sorted(
        {int(h) for h in products["hs6"].drop_nulls().str.replace_all(r"\D", "").str.slice(0, 6).to_list() if h}
    )
    # a store without China among its countries has no Chinese exports: code -1 matches no row
    expr = pair_indicators(flows, codes.get("CHN", -1), year, importers=importers, products=hs)
    frame = pl.from_arrow(named_pairs(expr, countries).to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    code = markets.select(pl.col("iso3").alias("importer"), pl.col("iso2").alias("market"))
    return frame.join(code, on="importer", how="inner"), info


def _apply_trade(base: pl.DataFrame, trade_frame: pl.DataFrame, info: dict[str, Any]) -> pl.DataFrame:
    tf = trade_frame.select(
        "market",
        "hs6",
        pl.col("import_value_usd").alias("t_demand"),
        pl.col("import_growth").alias("t_growth"),
        pl.col("exporter_share").alias("t_share"),
        pl.col("rca").alias("t_rca"),
        pl.col("potential_usd").alias("t_potential"),
        pl.col("exporter_value_usd").alias("t_realised"),
        pl.col("untapped_usd").alias("t_unrealised"),
        pl.col("supply_share").alias("t_supply"),
    )
    out = base.join(tf, on=["market", "hs6"], how="left")
    has = pl.col("t_demand").is_not_null()
    basis = f"EPI supply x demand x ease from trade data {info.get('year')}"
    return out.with_columns(
        demand=pl.when(has).then(pl.col("t_demand")).otherwise(pl.col("demand")),
        demand_conf=pl.when(has).then(pl.lit("likely")).otherwise(pl.col("demand_conf")),
        demand_proxy=pl.when(has).then(pl.lit(False)).otherwise(pl.col("demand_proxy")),
        growth=pl.col("t_growth"),
        growth_conf=pl.when(pl.col("t_growth").is_not_null()).then(pl.lit("likely")),
        china_share=pl.when(has).then(pl.col("t_share")).otherwise(pl.col("china_share")),
        china_share_conf=pl.when(has).then(pl.lit("likely")).otherwise(pl.col("china_share_conf")),
        rca=pl.col("t_rca"),
        rca_conf=pl.when(pl.col("t_rca").is_not_null()).then(pl.lit("likely")),
        potential_usd=pl.when(has).then(pl.col("t_potential")).otherwise(pl.col("potential_usd")),
        potential_basis=pl.when(has).then(pl.lit(basis)).otherwise(pl.col("potential_basis")),
        potential_conf=pl.when(has).then(pl.lit("likely")).otherwise(pl.col("potential_conf")),
        supply_share=pl.when(has).then(pl.col("t_supply")).otherwise(pl.col("supply_share")),
        line=pl.when(has).then(pl.col("hs6")).otherwise(pl.col("line")),
        realised_usd=pl.when(has).then(pl.col("t_realised")).otherwise(pl.col("realised_usd")),
        realised_conf=pl.when(has).then(pl.lit("likely")).otherwise(pl.col("realised_conf")),
        realised_basis=pl.when(has)
        .then(pl.lit(f"China's exports to the market in trade data {info.get('year')}"))
        .otherwise(pl.col("realised_basis")),
        unrealised_usd=pl.when(has).then(pl.col("t_unrealised")).otherwise(pl.col("unrealised_usd")),
    ).drop("t_demand", "t_growth", "t_share", "t_rca", "t_potential", "t_realised", "t_unrealised", "t_supply")


# ---------------------------------------------------------------------------- use case


@dataclass(frozen=True, kw_only=True)
class OpportunityResult:
    """The headline (export potential in USD per line x market, :mod:`qiankua.opportunity.potential`) and
    the multi-criteria second view (``ranking`` / ``entries``, with the product view of product-level
    criteria)."""

    ranking: Ranking
    entries: list[dict[str, Any]]
    indicator_status: dict[str, str]
    trade: dict[str, Any]
    lang: str = "en"
    notes: list[str] = field(default_factory=list)
    potential: pl.DataFrame = field(default_factory=pl.DataFrame)
    not_estimated: pl.DataFrame = field(default_factory=pl.DataFrame)
    products: pl.DataFrame = field(default_factory=pl.DataFrame)
    product_weights: dict[str, float] = field(default_factory=dict)
    top: int = 20

    def headline_rows(self) -> list[dict[str, Any]]:
        """The ``top`` lines x markets of largest potential, money rounded to whole USD."""
        rows = []
        for r in self.potential.head(self.top).iter_rows(named=True):
            row = dict(r)
            for key in ("potential_usd", "realised_usd", "unrealised_usd"):
                row[key] = None if row[key] is None else round(float(row[key]), 0)
            row["realised_share"] = None if row["realised_share"] is None else round(float(row["realised_share"]), 4)
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        pairs = self.ranking.table.height
        estimated = int(self.ranking.table["potential_usd"].is_not_null().sum()) if pairs else 0
        return {
            "ok": True,
            "headline": {
                "method": "ITC Export Potential Indicator: supply x demand x ease (docs/methods/opportunity.en.md)",
                "pairs_estimated": estimated,
                "pairs": pairs,
                "lines": self.headline_rows(),
                "not_estimated": self.not_estimated.to_dicts(),
            },
            "weights": self.ranking.weights,
            "weight_source": self.ranking.weight_source,
            "weighting": self.ranking.weighting,
            "weight_cap": self.ranking.weight_cap,
            "product_level": self.ranking.product_level,
            "product_weights": self.product_weights,
            "product_view": [
                {"product": r["product"], "score": round(float(r["product_score"]), 6), "rank": r["product_rank"]}
                for r in self.products.iter_rows(named=True)
            ],
            "unavailable": self.ranking.unavailable,
            "indicator_status": self.indicator_status,
            "trade_data": self.trade,
            "pairs": pairs,
            "stability_scope": self.ranking.stability_scope,
            "ranking": self.entries,
            "notes": self.notes,
        }


def _select(
    ref: ReferenceData, products: list[str] | None, markets: list[str] | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
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


@dataclass(frozen=True, slots=True)
class StoreReads:
    """What a ranking needs from the user's store, read in one short visit (:func:`read_store`): the trade
    indicators (None without trade data) with their info, and the user's sales rows (None without any)."""

    trade: pl.DataFrame | None
    trade_info: dict[str, Any]
    sales: pl.DataFrame | None


def read_store(
    store: Store, products: pl.DataFrame, markets: pl.DataFrame, *, engine: str = "duckdb", session: Any = None
) -> StoreReads:
    """Everything :func:`build_pairs` reads from ``store``; the store can be closed once this returns, so
    the computing (margins, routes, ranking: seconds) does not hold the file (imports wait for readers)."""
    frame, info = trade_indicators(store, markets, products, engine=engine, session=session)
    sales = store.frame("sales") if ("user", "sales") in store.tables() else None
    return StoreReads(trade=frame, trade_info=info, sales=sales)


# the tables read_store reads: the trade flows, their country codes, the user's sales
_READ_TABLES = ("user.trade_flows", "user.trade_countries", "user.sales")
# (store, version of those tables, the products' HS lines, the markets) -> what was read; bounded
_store_reads: BuildOnceCache[StoreReads] = BuildOnceCache(maxsize=32)


def read_store_file(path: Path, products: pl.DataFrame, markets: pl.DataFrame) -> StoreReads:
    """:func:`read_store` of the store file ``path`` on DuckDB, kept per version of the tables it reads
    (:func:`qiankua.store.database.table_version`) and the products' HS lines and markets asked for: a repeated
    ranking does not open the store (a connection costs tens of ms, more under load), an import of trade data
    or sales is seen by the next ranking, and an import of another table (products, quotes) keeps it unless
    it brings an HS line the ranking had not asked for."""
    # read before the visit: what the visit reads is at least as new as the key it is kept under
    stamp = table_version(path, *_READ_TABLES)
    # trade_indicators reads the set of the products' HS lines (a new product on a line already asked for is
    # the same read) and the markets in order
    lines = tuple(sorted(set(products["hs6"].drop_nulls().to_list())))
    key = (str(path), stamp, lines, tuple(markets.select("iso3", "iso2").iter_rows()))

    def visit() -> StoreReads:
        # a reader shares the file (store.locking), and only while it reads: an import waiting to write
        # (and the readers queued behind it) wait for this visit, not for the whole ranking
        with Store(path, read_only=True) as own:
            return read_store(own, products, markets)

    reads = _store_reads.get(key, visit)
    return replace(reads, trade_info=copy.deepcopy(reads.trade_info))  # the frames are never written in place


def build_pairs(
    ref: ReferenceData,
    products: pl.DataFrame,
    markets: pl.DataFrame,
    *,
    store: Store | None = None,
    engine: str = "duckdb",
    met: frozenset[str] = frozenset(),
    on: dt.date | None = None,
    extra: pl.DataFrame | None = None,
    session: Any = None,
    reads: StoreReads | None = None,
) -> tuple[pl.DataFrame, dict[str, str], dict[str, Any]]:
    """The pairs with every indicator. ``reads``: what was read from the user's store (:func:`read_store`),
    else it is read from ``store`` here (None for neither: built-in figures only)."""
    if reads is None and store is not None:
        reads = read_store(store, products, markets, engine=engine, session=session)
    figures, requirements = opportunity_tables()
    base = default_indicators(products, markets, figures)
    status = {
        "demand": "built-in cited figures + population proxy",
        "growth": "needs trade data (BACI/Comtrade)",
        "china_share": "built-in (tea only, partial year)",
        "rca": "needs trade data (BACI/Comtrade)",
        "province_rca": "needs provincial export data",
        "ecommerce_rank": "UNCTAD B2C rank (markets table)",
        "culture": "ICH / GI (products table)",
        "compliance": "market_entry_requirements table",
    }
    trade_info: dict[str, Any] = {"engine": "none (no store)"}
    if reads is not None:
        trade_info = reads.trade_info
        if reads.trade is not None:
            base = _apply_trade(base, reads.trade, trade_info)
            for k in ("demand", "growth", "china_share", "rca"):
                status[k] = f"trade data {trade_info.get('year')} ({trade_info['engine']})"
    base = _with_extra(base, extra, status, ref, sales=reads.sales if reads else None, on=on)
    applicable = applicable_requirements(products, markets, requirements, on=on, met=met)
    comp = pair_compliance(applicable)
    blockers = (
        applicable.filter((pl.col("severity") == "blocker") & ~pl.col("met"))
        .group_by("product", "market")
        .agg(blocker_texts=pl.struct("requirement", "authority", "confidence"))
    )
    pairs = (
        base.join(comp, on=["product", "market"], how="left")
        .join(blockers, on=["product", "market"], how="left")
        .with_columns(
            pl.col("blockers").fill_null(0),
            pl.col("compliance_burden").fill_null(0.0),
            pl.col("requirements_n").fill_null(0),
        )
        .rename({"compliance_burden": "compliance"})
    )
    # a market the requirements table does not cover has unknown burden, not zero burden
    covered = _covered_markets(requirements, markets)
    pairs = pairs.with_columns(
        compliance=pl.when(pl.col("market").is_in(covered)).then(pl.col("compliance")),
        compliance_conf=pl.when(pl.col("market").is_in(covered)).then(pl.lit("likely")),
    )
    pairs = pairs.with_columns(_applicable_key=pl.concat_str("product", "market", separator="|"))
    return pairs, status, {**trade_info, "applicable": applicable}


def opportunities(
    db: Path | None = None,
    *,
    products: list[str] | None = None,
    markets: list[str] | None = None,
    weights: str | dict[str, float] | None = None,
    top: int = 20,
    engine: str = "duckdb",
    met: list[str] | None = None,
    on: dt.date | None = None,
    lang: str = "en",
    samples: int = 400,
    seed: int = 0,
    extra: pl.DataFrame | None = None,
    ref: ReferenceData | None = None,
    store: Store | None = None,
    session: Any = None,
    weighting: str = DEFAULT_WEIGHTING,
    weight_cap: float = DEFAULT_WEIGHT_CAP,
) -> OpportunityResult:
    """Rank product x market pairs (see the module docstring). ``top`` = entries returned and the k of stability.

    Without ``ref``, the products are the built-in ones plus the user's own in ``db`` (a user's product
    replaces a built-in one of the same id); each entry says whose product it is (``product_source``).
    """
    if engine not in ENGINES:
        raise InvalidInputError(f"Expected --engine duckdb or spark, got {engine!r}.")
    if top < 1:
        raise InvalidInputError(f"--top must be at least 1, got {top}.")
    check_weighting(weighting, weight_cap)
    user_w = parse_weights(weights)
    path = Path(db) if db is not None else default_db_path()
    catalogue = Catalogue(ref=ref) if ref is not None else user_catalogue(path)
    ref = catalogue.ref
    prods, mkts = _select(ref, products, markets)
    reads = None
    if store is not None:
        reads = read_store(store, prods, mkts, engine=engine, session=session)
    elif path.is_file():  # rank from trade data if the user's database holds some; never create one
        if engine == "duckdb" and session is None:
            reads = read_store_file(path, prods, mkts)
        else:  # a Spark session reads its own copy: not kept
            with Store(path, read_only=True) as own:
                reads = read_store(own, prods, mkts, engine=engine, session=session)
    pairs, status, info = build_pairs(
        ref, prods, mkts, engine=engine, met=frozenset(met or ()), on=on, extra=extra, session=session, reads=reads
    )
    applicable: pl.DataFrame = info.pop("applicable")
    why = {name: text for name, text in status.items() if not text.startswith("ok")}  # ok: ran, no value here
    ranking = rank_pairs(
        pairs,
        user_weights=user_w,
        top_k=top,
        samples=samples,
        seed=seed,
        why_unavailable=why,
        weighting=weighting,
        weight_cap=weight_cap,
    )
    view, product_weights = product_view(pairs, ranking, user_weights=user_w)
    entries = _entries(ranking, applicable, top, lang)
    for entry in entries:
        entry["product_source"] = "user" if entry["product"] in catalogue.user_ids else "built-in"
    notes = [t("opportunity.note.baci", lang)]
    ranked = set(prods["id"].to_list())
    for product_id in sorted(catalogue.replaced_ids & ranked):
        notes.append(str((catalogue.describe(product_id) or {})["note_zh" if lang == "zh" else "note_en"]))
    if ranking.product_level:
        names = ", ".join(t(f"opportunity.crit.{c}", lang) for c in ranking.product_level)
        notes.append(t("opportunity.note.product_level", lang, names=names))
    return OpportunityResult(
        ranking=ranking,
        entries=entries,
        indicator_status=status,
        trade=info,
        lang=lang,
        notes=notes,
        potential=headline(pairs),
        not_estimated=not_estimated(pairs),
        products=view,
        product_weights=product_weights,
        top=top,
    )


def _margin_entry(row: dict[str, Any], lang: str) -> dict[str, Any]:
    value = row.get("margin")
    if value is None:
        flag = row.get("margin_flag") or NO_PRICE
        texts = {k: t("opportunity.margin.no_price", k) if flag == NO_PRICE else flag for k in ("zh", "en")}
        return {
            "available": False,
            "value": None,
            "flag": texts[lang] if lang in texts else texts["en"],
            "flag_zh": texts["zh"],
            "flag_en": texts["en"],
        }
    return {
        "available": True,
        "value": round(float(value), 4),
        "retail_price": row.get("retail_price"),
        "currency": row.get("retail_currency"),
        "basis": row.get("price_basis") or "user-supplied margin",
        "confidence": row.get("margin_conf"),
    }


def _entries(ranking: Ranking, applicable: pl.DataFrame, top: int, lang: str) -> list[dict[str, Any]]:
    reqs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    head = ranking.table.head(top)
    wanted = set(zip(head["product"].to_list(), head["market"].to_list(), strict=True))
    for r in applicable.iter_rows(named=True):
        key = (r["product"], r["market"])
        if key in wanted:
            reqs.setdefault(key, []).append(
                {k: r[k] for k in ("req_id", "severity", "authority", "requirement", "url", "confidence", "met")}
            )
    out = []
    for i, row in enumerate(head.iter_rows(named=True)):
        reasons = explain(ranking, i)
        proxies = [c for c in ranking.criteria if row.get(f"{c}_proxy")]
        confs = [row.get(f"{c}_conf") for c in ranking.criteria]
        out.append(
            {
                "rank": row["rank"],
                "product": row["product"],
                "market": row["market"],
                "score": round(float(row["score"]), 6),
                "potential_usd": None if row.get("potential_usd") is None else round(float(row["potential_usd"]), 0),
                "potential_basis": row.get("potential_basis"),
                "realised_usd": None if row.get("realised_usd") is None else round(float(row["realised_usd"]), 0),
                "unrealised_usd": None if row.get("unrealised_usd") is None else round(float(row["unrealised_usd"]), 0),
                "feasible": bool(row["feasible"]),
                "stability": round(float(row["stability"]), 4),
                "confidence": worst(*confs),
                "proxy_indicators": proxies,
                "margin": _margin_entry(row, lang),
                "reasons": [r.to_dict(lang) for r in reasons],
                "requirements": sorted(
                    reqs.get((row["product"], row["market"]), []),
                    key=lambda q: (SEVERITY_ORDER.index(q["severity"]), q["req_id"]),
                ),
            }
        )
    return out


__all__ = [
    "ENGINES",
    "NO_PRICE",
    "OpportunityResult",
    "StoreReads",
    "build_pairs",
    "cached_pair_routes",
    "opportunities",
    "opportunity_tables",
    "read_store",
    "read_store_file",
    "trade_indicators",
]
