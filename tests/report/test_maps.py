"""Maps: the report's county choropleth, and the web's route and pool maps on offline basemaps with sea lanes."""

import csv
import functools
import itertools
import json
import re
import subprocess
import sys
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.reference import load_reference
from qiankua.reference.loader import DATA_DIR, county_boundaries, sea_lanes
from qiankua.report.maps import (
    COUNTY_MAP,
    PACIFIC_MAP,
    WORLD_MAP,
    county_map_svg,
    great_circle,
    pacific_basemap_json,
    pool_map_options,
    route_map_options,
    split_at_antimeridian,
    world_basemap,
)
from qiankua.report.sections import origins_section


def test_every_county_is_drawn_and_shaded_by_value():
    geo = county_boundaries()
    first, second = (f["properties"]["adcode"] for f in geo["features"][:2])
    svg = county_map_svg(geo, {first: 4.0, second: 1.0}, title="t", legend="l")
    paths = re.findall(r'<path d="[^"]+" fill="(#[0-9a-f]{6})"', svg)
    assert len(paths) == len(geo["features"]) == 88
    fills = dict(zip((f["properties"]["adcode"] for f in geo["features"]), paths, strict=True))
    assert fills[first] == "#005a32"  # the largest value takes the darkest colour
    assert fills[second] not in ("#005a32", "#f4f4f4")
    assert sum(1 for c in paths if c == "#f4f4f4") == 86  # no value -> grey


def test_names_are_escaped_and_shown_in_both_languages():
    geo = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": "1", "name_zh": "雷山县", "name_en": "<Leishan>"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[108.0, 26.0], [108.2, 26.0], [108.1, 26.3], [108.0, 26.0]]],
                },
            }
        ],
    }
    svg = county_map_svg(geo, {"1": 2}, title="a & b", legend="x")
    assert "雷山县 &lt;Leishan&gt;: 2" in svg and "a &amp; b" in svg


def test_a_point_geometry_is_refused_with_its_type():
    geo = {
        "features": [
            {
                "properties": {"adcode": "1", "name_zh": "x", "name_en": "x"},
                "geometry": {"type": "Point", "coordinates": [1, 2]},
            }
        ]
    }
    with pytest.raises(ValueError, match="Point"):
        county_map_svg(geo, {}, title="t", legend="l")


def test_the_origins_section_carries_the_map_of_catalogue_origins():
    ref = load_reference()
    section = origins_section(ref)
    [svg] = section.svgs
    shaded = len(re.findall(r'fill="#(?!f4f4f4)[0-9a-f]{6}" stroke', svg))
    assert shaded == ref.products["origin_adcode"].n_unique()


# ---------------------------------------------------------------------------- world route maps (issue 20 item 6)


@functools.cache
def _nodes() -> dict[str, list[float]]:
    """Node coordinates as the routing network reads them: route_nodes.csv, hubs.csv on top."""
    out = {}
    for name, key in (("route_nodes.csv", "node_id"), ("hubs.csv", "hub_id")):
        with (DATA_DIR / name).open(encoding="utf-8") as fh:
            out |= {row[key]: [float(row["lon"]), float(row["lat"])] for row in csv.DictReader(fh) if row["lon"]}
    return out


def _port(node_id: str) -> list[float]:
    return _nodes()[node_id]


def _sea_links() -> list[dict[str, str]]:
    with (DATA_DIR / "route_links.csv").open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row["mode"] == "sea"]


def _jumps(piece: list[list[float]]) -> list[float]:
    return [abs(b[0] - a[0]) for a, b in itertools.pairwise(piece)]


def _sea_doc(origin: str, destination: str, **names: str) -> dict:
    return {
        "routes": [
            {
                "recommended": True,
                "cost_cny": 1.0,
                "label_zh": "海运整箱",
                "label_en": "sea FCL",
                "legs": [
                    {
                        "from": origin,
                        "to": destination,
                        "mode": "sea_fcl_40",
                        "from_lonlat": _port(origin),
                        "to_lonlat": _port(destination),
                        **names,
                    }
                ],
            }
        ]
    }


def test_world_basemap_is_small_and_named():
    size = len(files("qiankua.reference").joinpath("data/world_countries_110m.geojson").read_bytes())
    assert size < 1_000_000
    doc = world_basemap()
    iso = {f["properties"]["iso2"] for f in doc["features"]}
    assert {"CN", "DE", "US", "FR", "NO"} <= iso and len(doc["features"]) == 177


