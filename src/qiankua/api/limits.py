"""Request bodies refused before they are read: a pure ASGI middleware.

A body larger than the limit is answered ``413`` as soon as its ``Content-Length`` says so —
before FastAPI parses a byte of JSON or multipart — and a body sent without a length (chunked)
is counted as it arrives and cut off at the limit. Uploads (``multipart/form-data``) may carry a
file of :data:`qiankua.services.workspace.MAX_UPLOAD_BYTES` plus the form's framing; every other
body (JSON) at most :data:`MAX_JSON_BYTES`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from qiankua.services.workspace import MAX_UPLOAD_BYTES

__all__ = ["MAX_JSON_BYTES", "MAX_MULTIPART_BYTES", "BodyLimitMiddleware", "body_limit"]

MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_MULTIPART_BYTES = MAX_UPLOAD_BYTES + 256 * 1024  # the file plus the form's boundaries and fields

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _TooLarge(Exception):
    pass


def body_limit(content_type: str) -> int:
    """The largest body accepted for a request of this Content-Type."""
    return MAX_MULTIPART_BYTES if content_type.lower().startswith("multipart/") else MAX_JSON_BYTES


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n // 1024} KiB"


class BodyLimitMiddleware:
    """413 for a request body over :func:`body_limit`, decided on ``Content-Length`` before reading."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        limit = body_limit(headers.get(b"content-type", b"").decode("latin-1"))
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await self._refuse(send, 400, "Content-Length is not a number")
                return
            if declared > limit:
                await self._refuse(send, 413, f"request body of {declared:,} bytes; at most {_mib(limit)} accepted")
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(send, 413, f"request body over {_mib(limit)}")

    @staticmethod
    async def _refuse(send: Send, status: int, detail: str) -> None:
        title = "Payload too large" if status == 413 else "Bad request"
        body = orjson.dumps(
            {"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": [], "issues": []}
        )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
