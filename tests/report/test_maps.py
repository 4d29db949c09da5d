"""The report's county choropleth: every county drawn, coloured by its value, bad geometry refused."""

import re

import pytest

from qiankua.reference import load_reference
from qiankua.reference.loader import county_boundaries
from qiankua.report.maps import county_map_svg
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
