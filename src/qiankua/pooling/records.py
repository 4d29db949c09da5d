"""Typed inputs and outputs of the pooling engine (frozen dataclasses, no I/O)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qiankua.exceptions import InvalidInputError

__all__ = [
    "CartonLine",
    "LineHaulOption",
    "LoadUnit",
    "RoadParams",
    "Site",
    "Vehicle",
]


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInputError(message)


@dataclass(frozen=True, slots=True, kw_only=True)
class CartonLine:
    """One shipment row: ``count`` identical cartons of one exporter from one county."""

    shipment_id: str
    exporter: str
    origin_adcode: str
    lon: float
    lat: float
    count: int
    l_cm: float
    w_cm: float
    h_cm: float
    kg: float
    destination: str
    stackable: bool = True
    this_side_up: bool = False
    ready_from: dt.datetime | None = None
    ready_to: dt.datetime | None = None
    service_preference: str | None = None
    product_id: str | None = None

    def __post_init__(self) -> None:
        _check(self.count >= 1, f"{self.shipment_id}: expected cartons >= 1, got {self.count}")
        _check(min(self.l_cm, self.w_cm, self.h_cm) > 0, f"{self.shipment_id}: carton sides must be > 0")
        _check(self.kg > 0, f"{self.shipment_id}: carton weight must be > 0")
        if self.ready_from and self.ready_to:
            _check(self.ready_from <= self.ready_to, f"{self.shipment_id}: ready_to before ready_from")

    @property
    def carton_m3(self) -> float:
        return self.l_cm * self.w_cm * self.h_cm / 1e6

    @property
    def m3(self) -> float:
        return self.carton_m3 * self.count

    @property
    def total_kg(self) -> float:
        return self.kg * self.count

    @property
    def wants_air(self) -> bool:
        return self.service_preference in ("air", "express", "fastest")


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A location on the pickup map (depot or exporter), lon/lat in degrees."""

    key: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Vehicle:
    """A pickup vehicle type: capacity, how many, cost per km / hour / use, depot position."""

    vehicle_id: str
    capacity_kg: float
    capacity_m3: float
    count: int
    cost_per_km: float
    cost_per_hour: float = 0.0
    fixed_cost: float = 0.0
    depot: Site
    confidence: str = "confirmed"

    def __post_init__(self) -> None:
        _check(self.capacity_kg > 0 and self.capacity_m3 > 0, f"vehicle {self.vehicle_id}: capacities must be > 0")
        _check(self.count >= 1, f"vehicle {self.vehicle_id}: count must be >= 1")
        _check(
            min(self.cost_per_km, self.cost_per_hour, self.fixed_cost) >= 0,
            f"vehicle {self.vehicle_id}: costs must be >= 0",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RoadParams:
    """Great circle x circuity, speeds by road class (see reference pooling_road.csv)."""

    circuity_expressway: float
    circuity_county: float
    speed_expressway_kmh: float
    speed_county_kmh: float
    county_leg_max_km: float
    stop_minutes: float
    confidence: str = "unconfirmed"


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadUnit:
    """A pallet, ULD or container: interior cuboid (cm) and payload (kg)."""

    unit_id: str
    kind: str
    l_cm: float
    w_cm: float
    h_cm: float
    max_kg: float
    confidence: str = "confirmed"

    @property
    def m3(self) -> float:
        return self.l_cm * self.w_cm * self.h_cm / 1e6


@dataclass(frozen=True, slots=True, kw_only=True)
class LineHaulOption:
    """One way to ship a destination group from the depot hub (prices already in CNY).

    ``mode`` is LCL, FCL (with ``load_unit``) or air. LCL pays ``per_wm`` per revenue tonne
    (max of tonnes and m3, at least ``min_wm``); FCL ``per_container`` per box; air
    ``per_kg`` per chargeable kg (max of gross and m3 x 1e6 / ``divisor``).
    """

    market: str
    mode: str
    load_unit: str | None = None
    per_wm: float = 0.0
    min_wm: float = 1.0
    per_container: float = 0.0
    per_kg: float = 0.0
    divisor: float = 6000.0
    transit_days: float | None = None
    source_id: str = ""
    confidence: str = "unconfirmed"
    notes: str = ""
    extras: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(self.mode in ("LCL", "FCL", "air"), f"line-haul mode must be LCL, FCL or air, got {self.mode!r}")
        _check(self.mode != "FCL" or bool(self.load_unit), "an FCL option needs its load_unit (20GP/40GP/40HC)")
