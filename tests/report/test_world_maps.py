"""Route and pool maps on offline basemaps (issue 20 item 6)."""

import itertools
import json
from importlib.resources import files

from qiankua.report.maps import COUNTY_MAP, WORLD_MAP, great_circle, pool_map_options, route_map_options, world_basemap


def test_world_basemap_is_small_and_named():
    size = len(files("qiankua.reference").joinpath("data/world_countries_110m.geojson").read_bytes())
    assert size < 1_000_000
    doc = world_basemap()
    iso = {f["properties"]["iso2"] for f in doc["features"]}
    assert {"CN", "DE", "US", "FR", "NO"} <= iso and len(doc["features"]) == 177


def test_great_circle_to_the_us_crosses_the_pacific_not_the_world():
    # Shenzhen (114.1, 22.5) to Los Angeles (-118.2, 34.0): the short way is over the Pacific
    pieces = great_circle([114.1, 22.5], [-118.2, 34.0])
    assert len(pieces) == 2  # split at the antimeridian
    assert pieces[0][-1][0] == 180.0 and pieces[1][0][0] == -180.0
    for piece in pieces:
        assert all(abs(b[0] - a[0]) < 30 for a, b in itertools.pairwise(piece))  # no segment across the map
    # the arc bends north of both ends (a great circle, not a straight line on the lon/lat grid)
    assert max(p[1] for piece in pieces for p in piece) > 40


def test_route_map_options_use_the_world_geo_and_chinese_names():
    doc = {
        "routes": [
            {
                "recommended": True,
                "cost_cny": 10.0,
                "label_zh": "空运（经广州白云国际机场）",
                "legs": [
                    {
                        "from": "CN-CAN",
                        "to": "DLV-US",
                        "mode": "air",
                        "from_lonlat": [113.3, 23.4],
                        "to_lonlat": [-118.4, 33.9],
                        "from_name_zh": "广州白云国际机场",
                        "to_name_zh": "美国",
                    },
                    {"from": "X", "to": "Y", "mode": "sea_lcl", "from_lonlat": None, "to_lonlat": [1, 1]},
                ],
            }
        ]
    }
    opt = route_map_options(doc, lang="zh", lanes={})
    assert opt["geo"]["map"] == WORLD_MAP
    lines = opt["series"][0]
    assert lines["coordinateSystem"] == "geo" and lines["name"] == "1. 空运（经广州白云国际机场）"
    assert len(lines["data"]) == 2 and lines["lineStyle"]["width"] == 4
    names = [d["name"] for d in opt["series"][-1]["data"]]
    assert names == ["广州白云国际机场", "美国"]
    json.dumps(opt)  # plain JSON for the page


def test_sea_leg_follows_a_given_lane():
    lane = [[108.6, 21.7], [105.0, 10.0], [103.8, 1.3]]
    doc = {
        "routes": [
            {
                "recommended": False,
                "legs": [
                    {
                        "from": "CNQZH",
                        "to": "SGSIN",
                        "mode": "sea_fcl",
                        "from_lonlat": [108.6, 21.7],
                        "to_lonlat": [103.8, 1.3],
                    }
                ],
            }
        ]
    }
    opt = route_map_options(doc, lanes={"CNQZH>SGSIN": lane})
    assert opt["series"][0]["data"][0]["coords"] == lane


def test_pool_map_options_over_the_county_basemap():
    doc = {
        "stops": {"贵阳": [106.7, 26.6], "凯里": [107.98, 26.57]},
        "routes": [{"vehicle": "4.2m", "stops": ["贵阳", "凯里", "贵阳"]}],
    }
    opt = pool_map_options(doc, title="提货路线")
    assert opt["geo"]["map"] == COUNTY_MAP
    assert opt["series"][0]["data"][0]["coords"] == [[106.7, 26.6], [107.98, 26.57], [106.7, 26.6]]
