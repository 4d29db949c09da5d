"""pydantic models of the REST API (the only place pydantic meets the HTTP boundary).

Row models for the reference and user tables are built from the same
:class:`~qiankua.schema.TableSpec` that the loader and importer use, so the API
documents exactly the columns the data have.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from qiankua.schema import PROVENANCE, REFERENCE_TABLES, USER_TABLES, TableSpec
from qiankua.services.requests import OPPORTUNITY_FIELDS, QUOTE_FIELDS, ROUTE_FIELDS
from qiankua.vocabulary import (
    FILE_FORMATS,
    IMPORT_MODES,
    IMPORT_TABLES,
    MODES,
    OPPORTUNITY_WEIGHTINGS,
    PLATFORMS,
    SERVICES,
    TRADE_BACKENDS,
)

_KIND_TYPES: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "decimal": float,  # JSON numbers; money keeps its currency in a sibling column
    "bool": bool,
    "date": dt.date,
    "datetime": dt.datetime,
}


@cache
def row_model(spec: TableSpec, prefix: str) -> type[BaseModel]:
    """A response model with one field per column of ``spec`` (required columns non-null)."""
    fields: dict[str, Any] = {}
    for col in spec.columns:
        base = _KIND_TYPES[col.kind]
        description = " / ".join(x for x in (col.zh, col.help_en or col.name) if x)
        if col.required:
            fields[col.name] = (base, Field(description=description))
        else:
            fields[col.name] = (base | None, Field(default=None, description=description))
    name = prefix + spec.name.title().replace("_", "") + "Row"
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


ProductRow = row_model(REFERENCE_TABLES["products"], "Ref")
MarketRow = row_model(REFERENCE_TABLES["markets"], "Ref")
DivisionRow = row_model(REFERENCE_TABLES["divisions"], "Ref")
HubRow = row_model(REFERENCE_TABLES["hubs"], "Ref")
SourceRow = row_model(PROVENANCE, "Ref")


def _enum(name: str, values: tuple[str, ...]) -> Any:
    """A string enum of a vocabulary (OpenAPI lists its values)."""
    return StrEnum(name, {value: value for value in values})


UserTable = _enum("UserTable", IMPORT_TABLES)
assert set(UserTable) == set(USER_TABLES)
FileFormat = _enum("FileFormat", FILE_FORMATS)
ImportMode = _enum("ImportMode", IMPORT_MODES)
Mode = Literal[MODES]  # type: ignore[valid-type]
Service = Literal[SERVICES]  # type: ignore[valid-type]
TradeBackend = Literal[TRADE_BACKENDS]  # type: ignore[valid-type]
Weighting = Literal[OPPORTUNITY_WEIGHTINGS]  # type: ignore[valid-type]


class RefTable(StrEnum):
    products = "products"
    markets = "markets"
    divisions = "divisions"
    hubs = "hubs"
    provenance = "provenance"


class DivisionLevel(StrEnum):
    province = "province"
    prefecture = "prefecture"
    county = "county"


# --------------------------------------------------------------------------- problems


class FieldError(BaseModel):
    """One invalid input: where (``query``, ``path``, ``body`` …), which field, and why."""

    location: str
    field: str
    message: str


class CellIssueOut(BaseModel):
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``); never a stack trace."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
    issues: list[CellIssueOut] = Field(default_factory=list)


# --------------------------------------------------------------------------- meta


class Health(BaseModel):
    ok: bool
    version: str
    multi_user: bool
    warm: bool = Field(
        default=True,
        description="start-up warm-up done (costing kernel loaded and the routing, ranking, import and "
        "per-store caches filled: services.warmup): requests at full speed; before that they are answered, "
        "more slowly",
    )


class ModuleInfo(BaseModel):
    name: str
    available: bool
    title_zh: str
    title_en: str


class Modules(BaseModel):
    modules: list[ModuleInfo]


class Figure(BaseModel):
    key: str
    label_zh: str
    label_en: str
    value: float


class Overview(BaseModel):
    figures: list[Figure]
    products_by_category: dict[str, int]
    counties_with_products: list[str]


class ProductList(BaseModel):
    count: int
    products: list[ProductRow]  # type: ignore[valid-type]


class MarketList(BaseModel):
    count: int
    markets: list[MarketRow]  # type: ignore[valid-type]


class DivisionList(BaseModel):
    count: int
    divisions: list[DivisionRow]  # type: ignore[valid-type]


class BoundaryProperties(BaseModel):
    model_config = ConfigDict(extra="allow")

    adcode: str = Field(description="county adcode, as in GET /divisions")
    name_zh: str
    name_en: str
    prefecture_adcode: str


class BoundaryGeometry(BaseModel):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(description="GeoJSON rings of [lon, lat] in WGS 84")


class BoundaryFeature(BaseModel):
    type: Literal["Feature"]
    properties: BoundaryProperties
    geometry: BoundaryGeometry


class CountyBoundaries(BaseModel):
    """GeoJSON FeatureCollection (RFC 7946) of the county polygons, simplified for maps."""

    model_config = ConfigDict(extra="allow")

    type: Literal["FeatureCollection"]
    source_id: str = Field(description="provenance row (GET /sources?table=divisions)")
    url: str
    features: list[BoundaryFeature]


class HubList(BaseModel):
    count: int
    hubs: list[HubRow]  # type: ignore[valid-type]


class SourceList(BaseModel):
    count: int
    sources: list[SourceRow]  # type: ignore[valid-type]


# --------------------------------------------------------------------------- data


class TableInfo(BaseModel):
    table: str
    rows: int


class TableList(BaseModel):
    org: str
    tables: list[TableInfo]


class ImportOut(BaseModel):
    ok: bool
    table: str
    file: str
    sha256: str
    mode: str
    rows_written: int
    sheets: list[str]
    encoding: str | None = None
    skipped_sheets: list[str]
    ignored_columns: list[str]


class ValidateOut(BaseModel):
    ok: bool
    table: str
    file: str
    rows: int
    issues: list[CellIssueOut]


class RowsOut(BaseModel):
    org: str
    table: str
    total: int
    rows: list[dict[str, Any]]


# --------------------------------------------------------------------------- accounts


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Me(BaseModel):
    username: str
    org: str
    multi_user: bool


class LoginOut(Me):
    session: str


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class TokenOut(BaseModel):
    token_id: str
    name: str
    created_at: str


class TokenCreated(TokenOut):
    token: str = Field(description="the secret; shown once, send as `Authorization: Bearer <token>`")


class TokenList(BaseModel):
    tokens: list[TokenOut]


class Ok(BaseModel):
    ok: bool


# --------------------------------------------------------------------------- engines


class QuoteIn(BaseModel):
    """One landed-cost quote: a catalogue product (``product_id``) or an HS code with a declared value."""

    model_config = ConfigDict(extra="forbid")

    market: str = Field(pattern=r"^[A-Za-z]{2}$", description="destination, ISO 3166 alpha-2")
    product_id: str | None = Field(default=None, max_length=80, description="catalogue id (GET /catalogue)")
    hs6: str | None = Field(default=None, pattern=r"^\d{6}$", description="HS code, 6 digits (without product_id)")
    declared_value: float | None = Field(default=None, gt=0, le=10_000_000, description="with hs6; positive")
    value_currency: str = Field(default=QUOTE_FIELDS["value_currency"], pattern=r"^[A-Z]{3}$")
    gross_kg: float | None = Field(default=None, gt=0, le=10_000, description="gross weight of one unit, kg; positive")
    dims: str | None = Field(
        default=None,
        max_length=40,
        pattern=r"^\s*\d+(\.\d+)?\s*[x×]\s*\d+(\.\d+)?\s*[x×]\s*\d+(\.\d+)?\s*$",
        description="carton of one unit, LxWxH in cm (e.g. 30x20x10): volume weight",
    )
    quantity: int = Field(default=QUOTE_FIELDS["quantity"], ge=1, le=1_000_000, description="units, at least 1")
    mode: Mode = Field(default=QUOTE_FIELDS["mode"], description="customs mode")
    service: Service = Field(default=QUOTE_FIELDS["service"])
    platform: str = Field(
        default=QUOTE_FIELDS["platform"],
        pattern=r"^[a-z0-9_-]{1,30}$",
        description=f"{', '.join(PLATFORMS)} (built in), or a platform of your own fee rows",
        json_schema_extra={"examples": list(PLATFORMS)},
    )
    date: dt.date | None = Field(default=None, description="quote date (rules in force), default today")
    price: float | None = Field(
        default=None, gt=0, le=10_000_000, description="list price in the market currency; positive"
    )
    target_margin: float | None = Field(default=None, ge=0, lt=1, description="fraction, e.g. 0.25")
    fx_rate: float | None = Field(
        default=None,
        gt=0,
        le=1_000_000,
        description="CNY per unit of the market's currency, instead of the FX policy's rate",
    )
    invoices: bool | None = Field(default=None, description="the export has VAT invoices (default: the mode's rule)")
    sensitivity: bool = Field(
        default=QUOTE_FIELDS["sensitivity"], description="add the ±20% sensitivity table (slower)"
    )


class QuoteRule(BaseModel):
    model_config = ConfigDict(extra="allow")

    table: str | None = None
    key: str | None = None
    source_id: str | None = None
    as_of: str | None = None
    confidence: str | None = None
    note: str | None = None


class SensitivityRow(BaseModel):
    driver: str
    change: float
    landed_cost: float | None = None
    profit: float | None = None
    margin: float | None = None


class QuoteOut(BaseModel):
    ok: bool
    status: str
    reason: str | None = None
    currency: str
    fx_cny_per_unit: float | None = None
    per_unit: dict[str, float | None]
    per_unit_cny: dict[str, float | None]
    vat_collected_by: str | None = None
    vat_rate: float | None = None
    declared_value_cny: float | None = None
    customs_value_cny: float | None = None
    chargeable_kg: float | None = None
    break_even_price: float | None = None
    target_price: float | None = None
    confidence: str
    flags: list[str]
    unconfirmed: bool
    rules: list[QuoteRule]
    sensitivity: list[SensitivityRow]
    route: dict[str, Any] | None = Field(default=None, description="logistics lines from the routing engine")
    product: dict[str, Any] | None = Field(
        default=None,
        description="whose product was quoted: source user (imported) or built-in; replaces_builtin when the "
        "user's product carries a built-in product's id (the user's wins; note_en / note_zh say so)",
    )


class RouteIn(BaseModel):
    """A shipment from a Guizhou county to a market."""

    model_config = ConfigDict(extra="forbid")

    origin: str = Field(pattern=r"^\d{6}$", description="county adcode (GET /divisions?level=county)")
    market: str = Field(pattern=r"^[A-Za-z]{2}$")
    weight_kg: float = Field(gt=0, le=100_000)
    volume_m3: float | None = Field(default=None, gt=0, le=1_000)
    pieces: int | None = Field(default=None, ge=1, le=100_000)
    product_id: str | None = Field(default=None, max_length=80)
    b2b: bool = ROUTE_FIELDS["b2b"]
    date: dt.date | None = None
    weight_cost: float = Field(default=ROUTE_FIELDS["weight_cost"], ge=0, le=1)
    weight_time: float = Field(default=ROUTE_FIELDS["weight_time"], ge=0, le=1)
    weight_co2: float = Field(default=ROUTE_FIELDS["weight_co2"], ge=0, le=1)


class RouteLegOut(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    mode: str
    service: str
    cost_cny: float
    hours: float
    kg_co2e: float
    confidence: str
    from_lonlat: list[float] | None = None
    to_lonlat: list[float] | None = None


class RouteOptionOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    label: str
    main_mode: str
    cost_cny: float
    days: float
    kg_co2e: float
    pareto: bool
    recommended: bool
    confidence: str
    legs: list[RouteLegOut]


class ExclusionOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    service: str
    mode: str
    reason: str
    reason_zh: str


class RoutesOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    ok: bool
    origin: str
    market: str
    routes: list[RouteOptionOut]
    excluded: list[ExclusionOut]
    product: dict[str, Any] | None = Field(default=None, description="whose product was routed, as in QuoteOut")


_CRITERIA = (
    "demand",
    "growth",
    "china_share",
    "rca",
    "province_rca",
    "tariff",
    "margin",
    "route_cost",
    "route_days",
    "ecommerce_rank",
    "culture",
    "compliance",
)

CriterionWeights = create_model(
    "CriterionWeights",
    __config__=ConfigDict(extra="forbid"),
    **{name: (float | None, Field(default=None, ge=0, le=1000)) for name in _CRITERIA},  # type: ignore[call-overload]
)


class OpportunitiesIn(BaseModel):
    """Export potential per product line x market, and the capped-weight ranking of the pairs (second view);
    weights override the data-driven weights per criterion."""

    model_config = ConfigDict(extra="forbid")

    products: list[str] | None = Field(default=None, max_length=100)
    markets: list[str] | None = Field(default=None, max_length=100)
    weights: CriterionWeights | None = Field(
        default=None,
        description="weight >= 0 per criterion; a criterion given overrides its data-driven weight, the others keep "
        "theirs, and all are rescaled to sum to 1. Weighting a criterion that has no value in this run (e.g. "
        "growth or rca without trade data) is an error that says why and lists the usable criteria",
    )
    top: int = Field(default=OPPORTUNITY_FIELDS["top"], ge=1, le=200)
    lang: Literal["zh", "en"] = OPPORTUNITY_FIELDS["lang"]
    engine: TradeBackend = Field(
        default=OPPORTUNITY_FIELDS["engine"],
        description="where trade indicators are computed (spark: a configured cluster)",
    )
    met: list[str] | None = Field(
        default=None, max_length=200, description="requirement ids already met (GET requirements in the ranking)"
    )
    seed: int = Field(
        default=OPPORTUNITY_FIELDS["seed"], ge=0, le=2**31 - 1, strict=True, description="stability sampling seed"
    )
    weighting: Weighting = Field(
        default=OPPORTUNITY_FIELDS["weighting"],
        description="how the second view weighs its criteria: blend (half entropy, half equal), entropy, critic, equal",
    )
    weight_cap: float = Field(
        default=OPPORTUNITY_FIELDS["weight_cap"], gt=0, le=1, description="no criterion weighs more than this"
    )
    samples: int = Field(
        default=OPPORTUNITY_FIELDS["samples"], ge=10, le=2000, strict=True, description="samples of the stability check"
    )


class OpportunityCell(BaseModel):
    product: str
    market: str
    score: float | None = None
    feasible: bool


class OpportunitiesOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    ok: bool
    headline: dict[str, Any] = Field(
        description="the headline: export potential in USD per HS line x market (ITC EPI: supply x demand x ease) "
        "with realised and unrealised parts (`lines`), and the lines not estimated with the reason"
    )
    weights: dict[str, float]
    weighting: str = Field(description="how the second view's weights were set: blend, entropy, critic or equal")
    weight_cap: float = Field(description="no criterion above this share of the weight")
    product_level: list[str] = Field(description="criteria the same for every market of a product: weight 0")
    unavailable: list[str]
    indicator_status: dict[str, str]
    pairs: int
    ranking: list[dict[str, Any]]
    cells: list[OpportunityCell]


class PoolOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    ok: bool
    total_standalone_cny: float
    total_pooled_cny: float
    total_saving_cny: float
    exporters: list[dict[str, Any]]
    routes: list[dict[str, Any]]
    loads: list[dict[str, Any]]
    in_core: bool
    core: dict[str, Any]
    confidence: str
    stops: dict[str, list[float]] = Field(default_factory=dict, description="stop -> [lon, lat]")
