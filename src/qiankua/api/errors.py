"""Map errors to RFC 9457 problem responses, in one table. No stack trace ever leaves the server.

| raised | status |
|---|---|
| request validation (FastAPI/pydantic) | 422, ``errors`` name each field |
| :class:`ApiError` (a handler's own check) | its status, naming the field |
| ImportValidationError | 422, ``issues`` list every bad cell |
| UnknownReferenceError | 404 |
| AuthError | 401 |
| LoginThrottled | 429 with ``Retry-After`` |
| ServerBusy (password hashing saturated) | 503 with ``Retry-After`` |
| InvalidInputError, ValueError, LookupError | 400 |
| DataError, StoreError | 409 (data or database not usable now) |
| starlette HTTPException | its status (404 unknown path, 405 …) |
| anything else | 500 ``internal error`` — logged server-side, body without details |

Every message is scrubbed before it leaves (:func:`scrub`): no file path, no process id, no
traceback line (a locked store says so without naming the file or the process holding it).
"""

from __future__ import annotations

import logging
import re
from collections import deque
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from qiankua.api.schemas import Problem
from qiankua.exceptions import (
    DataError,
    ImportValidationError,
    InvalidInputError,
    StoreError,
    UnknownReferenceError,
)
from qiankua.services.accounts import AuthError
from qiankua.services.throttle import LoginThrottled, ServerBusy

