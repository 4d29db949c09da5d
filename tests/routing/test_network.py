"""The network matches documented facts; tariffs priced by hand; the tables validate."""

from __future__ import annotations

import math

import numpy as np
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
    from qiankua.routing import build_network
    import datetime as dt

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
