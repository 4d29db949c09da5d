"""One request builder and one JSON encoder per use case: ``qiankua <command> --json`` and the API answer the
same request with the same document, every option exists on both, and the user's database applies to both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qiankua.api import schemas as s
from qiankua.api.engines import service
from qiankua.cli import app
from qiankua.services.requests import OPPORTUNITY_FIELDS, QUOTE_FIELDS, ROUTE_FIELDS

pytestmark = pytest.mark.anyio

DATE = "2026-08-01"


def cli_json(db: Path, *args: str) -> dict:
    result = CliRunner().invoke(app, ["--db", str(db), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("model", "fields"), [(s.QuoteIn, QUOTE_FIELDS), (s.RouteIn, ROUTE_FIELDS), (s.OpportunitiesIn, OPPORTUNITY_FIELDS)]
)
def test_api_models_carry_every_field_of_the_request(model, fields):
    """An option of the request builder missing from the API (or the reverse) fails here."""
    assert set(model.model_fields) == set(fields)
    for name, default in fields.items():
        field = model.model_fields[name]
        assert default is None if field.is_required() else field.default == default, name


def test_cli_quote_offers_every_field():
    import typer

    quote = typer.main.get_command(app).commands["quote"]
    names = {p.name for p in quote.params}
    cli_names = {"product_id": "product", "hs6": "hs", "declared_value": "value", "gross_kg": "weight_kg"}
    assert {cli_names.get(f, f) for f in QUOTE_FIELDS} <= names


@pytest.mark.skipif(service("costing") is None, reason="costing engine not installed")
@pytest.mark.parametrize(
    "extra",
    [
        {},  # the defaults
        {"dims": "30x20x10", "fx_rate": 7.9, "invoices": True, "quantity": 3, "gross_kg": 0.5},  # every option
    ],
)
async def test_quote_cli_and_api_give_the_same_document(client, tmp_path, extra):
    body = {
        "market": "DE",
        "product_id": "duyun-maojian-250g",
        "date": DATE,
        "price": 40,
        "target_margin": 0.25,
        "platform": "amazon",
        "sensitivity": True,
        **extra,
    }
    args = [
        "quote",
        "--market",
        "DE",
        "--product",
        "duyun-maojian-250g",
        "--date",
        DATE,
        "--price",
        "40",
        "--target-margin",
        "0.25",
        "--platform",
        "amazon",
    ]
    flags = {"dims": "--dims", "fx_rate": "--fx-rate", "quantity": "--quantity", "gross_kg": "--weight-kg"}
    for key, flag in flags.items():
        if key in extra:
            args += [flag, str(extra[key])]
    if extra.get("invoices"):
        args.append("--invoices")
    r = await client.post("/api/v1/quote", json=body)
    assert r.status_code == 200, r.text
    assert r.json() == cli_json(tmp_path / "local.duckdb", *args)
    if "fx_rate" in extra:
        assert r.json()["fx_cny_per_unit"] == extra["fx_rate"] and r.json()["fx"]["source"] == "override"


@pytest.mark.skipif(service("costing") is None, reason="costing engine not installed")
async def test_api_quote_uses_the_users_fx_rates(client):
    """A rate imported into the caller's store prices the API quote (batched and single)."""
    before = (
        await client.post("/api/v1/quote", json={"market": "DE", "product_id": "duyun-maojian-250g", "date": DATE})
    ).json()
    content = b"currency,valid_from,cny_per_unit,source\nEUR,2026-07-01,9.87654,my bank\n"
    r = await client.post("/api/v1/data/fx_rates/import", files={"file": ("fx.csv", content)})
    assert r.status_code == 200, r.text
    for sensitivity in (False, True):
        doc = (
            await client.post(
                "/api/v1/quote",
                json={"market": "DE", "product_id": "duyun-maojian-250g", "date": DATE, "sensitivity": sensitivity},
            )
        ).json()
        assert doc["fx_cny_per_unit"] == pytest.approx(9.87654)
        assert doc["fx_cny_per_unit"] != before["fx_cny_per_unit"]


@pytest.mark.skipif(service("routing") is None, reason="routing engine not installed")
async def test_route_cli_and_api_give_the_same_document(client, tmp_path):
    body = {"origin": "522636", "market": "DE", "weight_kg": 100, "product_id": "duyun-maojian-250g", "date": DATE}
    r = await client.post("/api/v1/routes", json=body)
    assert r.status_code == 200, r.text
    doc = cli_json(
        tmp_path / "local.duckdb",
        "route",
        "--from",
        "522636",
        "--to",
        "DE",
        "--weight-kg",
        "100",
        "--product",
        "duyun-maojian-250g",
        "--date",
        DATE,
    )
    assert r.json() == doc
    assert doc["routes"] and doc["routes"][0]["legs"][0]["from_lonlat"] is not None


@pytest.mark.skipif(service("opportunity") is None, reason="opportunity engine not installed")
async def test_opportunities_cli_and_api_give_the_same_document(client, tmp_path):
    body = {
        "products": ["duyun-maojian-250g", "laoganma-chili-crisp-280g"],
        "markets": ["DE", "US", "JP"],
        "top": 5,
        "lang": "en",
        "seed": 3,
        "samples": 50,
    }
    r = await client.post("/api/v1/opportunities", json=body)
    assert r.status_code == 200, r.text
    doc = cli_json(
        tmp_path / "local.duckdb",
        "--lang",
        "en",
        "opportunities",
        "-p",
        "duyun-maojian-250g",
        "-p",
        "laoganma-chili-crisp-280g",
        "-m",
        "DE",
        "-m",
        "US",
        "-m",
        "JP",
        "--top",
        "5",
        "--seed",
        "3",
        "--samples",
        "50",
    )
    assert r.json() == doc
    assert doc["cells"] and doc["ranking"]


def test_one_encoder_nan_numpy_dates():
    """The encoder of every edge: NaN and infinity are null, numpy scalars numbers, dates ISO."""
    import datetime as dt
    from decimal import Decimal

    import numpy as np

    from qiankua.jsonio import dumps, finite, to_json

    doc = {
        "nan": float("nan"),
        "inf": np.float64("inf"),
        "n": np.int64(3),
        "d": dt.date(2026, 8, 1),
        "money": Decimal("1.50"),
        "path": Path("/x"),
        "list": (np.float32(0.5), None),
    }
    want = {"nan": None, "inf": None, "n": 3, "d": "2026-08-01", "money": 1.5, "path": "/x", "list": [0.5, None]}
    assert json.loads(to_json(doc)) == want == finite(doc)
    assert json.loads(dumps(doc, indent=True)) == want
    assert "NaN" not in dumps(doc) and "Infinity" not in dumps(doc)
