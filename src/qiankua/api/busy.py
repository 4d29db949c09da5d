"""``503 Service unavailable`` with ``Retry-After`` when the server is busy, not broken.

Two causes: the import queue is full (:class:`qiankua.services.jobs.ImportsBusy`) and the database
file was not free within the lock timeout (:class:`qiankua.store.locking.StoreBusyError`, e.g. a long
CLI import holding it). Both say how long to wait; neither names a file path or a process. A CPU-heavy
engine call (routes, opportunities, pooling) runs on a small pool of its own (:func:`run_engine`), at a
lower CPU priority than the event loop (:func:`qiankua.services.jobs.background_priority`), so a burst of
them cannot take every worker thread and starve light requests and the event loop.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from qiankua.api.errors import problem
from qiankua.services.jobs import ImportsBusy
from qiankua.store.locking import StoreBusyError

__all__ = ["ENGINE_THREADS", "install", "run_engine"]

T = TypeVar("T")

#: CPU-heavy engine calls at once: the number of CPUs, at least 2
ENGINE_THREADS = max(2, os.cpu_count() or 2)
_LIMITERS: dict[int, Any] = {}


async def run_engine(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` on a worker thread, at most :data:`ENGINE_THREADS` at once (others wait in
    line without holding a thread)."""
    import asyncio
    import functools

    import anyio

    loop = id(asyncio.get_running_loop())
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = anyio.CapacityLimiter(ENGINE_THREADS)
        if len(_LIMITERS) > 64:  # loops of finished tests
            for key in list(_LIMITERS)[:-1]:
                _LIMITERS.pop(key, None)
    from qiankua.services.jobs import lowered

    return await anyio.to_thread.run_sync(functools.partial(lowered, fn, *args, **kwargs), limiter=limiter)


async def _imports_busy(_: Request, exc: ImportsBusy) -> JSONResponse:
    return problem(503, exc.message_en, headers={"Retry-After": str(exc.retry_after)})


async def _store_busy(_: Request, exc: StoreBusyError) -> JSONResponse:
    detail = (
        f"the data store is busy (another import or command is writing it); waited {exc.waited_s:.0f} s, "
        f"retry after {exc.retry_after} s"
    )
    return problem(503, detail, headers={"Retry-After": str(exc.retry_after)})


_UNSAFE = ("post", "put", "patch", "delete")
_ANSWERS = {
    "403": "Forbidden: a cross-origin write refused (CSRF protection)",
    "413": "Payload too large: the request body is over the limit",
    "503": "Service unavailable: busy (import queue full or store in use); see Retry-After",
}


def declare_answers(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare in the OpenAPI document the answers the middleware and the busy handlers can give on any
    operation, so the document matches the server: 503 (with ``Retry-After``) everywhere but ``/health``,
    403 (cross-origin write) and 413 (body over the limit) on every state-changing method."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    retry_after = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["503"] if not path.endswith("/health") else []
            if method in _UNSAFE:
                codes += ["403", "413"]
            for code in codes:
                answer = operation["responses"].setdefault(
                    code,
                    {"description": _ANSWERS[code], "content": {"application/problem+json": {"schema": problem_ref}}},
                )
                if code == "503":
                    answer.setdefault("headers", retry_after)
    return schema


def install(app: FastAPI) -> None:
    """Register the two handlers (more specific than the StoreError -> 409 one in :mod:`qiankua.api.errors`)."""
    app.add_exception_handler(ImportsBusy, _imports_busy)  # type: ignore[arg-type]
    app.add_exception_handler(StoreBusyError, _store_busy)  # type: ignore[arg-type]
