"""Unit economics of the three export channels for one SKU x market, as a function of monthly volume.

* ``9610`` — one parcel per unit sold from Guizhou: the costing engine's 9610 quote (product, parcel
  route, duty/VAT of the low-value regime, platform fees, returns) per unit; no stock, no fixed cost.
* ``9810_fba`` / ``9810_3pl`` — stock shipped in bulk to an overseas warehouse and sold from there: the
  costing engine's 9810 quote lines without logistics (product, duty on the formal entry, platform
  fees, returns, less the export rebate) + the routing engine's consignment cost for a shipment of
  ``Q`` units (interpolated in a table of consignment sizes) + the formal entry's fees (ad valorem
  with minimum and maximum per entry, e.g. US MPF and HMF) + receiving, fulfilment and storage of
  the warehouse + the cost of the cash tied up in stock in transit and on the shelf.
* ``9710`` — a B2B consignment to an importer at a wholesale price: the costing engine's 9710 quote.

Shipment size at monthly volume ``V``: the EOQ with the shipment's fixed costs (the entry fees at
their minimum and the cost of the smallest consignment) and a yearly holding cost of storage + cash,
kept between half a month and six months of sales. Safety stock: ``z sqrt(L (cv V)^2 + V^2 sL^2)``
in months (:mod:`qiankua.warehouse.policy`), stored for its average ``Q/2 + SS``.

Money is CNY unless a field says otherwise; destination-currency fees carry ``fx`` (CNY per unit of
the destination currency) so an FX scenario moves them with the price. Everything is vectorised over
an array of monthly volumes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["CHANNELS", "ChannelInputs", "EntryFee", "LineHaulPoint", "WarehouseFees", "shipment_qty", "unit_costs"]

CHANNELS: tuple[str, ...] = ("9610", "9810_fba", "9810_3pl", "9710")
Array = npt.NDArray[np.float64]
DAYS_PER_MONTH = 365.0 / 12


@dataclass(frozen=True, slots=True, kw_only=True)
class LineHaulPoint:
    """The routing engine's door-to-warehouse cost of one consignment of ``units`` (CNY) and its days."""

    units: float
    cost_cny: float
    days: float


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryFee:
    """A fee per formal import entry: ``rate`` x customs value, clipped to ``[minimum, maximum]``, plus
    ``per_entry`` (destination currency)."""

    name: str
    rate: float = 0.0
    minimum: float | None = None
    maximum: float | None = None
    per_entry: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class WarehouseFees:
    """One warehouse's fees per unit (destination currency); ``None`` = not known (the channel is then
    incomplete and says so)."""

    fulfilment: float | None
    storage_per_m3_month: float | None
    receiving: float | None = 0.0
    last_mile: float | None = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelInputs:
    """Everything the channel comparison rests on, already looked up and dated by the caller."""

    sku: str
    market: str
    currency: str
    fx: float
    price: float
    unit_cost_cny: float
    unit_volume_m3: float
    customs_value: float
    parcel_cost_cny: float | None
    parcel_logistics_cny: float = 0.0
    parcel_days: float | None = None
    bulk_variable_cny: float | None = None
    linehaul: tuple[LineHaulPoint, ...] = ()
    lead_time_sd_days: float = 0.0
    entry_fees: tuple[EntryFee, ...] = ()
    warehouses: dict[str, WarehouseFees] = field(default_factory=dict)
    b2b_cost_cny: float | None = None
    b2b_price: float | None = None
    discount_rate: float = 0.10
    demand_cv: float = 0.5
    z: float = 1.645
    freight_scale: float = 1.0
    flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("fx", "unit_volume_m3", "customs_value", "discount_rate", "demand_cv", "freight_scale"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"Expected a non-negative finite `{name}`, got {value!r}.")
        if self.fx <= 0:
            raise ValueError(f"Expected a positive `fx` (CNY per {self.currency}), got {self.fx}.")
        pts = [p.units for p in self.linehaul]
        if pts != sorted(pts) or any(p.units <= 0 or p.cost_cny < 0 for p in self.linehaul):
            raise ValueError("Expected `linehaul` points with positive, increasing units and non-negative costs.")


def _linehaul_cost(inp: ChannelInputs, q: Array) -> Array:
    """Consignment cost for ``q`` units: linear between the table's points, pro rata beyond the last one."""
    units = np.array([p.units for p in inp.linehaul])
    cost = np.array([p.cost_cny for p in inp.linehaul])
    inside = np.interp(q, units, cost)
    beyond = cost[-1] * q / units[-1]
    out: Array = np.where(q > units[-1], beyond, np.where(q < units[0], cost[0], inside)) * inp.freight_scale
    return out


