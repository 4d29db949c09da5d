"""Build ``reference/data/sea_lanes.geojson``: the drawn path of every sea link (run once by a maintainer).

    .venv/bin/python scripts/build_sea_lanes.py      # needs the data-build group (searoute)

For each link of ``route_links.csv`` whose mode is ``sea`` (port to port), searoute computes the
shortest path on its maritime network (marnet, derived from Eurostat's SeaRoute network) between the
two ports' coordinates as the routing network stores them (hubs.csv, else route_nodes.csv); searoute
starts and ends at the network nodes nearest the ports, so the ports themselves are added at both
ends and the lane meets the port dots on the map. The path is split at
the antimeridian into a GeoJSON MultiLineString with longitudes in [-180, 180] (RFC 7946 section
3.1.9), coordinates rounded to 0.01 degree (about 1 km, far below what a world map can show) and
repeated points dropped. A link searoute cannot route is left out and listed: the map then draws
that leg as a great circle and flags it.

The lanes are for drawing only: searoute's own README says "Not for routing purposes!"; distances
in route_links.csv were computed separately (scripts/build_route_data.py) with the same version.
Nothing at run time imports searoute; the file is read by ``qiankua.reference.loader.sea_lanes``.
"""

from __future__ import annotations

import csv
import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import searoute as sr

from qiankua.report.maps import split_at_antimeridian

DATA = Path(__file__).resolve().parents[1] / "src" / "qiankua" / "reference" / "data"
OUT = DATA / "sea_lanes.geojson"


def _coords() -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for name, key in (("route_nodes.csv", "node_id"), ("hubs.csv", "hub_id")):  # hubs win, as in the network
        with (DATA / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("lon") and row.get("lat"):
                    out[row[key]] = (float(row["lon"]), float(row["lat"]))
    return out


def _tidy(pieces: list[list[list[float]]]) -> list[list[list[float]]]:
    out = []
    for piece in pieces:
        kept: list[list[float]] = []
        for lon, lat in piece:
            point = [round(lon, 2), round(lat, 2)]
            if not kept or kept[-1] != point:
                kept.append(point)
        if len(kept) > 1:
            out.append(kept)
    return out


def main() -> int:
    coords = _coords()
    with (DATA / "route_links.csv").open(encoding="utf-8") as fh:
        links = [row for row in csv.DictReader(fh) if row["mode"] == "sea"]
    features: list[dict[str, Any]] = []
    missing: list[str] = []
    points = 0
    for link in links:
        a, b = link["from_node"], link["to_node"]
        if a not in coords or b not in coords:
            missing.append(f"{link['link_id']}: no coordinates for {a if a not in coords else b}")
            continue
        try:
            feature = sr.searoute(coords[a], coords[b], units="km")
        except Exception as exc:  # searoute raises plain errors when it cannot route
            missing.append(f"{link['link_id']}: searoute failed ({exc})")
            continue
        # searoute starts and ends at the marnet nodes nearest the ports: join the port dots themselves
        path = [list(coords[a]), *feature["geometry"]["coordinates"], list(coords[b])]
        pieces = _tidy(split_at_antimeridian(path))
        points += sum(len(piece) for piece in pieces)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "link_id": link["link_id"],
                    "from": a,
                    "to": b,
                    "km": round(float(feature["properties"]["length"]), 1),
                },
                "geometry": {"type": "MultiLineString", "coordinates": pieces},
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(features)} of {len(links)} sea links, {points} points, {OUT.stat().st_size} bytes")
    print(f"searoute {version('searoute')}")
    for line in missing:
        print("  no lane:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
