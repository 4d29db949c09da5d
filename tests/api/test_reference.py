"""Reference routes: catalogue, markets, divisions, hubs, sources, overview; errors are problems."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


async def test_health_says_local_mode(client):
    """/health answers and reports single-user mode by default."""
    r = await client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["multi_user"] is False


async def test_catalogue_filters_by_category(client):
    """Only tea products come back for category=tea, and each has the spec's columns."""
    r = await client.get("/api/v1/catalogue", params={"category": "tea"})
    body = r.json()
    assert r.status_code == 200 and body["count"] == len(body["products"]) > 0
    assert {p["category"] for p in body["products"]} == {"tea"}
    assert "duyun-maojian-250g" in {p["id"] for p in body["products"]}


async def test_unknown_product_is_a_404_problem_naming_the_field(client):
    """An unknown product id is 404 application/problem+json naming `product_id`, no traceback."""
    r = await client.get("/api/v1/catalogue/no-such-thing")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["errors"][0]["field"] == "product_id"
    assert "Traceback" not in r.text


async def test_market_lookup_is_case_insensitive(client):
    r = await client.get("/api/v1/markets/de")
    assert r.status_code == 200 and r.json()["currency"] == "EUR"


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/divisions?level=planet", "level"),          # not a division level
    ("/api/v1/markets/DEU", "iso2"),                       # three letters, not alpha-2
    ("/api/v1/data/products/rows?limit=0", "limit"),       # below the minimum
    ("/api/v1/data/planets/rows", "table"),                # not a user table
    ("/api/v1/data/templates/products?format=pdf", "format"),  # unsupported format
])
async def test_invalid_parameters_are_422_naming_the_field(client, url, field):
    r = await client.get(url)
    assert r.status_code == 422
    assert field in {e["field"] for e in r.json()["errors"]}


async def test_unknown_api_path_is_a_problem_not_a_page(client):
    r = await client.get("/api/v1/nowhere")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")


async def test_divisions_counties_and_overview_agree(client):
    """The overview's county count equals the number of county-level divisions."""
    counties = (await client.get("/api/v1/divisions", params={"level": "county"})).json()
    figures = {f["key"]: f["value"] for f in (await client.get("/api/v1/overview")).json()["figures"]}
    assert counties["count"] == figures["counties"] > 0


async def test_sources_and_hubs(client):
    hubs = (await client.get("/api/v1/hubs")).json()
    sources = (await client.get("/api/v1/sources", params={"table": "markets"})).json()
    assert hubs["count"] > 0
    assert sources["count"] > 0 and {s["table"] for s in sources["sources"]} == {"markets"}


async def test_reference_export_csv(client):
    r = await client.get("/api/v1/reference/markets/export", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "iso2" in r.content.decode("utf-8-sig").splitlines()[0]


async def test_modules_lists_every_engine(client):
    names = {m["name"] for m in (await client.get("/api/v1/modules")).json()["modules"]}
    assert names == {"costing", "routing", "opportunity", "pooling"}


async def test_openapi_is_served_under_the_prefix(client):
    r = await client.get("/api/v1/openapi.json")
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/catalogue" in schema["paths"]
    docs = await client.get("/api/v1/docs")
    assert docs.status_code == 200
