"""Pickup routing: PyVRP plans re-checked independently; a seed gives the same plan."""

import numpy as np

from qiankua.pooling.records import RoadParams, Site, Vehicle
from qiankua.pooling.roads import great_circle_km, road_matrix
from qiankua.pooling.vrp import PickupStop, check_routes, savings_routes, solve_pickups

DEPOT = Site(key="depot", lon=106.6, lat=26.7)
ROAD = RoadParams(
    circuity_expressway=1.25,
    circuity_county=1.5,
    speed_expressway_kmh=60,
    speed_county_kmh=35,
    county_leg_max_km=30,
    stop_minutes=20,
)


def _instance(n=8, seed=3):
    rng = np.random.default_rng(seed)
    sites = [DEPOT] + [
        Site(key=f"s{i}", lon=106.6 + rng.uniform(-1.2, 1.2), lat=26.7 + rng.uniform(-1, 1)) for i in range(n)
    ]
    km, hours = road_matrix(sites, ROAD)
    stops = [
        PickupStop(
            key=f"s{i}",
            site_index=i + 1,
            kg=float(rng.integers(100, 900)),
            m3=float(rng.uniform(0.5, 4)),
            tw_early_h=float(e),
            tw_late_h=float(e + 6),
            service_h=1 / 3,
        )
        for i, e in enumerate(rng.integers(6, 12, size=n))
    ]
    vehicles = [
        Vehicle(
            vehicle_id="van", capacity_kg=1800, capacity_m3=16, count=6, cost_per_km=4.5, cost_per_hour=30, depot=DEPOT
        )
    ]
    return stops, vehicles, km, hours


def test_great_circle_by_hand():
    # one degree of latitude on the IUGG mean sphere: 6371.0088 * pi / 180 = 111.195 km
    d = great_circle_km(np.array([106.0, 106.0]), np.array([26.0, 27.0]))
    assert abs(d[0, 1] - 111.195) < 0.01
    km, hours = road_matrix([Site(key="a", lon=106, lat=26), Site(key="b", lon=106, lat=27)], ROAD)
    assert abs(km[0, 1] - 111.195 * 1.25) < 0.02 and abs(hours[0, 1] - km[0, 1] / 60) < 1e-9


def test_pyvrp_plan_is_feasible_when_rechecked():
    stops, vehicles, km, hours = _instance()
    res = solve_pickups(stops, vehicles, km, hours, time_limit_s=0.5, seed=1)
    assert res.feasible
    assert check_routes(res, stops, vehicles, km, hours) == []
    assert sorted(k for r in res.routes for k in r.stops) == sorted(s.key for s in stops)
    base = savings_routes(stops, vehicles[0], km, hours)
    assert res.km <= base.km * 1.05  # no worse than Clarke-Wright (which ignores windows)


def test_same_seed_same_plan():
    stops, vehicles, km, hours = _instance(seed=7)
    # an iteration budget (not the clock) ends both runs, so they must be identical
    a = solve_pickups(stops, vehicles, km, hours, time_limit_s=60, seed=42, max_iterations=400)
    b = solve_pickups(stops, vehicles, km, hours, time_limit_s=60, seed=42, max_iterations=400)
    assert [r.stops for r in a.routes] == [r.stops for r in b.routes]
    assert a.cost_cny == b.cost_cny


def test_checker_flags_violations():
    stops, vehicles, km, hours = _instance()
    res = solve_pickups(stops, vehicles, km, hours, time_limit_s=0.3, seed=1)
    small = [Vehicle(vehicle_id="van", capacity_kg=100, capacity_m3=1, count=1, cost_per_km=1, depot=DEPOT)]
    assert check_routes(res, stops, small, km, hours)


def test_oversize_stop_is_split():
    _stops, vehicles, km, hours = _instance(n=2)
    big = [PickupStop(key="big", site_index=1, kg=4000, m3=5)]
    res = solve_pickups(big, vehicles, km, hours, time_limit_s=0.3, seed=0)
    assert res.feasible and len(res.routes) == 3
