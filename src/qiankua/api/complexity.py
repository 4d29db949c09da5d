"""Product-space routes: ``POST /trade/complexity`` and ``GET /trade/diversify``.

Thin: parse, call :mod:`qiankua.services.complexity`, return its document encoded by :mod:`qiankua.jsonio`
(the same bytes as ``qiankua trade … --json``; NaN becomes null). The body is strict
(:mod:`qiankua.api.strict`): numbers are JSON numbers, years integers, no unknown fields.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import Field

from qiankua.api.auth import WorkspaceDep
from qiankua.api.errors import problem_responses
from qiankua.api.strict import StrictModel
from qiankua.jsonio import to_json
from qiankua.services.requests import user_db

router = APIRouter(prefix="/trade", tags=["trade"], responses=problem_responses(400, 401, 422))


class TradeRow(StrictModel):
    """One location x product x year export value."""

    location: str = Field(min_length=1, max_length=100)
    product: str = Field(min_length=1, max_length=40)
    year: int = Field(ge=1900, le=2100)
    export_value: float = Field(ge=0, le=1e15, allow_inf_nan=False)


class ComplexityIn(StrictModel):
    """A long export table and the RCA threshold of M."""

    rows: list[TradeRow] = Field(min_length=1, max_length=200_000)
    rca_threshold: float = Field(default=1.0, ge=0, le=1e6, allow_inf_nan=False)


@router.post(
    "/complexity",
    summary="RCA, M, density, ECI, PCI, diversity, ubiquity, COI and COG per location x product x year",
)
def complexity(body: ComplexityIn, ws: WorkspaceDep) -> Response:
    from qiankua.services.complexity import complexity_rows

    doc = complexity_rows([r.model_dump() for r in body.rows], rca_threshold=body.rca_threshold)
    return Response(to_json(doc), media_type="application/json")


@router.get(
    "/diversify",
    responses=problem_responses(409),
    summary="What a region could add: near products (density) with high PCI and demand",
)
def diversify(
    ws: WorkspaceDep,
    region: Annotated[str, Query(min_length=1, max_length=100)] = "Guizhou",
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
    rca_threshold: Annotated[float, Query(ge=0, le=1e6, allow_inf_nan=False)] = 1.0,
    w_density: Annotated[float, Query(ge=0, le=1e6, allow_inf_nan=False)] = 0.5,
    w_pci: Annotated[float, Query(ge=0, le=1e6, allow_inf_nan=False)] = 0.25,
    w_demand: Annotated[float, Query(ge=0, le=1e6, allow_inf_nan=False)] = 0.25,
) -> Response:
    from qiankua.services.complexity import diversify as run

    doc = run(
        user_db(ws.db),
        region=region,
        year=year,
        top=top,
        rca_threshold=rca_threshold,
        weights={"density": w_density, "pci": w_pci, "demand": w_demand},
    )
    return Response(to_json(doc), media_type="application/json")
