"""The network matches documented facts; tariffs priced by hand; the tables validate."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from qiankua.reference import validate_reference
from qiankua.routing import Profile
from tests.routing.conftest import PALLET


def edge(net, tail, head, service):
    t, h = net.node_index(tail), net.node_index(head)
    return next(e for e in net.edges if e.tail == t and e.head == h and e.service == service)


def test_reference_data_still_validates():
    report = validate_reference()
    assert report.ok, [str(i) for i in report.issues[:5]]


def test_every_county_and_market_is_in_the_network(net, tables):
    assert len(net.county_of) == 88
    markets = set(tables["markets"]["iso2"].to_list())
    assert set(net.delivery) == markets
    assert tables["route_markets"].height == len(markets)


def test_guiyang_qinzhou_rail_takes_two_to_three_days(net):
    # research 1a: EST 48-72 h terminal to terminal; corridor rail+sea to Vietnam "about 5 days"
    e = edge(net, "CN-GY-GYS", "CNQZH", "rail_cn_fcl")
    transfer_h = 0  # Qinzhou port transfer dwell is counted in the export dwell of the sea leg
    assert 2 * 1440 <= e.minutes - transfer_h * 60 <= 3 * 1440
    assert 900 <= e.distance_km <= 1000


def test_chongqing_duisburg_about_two_weeks(net):
    e = edge(net, "CN-CQ-TJC", "DE-DUI", "rail_cer_fcl")
    days = e.minutes / 1440
    assert 12 <= days <= 17  # 315 h train (~13 days) plus export and import dwell


def test_qinzhou_singapore_sea_distance(net):
    e = edge(net, "CNQZH", "SGSIN", "sea_fcl_20")
    assert 2300 <= e.distance_km <= 2700  # searoute 1.6.0: 2,487 km (research 1a)


def test_guiyang_nansha_rail_is_the_documented_1200_km_48_h(net):
    e = edge(net, "CN-GY-DLY", "CNNSA", "rail_cn_fcl")
    assert e.distance_km == 1200
    assert e.minutes == 48 * 60  # no transfer dwell at a seaport (counted at export)


def test_air_distance_is_great_circle_plus_95(net, tables):
    from qiankua.routing import great_circle_km

    e = edge(net, "CN-CAN", "AP-FRA", "air_general")
    nodes = {r["node_id"]: (r["lon"], r["lat"]) for r in tables["route_nodes"].iter_rows(named=True)}
    gc = great_circle_km(*nodes["CN-CAN"], *nodes["AP-FRA"])
    assert e.distance_km == pytest.approx(gc + 95, abs=0.5)


def test_lcl_priced_by_hand(net, fx):
    # sea_lcl north_europe: USD 74.89 per w/m; 300 kg and 1.5 m3 -> 1.5 w/m
    e = edge(net, "CNNSA", "DEHAM", "sea_lcl")
    w = net.evaluate(PALLET)
    assert w.cost[e.index] == round(74.89 * 1.5 * fx["USD"] * 100)
    small = net.evaluate(Profile(weight_kg=2, volume_m3=0.01))
    assert small.cost[e.index] == round(74.89 * 1.0 * fx["USD"] * 100)  # 1 w/m minimum


def test_air_chargeable_weight_with_divisor_6000(net, fx):
    e = edge(net, "CN-CAN", "AP-FRA", "air_general")
    bulky = net.evaluate(Profile(weight_kg=300, volume_m3=3.0))  # 3 m3 / 6000 cm3 per kg = 500 kg
    assert bulky.cost[e.index] == round(3.52 * 500 * fx["USD"] * 100)
    light = net.evaluate(Profile(weight_kg=20, volume_m3=0.05))  # charged as the 100 kg minimum
    assert light.cost[e.index] == round(3.52 * 100 * fx["USD"] * 100)


def test_fcl_counts_containers(net, fx):
    e = edge(net, "CNNSA", "DEHAM", "sea_fcl_40")
    w = net.evaluate(Profile(weight_kg=30000, volume_m3=40))  # over one 40GP's 26,730 kg -> 2 boxes
    assert w.cost[e.index] == round(2 * 2028 * fx["USD"] * 100)


def test_postal_per_kg_plus_per_item(net):
    e = edge(net, "CNKWE", "DLV-US", "post_tracked")
    w = net.evaluate(Profile(weight_kg=3, volume_m3=0.01, pieces=2))
    assert w.cost[e.index] == (100 * 3 + 20 * 2) * 100
    assert w.minutes[e.index] == 11 * 1440


def test_co2_is_actual_tonne_km_times_intensity(net):
    e = edge(net, "CNNSA", "DEHAM", "sea_fcl_40")
    w = net.evaluate(PALLET)
    assert w.grams[e.index] == round(0.3 * e.distance_km * 8.0)


def test_rates_are_dated(tables):
    import datetime as dt

    from qiankua.routing import build_network

    feb = build_network(tables, fx={"USD": 7.0}, on=dt.date(2025, 2, 1))
    apr = build_network(tables, fx={"USD": 7.0}, on=dt.date(2025, 4, 1))
    rid = lambda n: edge(n, "CN-CD-QBJ", "PL-MAL", "rail_cer_fcl").rate_id  # noqa: E731
    assert rid(feb) == "rail_cer_fcl_cd_jan" and rid(apr) == "rail_cer_fcl_cd_mar"
    # before the sea indexes' date the sea services have no rate and say so
    assert any(s == "sea_fcl_40" for s, *_ in feb.missing_rates)


def test_every_edge_cites_sources_and_confidence(net):
    assert all(e.source_ids for e in net.edges)
    assert all(e.confidence.value in ("confirmed", "likely", "unconfirmed") for e in net.edges)
    assert np.isfinite(net.params["minutes"]).all()
    assert not any(math.isnan(x) for x in net.params["distance_km"])


@pytest.mark.parametrize("key", ["520123", "修文县", "修文", "Xiuwen County", "xiuwen"])
def test_county_lookup_by_code_or_name(net, key):
    assert net.county(key) == "520123"


# ---- region-agnostic: another inland province is a data change ------------------------------------

_ENGINE_TABLES = ("freight_rates", "route_emission_factors", "route_dwell_times", "route_params", "route_service_rules")
_ACCESS_COLS = (
    "access_id",
    "from_level",
    "within",
    "to_node",
    "label",
    "services",
    "co2_class",
    "first_mile",
    "source_id",
    "confidence",
    "notes",
)


def _access(*rows):
    return pl.DataFrame(
        [dict(zip(_ACCESS_COLS, (*r, "toy", "unconfirmed", ""), strict=True)) for r in rows],
        schema=dict.fromkeys(_ACCESS_COLS, pl.String),
    )


def _sichuan(tables, access=None, extra_divisions=()):
    """A toy Sichuan: Chengdu (Jintang, Dayi) and Ya'an (Hanyuan), the Qingbaijiang rail port with a
    China-Europe train to Duisburg, a Chengdu airport node, Germany as the one market. Services,
    rates, emission factors, dwell, parameters and rules are the shipped tables (not province data).
    Coordinates are approximate (test fixture, not reference data)."""
    div = ("adcode", "name_zh", "name_en", "level", "parent_adcode", "lon", "lat")
    divisions = pl.DataFrame(
        [
            dict(zip(div, r, strict=True))
            for r in (
                ("510000", "四川省", "Sichuan Province", "province", None, 104.07, 30.67),
                ("510100", "成都市", "Chengdu City", "prefecture", "510000", 104.07, 30.57),
                ("510121", "金堂县", "Jintang County", "county", "510100", 104.41, 30.86),
                ("510129", "大邑县", "Dayi County", "county", "510100", 103.52, 30.59),
                ("511800", "雅安市", "Ya'an City", "prefecture", "510000", 103.04, 30.01),
                ("511823", "汉源县", "Hanyuan County", "county", "511800", 102.65, 29.35),
                *extra_divisions,
            )
        ]
    )
    hub = ("hub_id", "name_en", "name_zh", "type", "lon", "lat")
    hubs = pl.DataFrame(
        [
            dict(zip(hub, r, strict=True))
            for r in (
                ("CN-CD-QBJ", "Chengdu Qingbaijiang", "成都青白江", "rail_terminal", 104.25, 30.78),
                ("DE-DUI", "Duisburg", "杜伊斯堡", "rail_terminal", 6.76, 51.43),
            )
        ]
    )
    node = ("node_id", "name_en", "name_zh", "kind", "lon", "lat")
    nodes = pl.DataFrame(
        [
            dict(zip(node, r, strict=True))
            for r in (
                ("CN-CTU", "Chengdu Shuangliu airport", "成都双流机场", "airport", 103.95, 30.58),
                ("DLV-DE", "Germany delivery", "德国", "delivery", 8.54, 50.03),
            )
        ]
    )
    link = (
        "link_id",
        "from_node",
        "to_node",
        "mode",
        "scope",
        "lane",
        "services",
        "co2_class",
        "distance_km",
        "transit_hours",
        "dwell_hours",
        "source_id",
        "confidence",
        "notes",
    )
    links = pl.DataFrame(
        [
            dict(zip(link, r, strict=True))
            for r in (
                (
                    "QBJ>DUI",
                    "CN-CD-QBJ",
                    "DE-DUI",
                    "rail",
                    "international",
                    "europe_chengdu",
                    "rail_cer_fcl;rail_cer_lcl",
                    "rail_diesel",
                    "11500",
                    "330",
                    "",
                    "toy",
                    "unconfirmed",
                    "",
                ),
                (
                    "DUI>DLV-DE",
                    "DE-DUI",
                    "DLV-DE",
                    "last_mile",
                    "destination",
                    "*",
                    "dest_ltl;dest_container",
                    "truck_heavy",
                    "250",
                    "",
                    "",
                    "toy",
                    "unconfirmed",
                    "",
                ),
            )
        ],
        schema=dict.fromkeys(link, pl.String),
    )
    markets = pl.DataFrame({"iso2": ["DE"], "delivery_node": ["DLV-DE"]})
    if access is None:
        access = _access(
            ("sc-county-qbj", "county", "510000", "CN-CD-QBJ", "truck", "truck_container", "truck_heavy", "true"),
            (
                "sc-pref-qbj",
                "prefecture",
                "510000",
                "CN-CD-QBJ",
                "truck",
                "truck_ltl;truck_container",
                "truck_heavy",
                "false",
            ),
            ("sc-chengdu-ctu", "county", "510100", "CN-CTU", "express", "parcel_pickup", "van_lcv", "false"),
        )
    toy = {
        "divisions": divisions,
        "hubs": hubs,
        "route_nodes": nodes,
        "route_links": links,
        "route_markets": markets,
        "route_access": access,
    }
    return {**{k: tables[k] for k in _ENGINE_TABLES}, **toy}


@pytest.fixture(scope="module")
def sichuan(tables, fx):
    from qiankua.routing import build_network
    from tests.routing.conftest import DAY

    return build_network(_sichuan(tables), fx=fx, on=DAY)


def test_another_province_is_routed_from_data_alone(sichuan):
    """Toy Sichuan counties reach Germany through Qingbaijiang's China-Europe train, no code change."""
    from qiankua.routing import all_pairs, plan

    assert sorted(sichuan.county_of) == ["510121", "510129", "511823"]
    result = plan(sichuan, "金堂", "DE", PALLET)
    assert result.origin == "510121" and result.routes
    for route in result.routes:
        assert route.legs[0].from_node == "510121" and route.legs[-1].to_node == "DLV-DE"
        assert "CN-CD-QBJ" in {leg.to_node for leg in route.legs} and route.main_mode == "rail"
    frame = all_pairs(sichuan, {"pallet": PALLET})
    assert frame.height == 3 and frame["n_pareto"].min() > 0


