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
    assert r.status_code == 422  # the schema states [0, 1]
    assert r.json()["errors"][0]["field"] == "u.1"


@pytest.mark.parametrize(
    "body",
    [
        {"u": [True, 0.3]},  # a boolean is no score
        {"u": ["0.3", 0.3]},  # nor is a string
        {"u": [0.3, 0.3], "extra": 1},
        {"u": [0.3, 0.3], "weights": [0.5, None]},
    ],
)
async def test_coupling_route_is_strict(client: httpx.AsyncClient, body: dict[str, object]) -> None:
    r = await client.post("/api/v1/region/coupling", json=body)
    assert r.status_code == 422, r.text


async def test_coupling_rule_across_fields_is_a_400_naming_it(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/region/coupling", json={"u": [0.3, 0.3], "weights": [0.2, 0.2]})
    assert r.status_code == 400 and "sum to 1" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "city"}, "level"),
        ({"years": "15-24"}, "years"),
        ({"weights": {"no_such_indicator": 1}}, "weights.no_such_indicator.[key]"),
        ({"weights": {"broadband_users": True}}, "weights.broadband_users"),
        ({"subsystem_weights": [0.5, "0.5"]}, "subsystem_weights.1"),
        ({"impute": "mean"}, "impute"),
    ],
)
async def test_evaluate_body_is_strict(client: httpx.AsyncClient, body: dict[str, object], field: str) -> None:
    r = await client.post("/api/v1/region/evaluate", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == field


async def test_evaluate_schema_lists_the_vocabulary() -> None:
    from qiankua.api.region import RegionEvaluateIn
    from qiankua.services.region import indicator_system
    from qiankua.vocabulary import REGION_LEVELS

    schema = RegionEvaluateIn.model_json_schema()
    assert schema["properties"]["level"]["enum"] == list(REGION_LEVELS)
    names = schema["properties"]["weights"]["anyOf"][0]["propertyNames"]["enum"]
    assert names == indicator_system()["indicator"].to_list()


async def test_indicator_system(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/region/indicators")
    assert r.status_code == 200
    subsystems = {row["subsystem"] for row in r.json()}
    assert subsystems == {"digital", "cbec"}
