"""Engines feeding each other through services: routing -> costing, costing/routing -> opportunity."""

import polars as pl
import pytest

from qiankua.services.costing import pair_margins, quote_one
from qiankua.services.routing import pair_routes

TEA_DE = {
    "product_id": "duyun-maojian-250g",
    "market": "DE",
    "mode": "9610",
    "service": "postal",
    "platform": "amazon",
    "date": "2026-08-01",
    "price": 24.99,
}


def test_quote_takes_its_logistics_from_the_route_planner(ref):
    """With the product's county known, first mile, line haul and last mile come from routing."""
    routed = quote_one(dict(TEA_DE), ref, sensitivity=False).to_dict()
    assert routed["route"]["feasible"] is True
    assert routed["route"]["logistics_source"].startswith("routing")
    assert routed["route"]["route_label"]
    total_route = (
        routed["route"]["first_mile_cny"] + routed["route"]["line_haul_cny"] + routed["route"]["last_mile_cny"]
    )
    per_unit = routed["per_unit_cny"]
    assert per_unit["first_mile"] + per_unit["line_haul"] + per_unit["last_mile"] == pytest.approx(
        total_route, abs=0.01
    )


def test_route_false_uses_the_fallback_rate_table(ref):
    fallback = quote_one(dict(TEA_DE, route=False), ref, sensitivity=False).to_dict()
    assert fallback["route"] is None
    assert fallback["per_unit_cny"]["line_haul"] > 0  # priced from logistics_rates_fallback.csv


def test_consignment_logistics_are_spread_per_unit(ref):
    """200 guitars by sea LCL: the consignment's route cost divided by 200 lands in each unit."""
    req = {
        "product_id": "zhengan-acoustic-guitar-41in",
        "market": "DE",
        "mode": "9710",
        "service": "sea-lcl",
        "platform": "b2b",
        "date": "2026-08-01",
        "quantity": 200,
    }
    doc = quote_one(req, ref, sensitivity=False).to_dict()
    assert doc["route"]["units_per_consignment"] == 200 and doc["route"]["main_mode"] == "sea_lcl"
    assert doc["per_unit_cny"]["line_haul"] == pytest.approx(doc["route"]["line_haul_cny"] / 200, abs=1e-3)


def test_alcohol_by_post_has_no_route_and_says_why(ref):
    req = {
        "product_id": "moutai-feitian-53-500ml",
        "market": "DE",
        "mode": "9610",
        "service": "postal",
        "platform": "amazon",
        "date": "2026-08-01",
    }
    doc = quote_one(req, ref, sensitivity=False).to_dict()
    assert doc["route"]["feasible"] is False
    assert "no feasible route" in doc["route"]["route_label"]


def _pairs(ref, markets):
    return ref.products.select(pl.col("id").alias("product"), "hs6").join(
        pl.DataFrame({"market": markets}), how="cross"
    )


def test_pair_margins_give_tariff_fractions(ref):
    frame = pair_margins(ref, _pairs(ref, ["AU", "US", "DE"]))
    assert frame.height > 0
    assert frame["tariff"].min() >= 0 and frame["tariff"].max() < 1
    assert set(frame["confidence"]) <= {"confirmed", "likely", "unconfirmed"}


def test_pair_routes_cover_every_pair_with_a_delivery_node(ref):
    pairs = _pairs(ref, ["VN", "DE"])
    frame = pair_routes(ref, pairs)
    assert frame.height == pairs.height
    assert (frame["route_cost_cny_per_kg"].drop_nulls() > 0).all()
    assert (
        frame.filter(pl.col("market") == "VN")["route_days"].mean()
        < frame.filter(pl.col("market") == "DE")["route_days"].mean()
    )
