"""Request bodies over the limit are refused on their Content-Length, before a byte is read (issue 21)."""

from __future__ import annotations

import pytest

from qiankua.api.limits import MAX_JSON_BYTES, MAX_MULTIPART_BYTES, BodyLimitMiddleware

pytestmark = pytest.mark.anyio


async def _call(headers: list[tuple[bytes, bytes]], chunks: list[bytes], method: str = "POST"):  # type: ignore[no-untyped-def]
    """Run the middleware around an app that reads the whole body; returns (status, app reached, bytes read)."""
    reached = []
    read = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        reached.append(True)
        while True:
            message = await receive()
            read.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive():  # type: ignore[no-untyped-def]
        return queue.pop(0)

    sent = []

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/api/v1/quote", "headers": headers}
    await BodyLimitMiddleware(app)(scope, receive, send)
    return sent[0]["status"], bool(reached), sum(read)


@pytest.mark.parametrize(
    ("content_type", "size", "status"),
    [
        (b"application/json", 50 * 1024 * 1024, 413),  # the 50 MB JSON body of the report
        (b"multipart/form-data; boundary=x", 100 * 1024 * 1024, 413),  # the 100 MB upload
        (b"application/json", MAX_JSON_BYTES, 200),
        (b"multipart/form-data; boundary=x", MAX_MULTIPART_BYTES, 200),
    ],
)
async def test_content_length_decides_before_the_body_is_read(content_type, size, status):
    headers = [(b"content-type", content_type), (b"content-length", str(size).encode())]
    got, reached, _ = await _call(headers, [b"{}"])
    assert got == status and reached == (status == 200)


async def test_a_body_without_length_is_cut_off_at_the_limit():
    chunk = b"x" * (1024 * 1024)
    got, reached, read = await _call([(b"content-type", b"application/json")], [chunk] * 5)
    assert got == 413 and reached and read <= MAX_JSON_BYTES + len(chunk)


async def test_an_unreadable_length_is_400():
    got, reached, _ = await _call([(b"content-length", b"lots")], [b""])
    assert got == 400 and not reached


async def test_the_app_refuses_a_large_json_body_with_a_problem(client):
    r = await client.post(
        "/api/v1/quote",
        content=b"[" + b"1," * (MAX_JSON_BYTES // 2 + 10) + b"1]",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["status"] == 413