def test_every_sea_link_has_a_lane_from_port_to_port():
    lanes = sea_lanes()
    links = _sea_links()
    assert len(links) == 342 and {row["link_id"] for row in links} == set(lanes)
    for row in links:
        pieces = lanes[row["link_id"]]
        start, end = pieces[0][0], pieces[-1][-1]
        assert start == pytest.approx(_port(row["from_node"]), abs=0.006), row["link_id"]
        assert end == pytest.approx(_port(row["to_node"]), abs=0.006), row["link_id"]
        for piece in pieces:
            assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in piece)
            assert max(_jumps(piece)) < 20, f"{row['link_id']} draws a segment across the map"
        for left, right in itertools.pairwise(pieces):  # pieces meet on the antimeridian, at one latitude
            assert abs(left[-1][0]) == 180 and right[0][0] == -left[-1][0] and right[0][1] == left[-1][1]


def test_the_us_lane_crosses_the_pacific_not_the_world():
    # Qinzhou to Los Angeles: eastward over the Pacific, split once at 180 degrees, never through Europe
    east, west = sea_lanes()["CNQZH>USLAX:sea"]
    assert east[-1][0] == 180.0 and west[0][0] == -180.0
    assert all(lon > 100 for lon, _ in east) and all(lon < -110 for lon, _ in west)
    assert max(_jumps(east) + _jumps(west)) < 20


def test_the_europe_lane_goes_by_sea_through_suez():
    # Qinzhou to Hamburg round the coasts, not the great circle over Asia: the lane passes the Suez canal
    [lane] = sea_lanes()["CNQZH>DEHAM:sea"]
    assert any(32.0 <= lon <= 33.0 and 29.5 <= lat <= 31.5 for lon, lat in lane)
    assert min(lat for _, lat in lane) < 10  # down through the Strait of Malacca
    gc = [p for piece in great_circle(_port("CNQZH"), _port("DEHAM")) for p in piece]
    assert min(lat for _, lat in gc) > 20


def test_a_sea_leg_is_drawn_along_its_lane():
    opt = route_map_options(_sea_doc("CNQZH", "DEHAM"), lang="zh")
    assert opt["geo"]["map"] == WORLD_MAP
    assert [d["coords"] for d in opt["series"][0]["data"]] == sea_lanes()["CNQZH>DEHAM:sea"]
    assert all("type" not in d["lineStyle"] for d in opt["series"][0]["data"])
    assert opt["title"]["subtext"] == ""
    json.dumps(opt)


def test_a_transpacific_leg_is_drawn_on_the_pacific_map_in_one_sweep():
    # Qinzhou to Los Angeles seen from the Pacific: longitudes run on past 180 (Los Angeles at 241.7)
    opt = route_map_options(_sea_doc("CNQZH", "USLAX"), lang="zh")
    assert opt["geo"]["map"] == PACIFIC_MAP
    path = [p for d in opt["series"][0]["data"] for p in d["coords"]]
    lane = [p for piece in sea_lanes()["CNQZH>USLAX:sea"] for p in piece]
    assert [[round(lon + 360, 6) if lon < -25 else lon, lat] for lon, lat in lane] == path
    assert max(_jumps(path)) < 20 and path[-1][0] == pytest.approx(-118.28 + 360, abs=0.01)
    (west, _), (east, _) = opt["geo"]["boundingCoords"]
    assert 90 < west < east < 260  # a window on the Pacific, not the whole world
    assert opt["series"][-1]["data"][-1]["value"][0] > 180  # Los Angeles' dot on the same side as its lane


def test_the_pacific_basemap_moves_the_americas_east():
    doc = json.loads(pacific_basemap_json())
    assert len(doc["features"]) == 176  # all but Antarctica

    def lons(iso2):
        [f] = [f for f in doc["features"] if f["properties"]["iso2"] == iso2]
        polys = f["geometry"]["coordinates"]
        rings = [polys[0]] if f["geometry"]["type"] == "Polygon" else [poly[0] for poly in polys]
        return [p[0] for ring in rings for p in ring]

    assert min(lons("US")) > 180 and min(lons("BR")) > 180 and max(lons("CN")) < 180
    for f in doc["features"]:
        polys = f["geometry"]["coordinates"]
        rings = [polys[0]] if f["geometry"]["type"] == "Polygon" else [poly[0] for poly in polys]
        assert all(-30 < p[0] < 360 for ring in rings for p in ring), f["properties"]


def test_a_sea_leg_without_a_lane_is_a_flagged_great_circle():
    doc = _sea_doc("CNQZH", "DEHAM", from_name_zh="钦州港", to_name_zh="汉堡港")
    opt = route_map_options(doc, lang="zh", lanes={})
    data = opt["series"][0]["data"]
    assert [d["coords"] for d in data] == great_circle(_port("CNQZH"), _port("DEHAM"))
    assert all(d["lineStyle"]["type"] == "dashed" for d in data)
    assert "钦州港 → 汉堡港" in opt["title"]["subtext"] and "大圆" in opt["title"]["subtext"]
    en = route_map_options(_sea_doc("CNQZH", "USLAX", from_name="Qinzhou Port"), lang="en", lanes={})
    assert "great circle" in en["title"]["subtext"] and "Qinzhou Port" in en["title"]["subtext"]


