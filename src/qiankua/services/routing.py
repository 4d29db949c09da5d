"""Route planning use cases: load the routing tables, user quotes and FX, call the pure engine.

Sea distances are not computed at query time: ``scripts/build_route_data.py`` computed
them once with searoute 1.6.0 and they ship in ``route_links.csv`` (distance_source
"computed with searoute 1.6.0").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from qiankua.domain import Product
from qiankua.exceptions import DatasetIntegrityError, InvalidInputError
from qiankua.routing import Exclusion, Network, Profile, RouteResult, Weights, build_network, plan
from qiankua.services.buildcache import BuildOnceCache
from qiankua.vocabulary import ROUTING_SERVICE

__all__ = [
    "PAIR_ROUTE_SCHEMA",
    "fx_table",
    "load_network",
    "load_tables",
    "logistics_for_quote",
    "network_on",
    "network_with_quotes",
    "pair_routes",
    "quotes_frame",
    "route",
]

_SPINE = ("divisions", "hubs", "markets")
_ROUTING = (
    "route_nodes",
    "route_markets",
    "route_access",
    "route_links",
    "freight_rates",
    "route_emission_factors",
    "route_dwell_times",
    "route_params",
    "route_service_rules",
)
DATA_DIR = Path(__file__).resolve().parents[1] / "reference" / "data"


def load_tables(data_dir: Path | str | None = None, *, validate: bool = True) -> dict[str, pl.DataFrame]:
    """The routing tables plus divisions/hubs/markets as polars frames.

    With ``validate`` each routing table is checked against its spec (types, choices, keys);
    a bad table raises :class:`DatasetIntegrityError` naming file, row and column. Without it the
    tables are read as text (fast start for benchmarks; the engine parses numbers itself).
    """
    base = Path(data_dir or DATA_DIR)
    tables: dict[str, pl.DataFrame] = {}
    for name in _SPINE:
        tables[name] = pl.read_csv(base / f"{name}.csv", infer_schema=False)
    tables["divisions"] = tables["divisions"].with_columns(
        pl.col("lon").cast(pl.Float64), pl.col("lat").cast(pl.Float64)
    )
    tables["hubs"] = tables["hubs"].with_columns(pl.col("lon").cast(pl.Float64), pl.col("lat").cast(pl.Float64))
    issues = []
    if validate:
        from qiankua.reference.loader import parse_table
        from qiankua.routing.tables import ROUTING_TABLES

        for name, spec in ROUTING_TABLES.items():
            frame, found = parse_table(spec, base / f"{name}.csv")
            issues.extend(found)
            tables[name] = frame
    else:
        for name in _ROUTING:
            tables[name] = pl.read_csv(base / f"{name}.csv", infer_schema=False)
    if issues:
        raise DatasetIntegrityError(f"Routing tables in {base} failed validation ({len(issues)} issues):", issues)
    return tables


def fx_table(on: dt.date, currencies: tuple[str, ...] = ("USD", "EUR"), db: Path | None = None) -> dict[str, float]:
    """CNY per unit of each currency on ``on`` under the one FX policy (:mod:`qiankua.fx`; a day
    past the newest rate uses it). A currency with no rate on the day raises."""
    from qiankua.services.fx import fx_book

    book = fx_book(db)
    out = {}
    for cur in currencies:
        if cur == "CNY":
            continue
        rate = book.rate(cur, on).cny_per_unit
        if rate is None:
            raise InvalidInputError(
                f"No FX rate for {cur} on {on}; import one with `qiankua data import FILE --table fx_rates`."
            )
        out[cur] = rate
    return out


def quotes_frame(db: Path | None) -> pl.DataFrame | None:
    """The user's imported freight quotes (``user.freight_quotes``), or None when there is no database.

    Read once per version of that table (:func:`qiankua.store.database.table_version`, as the catalogue and
    FX caches do): a route request does not open the store, and an import of quotes is seen at once."""
    if db is None or not Path(db).exists():
        return None
    from qiankua.store.database import table_version

    try:
        stamp = table_version(db, "user.freight_quotes")
    except FileNotFoundError:  # removed since the check above
        return None
    return _quotes_at(str(db), stamp)


@lru_cache(maxsize=32)  # a few versions of each organisation's store a server works on
def _quotes_at(db: str, stamp: int) -> pl.DataFrame | None:
    from qiankua.store import Store

    with Store(db, read_only=True) as store:
        frame = store.frame("freight_quotes")
    return frame if frame.height else None


# one network per day asked for: today's, and the dates a request names (``on``), so bounded
@lru_cache(maxsize=8)
def _cached_network(on: dt.date) -> Network:
    return load_network(on=on)


def network_on(day: dt.date) -> Network:
    """The network on ``day`` with the built-in rates only (built once per day and kept)."""
    return _cached_network(day)


# the tables a network with the user's quotes reads from their store: the quotes and the FX rates they are
# converted at (the user's own and the fetched ECB history, as :func:`qiankua.services.fx.fx_book`)
_QUOTE_NETWORK_TABLES = ("user.freight_quotes", "user.fx_rates", "meta.fx_ecb")
# (store, day, version of those tables) -> (network, the quotes it had to skip), ~2 MB each; a few organisations,
# a few days each: bounded
_quote_networks: BuildOnceCache[tuple[Network, tuple[Exclusion, ...]]] = BuildOnceCache(maxsize=32)


def network_with_quotes(db: Path | str | None, day: dt.date) -> tuple[Network, tuple[Exclusion, ...]]:
    """The network on ``day`` with the user's freight quotes in store ``db`` applied, and one
    :class:`Exclusion` for each quote it cannot use (:func:`screen_quotes`); the built-in network
    (:func:`network_on`) and no exclusion when ``db`` holds no quotes (or is None or missing).

    Built once per (store, day, version of the quotes and FX tables) and kept (bounded): a repeated request
    reuses it and an import of quotes or rates is seen by the next one. The network is shared by every
    request that asks for it, so its arrays are made read-only (the planner only reads them)."""
    if db is None or not Path(db).is_file():
        return _cached_network(day), ()
    from qiankua.store.database import table_version

    try:
        # read before the data: what the build then reads is at least as new as the key it is kept under
        stamp = table_version(db, *_QUOTE_NETWORK_TABLES)
    except FileNotFoundError:  # removed since the check above
        return _cached_network(day), ()
    return _quote_networks.get((str(db), day, stamp), lambda: _build_with_quotes(Path(db), day))


def _build_with_quotes(db: Path, day: dt.date) -> tuple[Network, tuple[Exclusion, ...]]:
    quotes = quotes_frame(db)
    if quotes is None:
        return _cached_network(day), ()
    _, skipped = screen_quotes(quotes, day, db)
    network = load_network(on=day, db=db, quotes=quotes)
    _read_only(network)
    return network, skipped


def _read_only(network: Network) -> None:
    """Make the network's arrays read-only: an in-place write by a request into a shared network raises."""
    arrays = [network.cold_ok, network.tails, network.heads, *network.params.values()]
    arrays += [*network.market_edges.values(), *(r["mask"] for r in network.rules if "mask" in r)]
    for array in arrays:
        if isinstance(array, np.ndarray):
            array.flags.writeable = False


