"""Pareto routes, exclusions, user quotes, the costing batch and the pooling line-haul options."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.exceptions import InvalidInputError, UnknownReferenceError
from qiankua.routing import (
    Profile,
    Weights,
    all_pairs,
    build_network,
    choose,
    line_haul_options,
    logistics_costs,
    non_dominated,
    plan,
    plan_forward,
)
from tests.routing.conftest import CONTAINER, DAY, PALLET, PARCEL


def vectors(result):
    return sorted((round(r.cost_cny * 100), round(r.days * 1440), round(r.kg_co2e * 1000)) for r in result.routes)


def services(result):
    return {leg.service for r in result.routes for leg in r.legs}


def test_plan_matches_the_naive_forward_search(net):
    rng = random.Random(7)
    counties, markets = sorted(net.county_of), sorted(net.delivery)
    for _ in range(12):
        c, m = rng.choice(counties), rng.choice(markets)
        p = rng.choice([PARCEL, PALLET, CONTAINER])
        result = plan(net, c, m, p)
        assert vectors(result) == plan_forward(net, c, m, p)


def test_routes_are_mutually_non_dominated_and_one_is_recommended(net):
    result = plan(net, "520123", "DE", PALLET)
    vs = vectors(result)
    assert vs == non_dominated(vs) and len(vs) >= 3
    assert sum(r.recommended for r in result.routes) == 1
    for r in result.routes:
        assert r.cost_cny == pytest.approx(sum(leg.cost_cny for leg in r.legs))
        assert r.legs[0].from_node == "520123" and r.legs[-1].to_node == "DLV-DE"
        assert all(a.to_node == b.from_node for a, b in zip(r.legs, r.legs[1:], strict=False))


def test_all_pairs_agrees_with_single_queries(net):
    frame = all_pairs(net, {"pallet": PALLET}, markets=["VN", "US"], counties=["520123", "520324", "522701"])
    assert frame.height == 6
    for row in frame.iter_rows(named=True):
        result = plan(net, row["origin"], row["market"], PALLET)
        assert row["n_pareto"] == len(result.routes)
        assert row["min_cost_cny"] == pytest.approx(min(r.cost_cny for r in result.routes))
        assert row["rec_cost_cny"] == pytest.approx(result.recommended.cost_cny)


def test_each_market_reachable_with_a_pallet(net):
    frame = all_pairs(net, {"pallet": PALLET}, counties=["520123"])
    assert frame.filter(pl.col("n_pareto") == 0).height == 0


def test_alcohol_is_never_posted_and_the_reason_is_given(net):
    baijiu = Profile(weight_kg=6, volume_m3=0.025, pieces=1, abv_pct=53, liquid=True)
    result = plan(net, "520382", "DE", baijiu)
    assert result.routes
    assert not services(result) & {"post_tracked", "express"}
    reasons = {(e.service, e.rule_id) for e in result.excluded}
    assert ("post_tracked", "alcohol_post") in reasons and ("express", "alcohol_express") in reasons
    # the same shipment without alcohol may use them
    assert services(plan(net, "520382", "DE", Profile(weight_kg=1.5, volume_m3=0.01))) & {"post_tracked", "express"}


def test_fresh_fruit_stays_within_max_transit_and_cold_chain(net):
    kiwi = Profile(weight_kg=300, volume_m3=1.2, pieces=54, fresh=True, cold_chain=True, max_transit_days=30)
    result = plan(net, "520123", "DE", kiwi)
    assert result.routes and all(r.days <= 30 for r in result.routes)
    assert not services(result) & {"sea_lcl", "post_tracked", "truck_ltl", "rail_cer_lcl"}
    assert any(e.rule_id == "fresh_transit" and e.service.startswith("sea_fcl") for e in result.excluded)
    assert any(e.rule_id == "cold_chain" for e in result.excluded)


def test_route_level_transit_limit_drops_slow_routes(net):
    slow = Profile(weight_kg=300, volume_m3=1.2, pieces=10, max_transit_days=25)
    result = plan(net, "520123", "US", slow)
    assert all(r.days <= 25 for r in result.routes)
    unbounded = plan(net, "520123", "US", Profile(weight_kg=300, volume_m3=1.2, pieces=10))
    assert any(r.days > 25 for r in unbounded.routes)
    assert any(e.rule_id == "fresh_transit" for e in result.excluded)


def test_heavy_battery_pieces_do_not_fly(net):
    pack = Profile(weight_kg=400, volume_m3=1.0, pieces=8, battery=True)  # 50 kg per piece
    result = plan(net, "520324", "DE", pack)
    assert not services(result) & {"air_general", "post_tracked", "express"}
    assert any(e.rule_id == "battery_air_piece" for e in result.excluded)
    light = plan(net, "520324", "DE", Profile(weight_kg=400, volume_m3=1.0, pieces=40, battery=True))
    assert "air_general" in services(light)


def test_b2b_replenishment_uses_freight_only(net):
    result = plan(net, "520102", "US", Profile(weight_kg=2, volume_m3=0.01, b2b=True))
    assert not services(result) & {"post_tracked", "express"}


def _quote(**kw):
    row = {
        "quote_id": "Q1",
        "provider": "Test Forwarder",
        "mode": "sea_lcl",
        "origin": "CNNSA",
        "destination": "DEHAM",
        "currency": "USD",
        "per_kg": None,
        "per_item": None,
        "per_shipment": None,
        "per_m3": 10.0,
        "per_container": None,
        "container_type": None,
        "min_charge": 20.0,
        "divisor": None,
        "transit_days": None,
        "max_kg_per_item": None,
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": None,
        "notes": None,
    }
    row.update(kw)
    return pl.DataFrame([row])


def test_user_quote_overrides_built_in_rate(tables, fx):
    quoted = build_network(tables, fx=fx, on=DAY, quotes=_quote())
    t, h = quoted.node_index("CNNSA"), quoted.node_index("DEHAM")
    lcl = [e for e in quoted.edges if e.tail == t and e.head == h and e.mode == "sea_lcl"]
    assert [e.service for e in lcl] == ["quote:Q1"]  # the built-in sea_lcl on this link is gone
    w = quoted.evaluate(PALLET)
    assert w.cost[lcl[0].index] == round(max(10.0 * 1.5, 20.0) * fx["USD"] * 100)
    result = plan(quoted, "520123", "DE", PALLET)
    assert "quote:Q1" in services(result)
    cheapest = choose(result.routes, "cheapest")
    assert any(leg.service == "quote:Q1" and leg.confidence.value == "confirmed" for leg in cheapest.legs)


def test_quote_outside_its_dates_is_ignored(tables, fx):
    expired = build_network(tables, fx=fx, on=DAY, quotes=_quote(valid_to=dt.date(2026, 6, 1)))
    assert not any(e.service == "quote:Q1" for e in expired.edges)


def test_door_to_door_quote_to_a_market_adds_an_edge(tables, fx):
    q = _quote(
        mode="express",
        origin="CNKWE",
        destination="US",
        per_kg=30.0,
        per_m3=None,
        min_charge=None,
        currency="CNY",
        transit_days=4.0,
    )
    quoted = build_network(tables, fx=fx, on=DAY, quotes=q)
    result = plan(quoted, "520102", "US", PARCEL)
    leg = next(leg for r in result.routes for leg in r.legs if leg.service == "quote:Q1")
    assert leg.cost_cny == 60.0 and leg.to_node == "DLV-US"


def test_unknown_quote_places_are_rejected(tables, fx):
    with pytest.raises(UnknownReferenceError):
        build_network(tables, fx=fx, on=DAY, quotes=_quote(origin="NOWHERE"))


def test_logistics_costs_batch_for_costing(net):
    rows = pl.DataFrame(
        {
            "origin_adcode": ["520123", "520382", "520123", "520123"],
            "market": ["DE", "us", "DE", "DE"],
            "weight_kg": [300.0, 6.0, 300.0, 2.0],
            "volume_m3": [1.5, 0.025, 1.5, 0.01],
            "pieces": [10, 1, 10, 1],
            "abv_pct": [None, 53.0, None, None],
            "service_preference": ["cheapest", "recommended", "air", "post"],
        }
    )
    out = logistics_costs(net, rows)
    assert out.height == 4 and out["feasible"].all()
    for r in out.iter_rows(named=True):
        assert r["first_mile_cny"] + r["line_haul_cny"] + r["last_mile_cny"] == pytest.approx(
            r["logistics_cny"], abs=0.02
        )
        assert r["logistics_source"].startswith("routing:") and r["confidence"] in ("likely", "unconfirmed")
    assert out["main_mode"][2] == "air" and out["main_mode"][3] == "post"
    cheapest = min(x.cost_cny for x in plan(net, "520123", "DE", PALLET).routes)
    assert out["logistics_cny"][0] == pytest.approx(cheapest)


def test_logistics_costs_infeasible_row_is_a_result(net):
    rows = pl.DataFrame(
        {
            "origin_adcode": ["520382"],
            "market": ["DE"],
            "weight_kg": [6.0],
            "abv_pct": [53.0],
            "service_preference": ["post"],
        }
    )
    out = logistics_costs(net, rows)
    assert out["feasible"].to_list() == [False] and out["logistics_cny"][0] is None
    assert "no feasible route" in out["route_label"][0]


def test_logistics_costs_requires_its_columns(net):
    with pytest.raises(InvalidInputError):
        logistics_costs(net, pl.DataFrame({"market": ["DE"]}))


def test_line_haul_options_from_the_guiyang_land_port(net):
    routes = line_haul_options(net, "CN-GY-DLY", "DE", PALLET)
    assert routes and all(r.legs[0].from_node == "CN-GY-DLY" for r in routes)
    assert {r.main_mode for r in routes} >= {"sea_lcl", "air"}


def test_weights_change_the_recommendation(net):
    cheap = plan(net, "520123", "DE", PALLET, weights=Weights(cost=1, time=0, co2=0)).recommended
    fast = plan(net, "520123", "DE", PALLET, weights=Weights(cost=0, time=1, co2=0)).recommended
    assert cheap.cost_cny <= fast.cost_cny and fast.days <= cheap.days and cheap is not fast


@pytest.mark.parametrize(
    "bad",
    [dict(weight_kg=0), dict(weight_kg=1, pieces=0), dict(weight_kg=1, volume_m3=-1), dict(weight_kg=1, abv_pct=120)],
)
def test_invalid_profiles_raise(bad):
    with pytest.raises(InvalidInputError):
        Profile(**bad)


def test_unknown_places_raise(net):
    with pytest.raises(UnknownReferenceError):
        plan(net, "999999", "DE", PALLET)
    with pytest.raises(UnknownReferenceError):
        plan(net, "520123", "XX", PALLET)


@settings(max_examples=10)
@given(kg=st.floats(0.5, 30000), m3=st.floats(0, 60), pieces=st.integers(1, 500))
def test_more_weight_never_costs_less_on_the_cheapest_route(net, kg, m3, pieces):
    a = plan(net, "520281", "SG", Profile(weight_kg=kg, volume_m3=m3, pieces=pieces))
    b = plan(net, "520281", "SG", Profile(weight_kg=kg * 1.5, volume_m3=m3, pieces=pieces))
    if a.routes and b.routes:
        assert min(r.cost_cny for r in b.routes) >= min(r.cost_cny for r in a.routes) - 0.01
