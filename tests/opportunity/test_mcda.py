"""Entropy weights, TOPSIS, stability, coupling and RCA against hand-computed cases and pymcdm."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qiankua.exceptions import InvalidInputError
from qiankua.opportunity import mcda

# classic 5 alternatives x 4 criteria example (price is a cost criterion)
X = np.array([[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]], float)
TYPES = np.array([-1, 1, 1, 1])


def test_entropy_by_hand_two_alternatives():
    # column 1: p = (1/4, 3/4): e = -(0.25 ln 0.25 + 0.75 ln 0.75) / ln 2; column 2 constant: e = 1
    x = np.array([[1.0, 5.0], [3.0, 5.0]])
    e1 = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(2)
    w = mcda.entropy_weights(x)
    assert w[0] == pytest.approx(1.0) and w[1] == pytest.approx(0.0)
    x3 = np.array([[1.0, 1.0], [3.0, 2.0]])
    e2 = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(2)
    w3 = mcda.entropy_weights(x3)
    assert w3[0] == pytest.approx((1 - e1) / ((1 - e1) + (1 - e2)))


def test_entropy_matches_pymcdm_without_zeros():
    from pymcdm.weights import entropy_weights

    np.testing.assert_allclose(mcda.entropy_weights(X), entropy_weights(X), rtol=1e-12)


def test_entropy_zero_safe_where_pymcdm_is_not():
    # a column that is all zero carries no information: weight 0 (pymcdm gives it the largest weight)
    x = np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 1.0], [0.0, 3.0, 0.5]])
    w = mcda.entropy_weights(x)
    assert w[0] == 0.0
    assert np.isclose(w.sum(), 1.0) and np.all(np.isfinite(w))
    # a single zero is 0 ln 0 = 0: p = (0, 2/3, 1/3)
    p = np.array([0, 1 / 1.5, 0.5 / 1.5])
    e = -sum(v * math.log(v) for v in p if v > 0) / math.log(3)
    p2 = np.array([1, 2, 3]) / 6
    e2 = -sum(v * math.log(v) for v in p2) / math.log(3)
    assert w[2] == pytest.approx((1 - e) / ((1 - e) + (1 - e2)))


def test_entropy_all_uninformative_gives_equal_weights():
    np.testing.assert_allclose(mcda.entropy_weights(np.ones((4, 3))), [1 / 3] * 3)
    np.testing.assert_allclose(mcda.entropy_weights(np.zeros((4, 2))), [0.5, 0.5])


def test_topsis_matches_pymcdm():
    from pymcdm.methods import TOPSIS

    w = mcda.entropy_weights(X)
    np.testing.assert_allclose(mcda.topsis(X, w, TYPES), TOPSIS()(X, w, TYPES), rtol=1e-12)
    w2 = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(mcda.topsis(X, w2, TYPES), TOPSIS()(X, w2, TYPES), rtol=1e-12)


def test_topsis_by_hand():
    # two criteria, equal weights, min-max normalised: A=(1,1) ideal, B=(0,0) anti-ideal, C=(1,0)
    x = np.array([[10.0, 5.0], [0.0, 1.0], [10.0, 1.0]])
    c = mcda.topsis(x, [0.5, 0.5])
    assert c[0] == pytest.approx(1.0) and c[1] == pytest.approx(0.0) and c[2] == pytest.approx(0.5)


def test_topsis_constant_column_is_neutral():
    x = np.array([[10.0, 7.0], [0.0, 7.0], [5.0, 7.0]])
    np.testing.assert_allclose(mcda.topsis(x, [0.5, 0.5]), [1.0, 0.0, 0.5])
    np.testing.assert_allclose(mcda.topsis(np.ones((3, 2)), [0.5, 0.5]), [0.5, 0.5, 0.5])


@pytest.mark.parametrize("bad", [np.array([[np.nan, 1.0]]), np.array([1.0, 2.0])])
def test_invalid_matrix(bad):
    with pytest.raises(InvalidInputError):
        mcda.topsis(bad, [1.0] * (bad.shape[-1]))


def test_invalid_weights_and_types():
    with pytest.raises(InvalidInputError):
        mcda.topsis(X, [0, 0, 0, 0], TYPES)
    with pytest.raises(InvalidInputError):
        mcda.topsis(X, [1, 1, 1, 1], [1, 0, 1, 1])
    with pytest.raises(InvalidInputError):
        mcda.entropy_weights(-X)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(2, 8), st.integers(1, 5)),
        elements=st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
    )
)
def test_invariants(x):
    w = mcda.entropy_weights(x)
    assert np.all(w >= 0) and w.sum() == pytest.approx(1.0)
    c = mcda.topsis(x, np.ones(x.shape[1]))
    assert np.all((c >= -1e-12) & (c <= 1 + 1e-12))
    # duplicating an alternative does not change the others' closeness (min-max ideal unchanged)
    c2 = mcda.topsis(np.vstack([x, x[:1]]), np.ones(x.shape[1]))
    np.testing.assert_allclose(c2[:-1], c, atol=1e-9)


def test_stability_seeded_and_bounded():
    n = mcda.minmax_normalise(X, TYPES)
    w = mcda.entropy_weights(X)
    s1 = mcda.topk_stability(n, w, 2, samples=300, seed=7)
    s2 = mcda.topk_stability(n, w, 2, samples=300, seed=7)
    np.testing.assert_array_equal(s1, s2)
    assert s1.sum() == pytest.approx(2.0)  # k places per draw
    assert np.all((s1 >= 0) & (s1 <= 1))
    best = int(np.argmax(mcda.topsis(X, w, TYPES)))
    assert s1[best] == s1.max()
    # a dominated alternative (B is worse than C on every criterion) never beats C
    elig = np.array([True, True, True, False, True])
    s3 = mcda.topk_stability(n, w, 2, samples=200, seed=1, eligible=elig)
    assert s3[3] == 0.0


def test_dirichlet_keeps_zero_weights_zero():
    d = mcda.dirichlet_weights([0.5, 0.0, 0.5], 50, seed=3)
    assert np.all(d[:, 1] == 0) and np.allclose(d.sum(axis=1), 1.0)


def test_coupling_by_hand():
    c, d = mcda.coupling_coordination([0.4, 0.0, 0.5], [0.9, 0.0, 0.5])
    assert c[0] == pytest.approx(2 * math.sqrt(0.36) / 1.3)
    assert d[0] == pytest.approx(math.sqrt(c[0] * 0.65))
    assert c[1] == 0.0 and d[1] == 0.0
    assert c[2] == pytest.approx(1.0) and d[2] == pytest.approx(math.sqrt(0.5))
    with pytest.raises(InvalidInputError):
        mcda.coupling_coordination([1.2], [0.5])


def test_rca_by_hand():
    # exporter ships 30 of k out of 100; world ships 60 of k out of 1000: RCA = 0.3 / 0.06 = 5
    assert mcda.rca(30, 100, 60, 1000) == pytest.approx(5.0)
    assert mcda.rca(1, 100, 0, 1000) == 0.0
