"""Pooling use cases: read a shipments sheet, load the pooling reference tables, plan the pool.

I/O lives here (files, reference frames, FX); :mod:`qiankua.pooling` stays pure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from qiankua.exceptions import CellIssue, DatasetIntegrityError, ImportValidationError, InvalidInputError
from qiankua.pooling import (
    CartonLine,
    LineHaulOption,
    LoadUnit,
    PoolParams,
    PoolResult,
    RoadParams,
    Site,
    Vehicle,
    plan_pool,
)
from qiankua.pooling.tables import LINEHAUL, LOAD_UNITS, ROAD, VEHICLES
from qiankua.reference import ReferenceData
from qiankua.schema import ColumnSpec as C
from qiankua.schema import TableSpec

DEMO_FILE = Path(__file__).resolve().parents[1] / "pooling" / "data" / "demo_shipments.csv"

__all__ = [
    "DEMO_FILE",
    "PoolInputs",
    "load_inputs",
    "plan_file",
    "read_matrix",
    "read_shipments",
    "read_vehicles",
    "stored_shipments",
]


def _typed(ref: ReferenceData, spec: TableSpec) -> list[dict[str, Any]]:
    frame = ref.table(spec.name)
    rows = [(n, {k: v for k, v in r.items()}) for n, r in enumerate(frame.to_dicts(), start=2)]
    good, issues = spec.validate_rows(rows, file=f"{spec.name}.csv")
    if issues:
        raise DatasetIntegrityError(f"reference table {spec.name} is invalid", issues)
    return good


def _fx_to_cny(currency: str, on: dt.date) -> float:
    from qiankua.services.routing import fx_table

    return 1.0 if currency == "CNY" else fx_table(on, (currency,))[currency]


class PoolInputs:
    """The pooling reference tables, typed: road parameters, load units, vehicles, line-haul options."""

    def __init__(self, ref: ReferenceData, on: dt.date | None = None) -> None:
        road = {r["param"]: r for r in _typed(ref, ROAD)}
        self.road = RoadParams(
            circuity_expressway=road["circuity_expressway"]["value"],
            circuity_county=road["circuity_county"]["value"],
            speed_expressway_kmh=road["speed_expressway_kmh"]["value"],
            speed_county_kmh=road["speed_county_kmh"]["value"],
            county_leg_max_km=road["county_leg_max_km"]["value"],
            stop_minutes=road["stop_minutes"]["value"],
            confidence=_worst(r["confidence"] for r in road.values()),
        )
        self.units = {
            r["unit_id"]: LoadUnit(
                unit_id=r["unit_id"],
                kind=r["kind"],
                l_cm=r["l_cm"],
                w_cm=r["w_cm"],
                h_cm=r["h_cm"],
                max_kg=r["max_kg"],
                confidence=r["confidence"],
            )
            for r in _typed(ref, LOAD_UNITS)
        }
        self.vehicles = []
        for r in _typed(ref, VEHICLES):
            hub = ref.hub(r["depot_hub"])
            self.vehicles.append(
                Vehicle(
                    vehicle_id=r["vehicle_id"],
                    capacity_kg=r["capacity_kg"],
                    capacity_m3=r["capacity_m3"],
                    count=r["count"],
                    cost_per_km=r["cost_per_km_cny"],
                    cost_per_hour=r["cost_per_hour_cny"] or 0.0,
                    fixed_cost=r["fixed_cost_cny"] or 0.0,
                    depot=Site(key=hub.hub_id, lon=hub.lon, lat=hub.lat),
                    confidence=r["confidence"],
                )
            )
        self.depot_name = self.vehicles[0].depot.key if self.vehicles else ""
        self.linehaul_rows = _typed(ref, LINEHAUL)
        self.options = self._options(on or dt.date.today())

    def _options(self, on: dt.date) -> list[LineHaulOption]:
        out = []
        for r in self.linehaul_rows:
            if r["valid_from"] > on or (r["valid_to"] is not None and r["valid_to"] <= on):
                continue
            fx = _fx_to_cny(r["currency"], min(on, r["valid_from"]))
            out.append(
                LineHaulOption(
                    market=r["market"],
                    mode=r["mode"],
                    load_unit=r["load_unit"],
                    per_wm=(r["per_wm"] or 0.0) * fx + (r["precarriage_cny_per_wm"] or 0.0),
                    min_wm=r["min_wm"] or 1.0,
                    per_container=(r["per_container"] or 0.0) * fx + (r["precarriage_cny_per_container"] or 0.0),
                    per_kg=(r["per_kg"] or 0.0) * fx + (r["precarriage_cny_per_kg"] or 0.0),
                    divisor=r["divisor"] or 6000.0,
                    transit_days=r["transit_days"],
                    source_id=r["source_id"],
                    confidence=r["confidence"],
                    notes=r["notes"] or "",
                    extras={"currency": r["currency"], "fx_to_cny": f"{fx:.4f}"},
                )
            )
        return out

    def options_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [
                {
                    "market": o.market,
                    "mode": o.mode,
                    "load_unit": o.load_unit or "",
                    "per_wm_cny": round(o.per_wm, 2),
                    "per_container_cny": round(o.per_container, 2),
                    "per_kg_cny": round(o.per_kg, 2),
                    "currency": o.extras.get("currency", ""),
                    "fx_to_cny": o.extras.get("fx_to_cny", ""),
                    "source_id": o.source_id,
                    "confidence": o.confidence,
                }
                for o in self.options
            ]
        )


def _worst(levels: Any) -> str:
    from qiankua.domain import worst_confidence

    return worst_confidence(*list(levels)).value


def load_inputs(ref: ReferenceData, on: dt.date | None = None) -> PoolInputs:
    return PoolInputs(ref, on)


def read_shipments(path: Path | str, ref: ReferenceData) -> list[dict[str, Any]]:
    """Read and validate a shipments CSV/XLSX the way ``qiankua data import --table shipments`` does.

    Nothing is written; a bad sheet raises :class:`ImportValidationError` with every bad cell.
    """
    from qiankua.store.importer import validate_file

    checked = validate_file(path, "shipments", ref)
    if checked.issues:
        file = Path(path).name
        raise ImportValidationError(
            f"{file}: {len(checked.issues)} problem(s) found; nothing was pooled.", checked.issues
        )
    return checked.rows


def stored_shipments(db: Path | str | None) -> list[dict[str, Any]]:
    """The shipments already imported into the user's store (``qiankua data import --table shipments``)."""
    from qiankua.i18n import default_lang, t
    from qiankua.store import Store

    with Store(db, read_only=True) as store:
        rows = store.frame("shipments").to_dicts() if ("user", "shipments") in store.tables() else []
    if not rows:
        raise InvalidInputError(t("pooling.store.empty", default_lang()))
    return rows


