"""Bonded (1210) routes over HTTP: the same documents as ``qiankua bonded … --json``, uploads checked and
ledgered once, bad files named cell by cell, identity numbers never echoed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import polars as pl
import pytest
from typer.testing import CliRunner

from qiankua.cli import app as cli

from ..bonded.factory import frames

pytestmark = pytest.mark.anyio


def _csv(frame: pl.DataFrame) -> bytes:
    return frame.write_csv().encode()


def _files(n: int = 30, buyers: int = 6) -> tuple[dict[str, tuple[str, bytes, str]], pl.DataFrame]:
    o, p, w = frames(n, buyers, seed=5)
    files = {
        "orders": ("orders.csv", _csv(o), "text/csv"),
        "payments": ("payments.csv", _csv(p), "text/csv"),
        "waybills": ("waybills.csv", _csv(w), "text/csv"),
    }
    return files, o


async def test_tax_route_equals_cli_json(client: httpx.AsyncClient) -> None:
    # Cai Guan Shui [2018] No.49 + Cai Shui [2016] No.103: a 1,000 high-end cosmetic at 13% VAT and 15% CT
    body = {"value": 1000, "hs": "33049900", "date": "2026-12-01"}
    r = await client.post("/api/v1/bonded/tax", json=body)
    assert r.status_code == 200, r.text
    res = CliRunner().invoke(
        cli, ["bonded", "tax", "--value", "1000", "--hs", "33049900", "--date", "2026-12-01", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert r.json() == json.loads(res.output)
    assert r.json()["total_tax"] == 230.59 and r.json()["channel"] == "cbec"


async def test_tax_route_refuses_bad_input(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/bonded/tax", json={"value": -1, "vat_rate": 0.13})
    assert r.status_code == 422 and "value" in r.text
    r = await client.post("/api/v1/bonded/tax", json={"value": 100})
    assert r.status_code == 400 and "vat-rate" in r.text


async def test_check_equals_cli_and_is_idempotent(client: httpx.AsyncClient, tmp_path: Path) -> None:
    files, orders = _files()
    dry = await client.post("/api/v1/bonded/check", files=files, params={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    for name, (fname, content, _mime) in files.items():
        (tmp_path / fname).write_bytes(content)
        assert name in fname
    res = CliRunner().invoke(
        cli,
        [
            "--db",
            str(tmp_path / "local.duckdb"),
            "bonded",
            "check",
            str(tmp_path / "orders.csv"),
            "--payments",
            str(tmp_path / "payments.csv"),
            "--waybills",
            str(tmp_path / "waybills.csv"),
            "--dry-run",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert dry.json() == json.loads(res.output)  # same store, same salt: the same document
    doc = dry.json()
    assert doc["committed"] is False and doc["summary"]["orders"] == 30
    assert {o["status"] for o in doc["orders"]} == {"accepted"}

    first = await client.post("/api/v1/bonded/check", files=files)
    assert first.json()["summary"]["orders"] == 30 and first.json()["committed"] is True
    again = await client.post("/api/v1/bonded/check", files=files)
    assert again.json()["summary"]["orders"] == 0 and again.json()["summary"]["already_decided"] == 30
    # identity numbers never come back in clear
    for number in orders["buyer_id_number"].unique().to_list():
        assert number not in first.text and number not in again.text

    buyer = orders["buyer_id_number"][0]
    q = await client.post("/api/v1/bonded/quota", json={"buyer": buyer, "year": 2026})
    assert q.status_code == 200, q.text
    assert q.headers["cache-control"] == "no-store"
    mine = [o for o in first.json()["orders"] if o["buyer_hash"] == first.json()["orders"][0]["buyer_hash"]]
    assert q.json()["used"] == pytest.approx(sum(o["counted_cny"] for o in mine))
    assert q.json()["left"] == pytest.approx(26000 - q.json()["used"], abs=0.01)
    assert buyer not in q.text and q.json()["buyer"].endswith(buyer[-2:])


async def test_quota_refuses_a_malformed_number(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/bonded/quota", json={"buyer": "12345"})).status_code == 422
    assert (await client.post("/api/v1/bonded/quota", json={"buyer": "11010519491231002X", "x": 1})).status_code == 422
    bad = "11010519491231002" + "1"  # wrong check character (GB 11643-1999's example ends in X)
    r = await client.post("/api/v1/bonded/quota", json={"buyer": bad})
    assert r.status_code == 400 and "check digit" in r.text and bad not in r.text


async def test_quota_keeps_the_identity_number_out_of_urls(client: httpx.AsyncClient) -> None:
    """The number travels in a JSON body only: no route takes it in the path or the query, and the
    OpenAPI document declares the 400 of a failed check digit."""
    number = "11010519491231002X"  # GB 11643-1999's own example number, not a person
    assert (await client.get(f"/api/v1/bonded/quota/{number}")).status_code in (404, 405)
    assert (await client.get("/api/v1/bonded/quota", params={"buyer": number})).status_code == 405
    spec = (await client.get("/api/v1/openapi.json")).json()
    op = spec["paths"]["/api/v1/bonded/quota"]
    assert set(op) == {"post"} and not op["post"].get("parameters")
    assert "400" in op["post"]["responses"] and "422" in op["post"]["responses"]
    assert not [p for p in spec["paths"] if "/bonded/" in p and "{buyer" in p]
    ok = await client.post("/api/v1/bonded/quota", json={"buyer": number.lower()})
    assert ok.status_code == 200 and ok.json()["used"] == 0 and number not in ok.text


async def test_bad_upload_is_named_and_writes_nothing(client: httpx.AsyncClient, local_app) -> None:  # type: ignore[no-untyped-def]
    o, p, _w = frames(5, 2, seed=2)
    o = o.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("USD")).otherwise("currency").alias("currency"))
    files = {"orders": ("day.csv", _csv(o), "text/csv"), "payments": ("pay.csv", _csv(p.drop("amount")), "text/csv")}
    r = await client.post("/api/v1/bonded/check", files=files)
    assert r.status_code == 422, r.text
    issues = {(i["file"], i["row"], i["column"]) for i in r.json()["issues"]}
    assert ("day.csv", 3, "currency") in issues and ("pay.csv", 1, "amount") in issues
    r = await client.post(
        "/api/v1/bonded/check", files={"orders": ("day.csv", _csv(frames(5, 2, seed=2)[0]), "text/csv")}
    )
    assert r.json()["summary"]["orders"] == 5  # the refused upload left nothing behind


async def test_templates_zh_en_and_the_sample_row_passes(client: httpx.AsyncClient) -> None:
    uploads = {}
    for kind, zh in (("orders", "订单编号"), ("payments", "支付人证件号码"), ("waybills", "运单编号")):
        r = await client.get(f"/api/v1/bonded/templates/{kind}", params={"lang": "zh"})
        assert r.status_code == 200 and zh in r.content.decode("utf-8-sig")
        uploads[kind] = (f"{kind}.csv", r.content, "text/csv")
        en = await client.get(f"/api/v1/bonded/templates/{kind}", params={"lang": "en", "format": "xlsx"})
        assert en.status_code == 200 and en.content[:2] == b"PK"
    # the sample row (sample data, GB 11643's example number) is a consistent order: accepted, tax 22.75
    r = await client.post("/api/v1/bonded/check", files=uploads, params={"dry_run": "true"})
    assert r.status_code == 200, r.text
    order = r.json()["orders"][0]
    assert order["status"] == "accepted" and order["total_tax"] == 22.75, order
    assert (await client.get("/api/v1/bonded/templates/refunds")).status_code == 422


async def test_returns_route_restores_quota(client: httpx.AsyncClient) -> None:
    files, _orders = _files(4, 2)
    doc = (await client.post("/api/v1/bonded/check", files=files)).json()
    first = doc["orders"][0]["order_id"]
    events = io.BytesIO(f"order_id,event,event_date\n{first},return,2026-12-05\n".encode())
    r = await client.post("/api/v1/bonded/returns", files={"file": ("returns.csv", events.getvalue(), "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json()["restored"] == 1 and r.json()["events"][0]["outcome"] == "restored"
