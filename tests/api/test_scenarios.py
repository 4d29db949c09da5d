"""Saved scenarios over the API (issue 20 item 8): save, list, reload, compare, delete; per user."""

import httpx
import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.anyio

QUOTE = {"market": "DE", "product_id": "duyun-maojian-250g", "price": 30}


async def test_save_reload_compare_delete(client: httpx.AsyncClient) -> None:
    ids = []
    for price in (30, 45):
        r = await client.post(
            "/api/v1/scenarios", json={"kind": "quote", "name": f"茶 {price}", "inputs": {**QUOTE, "price": price}}
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    listed = (await client.get("/api/v1/scenarios")).json()["scenarios"]
    assert [s["id"] for s in listed] == ids[::-1] and "result" not in listed[0]
    shown = (await client.get(f"/api/v1/scenarios/{ids[0]}")).json()
    assert shown["result"]["per_unit"]["price"] == 30.0 and shown["inputs"] == QUOTE
    # the stored result is the quote endpoint's answer for the same inputs
    live = (await client.post("/api/v1/quote", json=QUOTE)).json()
    assert shown["result"]["per_unit"] == live["per_unit"]
    cmp = (await client.post("/api/v1/scenarios/compare", json={"ids": ids})).json()
    margin = next(m for m in cmp["metrics"] if m["key"] == "margin")
    assert margin["best"] == 1 and margin["label_zh"] == "利润率"
    assert (await client.delete(f"/api/v1/scenarios/{ids[0]}")).json() == {"ok": True, "deleted": ids[0]}
    assert (await client.get(f"/api/v1/scenarios/{ids[0]}")).status_code == 404


async def test_bad_requests_are_problems(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/scenarios", json={"kind": "forecast", "name": "x", "inputs": {}})
    assert r.status_code == 422
    r = await client.post("/api/v1/scenarios", json={"kind": "quote", "name": "neg", "inputs": {**QUOTE, "price": -5}})
    assert r.status_code in (400, 422) and r.headers["content-type"].startswith("application/problem+json")
    r = await client.post("/api/v1/scenarios/compare", json={"ids": [1]})
    assert r.status_code == 422
    r = await client.post("/api/v1/scenarios/compare", json={"ids": [998, 999]})
    assert r.status_code == 404
    assert (await client.get("/api/v1/scenarios")).json() == {"scenarios": []}


async def test_scenarios_belong_to_their_user(multi_app) -> None:  # type: ignore[no-untyped-def]
    async with client_for(multi_app) as alice, client_for(multi_app) as bob:
        for c, (user, pw) in ((alice, ("alice", "alice-password")), (bob, ("bob", "bob-password-1"))):
            r = await c.post("/api/v1/auth/login", json={"username": user, "password": pw})
            assert r.status_code == 200, r.text
        saved = await alice.post("/api/v1/scenarios", json={"kind": "quote", "name": "a", "inputs": QUOTE})
        assert saved.status_code == 201, saved.text
        sid = saved.json()["id"]
        assert (await bob.get("/api/v1/scenarios")).json() == {"scenarios": []}
        assert (await bob.get(f"/api/v1/scenarios/{sid}")).status_code == 404
        assert (await bob.delete(f"/api/v1/scenarios/{sid}")).status_code == 404
        assert [s["id"] for s in (await alice.get("/api/v1/scenarios")).json()["scenarios"]] == [sid]
