"""Account administration over REST (issue 21 item 2): the CLI's and the admin page's operations for an
organisation's administrators, on the real app and a real accounts store (multi-user mode)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.anyio

ADMIN = "/api/v1/admin/accounts"
DANA = ("dana", "dana-admin-passphrase")  # administrator of danzhai (alice and bob's organisation)


@pytest.fixture
def app(multi_app):  # type: ignore[no-untyped-def]
    multi_app.state.accounts.store.add_user(*DANA, "danzhai", role="admin")
    return multi_app


@asynccontextmanager
async def _logged_in(app, user: str, password: str) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with client_for(app) as client:
        r = await client.post("/api/v1/auth/login", json={"username": user, "password": password})
        assert r.status_code == 200, r.text
        yield client


async def _login_status(app, user: str, password: str) -> int:  # type: ignore[no-untyped-def]
    async with client_for(app) as c:
        return (await c.post("/api/v1/auth/login", json={"username": user, "password": password})).status_code


async def test_members_are_refused_and_nothing_changes(app):
    async with _logged_in(app, "alice", "alice-password") as alice:
        assert (await alice.get(ADMIN)).status_code == 403
        r = await alice.post(f"{ADMIN}/bob/disable")
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
        assert (await alice.delete(f"{ADMIN}/bob")).status_code == 403
    assert await _login_status(app, "bob", "bob-password-1") == 200
    async with client_for(app) as anonymous:
        assert (await anonymous.get(ADMIN)).status_code == 401


async def test_admin_lists_only_their_organisation(app):
    async with _logged_in(app, *DANA) as dana:
        r = await dana.get(ADMIN)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["org"] == "danzhai"
    users = {u["username"]: u for u in doc["users"]}
    assert set(users) == {"alice", "bob", "dana"}  # carol (leishan) is not theirs
    assert users["dana"]["role"] == "admin" and users["alice"]["disabled"] is False


async def test_disabled_user_cannot_log_in_and_loses_their_session_until_enabled(app, caplog):
    async with _logged_in(app, "alice", "alice-password") as alice, _logged_in(app, *DANA) as dana:
        assert (await alice.get("/api/v1/auth/me")).status_code == 200
        with caplog.at_level(logging.INFO, logger="qiankua.audit"):
            r = await dana.post(f"{ADMIN}/alice/disable")
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True, "action": "disable", "username": "alice", "sessions_ended": None}
        assert (await alice.get("/api/v1/auth/me")).status_code == 401  # her open session ended
        assert await _login_status(app, "alice", "alice-password") == 401
        listed = {u["username"]: u for u in (await dana.get(ADMIN)).json()["users"]}
        assert listed["alice"]["disabled"] is True
        assert (await dana.post(f"{ADMIN}/alice/enable")).status_code == 200
    assert await _login_status(app, "alice", "alice-password") == 200
    audit = [r.getMessage() for r in caplog.records if r.name == "qiankua.audit"]
    assert any("'dana'" in m and "disable 'alice'" in m for m in audit), audit


async def test_revoked_sessions_end(app):
    async with (
        _logged_in(app, "bob", "bob-password-1") as bob1,
        _logged_in(app, "bob", "bob-password-1") as bob2,
        _logged_in(app, *DANA) as dana,
    ):
        r = await dana.post(f"{ADMIN}/bob/revoke-sessions")
        assert r.status_code == 200, r.text
        assert r.json()["sessions_ended"] == 2
        assert (await bob1.get("/api/v1/auth/me")).status_code == 401
        assert (await bob2.get("/api/v1/data/tables")).status_code == 401
        assert (await dana.get("/api/v1/auth/me")).status_code == 200  # only bob's sessions
    assert await _login_status(app, "bob", "bob-password-1") == 200  # he can log in again


async def test_reset_password_checks_the_policy_and_ends_sessions(app):
    async with _logged_in(app, "bob", "bob-password-1") as bob, _logged_in(app, *DANA) as dana:
        weak = await dana.post(f"{ADMIN}/bob/reset-password", json={"password": "12345678"})
        assert weak.status_code == 400, weak.text
        assert (await bob.get("/api/v1/auth/me")).status_code == 200  # nothing changed
        bad = await dana.post(f"{ADMIN}/bob/reset-password", json={"password": 123456789012})
        assert bad.status_code == 422
        r = await dana.post(f"{ADMIN}/bob/reset-password", json={"password": "a new long passphrase for bob"})
        assert r.status_code == 200, r.text
        assert (await bob.get("/api/v1/auth/me")).status_code == 401
    assert await _login_status(app, "bob", "bob-password-1") == 401
    assert await _login_status(app, "bob", "a new long passphrase for bob") == 200


async def test_remove_and_the_limits_of_an_admin(app):
    async with _logged_in(app, *DANA) as dana:
        assert (await dana.delete(f"{ADMIN}/carol")).status_code == 404  # another organisation: as unknown
        assert (await dana.post(f"{ADMIN}/carol/disable")).status_code == 404
        assert (await dana.post(f"{ADMIN}/nobody/enable")).status_code == 404
        assert (await dana.delete(f"{ADMIN}/dana")).status_code == 409  # not their own account
        assert (await dana.post(f"{ADMIN}/dana/disable")).status_code == 409
        r = await dana.delete(f"{ADMIN}/bob")
        assert r.status_code == 200 and r.json()["action"] == "remove"
        assert {u["username"] for u in (await dana.get(ADMIN)).json()["users"]} == {"alice", "dana"}
        added = await dana.post(ADMIN, json={"username": "erin", "password": "erin-long-passphrase"})
        assert added.status_code == 201 and added.json()["action"] == "add"
    assert await _login_status(app, "bob", "bob-password-1") == 401
    assert await _login_status(app, "carol", "carol-password") == 200  # untouched
    assert await _login_status(app, "erin", "erin-long-passphrase") == 200
    async with _logged_in(app, "erin", "erin-long-passphrase") as erin:
        assert (await erin.get("/api/v1/auth/me")).json()["org"] == "danzhai"


async def test_cross_origin_admin_writes_are_refused_unless_bearer(app):
    async with _logged_in(app, *DANA) as dana:
        foreign = {"Origin": "https://evil.example"}
        r = await dana.post(f"{ADMIN}/alice/disable", headers=foreign)
        assert r.status_code == 403
        assert await _login_status(app, "alice", "alice-password") == 200  # not disabled
        token = (await dana.post("/api/v1/auth/tokens", json={"name": "ops"})).json()["token"]
    async with client_for(app) as script:
        bearer = {"Authorization": f"Bearer {token}", **foreign}
        assert (await script.post(f"{ADMIN}/alice/disable", headers=bearer)).status_code == 200
    assert await _login_status(app, "alice", "alice-password") == 401


async def test_admin_routes_are_off_in_local_mode(client):
    r = await client.get(ADMIN)
    assert r.status_code == 409
    assert "multi-user" in r.json()["detail"]
