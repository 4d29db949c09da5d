"""Regional evaluation routes: ``POST /region/evaluate``, ``POST /region/coupling``, ``GET /region/indicators``.

Thin: parse, call :mod:`qiankua.services.region`, return its document (the same as ``qiankua region … --json``).
The bodies are strict (:mod:`qiankua.api.strict`): levels, methods, imputations and indicator names are enums
of the vocabulary and of the built-in indicator system, scores and weights JSON numbers within their bounds.
What the schema cannot state is answered 400 naming the reason: subsystem weights that do not sum to 1, a
year range whose first year is after its last, and — depending on the data — no panel data for the level and
years asked.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from qiankua.api.auth import WorkspaceDep
from qiankua.api.errors import problem_responses
from qiankua.api.strict import StrictModel
from qiankua.services.requests import user_db
from qiankua.vocabulary import REGION_IMPUTATION, REGION_LEVELS, REGION_METHODS

router = APIRouter(prefix="/region", tags=["region"], responses=problem_responses(400, 401, 422))


def _indicators() -> tuple[str, ...]:
    # the built-in indicator system (reference data shipped with the package; GET /region/indicators)
    path = Path(__file__).resolve().parents[1] / "reference" / "data" / "region_indicators.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(row["indicator"] for row in csv.DictReader(fh))


INDICATORS: tuple[str, ...] = _indicators()
Level = Literal[REGION_LEVELS]  # type: ignore[valid-type]
Method = Literal[REGION_METHODS]  # type: ignore[valid-type]
Imputation = Literal[REGION_IMPUTATION]  # type: ignore[valid-type]
IndicatorName = Literal[INDICATORS]  # type: ignore[valid-type]
Share = Annotated[float, Field(ge=0, le=1)]
YEARS_PATTERN = r"^(19|20)\d\d(-(19|20)\d\d)?$"


class RegionEvaluateIn(StrictModel):
    """Which areas and years to evaluate, and how."""

    level: Level = "province"
    years: str | None = Field(
        default=None, pattern=YEARS_PATTERN, description="a year or a range, 2015-2024 (first <= last)"
    )
    method: Method = "entropy"
    subsystem_weights: list[Share] | None = Field(
        default=None, min_length=2, max_length=2, description="digital, CBEC: each in [0, 1], summing to 1"
    )
    weights: dict[IndicatorName, Annotated[float, Field(ge=0, le=1e6)]] | None = Field(
        default=None, description="indicator -> weight (>= 0; not all of a subsystem's 0)"
    )
    impute: Imputation = "none"


class CouplingIn(StrictModel):
    """Subsystem scores in [0, 1] and optional subsystem weights (as many as scores, summing to 1)."""

    u: list[Share] = Field(min_length=2, max_length=10)
    weights: list[Share] | None = Field(default=None, min_length=2, max_length=10)


class CouplingOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    c: float
    c_traditional: float
    t: float
    d: float
    band: int
    band_zh: str
    band_en: str


@router.post(
    "/evaluate",
    responses=problem_responses(409),
    summary="Coupling coordination of digital foundations and CBEC per area and year",
)
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
