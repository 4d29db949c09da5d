"""3D loading of cartons into pallets, ULDs and containers: an extreme-point heuristic.

No maintained Python library does container loading well (the research notes on peers list
only research codes and unmaintained packages), so this heuristic is written here, by hand.
It is a first-fit-decreasing extreme-point method (Crainic, Perboli and Tadei 2008, "Extreme
point-based heuristics for three-dimensional bin packing", INFORMS J. Computing 20(3)):

* cartons are sorted by volume (then height) decreasing and placed one at a time;
* a carton may be placed at an *extreme point* (a corner made by the unit walls and the
  cartons already placed) in any allowed orientation; the candidate nearest the back wall,
  then the floor, then the left wall wins (a wall-building order);
* rules: inside the unit, no overlap, payload limit (kg), this-side-up (only rotations
  about the vertical axis), support (at least ``support_fraction`` of the base resting on
  stackable cartons or the floor) and stacking (nothing above a non-stackable carton);
* a carton that fits no open unit opens the next unit, up to ``max_units``; one that cannot
  fit an empty unit at all is reported unplaced.

:func:`volume_lower_bound` gives the trivial bound (volume and weight) on the number of
units, so a report can say how far from optimal a count of units could be.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qiankua.exceptions import InvalidInputError
from qiankua.pooling.records import LoadUnit

__all__ = ["BoxType", "LoadingResult", "Placement", "pack", "volume_lower_bound"]

_EPS = 1e-6
# orientation code -> which input side (0=l, 1=w, 2=h) lies along x, y, z
_ORIENTATIONS: dict[str, tuple[int, int, int]] = {
    "LWH": (0, 1, 2), "WLH": (1, 0, 2), "LHW": (0, 2, 1), "HLW": (2, 0, 1), "WHL": (1, 2, 0), "HWL": (2, 1, 0),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class BoxType:
    """``count`` identical cartons. ``vertical_ok`` says which sides (l, w, h) may stand vertical."""

    key: str
    l: float
    w: float
    h: float
    kg: float
    count: int
    stackable: bool = True
    this_side_up: bool = False
    vertical_ok: tuple[bool, bool, bool] | None = None

    def __post_init__(self) -> None:
        if min(self.l, self.w, self.h) <= 0 or self.kg < 0 or self.count < 0:
            raise InvalidInputError(f"box {self.key}: sides must be > 0, weight and count >= 0")

    def orientations(self) -> list[tuple[str, tuple[float, float, float]]]:
        sides = (self.l, self.w, self.h)
        allowed = (False, False, True) if self.this_side_up else (self.vertical_ok or (True, True, True))
        out: list[tuple[str, tuple[float, float, float]]] = []
        seen: set[tuple[float, float, float]] = set()
        for code, (ax, ay, az) in _ORIENTATIONS.items():
            if not allowed[az]:
                continue
            dims = (sides[ax], sides[ay], sides[az])
            if dims not in seen:
                seen.add(dims)
                out.append((code, dims))
        return out

    @property
    def volume(self) -> float:
        return self.l * self.w * self.h


@dataclass(frozen=True, slots=True, kw_only=True)
class Placement:
    key: str
    unit: int
    x: float
    y: float
    z: float
    dx: float
    dy: float
    dz: float
    orientation: str
    kg: float

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "unit": self.unit, "x": self.x, "y": self.y, "z": self.z,
                "dx": self.dx, "dy": self.dy, "dz": self.dz, "orientation": self.orientation}


@dataclass(frozen=True, kw_only=True)
class LoadingResult:
    unit: LoadUnit
    placements: tuple[Placement, ...]
    units_used: int
    unplaced: dict[str, int]
    lower_bound: int
    utilisation: tuple[float, ...] = field(default=())

    @property
    def placed_count(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.placements:
            counts[p.key] = counts.get(p.key, 0) + 1
        return counts

    def unit_contents(self, unit: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.placements:
            if p.unit == unit:
                counts[p.key] = counts.get(p.key, 0) + 1
        return counts


def volume_lower_bound(boxes: Sequence[BoxType], unit: LoadUnit) -> int:
    """max(ceil(total volume / unit volume), ceil(total kg / payload)) over boxes that fit."""
    vol = sum(b.volume * b.count for b in boxes)
    kg = sum(b.kg * b.count for b in boxes)
    if vol <= 0:
        return 0
    unit_vol = unit.l_cm * unit.w_cm * unit.h_cm
    return max(math.ceil(vol / unit_vol - 1e-9), math.ceil(kg / unit.max_kg - 1e-9) if unit.max_kg > 0 else 0)


class _Bin:
    """One unit being filled: placed boxes as arrays, extreme points as a list."""

    def __init__(self, unit: LoadUnit, rule: tuple[int, int, int] = (0, 2, 1)) -> None:
        self.rule = rule  # axes in order of priority for the placement (0=x, 1=y, 2=z)
        self.L, self.W, self.H = unit.l_cm, unit.w_cm, unit.h_cm
        self.max_kg = unit.max_kg
        self.boxes = np.zeros((0, 6))
        self.stack = np.zeros(0, dtype=bool)
        self.kg = 0.0
        self.volume = 0.0
        self.eps: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)]

    def try_place(self, box: BoxType, support: float) -> tuple[float, float, float, str, tuple[float, float, float]] | None:
        if self.kg + box.kg > self.max_kg + 1e-9 or not self.eps:
            return None
        ep = np.array(self.eps)
        b = self.boxes
        best_key: tuple[float, float, float] | None = None
        best: tuple[float, float, float, str, tuple[float, float, float]] | None = None
        for code, (dx, dy, dz) in box.orientations():
            fits = (ep[:, 0] + dx <= self.L + _EPS) & (ep[:, 1] + dy <= self.W + _EPS) & (ep[:, 2] + dz <= self.H + _EPS)
            if not fits.any():
                continue
            p = ep[fits]
            if len(b):
                px, py, pz = p[:, 0:1], p[:, 1:2], p[:, 2:3]
                ox = np.minimum(px + dx, b[None, :, 3]) - np.maximum(px, b[None, :, 0])
                oy = np.minimum(py + dy, b[None, :, 4]) - np.maximum(py, b[None, :, 1])
                over_xy = (ox > _EPS) & (oy > _EPS)
                overlap = over_xy & (pz < b[None, :, 5] - _EPS) & (b[None, :, 2] < pz + dz - _EPS)
                ok = ~overlap.any(axis=1)
                # nothing may rest anywhere above a non-stackable carton
                ok &= ~(over_xy & ~self.stack[None, :] & (b[None, :, 5] <= pz + _EPS)).any(axis=1)
                if not box.stackable:  # ... and a non-stackable carton may not slide under an overhang
                    ok &= ~(over_xy & (b[None, :, 2] >= pz + dz - _EPS)).any(axis=1)
                touching = over_xy & (np.abs(b[None, :, 5] - pz) <= _EPS)
                area = np.where(touching, np.clip(ox, 0, None) * np.clip(oy, 0, None), 0.0).sum(axis=1)
                ok &= (p[:, 2] <= _EPS) | (area >= support * dx * dy - 1e-6)
            else:
                ok = p[:, 2] <= _EPS
            if not ok.any():
                continue
            q = p[ok]
            a, b2, c = self.rule
            k = int(np.lexsort((q[:, c], q[:, b2], q[:, a]))[0])  # e.g. back wall, then floor, then left
            key = (float(q[k, a]), float(q[k, b2]), float(q[k, c]))
            if best_key is None or key < best_key:
                best_key = key
                best = (float(q[k, 0]), float(q[k, 1]), float(q[k, 2]), code, (dx, dy, dz))
        return best

    def commit(self, x: float, y: float, z: float, dims: tuple[float, float, float], kg: float, stackable: bool) -> None:
        dx, dy, dz = dims
        self.boxes = np.vstack([self.boxes, [x, y, z, x + dx, y + dy, z + dz]])
        self.stack = np.append(self.stack, stackable)
        self.kg += kg
        self.volume += dx * dy * dz
        self.eps.remove((x, y, z))
        new = [(x + dx, y, z), (x, y + dy, z), (x, y, z + dz)]
        b = self.boxes
        for px, py, pz in list(new):
            # project the point down onto the highest surface below it (gravity) and back towards the walls
            under = (b[:, 0] <= px + _EPS) & (px < b[:, 3] - _EPS) & (b[:, 1] <= py + _EPS) & (py < b[:, 4] - _EPS) & (b[:, 5] <= pz + _EPS)
            zdrop = float(b[under, 5].max()) if under.any() else 0.0
            if zdrop < pz - _EPS:
                new.append((px, py, zdrop))
            behind = (b[:, 1] <= py + _EPS) & (py < b[:, 4] - _EPS) & (b[:, 2] <= pz + _EPS) & (pz < b[:, 5] - _EPS) & (b[:, 3] <= px + _EPS)
            xback = float(b[behind, 3].max()) if behind.any() else 0.0
            if xback < px - _EPS:
                new.append((xback, py, pz))
            left = (b[:, 0] <= px + _EPS) & (px < b[:, 3] - _EPS) & (b[:, 2] <= pz + _EPS) & (pz < b[:, 5] - _EPS) & (b[:, 4] <= py + _EPS)
            yleft = float(b[left, 4].max()) if left.any() else 0.0
            if yleft < py - _EPS:
                new.append((px, yleft, pz))
        existing = set(self.eps)
        for pt in new:
            if pt[0] < self.L - _EPS and pt[1] < self.W - _EPS and pt[2] < self.H - _EPS and pt not in existing:
                inside = ((b[:, 0] <= pt[0] + _EPS) & (pt[0] < b[:, 3] - _EPS) & (b[:, 1] <= pt[1] + _EPS)
                          & (pt[1] < b[:, 4] - _EPS) & (b[:, 2] <= pt[2] + _EPS) & (pt[2] < b[:, 5] - _EPS))
                if not inside.any():
                    self.eps.append(pt)
                    existing.add(pt)
        # drop points now covered by the new box
        self.eps = [pt for pt in self.eps if not (x <= pt[0] + _EPS and pt[0] < x + dx - _EPS and y <= pt[1] + _EPS
                                                 and pt[1] < y + dy - _EPS and z <= pt[2] + _EPS and pt[2] < z + dz - _EPS)]


def _fits_empty(box: BoxType, unit: LoadUnit) -> bool:
    if box.kg > unit.max_kg:
        return False
    return any(dx <= unit.l_cm + _EPS and dy <= unit.w_cm + _EPS and dz <= unit.h_cm + _EPS
               for _c, (dx, dy, dz) in box.orientations())


_ORDERS = {
    "volume": lambda b: (-b.volume, -max(b.l, b.w, b.h), b.key),
    "height": lambda b: (-b.h, -b.volume, b.key),
    "base": lambda b: (-(b.volume / min(b.l, b.w, b.h)), -b.volume, b.key),
    "longest": lambda b: (-max(b.l, b.w, b.h), -b.volume, b.key),
}
_RULES = {"back": (0, 2, 1), "floor": (2, 0, 1), "side": (0, 1, 2)}
STRATEGIES: tuple[tuple[str, str], ...] = tuple((o, r) for r in _RULES for o in _ORDERS)


def pack(
    boxes: Sequence[BoxType],
    unit: LoadUnit,
    *,
    max_units: int | None = None,
    support_fraction: float = 1.0,
    strategies: int = 1,
) -> LoadingResult:
    """Load ``boxes`` into as many ``unit``\\ s as needed (at most ``max_units``).

    Every carton is either placed (one :class:`Placement`) or counted in ``unplaced``.
    ``strategies`` > 1 tries that many (sort order, placement rule) pairs and keeps the best
    result: fewest unplaced cartons, then fewest units, then the fullest first units.
    """
    best: LoadingResult | None = None
    best_key: tuple[float, ...] | None = None
    for order, rule in STRATEGIES[: max(1, min(strategies, len(STRATEGIES)))]:
        res = _pack_once(boxes, unit, max_units=max_units, support_fraction=support_fraction, order=order, rule=rule)
        key = (sum(res.unplaced.values()), res.units_used, *(-u for u in res.utilisation))
        if best_key is None or key < best_key:
            best, best_key = res, key
    assert best is not None
    return best


def _pack_once(
    boxes: Sequence[BoxType],
    unit: LoadUnit,
    *,
    max_units: int | None,
    support_fraction: float,
    order: str,
    rule: str,
) -> LoadingResult:
    if not 0 <= support_fraction <= 1:
        raise InvalidInputError(f"support_fraction must be in [0, 1], got {support_fraction}")
    unplaced: dict[str, int] = {}
    queue: list[BoxType] = []
    for bt in boxes:
        if bt.count == 0:
            continue
        if _fits_empty(bt, unit):
            queue.append(bt)
        else:
            unplaced[bt.key] = unplaced.get(bt.key, 0) + bt.count
    queue.sort(key=_ORDERS[order])
    items: list[BoxType] = [bt for bt in queue for _ in range(bt.count)]
    placements: list[Placement] = []
    bins: list[_Bin] = []
    while items and (max_units is None or len(bins) < max_units):
        current = _Bin(unit, _RULES[rule])
        bins.append(current)
        rest: list[BoxType] = []
        failed_at: dict[int, int] = {}  # id(box type) -> number of boxes placed when it last failed
        for bt in items:
            n_now = len(current.boxes)
            if failed_at.get(id(bt)) == n_now:
                rest.append(bt)
                continue
            spot = current.try_place(bt, support_fraction)
            if spot is None:
                failed_at[id(bt)] = n_now
                rest.append(bt)
                continue
            x, y, z, code, dims = spot
            current.commit(x, y, z, dims, bt.kg, bt.stackable)
            placements.append(Placement(key=bt.key, unit=len(bins) - 1, x=x, y=y, z=z, dx=dims[0], dy=dims[1],
                                        dz=dims[2], orientation=code, kg=bt.kg))
        if len(rest) == len(items):  # nothing fitted an empty unit (cannot happen after _fits_empty, but be safe)
            bins.pop()
            break
        items = rest
    for bt in items:
        unplaced[bt.key] = unplaced.get(bt.key, 0) + 1
    unit_vol = unit.l_cm * unit.w_cm * unit.h_cm
    return LoadingResult(unit=unit, placements=tuple(placements), units_used=len(bins), unplaced=unplaced,
                         lower_bound=volume_lower_bound(queue, unit),
                         utilisation=tuple(b.volume / unit_vol for b in bins))
