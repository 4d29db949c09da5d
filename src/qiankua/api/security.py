"""Security middleware: response headers, cross-origin (CSRF) refusal, cookie flags.

Every HTTP response gets ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
``Referrer-Policy: same-origin``, ``Cross-Origin-Opener-Policy``, ``Permissions-Policy`` and a
Content-Security-Policy with ``frame-ancestors 'none'``. HTML pages get a per-response nonce on
each of their own ``<script>`` tags (NiceGUI's page template, the login page, the API docs); no
other inline script runs, and no inline event handler (``<img onerror=…>``) either. NiceGUI needs
``'unsafe-eval'`` (it evaluates element props and ``run_javascript`` code) and inline styles (Quasar
sets ``style`` attributes), so those two stay allowed. JSON and file responses get
``default-src 'none'``.

Cross-origin writes (CSRF): a state-changing request (POST, PUT, PATCH, DELETE) not carrying a
Bearer token is refused with 403 when a browser marks it cross-origin — ``Sec-Fetch-Site`` other
than ``same-origin``/``none``, or an ``Origin`` (else ``Referer``) whose host is not this server's
``Host`` — unless it carries ``X-CSRF-Token`` equal to the ``qk_csrf`` cookie. Requests without
any of those headers do not come from a browser (curl, scripts), so they cannot be forged by a
web page and pass; this is the algorithm of Go's ``net/http.CrossOriginProtection`` (Go 1.25).
The check covers logins (login CSRF), local single-user mode (no cookie at all) and NiceGUI's
upload route. WebSocket handshakes with a foreign ``Origin`` are refused too.

Cookies: with ``secure_cookies`` on — or, when unset, on requests that came over HTTPS — every
``Set-Cookie`` the app sends (ours and NiceGUI's) gets the ``Secure`` flag; ``Strict-Transport-Security``
is sent on HTTPS responses.
"""

from __future__ import annotations

import gzip
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "qk_csrf"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
_STATIC_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
_SCRIPT_TAG = re.compile(rb"<script(?![^>]*\bnonce=)", re.IGNORECASE)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header counts as no cookies
        return {}
    return {k: m.value for k, m in jar.items()}


def _host_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parts.netloc.lower() if parts.scheme in ("http", "https") and parts.netloc else None


def cross_origin(headers: dict[str, str]) -> bool:
    """Whether a browser marked this request as coming from another origin (see the module docstring)."""
    host = headers.get("host", "").lower()
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is not None:
        return _host_of(origin) != host  # "null" and garbage are foreign
    referer = headers.get("referer")
    if referer is not None:
        return _host_of(referer) != host
    return False  # no browser headers: not a browser, cannot be a forged cross-site request


def csrf_token_ok(headers: dict[str, str], cookies: dict[str, str], supplied: str | None = None) -> bool:
    """Whether the request carries the ``qk_csrf`` cookie's value in ``X-CSRF-Token`` (or ``supplied``)."""
    expected = cookies.get(CSRF_COOKIE, "")
    given = supplied if supplied is not None else headers.get(CSRF_HEADER, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def _refuse(status: int, detail: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = orjson.dumps(
        {"type": "about:blank", "title": "Forbidden", "status": status, "detail": detail, "errors": [], "issues": []}
    )
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    return headers, body


class SecurityMiddleware:
    """Pure ASGI middleware (streaming-safe) applying the rules of this module."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool | None = None) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            headers = _headers(scope)
            origin = headers.get("origin")
            if origin is not None and _host_of(origin) != headers.get("host", "").lower():
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        cookies = _cookies(headers)
        https = scope.get("scheme") == "https"
        secure = self.secure_cookies if self.secure_cookies is not None else https
        bearer = headers.get("authorization", "").lower().startswith("bearer ")
        if (
            scope["method"] in UNSAFE_METHODS
            and not bearer
            and cross_origin(headers)
            and not csrf_token_ok(headers, cookies)
        ):
            extra, body = _refuse(403, "cross-origin request refused (Origin/Referer is not this site; no CSRF token)")
            await self._send_whole(send, 403, extra, body, secure=secure, https=https, nonce=None)
            return
        # NiceGUI's pages are gzipped inside (its own sub-app): ask pages uncompressed, add nonces, gzip here
        wants_gzip = False
        wants_html = "text/html" in headers.get("accept", "")
        if wants_html:
            wants_gzip = "gzip" in headers.get("accept-encoding", "")
            scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        # the nonce and a new CSRF cookie only for pages: an API request makes no os.urandom call, which (like
        # any system call on the event loop's thread) would give up the GIL and wait to get it back
        nonce = secrets.token_urlsafe(18) if wants_html else ""
        if nonce:
            scope.setdefault("state", {})["csp_nonce"] = nonce
        start: Message | None = None
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            nonlocal start, nonce
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                is_html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in raw)
                if is_html and not nonce:
                    nonce = secrets.token_urlsafe(18)
                raw = self._decorate(raw, secure=secure, https=https, nonce=nonce if is_html else None)
                if is_html and not cookies.get(CSRF_COOKIE):
                    flags = "; Path=/; SameSite=Strict" + ("; Secure" if secure else "")
                    raw.append((b"set-cookie", f"{CSRF_COOKIE}={secrets.token_urlsafe(24)}{flags}".encode()))
                message["headers"] = raw
                if is_html:
                    start = message  # hold it: the body gets nonces, so its length changes
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                encoded = any(k.lower() == b"content-encoding" and v.strip() == b"gzip" for k, v in start["headers"])
                if encoded:
                    body = gzip.decompress(body)
                body = _SCRIPT_TAG.sub(b'<script nonce="' + nonce.encode() + b'"', body)
                drop = {b"content-length", b"content-encoding"}
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() not in drop]
                if (wants_gzip or encoded) and len(body) > 1024:
                    body = gzip.compress(body, compresslevel=5)
                    start["headers"] += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
                start["headers"].append((b"content-length", str(len(body)).encode()))
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, wrapped)

    def _decorate(
        self, raw: list[tuple[bytes, bytes]], *, secure: bool, https: bool, nonce: str | None
    ) -> list[tuple[bytes, bytes]]:
        out: list[tuple[bytes, bytes]] = []
        for key, value in raw:
            if key.lower() == b"set-cookie" and secure and b"secure" not in value.lower():
                value += b"; Secure"
            out.append((key, value))
        present = {k.lower() for k, _ in out}
        out.extend(h for h in _STATIC_HEADERS if h[0] not in present)
        if b"content-security-policy" not in present:
            csp = _PAGE_CSP.format(nonce=nonce) if nonce else _DATA_CSP
            out.append((b"content-security-policy", csp.encode()))
        if https:
            out.append((b"strict-transport-security", b"max-age=31536000"))
        return out

    async def _send_whole(
        self,
        send: Send,
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        *,
        secure: bool,
        https: bool,
        nonce: str | None,
    ) -> None:
        raw = self._decorate(headers, secure=secure, https=https, nonce=nonce)
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body, "more_body": False})
