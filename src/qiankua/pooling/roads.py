"""Road distance and time matrix: great circle x circuity, speed by road class.

A documented approximation used when the user gives no matrix. Legs whose great-circle
length is at most ``county_leg_max_km`` are taken as county roads (karst mountain roads,
circuity 1.4-1.6 in the research notes), longer legs as expressway (1.20-1.30). Both
factors and the speeds are reference data (``pooling_road.csv``) flagged ``unconfirmed``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qiankua.pooling.records import RoadParams, Site

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius, as used by the haversine package


def great_circle_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """All-pairs great-circle distance (haversine) in km."""
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    dlat = lat_r[:, None] - lat_r[None, :]
    dlon = lon_r[:, None] - lon_r[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat_r)[:, None] * np.cos(lat_r)[None, :] * np.sin(dlon / 2) ** 2
    km: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))  # numpy ufuncs return Any
    return km


def road_matrix(sites: Sequence[Site], params: RoadParams) -> tuple[np.ndarray, np.ndarray]:
    """``(km, hours)`` matrices for ``sites`` by the approximation above."""
    lon = np.array([s.lon for s in sites], dtype=float)
    lat = np.array([s.lat for s in sites], dtype=float)
    gc = great_circle_km(lon, lat)
    county = gc <= params.county_leg_max_km
    km = np.where(county, gc * params.circuity_county, gc * params.circuity_expressway)
    hours = np.where(county, km / params.speed_county_kmh, km / params.speed_expressway_kmh)
    np.fill_diagonal(km, 0.0)
    np.fill_diagonal(hours, 0.0)
    return km, hours