def _lead_time_days(inp: ChannelInputs, q: Array) -> Array:
    units = np.array([p.units for p in inp.linehaul])
    days = np.array([p.days for p in inp.linehaul])
    out: Array = np.asarray(np.interp(q, units, days), dtype=np.float64)
    return out


def _entry_cost(inp: ChannelInputs, q: Array) -> Array:
    """Entry fees per shipment of ``q`` units (CNY)."""
    total = np.zeros_like(q)
    value = inp.customs_value * q  # destination currency
    for fee in inp.entry_fees:
        ad = fee.rate * value
        if fee.minimum is not None:
            ad = np.maximum(ad, fee.minimum)
        if fee.maximum is not None:
            ad = np.minimum(ad, fee.maximum)
        total = total + (ad + fee.per_entry) * inp.fx
    return total


def _holding_per_unit_year(inp: ChannelInputs, fees: WarehouseFees) -> float:
    storage = (fees.storage_per_m3_month or 0.0) * inp.fx * inp.unit_volume_m3 * 12
    return storage + inp.unit_cost_cny * inp.discount_rate


def shipment_qty(inp: ChannelInputs, fees: WarehouseFees, volume: Array) -> Array:
    """Units per shipment at monthly ``volume``: EOQ with the fixed costs of a shipment, within 0.5-6 months."""
    v = np.asarray(volume, dtype=np.float64)
    fixed = _entry_cost(inp, np.ones(1))[0] + _linehaul_cost(inp, np.ones(1))[0]
    h = _holding_per_unit_year(inp, fees)
    eoq = np.sqrt(2 * 12 * v * fixed / h) if h > 0 else 6 * v
    return np.maximum(np.clip(eoq, 0.5 * v, 6 * v), 1.0)


def _safety_stock(inp: ChannelInputs, volume: Array, lead_days: Array, cv: Array | float) -> Array:
    lt = lead_days / DAYS_PER_MONTH
    sl = inp.lead_time_sd_days / DAYS_PER_MONTH
    return inp.z * np.sqrt(lt * (cv * volume) ** 2 + volume**2 * sl**2)


def unit_costs(inp: ChannelInputs, volume: Array, demand_cv: Array | None = None) -> dict[str, dict[str, Array]]:
    """Cost lines per unit sold (CNY) of every channel that can be costed, at each monthly ``volume``.

    Returns ``{channel: {line: array}}`` with a ``total`` line; channels lacking an input are absent
    (the caller reports them as incomplete with the missing input). ``demand_cv`` (an array like
    ``volume``) replaces ``inp.demand_cv`` element-wise: many SKUs sharing one cost structure in one call.
    """
    v = np.maximum(np.asarray(volume, dtype=np.float64), 1e-9)
    cv: Array | float = inp.demand_cv if demand_cv is None else np.asarray(demand_cv, dtype=np.float64)
    out: dict[str, dict[str, Array]] = {}
    if inp.parcel_cost_cny is not None:
        freight = inp.parcel_logistics_cny * (inp.freight_scale - 1.0)
        out["9610"] = {"total": np.full_like(v, inp.parcel_cost_cny + freight)}
    if inp.bulk_variable_cny is not None and inp.linehaul:
        for kind, fees in inp.warehouses.items():
            if fees.fulfilment is None or fees.storage_per_m3_month is None or fees.last_mile is None:
                continue
            q = shipment_qty(inp, fees, v)
            days = _lead_time_days(inp, q)
            ss = _safety_stock(inp, v, days, cv)
            on_hand = q / 2 + ss
            lines = {
                "goods_duty_fees": np.full_like(v, inp.bulk_variable_cny),
                "linehaul": _linehaul_cost(inp, q) / q,
                "entry": _entry_cost(inp, q) / q,
                "receiving": np.full_like(v, (fees.receiving or 0.0) * inp.fx),
                "fulfilment": np.full_like(v, (fees.fulfilment + fees.last_mile) * inp.fx),
                "storage": fees.storage_per_m3_month * inp.fx * inp.unit_volume_m3 * on_hand / v,
                "cash": inp.unit_cost_cny * inp.discount_rate * (days / 365.0 + on_hand / v / 12.0),
            }
            lines["total"] = np.sum(np.vstack(list(lines.values())), axis=0)
            lines["shipment_qty"] = q
            lines["safety_stock"] = ss
            lines["lead_days"] = days
            out[f"9810_{kind}"] = lines
    if inp.b2b_cost_cny is not None:
        out["9710"] = {"total": np.full_like(v, inp.b2b_cost_cny)}
    return out


def unit_price_cny(inp: ChannelInputs, channel: str) -> float | None:
    """Revenue per unit in CNY: the retail price, or the wholesale price for 9710."""
    if channel == "9710":
        return None if inp.b2b_price is None else inp.b2b_price * inp.fx
    return inp.price * inp.fx
