"""``qiankua trade complexity`` / ``trade diversify`` end to end: a real DuckDB file, the real importer, the
CLI and the API give one document.

The provincial table below is SAMPLE data made up for the test (random values from a fixed seed), not
statistics: qiankua ships no provincial export-by-product figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from qiankua.cli import app
from qiankua.services.complexity import complexity_file, complexity_rows, diversify

DATA = Path(__file__).parents[1] / "opportunity" / "data" / "ecomplexity_trade_data_sample.csv"
PROVINCES = ["Guizhou", "Zhejiang", "Guangdong", "Sichuan", "Yunnan", "Hunan", "Jiangsu", "Chongqing"]
PRODUCTS = ["0902", "2208", "2103", "0810", "7113", "6304", "9403", "8517", "8471", "6110", "2009", "1211"]


def _sample_csv(path: Path) -> Path:
    """SAMPLE (synthetic) regional exports by product, USD."""
    rng = np.random.default_rng(16)
    lines = ["region,product,year,export_value_usd,product_name,source"]
    for year in (2022, 2023):
        for r, region in enumerate(PROVINCES):
            for p, product in enumerate(PRODUCTS):
                if rng.random() < 0.25 and not (region == "Guizhou" and p < 3):
                    continue
                value = rng.lognormal(14, 1.5) * (8 if (region == "Guizhou" and p < 3) else 1) * (1 + r % 3)
                # Excel drops the leading zero of chapter 01-09 codes: the service restores it
                code = product.lstrip("0") if region == "Hunan" else product
                lines.append(f"{region},{code},{year},{value:.2f},,sample (synthetic)")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _invoke(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_diversify_from_an_imported_table(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    _invoke(
        "--db", str(db), "data", "import", str(_sample_csv(tmp_path / "x.csv")), "--table", "region_exports", "--json"
    )
    doc = _invoke("--db", str(db), "trade", "diversify", "--top", "5", "--json")
    assert doc["coverage"]["status"] == "ok"
    assert doc["region"] == "Guizhou" and doc["year"] == 2023
    assert doc["coverage"]["regions_in_year"] == len(PROVINCES)
    assert doc["coverage"]["products"] == len(PRODUCTS)  # "902" restored to "0902"
    assert doc["coverage"]["sources"] == ["sample (synthetic)"]
    rows = doc["rows"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == min(5, doc["candidates"])
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(r["rca"] <= 1.0 for r in rows)  # only products Guizhou does not have yet
    assert all(0.0 <= r["density"] <= 1.0 for r in rows)
    # the API gives the same document
    from qiankua.api import Settings, create_app

    async def get() -> dict:  # type: ignore[type-arg]
        api = create_app(Settings(ui=False, home=tmp_path, db=db))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as client:
            response = await client.get("/api/v1/trade/diversify", params={"top": 5})
            assert response.status_code == 200, response.text
            return response.json()  # type: ignore[no-any-return]

    import asyncio

    assert asyncio.run(get()) == doc


def test_weights_change_the_order_and_are_checked(tmp_path: Path) -> None:
    from qiankua.exceptions import InvalidInputError
    from qiankua.services.complexity import _region_exports

    db = tmp_path / "q.duckdb"
    _invoke(
        "--db", str(db), "data", "import", str(_sample_csv(tmp_path / "x.csv")), "--table", "region_exports", "--json"
    )
    table = _region_exports(db)
    near = diversify(None, table=table, top=50, weights={"density": 1, "pci": 0, "demand": 0})
    densities = [r["density"] for r in near["rows"]]
    assert densities == sorted(densities, reverse=True)
    complex_ = diversify(None, table=table, top=50, weights={"density": 0, "pci": 1, "demand": 0})
    pcis = [r["pci"] for r in complex_["rows"]]
    assert pcis == sorted(pcis, reverse=True)
    with pytest.raises(InvalidInputError):
        diversify(None, table=table, weights={"density": -1, "pci": 1, "demand": 1})
    other = diversify(None, table=table, region="Atlantis")
    assert other["coverage"]["status"] == "region_missing" and other["rows"] == []


def test_no_data_is_said_plainly(tmp_path: Path) -> None:
    doc = _invoke("--db", str(tmp_path / "none.duckdb"), "trade", "diversify", "--json")
    assert doc["coverage"]["status"] == "no_data"
    assert doc["rows"] == []
    text = CliRunner().invoke(app, ["--lang", "en", "--db", str(tmp_path / "none.duckdb"), "trade", "diversify"])
    assert "ships no provincial export-by-product figures" in text.stdout


def test_cli_json_equals_the_api_and_the_service() -> None:
    doc = _invoke(
        "trade",
        "complexity",
        str(DATA),
        "--location-col",
        "origin",
        "--product-col",
        "hs92",
        "--value-col",
        "export_val",
        "--json",
    )
    assert len(doc["rows"]) == 600
    assert set(doc["rows"][0]) == {
        "year", "location", "product", "export_value", "rca", "m", "density", "eci", "pci", "diversity",
        "ubiquity", "coi", "cog",
    }  # fmt: skip
    direct = complexity_file(DATA, location_col="origin", product_col="hs92", value_col="export_val")
    assert json.loads(json.dumps(direct["rows"])) == doc["rows"]
    rows = [
        {"location": r["location"], "product": r["product"], "year": r["year"], "export_value": r["export_value"]}
        for r in doc["rows"]
    ]
    assert complexity_rows(rows)["rows"] == direct["rows"]


def test_cli_bad_file_exits_2_naming_the_cell(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("location,product,year,export_value\nGuizhou,0902,2023,-5\n")
    result = CliRunner().invoke(app, ["trade", "complexity", str(bad), "--json"])
    assert result.exit_code == 2
    issue = json.loads(result.stdout)["issues"][0]
    assert (issue["file"], issue["row"], issue["column"]) == ("bad.csv", 2, "export_value")
