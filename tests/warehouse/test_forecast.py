"""Forecasts: classification cut-offs, Croston/SBA/TSB worked by hand, back-test and fallback rules."""

import math

import numpy as np
import polars as pl
import pytest

from qiankua.warehouse.forecast import classify, forecast_series, forecast_table, sample_paths

# 0,0,3,0,5,0,0,2: sizes 3,5,2; intervals (statsforecast: diff of index+1 with 0 prepended) 3,2,3
HAND = [0, 0, 3, 0, 5, 0, 0, 2]


def test_classification_cutoffs():
    """Syntetos, Boylan & Croston (2005): ADI 1.32 and CV2 0.49 split smooth/erratic/intermittent/lumpy."""
    assert classify(HAND)[2] == "intermittent"  # ADI 8/3 = 2.67, CV2 = var(3,5,2)/mean^2 = 1.556/11.11 = 0.14
    adi, cv2, _ = classify(HAND)
    assert adi == pytest.approx(8 / 3) and cv2 == pytest.approx((14 / 9) / (10 / 3) ** 2)
    assert classify([10, 11, 9, 10, 12, 10])[2] == "smooth"
    assert classify([1, 20, 2, 30, 1, 25])[2] == "erratic"  # every period has demand, sizes vary a lot
    assert classify([0, 0, 1, 0, 0, 40, 0, 0, 2])[2] == "lumpy"


def test_croston_classic_by_hand():
    """Croston (1972), alpha = 0.1, SES started at the first value (statsforecast's convention):
    sizes 3 -> 3.2 -> 3.08; intervals 3 -> 2.9 -> 2.91; forecast 3.08 / 2.91 = 1.05842 per period."""
    r = forecast_series(HAND, h=2, method="croston")
    assert r.point == pytest.approx((3.08 / 2.91,) * 2, rel=1e-9)


def test_sba_is_croston_times_one_minus_alpha_half():
    """Syntetos & Boylan (2005): SBA = (1 - alpha/2) x Croston = 0.95 x 1.05842 = 1.00550."""
    r = forecast_series(HAND, h=1, method="sba")
    assert r.point[0] == pytest.approx(0.95 * 3.08 / 2.91, rel=1e-9)


def test_tsb_by_hand():
    """Teunter, Syntetos & Babai (2011), alpha_d = alpha_p = 0.1: occurrence 0,0,1,0,1,0,0,1 smooths to
    0 -> 0 -> 0.1 -> 0.09 -> 0.181 -> 0.1629 -> 0.14661 -> 0.231949; size 3.08; forecast 0.714403."""
    r = forecast_series(HAND, h=1, method="tsb")
    assert r.point[0] == pytest.approx(3.08 * 0.231949, rel=1e-6)


def test_auto_picks_sba_for_intermittent_and_backtests_against_seasonal_naive():
    y = HAND * 3
    r = forecast_series(y, h=3)
    assert r.demand_class == "intermittent" and r.method == "sba"
    assert r.backtest_windows == 3 and len(r.errors) == 9
    assert r.mase is not None and r.naive_mase is not None
    assert r.interval_rule.startswith("split-conformal")
    for lv in (80, 95):
        assert all(lo <= p <= hi for lo, p, hi in zip(r.lower[lv], r.point, r.upper[lv], strict=True))
    assert all(a <= b for a, b in zip(r.upper[80], r.upper[95], strict=True))


def test_auto_finds_seasonality_and_beats_seasonal_naive():
    """A monthly series with a strong yearly cycle gets seasonal exponential smoothing; on its back-test
    it does better than seasonal naive (which copies last year's noise)."""
    rng = np.random.default_rng(1)
    t = np.arange(36)
    y = np.round(50 * (1 + 0.4 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 5, 36))
    r = forecast_series(y, h=3)
    assert r.method == "seasonal_es"
    assert r.mase < r.naive_mase


def test_short_series_falls_back_to_the_stated_rule():
    """Fewer than 6 periods: no model; the forecast is the mean of what there is, with Poisson intervals."""
    r = forecast_series([0, 4, 2], h=2)
    assert r.method == "fallback_mean" and "fewer than 6" in (r.fallback or "")
    assert r.point == (2.0, 2.0) and r.mase is None
    assert r.interval_rule.startswith("Poisson")
    none = forecast_series([0, 0, 0, 0, 0, 0, 0, 0], h=1)
    assert none.fallback and none.point == (0.0,)


def test_batch_equals_single_and_rejects_gaps():
    frame = pl.DataFrame(
        {"series_id": ["a"] * 24 + ["b"] * 8, "t": list(range(24)) + list(range(8)), "y": [float(v) for v in HAND * 4]}
    )
    batch = forecast_table(frame, h=2)
    assert batch.series("a").point == forecast_series(HAND * 3, h=2).point
    assert batch.series("b").point == forecast_series(HAND, h=2).point
    gap = frame.filter(pl.col("t") != 5)
    with pytest.raises(ValueError, match="'a' has gaps"):
        forecast_table(gap, h=2)
    with pytest.raises(ValueError, match="non-negative"):
        forecast_table(frame.with_columns(pl.lit(-1.0).alias("y")), h=2)


def test_sample_paths_are_non_negative_and_centred():
    r = forecast_series(HAND * 3, h=3)
    paths = sample_paths(r, n_paths=2000, seed=3)
    assert paths.shape == (2000, 3) and (paths >= 0).all()
    assert math.isfinite(paths.mean())


@pytest.mark.parametrize(("kwargs", "match"), [({"method": "prophet"}, "method"), ({"h": 0}, "horizon")])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        forecast_series(HAND, **kwargs)


def test_ets_on_a_short_series_falls_back_with_its_reason():
    """statsforecast's ETS refuses n <= parameters + 4 ("tiny datasets") and its variance divides by zero at 7:
    six or seven periods take the stated mean rule, eight fit the model."""
    for n in (6, 7):
        r = forecast_series([5.0, 3.0, 6.0, 4.0, 7.0, 5.0, 6.0][:n], method="ets", h=3)
        assert r.method == "fallback_mean" and "AutoETS needs at least 8" in (r.fallback or "")
    assert forecast_series([5.0, 3.0, 6.0, 4.0, 7.0, 5.0, 6.0, 4.0], method="ets", h=3).fallback is None
