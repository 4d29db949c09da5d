"""Typed inputs and outputs of the route planner (frozen dataclasses, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

from qiankua.domain import Confidence, Product
from qiankua.exceptions import InvalidInputError

__all__ = ["PREFERENCES", "Exclusion", "Leg", "Profile", "Route", "RouteResult", "Weights"]

#: service preferences understood by :func:`qiankua.routing.choose` and the batch costing path
PREFERENCES = (
    "recommended",
    "cheapest",
    "fastest",
    "greenest",
    "truck",
    "rail",
    "sea_fcl",
    "sea_lcl",
    "air",
    "post",
    "express",
)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInputError(message)


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """What is shipped: weight, volume, pieces, value and the product flags that restrict services.

    ``weight_kg`` gross kg of the whole shipment; ``volume_m3`` its volume (0 = not given, so
    volumetric rules see the weight only); ``pieces`` the number of parcels or cartons (per-item
    tariffs, per-piece weight limits). ``max_transit_days`` bounds the whole
    door-to-door time (fresh goods). ``b2b`` marks overseas-warehouse replenishment (freight only).
    """

    weight_kg: float
    volume_m3: float = 0.0
    pieces: int = 1
    value_cny: float | None = None
    liquid: bool = False
    abv_pct: float | None = None
    battery: bool = False
    fresh: bool = False
    cold_chain: bool = False
    max_transit_days: float | None = None
    fragile: bool = False
    b2b: bool = False
    product_id: str | None = None

    def __post_init__(self) -> None:
        _check(self.weight_kg > 0, f"Expected a positive `weight_kg`, got {self.weight_kg}.")
        _check(self.volume_m3 >= 0, f"Expected a non-negative `volume_m3`, got {self.volume_m3}.")
        _check(self.pieces >= 1, f"Expected `pieces` >= 1, got {self.pieces}.")
        _check(self.abv_pct is None or 0 <= self.abv_pct <= 100, f"Expected `abv_pct` in [0, 100], got {self.abv_pct}.")
        _check(
            self.max_transit_days is None or self.max_transit_days > 0,
            f"Expected a positive `max_transit_days`, got {self.max_transit_days}.",
        )

    @property
    def alcohol(self) -> bool:
        return bool(self.abv_pct and self.abv_pct > 0.5)

    @property
    def kg_per_piece(self) -> float:
        return self.weight_kg / self.pieces

    @property
    def needs_cold_chain(self) -> bool:
        return self.cold_chain or self.fresh

    @classmethod
    def for_product(
        cls,
        product: Product,
        *,
        weight_kg: float,
        volume_m3: float | None = None,
        pieces: int | None = None,
        b2b: bool = False,
    ) -> Profile:
        """A profile carrying ``product``'s flags; volume and pieces default from its carton."""
        if volume_m3 is None or pieces is None:
            carton = product.carton
            if carton is not None:
                n = max(1, round(weight_kg / carton.gross_kg))
                volume_m3 = volume_m3 if volume_m3 is not None else n * carton.volume_m3
                pieces = pieces if pieces is not None else n
        units = weight_kg / product.unit_gross_kg
        return cls(
            weight_kg=weight_kg,
            volume_m3=volume_m3 or 0.0,
            pieces=pieces or 1,
            value_cny=float(product.unit_value.amount) * units,
            liquid=product.liquid,
            abv_pct=product.abv_pct,
            battery=product.battery,
            fresh=product.fresh,
            cold_chain=product.cold_chain,
            max_transit_days=product.max_transit_days,
            fragile=product.fragile,
            b2b=b2b,
            product_id=product.id,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Weights:
    """User weights for the recommended route.

    Each objective is min-max normalised over the Pareto set (0 = best route on it, 1 = worst),
    weighted and summed; the lowest score wins (ties: cheaper first). Defaults: cost 0.5,
    time 0.3, CO2e 0.2 (a project default for exporters, not a standard).
    """

    cost: float = 0.5
    time: float = 0.3
    co2: float = 0.2

    def __post_init__(self) -> None:
        _check(
            min(self.cost, self.time, self.co2) >= 0 and self.cost + self.time + self.co2 > 0,
            "Expected non-negative weights that are not all zero.",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Leg:
    """One leg of a route: a service on a link between two nodes."""

    from_node: str
    to_node: str
    from_name: str
    to_name: str
    mode: str
    service: str
    scope: str  # domestic | international | cross_border | destination
    distance_km: float
    cost_cny: float
    hours: float
    kg_co2e: float
    rate_id: str
    confidence: Confidence
    source_ids: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.from_node,
            "to": self.to_node,
            "from_name": self.from_name,
            "to_name": self.to_name,
            "mode": self.mode,
            "service": self.service,
            "scope": self.scope,
            "distance_km": round(self.distance_km, 1),
            "cost_cny": round(self.cost_cny, 2),
            "hours": round(self.hours, 1),
            "kg_co2e": round(self.kg_co2e, 3),
            "rate_id": self.rate_id,
            "confidence": self.confidence.value,
            "source_ids": list(self.source_ids),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """A door-to-door route with its three objectives and where its numbers come from."""

    legs: tuple[Leg, ...]
    cost_cny: float
    days: float
    kg_co2e: float
    pareto: bool = True
    recommended: bool = False
    confidence: Confidence = Confidence.UNCONFIRMED
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Short description, e.g. ``truck_ltl > rail_cn_lcl > sea_lcl > dest_ltl via CNQZH``."""
        main = self.main_leg
        via = f" via {main.from_node}" if main is not None else ""
        return " > ".join(leg.service for leg in self.legs) + via

    @property
    def main_leg(self) -> Leg | None:
        return next((leg for leg in self.legs if leg.scope in ("international", "cross_border")), None)

    @property
    def main_mode(self) -> str:
        main = self.main_leg
        return main.mode if main is not None else self.legs[-1].mode

    def split_cost(self) -> tuple[float, float, float]:
        """``(first_mile, line_haul, last_mile)`` CNY: legs before the main leg, from it until the
        destination legs, and the destination legs."""
        first = line = last = 0.0
        seen_main = False
        for leg in self.legs:
            if leg.scope == "destination":
                last += leg.cost_cny
            elif seen_main or leg.scope in ("international", "cross_border"):
                seen_main = True
                line += leg.cost_cny
            else:
                first += leg.cost_cny
        return first, line, last

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "main_mode": self.main_mode,
            "cost_cny": round(self.cost_cny, 2),
            "days": round(self.days, 2),
            "kg_co2e": round(self.kg_co2e, 3),
            "pareto": self.pareto,
            "recommended": self.recommended,
            "confidence": self.confidence.value,
            "legs": [leg.to_dict() for leg in self.legs],
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Exclusion:
    """A service (or a whole route class) the shipment cannot take, and why."""

    service: str
    mode: str
    rule_id: str
    reason_en: str
    reason_zh: str
    links: int = 1

    def to_dict(self) -> dict[str, object]:
        return {
            "service": self.service,
            "mode": self.mode,
            "rule": self.rule_id,
            "reason": self.reason_en,
            "reason_zh": self.reason_zh,
            "links": self.links,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteResult:
    """Answer to one question "from county O to market M with this shipment"."""

    origin: str
    market: str
    profile: Profile
    routes: tuple[Route, ...]
    excluded: tuple[Exclusion, ...] = ()
    on: str = ""
    fx: dict[str, float] = field(default_factory=dict)

    def is_feasible(self) -> bool:
        return bool(self.routes)

    @property
    def recommended(self) -> Route | None:
        return next((r for r in self.routes if r.recommended), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": True,
            "origin": self.origin,
            "market": self.market,
            "date": self.on,
            "profile": {k: getattr(self.profile, k) for k in self.profile.__dataclass_fields__},
            "fx_cny_per_unit": self.fx,
            "routes": [r.to_dict() for r in self.routes],
            "excluded": [e.to_dict() for e in self.excluded],
        }