log = logging.getLogger("qiankua.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}

# absolute POSIX paths of two or more parts (not the API's own /api/... routes), ~ and Windows paths;
# "PID 1234" / "pid=1234" / "process 1234"
_PATH = re.compile(r"""(?<![\w.])(?:[A-Za-z]:\\[^\s'"`]*|~/[^\s'"`]*|/(?!api/)[\w.@+-]+(?:/[\w.@+-]*)+)""")
_PID = re.compile(r"\b(?:PID|pid|process(?: id)?)\s*[=:]?\s*\d+")
_LOCK = re.compile(r"lock", re.IGNORECASE)


def scrub(message: str | None) -> str | None:
    """``message`` without file paths or process ids (replaced by ``<path>`` / ``<pid>``), one line."""
    if message is None:
        return None
    line = message.splitlines()[0][:500] if message else ""
    line = _PID.sub("<pid>", line)
    return _PATH.sub("<path>", line)


class ApiError(Exception):
    """A handler's own refusal: status, the field at fault and a message."""

    def __init__(self, status: int, detail: str, *, field: str | None = None, location: str = "query") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.location = location


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
    issues: list[dict[str, Any]] | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=type_,
        title=_TITLES.get(status, "Error"),
        status=status,
        detail=scrub(detail),
        errors=errors or [],
        issues=issues or [],
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


_UNKNOWN_FIELDS = {
    "Unknown criterion": "weights",
    "Unknown product id": "product_id",
    "Unknown market": "market",
    "Unknown adcode": "adcode",
    "Unknown hub id": "hub_id",
}


def _field_from_message(message: str) -> str | None:
    """Our messages name the parameter in backticks: "Expected a 6-digit `adcode` …"."""
    for prefix, field in _UNKNOWN_FIELDS.items():
        if message.startswith(prefix):
            return field
    match = re.search(r"`([A-Za-z_][A-Za-z0-9_.]*)`", message)
    return match.group(1) if match else None


def _first_line(message: str) -> str:
    return message.splitlines()[0][:500] if message else ""


async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        location = loc[0] if loc else "body"
        field = ".".join(loc[1:]) or location
        errors.append({"location": location, "field": field, "message": str(err.get("msg", "invalid"))})
    fields = ", ".join(e["field"] for e in errors)
    return problem(422, f"Invalid value for: {fields}", errors=errors)


async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
    errors = [{"location": exc.location, "field": exc.field, "message": exc.detail}] if exc.field else []
    return problem(exc.status, exc.detail, errors=errors)


async def _import(_: Request, exc: ImportValidationError) -> JSONResponse:
    return problem(
        422,
        exc.summary,
        issues=[i.to_dict() for i in exc.issues],
        errors=[{"location": "body", "field": "file", "message": exc.summary}],
    )


def _input_problem(request: Request, status: int, exc: Exception) -> JSONResponse:
    message = _first_line(str(exc))
    field = _field_from_message(message)
    location = "body" if request.method in ("POST", "PUT", "PATCH") else "query"
    errors = [{"location": location, "field": field, "message": message}] if field else []
    return problem(status, message, errors=errors)


async def _unknown(request: Request, exc: UnknownReferenceError) -> JSONResponse:
    return _input_problem(request, 404, exc)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    return _input_problem(request, 400, exc)


async def _auth(_: Request, exc: AuthError) -> JSONResponse:
    return problem(401, str(exc), headers={"WWW-Authenticate": "Bearer"})


async def _data(_: Request, exc: Exception) -> JSONResponse:
    log.warning("data/store error: %s", exc)
    message = _first_line(str(exc))
    if _LOCK.search(message):  # e.g. DuckDB's "Could not set lock on file … PID …": say what, not where
        message = "the data store is locked by another process (e.g. a running import or CLI command); retry shortly"
    return problem(409, message)


# when refused logins come faster than TARPIT_RATE a second (server-wide), each further one is answered after
# a pause (a tarpit: the coroutine sleeps, costing nothing), so clients that ignore Retry-After and fire again
# the moment they are answered cannot turn cheap refusals into a thousand requests a second that crowd out
# everyone else's on the event loop. Below that rate, and so for any ordinary client, refusals are answered
# at once. The pause caps such a client at 1 / TARPIT_S requests a second. Measured with
# benchmarks/api_soak.py on 2 cores (issue 21, December 2026), 32 clients firing wrong logins without pause
# plus 8 users doing the same with real work (--closed-loop, 30 s): no pause -> 1,127 refusals/s and the
# users' requests fell to a third (271, p50 499 ms); 1 s -> 68/s, users 801 (p50 73 ms); 0.25 s -> 125/s,
# users 778 (p50 70 ms). With attackers arriving at a fixed 100/s whatever the answers (the open-loop
# soak), a pause does not lower the load at all: it only holds each refusal (1 s: wrong-login p50 1,003 ms)
# and the users' latencies were the same with 1 s, 0.25 s or none. So 0.25 s: the same protection for the
# users, and a person who mistypes during a flood is told "retry after" within about a quarter second.
TARPIT_S = 0.25
TARPIT_RATE = 50
_recent: deque[float] = deque()


async def _refuse(status: int, exc: LoginThrottled | ServerBusy) -> JSONResponse:
    import asyncio
    import time

    now = time.monotonic()
    while _recent and _recent[0] < now - 1.0:
        _recent.popleft()
    _recent.append(now)
    if len(_recent) > TARPIT_RATE:
        await asyncio.sleep(min(TARPIT_S, exc.retry_after))
    return problem(status, str(exc), headers={"Retry-After": str(exc.retry_after)})


async def _throttled(_: Request, exc: LoginThrottled) -> JSONResponse:
    return await _refuse(429, exc)


async def _busy(_: Request, exc: ServerBusy) -> JSONResponse:
    return await _refuse(503, exc)


async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal error; the server log has the details")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(ImportValidationError, _import)  # type: ignore[arg-type]
    app.add_exception_handler(UnknownReferenceError, _unknown)  # type: ignore[arg-type]
    app.add_exception_handler(AuthError, _auth)  # type: ignore[arg-type]
    app.add_exception_handler(LoginThrottled, _throttled)  # type: ignore[arg-type]
    app.add_exception_handler(ServerBusy, _busy)  # type: ignore[arg-type]
    app.add_exception_handler(InvalidInputError, _invalid)
    app.add_exception_handler(ValueError, _invalid)
    app.add_exception_handler(LookupError, _invalid)
    app.add_exception_handler(DataError, _data)
    app.add_exception_handler(StoreError, _data)
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal)


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for problem statuses (media type fixed in the app's openapi())."""
    return {code: {"model": Problem, "description": _TITLES.get(code, "Error")} for code in codes}
