"""Warehouse routes: the plan per SKU x market and the three calculators (policy, newsvendor, forecast).

Thin: parse the body (the same fields as the CLI options, :mod:`qiankua.services.warehouse`), call one
service, return its document (the CLI's ``--json`` output). The bodies are strict (:mod:`qiankua.api.strict`):
numbers are JSON numbers, the forecast ``method`` and the ``market`` are enums, the plan ``date`` an ISO
date, and the two rules across fields (a fill-rate target needs ``order_qty``; a newsvendor needs a positive
holding or shortage cost) are stated in the schema (``anyOf``) and answered 422 like any other schema
violation. A ``sku`` not in the catalogue is 404.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Depends, Response
from pydantic import ConfigDict, Field, model_validator

from qiankua.api.auth import WorkspaceDep, current_workspace
from qiankua.api.errors import problem_responses
from qiankua.api.strict import STRICT, IsoDate, StrictModel
from qiankua.jsonio import to_json
from qiankua.services.requests import user_db
from qiankua.warehouse.forecast import METHODS

# every route needs a signed-in workspace when the server runs multi-user, as the other engine routes do
router = APIRouter(
    prefix="/warehouse",
    tags=["warehouse"],
    responses=problem_responses(400, 401, 422),
    dependencies=[Depends(current_workspace)],
)


def _json(doc: dict[str, Any]) -> Response:
    # the one encoder of every edge: NaN/inf -> null, dates ISO, numpy numbers plain
    return Response(to_json(doc), media_type="application/json")


def _market_codes() -> tuple[str, ...]:
    # the built-in markets table (reference data shipped with the package; users do not add markets):
    # read its first column here rather than load the whole reference at import
    path = Path(__file__).resolve().parents[1] / "reference" / "data" / "markets.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(sorted(row["iso2"] for row in csv.DictReader(fh)))


MARKETS: tuple[str, ...] = _market_codes()
Market = Literal[MARKETS]  # type: ignore[valid-type]
ForecastMethod = Literal[METHODS]  # type: ignore[valid-type]
Amount = Annotated[float, Field(ge=0, le=1e9)]
Demand = Annotated[float, Field(ge=0, le=1e12)]


class PolicyIn(StrictModel):
    """Demand and lead time in the same periods (days, weeks or months); a fill-rate target needs ``order_qty``."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "anyOf": [
                {"properties": {"fill_rate": {"const": False}}},
                {"required": ["order_qty"], "properties": {"order_qty": {"type": "number"}}},
            ]
        },
    )

    mean_demand: float = Field(ge=0, le=1e9)
    sd_demand: float = Field(ge=0, le=1e9)
    lead_time: float = Field(ge=0, le=1e5)
    lead_time_sd: float = Field(default=0.0, ge=0, le=1e5)
    service_level: float = Field(default=0.95, ge=0.5, lt=1)
    fill_rate: bool = Field(default=False, description="a fill-rate target instead of a cycle service level")
    holding_cost: float | None = Field(default=None, gt=0, le=1e9)
    order_cost: float | None = Field(default=None, ge=0, le=1e9)
    order_qty: float | None = Field(default=None, gt=0, le=1e9, description="the shipment size Q; with fill_rate")
    periods_per_year: float = Field(default=365.0, gt=0, le=1e4)

    @model_validator(mode="after")
    def _fill_rate_needs_q(self) -> Self:
        if self.fill_rate and self.order_qty is None:
            raise ValueError("a fill-rate target needs `order_qty` (the shipment size Q)")
        return self


class NewsvendorIn(StrictModel):
    """Normal demand (mean, sd) and the unit costs of over- and under-stocking (at least one positive)."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "anyOf": [
                {"properties": {"unit_holding": {"exclusiveMinimum": 0}}},
                {"properties": {"unit_shortage": {"exclusiveMinimum": 0}}},
            ]
        },
    )

    mean: Amount
    sd: Amount
    unit_holding: Amount
    unit_shortage: Amount

    @model_validator(mode="after")
    def _some_cost(self) -> Self:
        if self.unit_holding + self.unit_shortage <= 0:
            raise ValueError("`unit_holding` + `unit_shortage` must be > 0")
        return self


class ForecastIn(StrictModel):
    series: list[Demand] = Field(min_length=1, max_length=600, description="demand per period, >= 0")
    method: ForecastMethod = "auto"
    h: int = Field(default=6, ge=1, le=60)
    season_length: int = Field(default=12, ge=1, le=52)


class PlanIn(StrictModel):
    sku: str | None = Field(default=None, max_length=80, description="a catalogue product id (404 if unknown)")
    market: Market | None = Field(default=None, description="a market of the built-in markets table")
    service_level: float = Field(default=0.95, ge=0.5, lt=1)
    date: IsoDate | None = Field(default=None, description="planning date (default today)")
    discount_rate: float = Field(default=0.10, ge=0, le=1)
    b2b_price_ratio: float | None = Field(default=None, gt=0, le=1)
    n_paths: int = Field(default=300, ge=20, le=2000)


@router.post("/policy", summary="Safety stock, reorder point, order-up-to level and EOQ")
def policy(body: PolicyIn) -> Response:
    from qiankua.services.warehouse import policy_calc

    return _json(policy_calc(body.model_dump()))


@router.post("/newsvendor", summary="Newsvendor order quantity and expected cost (normal demand)")
def newsvendor(body: NewsvendorIn) -> Response:
    from qiankua.services.warehouse import newsvendor_calc

    return _json(newsvendor_calc(body.model_dump()))


@router.post("/forecast", summary="Forecast one series: demand class, model, back-test, intervals")
def forecast(body: ForecastIn) -> Response:
    from qiankua.services.warehouse import forecast_calc

    return _json(forecast_calc(body.model_dump()))


@router.post(
    "/plan",
    summary="Overseas warehouse (9810), parcel (9610) or B2B (9710) per SKU x market",
    responses=problem_responses(404, 409),
)
def plan(body: PlanIn, ws: WorkspaceDep) -> Response:
    from qiankua.services.warehouse import plan as run

    return _json(run(body.model_dump(mode="json"), user_db(ws.db)))
