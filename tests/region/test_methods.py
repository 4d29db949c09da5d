"""Region kernels: hand-worked C, T, D in both forms, bands, entropy/TOPSIS against the opportunity kernels,
obstacle degrees, and the invariants the issue asks for (hypothesis)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiankua.exceptions import InvalidInputError
from qiankua.opportunity import mcda
from qiankua.region import Band, Indicator, Options, band_of, evaluate
from qiankua.region import methods as m

# Tian Shenzhen et al. (2021), 地理学报 76(4): 781, table 1: ten bands, open below and closed above
BANDS = [Band(band=i + 1, d_low=i / 10, d_high=(i + 1) / 10, name_zh="", name_en="") for i in range(10)]


def test_coupling_hand_worked_two_subsystems() -> None:
    # U1 = 0.32, U2 = 0.29, a = b = 0.5, worked by hand:
    # traditional C = 2 sqrt(0.32 * 0.29) / 0.61 = 2 * 0.3046309 / 0.61 = 0.9987899
    # corrected C (Wang et al. 2021) = sqrt((1 - 0.03) * 0.29 / 0.32) = sqrt(0.97 * 0.90625) = 0.9375833
    # T = 0.305; D = sqrt(0.9375833 * 0.305) = 0.5347550
    r = m.coordination([[0.32, 0.29]], [0.5, 0.5])
    assert r.c_traditional[0] == pytest.approx(0.9987899, abs=1e-7)
    assert r.c[0] == pytest.approx(0.9375833, abs=1e-7)
    assert r.t[0] == pytest.approx(0.305)
    assert r.d[0] == pytest.approx(0.5347550, abs=1e-7)
    assert int(band_of(r.d, BANDS)[0]) == 6  # 0.50 < D <= 0.60: 勉强协调


def test_coupling_three_subsystems_general_forms() -> None:
    # n = 3, U = (0.2, 0.4, 0.8): traditional C = 3 [prod U / (sum U)^3]^(1/3) = 3 (0.064 / 2.744)^(1/3)
    u = np.array([[0.2, 0.4, 0.8]])
    assert m.coupling_traditional(u)[0] == pytest.approx(3 * (0.064 / 1.4**3) ** (1 / 3))
    # corrected: spread = (|0.2-0.4| + |0.2-0.8| + |0.4-0.8|) / (1 + 2) = 1.2 / 3 = 0.4
    # ratio = (0.25 * 0.5 * 1)^(1/2) = 0.3535534; C = sqrt(0.6 * 0.3535534) = 0.4605779
    assert m.coupling_corrected(u)[0] == pytest.approx(0.4605779, abs=1e-7)


def test_band_boundaries() -> None:
    d = np.array([0.0, 0.1, 0.1000001, 0.5, 0.5000001, 0.9, 1.0, np.nan])
    assert band_of(d, BANDS).tolist() == [1, 1, 2, 5, 6, 9, 10, -1]


def test_traditional_c_crowds_near_one_as_wang_et_al_describe() -> None:
    # Wang et al. (2021) show the traditional C is squeezed towards 1 over most of the plausible range
    # (their table 8: 0.61-0.9999 against 0.25-0.99 corrected for the same cities); on a uniform grid of
    # U in [0.05, 1]^2 the traditional C is above 0.8 for most pairs, the corrected one for far fewer.
    g = np.linspace(0.05, 1.0, 96)
    u = np.array([(a, b) for a in g for b in g])
    trad, corr = m.coupling_traditional(u), m.coupling_corrected(u)
    assert np.mean(trad > 0.8) > 0.75
    assert np.mean(corr > 0.8) < 0.35
    assert np.all(corr <= trad + 1e-12)  # never more optimistic than the traditional form here
    assert np.std(corr) > 1.5 * np.std(trad)  # it discriminates


def test_entropy_and_topsis_match_the_opportunity_kernels_on_complete_data() -> None:
    rng = np.random.default_rng(7)
    x = rng.lognormal(size=(40, 5))
    z = m.normalise(x, [1, 1, -1, 1, 1], shift=0.0)
    assert np.allclose(z, mcda.minmax_normalise(x, [1, 1, -1, 1, 1]))
    np.testing.assert_allclose(m.entropy_weights(z), mcda.entropy_weights(z), rtol=1e-12)
    w = m.entropy_weights(z)
    np.testing.assert_allclose(m.subsystem_scores(z, w).topsis, mcda.topsis_normalised(z, w), rtol=1e-9)


def test_entropy_worked_example() -> None:
    # 3 areas x 2 indicators, z already normalised. Column 1 = (1, 1, 1): no information, e = 1, weight 0.
    # Column 2 = (1, 2, 3): p = (1/6, 2/6, 3/6); e = -(sum p ln p) / ln 3 = 1.0114043 / 1.0986123 = 0.9206198
    z = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    assert m.entropy_weights(z).tolist() == pytest.approx([0.0, 1.0])
    p = np.array([1, 2, 3]) / 6
    assert -(p * np.log(p)).sum() / np.log(3) == pytest.approx(0.9206198, abs=1e-7)


def test_missing_cells_stay_missing_and_coverage_says_so() -> None:
    z = np.array([[0.5, np.nan], [1.0, 0.2], [np.nan, np.nan]])
    s = m.subsystem_scores(z, [0.5, 0.5])
    assert s.index[0] == pytest.approx(0.5)  # only the present indicator, its weight renormalised
    assert s.coverage.tolist() == pytest.approx([0.5, 1.0, 0.0])
    assert np.isnan(s.index[2]) and np.isnan(s.topsis[2])


def test_obstacle_degrees_sum_to_one() -> None:
    rng = np.random.default_rng(1)
    z = m.normalise(rng.random((20, 6)), [1] * 6)
    o = m.obstacle_degrees(z, rng.random(6))
    assert np.allclose(o.sum(axis=1), 1.0)
    assert np.all(o >= 0)


def test_bad_inputs_are_named() -> None:
    with pytest.raises(InvalidInputError, match=r"\[0, 1\]"):
        m.coordination([[1.2, 0.3]])
    with pytest.raises(InvalidInputError, match="sum to 1"):
        m.coordination([[0.2, 0.3]], [0.7, 0.7])
    with pytest.raises(InvalidInputError, match="directions"):
        m.normalise([[1.0, 2.0]], [1, 0])


scores = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(u1=scores, u2=scores, a=st.floats(min_value=0.0, max_value=1.0))
def test_d_in_unit_interval_and_symmetric_under_swap(u1: float, u2: float, a: float) -> None:
    r = m.coordination([[u1, u2]], [a, 1 - a])
    s = m.coordination([[u2, u1]], [1 - a, a])
    for v in (r.c, r.c_traditional, r.t, r.d, r.d_traditional):
        assert 0.0 <= float(v[0]) <= 1.0 + 1e-12
    assert r.d[0] == pytest.approx(s.d[0]) and r.c[0] == pytest.approx(s.c[0])


def _panel(seed: int, scale: float = 1.0, offset: float = 0.0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for area in range(12):
        for year in (2020, 2021, 2022):
            for ind in ("d1", "d2", "c1", "c2"):
                v = float(rng.lognormal())
                rows.append((str(area), year, ind, v * scale + offset if ind == "d1" else v))
    return pl.DataFrame(rows, schema=["area", "year", "indicator", "value"], orient="row")


INDICATORS = [
    Indicator(indicator="d1", subsystem="digital", direction=1),
    Indicator(indicator="d2", subsystem="digital", direction=1),
    Indicator(indicator="c1", subsystem="cbec", direction=1),
    Indicator(indicator="c2", subsystem="cbec", direction=-1),
]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(1e-3, 1e4), offset=st.floats(0, 1e3))
def test_changing_an_indicators_unit_changes_nothing(seed: int, scale: float, offset: float) -> None:
    base = evaluate(_panel(seed), INDICATORS, BANDS).scores
    moved = evaluate(_panel(seed, scale, offset), INDICATORS, BANDS).scores
    np.testing.assert_allclose(base["d"].to_numpy(), moved["d"].to_numpy(), rtol=1e-7, atol=1e-9)
    assert base["rank_d"].to_list() == moved["rank_d"].to_list()


def test_evaluation_gap_decomposes_t_exactly() -> None:
    ev = evaluate(_panel(3), INDICATORS, BANDS, Options(focus="5", west=frozenset({"1", "2", "3"})))
    latest = ev.scores.filter(pl.col("year") == 2022)
    t = dict(zip(latest["area"], latest["t"], strict=True))
    for ref, part in ev.gap.group_by("reference_area"):
        assert float(part["contribution"].sum()) == pytest.approx(t[str(ref[0])] - t["5"], abs=1e-12)
    assert set(ev.gap["reference"]) == {"median", "best_west"}
    sums = ev.obstacles.select(pl.sum_horizontal(pl.exclude("area", "year")))
    assert np.allclose(sums.to_series().to_numpy(), 1.0)


def test_imputation_only_when_asked_and_flagged() -> None:
    panel = _panel(4).filter(~((pl.col("area") == "0") & (pl.col("year") == 2021) & (pl.col("indicator") == "d1")))
    plain = evaluate(panel, INDICATORS, BANDS)
    row = plain.scores.filter((pl.col("area") == "0") & (pl.col("year") == 2021))
    assert row["coverage_digital"][0] < 1 and row["imputed_cells"][0] == 0
    filled = evaluate(panel, INDICATORS, BANDS, Options(impute="linear"))
    row = filled.scores.filter((pl.col("area") == "0") & (pl.col("year") == 2021))
    assert row["coverage_digital"][0] == pytest.approx(1.0) and row["imputed_cells"][0] == 1
    assert filled.imputed.to_dicts() == [{"area": "0", "year": 2021, "indicator": "d1"}]
