"""Warehouse routes: the plan per SKU x market and the three calculators (policy, newsvendor, forecast).

Thin: parse the body (the same fields as the CLI options, :mod:`qiankua.services.warehouse`), call one
service, return its document (the CLI's ``--json`` output). Choices (``method``) are plain strings
checked by the service, so an unknown one is a 400 with the list of valid values.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from qiankua.api.auth import WorkspaceDep, current_workspace
from qiankua.api.errors import problem_responses
from qiankua.jsonio import to_json
from qiankua.services.requests import user_db

# every route needs a signed-in workspace when the server runs multi-user, as the other engine routes do
router = APIRouter(
    prefix="/warehouse",
    tags=["warehouse"],
    responses=problem_responses(400, 401, 404, 422),
    dependencies=[Depends(current_workspace)],
)


def _json(doc: dict[str, Any]) -> Response:
    # the one encoder of every edge: NaN/inf -> null, dates ISO, numpy numbers plain
    return Response(to_json(doc), media_type="application/json")


class PolicyIn(BaseModel):
    """Demand and lead time in the same periods (days, weeks or months)."""

    model_config = ConfigDict(extra="forbid")

    mean_demand: float = Field(ge=0, le=1e9)
    sd_demand: float = Field(ge=0, le=1e9)
    lead_time: float = Field(ge=0, le=1e5)
    lead_time_sd: float = Field(default=0.0, ge=0, le=1e5)
    service_level: float = Field(default=0.95, ge=0.5, lt=1)
    fill_rate: bool = False
    holding_cost: float | None = Field(default=None, gt=0, le=1e9)
    order_cost: float | None = Field(default=None, ge=0, le=1e9)
    order_qty: float | None = Field(default=None, gt=0, le=1e9)
    periods_per_year: float = Field(default=365.0, gt=0, le=1e4)


class NewsvendorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mean: float = Field(ge=0, le=1e9)
    sd: float = Field(ge=0, le=1e9)
    unit_holding: float = Field(ge=0, le=1e9)
    unit_shortage: float = Field(ge=0, le=1e9)


class ForecastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    series: list[float] = Field(min_length=1, max_length=600)
    method: str = Field(
        default="auto", max_length=20, description="auto, ses, seasonal_es, ets, theta, croston, sba, tsb, adida, imapa"
    )
    h: int = Field(default=6, ge=1, le=60)
    season_length: int = Field(default=12, ge=1, le=52)


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str | None = Field(default=None, max_length=80)
    market: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    service_level: float = Field(default=0.95, ge=0.5, lt=1)
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
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


@router.post("/plan", summary="Overseas warehouse (9810), parcel (9610) or B2B (9710) per SKU x market")
def plan(body: PlanIn, ws: WorkspaceDep) -> Response:
    from qiankua.services.warehouse import plan as run

    return _json(run(body.model_dump(), user_db(ws.db)))
