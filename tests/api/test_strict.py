"""Strict request bodies (issue 21 item 8): the warehouse, trade, region and scenarios routes accept what
their OpenAPI schema says and nothing else — no booleans or strings for numbers, ISO dates only, enums of
the vocabulary, rules across fields stated in the schema — and /scenarios/compare is not read as an id."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import Field, ValidationError

from qiankua.api import Settings, create_app
from qiankua.api.strict import IsoDate, StrictModel, iso_date
from tests.api.conftest import client_for

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def strict_app(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One app for the module (nothing here writes to its store): building one per case costs seconds."""
    home = tmp_path_factory.mktemp("strict")
    return create_app(Settings(ui=False, home=home, db=home / "local.duckdb"))


@pytest.fixture
async def client(strict_app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with client_for(strict_app) as c:
        yield c


class _Probe(StrictModel):
    n: int
    m: int | None = None
    ids: list[int] = Field(default_factory=list)
    x: float = 0.0
    on: IsoDate | None = None


@pytest.mark.parametrize(
    "data",
    [
        {"n": True},
        {"n": "3"},
        {"n": 3.5},
        {"n": 1, "m": False},
        {"n": 1, "ids": [1, True]},
        {"n": 1, "x": True},
        {"n": 1, "x": "1.5"},
        {"n": 1, "on": "2024-1-5"},
        {"n": 1, "on": "2024-02-30"},
        {"n": 1, "on": 1_700_000_000},
        {"n": 1, "on": "1850-01-01"},
        {"n": 1, "extra": 1},
    ],
)
def test_strict_model_refuses_coercions(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _Probe.model_validate(data)


def test_strict_model_takes_json_whole_numbers_and_iso_dates() -> None:
    # JSON Schema counts 3.0 as an integer, and a JSON parser gives a float for it
    got = _Probe.model_validate({"n": 3.0, "m": 2.0, "ids": [1.0, 2], "x": 2, "on": "2024-02-29"})
    assert (got.n, got.m, got.ids, got.x, got.on) == (3, 2, [1, 2], 2.0, dt.date(2024, 2, 29))
    assert type(got.n) is int and type(got.ids[0]) is int
    assert iso_date(dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)
    schema = _Probe.model_json_schema()["properties"]["on"]["anyOf"][0]
    assert schema["format"] == "date" and schema["pattern"].startswith("^(19|20)")


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/warehouse/policy", {"mean_demand": 10, "sd_demand": 3, "lead_time": True}),
        ("/api/v1/warehouse/policy", {"mean_demand": 10, "sd_demand": 3, "lead_time": 30, "order_cost": False}),
        ("/api/v1/warehouse/policy", {"mean_demand": 0, "sd_demand": 0, "lead_time": 0, "fill_rate": True}),
        ("/api/v1/warehouse/newsvendor", {"mean": 100, "sd": 30, "unit_holding": 0, "unit_shortage": 0}),
        ("/api/v1/warehouse/newsvendor", {"mean": "100", "sd": 30, "unit_holding": 2, "unit_shortage": 8}),
        ("/api/v1/warehouse/forecast", {"series": [False, 1]}),
        ("/api/v1/warehouse/forecast", {"series": [1, 2], "h": 2.5}),
        ("/api/v1/warehouse/plan", {"date": "0000-00-00"}),
        ("/api/v1/warehouse/plan", {"market": "XX"}),
        ("/api/v1/warehouse/plan", {"n_paths": "300"}),
        (
            "/api/v1/trade/complexity",
            {"rows": [{"location": "a", "product": "p", "year": 2020, "export_value": False}]},
        ),
        ("/api/v1/trade/complexity", {"rows": [{"location": "a", "product": "p", "export_value": 1}]}),
        ("/api/v1/scenarios", {"kind": "quote", "name": "x", "inputs": {"market": "DE", "quantity": True}}),
        ("/api/v1/scenarios", {"kind": "quote", "name": "x", "inputs": {"market": "DE", "date": "2024-13-01"}}),
        ("/api/v1/scenarios", {"kind": "quote", "name": "   ", "inputs": {"market": "DE"}}),
        ("/api/v1/scenarios", {"kind": "route", "name": "x", "inputs": {"market": "DE"}}),
        ("/api/v1/scenarios", {"kind": "pooling", "name": "x", "inputs": {"source": "disk"}}),
        ("/api/v1/scenarios", {"kind": "opportunity", "name": "x", "inputs": {"weights": {"culture": True}}}),
        ("/api/v1/scenarios/compare", {"ids": [3, 3]}),
        ("/api/v1/scenarios/compare", {"ids": [1, "2"]}),
    ],
)
async def test_schema_violations_are_422(client: httpx.AsyncClient, url: str, body: dict[str, object]) -> None:
    r = await client.post(url, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_rules_across_fields_are_in_the_schema(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/api/v1/openapi.json")).json()["components"]["schemas"]
    assert {"properties": {"fill_rate": {"const": False}}} in doc["PolicyIn"]["anyOf"]
    assert len(doc["NewsvendorIn"]["anyOf"]) == 2
    assert doc["ForecastIn"]["properties"]["method"]["enum"][0] == "auto"
    assert "DE" in doc["PlanIn"]["properties"]["market"]["anyOf"][0]["enum"]
    assert doc["CompareIn"]["properties"]["ids"]["uniqueItems"] is True


async def test_whole_numbers_and_valid_bodies_still_work(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/scenarios/compare", json={"ids": [1.0, 2.0]})  # integers, as JSON Schema says
    assert r.status_code == 404, r.text  # valid, and no such scenarios
    r = await client.post(
        "/api/v1/warehouse/policy",
        json={"mean_demand": 10, "sd_demand": 3, "lead_time": 30, "fill_rate": True, "order_qty": 100},
    )
    assert r.status_code == 200, r.text
    rows = [
        {"location": loc, "product": p, "year": 2020, "export_value": v}
        for loc, p, v in (("a", "x", 10), ("a", "y", 1), ("b", "x", 1), ("b", "y", 10), ("c", "x", 5))
    ]
    r = await client.post("/api/v1/trade/complexity", json={"rows": rows})
    assert r.status_code == 200, r.text


async def test_compare_is_not_read_as_a_scenario_id(client: httpx.AsyncClient) -> None:
    for method in ("GET", "DELETE", "PUT", "PATCH"):
        r = await client.request(method, "/api/v1/scenarios/compare")
        assert r.status_code == 405, (method, r.text)
        assert r.headers["allow"] == "POST"
    r = await client.request("PUT", "/api/v1/scenarios/5")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "DELETE"}
    assert (await client.get("/api/v1/scenarios/5")).status_code == 404


def test_scenario_kinds_are_the_service_kinds() -> None:
    import typing

    from qiankua.api.scenarios import Kind
    from qiankua.services.scenarios import KINDS

    assert typing.get_args(Kind) == KINDS


def test_enums_read_from_files_match_the_reference() -> None:
    from qiankua.api.warehouse import MARKETS
    from qiankua.reference import load_reference

    assert set(MARKETS) == set(load_reference().market_codes)


async def test_a_series_too_short_for_ets_is_a_400_not_a_500(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/warehouse/forecast", json={"series": [0, 0, 0, 0, 1, 1], "h": 1, "method": "ets"})
    assert r.status_code in (200, 400), r.text  # 200 once the engine falls back for short series
    if r.status_code == 400:
        assert r.json()["errors"][0]["field"] == "method"