@cache
def _places(data_dir: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(node ids of the network — divisions, hubs, route nodes —, markets it delivers to)."""
    nodes: set[str] = set()
    for name, column in (("divisions", "adcode"), ("hubs", "hub_id"), ("route_nodes", "node_id")):
        nodes |= set(pl.read_csv(data_dir / f"{name}.csv", infer_schema=False)[column].to_list())
    markets = set(pl.read_csv(data_dir / "route_markets.csv", infer_schema=False)["iso2"].to_list())
    return frozenset(nodes), frozenset(markets)


def screen_quotes(
    quotes: pl.DataFrame, day: dt.date, db: Path | None = None, data_dir: Path | None = None
) -> tuple[pl.DataFrame, tuple[Exclusion, ...]]:
    """The user's quotes the router can use, and one :class:`Exclusion` naming each it cannot (an origin
    or destination it does not know, a currency with no rate on ``day``), so one bad row stored before
    the import checks existed never fails a whole request."""
    from qiankua.services.fx import fx_book

    nodes, markets = _places(Path(data_dir or DATA_DIR))
    book = fx_book(db)
    skipped: list[Exclusion] = []
    keep: list[int] = []
    for i, q in enumerate(quotes.iter_rows(named=True)):
        origin, dest, cur = (str(q.get(c) or "").strip() for c in ("origin", "destination", "currency"))
        problem: tuple[str, str] | None = None
        if origin not in nodes:
            problem = (f"unknown origin {origin!r}", f"起运地 {origin!r} 不在路网中")
        elif dest not in nodes and dest.upper() not in markets:
            problem = (f"unknown destination {dest!r}", f"目的地 {dest!r} 不在路网中")
        elif cur != "CNY" and (cur not in book.currencies or book.rate(cur, day).cny_per_unit is None):
            problem = (f"no FX rate for {cur} on {day}", f"{day} 没有 {cur} 的汇率")
        if problem is None:
            keep.append(i)
            continue
        skipped.append(
            Exclusion(
                service=f"quote:{q.get('quote_id')}",
                mode=str(q.get("mode") or ""),
                rule_id="user_quote_unusable",
                reason_en=f"your freight quote {q.get('quote_id')} was skipped: {problem[0]}",
                reason_zh=f"已跳过您的运价报价 {q.get('quote_id')}：{problem[1]}",
            )
        )
    return (quotes if not skipped else quotes[keep]), tuple(skipped)


def load_network(
    *,
    on: dt.date | None = None,
    db: Path | None = None,
    quotes: pl.DataFrame | None = None,
    data_dir: Path | None = None,
    validate: bool = True,
) -> Network:
    """The network on ``on`` (default today) with the user's freight quotes applied (those it cannot
    use are left out: see :func:`screen_quotes`)."""
    day = on or dt.date.today()
    tables = load_tables(data_dir, validate=validate)
    q = quotes if quotes is not None else quotes_frame(db)
    if q is not None:
        q, _ = screen_quotes(q, day, db, data_dir)
    currencies = set(tables["freight_rates"]["currency"].to_list())
    if q is not None:
        currencies |= set(q["currency"].to_list())
    currencies.discard("CNY")
    return build_network(tables, fx=fx_table(day, tuple(sorted(currencies)), db), on=day, quotes=q)


def route(
    origin: str,
    market: str,
    *,
    weight_kg: float,
    volume_m3: float | None = None,
    pieces: int | None = None,
    product_id: str | None = None,
    b2b: bool = False,
    db: Path | None = None,
    on: dt.date | None = None,
    weights: Weights = Weights(),
    ref: Any = None,
) -> RouteResult:
    """``qiankua route``: Pareto routes from a county to a market for a shipment (and product).

    ``product_id`` is looked up in ``ref`` when given (the catalogue with the user's products,
    :func:`qiankua.services.products.user_catalogue`), else among the user's products in ``db`` and the
    built-in ones."""
    if weight_kg is None or weight_kg <= 0:
        raise InvalidInputError(f"Expected a positive `--weight-kg`, got {weight_kg}.")
    if product_id:
        from qiankua.services.products import user_catalogue

        product = (ref or user_catalogue(db).ref).product(product_id)
        profile = Profile.for_product(product, weight_kg=weight_kg, volume_m3=volume_m3, pieces=pieces, b2b=b2b)
    else:
        profile = Profile(weight_kg=weight_kg, volume_m3=volume_m3 or 0.0, pieces=pieces or 1, b2b=b2b)
    # built once per version of the user's quotes and kept (never rebuilt and re-validated per request)
    network, skipped = network_with_quotes(db, on or dt.date.today())
    result = plan(network, origin, market, profile, weights=weights)
    return replace(result, excluded=result.excluded + skipped) if skipped else result


# ------------------------------------------------------------------------------ for other engines

PAIR_WEIGHT_KG = 300.0  # a pallet-sized B2B consignment, the demo's representative shipment


#: the columns of :func:`pair_routes` (the ranking's route criteria per product and market)
PAIR_ROUTE_SCHEMA: dict[str, Any] = {
    "product": pl.String,
    "market": pl.String,
    "route_cost_cny_per_kg": pl.Float64,
    "route_days": pl.Float64,
    "confidence": pl.String,
}


def pair_routes(
    ref: Any, pairs: pl.DataFrame, *, weight_kg: float = PAIR_WEIGHT_KG, on: dt.date | None = None
) -> pl.DataFrame:
    """Route indicators for ``opportunity``: one row per (product, market) in ``pairs``.

    Each product ships ``weight_kg`` from its origin county with its own flags (alcohol, fresh …);
    the recommended route's cost per kg and door-to-door days are returned, with the worst
    confidence of the rates behind them (``unconfirmed`` where rates are estimates).
    Columns: ``product, market, route_cost_cny_per_kg, route_days, confidence``.
    """
    from qiankua.routing import all_pairs

    network = _cached_network(on or dt.date.today())
    rows: list[pl.DataFrame] = []
    for product_id, group in pairs.group_by("product", maintain_order=True):
        product = ref.product(str(product_id[0]))
        profile = Profile.for_product(product, weight_kg=weight_kg)
        markets = [m for m in group["market"].unique().to_list() if m in network.delivery]
        if not markets:
            continue
        summary = all_pairs(network, {"p": profile}, markets=markets, counties=[product.origin_adcode])
        rows.append(
            summary.select(
                pl.lit(product.id).alias("product"),
                "market",
                (pl.col("rec_cost_cny") / weight_kg).alias("route_cost_cny_per_kg"),
                pl.col("rec_days").alias("route_days"),
            )
        )
    if not rows:
        return pl.DataFrame(schema=PAIR_ROUTE_SCHEMA)
    # built-in rates are flagged estimates (see freight_rates.csv); user quotes are not used here
    return pl.concat(rows).with_columns(pl.lit("unconfirmed").alias("confidence"))


# costing's --service names -> routing's main-leg preference: the one table, in qiankua.vocabulary
COSTING_SERVICE_TO_PREFERENCE = ROUTING_SERVICE


def logistics_for_quote(
    *,
    origin: str,
    market: str,
    weight_kg: float,
    volume_m3: float,
    pieces: int | None,
    product_id: str | None,
    service: str | None,
    on: dt.date,
    b2b: bool = False,
    product: Product | None = None,
) -> dict[str, Any]:
    """Door-to-door logistics of one consignment for ``costing`` (CNY for the whole consignment).

    ``product``: the record of ``product_id`` when the caller has it (a user's product); else
    ``product_id`` is looked up among the built-in products.

    Returns the routing columns (``first_mile_cny, line_haul_cny, last_mile_cny, logistics_cny,
    days, kg_co2e, route_label, main_mode, confidence, logistics_source, feasible``).
    Memoised: the network is fixed per date, so the same consignment always gets the same route
    (a quote server asked the same question many times plans it once).
    """
    if product is None and product_id:
        from qiankua.reference import load_reference

        product = load_reference().product(product_id)
    return dict(
        _logistics_for_quote(
            origin, market, round(weight_kg, 6), round(volume_m3, 9), pieces, product, service, on, b2b
        )
    )


@lru_cache(maxsize=4096)
def _logistics_for_quote(
    origin: str,
    market: str,
    weight_kg: float,
    volume_m3: float,
    pieces: int | None,
    product: Product | None,
    service: str | None,
    on: dt.date,
    b2b: bool,
) -> dict[str, Any]:
    from qiankua.routing import logistics_costs

    network = _cached_network(on)
    row: dict[str, Any] = {
        "origin_adcode": network.county(origin),
        "market": market,
        "weight_kg": weight_kg,
        "volume_m3": volume_m3,
        "pieces": pieces,
        "b2b": b2b,
        "service_preference": COSTING_SERVICE_TO_PREFERENCE.get(service or "", "recommended"),
    }
    if product is not None:  # the record itself keys the cache: a user's product never takes a built-in's route
        profile = Profile.for_product(product, weight_kg=weight_kg, volume_m3=volume_m3, pieces=pieces, b2b=b2b)
        row.update(
            value_cny=profile.value_cny,
            liquid=profile.liquid,
            abv_pct=profile.abv_pct,
            battery=profile.battery,
            fresh=profile.fresh,
            cold_chain=profile.cold_chain,
            max_transit_days=profile.max_transit_days,
            fragile=profile.fragile,
        )
    result = logistics_costs(network, pl.DataFrame([row], infer_schema_length=None))
    return result.row(0, named=True)
