"""3D loading of cartons into pallets, ULDs and containers: block building with search.

No maintained Python library does container loading well (the research notes on peers list
only research codes and unmaintained packages), so this loader is written here, by hand.

Default method, block building over maximal free spaces (after Parreño et al. 2008, "A
maximal-space algorithm for the container loading problem", INFORMS J. Computing 20(3);
Fanslau & Bortfeldt 2010; Zhu & Lim 2012, EJOR 222):

* the free room of a unit is kept as a list of maximal empty boxes ("spaces");
* each step takes the space whose bottom corner lies nearest a corner of the unit and fills it,
  from that corner, with a *block*: nx x ny x nz identical cartons in one orientation, the
  block of largest volume that fits, is in stock, keeps the payload and passes the rules;
* search within ``time_limit_s``: a greedy lookahead (each step tries the best k blocks,
  completes each greedily and keeps the fullest; k doubles while time allows), then randomised
  restarts (GRASP) that keep a random prefix of the best fill and rebuild the rest;
* rules: inside the unit, no overlap, payload limit (kg), allowed vertical sides /
  this-side-up (only rotations about the vertical axis), support (at least
  ``support_fraction`` of the base resting on stackable cartons or the floor; 1.0 = full
  support) and stacking (nothing above a non-stackable carton, which never slides under one).

The former first-fit-decreasing extreme-point heuristic (Crainic, Perboli and Tadei 2008,
INFORMS J. Computing 20(3)) is kept: ``strategies`` of its (sort order, placement rule) pairs
also run and the best result wins, and ``method="extreme_point"`` runs it alone (the benchmark
baseline). A carton that fits no open unit opens the next unit, up to ``max_units``; one that
cannot fit an empty unit at all is reported unplaced.

:func:`volume_lower_bound` gives the trivial bound (volume and weight) on the number of
units, so a report can say how far from optimal a count of units could be.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qiankua.exceptions import InvalidInputError
from qiankua.pooling.records import LoadUnit

__all__ = ["BoxType", "LoadingResult", "Placement", "pack", "volume_lower_bound"]

_EPS = 1e-6
# orientation code -> which input side (0=l, 1=w, 2=h) lies along x, y, z
_ORIENTATIONS: dict[str, tuple[int, int, int]] = {
    "LWH": (0, 1, 2),
    "WLH": (1, 0, 2),
    "LHW": (0, 2, 1),
    "HLW": (2, 0, 1),
    "WHL": (1, 2, 0),
    "HWL": (2, 1, 0),
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
        return {
            "key": self.key,
            "unit": self.unit,
            "x": self.x,
            "y": self.y,
            "z": self.z,
            "dx": self.dx,
            "dy": self.dy,
            "dz": self.dz,
            "orientation": self.orientation,
        }


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

    def try_place(
        self, box: BoxType, support: float
    ) -> tuple[float, float, float, str, tuple[float, float, float]] | None:
        if self.kg + box.kg > self.max_kg + 1e-9 or not self.eps:
            return None
        ep = np.array(self.eps)
        b = self.boxes
        best_key: tuple[float, float, float] | None = None
        best: tuple[float, float, float, str, tuple[float, float, float]] | None = None
        for code, (dx, dy, dz) in box.orientations():
            fits = (
                (ep[:, 0] + dx <= self.L + _EPS) & (ep[:, 1] + dy <= self.W + _EPS) & (ep[:, 2] + dz <= self.H + _EPS)
            )
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

    def commit(
        self, x: float, y: float, z: float, dims: tuple[float, float, float], kg: float, stackable: bool
    ) -> None:
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
            under = (
                (b[:, 0] <= px + _EPS)
                & (px < b[:, 3] - _EPS)
                & (b[:, 1] <= py + _EPS)
                & (py < b[:, 4] - _EPS)
                & (b[:, 5] <= pz + _EPS)
            )
            zdrop = float(b[under, 5].max()) if under.any() else 0.0
            if zdrop < pz - _EPS:
                new.append((px, py, zdrop))
            behind = (
                (b[:, 1] <= py + _EPS)
                & (py < b[:, 4] - _EPS)
                & (b[:, 2] <= pz + _EPS)
                & (pz < b[:, 5] - _EPS)
                & (b[:, 3] <= px + _EPS)
            )
            xback = float(b[behind, 3].max()) if behind.any() else 0.0
            if xback < px - _EPS:
                new.append((xback, py, pz))
            left = (
                (b[:, 0] <= px + _EPS)
                & (px < b[:, 3] - _EPS)
                & (b[:, 2] <= pz + _EPS)
                & (pz < b[:, 5] - _EPS)
                & (b[:, 4] <= py + _EPS)
            )
            yleft = float(b[left, 4].max()) if left.any() else 0.0
            if yleft < py - _EPS:
                new.append((px, yleft, pz))
        existing = set(self.eps)
        for pt in new:
            if pt[0] < self.L - _EPS and pt[1] < self.W - _EPS and pt[2] < self.H - _EPS and pt not in existing:
                inside = (
                    (b[:, 0] <= pt[0] + _EPS)
                    & (pt[0] < b[:, 3] - _EPS)
                    & (b[:, 1] <= pt[1] + _EPS)
                    & (pt[1] < b[:, 4] - _EPS)
                    & (b[:, 2] <= pt[2] + _EPS)
                    & (pt[2] < b[:, 5] - _EPS)
                )
                if not inside.any():
                    self.eps.append(pt)
                    existing.add(pt)
        # drop points now covered by the new box
        self.eps = [
            pt
            for pt in self.eps
            if not (
                x <= pt[0] + _EPS
                and pt[0] < x + dx - _EPS
                and y <= pt[1] + _EPS
                and pt[1] < y + dy - _EPS
                and z <= pt[2] + _EPS
                and pt[2] < z + dz - _EPS
            )
        ]


def _fits_empty(box: BoxType, unit: LoadUnit) -> bool:
    if box.kg > unit.max_kg:
        return False
    return any(
        dx <= unit.l_cm + _EPS and dy <= unit.w_cm + _EPS and dz <= unit.h_cm + _EPS
        for _c, (dx, dy, dz) in box.orientations()
    )


# --------------------------------------------------------------------------------------------
# Block building (the default): greedy / randomised constructive search over maximal spaces.
# --------------------------------------------------------------------------------------------

_LOOKAHEAD_SHARE = 0.6  # of the search time spent on the greedy lookahead, the rest on GRASP restarts
# one placed block: (type index, orientation code, box dims, nx, ny, nz, x, y, z) — see _BlockState.blocks
_Block = tuple[int, str, tuple[float, float, float], int, int, int, float, float, float]
_FILL_ORDERS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def _staircase(rects: list[tuple[float, float, float, float]], sx: float, sy: float) -> list[tuple[float, float]]:
    """Fully supported footprints anchored at the local origin of a ``sx`` x ``sy`` floor.

    ``rects`` are supporting top faces (u1, v1, u2, v2) in local coordinates. Returns columns
    (x_end, y_max): a footprint bx x by is fully supported iff by <= min y_max over the columns
    with x_start < bx (columns run from 0 until the first one not supported at v = 0).
    """
    xs = sorted({0.0, sx, *(r[0] for r in rects if 0 < r[0] < sx), *(r[2] for r in rects if 0 < r[2] < sx)})
    out: list[tuple[float, float]] = []
    ymax = sy
    for xa, xb in itertools.pairwise(xs):
        if xb - xa <= _EPS:
            continue
        iv = sorted((r[1], r[3]) for r in rects if r[0] <= xa + _EPS and r[2] >= xb - _EPS)
        y = 0.0
        for v1, v2 in iv:
            if v1 <= y + _EPS:
                y = max(y, v2)
            else:
                break
        y = min(y, ymax)
        if y <= _EPS:
            break
        ymax = y
        out.append((xb, y))
    return out


def _max_y(stairs: list[tuple[float, float]], bx: float) -> float:
    """Largest supported depth (v) for a footprint of width ``bx`` (0 if none)."""
    y = math.inf
    x0 = 0.0
    for xb, ym in stairs:
        if x0 >= bx - _EPS:
            return y
        y = min(y, ym)
        x0 = xb
    return y if x0 >= bx - _EPS else 0.0


class _BlockState:
    """One unit being filled block by block: free maximal spaces and the boxes placed so far."""

    def __init__(self, unit: LoadUnit) -> None:
        self.L, self.W, self.H = unit.l_cm, unit.w_cm, unit.h_cm
        self.max_kg = unit.max_kg
        self.spaces: list[tuple[float, float, float, float, float, float]] = [(0.0, 0.0, 0.0, self.L, self.W, self.H)]
        self.boxes = np.zeros((64, 6))
        self.stack = np.zeros(64, dtype=bool)
        self.n = 0
        self.kg = 0.0
        self.volume = 0.0
        self.placed: list[tuple[int, float, float, float, str, tuple[float, float, float]]] = []
        self.blocks: list[_Block] = []

    def add_box(
        self, t: int, x: float, y: float, z: float, code: str, dims: tuple[float, float, float], stackable: bool
    ) -> None:
        if self.n == len(self.boxes):
            self.boxes = np.vstack([self.boxes, np.zeros_like(self.boxes)])
            self.stack = np.concatenate([self.stack, np.zeros_like(self.stack)])
        self.boxes[self.n] = (x, y, z, x + dims[0], y + dims[1], z + dims[2])
        self.stack[self.n] = stackable
        self.n += 1
        self.placed.append((t, x, y, z, code, dims))

    def support_rects(self, s: tuple[float, ...]) -> np.ndarray:
        b = self.boxes[: self.n]
        m = (
            (np.abs(b[:, 5] - s[2]) <= _EPS)
            & self.stack[: self.n]
            & (b[:, 0] < s[3] - _EPS)
            & (b[:, 3] > s[0] + _EPS)
            & (b[:, 1] < s[4] - _EPS)
            & (b[:, 4] > s[1] + _EPS)
        )
        r = b[m][:, [0, 1, 3, 4]].copy()
        r[:, 0] = np.maximum(r[:, 0], s[0])
        r[:, 1] = np.maximum(r[:, 1], s[1])
        r[:, 2] = np.minimum(r[:, 2], s[3])
        r[:, 3] = np.minimum(r[:, 3], s[4])
        return r

    def block_ok(
        self,
        x: float,
        y: float,
        z: float,
        dx: float,
        dy: float,
        nx: int,
        ny: int,
        bz: float,
        support: float,
        stackable: bool,
    ) -> bool:
        """Support and stacking rules for a block of ``nx`` x ``ny`` columns of ``dx`` x ``dy`` boxes
        (its own boxes support each other fully, so only the bottom layer is checked, box by box:
        a block supported as a whole can still leave one of its boxes overhanging)."""
        bx, by = nx * dx, ny * dy
        if self.n == 0:
            return z <= _EPS
        b = self.boxes[: self.n]
        ox = np.minimum(x + bx, b[:, 3]) - np.maximum(x, b[:, 0])
        oy = np.minimum(y + by, b[:, 4]) - np.maximum(y, b[:, 1])
        over = (ox > _EPS) & (oy > _EPS)
        if (over & ~self.stack[: self.n] & (b[:, 5] <= z + _EPS)).any():
            return False
        if not stackable and (over & (b[:, 2] >= z + bz - _EPS)).any():
            return False
        if z <= _EPS:
            return True
        t = b[over & (np.abs(b[:, 5] - z) <= _EPS) & self.stack[: self.n]]
        cx = x + dx * np.arange(nx)  # bottom-layer box origins
        cy = y + dy * np.arange(ny)
        ox = np.clip(np.minimum(cx[:, None] + dx, t[None, :, 3]) - np.maximum(cx[:, None], t[None, :, 0]), 0, None)
        oy = np.clip(np.minimum(cy[:, None] + dy, t[None, :, 4]) - np.maximum(cy[:, None], t[None, :, 1]), 0, None)
        area = np.einsum("ik,jk->ij", ox, oy)  # supported area of each bottom box (supports never overlap)
        return bool((area >= support * dx * dy - 1e-6).all())

    def place_block(self, x: float, y: float, z: float, bx: float, by: float, bz: float) -> None:
        """Cut the block out of every free space it meets; keep only maximal, usable spaces."""
        x2, y2, z2 = x + bx, y + by, z + bz
        keep: list[tuple[float, float, float, float, float, float]] = []
        new: list[tuple[float, float, float, float, float, float]] = []
        for s in self.spaces:
            if (
                s[0] >= x2 - _EPS
                or s[3] <= x + _EPS
                or s[1] >= y2 - _EPS
                or s[4] <= y + _EPS
                or s[2] >= z2 - _EPS
                or s[5] <= z + _EPS
            ):
                keep.append(s)
                continue
            if x - s[0] > _EPS:
                new.append((s[0], s[1], s[2], x, s[4], s[5]))
            if s[3] - x2 > _EPS:
                new.append((x2, s[1], s[2], s[3], s[4], s[5]))
            if y - s[1] > _EPS:
                new.append((s[0], s[1], s[2], s[3], y, s[5]))
            if s[4] - y2 > _EPS:
                new.append((s[0], y2, s[2], s[3], s[4], s[5]))
            if z - s[2] > _EPS:
                new.append((s[0], s[1], s[2], s[3], s[4], z))
            if s[5] - z2 > _EPS:
                new.append((s[0], s[1], z2, s[3], s[4], s[5]))
        allsp = keep + new
        if new:
            arr = np.array(allsp)
            nk = len(keep)
            drop = np.zeros(len(allsp), dtype=bool)
            for i in range(nk, len(allsp)):  # a new space inside another space is not maximal
                a = arr[i]
                inside = (
                    (arr[:, 0] <= a[0] + _EPS)
                    & (arr[:, 1] <= a[1] + _EPS)
                    & (arr[:, 2] <= a[2] + _EPS)
                    & (arr[:, 3] >= a[3] - _EPS)
                    & (arr[:, 4] >= a[4] - _EPS)
                    & (arr[:, 5] >= a[5] - _EPS)
                    & ~drop
                )
                inside[i] = False
                if inside.any():
                    drop[i] = True
            allsp = [s for s, d in zip(allsp, drop, strict=True) if not d]
        self.spaces = allsp


def _score(bx: float, by: float, bz: float, sx: float, sy: float, sz: float, floor_min: float, waste_w: float) -> float:
    """Block volume less (``waste_w`` x) the slivers of the space too thin for any remaining box."""
    vol = bx * by * bz
    if waste_w <= 0:
        return vol
    waste = 0.0
    for gap, a in ((sx - bx, by * bz), (sy - by, bx * bz), (sz - bz, bx * by)):
        if _EPS < gap < floor_min - _EPS:
            waste += gap * a
    return vol - waste_w * waste


def _put_block(
    st: _BlockState,
    types: Sequence[BoxType],
    avail: list[int],
    ti: int,
    code: str,
    dims: tuple[float, float, float],
    nx: int,
    ny: int,
    nz: int,
    x: float,
    y: float,
    z: float,
) -> None:
    t = types[ti]
    dx, dy, dz = dims
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                st.add_box(ti, x + i * dx, y + j * dy, z + k * dz, code, dims, t.stackable)
    cnt = nx * ny * nz
    avail[ti] -= cnt
    st.kg += cnt * t.kg
    st.volume += cnt * dx * dy * dz
    st.blocks.append((ti, code, dims, nx, ny, nz, x, y, z))
    st.place_block(x, y, z, nx * dx, ny * dy, nz * dz)


def _block_fill(
    types: Sequence[BoxType],
    avail: list[int],
    unit: LoadUnit,
    support: float,
    rng: np.random.Generator | None,
    greed: float = 0.0,
    prefix: Sequence[_Block] = (),
    lookahead: int = 0,
    deadline: float = math.inf,
    style: tuple[int, float] = (0, 0.0),
) -> _BlockState:
    """Fill one unit with blocks of identical boxes; ``avail`` is decremented in place.

    Each step takes the free space whose anchor (its bottom corner nearest a corner of the
    unit) is nearest the unit's corners, and fills it with the block (nx x ny x nz boxes of one
    type in one orientation) of the largest volume that fits, has stock, keeps the payload and
    passes the support and stacking rules. With ``rng``, one of the better blocks is drawn
    instead (GRASP; ``greed`` = share of the best volume a drawn block must reach).
    ``prefix`` blocks (from an earlier fill of the same unit) are placed first, unchanged.
    """
    st = _BlockState(unit)
    anchor_rule, waste_w = style
    orients = [t.orientations() for t in types]
    for blk in prefix:
        _put_block(st, types, avail, *blk)
    dead: set[tuple[float, ...]] = set()  # spaces with no feasible block (yet: support may come later)
    while st.spaces and any(a > 0 for a in avail):
        mins = [min(min(d) for _c, d in orients[i]) for i, a in enumerate(avail) if a > 0]
        floor_min = min(mins)
        st.spaces = [s for s in st.spaces if min(s[3] - s[0], s[4] - s[1], s[5] - s[2]) >= floor_min - _EPS]
        live = [s for s in st.spaces if s not in dead] if dead else st.spaces
        if not live:
            break

        def anchor(s: tuple[float, ...]) -> tuple[float, ...]:
            if anchor_rule == 1:
                d = sorted((min(s[0], st.L - s[3]), min(s[1], st.W - s[4])))
                return (s[2], d[0], d[1], -(s[3] - s[0]) * (s[4] - s[1]) * (s[5] - s[2]))
            if anchor_rule == 2:
                return (
                    min(s[0], st.L - s[3]),
                    s[2],
                    min(s[1], st.W - s[4]),
                    -(s[3] - s[0]) * (s[4] - s[1]) * (s[5] - s[2]),
                )
            d = sorted((min(s[0], st.L - s[3]), min(s[1], st.W - s[4]), s[2]))
            return (d[0], d[1], d[2], -(s[3] - s[0]) * (s[4] - s[1]) * (s[5] - s[2]))

        s = min(live, key=anchor)
        sx, sy, sz = s[3] - s[0], s[4] - s[1], s[5] - s[2]
        left = s[0] <= st.L - s[3] + _EPS
        front = s[1] <= st.W - s[4] + _EPS
        corners = [(left, front), (not left, front), (left, not front), (not left, not front)]
        stairs: dict[tuple[bool, bool], list[tuple[float, float]]] = {}
        placed = False
        for cl, cf in corners if s[2] > _EPS else corners[:1]:
            cands: list[tuple[float, int, str, tuple[float, float, float], int, int, int]] = []
            room_kg = st.max_kg - st.kg
            if s[2] > _EPS and (cl, cf) not in stairs:
                rects = st.support_rects(s)
                loc = [
                    (
                        (r[0] - s[0]) if cl else (s[3] - r[2]),
                        (r[1] - s[1]) if cf else (s[4] - r[3]),
                        (r[2] - s[0]) if cl else (s[3] - r[0]),
                        (r[3] - s[1]) if cf else (s[4] - r[1]),
                    )
                    for r in rects
                ]
                stairs[(cl, cf)] = _staircase(loc, sx, sy)
                if support > 0 and not stairs[(cl, cf)]:
                    continue
            for ti, t in enumerate(types):
                n_av = avail[ti]
                if n_av <= 0:
                    continue
                if t.kg > 0:
                    n_av = min(n_av, int((room_kg + 1e-9) // t.kg))
                    if n_av <= 0:
                        continue
                for code, (dx, dy, dz) in orients[ti]:
                    if dx > sx + _EPS or dy > sy + _EPS or dz > sz + _EPS:
                        continue
                    lim = [int((sx + _EPS) // dx), int((sy + _EPS) // dy), int((sz + _EPS) // dz) if t.stackable else 1]
                    seen: set[tuple[int, int, int]] = set()
                    for order in _FILL_ORDERS:
                        n = [0, 0, 0]
                        rest = n_av
                        for ax in order:
                            n[ax] = max(1, min(lim[ax], rest))
                            rest = rest // n[ax]
                        key = (n[0], n[1], n[2])
                        if key in seen:
                            continue
                        seen.add(key)
                        cands.append(
                            (
                                _score(n[0] * dx, n[1] * dy, n[2] * dz, sx, sy, sz, floor_min, waste_w),
                                ti,
                                code,
                                (dx, dy, dz),
                                *key,
                            )
                        )
                    if s[2] > _EPS and support > 0:  # also the largest fully supported footprints
                        stair = stairs[(cl, cf)]
                        for nx in {lim[0], max(1, lim[0] // 2), 1}:
                            ny = min(lim[1], int((_max_y(stair, nx * dx) + _EPS) // dy))
                            if ny <= 0:
                                continue
                            nx2 = min(nx, n_av)
                            ny2 = min(ny, max(1, n_av // nx2))
                            nz2 = min(lim[2], max(1, n_av // (nx2 * ny2)))
                            key = (nx2, ny2, nz2)
                            if key not in seen:
                                seen.add(key)
                                cands.append(
                                    (
                                        _score(nx2 * dx, ny2 * dy, nz2 * dz, sx, sy, sz, floor_min, waste_w),
                                        ti,
                                        code,
                                        (dx, dy, dz),
                                        *key,
                                    )
                                )
            if not cands:
                continue
            cands.sort(key=lambda c: (-c[0], c[1], c[2], c[4], c[5]))
            if rng is not None and greed < 1.0:
                near_best = [c for c in cands if c[0] >= greed * cands[0][0] - 1e-9]
                order_idx = list(rng.permutation(len(near_best))) + list(range(len(near_best), len(cands)))
                cands = [near_best[i] if i < len(near_best) else cands[i] for i in order_idx]
            valid: list[_Block] = []
            for _vol, ti, code, (dx, dy, dz), nx, ny, nz in cands:
                bx, by, bz = nx * dx, ny * dy, nz * dz
                x = s[0] if cl else s[3] - bx
                y = s[1] if cf else s[4] - by
                z = s[2]
                if not st.block_ok(x, y, z, dx, dy, nx, ny, bz, support, types[ti].stackable):
                    continue
                valid.append((ti, code, (dx, dy, dz), nx, ny, nz, x, y, z))
                if len(valid) >= max(1, lookahead if time.perf_counter() < deadline else 1):
                    break
            if valid:
                choice = valid[0]
                if len(valid) > 1:  # greedy lookahead: complete each candidate greedily, keep the fullest
                    best_v = -1.0
                    avail0 = list(avail)
                    for blk in st.blocks:
                        avail0[blk[0]] += blk[3] * blk[4] * blk[5]
                    for cand in valid:
                        trial = _block_fill(
                            types, list(avail0), unit, support, None, 0.0, (*st.blocks, cand), style=style
                        )
                        if trial.volume > best_v + 1e-9:
                            best_v, choice = trial.volume, cand
                _put_block(st, types, avail, *choice)
                placed = True
            if placed:
                break
        if not placed:
            dead.add(s)
        elif dead:
            blk = st.blocks[-1]
            bx0, by0, top = blk[6], blk[7], blk[8] + blk[5] * blk[2][2]
            bx1, by1 = bx0 + blk[3] * blk[2][0], by0 + blk[4] * blk[2][1]
            dead = {
                d
                for d in dead
                if d in st.spaces
                and not (
                    abs(d[2] - top) <= _EPS
                    and d[0] < bx1 - _EPS
                    and d[3] > bx0 + _EPS
                    and d[1] < by1 - _EPS
                    and d[4] > by0 + _EPS
                )
            }
    return st


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
    time_limit_s: float = 0.0,
    seed: int = 0,
    method: str = "auto",
) -> LoadingResult:
    """Load ``boxes`` into as many ``unit``\\ s as needed (at most ``max_units``).

    Every carton is either placed (one :class:`Placement`) or counted in ``unplaced``.
    The greedy block-building construction always runs; ``strategies`` (sort order, placement
    rule) pairs of the extreme-point heuristic run as well, and with ``time_limit_s`` > 0
    randomised block-building restarts (seeded by ``seed``) run until that time is spent.
    The best result wins: least unplaced carton volume, then fewest units, then the fullest first
    units. With ``time_limit_s`` = 0 (the default) the result is deterministic; with a time limit
    it depends on how much search fits in that time (same seed, same sequence of restarts).
    ``method="extreme_point"`` runs only the extreme-point heuristic (the former loader, kept as
    the benchmark baseline); ``method="blocks"`` only the block building.
    """
    if method not in ("auto", "blocks", "extreme_point"):
        raise InvalidInputError(f"unknown loading method {method!r}")
    if not 0 <= support_fraction <= 1:
        raise InvalidInputError(f"support_fraction must be in [0, 1], got {support_fraction}")
    best: LoadingResult | None = None
    best_key: tuple[float, ...] | None = None
    best_blocks: list[_Block] = []

    def consider(res: LoadingResult) -> None:
        nonlocal best, best_key
        key = (
            round(sum(vols.get(k, 0.0) * n for k, n in res.unplaced.items()), 6),
            res.units_used,
            *(-round(u, 9) for u in res.utilisation),
        )
        if best_key is None or key < best_key:
            best, best_key = res, key

    vols = {b.key: b.volume for b in boxes}
    if method != "extreme_point":
        res, blocks = _pack_blocks(boxes, unit, max_units=max_units, support_fraction=support_fraction, rng=None)
        consider(res)
        best_blocks = blocks if res is best else []
    n_ep = 0 if method == "blocks" else max(1 if method == "extreme_point" else 0, min(strategies, len(STRATEGIES)))
    for order, rule in STRATEGIES[:n_ep]:
        consider(
            _pack_once(boxes, unit, max_units=max_units, support_fraction=support_fraction, order=order, rule=rule)
        )
    if time_limit_s > 0 and method != "extreme_point":
        # 1) greedy lookahead with iterative doubling of the candidates tried per step (Zhu & Lim 2012),
        # 2) then randomised restarts (GRASP) alternating with re-building the tail of the best fill
        rng = np.random.default_rng(seed)
        t0 = time.perf_counter()
        t_end = t0 + time_limit_s

        def unfinished() -> bool:
            return best is not None and (bool(best.unplaced) or best.units_used > best.lower_bound)

        k = 2
        while unfinished() and time.perf_counter() < t0 + _LOOKAHEAD_SHARE * time_limit_s:
            res, blocks = _pack_blocks(
                boxes,
                unit,
                max_units=max_units,
                support_fraction=support_fraction,
                rng=None,
                lookahead=k,
                deadline=t0 + _LOOKAHEAD_SHARE * time_limit_s,
            )
            before = best
            consider(res)
            if best is not before:
                best_blocks = blocks
            k *= 2
        while unfinished() and time.perf_counter() < t_end:
            keep: list[_Block] = []
            if best_blocks and rng.random() < 0.5:
                keep = best_blocks[: int(rng.integers(0, len(best_blocks)))]
            style = (int(rng.integers(0, 3)), float(rng.choice([0.0, 0.5, 1.0])))
            res, blocks = _pack_blocks(
                boxes,
                unit,
                max_units=max_units,
                support_fraction=support_fraction,
                rng=rng,
                greed=float(rng.uniform(0.5, 1.0)),
                prefix=keep,
                style=style,
            )
            before = best
            consider(res)
            if best is not before:
                best_blocks = blocks
    assert best is not None
    return best


def _pack_blocks(
    boxes: Sequence[BoxType],
    unit: LoadUnit,
    *,
    max_units: int | None,
    support_fraction: float,
    rng: np.random.Generator | None,
    greed: float = 0.0,
    prefix: Sequence[_Block] = (),
    lookahead: int = 0,
    deadline: float = math.inf,
    style: tuple[int, float] = (0, 0.0),
) -> tuple[LoadingResult, list[_Block]]:
    types, unplaced = _split_fitting(boxes, unit)
    avail = [bt.count for bt in types]
    placements: list[Placement] = []
    utils: list[float] = []
    first_blocks: list[_Block] = []
    unit_vol = unit.l_cm * unit.w_cm * unit.h_cm
    while any(avail) and (max_units is None or len(utils) < max_units):
        st = _block_fill(
            types, avail, unit, support_fraction, rng, greed, prefix if not utils else (), lookahead, deadline, style
        )
        if not st.placed:
            break
        if not utils:
            first_blocks = st.blocks
        u = len(utils)
        for ti, x, y, z, code, dims in st.placed:
            placements.append(
                Placement(
                    key=types[ti].key,
                    unit=u,
                    x=x,
                    y=y,
                    z=z,
                    dx=dims[0],
                    dy=dims[1],
                    dz=dims[2],
                    orientation=code,
                    kg=types[ti].kg,
                )
            )
        utils.append(st.volume / unit_vol)
    for bt, a in zip(types, avail, strict=True):
        if a:
            unplaced[bt.key] = unplaced.get(bt.key, 0) + a
    return LoadingResult(
        unit=unit,
        placements=tuple(placements),
        units_used=len(utils),
        unplaced=unplaced,
        lower_bound=volume_lower_bound(types, unit),
        utilisation=tuple(utils),
    ), first_blocks


def _split_fitting(boxes: Sequence[BoxType], unit: LoadUnit) -> tuple[list[BoxType], dict[str, int]]:
    """The box types that fit an empty unit in some allowed orientation, and the count of those
    that never can (by key), which are reported unplaced rather than tried."""
    unplaced: dict[str, int] = {}
    fitting: list[BoxType] = []
    for bt in boxes:
        if bt.count == 0:
            continue
        if _fits_empty(bt, unit):
            fitting.append(bt)
        else:
            unplaced[bt.key] = unplaced.get(bt.key, 0) + bt.count
    return fitting, unplaced


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
    queue, unplaced = _split_fitting(boxes, unit)
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
            placements.append(
                Placement(
                    key=bt.key,
                    unit=len(bins) - 1,
                    x=x,
                    y=y,
                    z=z,
                    dx=dims[0],
                    dy=dims[1],
                    dz=dims[2],
                    orientation=code,
                    kg=bt.kg,
                )
            )
        if len(rest) == len(items):  # nothing fitted an empty unit (cannot happen after _fits_empty, but be safe)
            bins.pop()
            break
        items = rest
    for bt in items:
        unplaced[bt.key] = unplaced.get(bt.key, 0) + 1
    unit_vol = unit.l_cm * unit.w_cm * unit.h_cm
    return LoadingResult(
        unit=unit,
        placements=tuple(placements),
        units_used=len(bins),
        unplaced=unplaced,
        lower_bound=volume_lower_bound(queue, unit),
        utilisation=tuple(b.volume / unit_vol for b in bins),
    )
