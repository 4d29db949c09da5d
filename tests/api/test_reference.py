"""Reference routes: catalogue, markets, divisions, hubs, sources, overview; errors are problems."""

from __future__ import annotations

import itertools

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


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/divisions?level=planet", "level"),  # not a division level
        ("/api/v1/markets/DEU", "iso2"),  # three letters, not alpha-2
        ("/api/v1/data/products/rows?limit=0", "limit"),  # below the minimum
        ("/api/v1/data/planets/rows", "table"),  # not a user table
        ("/api/v1/data/templates/products?format=pdf", "format"),  # unsupported format
    ],
)
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
    from qiankua.vocabulary import ENGINES

    modules = (await client.get("/api/v1/modules")).json()["modules"]
    names = {m["name"] for m in modules}
    # every engine with a page is listed, the four of the first release and the later ones alike
    assert names == {e.name for e in ENGINES if e.page is not None}
    assert {"costing", "routing", "opportunity", "pooling", "region"} <= names
    assert all(m["available"] for m in modules if m["name"] in ("costing", "routing", "region"))


async def test_openapi_is_served_under_the_prefix(client):
    r = await client.get("/api/v1/openapi.json")
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/catalogue" in schema["paths"]
    docs = await client.get("/api/v1/docs")
    assert docs.status_code == 200


async def test_docs_pages_work_offline_when_the_assets_are_installed(client):
    """With fastapi-offline's Swagger UI / ReDoc files installed, the docs pages load nothing from outside."""
    import re

    from qiankua.api.app import docs_assets_dir

    if docs_assets_dir() is None:
        pytest.skip("fastapi-offline not installed: the docs pages load Swagger UI / ReDoc from a CDN")
    for page in ("/api/v1/docs", "/api/v1/redoc"):
        html = (await client.get(page)).text
        urls = re.findall(r'(?:src|href)=["\']([^"\']+)', html) + re.findall(r"url: ?'([^']+)'", html)
        assert urls and not [u for u in urls if u.startswith(("http:", "https:", "//"))], (page, urls)
        for url in urls:
            r = await client.get(url)
            assert r.status_code == 200 and len(r.content) > 0, url


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Even-odd ray casting: is (lon, lat) inside the closed ring?"""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _distance_deg(lon: float, lat: float, ring: list[list[float]]) -> float:
    """Smallest distance in degrees from the point to the ring's vertices (a bound on the edge distance)."""
    return min(((lon - x) ** 2 + (lat - y) ** 2) ** 0.5 for x, y in ring)


async def test_county_boundaries_cover_every_county_and_hold_its_seat(client):
    """GeoJSON of all 88 counties, one feature per division adcode; each county seat lies in its own
    polygon (or within ~1 km of it: seats are GCJ-02, polygons WGS 84 and simplified); cited in /sources."""
    r = await client.get("/api/v1/divisions/boundaries")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    doc = r.json()
    counties = {d["adcode"]: d for d in (await client.get("/api/v1/divisions?level=county")).json()["divisions"]}
    features = {f["properties"]["adcode"]: f for f in doc["features"]}
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == len(features) == len(counties) == 88
    assert features.keys() == counties.keys()
    for adcode, feature in features.items():
        assert feature["properties"]["name_zh"] == counties[adcode]["name_zh"]
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        seat = (counties[adcode]["lon"], counties[adcode]["lat"])
        inside = any(
            _inside(*seat, polygon[0]) and not any(_inside(*seat, hole) for hole in polygon[1:]) for polygon in polygons
        )
        # the seat of a neighbour would be km away: a mismatched or shifted polygon fails here
        assert inside or min(_distance_deg(*seat, p[0]) for p in polygons) < 0.01, (adcode, seat)
    sources = {s["source_id"]: s for s in (await client.get("/api/v1/sources?table=divisions")).json()["sources"]}
    assert sources[doc["source_id"]]["licence"].startswith("MIT") and doc["url"] == sources[doc["source_id"]]["url"]
    assert len(r.content) < 1_000_000
