"""Isometric SVG of one load unit (pallet, ULD, container) with its cartons, for the pooling page.

Pure functions of the pooling result's ``placements`` (x, y, z, dx, dy, dz in cm; x along the
unit's length, y across, z up): no browser library, so the same SVG works in the report offline.
The viewer looks from the front-right-top (+x, +y, +z), so each carton shows its top and its two
far-side faces; cartons are painted back to front (:func:`draw_order`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

_COS30 = math.cos(math.pi / 6)
_SIN30 = 0.5
PALETTE = (
    "#c62828",
    "#1565c0",
    "#2e7d32",
    "#ef6c00",
    "#6a1b9a",
    "#00838f",
    "#ad1457",
    "#4e342e",
    "#558b2f",
    "#283593",
    "#f9a825",
    "#00695c",
)


def _behind(a: dict[str, Any], b: dict[str, Any]) -> int:
    """-1 if box ``a`` must be painted before ``b``, 1 if after, 0 if their drawings cannot overlap.

    Two disjoint boxes are separated along at least one axis; a box wholly at smaller x (or y, or z)
    is farther from a viewer at (+inf, +inf, +inf) wherever the two overlap on screen. When they are
    separated along two axes in opposite directions their drawings do not overlap at all.
    """
    signs = set()
    for lo, size in (("x", "dx"), ("y", "dy"), ("z", "dz")):
        if a[lo] + a[size] <= b[lo] + 1e-9:
            signs.add(-1)
        elif b[lo] + b[size] <= a[lo] + 1e-9:
            signs.add(1)
    return signs.pop() if len(signs) == 1 else 0


def draw_order(boxes: Sequence[dict[str, Any]]) -> list[int]:
    """Indices of ``boxes`` back to front (painter's order): a topological sort of :func:`_behind`.

    Falls back to the depth of the box centres for any boxes left in a cycle (not expected for
    disjoint boxes, but the view must never fail).
    """
    n = len(boxes)
    after: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for i in range(n):
        for j in range(i + 1, n):
            rel = _behind(boxes[i], boxes[j])
            if rel < 0:
                after[i].append(j)
                indegree[j] += 1
            elif rel > 0:
                after[j].append(i)
                indegree[i] += 1

    def depth(i: int) -> float:
        b = boxes[i]
        return float(b["x"] + b["dx"] / 2 + b["y"] + b["dy"] / 2 + b["z"] + b["dz"] / 2)

    import heapq

    ready = [(depth(i), i) for i in range(n) if indegree[i] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        order.append(i)
        for j in after[i]:
            indegree[j] -= 1
            if indegree[j] == 0:
                heapq.heappush(ready, (depth(j), j))
    if len(order) < n:  # a cycle: paint the rest by depth
        done = set(order)
        order.extend(sorted((i for i in range(n) if i not in done), key=depth))
    return order


def _shade(color: str, factor: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    if factor >= 1:
        r, g, b = (round(c + (255 - c) * (factor - 1)) for c in (r, g, b))
    else:
        r, g, b = (round(c * factor) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def colours(keys: Sequence[str]) -> dict[str, str]:
    """One palette colour per distinct key, in first-seen order."""
    out: dict[str, str] = {}
    for key in keys:
        if key not in out:
            out[key] = PALETTE[len(out) % len(PALETTE)]
    return out


LEGEND_W = 170
LEGEND_MAX = 14


def isometric_svg(
    placements: Sequence[dict[str, Any]],
    unit_cm: Sequence[float],
    *,
    unit: int = 0,
    width: int = 560,
    height: int = 400,
    title: str = "",
    legend: bool = True,
) -> str:
    """SVG of load unit ``unit``: its interior as a wire frame, its cartons as shaded boxes, and a
    legend of the shipments in it (colour, key, cartons) on the right.

    Each carton is a ``<g class="qk-carton" data-key=…>`` with a ``<title>`` (key and size in cm).
    """
    length, wide, high = (float(v) for v in unit_cm)
    boxes = [p for p in placements if int(p.get("unit", 0)) == unit]
    span_x = (length + wide) * _COS30
    span_y = (length + wide) * _SIN30 + high
    pad = 12
    drawing_w = width - (LEGEND_W if legend and boxes else 0)
    scale = min((drawing_w - 2 * pad) / span_x, (height - 2 * pad - (18 if title else 0)) / span_y)
    ox = pad + wide * _COS30 * scale
    oy = pad + (18 if title else 0) + high * scale

    def pt(x: float, y: float, z: float) -> str:
        return f"{ox + (x - y) * _COS30 * scale:.1f},{oy + ((x + y) * _SIN30 - z) * scale:.1f}"

    def poly(points: list[tuple[float, float, float]], fill: str, stroke: str = "#263238") -> str:
        return (
            f'<polygon points="{" ".join(pt(*p) for p in points)}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="0.6" stroke-linejoin="round"/>'
        )

    def edge(a: tuple[float, float, float], b: tuple[float, float, float], dash: bool) -> str:
        style = ' stroke-dasharray="4 3"' if dash else ""
        (x1, y1), (x2, y2) = (pt(*a).split(","), pt(*b).split(","))
        return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#607d8b" stroke-width="1"{style}/>'

    L, W, H = length, wide, high
    a: tuple[float, float, float]
    b: tuple[float, float, float]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" class="qk-loading" data-unit="{unit}" data-cartons="{len(boxes)}" '
        f'font-family="Noto Sans CJK SC, Noto Sans, sans-serif">'
    ]
    if title:
        parts.append(f'<text x="{pad}" y="{pad + 6}" font-size="13">{html.escape(title)}</text>')
    # floor and the three back walls' edges first (behind every carton)
    parts.append(poly([(0, 0, 0), (L, 0, 0), (L, W, 0), (0, W, 0)], "#eceff1", "#90a4ae"))
    for a, b in (
        ((0, 0, 0), (0, 0, H)),
        ((L, 0, 0), (L, 0, H)),
        ((0, W, 0), (0, W, H)),
        ((0, 0, H), (L, 0, H)),
        ((0, 0, H), (0, W, H)),
    ):
        parts.append(edge(a, b, dash=True))
    palette = colours([str(box.get("key")) for box in boxes])
    for i in draw_order(boxes):
        box = boxes[i]
        x, y, z, dx, dy, dz = (float(box[k]) for k in ("x", "y", "z", "dx", "dy", "dz"))
        base = palette[str(box.get("key"))]
        label = html.escape(f"{box.get('key')} · {dx:g}×{dy:g}×{dz:g} cm")
        parts.append(
            f'<g class="qk-carton" data-key="{html.escape(str(box.get("key")), quote=True)}"><title>{label}</title>'
        )
        parts.append(
            poly(
                [(x + dx, y, z), (x + dx, y + dy, z), (x + dx, y + dy, z + dz), (x + dx, y, z + dz)], _shade(base, 0.75)
            )
        )
        parts.append(
            poly(
                [(x, y + dy, z), (x + dx, y + dy, z), (x + dx, y + dy, z + dz), (x, y + dy, z + dz)], _shade(base, 0.9)
            )
        )
        parts.append(
            poly(
                [(x, y, z + dz), (x + dx, y, z + dz), (x + dx, y + dy, z + dz), (x, y + dy, z + dz)], _shade(base, 1.35)
            )
        )
        parts.append("</g>")
    # the near edges of the unit last (in front of every carton)
    for a, b in (
        ((L, W, 0), (L, W, H)),
        ((L, 0, H), (L, W, H)),
        ((0, W, H), (L, W, H)),
        ((L, 0, 0), (L, W, 0)),
        ((0, W, 0), (L, W, 0)),
    ):
        parts.append(edge(a, b, dash=False))
    if legend and boxes:
        counts: dict[str, int] = {}
        for box in boxes:
            counts[str(box.get("key"))] = counts.get(str(box.get("key")), 0) + 1
        x0, y0 = width - LEGEND_W + 8, pad + (18 if title else 0) + 4
        for n, (key, count) in enumerate(list(counts.items())[:LEGEND_MAX]):
            y = y0 + n * 18
            parts.append(
                f'<rect x="{x0}" y="{y}" width="11" height="11" fill="{palette[key]}"/>'
                f'<text x="{x0 + 16}" y="{y + 10}" font-size="11" class="qk-legend">'
                f"{html.escape(key)} × {count}</text>"
            )
        if len(counts) > LEGEND_MAX:
            parts.append(
                f'<text x="{x0}" y="{y0 + LEGEND_MAX * 18 + 10}" font-size="11">+{len(counts) - LEGEND_MAX}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
