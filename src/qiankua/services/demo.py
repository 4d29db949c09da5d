"""``qiankua demo``: build the database, run every engine on the built-in inputs, write the reports.

Each engine joins the demo through one :class:`DemoEngine` row in :data:`DEMO_ENGINES`: a use
case run on the demo's inputs (store -> engine -> result, here) and the :mod:`qiankua.report`
function that turns that result into report sections. Engine services define no report layout.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.domain import Product
from qiankua.i18n import both
from qiankua.pooling import PoolResult
from qiankua.reference import ReferenceData, load_reference
from qiankua.report import Section, write_html, write_xlsx
from qiankua.report.costing import costing_sections
from qiankua.report.opportunity import DEMO_SAMPLES, DEMO_TOP, opportunity_sections
from qiankua.report.pooling import pooling_sections
from qiankua.report.region import region_sections
from qiankua.report.routing import routing_sections
from qiankua.report.sections import sources_section, spine_sections
from qiankua.report.summary import SUMMARY_KEY
from qiankua.routing import Network, Profile, RouteResult, plan
from qiankua.services import costing, opportunity, pooling, routing
from qiankua.services.data import build_database
from qiankua.store import Store

Step = Callable[[str], None]


# ---------------------------------------------------------------------------- the demo's use cases

COSTING_DATE = dt.date(2026, 8, 1)
COSTING_MARKETS = ("US", "DE", "FR", "GB", "JP", "AU", "SG", "MY", "TH", "ID", "MX", "BR")
# every market by postal parcel: a postal rate is on file for each (express rate cards are still missing)
COSTING_SERVICE = "postal"
ROUTING_PRODUCTS = (
    ("xiuwen-kiwifruit-fresh-5kg", 300.0),
    ("moutai-feitian-53-500ml", 300.0),
    ("zhengan-acoustic-guitar-41in", 300.0),
)
ROUTING_MARKETS = ("DE", "US", "VN", "SG", "GB")
POOLING_DATE = dt.date(2026, 11, 30)


@dataclass(frozen=True, kw_only=True)
class CatalogueQuotes:
    """The catalogue quoted as 9610 parcels via AliExpress in each market on ``on``, and the data coverage."""

    on: dt.date
    markets: tuple[str, ...]
    requests: pl.DataFrame
    quotes: pl.DataFrame
    coverage: costing.CoverageResult


def quote_catalogue(ref: ReferenceData, store: Store | None = None) -> CatalogueQuotes:
    """Every product in :data:`COSTING_MARKETS` at a list price of 3x its value, target margin 25%."""
    date = COSTING_DATE
    reqs = (
        ref.products.select(pl.col("id").alias("product_id"), "unit_value_cny")
        .join(pl.DataFrame({"market": list(COSTING_MARKETS)}), how="cross")
        .with_columns(
            mode=pl.lit("9610"),
            platform=pl.lit("aliexpress"),
            date=pl.lit(date),
            service=pl.lit(COSTING_SERVICE),
        )
    )
    rules = costing.compiled_rules(ref)
    fx = costing.fx_arrays(rules.currencies, date, date)
    ccy = dict(zip(rules.markets, rules.market_ccy, strict=True))
    # a list price of 3x the product's value, in the market's currency
    reqs = reqs.with_columns(
        price=pl.col("unit_value_cny")
        * 3
        / pl.col("market").replace_strict({m: float(fx[ccy[m]][0]) for m in COSTING_MARKETS}, return_dtype=pl.Float64),
        target_margin=pl.lit(0.25),
    ).drop("unit_value_cny")
    return CatalogueQuotes(
        on=date,
        markets=COSTING_MARKETS,
        requests=reqs,
        quotes=costing.quote_table(reqs, ref),
        coverage=costing.data_coverage(on=date, ref=ref),
    )


@dataclass(frozen=True, kw_only=True)
class RoutePlans:
    """Representative products from their counties to a few markets, planned on today's network."""

    network: Network
    plans: list[tuple[Product, str, RouteResult]]


