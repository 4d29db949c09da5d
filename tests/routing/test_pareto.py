"""The label-setting search returns exactly the non-dominated set (against brute force)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from qiankua.routing.pareto import dominates, label_setting, non_dominated, non_dominated_mask


def brute_force(n: int, edges: list[tuple[int, int, tuple[int, int, int]]], s: int, t: int) -> list[tuple[int, ...]]:
    """Every simple path s -> t by DFS, then the reference non-dominated filter."""
    out: dict[int, list[tuple[int, tuple[int, int, int]]]] = {}
    for u, v, w in edges:
        out.setdefault(u, []).append((v, w))
    found: list[tuple[int, int, int]] = []

    def dfs(u: int, seen: set[int], acc: tuple[int, int, int]) -> None:
        if u == t:
            found.append(acc)
            return
        for v, w in out.get(u, []):
            if v not in seen:
                dfs(v, seen | {v}, (acc[0] + w[0], acc[1] + w[1], acc[2] + w[2]))

    dfs(s, {s}, (0, 0, 0))
    return non_dominated(found)


weights = st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))


@st.composite
def graphs(draw):
    n = draw(st.integers(2, 7))
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=18))
    # parallel edges are allowed (two services on one link)
    edges = [(u, v, draw(weights)) for u, v in chosen]
    return n, edges


def _adj(edges, reverse=False):
    table: dict[int, list[tuple[int, int, int, int, int]]] = {}
    for i, (u, v, (c, m, g)) in enumerate(edges):
        a, b = (v, u) if reverse else (u, v)
        table.setdefault(a, []).append((i, b, c, m, g))
    return lambda node: table.get(node, [])


@given(graphs())
def test_forward_label_setting_equals_brute_force(graph):
    n, edges = graph
    tree = label_setting(0, _adj(edges))
    for t in range(1, n):
        assert sorted(tree.vectors(t)) == brute_force(n, edges, 0, t)


@given(graphs())
def test_backward_label_setting_equals_brute_force(graph):
    n, edges = graph
    target = n - 1
    tree = label_setting(target, _adj(edges, reverse=True))
    for s in range(n - 1):
        assert sorted(tree.vectors(s)) == brute_force(n, edges, s, target)


@given(graphs())
def test_label_paths_add_up(graph):
    _n, edges = graph
    tree = label_setting(0, _adj(edges))
    for node, ids in tree.at.items():
        for lid in ids:
            path = tree.edges(lid)  # from the label's node back towards the root
            total = tuple(sum(edges[e][2][k] for e in path) for k in range(3))
            assert total == tree.labels[lid].vector
            # a forward tree's back-pointers walk from the node to the root along reversed edges
            assert (edges[path[-1]][0] if path else node) == 0


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)), max_size=25))
def test_vectorised_mask_matches_reference(vectors):
    if not vectors:
        return
    x = np.array(vectors, dtype=np.int64)
    keep = non_dominated_mask(x[None])[0]
    assert sorted(map(tuple, x[keep].tolist())) == non_dominated(vectors)


def test_time_budget_prunes_exactly():
    edges = [(0, 1, (1, 10, 1)), (0, 1, (5, 2, 1)), (1, 2, (1, 1, 1))]
    tree = label_setting(0, _adj(edges), max_minutes=5)
    assert tree.vectors(2) == [(6, 3, 2)]


def test_dominates():
    assert dominates((1, 1, 1), (1, 2, 1))
    assert not dominates((1, 1, 1), (1, 1, 1))
    assert not dominates((0, 2, 1), (1, 1, 1))
    assert all(
        not dominates(a, b) or not dominates(b, a)
        for a, b in itertools.product([(0, 1, 2), (1, 0, 2), (1, 1, 1)], repeat=2)
    )