def to_lines(rows: list[dict[str, Any]], ref: ReferenceData) -> list[CartonLine]:
    lines = []
    for r in rows:
        div = ref.division(r["origin_adcode"])
        lines.append(
            CartonLine(
                shipment_id=r["shipment_id"],
                exporter=r["exporter"],
                origin_adcode=r["origin_adcode"],
                lon=div.lon,
                lat=div.lat,
                count=r["cartons"],
                l_cm=r["carton_l_cm"],
                w_cm=r["carton_w_cm"],
                h_cm=r["carton_h_cm"],
                kg=r["carton_kg"],
                destination=r["destination"],
                stackable=True if r["stackable"] is None else r["stackable"],
                this_side_up=bool(r["this_side_up"]),
                ready_from=r["ready_from"],
                ready_to=r["ready_to"],
                service_preference=r["service_preference"],
                product_id=r["product_id"],
            )
        )
    return lines


USER_VEHICLES = TableSpec(
    name="vehicles",
    title_zh="提货车辆",
    title_en="Pickup vehicles",
    key=("vehicle_id",),
    columns=tuple(c for c in VEHICLES.columns if c.name not in ("source_id", "confidence")),
)
MATRIX = TableSpec(
    name="matrix",
    title_zh="距离时间矩阵",
    title_en="Distance / time matrix",
    key=("from", "to"),
    columns=(
        C(name="from", zh="起点", required=True, help_en="'depot' or a county adcode"),
        C(name="to", zh="终点", required=True, help_en="'depot' or a county adcode"),
        C(name="km", zh="距离(km)", kind="float", required=True, ge=0),
        C(name="hours", zh="时间(小时)", kind="float", required=True, ge=0),
    ),
)


