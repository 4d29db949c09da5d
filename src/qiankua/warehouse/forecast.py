"""Demand forecasts per SKU x market with statsforecast: classify, choose, back-test, intervals.

Steps, for every series at once (batch first; :func:`forecast_series` is the one-series convenience):

1. **Classify** each series by Syntetos, Boylan & Croston (2005, *JORS* 56:495-503): ``ADI`` is the
   mean interval between non-zero demands (intervals as statsforecast's Croston computes them: the
   differences of ``index + 1`` of the non-zero periods, with 0 prepended), ``CV2`` the squared
   coefficient of variation (population) of the non-zero sizes; cut-offs ADI 1.32 and CV2 0.49 give
   smooth / erratic / intermittent / lumpy.
2. **Choose** a model (``method="auto"``): smooth and erratic series get exponential smoothing — the
   seasonal variant (statsforecast ``SeasonalExponentialSmoothingOptimized``, one smoothed level per
   calendar month) when the series has two full seasons and its calendar-month means differ (one-way
   ANOVA F-test at 5 %), else simple
   exponential smoothing with optimised alpha (ETS(A,N,N)); intermittent and lumpy series get the
   Syntetos-Boylan approximation ``CrostonSBA`` (the method SBC recommends for them). Any of
   ``ses, seasonal_es, ets, theta, croston, sba, tsb, adida, imapa`` may be forced instead
   (``ets`` is statsforecast ``AutoETS`` and ``theta`` ``Theta``: accurate but two orders of
   magnitude slower per series, so they are offered, not chosen automatically at scale).
3. **Back-test** by rolling origin: up to ``n_windows`` cut-offs ``backtest_h`` periods apart at the
   end of the history, each refitted on the data before it (at least one season of training data).
   Per series: MASE (mean absolute error over the scale: mean absolute seasonal difference of the
   training part, lag-1 when it holds fewer than 3 seasonal differences), relative bias
   ``sum(f - y) / sum(y)``, and the same MASE of the seasonal-naive baseline on the same windows.
4. **Intervals** are split-conformal: ``point -/+ q`` with ``q`` the ``ceil((n+1) level)``-th smallest
   absolute back-test error (all horizons pooled; the largest when there are too few errors),
   floored at zero. A series without back-test errors gets Poisson quantiles around its point
   forecast instead (stated in ``interval_rule``).
5. **Too short**: fewer than ``MIN_OBS`` periods or fewer than two non-zero periods -> no model; the
   stated fallback rule is the mean of the available periods (zero with no history), flat, with
   Poisson intervals, and ``fallback`` says why.

statsforecast is imported inside the functions: it is slow to import (numba) and only this module
needs it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from qiankua.vocabulary import FORECAST_METHODS

__all__ = [
    "ADI_CUTOFF",
    "CLASSES",
    "CV2_CUTOFF",
    "METHODS",
    "MIN_OBS",
    "Forecasts",
    "SeriesForecast",
    "classify",
    "forecast_series",
    "forecast_table",
    "sample_paths",
]

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49
CLASSES: tuple[str, ...] = ("smooth", "erratic", "intermittent", "lumpy")
METHODS: tuple[str, ...] = FORECAST_METHODS  # named in zh/en in the vocabulary
MIN_OBS = 6
# statsforecast's ETS refuses a series of n <= parameters + 4 ("tiny datasets", statsforecast/ets.py): the
# smallest model (A,N,N: alpha and the initial level) needs 7 periods, and at 7 its residual variance divides
# by zero (measured: 30 of 30 Poisson series), so 8
ETS_MIN_OBS = 8
TSB_ALPHA = 0.1  # TSB smoothing constants for demand size and probability (statsforecast needs them fixed)
_FINAL = 7  # window index of the final fit on the whole history (back-test windows are 0..6)
Array = npt.NDArray[np.float64]


def classify(values: Sequence[float] | Array) -> tuple[float, float, str]:
    """``(ADI, CV2, class)`` of one series (see the module docstring). No demand at all: ``(inf, nan, 'lumpy')``."""
    y = np.asarray(values, dtype=np.float64)
    idx = np.flatnonzero(y > 0)
    if idx.size == 0:
        return math.inf, math.nan, "lumpy"
    intervals = np.diff(np.concatenate(([0], idx + 1)))
    adi = float(intervals.mean())
    sizes = y[idx]
    cv2 = float(sizes.var() / sizes.mean() ** 2)
    return adi, cv2, _class(adi, cv2)


def _class(adi: float, cv2: float) -> str:
    if adi < ADI_CUTOFF:
        return "smooth" if not cv2 >= CV2_CUTOFF else "erratic"
    return "intermittent" if not cv2 >= CV2_CUTOFF else "lumpy"


def _seasonal(y: Array, m: int) -> bool:
    """Seasonality test: one-way ANOVA of the periods grouped by position in the season (calendar
    month), F-test at 5 % on ``(m - 1, n - m)`` degrees of freedom; needs two full seasons."""
    from scipy.stats import f as f_dist

    n = y.size
    if m < 2 or n < 2 * m:
        return False
    pos = np.arange(n) % m
    counts = np.bincount(pos, minlength=m).astype(np.float64)
    means = np.bincount(pos, weights=y, minlength=m) / counts
    within = float(((y - means[pos]) ** 2).sum())
    between = float((counts * (means - y.mean()) ** 2).sum())
    if within == 0:
        return between > 0
    stat = (between / (m - 1)) / (within / (n - m))
    return bool(f_dist.sf(stat, m - 1, n - m) < 0.05)


def _model(method: str, m: int, n: int) -> Any:
    from statsforecast import models as sm

    seasonal = m if n >= 2 * m else 1
    factories: dict[str, Any] = {
        "ses": lambda: sm.SimpleExponentialSmoothingOptimized(),
        "seasonal_es": lambda: sm.SeasonalExponentialSmoothingOptimized(season_length=m),
        "ets": lambda: sm.AutoETS(season_length=seasonal),
        "theta": lambda: sm.Theta(season_length=seasonal),
        "croston": lambda: sm.CrostonClassic(),
        "sba": lambda: sm.CrostonSBA(),
        "tsb": lambda: sm.TSB(alpha_d=TSB_ALPHA, alpha_p=TSB_ALPHA),
        "adida": lambda: sm.ADIDA(),
        "imapa": lambda: sm.IMAPA(),
        "naive": lambda: sm.Naive(),
        "seasonal_naive": lambda: sm.SeasonalNaive(season_length=m),
    }
    return factories[method]()


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesForecast:
    """One series' forecast, back-test and what it rests on."""

    series_id: str
    n_obs: int
    adi: float
    cv2: float
    demand_class: str
    method: str
    fallback: str | None
    interval_rule: str
    point: tuple[float, ...]
    lower: dict[int, tuple[float, ...]]
    upper: dict[int, tuple[float, ...]]
    backtest_windows: int
    mase: float | None
    naive_mase: float | None
    bias: float | None
    errors: tuple[float, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Forecasts:
    """Batch result: ``summary`` (one row per series) and ``points`` (one row per series x step)."""

    summary: pl.DataFrame
    points: pl.DataFrame
    errors: pl.DataFrame
    horizon: int
    levels: tuple[int, ...]

    def series(self, series_id: str) -> SeriesForecast:
        row = self.summary.filter(pl.col("series_id") == series_id)
        if row.height == 0:
            raise KeyError(f"No forecast for series {series_id!r}.")
        r = row.row(0, named=True)
        pts = self.points.filter(pl.col("series_id") == series_id).sort("step")
        errs = self.errors.filter(pl.col("series_id") == series_id)["error"].to_list()
        return SeriesForecast(
            series_id=series_id,
            n_obs=r["n_obs"],
            adi=r["adi"],
            cv2=r["cv2"],
            demand_class=r["demand_class"],
            method=r["method"],
            fallback=r["fallback"],
            interval_rule=r["interval_rule"],
            point=tuple(pts["mean"].to_list()),
            lower={lv: tuple(pts[f"lo_{lv}"].to_list()) for lv in self.levels},
            upper={lv: tuple(pts[f"hi_{lv}"].to_list()) for lv in self.levels},
            backtest_windows=r["backtest_windows"],
            mase=r["mase"],
            naive_mase=r["naive_mase"],
            bias=r["bias"],
            errors=tuple(errs),
        )


def _check_args(method: str, h: int, levels: Sequence[int], season_length: int, n_windows: int) -> None:
    if method not in METHODS:
        raise ValueError(f"Expected `method` to be one of {', '.join(METHODS)}, got {method!r}.")
    if not isinstance(h, int) or not 1 <= h <= 60:
        raise ValueError(f"Expected a horizon `h` of 1 to 60 periods, got {h!r}.")
    if any(not 50 <= lv < 100 for lv in levels):
        raise ValueError(f"Expected interval `levels` in [50, 100), got {list(levels)}.")
    if season_length < 1 or not 0 <= n_windows <= _FINAL:
        raise ValueError("Expected `season_length` >= 1 and `n_windows` in 0..7.")


def forecast_table(
    history: pl.DataFrame,
    *,
    h: int = 6,
    method: str = "auto",
    levels: Sequence[int] = (80, 95),
    season_length: int = 12,
    n_windows: int = 3,
    backtest_h: int = 3,
    n_jobs: int = 1,
) -> Forecasts:
    """Forecast every series of ``history`` (columns ``series_id`` (str), ``t`` (int, consecutive
    periods from 0 per series, no gaps) and ``y`` (float >= 0)) ``h`` periods ahead.

    ``n_jobs`` is passed to statsforecast (processes). See the module docstring for the rules.
    """
    _check_args(method, h, levels, season_length, n_windows)
    levels = tuple(int(lv) for lv in levels)
    m = season_length
    hist = history.select(pl.col("series_id").cast(pl.String), pl.col("t").cast(pl.Int64), pl.col("y").cast(pl.Float64))
    if hist["y"].is_null().any() or (hist["y"] < 0).any() or hist["y"].is_nan().any():
        raise ValueError("Expected non-negative demand `y` in every period (no nulls, no NaN).")
    hist = hist.sort("series_id", "t")
    ids = hist["series_id"].unique(maintain_order=True).to_list()
    uid_of = {s: i for i, s in enumerate(ids)}
    hist = hist.with_columns(pl.col("series_id").replace_strict(uid_of, return_dtype=pl.Int64).alias("uid"))
    check = hist.group_by("uid").agg(pl.len().alias("n"), pl.col("t").min().alias("t0"), pl.col("t").max().alias("t1"))
    bad = check.filter((pl.col("t0") != 0) | (pl.col("t1") != pl.col("n") - 1)).sort("uid")
    if bad.height:
        raise ValueError(
            f"Expected consecutive periods 0..n-1 per series; series {ids[int(bad['uid'][0])]!r} has gaps or duplicates."
        )
    y_by = hist.group_by("uid", maintain_order=True).agg(pl.col("y"))
    series_y = {int(u): np.asarray(v, dtype=np.float64) for u, v in zip(y_by["uid"], y_by["y"], strict=True)}

    meta: list[dict[str, Any]] = []
    bh = max(1, min(backtest_h, h))
    for uid in range(len(ids)):
        y = series_y[uid]
        n = y.size
        adi, cv2, klass = classify(y)
        nonzero = int((y > 0).sum())
        fallback = None
        if n < MIN_OBS:
            fallback = f"fewer than {MIN_OBS} periods of history ({n})"
        elif nonzero < 2:
            fallback = f"fewer than 2 periods with demand ({nonzero})"
        elif method == "ets" and n < ETS_MIN_OBS:
            fallback = f"AutoETS needs at least {ETS_MIN_OBS} periods of history ({n})"
        chosen = method
        if fallback is None and method == "auto":
            chosen = ("seasonal_es" if _seasonal(y, m) else "ses") if klass in ("smooth", "erratic") else "sba"
        if fallback is None and chosen == "seasonal_es" and n < 2 * m:
            chosen = "ses"
        windows = 0 if fallback else max(0, min(n_windows, (n - m) // bh))
        meta.append(
            {
                "uid": uid,
                "n_obs": n,
                "adi": adi,
                "cv2": cv2,
                "demand_class": klass,
                "method": "fallback_mean" if fallback else chosen,
                "fallback": fallback,
                "windows": windows,
            }
        )
    meta_df = pl.DataFrame(meta, schema_overrides={"fallback": pl.String, "cv2": pl.Float64, "adi": pl.Float64})

    # stacked fits: window w of series u is "u * 8 + w", trained on t < n - (windows - w) * bh
    frames = []
    for w in range(n_windows):
        sel = meta_df.filter(pl.col("windows") > w).select(
            "uid", "method", (pl.col("n_obs") - (pl.col("windows") - w) * bh).alias("cut")
        )
        frames.append(sel.with_columns(pl.lit(w, pl.Int64).alias("w")))
    frames.append(
        meta_df.filter(pl.col("fallback").is_null()).select(
            "uid", "method", pl.col("n_obs").alias("cut"), pl.lit(_FINAL, pl.Int64).alias("w")
        )
    )
    plan = pl.concat(frames)
    stacked = (
        hist.join(plan, on="uid")
        .filter(pl.col("t") < pl.col("cut"))
        .select(
            (pl.col("uid") * 8 + pl.col("w")).alias("unique_id"), pl.col("t").alias("ds"), "y", "method", "w", "cut"
        )
    )
    preds = _fit(stacked, m, h, bh, n_jobs)

    # back-test errors and MASE
    bt = preds.filter(pl.col("w") < _FINAL)
    if bt.height:
        bt = bt.join(
            hist.select(pl.col("uid"), pl.col("t"), pl.col("y").alias("actual")),
            left_on=["uid", "ds"],
            right_on=["uid", "t"],
        )
        scales = _scales(series_y, plan.filter(pl.col("w") < _FINAL), m)
        bt = bt.join(scales, on=["uid", "w"], how="left")
        per_window = bt.group_by("uid", "w").agg(
            ((pl.col("fcst") - pl.col("actual")).abs().mean() / pl.col("scale").first()).alias("mase_w"),
            ((pl.col("naive") - pl.col("actual")).abs().mean() / pl.col("scale").first()).alias("naive_w"),
        )
        per_series = per_window.group_by("uid").agg(
            pl.col("mase_w").mean().alias("mase"), pl.col("naive_w").mean().alias("naive_mase")
        )
        bias = bt.group_by("uid").agg(
            pl.when(pl.col("actual").sum() > 0)
            .then((pl.col("fcst") - pl.col("actual")).sum() / pl.col("actual").sum())
            .otherwise(None)
            .alias("bias")
        )
        errors = bt.select(pl.col("uid"), (pl.col("actual") - pl.col("fcst")).alias("error"))
    else:
        per_series = pl.DataFrame(schema={"uid": pl.Int64, "mase": pl.Float64, "naive_mase": pl.Float64})
        bias = pl.DataFrame(schema={"uid": pl.Int64, "bias": pl.Float64})
        errors = pl.DataFrame(schema={"uid": pl.Int64, "error": pl.Float64})

    # final point forecasts; fallback series get the mean rule
    final = preds.filter(pl.col("w") == _FINAL).select("uid", (pl.col("ds") - pl.col("cut")).alias("step"), "fcst")
    fb = meta_df.filter(pl.col("fallback").is_not_null())
    if fb.height:
        fb_mean = (
            hist.filter(pl.col("uid").is_in(fb["uid"].implode())).group_by("uid").agg(pl.col("y").mean().alias("m"))
        )
        fb_pts = (
            fb.select("uid")
            .join(fb_mean, on="uid", how="left")
            .join(pl.DataFrame({"step": list(range(h))}), how="cross")
            .select("uid", pl.col("step").cast(pl.Int64), pl.col("m").fill_null(0.0).alias("fcst"))
        )
        final = pl.concat([final, fb_pts])
    final = final.with_columns(pl.col("fcst").clip(lower_bound=0.0))
    points = _intervals(final, errors, levels)
    summary = (
        meta_df.join(per_series, on="uid", how="left")
        .join(bias, on="uid", how="left")
        .join(errors.group_by("uid").agg(pl.len().alias("n_err")), on="uid", how="left")
        .with_columns(
            pl.col("uid").replace_strict(dict(enumerate(ids)), return_dtype=pl.String).alias("series_id"),
            pl.when(pl.col("n_err").fill_null(0) > 0)
            .then(pl.lit("split-conformal from rolling-origin back-test errors"))
            .otherwise(pl.lit("Poisson quantiles around the point forecast (no back-test errors)"))
            .alias("interval_rule"),
            pl.col("windows").alias("backtest_windows"),
        )
        .with_columns(
            pl.col("mase").fill_nan(None), pl.col("naive_mase").fill_nan(None), pl.col("bias").fill_nan(None)
        )
        .sort("uid")
        .select(
            "series_id", "n_obs", "adi", "cv2", "demand_class", "method", "fallback", "interval_rule",
            "backtest_windows", "mase", "naive_mase", "bias",
        )
    )  # fmt: skip
    name_of = pl.col("uid").replace_strict(dict(enumerate(ids)), return_dtype=pl.String).alias("series_id")
    points = (
        points.with_columns(name_of).sort("uid", "step").drop("uid").select("series_id", pl.all().exclude("series_id"))
    )
    errors = errors.with_columns(name_of).select("series_id", "error")
    return Forecasts(summary=summary, points=points, errors=errors, horizon=h, levels=levels)


def _fit(stacked: pl.DataFrame, m: int, h: int, bh: int, n_jobs: int) -> pl.DataFrame:
    """Point forecasts of each method on its series, plus the seasonal-naive baseline on back-test windows."""
    from statsforecast import StatsForecast

    out = []
    horizon = max(h, bh)
    for method in stacked["method"].unique().sort().to_list():
        part = stacked.filter(pl.col("method") == method)
        keep = part.group_by("unique_id").agg(pl.col("w").first(), pl.col("cut").first())
        n_min = int(part.group_by("unique_id").len()["len"].to_numpy().min())
        sf = StatsForecast(models=[_model(method, m, n_min)], freq=1, n_jobs=n_jobs)
        pred = sf.forecast(df=part.select("unique_id", "ds", "y"), h=horizon)
        col = next(c for c in pred.columns if c not in ("unique_id", "ds"))
        pred = pred.select("unique_id", pl.col("ds").cast(pl.Int64), pl.col(col).cast(pl.Float64).alias("fcst"))
        out.append(pred.join(keep, on="unique_id"))
    if not out:
        return pl.DataFrame(
            schema={
                "unique_id": pl.Int64,
                "ds": pl.Int64,
                "fcst": pl.Float64,
                "w": pl.Int64,
                "cut": pl.Int64,
                "uid": pl.Int64,
                "naive": pl.Float64,
            }
        )
    preds = pl.concat(out).with_columns((pl.col("unique_id") // 8).alias("uid"))
    # horizon per window: back-test windows keep bh steps, the final fit h
    preds = preds.filter(
        pl.col("ds") - pl.col("cut") < pl.when(pl.col("w") == _FINAL).then(pl.lit(h)).otherwise(pl.lit(bh))
    )
    bt = stacked.filter(pl.col("w") < _FINAL).select("unique_id", "ds", "y")
    if bt.height:
        sf = StatsForecast(models=[_model("seasonal_naive", m, m)], freq=1, n_jobs=n_jobs)
        naive = sf.forecast(df=bt, h=bh)
        naive = naive.select("unique_id", pl.col("ds").cast(pl.Int64), pl.col("SeasonalNaive").alias("naive"))
        preds = preds.join(naive, on=["unique_id", "ds"], how="left")
    else:
        preds = preds.with_columns(pl.lit(None, pl.Float64).alias("naive"))
    return preds


def _scales(series_y: dict[int, Array], plan: pl.DataFrame, m: int) -> pl.DataFrame:
    """MASE scale of each (series, window): mean |seasonal difference| of its training part
    (lag-1 when fewer than 3 seasonal differences); zero scale gives null (MASE undefined)."""
    uids = plan["uid"].to_numpy()
    cuts = plan["cut"].to_numpy()
    scale = np.empty(len(uids))
    for i, (u, c) in enumerate(zip(uids, cuts, strict=True)):
        y = series_y[int(u)][: int(c)]
        lag = m if y.size - m >= 3 else 1
        d = np.abs(y[lag:] - y[:-lag])
        scale[i] = d.mean() if d.size else np.nan
    scale[scale == 0] = np.nan
    return pl.DataFrame({"uid": uids, "w": plan["w"].to_numpy(), "scale": scale}).with_columns(
        pl.col("scale").fill_nan(None)
    )


def _intervals(final: pl.DataFrame, errors: pl.DataFrame, levels: tuple[int, ...]) -> pl.DataFrame:
    from scipy.stats import poisson

    abs_err = errors.group_by("uid").agg(pl.col("error").abs().sort().alias("ae"))
    q_by: dict[int, list[float]] = {}
    for uid, ae in zip(abs_err["uid"].to_list(), abs_err["ae"].to_list(), strict=True):
        n = len(ae)
        q_by[int(uid)] = [float(ae[min(n - 1, math.ceil((n + 1) * lv / 100) - 1)]) for lv in levels]
    uid_arr = final["uid"].to_numpy()
    mean = final["fcst"].to_numpy()
    cols: dict[str, Any] = {"uid": uid_arr, "step": final["step"].to_numpy(), "mean": mean}
    for j, lv in enumerate(levels):
        q = np.array([q_by[int(u)][j] if int(u) in q_by else np.nan for u in uid_arr])
        a = (1 - lv / 100) / 2
        p_lo = poisson.ppf(a, mean)
        p_hi = poisson.ppf(1 - a, mean)
        has = ~np.isnan(q)
        cols[f"lo_{lv}"] = np.where(has, np.maximum(mean - np.nan_to_num(q), 0.0), p_lo)
        cols[f"hi_{lv}"] = np.where(has, mean + np.nan_to_num(q), p_hi)
    return pl.DataFrame(cols).with_columns(pl.col("step").cast(pl.Int64))


def forecast_series(
    values: Sequence[float],
    *,
    h: int = 6,
    method: str = "auto",
    levels: Sequence[int] = (80, 95),
    season_length: int = 12,
    n_windows: int = 3,
    backtest_h: int = 3,
) -> SeriesForecast:
    """Forecast one series (periods in order, no gaps). See :func:`forecast_table`."""
    y = [float(v) for v in values]
    if any(math.isnan(v) or v < 0 for v in y):
        raise ValueError("Expected non-negative numbers in `series`.")
    frame = pl.DataFrame(
        {"series_id": ["series"] * len(y), "t": list(range(len(y))), "y": y},
        schema={"series_id": pl.String, "t": pl.Int64, "y": pl.Float64},
    )
    if not y:
        _check_args(method, h, levels, season_length, n_windows)
        return _empty(h, levels)
    result = forecast_table(
        frame,
        h=h,
        method=method,
        levels=levels,
        season_length=season_length,
        n_windows=n_windows,
        backtest_h=backtest_h,
    )
    return result.series("series")


def _empty(h: int, levels: Sequence[int]) -> SeriesForecast:
    return SeriesForecast(
        series_id="series",
        n_obs=0,
        adi=math.inf,
        cv2=math.nan,
        demand_class="lumpy",
        method="fallback_mean",
        fallback=f"fewer than {MIN_OBS} periods of history (0)",
        interval_rule="Poisson quantiles around the point forecast (no back-test errors)",
        point=(0.0,) * h,
        lower={int(lv): (0.0,) * h for lv in levels},
        upper={int(lv): (0.0,) * h for lv in levels},
        backtest_windows=0,
        mase=None,
        naive_mase=None,
        bias=None,
        errors=(),
    )


def sample_paths(forecast: SeriesForecast, *, n_paths: int = 500, seed: int = 0) -> Array:
    """Demand sample paths (``n_paths`` x horizon) around a forecast: the point forecast plus
    back-test errors drawn with replacement (residual bootstrap) after removing their mean (the
    forecast's bias is reported, not replayed: the paths are centred on the point forecast), floored
    at zero; a series without back-test errors draws Poisson demand with the point forecast as mean."""
    rng = np.random.default_rng(seed)
    point = np.asarray(forecast.point, dtype=np.float64)
    if forecast.errors:
        errs = np.asarray(forecast.errors, dtype=np.float64)
        errs = errs - errs.mean()
        draws = rng.choice(errs, size=(n_paths, point.size), replace=True)
        return np.maximum(point[None, :] + draws, 0.0)
    return rng.poisson(point, size=(n_paths, point.size)).astype(np.float64)
