"""The pooling page's loading view: cartons painted back to front, one shaded box per carton of the unit."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.web.loading_view import draw_order, isometric_svg


def _guillotine(rng: random.Random, box: tuple[float, ...], depth: int) -> list[dict[str, float]]:
    """Disjoint boxes filling ``box`` (x, y, z, dx, dy, dz) by random guillotine cuts; some cells left empty."""
    x, y, z, dx, dy, dz = box
    if depth == 0 or min(dx, dy, dz) < 4:
        return [dict(x=x, y=y, z=z, dx=dx, dy=dy, dz=dz)] if rng.random() < 0.8 else []
    axis = rng.randrange(3)
    size = (dx, dy, dz)[axis]
    cut = rng.uniform(0.25, 0.75) * size
    first, second = list(box), list(box)
    first[3 + axis] = cut
    second[axis] += cut
    second[3 + axis] = size - cut
    return _guillotine(rng, tuple(first), depth - 1) + _guillotine(rng, tuple(second), depth - 1)


def _in_front(a: dict[str, float], b: dict[str, float], rng: random.Random) -> bool | None:
    """Independent of the code under test: shoot viewing rays (direction (1, 1, 1), towards the viewer)
    from points of ``a``; True if a ray meets ``b`` in front of ``a``, False if behind, None if none meets it."""
    for _ in range(200):
        p = [a[k] + rng.random() * a["d" + k] for k in ("x", "y", "z")]
        lo = max(b[k] - p[i] for i, k in enumerate(("x", "y", "z")))
        hi = min(b[k] + b["d" + k] - p[i] for i, k in enumerate(("x", "y", "z")))
        if hi - lo > 1e-6:
            return lo > 0
    return None


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=2, max_value=6))
def test_draw_order_paints_every_occluded_carton_first(seed, depth):
    rng = random.Random(seed)
    boxes = _guillotine(rng, (0, 0, 0, 120, 80, 160), depth)
    order = draw_order(boxes)
    assert sorted(order) == list(range(len(boxes)))
    position = {i: n for n, i in enumerate(order)}
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            front = _in_front(boxes[i], boxes[j], rng)
            if front is True:  # j is nearer the viewer where they overlap: j painted after i
                assert position[i] < position[j], (boxes[i], boxes[j])
            elif front is False:
                assert position[j] < position[i], (boxes[i], boxes[j])


def test_svg_draws_only_the_chosen_unit():
    placements = [
        {"key": "s1", "unit": 0, "x": 0, "y": 0, "z": 0, "dx": 40, "dy": 30, "dz": 30},
        {"key": "s2", "unit": 0, "x": 40, "y": 0, "z": 0, "dx": 40, "dy": 30, "dz": 30},
        {"key": "s1", "unit": 1, "x": 0, "y": 0, "z": 0, "dx": 40, "dy": 30, "dz": 30},
    ]
    svg = isometric_svg(placements, (120, 80, 160), unit=0, title="EUR <1>")
    assert svg.count('class="qk-carton"') == 2 and 'data-cartons="2"' in svg
    assert "EUR &lt;1&gt;" in svg  # text is escaped
    assert len(set(re.findall(r'data-key="(s\d)"', svg))) == 2
    assert isometric_svg(placements, (120, 80, 160), unit=1).count('class="qk-carton"') == 1
    assert isometric_svg(placements, (120, 80, 160), unit=2).count('class="qk-carton"') == 0