def _read_table(path: Path | str, spec: TableSpec) -> list[dict[str, Any]]:
    from qiankua.store.files import read_sheets

    path = Path(path)
    issues: list[CellIssue] = []
    parsed: list[dict[str, Any]] = []
    for sh in read_sheets(path)[:1]:
        mapping, _unknown, missing = spec.map_headers(sh.header)
        for name in missing:
            issues.append(
                CellIssue(
                    file=path.name,
                    sheet=sh.name,
                    row=sh.header_row,
                    column=name,
                    value=None,
                    reason="required column missing",
                )
            )
        if not missing:
            raw = [(n, {mapping[i]: v for i, v in enumerate(vals) if i in mapping}) for n, vals in sh.rows]
            good, row_issues = spec.validate_rows(raw, file=path.name, sheet=sh.name)
            parsed.extend(good)
            issues.extend(row_issues)
    if issues:
        raise ImportValidationError(f"{path.name}: {len(issues)} problem(s) found", issues)
    return parsed


def read_vehicles(path: Path | str, ref: ReferenceData) -> list[Vehicle]:
    """A user's fleet: the columns of ``pooling_vehicles.csv`` without source/confidence."""
    out = []
    for r in _read_table(path, USER_VEHICLES):
        hub = ref.hub(r["depot_hub"])
        out.append(
            Vehicle(
                vehicle_id=r["vehicle_id"],
                capacity_kg=r["capacity_kg"],
                capacity_m3=r["capacity_m3"],
                count=r["count"],
                cost_per_km=r["cost_per_km_cny"],
                cost_per_hour=r["cost_per_hour_cny"] or 0.0,
                fixed_cost=r["fixed_cost_cny"] or 0.0,
                depot=Site(key=hub.hub_id, lon=hub.lon, lat=hub.lat),
                confidence="confirmed",
            )
        )
    if len({(v.depot.lon, v.depot.lat) for v in out}) > 1:
        raise InvalidInputError("all vehicles must share one depot hub")
    return out


def read_matrix(path: Path | str) -> tuple[list[str], Any, Any]:
    """``(keys, km, hours)`` from a from/to/km/hours sheet; a missing reverse pair mirrors the given one."""
    import numpy as np

    rows = _read_table(path, MATRIX)
    keys = sorted({r["from"] for r in rows} | {r["to"] for r in rows}, key=lambda k: (k != "depot", k))
    pos = {k: i for i, k in enumerate(keys)}
    km = np.full((len(keys), len(keys)), np.nan)
    hours = np.full_like(km, np.nan)
    np.fill_diagonal(km, 0.0)
    np.fill_diagonal(hours, 0.0)
    for r in rows:
        km[pos[r["from"]], pos[r["to"]]] = r["km"]
        hours[pos[r["from"]], pos[r["to"]]] = r["hours"]
    km = np.where(np.isnan(km), km.T, km)
    hours = np.where(np.isnan(hours), hours.T, hours)
    if np.isnan(km).any() or np.isnan(hours).any():
        i, j = (int(v[0]) for v in np.nonzero(np.isnan(km) | np.isnan(hours)))
        raise InvalidInputError(
            f"{Path(path).name}: no distance/time between {keys[i]} and {keys[j]} (either direction)"
        )
    return keys, km, hours


def plan_file(
    path: Path | str | None,
    ref: ReferenceData,
    *,
    time_limit_s: float = 5.0,
    seed: int = 0,
    method: str = "shapley",
    fidelity: str = "fast",
    on: dt.date | None = None,
    max_iterations: int = 2_000,
    vehicles_file: Path | str | None = None,
    matrix_file: Path | str | None = None,
    db: Path | str | None = None,
) -> PoolResult:
    """Plan the pool of the shipments in ``path`` with the built-in (or the user's) vehicles and matrix.

    Without ``path``, the shipments already imported into the store ``db`` (default store when None).
    """
    if time_limit_s <= 0:
        raise InvalidInputError(f"--time-limit must be > 0 seconds, got {time_limit_s}")
    rows = read_shipments(path, ref) if path is not None else stored_shipments(db)
    lines = to_lines(rows, ref)
    starts = [ln.ready_from for ln in lines if ln.ready_from is not None]
    when = on or (min(starts).date() if starts else dt.date.today())
    inputs = load_inputs(ref, when)
    vehicles = read_vehicles(vehicles_file, ref) if vehicles_file else inputs.vehicles
    matrix = read_matrix(matrix_file) if matrix_file else None
    params = PoolParams(
        time_limit_s=time_limit_s, seed=seed, method=method, fidelity=fidelity, max_iterations=max_iterations
    )
    return plan_pool(lines, vehicles, inputs.road, inputs.options, inputs.units, params, matrix=matrix)
