"""Fixtures: the real routing network on a fixed date, and small shipment profiles."""

from __future__ import annotations

import datetime as dt

import pytest

from qiankua.routing import Network, Profile
from qiankua.services.routing import load_network, load_tables

DAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="session")
def tables():
    return load_tables(validate=True)


@pytest.fixture(scope="session")
def net(tables) -> Network:
    return load_network(on=DAY)


@pytest.fixture(scope="session")
def fx() -> dict[str, float]:
    from qiankua.services.routing import fx_table

    return fx_table(DAY, ("USD",))


PARCEL = Profile(weight_kg=2, volume_m3=0.01)
PALLET = Profile(weight_kg=300, volume_m3=1.5, pieces=10)
CONTAINER = Profile(weight_kg=20000, volume_m3=40, pieces=800)