def plan_routes(ref: ReferenceData, store: Store | None = None) -> RoutePlans:
    """Each of :data:`ROUTING_PRODUCTS` (300 kg) from its county to each of :data:`ROUTING_MARKETS`."""
    network = routing.network_on(dt.date.today())
    plans = []
    for product_id, kg in ROUTING_PRODUCTS:
        product = ref.product(product_id)
        profile = Profile.for_product(product, weight_kg=kg)
        for market in ROUTING_MARKETS:
            plans.append((product, market, plan(network, product.origin_adcode, market, profile)))
    return RoutePlans(network=network, plans=plans)


def rank_opportunities(ref: ReferenceData, store: Store | None = None) -> opportunity.OpportunityResult:
    """Every product x market pair, ranked with the store's trade data when it holds some."""
    return opportunity.opportunities(ref=ref, store=store, top=DEMO_TOP, lang="zh", samples=DEMO_SAMPLES)


@dataclass(frozen=True, kw_only=True)
class PoolPlan:
    """The built-in week of 25 exporters' cartons, pooled; ``seconds`` = planning time."""

    result: PoolResult
    seconds: float
    options: pl.DataFrame


def plan_pool(ref: ReferenceData, store: Store | None = None) -> PoolPlan:
    started = time.perf_counter()
    result = pooling.plan_file(pooling.DEMO_FILE, ref, time_limit_s=10.0, seed=1)
    took = time.perf_counter() - started
    options = pooling.load_inputs(ref, POOLING_DATE).options_frame()
    return PoolPlan(result=result, seconds=took, options=options)


@dataclass(frozen=True, kw_only=True)
class DemoEngine:
    """One engine in the demo: ``run`` (a use case) and ``sections`` (its report presentation)."""

    key: str  # the engine's name; its progress message is ``<key>.demo.step``
    run: Callable[[ReferenceData, Store], Any]
    sections: Callable[[ReferenceData, Any], list[Section]]


def evaluate_regions(ref: ReferenceData, store: Store | None = None) -> dict[str, Any] | None:
    """The provinces of the built-in panel, evaluated (None when the panel holds nothing to evaluate)."""
    from qiankua.exceptions import InvalidInputError
    from qiankua.services.region import evaluate_region

    try:
        return evaluate_region({"level": "province"}, None)
    except InvalidInputError as exc:  # the built-in panel is too thin to evaluate: say what it holds
        from qiankua.services.region import panel_coverage

        return {"unavailable": str(exc).splitlines()[0], "coverage": panel_coverage(ref)}


def plan_warehouse(ref: ReferenceData, store: Store | None = None) -> dict[str, Any]:
    """Every SKU x market of the bundled SYNTHETIC sample sales (9610 / 9810 / 9710 and the plan)."""
    from qiankua.services.warehouse import demo_plan

    return demo_plan()


def warehouse_report(ref: ReferenceData, doc: dict[str, Any]) -> list[Section]:
    from qiankua.report.warehouse import warehouse_sections

    return warehouse_sections(ref, doc)


def price_sample_orders(ref: ReferenceData, store: Store | None = None) -> dict[str, Any]:
    """The margin dashboard on the bundled SAMPLE order exports (made up), in a throw-away database."""
    from qiankua.services.orders import demo_margins

    return demo_margins(ref, store)


def orders_report(ref: ReferenceData, doc: dict[str, Any]) -> list[Section]:
    from qiankua.report.orders import orders_sections

    return orders_sections(ref, doc)


def check_sample_bonded(ref: ReferenceData, store: Store | None = None) -> dict[str, Any]:
    """The 1210 day's check on the built-in SAMPLE orders (made up), in a throw-away database."""
    from qiankua.services.bonded import demo_day

    return demo_day(ref, store)


def bonded_report(ref: ReferenceData, doc: dict[str, Any]) -> list[Section]:
    from qiankua.report.bonded import bonded_sections

    return bonded_sections(ref, doc)


