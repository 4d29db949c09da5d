"""Logging in writes the session to the accounts store (sqlite) off the event loop, and otherwise behaves as
before: the same cookie, the same answer, a session that works (issue 21)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from qiankua.services.accounts import AccountStore
from tests.api.conftest import client_for

pytestmark = pytest.mark.anyio


def _on_the_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def record_threads(store: AccountStore, name: str) -> list[bool]:
    """Record, for each call of the real ``store.<name>``, whether it ran on an event loop's thread."""
    real = getattr(store, name)
    calls: list[bool] = []

    def recorded(*args: Any, **kwargs: Any) -> Any:
        calls.append(_on_the_loop())
        return real(*args, **kwargs)

    setattr(store, name, recorded)
    return calls


async def test_the_session_is_written_off_the_event_loop(multi_app):
    store: AccountStore = multi_app.state.accounts.store
    calls = record_threads(store, "create_session")
    async with client_for(multi_app) as c:
        r = await c.post("/api/v1/auth/login", json={"username": "alice", "password": "alice-password"})
        assert r.status_code == 200, r.text
        assert calls == [False]  # written once, on a worker thread
        body = r.json()
        assert body["username"] == "alice" and body["org"] == "danzhai"
        assert c.cookies.get("qk_session") == body["session"]  # the cookie is the session created
        me = await c.get("/api/v1/auth/me")
        assert me.status_code == 200 and me.json()["username"] == "alice"
    assert store.session_identity(body["session"]) is not None


async def test_a_wrong_password_still_writes_no_session(multi_app):
    store: AccountStore = multi_app.state.accounts.store
    calls = record_threads(store, "create_session")
    async with client_for(multi_app) as c:
        r = await c.post("/api/v1/auth/login", json={"username": "alice", "password": "wrong-password"})
    assert r.status_code == 401 and calls == []
    assert "qk_session" not in r.headers.get("set-cookie", "")
