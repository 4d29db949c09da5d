"""Cost game: Shapley (hand-worked and axioms), cents rounding, core check vs brute force."""

import itertools
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiankua.pooling.game import (
    brute_force_in_core,
    core_check,
    least_core_epsilon,
    proportional,
    round_to_cents,
    shapley_exact,
    shapley_monte_carlo,
)


def table_game(values):
    return lambda m: values[m]


def test_three_player_airport_game_by_hand():
    # airport game: c(S) = max need in S; needs 1, 2, 3 -> Shapley (1/3, 1/3+1/2, 1/3+1/2+1) = (1/3, 5/6, 11/6)
    need = [1.0, 2.0, 3.0]
    cost = lambda m: max((need[i] for i in range(3) if m >> i & 1), default=0.0)  # noqa: E731
    phi = shapley_exact(3, cost)
    assert phi == pytest.approx([1 / 3, 5 / 6, 11 / 6])


def test_three_player_hand_game():
    # c(1)=6, c(2)=6, c(3)=9, c(12)=9, c(13)=12, c(23)=12, c(123)=15
    c = {0: 0, 1: 6, 2: 6, 4: 9, 3: 9, 5: 12, 6: 12, 7: 15}
    phi = shapley_exact(3, table_game(c))
    # player 1: (1/3)*6 + (1/6)*(9-6) + (1/6)*(12-9) + (1/3)*(15-12) = 2 + .5 + .5 + 1 = 4
    assert phi == pytest.approx([4.0, 4.0, 7.0])
    report = core_check(phi, c, 3)
    assert report.in_core and report.exhaustive


def test_core_objection_found():
    c = {0: 0, 1: 10, 2: 10, 4: 10, 3: 12, 5: 12, 6: 12, 7: 20}
    report = core_check([2.0, 9.0, 9.0], c, 3)
    assert not report.in_core
    assert report.worst_coalition == (1, 2)  # players 2 and 3 pay 18 together but 12 alone
    assert report.worst_excess == pytest.approx(6.0)


costs3 = st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=7, max_size=7)


@given(costs3)
def test_least_core_lp_agrees_with_bondareva_shapley_for_three_players(vals):
    c = {0: 0.0, **{m: v for m, v in zip(range(1, 8), vals, strict=True)}}
    eps = least_core_epsilon(c, 3)
    cN = c[7]
    # three-player cost game: the core is non-empty iff all balanced-collection inequalities hold
    conds = [
        cN <= c[1] + c[2] + c[4],
        cN <= c[1] + c[6],
        cN <= c[2] + c[5],
        cN <= c[4] + c[3],
        2 * cN <= c[3] + c[5] + c[6],
    ]
    assert (eps <= 1e-6) == all(conds) or abs(eps) < 1e-6


@given(costs3, st.lists(st.floats(min_value=0, max_value=60, allow_nan=False), min_size=3, max_size=3))
def test_core_check_agrees_with_brute_force(vals, x):
    c = {0: 0.0, **{m: v for m, v in zip(range(1, 8), vals, strict=True)}}
    c[7] = sum(x)
    report = core_check(x, c, 3, solve_lp=False)
    assert report.in_core == brute_force_in_core(x, lambda m: c[m], 3)


games = st.integers(min_value=1, max_value=5).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=(1 << n) - 1, max_size=(1 << n) - 1),
    )
)


@given(games)
def test_shapley_axioms(game):
    n, vals = game
    c = [0.0, *vals]
    phi = shapley_exact(n, lambda m: c[m])
    assert sum(phi) == pytest.approx(c[(1 << n) - 1], abs=1e-6)  # efficiency
    # symmetry and null player on a derived game: make player 0 a dummy and players 1, 2 symmetric
    if n >= 3:

        def sym(m):
            base = m & ~1  # player 0 adds nothing
            b1, b2 = base >> 1 & 1, base >> 2 & 1
            swapped = base & ~6 | (b2 << 1) | (b1 << 2)
            return (c[base] + c[swapped]) / 2

        phi2 = shapley_exact(n, sym)
        assert phi2[0] == pytest.approx(0.0, abs=1e-6)
        assert phi2[1] == pytest.approx(phi2[2], abs=1e-6)


