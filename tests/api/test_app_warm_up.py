"""The app starts its cache warm-up when the server starts (its lifespan), without waiting for it, and not
when told not to (``Settings(warm_up=False)``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from qiankua.api import Settings, create_app
from tests.api.conftest import client_for

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """The ASGI lifespan protocol as a server (uvicorn) drives it: start-up, then shut-down."""
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, outbox.put)
    )
    await inbox.put({"type": "lifespan.startup"})
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        assert (await outbox.get())["type"] == "lifespan.shutdown.complete"
        await task


def _warm_up_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "server-warm-up"}


async def _started(settings: Settings) -> set[threading.Thread]:
    """The warm-up threads started while the app ran its lifespan (joined before returning: they stop
    between steps once the app stops)."""
    before = _warm_up_threads()
    app = create_app(settings)
    async with lifespan(app), client_for(app) as client:
        new = _warm_up_threads() - before
        health = await client.get("/api/v1/health")
        assert health.status_code == 200 and health.json()["ok"]  # answered while the warm-up runs
    for thread in new:
        await asyncio.to_thread(thread.join, 120)
        assert not thread.is_alive()
    return new


async def test_the_server_warms_its_caches_at_start_up(tmp_path: Path):
    assert len(await _started(Settings(ui=False, home=tmp_path, multi_user=True))) == 1


async def test_the_warm_up_can_be_turned_off(tmp_path: Path):
    assert await _started(Settings(ui=False, home=tmp_path, multi_user=True, warm_up=False)) == set()


async def test_health_is_warm_only_when_both_warm_ups_ended(tmp_path: Path, monkeypatch):
    """/health ``warm``: false while the costing kernel or the cache warm-up is still running; a failed step
    counts as ended (the server serves either way)."""
    from qiankua.services import quoting, warmup

    app = create_app(Settings(ui=False, home=tmp_path, db=tmp_path / "q.duckdb", warm_up=False))
    async with client_for(app) as client:
        for kernel, caches, warm in [
            ("warm", "warming", False),
            ("warming", "warm", False),
            ("warm", "warm", True),
            ("failed", "failed", True),
            ("warm", "off", True),
        ]:
            monkeypatch.setitem(quoting._WARM, "state", kernel)
            monkeypatch.setitem(warmup._STATE, "state", caches)
            assert (await client.get("/api/v1/health")).json()["warm"] is warm, (kernel, caches)
