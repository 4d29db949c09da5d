"""Saved scenarios: ``/scenarios`` (list, save), ``/scenarios/{id}`` (show, delete), ``/scenarios/compare``.

Thin: parse, call :mod:`qiankua.services.scenarios` with the caller's database and user name, return its
document (the same as ``qiankua scenario … --json``). Scenarios belong to the user who saved them.

The save body is strict and typed per use case (a union on ``kind``): a quote's ``inputs`` are the fields of
``POST /quote``, a route plan's those of ``POST /routes``, a ranking's those of ``POST /opportunities``, a
pool's ``{source, time_limit_s, seed}`` — so the schema says what each kind takes and a wrong field is a 422
naming it. What depends on the data (a market or product on file) is answered as the use case's own route
answers it (404 unknown product, 400 naming the field). ``/scenarios/compare`` is declared before
``/scenarios/{id}``, and its undeclared methods are answered 405 here, so ``compare`` is never read as an id.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import Field, field_validator

from qiankua.api import schemas as s
from qiankua.api.auth import WorkspaceDep
from qiankua.api.errors import problem, problem_responses
from qiankua.api.strict import IsoDate, StrictModel
from qiankua.services.requests import user_db
from qiankua.vocabulary import POOL_SOURCES, SCENARIO_KINDS

router = APIRouter(prefix="/scenarios", tags=["scenarios"], responses=problem_responses(400, 401, 404, 409, 422))

# the kinds are the use cases of qiankua.services.scenarios.KINDS (a test checks they are the same)
Kind = Literal[SCENARIO_KINDS]  # type: ignore[valid-type]
ScenarioId = Annotated[int, Path(ge=1, le=2**62, description="the scenario's id")]
Name = Annotated[
    str,
    Field(min_length=1, max_length=120, pattern=r"\S", description="a name (not only blanks), up to 120 characters"),
]


class StrictCriterionWeights(s.CriterionWeights, StrictModel):
    pass


class QuoteInputs(s.QuoteIn, StrictModel):
    """The fields of ``POST /quote``."""

    date: IsoDate | None = Field(default=None, description="quote date (rules in force), default today")


class RouteInputs(s.RouteIn, StrictModel):
    """The fields of ``POST /routes``."""

    date: IsoDate | None = Field(default=None, description="shipping date, default today")


class OpportunityInputs(s.OpportunitiesIn, StrictModel):
    """The fields of ``POST /opportunities``."""

    weights: StrictCriterionWeights | None = Field(default=None, description="weight >= 0 per criterion")


class PoolingInputs(StrictModel):
    """The demo pool or the organisation's stored shipments, and the solver's time limit and seed."""

    source: Literal[POOL_SOURCES] = "demo"  # type: ignore[valid-type]
    time_limit_s: float = Field(default=1.0, ge=0.2, le=10)
    seed: int = Field(default=1, ge=0, le=2**31 - 1)


class QuoteScenarioIn(StrictModel):
    kind: Literal["quote"]
    name: Name
    inputs: QuoteInputs


class RouteScenarioIn(StrictModel):
    kind: Literal["route"]
    name: Name
    inputs: RouteInputs


class OpportunityScenarioIn(StrictModel):
    kind: Literal["opportunity"]
    name: Name
    inputs: OpportunityInputs = Field(default_factory=OpportunityInputs)


class PoolingScenarioIn(StrictModel):
    kind: Literal["pooling"]
    name: Name
    inputs: PoolingInputs = Field(default_factory=PoolingInputs)


ScenarioIn = Annotated[
    QuoteScenarioIn | RouteScenarioIn | OpportunityScenarioIn | PoolingScenarioIn,
    Field(discriminator="kind", description="what to run and keep: the use case, a name, its inputs"),
]


class CompareIn(StrictModel):
    ids: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(
        min_length=2, max_length=3, json_schema_extra={"uniqueItems": True}, description="two or three distinct ids"
    )

    @field_validator("ids")
    @classmethod
    def _distinct(cls, ids: list[int]) -> list[int]:
        if len(set(ids)) != len(ids):
            raise ValueError("the ids must be distinct")
        return ids


def _inputs(body: QuoteScenarioIn | RouteScenarioIn | OpportunityScenarioIn | PoolingScenarioIn) -> dict[str, Any]:
    """The inputs as the caller gave them (JSON values: dates as ISO strings), defaults left to the use case."""
    return body.inputs.model_dump(mode="json", exclude_unset=True)


@router.get("", summary="The caller's saved scenarios, newest first")
def list_scenarios(ws: WorkspaceDep, kind: Annotated[Kind | None, Query()] = None) -> dict[str, Any]:
    from qiankua.services.scenarios import list_scenarios as run

    return run(user_db(ws.db), ws.identity.username, kind)


@router.post("", status_code=201, summary="Run a quote, route plan, ranking or pool and save its inputs and result")
def save(body: ScenarioIn, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.scenarios import save as run

    return run(user_db(ws.db), ws.identity.username, body.kind, body.name, _inputs(body))


@router.post("/compare", summary="Two or three scenarios side by side: inputs that differ, headline results")
def compare(body: CompareIn, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.scenarios import compare as run

    return run(user_db(ws.db), ws.identity.username, body.ids)


@router.api_route(
    "/compare",
    methods=["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"],
    include_in_schema=False,
)
def compare_other_methods(request: Request) -> Response:
    # without this route GET/DELETE /scenarios/compare would reach /scenarios/{scenario_id} ("compare" is no id)
    return problem(405, f"{request.method} not allowed here; use POST", headers={"Allow": "POST"})


@router.get("/{scenario_id}", summary="One scenario: inputs, result and headline figures")
def show(scenario_id: ScenarioId, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.scenarios import load

    return load(user_db(ws.db), ws.identity.username, scenario_id)


@router.delete("/{scenario_id}", summary="Delete one of the caller's scenarios")
def delete(scenario_id: ScenarioId, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.scenarios import delete as run

    return run(user_db(ws.db), ws.identity.username, scenario_id)
