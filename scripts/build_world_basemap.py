"""Build ``reference/data/world_countries_110m.geojson`` (the offline world basemap of the route map).

Source: Natural Earth 1:110m Admin 0 countries (public domain), the GeoJSON of
nvkelso/natural-earth-vector ``geojson/ne_110m_admin_0_countries.geojson``. Properties are reduced to
``iso2`` (ISO_A2, falling back to ISO_A2_EH / WB_A2 where Natural Earth writes -99) and ``name_en``;
coordinates are rounded to 0.01 degree (about 1 km, far below the 1:110m scale's own precision).

    python scripts/build_world_basemap.py ne_110m_admin_0_countries.geojson
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# Natural Earth 4.1 writes -99 in every ISO field of these (disputed-territory convention); their ISO 3166 codes
_ISO2_BY_NAME = {"Norway": "NO"}
OUT = Path(__file__).resolve().parents[1] / "src/qiankua/reference/data/world_countries_110m.geojson"


def _round(coords: Any) -> Any:
    if coords and isinstance(coords[0], int | float):
        return [round(coords[0], 2), round(coords[1], 2)]
    return [_round(c) for c in coords]


def main(src: str) -> None:
    doc = json.loads(Path(src).read_text(encoding="utf-8"))
    features = []
    for f in doc["features"]:
        p = f["properties"]
        iso2 = next((p.get(k) for k in ("ISO_A2", "ISO_A2_EH", "WB_A2") if p.get(k) not in (None, "-99", -99)), "")
        iso2 = iso2 or _ISO2_BY_NAME.get(p["NAME"], "")
        geometry = {"type": f["geometry"]["type"], "coordinates": _round(f["geometry"]["coordinates"])}
        features.append({"type": "Feature", "properties": {"iso2": iso2, "name_en": p["NAME"]}, "geometry": geometry})
    out = {"type": "FeatureCollection", "features": features}
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {len(features)} countries, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
