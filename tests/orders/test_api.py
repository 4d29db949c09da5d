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