def test_access_rows_are_scoped_by_adcode(sichuan):
    """A row `within` a prefecture serves only that prefecture's counties; a province row serves all."""

    def heads(adcode):
        return {sichuan.node_ids[e.head] for e in sichuan.edges if e.tail == sichuan.node_index(adcode)}

    assert heads("510121") == {"510100", "CN-CD-QBJ", "CN-CTU"}
    assert heads("511823") == {"511800", "CN-CD-QBJ"}
    assert heads("511800") == {"CN-CD-QBJ"}
    first = next(e for e in sichuan.edges if e.link_id == "510121>CN-CD-QBJ:truck")
    assert first.service == "truck_container" and "toy" in first.source_ids


def test_guizhou_gateways_come_from_route_access(net, tables):
    """The Qiannan -> Duyun leg is a data row: only prefecture 522700 reaches CN-DY by road."""
    row = tables["route_access"].filter(pl.col("to_node") == "CN-DY").row(0, named=True)
    assert (row["from_level"], row["within"]) == ("prefecture", "522700")
    dy = net.node_index("CN-DY")
    tails = {net.node_ids[e.tail] for e in net.edges if e.head == dy and e.scope == "domestic"}
    assert tails == {"522700"}
    kwe = net.node_index("CNKWE")
    assert sum(1 for e in net.edges if e.head == kwe and e.service == "parcel_pickup") == 88


