"""NiceGUI pages on the same FastAPI app — thin: read the request, call services, draw.

``mount(app, session_cookie=..., storage_secret=...)`` adds the language switch and the login/logout
routes to the FastAPI app, registers the pages and mounts NiceGUI with ``ui.run_with`` (once per
process). The API builds the app and calls it; nothing here imports :mod:`qiankua.api`.

Sessions really end (issue 21): every open page (NiceGUI client) is registered with the session
that opened it. When a session ends — logout (a POST; ``GET /auth/web-logout`` only shows the
confirmation form), an administrator disabling the account, resetting its password, revoking its
sessions or removing it, in this process or from the CLI (found by a sweep every few seconds) —
its pages are sent to the login page and deleted, and :class:`UploadGuard` refuses NiceGUI's upload
route unless the request carries the live session cookie of the page it uploads to.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from nicegui import Client, ui
from nicegui import app as nicegui_app
from starlette.concurrency import run_in_threadpool

from qiankua.exceptions import QiankuaError
from qiankua.i18n import t
from qiankua.services.accounts import SESSION_DAYS, Accounts, AccountStore, AuthError, session_key
from qiankua.services.throttle import LoginThrottled, ServerBusy
from qiankua.web import admin_page, engine_pages, pages
from qiankua.web.context import LANG_COOKIE, client_address, lang_of, safe_next, set_accounts
from qiankua.web.layout import NAV, Page, frame, nav_title

log = logging.getLogger("qiankua.web")
SWEEP_SECONDS = 3.0

# the page at each navigation path
PAGES: dict[str, Callable[[Page], Any]] = {
    "/": pages.overview_page,
    "/data": pages.data_page,
    **engine_pages.PAGES,
    "/admin": admin_page.admin_page,
}
assert set(PAGES) == {path for path, _, _ in NAV}, "every navigation entry has a page"

_MOUNTED = False


@dataclass(frozen=True, slots=True)
class _Tab:
    session_hash: str
    username: str


# open pages of multi-user sessions: NiceGUI client id -> the session that opened it
_TABS: dict[str, _Tab] = {}
_LOOP: list[asyncio.AbstractEventLoop] = []


def _close_now(client_id: str) -> None:
    """Send one page to the login form and delete it (on the event loop)."""
    _TABS.pop(client_id, None)
    client = Client.instances.get(client_id)
    if client is None or client.is_deleted:
        return
    with contextlib.suppress(Exception):
        client.run_javascript("window.location.replace('/login')")
    asyncio.get_running_loop().call_later(1.0, lambda: None if client.is_deleted else client.delete())
    log.info("closed web page %s: its session ended", client_id)


def close_tabs(username: str | None, session_hash: str | None) -> int:
    """Close the open pages of a session (or of every session of ``username``); thread-safe."""
    ids = [
        cid
        for cid, tab in list(_TABS.items())
        if (session_hash is not None and tab.session_hash == session_hash)
        or (username is not None and tab.username == username)
    ]
    for cid in ids:
        _TABS.pop(cid, None)
        if _LOOP:
            _LOOP[0].call_soon_threadsafe(_close_now, cid)
    return len(ids)


def _live_sessions(store: AccountStore, hashes: set[str]) -> set[str]:
    return {h for h in hashes if store.session_hash_identity(h) is not None}


async def _sweep(accounts: Accounts) -> None:
    """Close pages whose session ended elsewhere (``qiankua account revoke-sessions`` in another process)."""
    assert accounts.store is not None
    store = accounts.store
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        tabs = list(_TABS.items())
        if not tabs:
            continue
        hashes = {tab.session_hash for _, tab in tabs}
        with contextlib.suppress(Exception):
            live = await asyncio.to_thread(_live_sessions, store, hashes)
            for cid, tab in tabs:
                if tab.session_hash not in live:
                    _close_now(cid)


_UPLOAD_PATH = re.compile(r"^/_nicegui/client/([^/]+)/upload/")


class UploadGuard:
    """NiceGUI authorises its upload route by the client id in the URL only: also require the live
    session cookie of the page's own session (multi-user) or an existing page (local). Cross-origin
    uploads are refused before this by :mod:`qiankua.api.security`."""

    def __init__(self, app: Any, *, accounts: Accounts, session_cookie: str) -> None:
        self.app = app
        self.accounts = accounts
        self.session_cookie = session_cookie

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        match = _UPLOAD_PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match is not None and not await self._allowed(match.group(1), Request(scope)):
            log.warning("upload refused for page %s: no live session of that page", match.group(1))
            response = JSONResponse(
                {"title": "Forbidden", "status": 403, "detail": "upload refused: log in again"},
                status_code=403,
                media_type="application/problem+json",
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _allowed(self, client_id: str, request: Request) -> bool:
        if client_id not in Client.instances:
            return False
        if not self.accounts.multi_user:
            return True
        tab = _TABS.get(client_id)
        cookie = request.cookies.get(self.session_cookie)
        if tab is None or not cookie or session_key(cookie) != tab.session_hash:
            return False
        store = self.accounts.store
        assert store is not None
        return await asyncio.to_thread(store.session_hash_identity, tab.session_hash) is not None


def _logout_html(lang: str) -> str:
    return f"""<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<title>{html.escape(t("web.title", lang))}</title></head><body style="font-family:sans-serif;padding:10vh 2em">
