"""NiceGUI pages on the same FastAPI app — thin: read the request, call services, draw.

``mount(app, settings)`` adds the language switch and the login/logout routes to the
FastAPI app, registers the pages and mounts NiceGUI with ``ui.run_with`` (once per process).
"""

from __future__ import annotations

import html
import secrets
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from qiankua.i18n import t
from qiankua.web.context import LANG_COOKIE, lang_of, safe_next

if TYPE_CHECKING:
    from qiankua.api.app import Settings

_MOUNTED = False


def _login_html(lang: str, next_url: str, failed: bool) -> str:
    err = f'<p class="err" id="login-error">{html.escape(t("web.login.failed", lang))}</p>' if failed else ""
    other = "en" if lang == "zh" else "zh"
    return f"""<!doctype html><html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
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


def mount(app: FastAPI, settings: Settings) -> None:
    global _MOUNTED
    from nicegui import ui

    from qiankua.api.auth import SESSION_COOKIE
    from qiankua.services.accounts import SESSION_DAYS, AuthError
    from qiankua.web import pages

    if _MOUNTED:
        raise RuntimeError("the NiceGUI pages are mounted once per process")
    _MOUNTED = True
    accounts = app.state.accounts

    @app.get("/lang/{code}", include_in_schema=False)
    def set_lang(code: str, next: str = "/") -> RedirectResponse:  # noqa: A002
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(LANG_COOKIE, "en" if code == "en" else "zh", max_age=365 * 86400, samesite="lax")
        return response

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/", failed: int = 0) -> HTMLResponse:  # noqa: A002
        return HTMLResponse(_login_html(lang_of(request), safe_next(next), bool(failed)))

    @app.post("/auth/web-login", include_in_schema=False)
    def web_login(username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
                  next: Annotated[str, Form(max_length=500)] = "/") -> RedirectResponse:  # noqa: A002
        if accounts.store is None:
            return RedirectResponse("/", status_code=303)
        try:
            identity = accounts.store.verify_password(username, password)
        except AuthError:
            return RedirectResponse(f"/login?failed=1&next={quote(safe_next(next))}", status_code=303)
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(SESSION_COOKIE, accounts.store.create_session(identity), httponly=True,
                            samesite="lax", max_age=SESSION_DAYS * 86400)
        return response

    @app.get("/auth/web-logout", include_in_schema=False)
    def web_logout(request: Request) -> RedirectResponse:
        if accounts.store is not None:
            accounts.store.end_session(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login" if accounts.multi_user else "/", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    pages.register(accounts)
    ui.run_with(
        app,
        title="黔跨 qiankua",
        favicon="🌄",
        language="zh-CN",
        storage_secret=settings.storage_secret or secrets.token_urlsafe(32),
        show_welcome_message=False,
        reconnect_timeout=10.0,
    )
