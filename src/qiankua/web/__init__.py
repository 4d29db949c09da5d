"""NiceGUI pages on the same FastAPI app — thin: read the request, call services, draw.

``mount(app, session_cookie=..., storage_secret=...)`` adds the language switch and the login/logout
routes to the FastAPI app, registers the pages and mounts NiceGUI with ``ui.run_with`` (once per
process). The API builds the app and calls it; nothing here imports :mod:`qiankua.api`.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from nicegui import ui

from qiankua.exceptions import QiankuaError
from qiankua.i18n import t
from qiankua.services.accounts import SESSION_DAYS, Accounts, AuthError
from qiankua.web import engine_pages, pages
from qiankua.web.context import LANG_COOKIE, lang_of, safe_next
from qiankua.web.layout import NAV, Page, frame, nav_title

# the page at each navigation path
PAGES: dict[str, Callable[[Page], Any]] = {
    "/": pages.overview_page,
    "/data": pages.data_page,
    **engine_pages.PAGES,
}
assert set(PAGES) == {path for path, _, _ in NAV}, "every navigation entry has a page"

_MOUNTED = False


def _login_html(lang: str, next_url: str, failed: bool) -> str:
    err = f'<p class="err" id="login-error">{html.escape(t("web.login.failed", lang))}</p>' if failed else ""
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
            identity = accounts.identify(session=request.cookies.get(session_cookie))
            if identity is None:
                return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
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
    def web_login(
        username: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=256)],
        next: Annotated[str, Form(max_length=500)] = "/",
    ) -> RedirectResponse:
        if accounts.store is None:
            return RedirectResponse("/", status_code=303)
        try:
            identity = accounts.store.verify_password(username, password)
        except AuthError:
            return RedirectResponse(f"/login?failed=1&next={quote(safe_next(next))}", status_code=303)
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(
            session_cookie,
            accounts.store.create_session(identity),
            httponly=True,
            samesite="lax",
            max_age=SESSION_DAYS * 86400,
        )
        return response

    @app.get("/auth/web-logout", include_in_schema=False)
    def web_logout(request: Request) -> RedirectResponse:
        if accounts.store is not None:
            accounts.store.end_session(request.cookies.get(session_cookie))
        response = RedirectResponse("/login" if accounts.multi_user else "/", status_code=303)
        response.delete_cookie(session_cookie)
        return response

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
