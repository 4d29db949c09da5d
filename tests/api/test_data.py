"""User-data routes in local mode: template, validate with per-cell issues, import all-or-nothing, export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.api.conftest import BAD_PRODUCTS_CSV, GOOD_PRODUCTS_CSV

pytestmark = pytest.mark.anyio


async def test_template_xlsx_has_bilingual_headers(client):
    r = await client.get("/api/v1/data/templates/shipments")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(1, 1).value == "货物编号 / shipment_id"


async def test_validate_lists_every_bad_cell(client):
    """Two bad cells in row 2 (hs6, unit_value_cny) are both reported, and nothing is written."""
    r = await client.post("/api/v1/data/products/validate", files={"file": ("p.csv", BAD_PRODUCTS_CSV)})
    body = r.json()
    assert r.status_code == 200 and body["ok"] is False
    assert {(i["row"], i["column"]) for i in body["issues"]} == {(2, "hs6"), (2, "unit_value_cny")}
    tables = (await client.get("/api/v1/data/tables")).json()["tables"]
    assert {t["table"]: t["rows"] for t in tables}["products"] == 0


async def test_bad_import_is_422_with_issues_and_writes_nothing(client):
    r = await client.post("/api/v1/data/products/import", files={"file": ("p.csv", BAD_PRODUCTS_CSV)})
    assert r.status_code == 422
    assert len(r.json()["issues"]) == 2
    rows = (await client.get("/api/v1/data/products/rows")).json()
    assert rows["total"] == 0


async def test_good_import_then_rows_and_export(client):
    """A Chinese-header CSV imports; its rows come back and export as XLSX."""
    r = await client.post("/api/v1/data/products/import", files={"file": ("mine.csv", GOOD_PRODUCTS_CSV)})
    assert r.status_code == 200, r.text
    assert r.json()["rows_written"] == 2
    rows = (await client.get("/api/v1/data/products/rows", params={"limit": 1})).json()
    assert rows["total"] == 2 and len(rows["rows"]) == 1
    again = await client.post("/api/v1/data/products/import", files={"file": ("mine.csv", GOOD_PRODUCTS_CSV)})
    assert again.status_code == 422  # append: keys already stored
    upsert = await client.post(
        "/api/v1/data/products/import", params={"mode": "upsert"}, files={"file": ("mine.csv", GOOD_PRODUCTS_CSV)}
    )
    assert upsert.status_code == 200
    export = await client.get("/api/v1/data/products/export")
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.max_row == 3


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"", 422),  # empty upload
        (b"\x00\xff\xfe garbage \x81", 422),  # neither UTF-8 nor GBK nor XLSX
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, 422),  # legacy XLS
    ],
)
async def test_unreadable_uploads_are_4xx(client, content, status):
    r = await client.post("/api/v1/data/sales/import", files={"file": ("x.csv", content)})
    assert r.status_code == status
    assert "Traceback" not in r.text


async def test_missing_file_field_names_it(client):
    r = await client.post("/api/v1/data/sales/import")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"


async def test_upload_name_cannot_escape_the_temp_dir(client, tmp_path):
    """A path in the upload's file name is reduced to its base name."""
    r = await client.post("/api/v1/data/products/validate", files={"file": ("../../etc/evil.csv", GOOD_PRODUCTS_CSV)})
    assert r.status_code == 200 and r.json()["file"] == "evil.csv"


@pytest.mark.parametrize("name", ["..", ".", "x" * 300 + ".csv", "/", "dir/.."])
async def test_hostile_upload_names_are_4xx(client, name):
    r = await client.post("/api/v1/data/products/import", files={"file": (name, GOOD_PRODUCTS_CSV)})
    assert r.status_code == 422 and "file name" in r.json()["detail"]
    assert (await client.get("/api/v1/data/products/rows")).json()["total"] == 0


async def test_unstorable_cells_are_422_naming_the_cell(client):
    """A 1e20 value, a NUL byte and a markup id: 422 with every cell named, nothing written."""
    bad = (
        "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg\n"
        "x1,Tea\x00X,茶X,tea,090210,522701,tin,1e20,0.4\n"
        "<b>x</b>,Tea Y,茶Y,tea,090210,522701,tin,12,0.4\n"
    ).encode()
    r = await client.post("/api/v1/data/products/import", files={"file": ("p.csv", bad)})
    assert r.status_code == 422
    assert {(i["row"], i["column"]) for i in r.json()["issues"]} == {(2, "name_en"), (2, "unit_value_cny"), (3, "id")}
    assert (await client.get("/api/v1/data/products/rows")).json()["total"] == 0


async def test_template_has_an_example_sheet_and_drop_downs(client):
    r = await client.get("/api/v1/data/templates/freight_quotes")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:2] == ["freight_quotes", "示例 example"]
    assert len(wb["freight_quotes"].data_validations.dataValidation) >= 3  # mode, currency, container type …


async def test_a_control_character_in_the_raw_file_name_is_4xx(client):
    """httpx would escape it, so the multipart body is written by hand."""
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a\x01b.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + GOOD_PRODUCTS_CSV + b"\r\n--b--\r\n"
    )
    r = await client.post(
        "/api/v1/data/products/import", content=body, headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert r.status_code == 422 and "file name" in r.json()["detail"]