def test_a_lane_stored_the_other_way_round_is_turned():
    lane = [[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]
    doc = _sea_doc("USLAX", "CNQZH")
    opt = route_map_options(doc, lanes={"CNQZH>USLAX:sea": lane})
    assert opt["series"][0]["data"][0]["coords"] == [[5.0, 6.0], [3.0, 4.0], [1.0, 2.0]]


def test_nodes_are_named_in_the_page_language():
    # names as the routing engine puts them on each leg, from hubs.csv / route_nodes.csv
    ref = load_reference()
    qzh, lax = ref.hub("CNQZH"), ref.hub("USLAX")
    legs = {
        "from_name": qzh.name_en,
        "from_name_zh": qzh.name_zh,
        "to_name": lax.name_en,
        "to_name_zh": lax.name_zh,
    }
    zh = route_map_options(_sea_doc("CNQZH", "USLAX", **legs), lang="zh")
    assert [d["name"] for d in zh["series"][-1]["data"]] == ["钦州港", "洛杉矶港"]
    assert zh["series"][0]["name"] == "1. 海运整箱" and zh["series"][-1]["name"] == "节点"
    en = route_map_options(_sea_doc("CNQZH", "USLAX", **legs), lang="en")
    assert [d["name"] for d in en["series"][-1]["data"]] == ["Qinzhou Port", "Los Angeles"]


def test_air_and_rail_legs_are_arcs_and_a_leg_without_coordinates_is_skipped():
    doc = {
        "routes": [
            {
                "recommended": False,
                "cost_cny": 10.0,
                "label_zh": "空运",
                "legs": [
                    {
                        "from": "CN-CAN",
                        "to": "AP-LAX",
                        "mode": "air",
                        "from_lonlat": [113.3, 23.4],
                        "to_lonlat": [-118.4, 33.9],
                        "from_name_zh": "广州白云国际机场",
                        "to_name_zh": "洛杉矶国际机场",
                    },
                    {"from": "X", "to": "Y", "mode": "sea_lcl", "from_lonlat": None, "to_lonlat": [1, 1]},
                ],
            }
        ]
    }
    opt = route_map_options(doc, lang="zh", lanes={})
    lines = opt["series"][0]
    assert lines["coordinateSystem"] == "geo" and lines["lineStyle"]["width"] == 1.5
    assert len(lines["data"]) == 2  # the flight, split at the antimeridian; the leg without coordinates left out
    assert max(p[1] for d in lines["data"] for p in d["coords"]) > 40  # an arc bending north, not a straight line
    assert opt["title"]["subtext"] == ""  # only sea legs are flagged


def test_great_circle_to_the_us_crosses_the_pacific_not_the_world():
    pieces = great_circle([114.1, 22.5], [-118.2, 34.0])
    assert len(pieces) == 2
    assert pieces[0][-1][0] == 180.0 and pieces[1][0][0] == -180.0
    assert max(_jumps(pieces[0]) + _jumps(pieces[1])) < 30
    assert max(p[1] for piece in pieces for p in piece) > 40
    assert len(great_circle([106.7, 26.6], [106.6, 26.7])[0]) == 2  # a short leg is one straight segment


@given(
    start=st.floats(-170, 170),
    lat=st.floats(-60, 60),
    steps=st.lists(st.tuples(st.floats(-15, 15), st.floats(-2, 2)), min_size=1, max_size=60),
)
def test_split_at_antimeridian_keeps_every_piece_on_the_map(start, lat, steps):
    # an unwrapped path (longitudes may run past 180, as searoute writes them), moved at most 15 degrees a step
    path = [[start, lat]]
    for dlon, dlat in steps:
        path.append([path[-1][0] + dlon, max(-80.0, min(80.0, path[-1][1] + dlat))])
    pieces = split_at_antimeridian(path)
    assert sum(len(p) for p in pieces) == len(path) + 2 * (len(pieces) - 1)
    for piece in pieces:
        assert all(-180 <= lon <= 180 for lon, _ in piece)
        assert all(j <= 15 + 1e-6 for j in _jumps(piece))


def test_pool_map_names_counties_and_vehicles():
    doc = {
        "stops": {"a-1@520123": [106.6, 27.1], "a-2@520123": [106.6, 27.1], "b-1@522601": [107.98, 26.57]},
        "routes": [{"vehicle": "van-4.2m", "stops": ["a-1@520123", "a-2@520123", "b-1@522601"]}],
    }
    opt = pool_map_options(
        doc, lang="zh", title="提货路线", places={"520123": "修文县"}, vehicles={"van-4.2m": "4.2米厢式货车"}
    )
    assert opt["geo"]["map"] == COUNTY_MAP and opt["geo"]["nameProperty"] == "name_zh"
    assert opt["series"][0]["name"] == "4.2米厢式货车 #1"
    assert opt["series"][0]["data"][0]["coords"] == [[106.6, 27.1], [107.98, 26.57]]  # one stop per place
    assert {d["name"]: d["value"][2] for d in opt["series"][-1]["data"]} == {"修文县": 2, "522601": 1}
    en = pool_map_options(doc, lang="en")
    assert en["geo"]["nameProperty"] == "name_en" and en["series"][-1]["name"] == "pickups"


def test_pool_routes_start_and_end_at_the_depot():
    doc = {"stops": {"a-1@520123": [106.6, 27.1]}, "routes": [{"vehicle": "v", "stops": ["a-1@520123"]}]}
    opt = pool_map_options(doc, depot=("贵阳国际陆港", [106.6, 26.7]))
    assert opt["series"][0]["data"][0]["coords"] == [[106.6, 26.7], [106.6, 27.1], [106.6, 26.7]]
    assert opt["series"][-1]["name"] == "集货仓" and opt["series"][-1]["data"][0]["name"] == "贵阳国际陆港"


def test_maps_never_import_searoute_at_run_time():
    # searoute is a data-build dependency only (CI installs without it): the lanes are read from the shipped file
    code = (
        "import sys, qiankua.report.maps as m, qiankua.reference.loader as r; r.sea_lanes(); m.pacific_basemap_json(); "
        "print('searoute' in sys.modules)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )


def _map_texts(option: dict) -> list[str]:
    """What a map shows as text: titles, series names (the legend) and the names of its dots and lines."""
    texts = [option["title"]["text"], option["title"].get("subtext", "")]
    for series in option["series"]:
        texts.append(series["name"])
        texts.extend(d["name"] for d in series["data"] if d.get("name"))
    return [s for s in texts if s]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_labels_come_from_the_catalog_in_the_page_language(lang):
    """The maps' own words (nodes, pickups, depot, the dashed-leg note) are the i18n catalog's, in ``lang``:
    no English label on a Chinese map and no Chinese one on an English map."""
    from qiankua.i18n import messages, t

    for key in ("report.map.nodes", "report.map.pickups", "report.map.depot", "report.map.no_lane"):
        assert messages()[key]["zh"] and messages()[key]["en"], key
    ref = load_reference()
    qzh, lax = ref.hub("CNQZH"), ref.hub("USLAX")
    names = {"from_name": qzh.name_en, "from_name_zh": qzh.name_zh, "to_name": lax.name_en, "to_name_zh": lax.name_zh}
    doc = _sea_doc("CNQZH", "USLAX", **names)
    doc["routes"].append({**doc["routes"][0], "recommended": False})
    route = route_map_options(doc, lang=lang, title=t("web.routes.map", lang), lanes={})
    leg = f"{qzh.name_zh} → {lax.name_zh}" if lang == "zh" else f"{qzh.name_en} → {lax.name_en}"
    assert route["title"]["subtext"] == t("report.map.no_lane", lang, legs=leg)
    assert route["series"][-1]["name"] == t("report.map.nodes", lang)
    pool = pool_map_options(
        {"stops": {"a-1@520123": [106.6, 27.1]}, "routes": [{"vehicle": "v", "stops": ["a-1@520123"]}]},
        lang=lang,
        title=t("web.pool.map", lang),
        places={"520123": "修文县" if lang == "zh" else "Xiuwen County"},
        vehicles={"v": "厢式货车" if lang == "zh" else "van"},
        depot=("贵阳国际陆港" if lang == "zh" else "Guiyang International Land Port", [106.6, 26.7]),
    )
    assert [s["name"] for s in pool["series"][1:]] == [t("report.map.pickups", lang), t("report.map.depot", lang)]
    texts = _map_texts(route) + _map_texts(pool)
    wrong = re.compile(r"[\u4e00-\u9fff]" if lang == "en" else r"[A-Za-z]{2,}")
    assert len(texts) >= 10 and [s for s in texts if wrong.search(s)] == []


def test_maps_hold_no_inline_chinese_label():
    """Every word a map shows comes from the i18n catalog (or the data): no Chinese string in the module's code."""
    import ast
    import inspect

    import qiankua.report.maps as maps

    tree = ast.parse(inspect.getsource(maps))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    inline = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and re.search(r"[\u4e00-\u9fff]", node.value)
    ]
    assert inline == []
