"""Region routes: the coupling calculator and the indicator system over HTTP, the same documents as the CLI."""

from __future__ import annotations

import httpx
import pytest

from qiankua.services import region

pytestmark = pytest.mark.anyio


async def test_coupling_route_equals_service(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/region/coupling", json={"u": [0.32, 0.29], "weights": [0.5, 0.5]})
    assert r.status_code == 200, r.text
    assert r.json() == region.coupling({"u": [0.32, 0.29], "weights": [0.5, 0.5]})
    assert r.json()["band_zh"] == "勉强协调"


async def test_coupling_route_rejects_out_of_range(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/region/coupling", json={"u": [0.32, 1.5]})
    assert 400 <= r.status_code < 500
    assert "[0, 1]" in r.text


async def test_indicator_system(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/region/indicators")
    assert r.status_code == 200
    subsystems = {row["subsystem"] for row in r.json()}
    assert subsystems == {"digital", "cbec"}
