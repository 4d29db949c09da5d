"""Engine routes (quote, routes, opportunities, pooling), registered for the engine services that exist.

The CPU-heavy handlers (routes, opportunities, pooling) await their engine on a small pool of its own
(:func:`qiankua.api.busy.run_engine`, as many threads as CPUs): a burst of them queues there instead of
taking all of FastAPI's forty worker threads and, with the GIL, starving the event loop and the light
requests. The quote awaits the micro-batcher (the pricing runs on the batcher's own thread) and sends the
document the batcher already encoded: ``response_model`` documents it (OpenAPI, schemathesis checks
the responses against it) without re-validating ~5 kB of floats on every request.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Response

from qiankua.api import schemas as s
from qiankua.api.auth import WorkspaceDep
from qiankua.api.busy import run_engine
from qiankua.api.engines import service
from qiankua.api.errors import problem_responses
from qiankua.services.accounts import Workspace
from qiankua.services.requests import user_db

router = APIRouter(responses=problem_responses(400, 401, 404, 409, 422))


def _store(ws: Workspace) -> Path:
    """The caller's database: the organisation's (multi-user) or the server's (single-user; the default
    file when the server was started without ``--db``), as the data routes use it. It may not exist yet."""
    return user_db(ws.db)


if service("costing") is not None:

    @router.post(
        "/quote",
        response_model=s.QuoteOut,
        tags=["costing"],
        summary="Landed cost, margin and price for a target margin, with the rules used",
    )
    async def quote(body: s.QuoteIn, ws: WorkspaceDep) -> Response:
        # async: the request waits on the micro-batcher's future, not in a worker thread; the
        # pricing itself runs on the batcher thread, off the event loop
        from qiankua.services.quoting import batched_quote_json

        return Response(await batched_quote_json(body.model_dump(), _store(ws)), media_type="application/json")


if service("routing") is not None:

    @router.post(
        "/routes",
        response_model=s.RoutesOut,
        tags=["routing"],
        summary="Pareto routes (cost, days, CO2e) from a county to a market, with excluded services",
    )
    async def routes(body: s.RouteIn, ws: WorkspaceDep) -> dict[str, object]:
        from qiankua.services.routes_view import plan_routes

        return await run_engine(plan_routes, body.model_dump(), db=_store(ws))


if service("opportunity") is not None:

    @router.post(
        "/opportunities",
        response_model=s.OpportunitiesOut,
        tags=["opportunity"],
        summary="Rank product x market pairs with reasons, requirements and stability",
    )
    async def opportunities(body: s.OpportunitiesIn, ws: WorkspaceDep) -> dict[str, object]:
        from qiankua.services.engines_view import rank_opportunities

        return await run_engine(rank_opportunities, body.model_dump(), db=_store(ws))


if service("pooling") is not None:
    from typing import Annotated

    from fastapi import File, Query, UploadFile

    @router.post(
        "/pooling",
        response_model=s.PoolOut,
        tags=["pooling"],
        summary="Pool a week's shipments (CSV/XLSX): pickup routes, loading, fair cost split, core check",
    )
    async def pooling(
        ws: WorkspaceDep,
        file: Annotated[UploadFile, File()],
        time_limit_s: Annotated[float, Query(ge=0.2, le=10)] = 2.0,
        seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    ) -> dict[str, object]:
        from qiankua.api.data import _read
        from qiankua.services.engines_view import pool_shipments

        del ws  # authentication only: pooling reads the uploaded file, writes nothing

        def run() -> dict[str, object]:
            return pool_shipments(_read(file), file.filename, time_limit_s=time_limit_s, seed=seed)

        return await run_engine(run)

    @router.post(
        "/pooling/demo",
        response_model=s.PoolOut,
        tags=["pooling"],
        summary="Pool the built-in demo week (25 exporters in Qiandongnan and Qiannan)",
    )
    async def pooling_demo(time_limit_s: Annotated[float, Query(ge=0.2, le=10)] = 1.0) -> dict[str, object]:
        from qiankua.services.engines_view import pool_shipments

        return await run_engine(pool_shipments, None, None, time_limit_s=time_limit_s, seed=1)