DEMO_ENGINES = (
    DemoEngine(key="costing", run=quote_catalogue, sections=costing_sections),
    DemoEngine(key="routing", run=plan_routes, sections=routing_sections),
    DemoEngine(key="opportunity", run=rank_opportunities, sections=opportunity_sections),
    DemoEngine(key="pooling", run=plan_pool, sections=pooling_sections),
    DemoEngine(key="region", run=evaluate_regions, sections=region_sections),
    DemoEngine(key="warehouse", run=plan_warehouse, sections=warehouse_report),
    DemoEngine(key="orders", run=price_sample_orders, sections=orders_report),
    DemoEngine(key="bonded", run=check_sample_bonded, sections=bonded_report),
)


def engine_sections(
    ref: ReferenceData, store: Store, step: Step = lambda _key: None, engines: tuple[DemoEngine, ...] = DEMO_ENGINES
) -> list[Section]:
    """Run each engine's demo use case and present its result, in :data:`DEMO_ENGINES` order."""
    sections: list[Section] = []
    for engine in engines:
        step(f"{engine.key}.demo.step")
        sections.extend(engine.sections(ref, engine.run(ref, store)))
    return sections


# ---------------------------------------------------------------------------- qiankua demo


@dataclass(frozen=True, kw_only=True)
class DemoResult:
    html: Path
    xlsx: Path
    db: Path
    tables: dict[str, int]
    headlines: list[tuple[str, str]] = field(default_factory=list)
    recommendations: list[tuple[str, str]] = field(default_factory=list)  # (zh, en), best first
    sections: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": True,
            "html": str(self.html),
            "xlsx": str(self.xlsx),
            "db": str(self.db),
            "tables": self.tables,
            "sections": self.sections,
            "headlines": [{"label": k, "value": v} for k, v in self.headlines],
            "recommendations": [{"zh": zh, "en": en} for zh, en in self.recommendations],
        }


TOP_RECOMMENDATIONS = 5


def top_recommendations(sections: list[Section], limit: int = TOP_RECOMMENDATIONS) -> list[tuple[str, str]]:
    """The demo's top lines: the opportunity ranking's best pairs; without any, each engine's best
    recommendation in report order, then its next ones (the summary section restates the others, so it is
    skipped); at most ``limit`` in all."""
    pairs = [line for s in sections if s.key == "opportunity" for line in s.recommendations]
    if pairs:  # the best feasible product x market pairs (README, DESIGN.md set-up contract)
        return pairs[:limit]
    queues = [list(s.recommendations) for s in sections if s.key != SUMMARY_KEY and s.recommendations]
    out: list[tuple[str, str]] = []
    while queues and len(out) < limit:
        for queue in list(queues):
            if len(out) == limit:
                break
            out.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return out


def run_demo(db: Path | None, out_dir: Path, step: Step = lambda _key: None) -> DemoResult:
    step("demo.step.validate")
    ref = load_reference()
    step("demo.step.store")
    with Store(db) as store:
        counts = build_database(store, ref)
        db_path = store.path
        sections: list[Section] = spine_sections(ref)
        sections.extend(engine_sections(ref, store, step))
    step("demo.step.report")
    sections.append(sources_section(ref))
    from qiankua.report.summary import summary_section  # the one-page summary first (issue 20 item 9)

    sections.insert(0, summary_section(ref, sections))
    title = both("report.title")
    footer = both("report.footer")
    html = write_html(sections, out_dir / "report.html", title=title, footer=footer)
    xlsx = write_xlsx(sections, out_dir / "report.xlsx", title=title)
    headlines = [fig for s in sections for fig in s.figures]
    recommendations = top_recommendations(sections)
    return DemoResult(
        html=html,
        xlsx=xlsx,
        db=db_path,
        tables=counts,
        headlines=headlines,
        recommendations=recommendations,
        sections=[s.key for s in sections],
    )


__all__ = [
    "DEMO_ENGINES",
    "DemoEngine",
    "DemoResult",
    "engine_sections",
    "plan_pool",
    "plan_routes",
    "quote_catalogue",
    "rank_opportunities",
    "run_demo",
]
