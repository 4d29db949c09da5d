"""Region use case: a user's own panel (made-up values, labelled as such) imported into a real DuckDB store,
evaluated through the service the CLI, API and web share; names in zh/en/pinyin resolve; bad rows are named."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qiankua.cli import app
from qiankua.exceptions import InvalidInputError
from qiankua.services import region
from qiankua.services.data import import_user_file

# made-up values for a test (not statistics): four provinces, two years, every indicator
AREAS = ["贵州", "Guangdong", "sichuan sheng", "510000", "重庆市"]


def _write_panel(path: Path, areas: list[str], *, bad: dict[str, str] | None = None) -> Path:
    system = region.indicator_system().to_dicts()
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["area", "year", "indicator", "value", "measure", "source"])
        for n, area in enumerate(areas):
            for year in (2022, 2023):
                for j, ind in enumerate(system):
                    value = (n + 1) * (j + 2) * (1.1 if year == 2023 else 1.0)
                    w.writerow([area, year, ind["indicator"], f"{value:.2f}", ind["unit"], "made-up test values"])
        if bad:
            w.writerow(
                [
                    bad.get("area", "贵州"),
                    2024,
                    bad.get("indicator", "express_parcels"),
                    bad.get("value", "1"),
                    bad.get("measure", "10k items"),
                    "made-up",
                ]
            )
    return path


def test_user_panel_evaluates_with_names_in_any_spelling(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    areas = ["贵州", "Guangdong", "sichuan sheng", "重庆市"]
    import_user_file(db, _write_panel(tmp_path / "panel.csv", areas), "region_panel")
    doc = region.evaluate_region({"level": "province", "years": "2022-2023"}, db)
    latest = [r for r in doc["scores"] if r["year"] == 2023]
    assert {r["area"] for r in latest} >= {"520000", "440000", "510000", "500000"}
    gz = next(r for r in latest if r["area"] == "520000")
    assert gz["name_zh"] == "贵州省" and gz["band_zh"] and 0 <= gz["d"] <= 1
    assert {g["reference"] for g in doc["gap"]} == {"median", "best_west"}
    assert json.dumps(doc, allow_nan=False)  # one JSON document, no NaN


def test_unknown_area_indicator_unit_and_negative_are_named(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    for bad, needle in (
        ({"area": "Gweechow"}, "column area"),
        ({"indicator": "broadband_speed"}, "column indicator"),
        ({"measure": "items"}, "column measure"),
    ):
        path = _write_panel(tmp_path / "bad.csv", ["贵州", "广东"], bad=bad)
        db.unlink(missing_ok=True)
        try:
            import_user_file(db, path, "region_panel")
        except Exception as exc:  # refused at import: nothing written
            assert needle.split()[-1] in str(exc)
            continue
        with pytest.raises(InvalidInputError, match=needle):
            region.evaluate_region({"level": "province"}, db)


def test_coupling_cli_json_equals_service() -> None:
    result = CliRunner().invoke(app, ["region", "coupling", "--u", "0.32,0.29", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == region.coupling({"u": "0.32,0.29"})
    bad = CliRunner().invoke(app, ["region", "coupling", "--u", "0.3,1.4", "--json"])
    assert bad.exit_code == 2 and "[0, 1]" in json.loads(bad.output)["message"]


def test_area_names_resolve_and_reject() -> None:
    names = region.area_names()
    for spelling in ("贵州", "贵州省", "Guizhou", "guizhou sheng", "GUIZHOU", "520000", "Kweichow"):
        assert names.resolve(spelling) == "520000"
    assert names.resolve("Nei Mongol") == names.resolve("内蒙古") == "150000"
    assert names.resolve("修文县") == "520123"
    with pytest.raises(InvalidInputError, match="Unknown area"):
        names.resolve("Gweechow")
