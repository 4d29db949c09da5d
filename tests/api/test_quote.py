"""The quote route (costing engine): a catalogue product priced, errors named, batching changes nothing."""

from __future__ import annotations

import asyncio

import pytest

from qiankua.api.engines import service

pytestmark = [pytest.mark.anyio, pytest.mark.skipif(service("costing") is None, reason="costing engine not installed")]

TEA_DE = {"market": "DE", "product_id": "duyun-maojian-250g", "date": "2026-08-01", "price": 40, "target_margin": 0.25}


async def test_quote_a_catalogue_product(client):
    """Duyun Maojian tea to Germany: the total is the sum of its lines, rules cite their sources."""
    r = await client.post("/api/v1/quote", json=TEA_DE)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["currency"] == "EUR"
    lines = doc["per_unit"]
    parts = [lines[k] or 0.0 for k in ("landed_cost", "commission", "payment_fee", "returns")]
    assert lines["total_cost"] == pytest.approx(sum(parts) - (lines["export_rebate"] or 0.0), abs=1e-3)
    assert doc["target_price"] > doc["break_even_price"] > 0
    assert all(rule["source_id"] for rule in doc["rules"])
    assert doc["unconfirmed"] is (doc["confidence"] == "unconfirmed" or bool(doc["flags"]))


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"market": "ZZ", "product_id": "duyun-maojian-250g"}, 404, "market"),  # unknown market
        ({"market": "DE", "product_id": "no-such-tea"}, 404, "product_id"),  # unknown product
        ({"market": "DE"}, 400, "product_id"),  # neither product nor HS
        ({"market": "DE", "hs6": "0902"}, 422, "hs6"),  # HS not 6 digits
        ({"market": "DE", "product_id": "duyun-maojian-250g", "target_margin": 1.5}, 422, "target_margin"),
        ({"market": "DE", "product_id": "duyun-maojian-250g", "mode": "1234"}, 422, "mode"),
        ({"market": "DE", "product_id": "duyun-maojian-250g", "price": -5}, 422, "price"),  # issue 20: was priced
        ({"market": "DE", "product_id": "duyun-maojian-250g", "price": 0}, 422, "price"),
        ({"market": "FR", "hs6": "090210", "declared_value": 0}, 422, "declared_value"),
        ({"market": "DE", "product_id": "duyun-maojian-250g", "quantity": 0}, 422, "quantity"),
    ],
)
async def test_bad_quotes_name_the_field(client, body, status, field):
    r = await client.post("/api/v1/quote", json=body)
    assert r.status_code == status
    assert field in {e["field"] for e in r.json()["errors"]}


async def test_concurrent_quotes_equal_single_quotes(client):
    """Requests priced together by the micro-batcher get exactly the single-quote answer."""
    from qiankua.services.quoting import quote

    bodies = [dict(TEA_DE, market=m) for m in ("DE", "US", "JP", "AU")] + [
        {"market": "US", "product_id": "laoganma-chili-crisp-280g", "date": "2026-08-01"},
        {"market": "FR", "hs6": "090210", "declared_value": 12.0, "date": "2026-08-01"},
    ]
    responses = await asyncio.gather(*(client.post("/api/v1/quote", json=b) for b in bodies))
    for body, r in zip(bodies, responses, strict=True):
        assert r.status_code == 200, r.text
        single = quote({**body, "date": __import__("datetime").date(2026, 8, 1)})
        got = r.json()["per_unit"]
        assert got.keys() == single["per_unit"].keys()
        for key, want in single["per_unit"].items():
            assert (got[key] is None) == (want is None), key
            assert want is None or got[key] == pytest.approx(want, rel=1e-9, abs=1e-9), key
        assert r.json()["status"] == single["status"]


