"""Saved scenarios: ``/scenarios`` (list, save), ``/scenarios/{id}`` (show, delete), ``/scenarios/compare``.

Thin: parse, call :mod:`qiankua.services.scenarios` with the caller's database and user name, return its
document (the same as ``qiankua scenario … --json``). Scenarios belong to the user who saved them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from qiankua.api.auth import WorkspaceDep
from qiankua.api.errors import problem_responses
from qiankua.services.requests import user_db

router = APIRouter(prefix="/scenarios", tags=["scenarios"], responses=problem_responses(400, 401, 404, 422))

# a pattern, not an enum: the kinds are the use cases of qiankua.services.scenarios.KINDS (not a vocabulary)
KIND_PATTERN = r"^(quote|route|opportunity|pooling)$"
ScenarioId = Annotated[int, Path(ge=1, le=2**62, description="the scenario's id")]


class ScenarioIn(BaseModel):
    """What to run and keep: the use case, a name, its inputs (the fields of that use case's endpoint)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern=KIND_PATTERN, description="quote, route, opportunity or pooling")
    name: str = Field(min_length=1, max_length=120)
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        description="quote: the /quote fields; route: /routes; opportunity: /opportunities; "
        "pooling: {source: demo|stored, time_limit_s, seed}",
    )


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(min_length=2, max_length=3)


@router.get("", summary="The caller's saved scenarios, newest first")
def list_scenarios(ws: WorkspaceDep, kind: Annotated[str | None, Query(pattern=KIND_PATTERN)] = None) -> dict[str, Any]:
    from qiankua.services.scenarios import list_scenarios as run

    return run(user_db(ws.db), ws.identity.username, kind)


@router.post("", status_code=201, summary="Run a quote, route plan, ranking or pool and save its inputs and result")
def save(body: ScenarioIn, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.scenarios import save as run

    return run(user_db(ws.db), ws.identity.username, body.kind, body.name, body.inputs)


@router.post("/compare", summary="Two or three scenarios side by side: inputs that differ, headline results")
def compare(body: CompareIn, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.scenarios import compare as run

    return run(user_db(ws.db), ws.identity.username, body.ids)


@router.get("/{scenario_id}", summary="One scenario: inputs, result and headline figures")
def show(scenario_id: ScenarioId, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.scenarios import load

    return load(user_db(ws.db), ws.identity.username, scenario_id)


@router.delete("/{scenario_id}", summary="Delete one of the caller's scenarios")
def delete(scenario_id: ScenarioId, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.scenarios import delete as run

    return run(user_db(ws.db), ws.identity.username, scenario_id)