@given(games, st.integers(min_value=0, max_value=1000))
def test_monte_carlo_is_efficient_and_close(game, seed):
    n, vals = game
    c = [0.0, *vals]
    mean, half = shapley_monte_carlo(n, lambda m: c[m], permutations=50, seed=seed)
    assert sum(mean) == pytest.approx(c[-1], abs=1e-6)
    assert all(h >= 0 for h in half)
    if n <= 2:  # every permutation sampled often: exact
        assert mean == pytest.approx(shapley_exact(n, lambda m: c[m]), abs=1e-6) or n == 2


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=30))
def test_round_to_cents_sums_exactly(values):
    total = Decimal(repr(sum(values))).quantize(Decimal("0.01"))
    parts = round_to_cents(values, total)
    assert sum(parts) == total
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)
    assert all(
        abs(float(p) - v) < 0.01 + 1e-6 * max(1.0, abs(v)) + abs(float(total) - sum(values))
        for p, v in zip(parts, values, strict=True)
    )


def test_round_to_cents_largest_remainder_by_hand():
    # 100 / 3 = 33.333...: the first part (ties to lower index) gets the extra cent
    assert round_to_cents([100 / 3] * 3, 100) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_proportional():
    assert proportional([1, 3], 100) == [25, 75]
    assert proportional([0, 0], 10) == [5, 5]


def test_exact_limit():
    with pytest.raises(ValueError):
        shapley_exact(20, lambda m: 0.0, max_players=16)


def test_all_permutations_average_is_shapley():
    c = {0: 0, 1: 5, 2: 7, 4: 4, 3: 10, 5: 8, 6: 9, 7: 13}
    n = 3
    acc = [0.0] * n
    for perm in itertools.permutations(range(n)):
        m = 0
        for i in perm:
            acc[i] += c[m | 1 << i] - c[m]
            m |= 1 << i
    assert [a / math.factorial(n) for a in acc] == pytest.approx(shapley_exact(n, lambda m: c[m]))


@given(costs3)
def test_least_core_highs_matches_scipy_and_allocation_is_in_core(vals):
    from scipy.optimize import linprog

    from qiankua.pooling.game import least_core

    c = {0: 0.0, **{m: v for m, v in zip(range(1, 8), vals, strict=True)}}
    eps, x = least_core(c, 3)
    rows = [[1.0 if m >> i & 1 else 0.0 for i in range(3)] + [-1.0] for m in range(1, 7)]
    ref = linprog(
        [0, 0, 0, 1],
        A_ub=rows,
        b_ub=[c[m] for m in range(1, 7)],
        A_eq=[[1, 1, 1, 0]],
        b_eq=[c[7]],
        bounds=[(None, None)] * 4,
        method="highs",
    )
    assert eps == pytest.approx(ref.fun, abs=1e-6)
    assert sum(x) == pytest.approx(c[7], abs=1e-6)
    if eps <= 0:
        assert brute_force_in_core(x, lambda m: c[m], 3, tolerance=1e-6)


def test_least_core_prints_nothing_in_a_fresh_process():
    """HiGHS is silenced through its own options: not even its start-up banner reaches fd 1."""
    import subprocess
    import sys

    code = (
        "from qiankua.pooling.game import least_core\n"
        "eps, x = least_core({1: 3.0, 2: 4.0, 3: 6.0}, 2)\n"
        "assert (round(eps, 9), tuple(round(v, 9) for v in x)) == (-0.5, (2.5, 3.5)), (eps, x)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_least_core_leaves_file_descriptors_alone(monkeypatch):
    """An engine does not redirect the process's stdout around the solver."""
    import os

    calls = []
    monkeypatch.setattr(os, "dup", lambda *a: calls.append(("dup", a)) or 99)
    monkeypatch.setattr(os, "dup2", lambda *a, **k: calls.append(("dup2", a)))
    monkeypatch.setattr(os, "open", lambda *a, **k: calls.append(("open", a)) or 98)
    from qiankua.pooling.game import least_core

    eps, x = least_core({1: 3.0, 2: 4.0, 3: 6.0}, 2)
    assert eps == pytest.approx(-0.5) and x == pytest.approx((2.5, 3.5))
    assert calls == []