def test_county_under_the_province_itself_uses_the_province_rows(tables, fx):
    """A county-level city with no prefecture (as Henan's Jiyuan) gets the province-wide legs only."""
    from qiankua.routing import build_network, plan
    from tests.routing.conftest import DAY

    toy = _sichuan(tables, extra_divisions=[("510999", "直辖市", "Toy Direct City", "county", "510000", 104.5, 30.2)])
    net = build_network(toy, fx=fx, on=DAY)
    heads = {net.node_ids[e.head] for e in net.edges if e.tail == net.node_index("510999")}
    assert heads == {"CN-CD-QBJ"}
    assert plan(net, "510999", "DE", PALLET).routes


@pytest.mark.parametrize(
    ("row", "message"),
    [
        # gateway id not among hubs / route_nodes
        (("bad-node", "county", "510000", "CN-NOWHERE", "truck", "truck_ltl", "truck_heavy", "false"), "to_node"),
        # area adcode not in divisions (Shaanxi in a Sichuan network)
        (("bad-area", "county", "610000", "CN-CD-QBJ", "truck", "truck_ltl", "truck_heavy", "false"), "within"),
        # emission class not in route_emission_factors
        (("bad-co2", "county", "510000", "CN-CD-QBJ", "truck", "truck_ltl", "lorry", "false"), "co2_class"),
    ],
)
def test_bad_access_row_names_the_row_and_column(tables, fx, row, message):
    from qiankua.exceptions import QiankuaError
    from qiankua.routing import build_network
    from tests.routing.conftest import DAY

    with pytest.raises(QiankuaError, match=f"route_access {row[0]}: .*`{message}`"):
        build_network(_sichuan(tables, _access(row)), fx=fx, on=DAY)


def test_routing_engine_holds_no_province_identifiers():
    """Province facts live in reference data: no Guizhou adcodes, node ids or place names in the code."""
    import re
    from pathlib import Path

    import qiankua.routing

    pattern = re.compile(r"\b52\d{4}\b|CN-GY|CNKWE|CN-DY|Guiyang|Guizhou|Qiannan|Duyun|Dulaying|KWE|贵|黔|都匀")
    for path in Path(qiankua.routing.__file__).parent.glob("*.py"):
        hits = [m.group(0) for m in pattern.finditer(path.read_text(encoding="utf-8"))]
        assert not hits, f"{path.name}: {hits}"
