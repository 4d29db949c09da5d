"""A 32-way wrong-login flood (issue 21 item 1), in process: every guess is answered quickly (checked, throttled
or "busy, retry after"), never more than the gate's threads hash at once, and /health keeps answering
throughout — probed repeatedly, not once. A behaviour check with loose bounds; the soak benchmark measures."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.anyio


async def test_health_answers_throughout_a_flood_and_every_guess_is_answered(multi_app):
    gate = multi_app.state.accounts.gate
    async with client_for(multi_app) as c:

        async def guess(i: int) -> tuple[int, float, str | None]:
            started = time.perf_counter()
            body = {"username": "alice" if i % 2 else f"nobody{i}", "password": f"wrong-guess-{i}"}
            r = await c.post("/api/v1/auth/login", json=body)
            return r.status_code, time.perf_counter() - started, r.headers.get("Retry-After")

        flood = [asyncio.create_task(guess(i)) for i in range(32)]
        health: list[float] = []
        while not all(task.done() for task in flood) or len(health) < 5:
            started = time.perf_counter()
            r = await c.get("/api/v1/health")
            assert r.status_code == 200
            health.append(time.perf_counter() - started)
            await asyncio.sleep(0.02)
        answers = await asyncio.gather(*flood)
    assert max(health) < 2.0, health
    assert all(code in (401, 429, 503) for code, _, _ in answers)
    assert all(took < 10.0 for _, took, _ in answers)
    assert all(retry is not None and int(retry) >= 1 for code, _, retry in answers if code in (429, 503))
    assert 1 <= gate.peak <= gate.concurrency
