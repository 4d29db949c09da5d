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


UserTable = StrEnum("UserTable", {name: name for name in USER_TABLES})  # type: ignore[misc]


assert set(UserTable) == set(USER_TABLES)


class RefTable(StrEnum):
    products = "products"
    markets = "markets"
    divisions = "divisions"
    hubs = "hubs"
    provenance = "provenance"


class FileFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


class ImportMode(StrEnum):
    append = "append"
    upsert = "upsert"
    replace = "replace"


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
    warm: bool = Field(default=True, description="start-up warm-up done (costing kernel loaded): quotes at full "
                                                "speed; before that they are answered, more slowly")


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
    declared_value: float | None = Field(default=None, ge=0, le=10_000_000, description="with hs6")
    value_currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    gross_kg: float | None = Field(default=None, gt=0, le=10_000)
    mode: str = Field(default="9610", pattern=r"^(9610|9710|9810|0110)$", description="customs mode")
    service: str = Field(default="postal", pattern=r"^(postal|express|air|sea-lcl|sea-fcl|rail|truck)$")
    platform: str = Field(default="aliexpress", pattern=r"^[a-z0-9_-]{1,30}$",
                          description="aliexpress, amazon, b2b, direct, lazada, shopee …")
    date: dt.date | None = Field(default=None, description="quote date (rules in force), default today")
    quantity: int = Field(default=1, ge=1, le=1_000_000)
    price: float | None = Field(default=None, ge=0, le=10_000_000, description="list price in the market currency")
    target_margin: float | None = Field(default=None, ge=0, lt=1, description="fraction, e.g. 0.25")
    sensitivity: bool = Field(default=False, description="add the ±20% sensitivity table (slower)")


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


class RouteIn(BaseModel):
    """A shipment from a Guizhou county to a market."""

    model_config = ConfigDict(extra="forbid")

    origin: str = Field(pattern=r"^\d{6}$", description="county adcode (GET /divisions?level=county)")
    market: str = Field(pattern=r"^[A-Za-z]{2}$")
    weight_kg: float = Field(gt=0, le=100_000)
    volume_m3: float | None = Field(default=None, gt=0, le=1_000)
    pieces: int | None = Field(default=None, ge=1, le=100_000)
    product_id: str | None = Field(default=None, max_length=80)
    b2b: bool = False
    date: dt.date | None = None
    weight_cost: float = Field(default=0.5, ge=0, le=1)
    weight_time: float = Field(default=0.3, ge=0, le=1)
    weight_co2: float = Field(default=0.2, ge=0, le=1)


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


_CRITERIA = ("demand", "growth", "china_share", "rca", "province_rca", "tariff", "margin", "route_cost",
             "route_days", "ecommerce_rank", "culture", "compliance")

CriterionWeights = create_model(
    "CriterionWeights", __config__=ConfigDict(extra="forbid"),
    **{name: (float | None, Field(default=None, ge=0, le=1000)) for name in _CRITERIA},  # type: ignore[call-overload]
)


class OpportunitiesIn(BaseModel):
    """Rank product x market pairs; weights override the entropy weights per criterion."""

    model_config = ConfigDict(extra="forbid")

    products: list[str] | None = Field(default=None, max_length=100)
    markets: list[str] | None = Field(default=None, max_length=100)
    weights: CriterionWeights | None = Field(  # type: ignore[valid-type]
        default=None, description="weight >= 0 per criterion; omitted criteria get 0 when any is given")
    top: int = Field(default=20, ge=1, le=200)
    lang: str = Field(default="zh", pattern=r"^(zh|en)$")


class OpportunityCell(BaseModel):
    product: str
    market: str
    score: float | None = None
    feasible: bool


class OpportunitiesOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    ok: bool
    weights: dict[str, float]
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
