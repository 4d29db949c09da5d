"""The one web process: FastAPI with the REST API under ``/api/v1`` and NiceGUI pages on ``/``."""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi

from qiankua.api import errors
from qiankua.api.errors import ApiError
from qiankua.services.accounts import Accounts

API_PREFIX = "/api/v1"

DESCRIPTION = """黔跨 qiankua REST API — Guizhou cross-border e-commerce decisions.

Reference data (catalogue, markets, divisions, hubs, sources) are public; user data
(`/data/...`) belong to the caller's organisation. In multi-user mode authenticate with the
session cookie from `POST /auth/login` or `Authorization: Bearer <token>` from `POST /auth/tokens`.
Errors are RFC 9457 problem documents (`application/problem+json`) naming the field at fault.
"""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Server settings, passed explicitly (never global)."""

    multi_user: bool = False
    home: Path | None = None
    db: Path | None = None
    ui: bool = True
    storage_secret: str | None = None
    # cookies marked Secure: True/False, or None = whenever the request came over HTTPS
    secure_cookies: bool | None = None
    # fill the caches the first requests would fill, in a background thread when the server starts
    # (:mod:`qiankua.services.warmup`)
    warm_up: bool = True


def _problem_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Error responses are served as application/problem+json: say so in the schema."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code[:1] in "45" and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
    return schema


def _drop_security(schema: dict[str, Any]) -> None:
    """Local single-user mode needs no credentials: do not advertise any."""
    schema.get("components", {}).pop("securitySchemes", None)
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            operation.pop("security", None)
            operation.get("responses", {}).pop("401", None)


def _documented_paths(app: FastAPI) -> list[tuple[re.Pattern[str], list[str]]]:
    cached = getattr(app.state, "documented_paths", None)
    if cached is None:
        cached = [
            (re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))), list(item))
            for path, item in app.openapi().get("paths", {}).items()
        ]
        app.state.documented_paths = cached
    return cached


DOCS_ASSETS = f"{API_PREFIX}/docs-assets"


def docs_assets_dir() -> Path | None:
    """Swagger UI 5 and ReDoc 2 files shipped by the ``fastapi-offline`` package, when it is installed.

    With them ``/api/v1/docs`` and ``/api/v1/redoc`` work without a network; without them FastAPI's
    pages load the same files from a CDN.
    """
    from importlib.resources import files

    try:
        static = files("fastapi_offline") / "static"
    except ModuleNotFoundError:
        return None
    names = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js")
    return Path(str(static)) if all((static / name).is_file() for name in names) else None


def _install_docs(app: FastAPI, assets: Path) -> None:
    """Serve the docs pages from local files (registered before the API's catch-all route)."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")
    favicon = f"{DOCS_ASSETS}/favicon.png" if (assets / "favicon.png").is_file() else ""

    @app.get(f"{API_PREFIX}/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title=f"{app.title} — Swagger UI",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=favicon,
        )

    @app.get(f"{API_PREFIX}/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title=f"{app.title} — ReDoc",
            redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )


def _warm_up_at_start(app: FastAPI) -> None:
    """Start :func:`qiankua.services.warmup.warm_in_background` when the server starts (the lifespan's
    start, wrapped around the app's own, which NiceGUI wraps in turn): never waited for, never fatal,
    stopped between its steps when the server stops. Off with ``Settings(warm_up=False)``."""
    import threading
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(started: Any) -> AsyncIterator[Any]:
        stop = threading.Event()
        try:
            from qiankua.services.warmup import store_paths, warm_in_background

            accounts: Accounts = started.state.accounts
            warm_in_background(
                lambda: store_paths(multi_user=accounts.multi_user, home=accounts.home, local_db=accounts.local_db),
                stop=stop,
            )
        except Exception:  # a warm-up never stops a server
            logging.getLogger("qiankua.warmup").exception("warm-up not started")
        try:
            async with inner(started) as state:
                yield state
        finally:
            stop.set()

    app.router.lifespan_context = lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. With ``settings.ui`` the NiceGUI pages are mounted too (once per process)."""
    from qiankua.api import accounts, data, engine_routes, reference

    settings = settings or Settings()
    assets = docs_assets_dir()
    app = FastAPI(
        title="qiankua 黔跨 API",
        version="1",
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None if assets else f"{API_PREFIX}/docs",
        redoc_url=None if assets else f"{API_PREFIX}/redoc",
    )
    app.state.settings = settings
    app.state.accounts = Accounts(multi_user=settings.multi_user, home=settings.home, db=settings.db)
    if settings.warm_up:
        _warm_up_at_start(app)
    errors.install(app)
    from qiankua.api import busy  # 503 + Retry-After: import queue full, store not free in time

    busy.install(app)
    from qiankua.api.limits import BodyLimitMiddleware  # inside the security layer: bodies refused unread

    app.add_middleware(BodyLimitMiddleware)
    from qiankua.api.security import SecurityMiddleware

    app.add_middleware(SecurityMiddleware, secure_cookies=settings.secure_cookies)
    if assets is not None:
        _install_docs(app, assets)

    api = APIRouter(prefix=API_PREFIX)
    api.include_router(reference.router)
    api.include_router(data.reference_router)
    api.include_router(data.router)
    api.include_router(accounts.router)
    api.include_router(accounts.admin_router)
    api.include_router(engine_routes.router)
    from qiankua.api import region as region_routes

    api.include_router(region_routes.router)
    from qiankua.api import bonded as bonded_routes

    api.include_router(bonded_routes.router)
    from qiankua.api import scenarios as scenario_routes

    api.include_router(scenario_routes.router)
    from qiankua.api import complexity as complexity_routes

    api.include_router(complexity_routes.router)
    from qiankua.api import orders as orders_routes

    api.include_router(orders_routes.router)
    from qiankua.api import warehouse as warehouse_routes

    api.include_router(warehouse_routes.router)

    @api.api_route(
        "/{rest:path}",
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"],
        include_in_schema=False,
    )
    def _unknown_api_path(rest: str, request: Request) -> Response:
        # reached when no API route matched: 405 if the path exists with other methods, else 404
        path = request.url.path
        allowed = sorted(
            {
                method.upper()
                for pattern, methods in _documented_paths(app)
                if pattern.fullmatch(path)
                for method in methods
            }
        )
        if allowed:
            return errors.problem(
                405,
                f"{request.method} not allowed here; use {', '.join(allowed)}",
                headers={"Allow": ", ".join(allowed)},
            )
        raise ApiError(404, f"no API route /{rest}; see {API_PREFIX}/docs")

    app.include_router(api)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema = _problem_media_types(schema)
            from qiankua.api.busy import declare_answers  # 403/413/503 the middleware and busy handlers give

            schema = declare_answers(schema)
            if not settings.multi_user:
                _drop_security(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    if settings.ui:
        from qiankua.api.auth import SESSION_COOKIE
        from qiankua.web import mount

        mount(app, session_cookie=SESSION_COOKIE, storage_secret=settings.storage_secret)
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the app on uvicorn (blocking). NiceGUI's storage files go under the home directory."""
    import uvicorn

    from qiankua.services.accounts import qiankua_home
    from qiankua.services.quoting import warm_in_background
    from qiankua.settings import use_nicegui_storage

    use_nicegui_storage((settings.home or qiankua_home()) / ".nicegui")
    if settings.secure_cookies is None:  # QIANKUA_SECURE_COOKIES, when the caller did not say
        from dataclasses import replace

        from qiankua.settings import get_settings

        settings = replace(settings, secure_cookies=get_settings().secure_cookies)
    configure_logging()
    # the event loop's thread gives up the GIL at every system call and gets it back only when the worker
    # thread holding it (an engine, an import, the quote batcher) is told to let go: CPython asks after
    # the switch interval, 5 ms by default, so a request's handful of system calls could wait tens of ms.
    # 1 ms (measured beside two busy threads: p99 of 8 system calls 65-80 ms at 5 ms, 14-17 ms at 1 ms)
    sys.setswitchinterval(0.001)
    warm_in_background()  # the costing kernel loads while the server starts; quotes work meanwhile
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)


def configure_logging() -> None:
    """INFO and above to stderr, written by a thread of its own (``QueueListener``): the server logs every
    throttled login, and a flood of them must not make the event loop wait on writes to the log."""
    import atexit
    import queue
    from logging.handlers import QueueHandler, QueueListener

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger()
    if any(isinstance(h, QueueHandler) for h in root.handlers):
        return
    handlers = list(root.handlers)
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = QueueListener(records, *handlers, respect_handler_level=True)
    for handler in handlers:
        root.removeHandler(handler)
    root.addHandler(QueueHandler(records))
    listener.start()
    atexit.register(listener.stop)
