"""``/api/v1/orders/…`` in process (single-user app, a real DuckDB file); fixture values are made up."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest

from qiankua.api import Settings, create_app
from tests.orders.conftest import FIXTURES

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(tmp_path):
    app = create_app(Settings(ui=False, home=tmp_path, db=tmp_path / "local.duckdb"))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_import_map_margin_declare(client):
    data = (FIXTURES / "amazon_all_orders.txt").read_bytes()
    r = await client.post("/api/v1/orders/import", files=[("files", ("amazon.txt", data, "text/plain"))])
    assert r.status_code == 200, r.text
    assert r.json()["new"] == 5
    r = await client.get("/api/v1/orders/unmapped")
    assert {u["sku"] for u in r.json()["unmapped"]} >= {"GZ-TEA-DY250"}
    r = await client.post(
        "/api/v1/orders/mappings",
        json=[{"platform": "amazon", "key": "GZ-TEA-DY250", "product_id": "duyun-maojian-250g"}],
    )
    assert r.status_code == 200 and r.json()["lines_updated"] == 2
    r = await client.get("/api/v1/orders/margin", params={"from": "2026-03-01", "to": "2026-03-31"})
    assert r.status_code == 200 and r.json()["totals"]["priced"] == 1
    r = await client.post(
        "/api/v1/orders/declare", params={"format": "zip"}, json={"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["csv", "xlsx", "xml"]


async def test_bad_file_is_a_422_naming_the_cell(client):
    text = (FIXTURES / "amazon_all_orders.txt").read_text(encoding="utf-8").replace("59.98", "fifty")
    r = await client.post("/api/v1/orders/import", files=[("files", ("bad.txt", text.encode(), "text/plain"))])
    assert r.status_code == 422
    issue = r.json()["issues"][0]
    assert (issue["file"], issue["row"], issue["column"], issue["reason"]) == (
        "bad.txt",
        2,
        "item-price",
        "not a number",
    )
    r = await client.get("/api/v1/orders/margin")
    assert r.json()["lines"] == []  # nothing was written


async def test_the_routes_are_strict_and_answer_declared_statuses(client):
    # dates only as YYYY-MM-DD text: a number is not a Unix time
    for bad in ("0", "2026-3-1", "2026-02-30", "20260301"):
        r = await client.get("/api/v1/orders/margin", params={"to": bad})
        assert r.status_code == 422, bad
    for params in ({"service": "teleport"}, {"quoted_on": "1900-01-01"}, {"quoted_on": "9999-12-31"}):
        r = await client.get("/api/v1/orders/margin", params=params)
        assert r.status_code == 422, params
    # an empty period has no lines (not an error the schema could not state)
    r = await client.get("/api/v1/orders/margin", params={"from": "2026-03-31", "to": "2026-03-01"})
    assert r.status_code == 200 and r.json()["lines"] == []
    # numbers as JSON numbers, no unknown fields, an unknown product is a 404 naming it
    item = {"platform": "amazon", "key": "GZ-TEA-DY250", "product_id": "duyun-maojian-250g"}
    for change in ({"quoted_price": True}, {"quoted_price": "12"}, {"quoted_on": 0}, {"colour": "red"}):
        r = await client.post("/api/v1/orders/mappings", json=[{**item, **change}])
        assert r.status_code == 422, change
    r = await client.post("/api/v1/orders/mappings", json=[{**item, "product_id": "no-such-tea"}])
    assert r.status_code == 404 and "no-such-tea" in r.json()["detail"]
    # declaring a period without orders is a 404; a config with an unknown key or a number for text a 422
    r = await client.post("/api/v1/orders/declare", json={"from": "2026-03-01", "to": "2026-03-31"})
    assert r.status_code == 404
    for config in ({"nonsense": "x"}, {"ebpCode": 12}, {"packNo": "1"}, {"country_codes": {"US": 502}}):
        body = {"from": "2026-03-01", "to": "2026-03-31", "config": config}
        r = await client.post("/api/v1/orders/declare", json=body)
        assert r.status_code == 422, config
    openapi = (await client.get("/api/v1/openapi.json")).json()
    for path in ("/api/v1/orders/margin", "/api/v1/orders/mappings", "/api/v1/orders/declare"):
        responses = next(iter(openapi["paths"][path].values()))["responses"]
        assert {"400", "404", "409", "422"} <= set(responses), path


async def test_margin_lists_carrier_invoices_and_low_value_per_order(client):
    data = (FIXTURES / "amazon_all_orders.txt").read_bytes()
    await client.post("/api/v1/orders/import", files=[("files", ("amazon.txt", data, "text/plain"))])
    await client.post(
        "/api/v1/orders/mappings",
        json=[{"platform": "amazon", "key": "GZ-BATIK-01", "product_id": "danzhai-batik-wall-hanging"}],
    )
    invoice = (
        "carrier,waybill_or_order,invoice_date,amount,currency\n"
        "Sample Post,302-0000003-0000003,2026-03-11,6.20,EUR\nSample Post,NOPE,2026-03-11,1,EUR\n"
    )
    r = await client.post(
        "/api/v1/data/carrier_invoices/import", files={"file": ("inv.csv", invoice.encode(), "text/csv")}
    )
    assert r.status_code == 200, r.text
    doc = (await client.get("/api/v1/orders/margin")).json()
    line = next(x for x in doc["lines"] if x["order_id"] == "302-0000003-0000003")
    assert line["logistics_invoiced_cny"] is not None and line["duty_basis"] == "de_minimis"
    assert line["regime"] == "EU-2021-relief" and line["threshold_currency"] == "EUR"
    assert [u["waybill_or_order"] for u in doc["invoices"]["unmatched"]] == ["NOPE"]
