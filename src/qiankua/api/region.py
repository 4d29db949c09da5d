"""Regional evaluation routes: ``POST /region/evaluate``, ``POST /region/coupling``, ``GET /region/indicators``.

Thin: parse, call :mod:`qiankua.services.region`, return its document (the same as ``qiankua region … --json``).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from qiankua.api.auth import WorkspaceDep
from qiankua.api.errors import problem_responses
from qiankua.services.requests import user_db

router = APIRouter(prefix="/region", tags=["region"], responses=problem_responses(400, 401, 422))


class RegionEvaluateIn(BaseModel):
    """Which areas and years to evaluate, and how."""

    model_config = ConfigDict(extra="forbid")

    level: Literal["province", "county"] = "province"
    years: str | None = Field(default=None, pattern=r"^\d{4}(-\d{4})?$", description="a year or a range, 2015-2024")
    method: Literal["entropy", "topsis"] = "entropy"
    subsystem_weights: list[float] | None = Field(default=None, min_length=2, max_length=2)
    weights: dict[str, float] | None = Field(default=None, description="indicator -> weight (>= 0)")
    impute: Literal["none", "linear", "nearest"] = "none"


class CouplingIn(BaseModel):
    """Subsystem scores in [0, 1] and optional subsystem weights summing to 1."""

    model_config = ConfigDict(extra="forbid")

    u: list[float] = Field(min_length=2, max_length=10)
    weights: list[float] | None = Field(default=None, min_length=2, max_length=10)


class CouplingOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    c: float
    c_traditional: float
    t: float
    d: float
    band: int
    band_zh: str
    band_en: str


@router.post("/evaluate", summary="Coupling coordination of digital foundations and CBEC per area and year")
def evaluate(body: RegionEvaluateIn, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.region import evaluate_region

    return evaluate_region(body.model_dump(), user_db(ws.db))


@router.post("/coupling", response_model=CouplingOut, summary="C (corrected and traditional), T, D and band")
def coupling(body: CouplingIn, ws: WorkspaceDep) -> dict[str, Any]:
    from qiankua.services.region import coupling as run

    return run(body.model_dump())


@router.get("/indicators", summary="The regional indicator system")
def indicators(ws: WorkspaceDep) -> list[dict[str, Any]]:
    from qiankua.services.region import indicator_system

    return indicator_system().to_dicts()
