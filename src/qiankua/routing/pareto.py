"""Exact multi-objective shortest paths: Martins' label-setting algorithm and Pareto filters.

Objectives are non-negative integers (CNY fen, minutes, grams CO2e), so sums are exact and
the result does not depend on the order in which legs are added. A label is a vector plus a
back-pointer; labels are popped in lexicographic order, which makes every popped label
permanent (a later label is lexicographically larger and so cannot dominate it). A new label is
dropped when an existing label at its node dominates or equals it, and removes the temporary
labels it dominates. The permanent labels at a node are then exactly the distinct non-dominated
cost vectors of all paths between that node and the search root.

References
----------
E. Q. V. Martins, "On a multicriteria shortest path problem", European Journal of Operational
Research 16 (1984) 236-245.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Label", "LabelTree", "dominates", "label_setting", "non_dominated", "non_dominated_mask"]

Vector = tuple[int, int, int]


def dominates(a: Sequence[int], b: Sequence[int]) -> bool:
    """True when ``a`` is no worse than ``b`` on every objective and better on one."""
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(x < y for x, y in zip(a, b, strict=True))


def non_dominated(vectors: Iterable[Sequence[int]]) -> list[tuple[int, ...]]:
    """Distinct non-dominated vectors, sorted lexicographically (reference O(n^2) filter)."""
    unique = sorted({tuple(v) for v in vectors})
    return [v for v in unique if not any(dominates(w, v) for w in unique if w != v)]


def non_dominated_mask(x: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask of the rows of ``x`` (``... x K x 3``) that no other valid row dominates.

    Works on a batch: the leading axes are independent problems, ``K`` candidates each.
    Duplicate rows keep only their first occurrence. Invalid rows are never kept and never
    dominate.
    """
    if valid is None:
        valid = np.ones(x.shape[:-1], dtype=bool)
    # pairwise per objective on (.., j, i) planes: cheaper than one (.., K, K, 3) array and a reduction
    c, t, g = x[..., 0], x[..., 1], x[..., 2]
    le = (
        (c[..., :, None] <= c[..., None, :])
        & (t[..., :, None] <= t[..., None, :])
        & (g[..., :, None] <= g[..., None, :])
    )
    k = x.shape[-2]
    earlier = np.tril(np.ones((k, k), dtype=bool), -1)  # [j, i] with j < i
    # j removes i when j <= i everywhere and either i is not <= j (strict somewhere: dominance)
    # or the two are equal and j comes first (duplicates keep one)
    beats = le & (~np.swapaxes(le, -1, -2) | earlier)
    beats &= valid[..., :, None]
    return valid & ~beats.any(-2)


@dataclass(frozen=True, slots=True)
class Label:
    """One permanent label: its vector, node, the edge taken from it towards the root, and the next label."""

    cost: int
    minutes: int
    grams: int
    node: int
    edge: int  # -1 at the root
    parent: int  # label id of the next label towards the root, -1 at the root

    @property
    def vector(self) -> Vector:
        return (self.cost, self.minutes, self.grams)


@dataclass(frozen=True, slots=True)
class LabelTree:
    """Result of :func:`label_setting`: all labels (parallel lists) and, per node, its permanent label ids."""

    cost: list[int]
    minutes: list[int]
    grams: list[int]
    node: list[int]
    edge: list[int]
    parent: list[int]
    at: dict[int, list[int]]

    @property
    def labels(self) -> _LabelView:
        return _LabelView(self)

    def vectors(self, node: int) -> list[Vector]:
        return [(self.cost[i], self.minutes[i], self.grams[i]) for i in self.at.get(node, [])]

    def edges(self, label_id: int) -> list[int]:
        """Edge ids from the label's node to the root, in travel order (away from the label)."""
        out: list[int] = []
        i = label_id
        while self.edge[i] >= 0:
            out.append(self.edge[i])
            i = self.parent[i]
        return out


class _LabelView:
    """``tree.labels[i]`` as a :class:`Label` record."""

    __slots__ = ("_tree",)

    def __init__(self, tree: LabelTree) -> None:
        self._tree = tree

    def __getitem__(self, i: int) -> Label:
        t = self._tree
        return Label(t.cost[i], t.minutes[i], t.grams[i], t.node[i], t.edge[i], t.parent[i])

    def __len__(self) -> int:
        return len(self._tree.cost)


def label_setting(
    root: int,
    adjacency: Callable[[int], Iterable[tuple[int, int, int, int, int]]],
    *,
    max_minutes: int | None = None,
    skip: Callable[[int], bool] | None = None,
) -> LabelTree:
    """Martins' algorithm from ``root``.

    ``adjacency(node)`` yields ``(edge_id, neighbour, cost, minutes, grams)``; for a backward
    search pass the reversed edges (then label paths run neighbour -> ... -> root).
    ``max_minutes`` prunes labels beyond a time budget (exact: time only grows along a path).
    ``skip(node)`` marks nodes whose labels are recorded but not expanded further.
    """
    lc, lm, lg, lnode, ledge, lparent = [0], [0], [0], [root], [-1], [-1]
    alive: list[bool] = [True]
    node_labels: dict[int, list[int]] = {root: [0]}  # temporary + permanent, pruned lazily
    permanent: dict[int, list[int]] = {}
    heap: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)]
    budget = max_minutes if max_minutes is not None else -1
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        c, m, g, lid = pop(heap)
        if not alive[lid]:
            continue
        node = lnode[lid]
        permanent.setdefault(node, []).append(lid)
        if skip is not None and node != root and skip(node):
            continue
        for edge, nbr, ec, em, eg in adjacency(node):
            nc, nm, ng = c + ec, m + em, g + eg
            if budget >= 0 and nm > budget:
                continue
            existing = node_labels.get(nbr)
            if existing is None:
                existing = node_labels[nbr] = []
            elif existing:
                dominated = False
                keep: list[int] = []
                for other in existing:
                    if not alive[other]:
                        continue
                    oc, om, og = lc[other], lm[other], lg[other]
                    if oc <= nc and om <= nm and og <= ng:
                        dominated = True
                        break
                    if nc <= oc and nm <= om and ng <= og:
                        alive[other] = False  # a temporary label the new one beats (never a permanent one)
                        continue
                    keep.append(other)
                if dominated:
                    continue
                existing[:] = keep
            new_id = len(lc)
            lc.append(nc)
            lm.append(nm)
            lg.append(ng)
            lnode.append(nbr)
            ledge.append(edge)
            lparent.append(lid)
            alive.append(True)
            existing.append(new_id)
            push(heap, (nc, nm, ng, new_id))
    return LabelTree(cost=lc, minutes=lm, grams=lg, node=lnode, edge=ledge, parent=lparent, at=permanent)
