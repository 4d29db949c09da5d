"""The route network as data: nodes, links x services = edges, tariffs, dwell, emission factors.

:func:`build_network` takes the routing reference tables as polars frames (read by
``qiankua.services.routing``), an FX table (CNY per unit of each rate currency), a date and
optionally the user's freight quotes, and returns an immutable :class:`Network`. Then
:meth:`Network.evaluate` prices every edge for one shipment :class:`~qiankua.routing.records.Profile`
in one vectorised pass (numpy): integer CNY fen, minutes and grams CO2e per edge, plus the
exclusion reason of every edge the shipment cannot take.

Cost of a service on a leg of ``km`` km, for ``kg`` gross kg, ``m3`` and ``pieces``::

    chargeable_kg = max(kg, m3 * 1e6 / divisor, min_chargeable_kg)        (divisor in cm3 per kg)
    units         = ceil(max(kg / unit_capacity_kg, m3 / unit_capacity_m3))   (containers, vehicles)
    cost = per_kg * chargeable_kg + per_wm * chargeable_kg / 1000 + per_tkm * chargeable_kg / 1000 * km
         + per_m3 * m3 + per_item * pieces + per_shipment + per_unit * units + per_unit_km * units * km
    cost = max(cost, min_charge)

(w/m pricing = divisor 1000 cm3/kg, i.e. 1 m3 counts as 1 t, with a 1 w/m minimum.)
Time = documented transit hours, or the service's door-to-door days, or distance / speed, plus
dwell at the nodes (export customs at the Chinese gateway, import customs abroad, transfers).
CO2e (ISO 14083 / GLEC, well-to-wheel) = actual tonnes x km x g per tkm of the vehicle class.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

from qiankua.domain import Confidence, worst_confidence
from qiankua.exceptions import InvalidInputError, UnknownReferenceError
from qiankua.routing.records import Exclusion, Profile

__all__ = ["Edge", "EdgeWeights", "Network", "build_network", "great_circle_km"]

_RATE_NUMBERS = (
    "per_kg",
    "per_wm",
    "per_tkm",
    "per_m3",
    "per_item",
    "per_shipment",
    "per_unit",
    "per_unit_km",
    "min_charge",
    "divisor",
    "min_chargeable_kg",
    "unit_capacity_kg",
    "unit_capacity_m3",
    "max_kg_per_item",
    "max_kg_per_shipment",
    "max_value_cny_per_item",
    "transit_days",
)
#: container capacities for user quotes by container_type (FreightUtils figures, as pooling_load_units)
CONTAINER_CAPACITY = {
    "20GP": (28180.0, 32.8),
    "40GP": (26730.0, 67.0),
    "40HC": (26540.0, 75.7),
    "45HC": (27700.0, 85.0),
    "20RF": (27400.0, 28.3),
    "40RF": (29000.0, 59.3),
}
_QUOTE_CO2 = {
    "truck": "truck_heavy",
    "rail": "rail_electric_cn",
    "sea_fcl": "sea_deep",
    "sea_lcl": "sea_deep",
    "air": "air_belly_long",
    "post": "air_belly_long",
    "express": "air_belly_long",
    "last_mile": "truck_heavy",
    "other": "truck_heavy",
}
_EARTH_KM = 6371.0088


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine distance on the mean Earth radius (6,371.0088 km, as the haversine package)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """A service on a link: the unit the search moves along."""

    index: int
    link_id: str
    tail: int
    head: int
    mode: str  # qiankua.domain.Service.MODES vocabulary (truck, rail, sea_fcl, sea_lcl, air, post, express, last_mile)
    service: str
    rate_id: str
    scope: str
    lane: str
    distance_km: float
    minutes: int
    co2_g_per_tkm: float
    confidence: Confidence
    source_ids: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EdgeWeights:
    """Per-edge objectives for one profile; ``rule`` is -1 where the edge is usable."""

    cost: np.ndarray  # int64 CNY fen
    minutes: np.ndarray  # int64
    grams: np.ndarray  # int64 g CO2e
    rule: np.ndarray  # int64 index into Network.rule_texts of the first reason, -1 = feasible
    warn: np.ndarray  # bool: a "warn" rule applies
    hits: np.ndarray  # bool (reasons x edges): every exclusion reason that applies

    @property
    def feasible(self) -> np.ndarray:
        return self.rule < 0


@dataclass(frozen=True, kw_only=True, repr=False)
class Network:
    """Nodes, edges and tariffs on one date. Build with :func:`build_network`."""

    def __repr__(self) -> str:
        return (
            f"Network(on={self.on}, nodes={len(self.node_ids)}, edges={len(self.edges)}, "
            f"markets={len(self.delivery)}, counties={len(self.county_of)})"
        )

    on: dt.date
    node_ids: tuple[str, ...]
    node_kind: tuple[str, ...]
    node_name_en: tuple[str, ...]
    node_name_zh: tuple[str, ...]
    county_of: dict[str, int]  # adcode -> node index (counties only)
    names: dict[str, str]  # lower-case zh/en name -> adcode (counties)
    delivery: dict[str, int]  # market iso2 -> delivery node index
    edges: tuple[Edge, ...]
    params: dict[str, np.ndarray]  # rate parameter arrays over edges (NaN = absent)
    cold_ok: np.ndarray
    rules: tuple[dict[str, Any], ...]
    rule_texts: tuple[tuple[str, str, str], ...]  # (rule_id, reason_en, reason_zh)
    missing_rates: tuple[tuple[str, str, str, int], ...]  # (service, mode, lane, head node) with no rate in force
    fx: dict[str, float]
    market_edges: dict[str, np.ndarray] = field(default_factory=dict)  # edges that can reach each market
    # derived in __post_init__ from the fields above
    tails: np.ndarray = field(init=False, repr=False, compare=False)  # int64 tail node of each edge
    heads: np.ndarray = field(init=False, repr=False, compare=False)  # int64 head node of each edge
    into: list[list[int]] = field(init=False, repr=False, compare=False)  # node -> edges ending there
    outof: list[list[int]] = field(init=False, repr=False, compare=False)  # node -> edges leaving it
    _index: dict[str, int] = field(init=False, repr=False, compare=False)  # node id -> node index

    def __post_init__(self) -> None:
        n = len(self.node_ids)
        tails = np.fromiter((e.tail for e in self.edges), dtype=np.int64, count=len(self.edges))
        heads = np.fromiter((e.head for e in self.edges), dtype=np.int64, count=len(self.edges))
        object.__setattr__(self, "tails", tails)
        object.__setattr__(self, "heads", heads)
        into: list[list[int]] = [[] for _ in range(n)]
        outof: list[list[int]] = [[] for _ in range(n)]
        for e in self.edges:
            into[e.head].append(e.index)
            outof[e.tail].append(e.index)
        object.__setattr__(self, "into", into)
        object.__setattr__(self, "outof", outof)
        object.__setattr__(self, "_index", {nid: i for i, nid in enumerate(self.node_ids)})
        if not self.market_edges:
            for iso2, node in self.delivery.items():
                seen = {node}
                stack = [node]
                mask = np.zeros(len(self.edges), dtype=bool)
                while stack:
                    v = stack.pop()
                    for ei in into[v]:
                        mask[ei] = True
                        u = self.edges[ei].tail
                        if u not in seen:
                            seen.add(u)
                            stack.append(u)
                self.market_edges[iso2] = mask

    # ---- lookups ----------------------------------------------------------------------

    def node_index(self, node_id: str) -> int:
        try:
            return self._index[node_id]
        except KeyError:
            raise UnknownReferenceError(f"Unknown route node {node_id!r}.") from None

    def county(self, key: str) -> str:
        """Adcode of a county in the network given its adcode or its Chinese or English name."""
        text = key.strip()
        if text in self.county_of:
            return text
        hit = self.names.get(text.lower())
        if hit is not None:
            return hit
        import difflib

        close = difflib.get_close_matches(text.lower(), list(self.names), n=5, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownReferenceError(
            f"Unknown county {key!r}: expected the 6-digit adcode of a county in the route network "
            f"or its Chinese/English name.{hint}"
        )

    def market_node(self, iso2: str) -> int:
        code = iso2.strip().upper()
        if code not in self.delivery:
            raise UnknownReferenceError(
                f"No route data for market {iso2!r}; expected one of {', '.join(sorted(self.delivery))}."
            )
        return self.delivery[code]

    # ---- pricing ------------------------------------------------------------------------

    def evaluate(self, profile: Profile) -> EdgeWeights:
        """Cost (fen), minutes and grams of every edge for ``profile`` and why an edge is excluded."""
        p = self.params
        kg, m3, pieces = profile.weight_kg, profile.volume_m3, profile.pieces
        km = p["distance_km"]
        vol_kg = np.where(np.isnan(p["divisor"]), 0.0, m3 * 1e6 / np.where(np.isnan(p["divisor"]), 1.0, p["divisor"]))
        chg = np.maximum(np.maximum(kg, vol_kg), np.nan_to_num(p["min_chargeable_kg"]))
        cap_kg = np.where(np.isnan(p["unit_capacity_kg"]), np.inf, p["unit_capacity_kg"])
        cap_m3 = np.where(np.isnan(p["unit_capacity_m3"]), np.inf, p["unit_capacity_m3"])
        units = np.maximum(1.0, np.ceil(np.maximum(kg / cap_kg, m3 / cap_m3) - 1e-9))
        z = np.nan_to_num
        cost = (
            z(p["per_kg"]) * chg
            + z(p["per_wm"]) * chg / 1000
            + z(p["per_tkm"]) * chg / 1000 * km
            + z(p["per_m3"]) * m3
            + z(p["per_item"]) * pieces
            + z(p["per_shipment"])
            + z(p["per_unit"]) * units
            + z(p["per_unit_km"]) * units * km
        )
        cost = np.maximum(cost, z(p["min_charge"]))
        cost_fen = np.rint(cost * 100).astype(np.int64)
        grams = np.rint(kg / 1000 * km * p["co2_g_per_tkm"]).astype(np.int64)
        minutes = p["minutes"].astype(np.int64)

        rule = np.full(len(self.edges), -1, dtype=np.int64)
        warn = np.zeros(len(self.edges), dtype=bool)
        hits = np.zeros((len(self.rule_texts), len(self.edges)), dtype=bool)

        def apply(mask: np.ndarray, code: int) -> None:
            hits[code] |= mask
            rule[mask & (rule < 0)] = code

        per_piece = profile.kg_per_piece
        apply(~np.isnan(p["max_kg_per_item"]) & (per_piece > np.nan_to_num(p["max_kg_per_item"], nan=np.inf)), 0)
        apply(~np.isnan(p["max_kg_per_shipment"]) & (kg > np.nan_to_num(p["max_kg_per_shipment"], nan=np.inf)), 1)
        if profile.value_cny is not None:
            per_item_value = profile.value_cny / pieces
            limit = np.nan_to_num(p["max_value_cny_per_item"], nan=np.inf)
            apply(per_item_value > limit, 2)
        for code, r in enumerate(self.rules, start=3):
            applies = r["mask"]
            cond, threshold = r["condition"], r["threshold"]
            if cond == "alcohol":
                on = profile.alcohol
            elif cond == "abv_over":
                on = (profile.abv_pct or 0) > threshold
            elif cond == "liquid":
                on = profile.liquid
            elif cond == "battery":
                on = profile.battery
            elif cond == "battery_kg_per_piece_over":
                on = profile.battery and per_piece > threshold
            elif cond == "cold_chain":
                on = profile.needs_cold_chain
                applies = applies & ~self.cold_ok
            elif cond == "max_transit_days":
                on = profile.max_transit_days is not None
                if profile.max_transit_days is not None:
                    applies = applies & (minutes > profile.max_transit_days * 1440)
            elif cond == "b2b":
                on = profile.b2b
            elif cond == "fragile":
                on = profile.fragile
            else:  # unknown condition: the loader rejects these
                on = False
            if not on:
                continue
            if r["action"] == "warn":
                warn |= applies
            else:
                apply(applies, code)
        return EdgeWeights(cost=cost_fen, minutes=minutes, grams=grams, rule=rule, warn=warn, hits=hits)

    def reachable_edges(self, origin: int) -> np.ndarray:
        """Mask of the edges on some path from node ``origin`` (feasible or not)."""
        mask = np.zeros(len(self.edges), dtype=bool)
        seen, stack = {origin}, [origin]
        while stack:
            v = stack.pop()
            for ei in self.outof[v]:
                mask[ei] = True
                h = self.edges[ei].head
                if h not in seen:
                    seen.add(h)
                    stack.append(h)
        return mask

    def exclusions(self, weights: EdgeWeights, iso2: str | None = None, origin: int | None = None) -> list[Exclusion]:
        """Excluded services (grouped by service and reason), limited to edges on a path from
        ``origin`` (node index) to market ``iso2`` when given; ``links`` counts those edges."""
        mask = ~weights.feasible
        if iso2 is not None:
            mask = mask & self.market_edges[iso2]
        if origin is not None:
            mask = mask & self.reachable_edges(origin)
        groups: dict[tuple[str, str, int], int] = defaultdict(int)
        for code, ei in zip(*np.nonzero(weights.hits & mask[None, :]), strict=True):
            e = self.edges[ei]
            groups[(e.service, e.mode, int(code))] += 1
        out = []
        for (service, mode, code), count in sorted(groups.items()):
            rule_id, en, zh = self.rule_texts[code]
            out.append(Exclusion(service=service, mode=mode, rule_id=rule_id, reason_en=en, reason_zh=zh, links=count))
        target = self.delivery.get(iso2) if iso2 else None
        seen: set[tuple[str, str]] = set()
        for service, mode, lane, head in self.missing_rates:
            if target is not None and head != target and not self._reaches(head, iso2):
                continue
            if (service, lane) in seen:
                continue
            seen.add((service, lane))
            out.append(
                Exclusion(
                    service=service,
                    mode=mode,
                    rule_id="no_rate",
                    reason_en=f"no rate in force on {self.on} for lane {lane!r}",
                    reason_zh=f"{self.on} 无该航线（{lane}）有效运价",
                )
            )
        return out

    def _reaches(self, node: int, iso2: str | None) -> bool:
        if iso2 is None:
            return True
        mask = self.market_edges[iso2]
        return bool(mask[np.asarray(self.into[node], dtype=np.int64)].any()) if self.into[node] else False


# ------------------------------------------------------------------------------------ building


@dataclass(frozen=True, slots=True, kw_only=True)
class _Rate:
    """A ``freight_rates`` row in force: its numbers (money in CNY, NaN = absent) and the edge fields it sets."""

    numbers: dict[str, float]  # one value per name in _RATE_NUMBERS
    rate_id: str
    mode: str
    cold: bool  # cold_chain_ok
    confidence: str
    sources: tuple[str, ...]
    notes: str


def _num(value: Any) -> float:
    if value is None or value == "":
        return math.nan
    return float(value)


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _in_force(row: dict[str, Any], on: dt.date) -> bool:
    start, end = _date(row.get("valid_from")), _date(row.get("valid_to"))
    return (start is None or start <= on) and (end is None or on < end)


def _ids(text: Any) -> tuple[str, ...]:
    return tuple(s.strip() for s in str(text or "").split(";") if s.strip())


def _within(adcode: str, area: str, parent_of: dict[str, str]) -> bool:
    """True when division ``adcode`` is ``area`` or lies inside it (walking up the division tree)."""
    code: str | None = adcode
    while code is not None:
        if code == area:
            return True
        code = parent_of.get(code)
    return False


def _access_rows(
    frame: pl.DataFrame, index: dict[str, int], parent_of: dict[str, str], co2_classes: dict[str, float]
) -> list[dict[str, Any]]:
    """The ``route_access`` rows, checked: known gateway node, area adcode and emission class."""
    areas = set(parent_of) | set(parent_of.values())
    out = []
    for r in frame.iter_rows(named=True):
        if r["to_node"] not in index:
            raise UnknownReferenceError(
                f"route_access {r['access_id']}: unknown `to_node` {r['to_node']!r} (expected a hub or route node id)."
            )
        if r["within"] not in areas:
            raise UnknownReferenceError(
                f"route_access {r['access_id']}: `within` {r['within']!r} is not an adcode "
                "in divisions (expected a province or prefecture adcode)."
            )
        if r["co2_class"] not in co2_classes:
            raise UnknownReferenceError(
                f"route_access {r['access_id']}: unknown `co2_class` {r['co2_class']!r}; "
                f"expected one of {', '.join(sorted(co2_classes))}."
            )
        if r["from_level"] not in ("county", "prefecture"):
            raise InvalidInputError(
                f"route_access {r['access_id']}: expected `from_level` county or prefecture, got {r['from_level']!r}."
            )
        out.append(
            {
                "to_node": r["to_node"],
                "head": index[r["to_node"]],
                "from_level": r["from_level"],
                "within": r["within"],
                "label": r["label"],
                "services": _ids(r["services"]),
                "co2_class": r["co2_class"],
                "first_mile": str(r["first_mile"]).lower() == "true",
                "confidence": r["confidence"],
                "sources": _ids(r["source_id"]),
            }
        )
    return out


def build_network(
    tables: dict[str, pl.DataFrame],
    *,
    fx: dict[str, float],
    on: dt.date,
    quotes: pl.DataFrame | None = None,
) -> Network:
    """Build the network from the routing tables.

    ``tables`` must hold ``divisions``, ``hubs``, ``route_nodes``, ``route_markets``,
    ``route_access``, ``route_links``, ``freight_rates``, ``route_emission_factors``, ``route_dwell_times``,
    ``route_params`` and ``route_service_rules`` (text or typed columns). ``fx`` maps a currency
    to CNY per unit (``{"USD": 7.1}``; CNY is 1). ``quotes`` are rows of the user's
    ``freight_quotes`` table; a quote in force on ``on`` replaces the built-in services of its
    mode between its origin and destination (or adds a new edge).
    """
    fx = {"CNY": 1.0, **fx}
    params = {r["key"]: float(r["value"]) for r in tables["route_params"].iter_rows(named=True)}
    ef = {
        r["co2_class"]: float(r["g_co2e_per_tkm_wtw"]) for r in tables["route_emission_factors"].iter_rows(named=True)
    }
    ef_conf = {r["co2_class"]: r["confidence"] for r in tables["route_emission_factors"].iter_rows(named=True)}
    dwell = {(r["stage"], r["node_kind"]): float(r["hours"]) for r in tables["route_dwell_times"].iter_rows(named=True)}

    # ---- nodes
    ids: list[str] = []
    kind: list[str] = []
    name_en: list[str] = []
    name_zh: list[str] = []
    lonlat: list[tuple[float, float]] = []

    def add(node_id: str, k: str, en: str, zh: str, lon: Any, lat: Any) -> None:
        ids.append(node_id)
        kind.append(k)
        name_en.append(en)
        name_zh.append(zh or en)
        lonlat.append((float(lon), float(lat)))

    divisions = tables["divisions"]
    county_parent: dict[str, str] = {}
    parent_of: dict[str, str] = {}  # every division -> the division it belongs to (county -> prefecture -> province)
    names: dict[str, str] = {}
    for r in divisions.iter_rows(named=True):
        if r["parent_adcode"]:
            parent_of[r["adcode"]] = r["parent_adcode"]
        if r["level"] == "province":
            continue
        add(r["adcode"], r["level"], r["name_en"], r["name_zh"], r["lon"], r["lat"])
        if r["level"] == "county":
            county_parent[r["adcode"]] = r["parent_adcode"]
            names[r["name_zh"].lower()] = r["adcode"]
            en = r["name_en"].lower()
            names[en] = r["adcode"]
            for suffix in (" county", " district", " city", " autonomous county"):
                if en.endswith(suffix):
                    names.setdefault(en[: -len(suffix)].strip(), r["adcode"])
            for suffix in ("县", "区", "市", "自治县"):
                if r["name_zh"].endswith(suffix) and len(r["name_zh"]) > len(suffix) + 1:
                    names.setdefault(r["name_zh"][: -len(suffix)], r["adcode"])
    for r in tables["hubs"].iter_rows(named=True):
        add(r["hub_id"], r["type"], r["name_en"], r["name_zh"] or r["name_en"], r["lon"], r["lat"])
    for r in tables["route_nodes"].iter_rows(named=True):
        add(r["node_id"], r["kind"], r["name_en"], r["name_zh"] or r["name_en"], r["lon"], r["lat"])
    index = {nid: i for i, nid in enumerate(ids)}
    if len(index) != len(ids):
        raise InvalidInputError("Duplicate route node ids across divisions, hubs and route_nodes.")

    delivery = {r["iso2"]: index[r["delivery_node"]] for r in tables["route_markets"].iter_rows(named=True)}

    # ---- rates in force
    rates: dict[tuple[str, str], _Rate] = {}
    for r in tables["freight_rates"].iter_rows(named=True):
        if not _in_force(r, on):
            continue
        key = (r["service_id"], r["lane"])
        if key in rates:
            raise InvalidInputError(f"Two rates in force on {on} for service {key[0]} lane {key[1]}.")
        cur = r["currency"]
        if cur not in fx:
            raise InvalidInputError(f"No FX rate for {cur} (rate {r['rate_id']}); pass `fx` with CNY per {cur}.")
        numbers = {k: _num(r.get(k)) for k in _RATE_NUMBERS}
        for k in (
            "per_kg",
            "per_wm",
            "per_tkm",
            "per_m3",
            "per_item",
            "per_shipment",
            "per_unit",
            "per_unit_km",
            "min_charge",
        ):
            numbers[k] = numbers[k] * fx[cur]
        rates[key] = _Rate(
            numbers=numbers,
            rate_id=r["rate_id"],
            mode=r["mode"],
            cold=str(r["cold_chain_ok"]).lower() == "true",
            confidence=r["confidence"],
            sources=_ids(r["source_id"]),
            notes=r.get("notes") or "",
        )

    def rate_for(service: str, lane: str) -> _Rate | None:
        return rates.get((service, lane)) or rates.get((service, "*"))

    def speed_hours(mode: str, km: float) -> float:
        if mode in ("truck", "last_mile"):
            return km / params["truck_kmh"]
        if mode == "rail":
            return km / params["rail_cn_kmh"]
        if mode == "sea":
            return km / (params["sea_speed_kn"] * 1.852)
        if mode == "air":
            return km / params["air_kmh"]
        raise InvalidInputError(f"No speed for link mode {mode!r}.")

    def dwell_hours(scope: str, tail: int, head: int, mode: str) -> float:
        if scope == "domestic":
            return dwell.get(("transfer", kind[head]), 0.0)
        if scope == "international":
            export_kind = "post_exchange" if mode == "post" else kind[tail]
            return dwell.get(("export", export_kind), 0.0) + dwell.get(("import", kind[head]), 0.0)
        if scope == "cross_border":
            tk = "border_road" if kind[tail] in ("border_rail", "border_road") else kind[tail]
            return dwell.get(("export", tk), 0.0) + dwell.get(("import", "border_road"), 0.0)
        return 0.0

    edges: list[Edge] = []
    rows: list[dict[str, float]] = []
    cold: list[bool] = []
    missing: list[tuple[str, str, str, int]] = []

    def add_edge(
        link_id: str,
        tail: int,
        head: int,
        link_mode: str,
        service: str,
        scope: str,
        lane: str,
        km: float,
        hours: float | None,
        extra_dwell: float,
        co2_class: str,
        link_conf: str,
        link_sources: tuple[str, ...],
        rate: _Rate | None = None,
        notes: tuple[str, ...] = (),
    ) -> None:
        rate = rate or rate_for(service, lane)
        if rate is None:
            missing.append((service, link_mode, lane, head))
            return
        if not math.isnan(rate.numbers["transit_days"]):
            total_h = rate.numbers["transit_days"] * 24 + extra_dwell
        else:
            base = hours if hours is not None else speed_hours(link_mode, km)
            total_h = base + dwell_hours(scope, tail, head, rate.mode) + extra_dwell
        conf = worst_confidence(link_conf, rate.confidence, ef_conf.get(co2_class, "unconfirmed"))
        edges.append(
            Edge(
                index=len(edges),
                link_id=link_id,
                tail=tail,
                head=head,
                mode=rate.mode,
                service=service,
                rate_id=rate.rate_id,
                scope=scope,
                lane=lane,
                distance_km=km,
                minutes=round(total_h * 60),
                co2_g_per_tkm=ef[co2_class],
                confidence=conf,
                source_ids=tuple(dict.fromkeys(link_sources + rate.sources)),
                notes=notes,
            )
        )
        row = {k: rate.numbers[k] for k in _RATE_NUMBERS}
        row["distance_km"] = km
        row["co2_g_per_tkm"] = ef[co2_class]
        row["minutes"] = float(round(total_h * 60))
        rows.append(row)
        cold.append(rate.cold)

    # ---- county and prefecture legs (derived from coordinates)
    c_road = params["road_circuity_county"]
    road = params["road_circuity"]
    min_km = params["min_road_km"]
    first_h = params["first_mile_hours"]

    def gc(a: int, b: int) -> float:
        return great_circle_km(*lonlat[a], *lonlat[b])

    # which gateways a region's counties and prefecture points reach by road is data (route_access)
    access = _access_rows(tables["route_access"], index, parent_of, ef)

    county_src = ("rt-route-convention",)  # distances and times of the generated road legs

    def access_legs(level: str, adcode: str, node: int, circuity: float) -> None:
        for a in access:
            if a["from_level"] != level or not _within(adcode, a["within"], parent_of):
                continue
            km = max(gc(node, a["head"]) * circuity, min_km)
            hours = first_h + km / params["truck_kmh"] if a["first_mile"] else None
            for service in a["services"]:
                add_edge(
                    f"{adcode}>{a['to_node']}:{a['label']}",
                    node,
                    a["head"],
                    "truck",
                    service,
                    "domestic",
                    "*",
                    km,
                    hours,
                    0.0,
                    a["co2_class"],
                    a["confidence"],
                    county_src + a["sources"],
                )

    # every county reaches its own prefecture point (the division tree, the same in every province)
    # (a county-level city under the province itself, as Henan's Jiyuan, has no prefecture point)
    for adcode, parent in county_parent.items():
        c = index[adcode]
        if parent in index:  # provinces are not nodes
            pf = index[parent]
            km = max(gc(c, pf) * c_road, min_km)
            for service in ("truck_ltl", "truck_container"):
                add_edge(
                    f"{adcode}>{parent}:truck",
                    c,
                    pf,
                    "truck",
                    service,
                    "domestic",
                    "*",
                    km,
                    first_h + km / params["truck_kmh"],
                    0.0,
                    "truck_heavy",
                    "unconfirmed",
                    county_src,
                )
        access_legs("county", adcode, c, c_road)
    for pref in sorted(x for x in set(county_parent.values()) if x in index):
        access_legs("prefecture", pref, index[pref], road)

    # ---- links from route_links
    for r in tables["route_links"].iter_rows(named=True):
        tail, head = index[r["from_node"]], index[r["to_node"]]
        km = float(r["distance_km"])
        hours = None if r["transit_hours"] in (None, "") else float(r["transit_hours"])
        extra = _num(r.get("dwell_hours"))
        for service in _ids(r["services"]):
            add_edge(
                r["link_id"],
                tail,
                head,
                r["mode"],
                service,
                r["scope"],
                r["lane"],
                km,
                hours,
                0.0 if math.isnan(extra) else extra,
                r["co2_class"],
                r["confidence"],
                _ids(r["source_id"]),
                notes=(r["notes"],) if r.get("notes") else (),
            )

    # ---- user quotes override built-in services of the same mode between the same nodes
    if quotes is not None and quotes.height:
        edges, rows, cold = _apply_quotes(
            quotes,
            on,
            fx,
            index,
            delivery,
            edges,
            rows,
            cold,
            ef,
            lonlat,
            kind,
            dwell_hours,
            speed_hours,
            county_parent,
        )

    arrays = {
        k: np.array([row[k] for row in rows], dtype=float)
        for k in (*_RATE_NUMBERS, "distance_km", "co2_g_per_tkm", "minutes")
    }
    # ---- rules
    rule_texts: list[tuple[str, str, str]] = [
        ("max_kg_per_item", "weight per piece is over the service's limit per item", "单件重量超过该服务的单件限重"),
        ("max_kg_per_shipment", "shipment weight is over the service's limit", "整票重量超过该服务上限"),
        ("max_value_per_item", "value per item is over the service's limit", "单件货值超过该服务上限"),
    ]
    rules: list[dict[str, Any]] = []
    services = np.array([e.service for e in edges], dtype=object)
    for r in tables["route_service_rules"].iter_rows(named=True):
        targets = _ids(r["services"])
        mask = np.ones(len(edges), dtype=bool) if targets == ("*",) else np.isin(services, list(targets))
        if r["condition"] not in (
            "alcohol",
            "abv_over",
            "liquid",
            "battery",
            "battery_kg_per_piece_over",
            "cold_chain",
            "max_transit_days",
            "b2b",
            "fragile",
        ):
            raise InvalidInputError(f"Unknown rule condition {r['condition']!r} in route_service_rules.")
        rules.append(
            {
                "rule_id": r["rule_id"],
                "condition": r["condition"],
                "threshold": _num(r["threshold"]),
                "action": r["action"],
                "mask": mask,
            }
        )
        rule_texts.append((r["rule_id"], r["reason_en"], r["reason_zh"]))

    return Network(
        on=on,
        node_ids=tuple(ids),
        node_kind=tuple(kind),
        node_name_en=tuple(name_en),
        node_name_zh=tuple(name_zh),
        county_of={a: index[a] for a in county_parent},
        names=names,
        delivery=delivery,
        edges=tuple(edges),
        params=arrays,
        cold_ok=np.array(cold, dtype=bool),
        rules=tuple(rules),
        rule_texts=tuple(rule_texts),
        missing_rates=tuple(missing),
        fx=dict(fx),
    )


def _apply_quotes(
    quotes: pl.DataFrame,
    on: dt.date,
    fx: dict[str, float],
    index: dict[str, int],
    delivery: dict[str, int],
    edges: list[Edge],
    rows: list[dict[str, float]],
    cold: list[bool],
    ef: dict[str, float],
    lonlat: list[tuple[float, float]],
    kind: list[str],
    dwell_hours: Callable[[str, int, int, str], float],
    speed_hours: Callable[[str, float], float],
    county_parent: dict[str, str],
) -> tuple[list[Edge], list[dict[str, float]], list[bool]]:
    """Replace or add edges for the user's freight quotes in force on ``on``."""
    link_mode_of = {
        "truck": "truck",
        "rail": "rail",
        "sea_fcl": "sea",
        "sea_lcl": "sea",
        "air": "air",
        "post": "post",
        "express": "post",
        "last_mile": "last_mile",
        "other": "truck",
    }
    for q in quotes.iter_rows(named=True):
        if not _in_force(q, on):
            continue
        origin, dest = str(q["origin"]).strip(), str(q["destination"]).strip()
        if origin not in index:
            raise UnknownReferenceError(
                f"Freight quote {q['quote_id']}: unknown origin {origin!r} "
                "(expected a hub/node id or a county/prefecture adcode)."
            )
        if dest.upper() in delivery and dest not in index:
            head = delivery[dest.upper()]
        elif dest in index:
            head = index[dest]
        else:
            raise UnknownReferenceError(
                f"Freight quote {q['quote_id']}: unknown destination {dest!r} "
                "(expected a hub/node id or an ISO2 market)."
            )
        tail, mode = index[origin], q["mode"]
        cur = q["currency"]
        if cur not in fx:
            raise InvalidInputError(f"Freight quote {q['quote_id']}: no FX rate for {cur}.")
        template = next((e for e in edges if e.tail == tail and e.head == head and e.mode == mode), None)
        keep = [i for i, e in enumerate(edges) if not (e.tail == tail and e.head == head and e.mode == mode)]
        edges = [edges[i] for i in keep]
        rows = [rows[i] for i in keep]
        cold = [cold[i] for i in keep]
        cap = CONTAINER_CAPACITY.get(q.get("container_type") or "", (math.nan, math.nan))
        rate = {k: math.nan for k in _RATE_NUMBERS}
        for src, dst in (
            ("per_kg", "per_kg"),
            ("per_item", "per_item"),
            ("per_shipment", "per_shipment"),
            ("per_m3", "per_m3"),
            ("per_container", "per_unit"),
            ("min_charge", "min_charge"),
        ):
            v = _num(q.get(src))
            rate[dst] = v * fx[cur] if not math.isnan(v) else math.nan
        rate["divisor"] = _num(q.get("divisor"))
        rate["max_kg_per_item"] = _num(q.get("max_kg_per_item"))
        if not math.isnan(rate["per_unit"]):
            rate["unit_capacity_kg"], rate["unit_capacity_m3"] = (
                cap if not math.isnan(cap[0]) else CONTAINER_CAPACITY["40GP"]
            )
        transit_days = _num(q.get("transit_days"))
        if template is not None:
            km, scope, lane = template.distance_km, template.scope, template.lane
            co2 = template.co2_g_per_tkm
            minutes = template.minutes if math.isnan(transit_days) else round(transit_days * 1440)
        else:
            gc_km = great_circle_km(*lonlat[tail], *lonlat[head])
            lm = link_mode_of.get(mode, "truck")
            km = gc_km + 95 if lm in ("air", "post") else gc_km * (1.45 if lm == "rail" else 1.25)
            scope = "international" if kind[head] == "delivery" or kind[tail] in ("seaport", "airport") else "domestic"
            lane = "*"
            co2 = ef[_QUOTE_CO2.get(mode, "truck_heavy")]
            if math.isnan(transit_days):
                hours = speed_hours("sea" if lm == "sea" else ("air" if lm == "post" else lm), km)
                minutes = round((hours + dwell_hours(scope, tail, head, mode)) * 60)
            else:
                minutes = round(transit_days * 1440)
        provider = q.get("provider") or ""
        edges.append(
            Edge(
                index=len(edges),
                link_id=f"{origin}>{dest}:quote",
                tail=tail,
                head=head,
                mode=mode,
                service=f"quote:{q['quote_id']}",
                rate_id=f"user:{q['quote_id']}",
                scope=scope,
                lane=lane,
                distance_km=km,
                minutes=minutes,
                co2_g_per_tkm=co2,
                confidence=Confidence.CONFIRMED,
                source_ids=(f"user.freight_quotes:{q['quote_id']}",),
                notes=(f"user quote from {provider}",),
            )
        )
        row = dict(rate)
        row.update(distance_km=km, co2_g_per_tkm=co2, minutes=float(minutes))
        rows.append(row)
        cold.append(True)
    # re-number
    edges = [replace(e, index=i) for i, e in enumerate(edges)]
    return edges, rows, cold