<form method="post" action="/auth/web-logout"><p>{html.escape(t("web.logout.confirm", lang))}</p>
<button type="submit" id="logout-submit">{html.escape(t("web.logout", lang))}</button>
<a href="/">{html.escape(t("web.nav.overview", lang))}</a></form></body></html>"""


def _login_html(lang: str, next_url: str, failed: bool, message: str | None = None) -> str:
    text = message or (t("web.login.failed", lang) if failed else None)
    err = f'<p class="err" id="login-error">{html.escape(text)}</p>' if text else ""
    other = "en" if lang == "zh" else "zh"
    return f"""<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(t("web.title", lang))}</title>
<style>body{{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;background:#f4f6f8;display:flex;justify-content:center;
padding-top:10vh}}form{{background:#fff;padding:2em;border-radius:8px;box-shadow:0 1px 4px #0002;min-width:300px}}
label{{display:block;margin-top:1em}}input{{width:100%;padding:.5em;box-sizing:border-box}}button{{margin-top:1.5em;
width:100%;padding:.6em;background:#b71c1c;color:#fff;border:0;border-radius:4px}}.err{{color:#b71c1c}}</style></head>
<body><form method="post" action="/auth/web-login"><h2>{html.escape(t("web.brand", lang))} · {html.escape(t("web.login.title", lang))}</h2>{err}
<input type="hidden" name="next" value="{html.escape(next_url)}">
<label>{html.escape(t("web.login.username", lang))}<input name="username" id="username" autocomplete="username" required></label>
<label>{html.escape(t("web.login.password", lang))}<input name="password" id="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="login-submit">{html.escape(t("web.login.submit", lang))}</button>
<p><a href="/lang/{other}?next=/login">{html.escape(t("web.lang.switch", lang))}</a></p></form></body></html>"""


def register(accounts: Accounts, session_cookie: str) -> None:
    """Register every page of :data:`PAGES`, each behind the login (called once, from :func:`mount`)."""

    def guarded(path: str, build: Callable[[Page], Any]) -> None:
        async def handler(request: Request) -> Any:
            cookie = request.cookies.get(session_cookie)
            # multi-user: a sqlite read, off the event loop (local mode: no read, no thread)
            identity = (
                await run_in_threadpool(accounts.identify, session=cookie)
                if accounts.multi_user
                else accounts.identify(session=cookie)
            )
            if identity is None:
                return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
            if accounts.multi_user:
                client = ui.context.client
                _TABS[client.id] = _Tab(session_key(cookie or ""), identity.username)
                client.on_delete(lambda cid=client.id: _TABS.pop(cid, None))
            page = Page(lang_of(request), identity, accounts.workspace(identity), accounts.multi_user, path)
            ui.page_title(f"{nav_title(page, path)} · {page.t('web.title')}")
            frame(page)
            with ui.column().classes("w-full q-pa-md") as body:
                try:
                    result = build(page)
                    if hasattr(result, "__await__"):
                        await result
                except QiankuaError as exc:  # e.g. reference data being rebuilt: say so, never a 500 page
                    body.clear()
                    with body:
                        ui.label(page.t("web.error", message=str(exc).splitlines()[0])).classes("text-negative").props(
                            'id="page-error"'
                        )
            return None

        handler.__name__ = f"page_{path.strip('/') or 'overview'}"
        ui.page(path)(handler)

    for path, build in PAGES.items():
        guarded(path, build)


def mount(app: FastAPI, *, session_cookie: str, storage_secret: str | None = None) -> None:
    """Add the web pages to ``app`` (its ``state.accounts`` says who may see them); once per process."""
    global _MOUNTED
    if _MOUNTED:
        raise RuntimeError("the NiceGUI pages are mounted once per process")
    _MOUNTED = True
    accounts = app.state.accounts

    @app.get("/lang/{code}", include_in_schema=False)
    def set_lang(code: str, next: str = "/") -> RedirectResponse:
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(LANG_COOKIE, "en" if code == "en" else "zh", max_age=365 * 86400, samesite="lax")
        return response

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/", failed: int = 0) -> HTMLResponse:
        return HTMLResponse(_login_html(lang_of(request), safe_next(next), bool(failed)))

    @app.post("/auth/web-login", include_in_schema=False)
    async def web_login(
        request: Request,
        username: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=256)],
        next: Annotated[str, Form(max_length=500)] = "/",
    ) -> Any:
        if accounts.store is None:
            return RedirectResponse("/", status_code=303)
        lang = lang_of(request)
        try:
            identity = await accounts.login(username, password, address=client_address(request))
        except AuthError:
            return RedirectResponse(f"/login?failed=1&next={quote(safe_next(next))}", status_code=303)
        except LoginThrottled as exc:
            message = t("web.login.throttled", lang, seconds=exc.retry_after)
            body = _login_html(lang, safe_next(next), False, message)
            return HTMLResponse(body, status_code=429, headers={"Retry-After": str(exc.retry_after)})
        except ServerBusy as exc:
            body = _login_html(lang, safe_next(next), False, t("web.login.busy", lang))
            return HTMLResponse(body, status_code=503, headers={"Retry-After": str(exc.retry_after)})
        session = await run_in_threadpool(accounts.store.create_session, identity)  # a sqlite write: off the loop
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(
            session_cookie,
            session,
            httponly=True,
            samesite="lax",
            max_age=SESSION_DAYS * 86400,
        )
        return response

    @app.get("/auth/web-logout", include_in_schema=False)
    def web_logout_form(request: Request) -> HTMLResponse:
        # a GET changes nothing (any page could link here): it shows the POST form
        return HTMLResponse(_logout_html(lang_of(request)))

    @app.post("/auth/web-logout", include_in_schema=False)
    def web_logout(request: Request) -> RedirectResponse:
        if accounts.store is not None:
            accounts.store.end_session(request.cookies.get(session_cookie))  # its pages close (listener)
        response = RedirectResponse("/login" if accounts.multi_user else "/", status_code=303)
        response.delete_cookie(session_cookie)
        return response

    set_accounts(accounts)
    if accounts.store is not None:
        accounts.store.listeners.append(close_tabs)

        async def start_sweep() -> None:
            _LOOP[:] = [asyncio.get_running_loop()]
            nicegui_app.state.qiankua_sweep = asyncio.create_task(_sweep(accounts))

        nicegui_app.on_startup(start_sweep)
    else:
        nicegui_app.on_startup(lambda: _LOOP.__setitem__(slice(None), [asyncio.get_running_loop()]))
    app.add_middleware(UploadGuard, accounts=accounts, session_cookie=session_cookie)
    register(accounts, session_cookie)
    ui.run_with(
        app,
        title="黔跨 qiankua",
        favicon="🌄",
        language="zh-CN",
        storage_secret=storage_secret or secrets.token_urlsafe(32),
        show_welcome_message=False,
        reconnect_timeout=10.0,
    )