@pytest.mark.skipif(service("routing") is None, reason="routing engine not installed")
async def test_routes_from_danzhai_to_germany_have_coordinates(client):
    r = await client.post(
        "/api/v1/routes",
        json={"origin": "522636", "market": "DE", "weight_kg": 100, "product_id": "duyun-maojian-250g"},
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["routes"] and sum(o["recommended"] for o in doc["routes"]) <= 1
    assert doc["routes"][0]["legs"][0]["from_lonlat"] is not None


@pytest.mark.skipif(service("routing") is None, reason="routing engine not installed")
async def test_route_from_a_province_is_refused_naming_origin(client):
    r = await client.post("/api/v1/routes", json={"origin": "520000", "market": "DE", "weight_kg": 1})
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "origin"


@pytest.mark.skipif(service("opportunity") is None, reason="opportunity engine not installed")
async def test_opportunities_rank_with_custom_weights(client):
    r = await client.post("/api/v1/opportunities", json={"top": 5, "weights": {"culture": 1, "demand": 1}})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert len(doc["ranking"]) == 5 and doc["cells"]
    bad = await client.post("/api/v1/opportunities", json={"weights": {"nonsense": 1}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("weights")


@pytest.mark.skipif(service("opportunity") is None, reason="opportunity engine not installed")
async def test_opportunities_refuse_a_weight_without_data_and_say_why(client):
    """No trade data in the user's database: a growth weight is refused (400) with the reason, not dropped."""
    r = await client.post(
        "/api/v1/opportunities",
        json={"top": 2, "products": ["duyun-maojian-250g"], "weights": {"culture": 0.3, "growth": 0.2}},
    )
    assert r.status_code == 400, r.text
    assert "growth: needs trade data" in r.json()["detail"] and "Usable criteria" in r.json()["detail"]


@pytest.mark.skipif(service("pooling") is None, reason="pooling engine not installed")
async def test_pooling_refuses_a_bad_sheet_naming_cells(client):
    r = await client.post("/api/v1/pooling", files={"file": ("s.csv", b"shipment_id,exporter\nx,y\n")})
    assert r.status_code == 422 and r.json()["issues"]


async def test_start_up_warm_up_loads_the_engine_and_health_says_when(client):
    """The server's start-up warm-up (costing kernel) ends in state ``warm``; /health reports it."""
    from qiankua.services import quoting

    thread = quoting.warm_in_background()
    if thread is None:
        pytest.skip("costing engine not installed")
    assert quoting.warm_state() in {"warming", "warm"}
    thread.join(timeout=600)
    assert quoting.warm_state() == "warm"
    assert (await client.get("/api/v1/health")).json()["warm"] is True
    r = await client.post("/api/v1/quote", json=TEA_DE)
    assert r.status_code == 200 and r.json()["currency"] == "EUR"


async def test_a_product_imported_by_the_cli_is_quoted_routed_and_ranked_by_the_api(tmp_path):
    """Issue 20: the user's product (imported with the CLI into the API's database) works on every engine route."""
    from typer.testing import CliRunner

    from qiankua.api import Settings, create_app
    from qiankua.cli import app as cli
    from tests.api.conftest import GOOD_PRODUCTS_CSV, client_for

    db = tmp_path / "local.duckdb"
    (tmp_path / "mine.csv").write_bytes(GOOD_PRODUCTS_CSV)
    args = ["--db", str(db), "data", "import", str(tmp_path / "mine.csv"), "--table", "products", "--json"]
    imported = CliRunner().invoke(cli, args)
    assert imported.exit_code == 0, imported.output
    async with client_for(create_app(Settings(ui=False, home=tmp_path, db=db))) as c:
        body = {"market": "DE", "product_id": "my-tea-1", "date": "2026-08-01", "price": 30}
        for sensitivity in (False, True):  # the micro-batcher and the single-quote path
            r = await c.post("/api/v1/quote", json=body | {"sensitivity": sensitivity})
            assert r.status_code == 200, r.text
            assert r.json()["product"] == {"id": "my-tea-1", "source": "user", "replaces_builtin": False}
            assert r.json()["per_unit_cny"]["product_cost"] == pytest.approx(120.0)
        r = await c.post(
            "/api/v1/routes", json={"origin": "522701", "market": "DE", "weight_kg": 4, "product_id": "my-tea-2"}
        )
        assert r.status_code == 200, r.text
        assert r.json()["routes"] and r.json()["product"]["source"] == "user"
        r = await c.post(
            "/api/v1/opportunities", json={"products": ["my-tea-1", "my-tea-2"], "markets": ["DE"], "samples": 20}
        )
        assert r.status_code == 200, r.text
        sources = {e["product"]: e["product_source"] for e in r.json()["ranking"]}
        assert sources == {"my-tea-1": "user", "my-tea-2": "user"}
