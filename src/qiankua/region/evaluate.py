"""Regional evaluation of a long panel: subsystem indices, coupling coordination, bands, obstacles, dynamics, gaps.

Input: a long table ``area, year, indicator, value`` (Polars), the indicator system (indicator -> subsystem,
direction) and the options. Output: :class:`Evaluation`, a set of Polars tables. Pure: no file or database.
The formulas live in :mod:`qiankua.region.methods`; this module arranges the panel around them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.region import methods
from qiankua.vocabulary import REGION_IMPUTATION

IMPUTE_METHODS = REGION_IMPUTATION


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    indicator: str
    subsystem: str
    direction: int  # +1 benefit, -1 cost


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    band: int
    d_low: float
    d_high: float
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    subsystems: tuple[str, ...] = ("digital", "cbec")
    subsystem_weights: tuple[float, ...] | None = None  # a, b, … (default equal)
    weights: dict[str, float] = field(default_factory=dict)  # user indicator weights (per subsystem renormalised)
    method: str = "entropy"  # entropy | topsis (the subsystem score used for C, T, D)
    shift: float = methods.DEFAULT_SHIFT
    impute: str = "none"
    focus: str | None = None  # the unit whose gap is decomposed (e.g. 520000 Guizhou)
    west: frozenset[str] = frozenset()  # units that count as western for the gap's benchmark


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    weights: pl.DataFrame  # subsystem, indicator, weight, subsystem_weight, contribution
    scores: pl.DataFrame  # area, year, u_<s>, topsis_<s>, coverage_<s>, c, c_traditional, t, d, d_traditional, band…
    obstacles: pl.DataFrame  # area, year, one column per indicator: its obstacle degree (rows sum to 1)
    dynamics: pl.DataFrame  # area, first_year, last_year, d_first, d_last, d_change
    gap: pl.DataFrame  # reference, reference_area, indicator, contribution (sums to T_ref - T_focus)
    imputed: pl.DataFrame  # area, year, indicator (cells filled because the user asked, by the stated method)
    coverage: pl.DataFrame  # indicator, cells, present, share


def band_of(d: np.ndarray, bands: Sequence[Band]) -> np.ndarray:
    """Band number per D: ``d_low < D <= d_high`` (Tian et al. 2021 table 1); D = 0 falls in the lowest band."""
    ordered = sorted(bands, key=lambda b: b.d_low)
    if not ordered:
        raise InvalidInputError("No coordination bands are defined.")
    highs = np.array([b.d_high for b in ordered])
    idx = np.searchsorted(highs, d, side="left")
    idx = np.clip(idx, 0, len(ordered) - 1)
    nums = np.array([b.band for b in ordered])
    return np.where(np.isnan(d), -1, nums[idx])


def _impute(wide: pl.DataFrame, columns: list[str], method: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fill missing cells within each unit over the years, as the user asked; return the filled cells."""
    if method == "none":
        return wide, pl.DataFrame(schema={"area": pl.Utf8, "year": pl.Int64, "indicator": pl.Utf8})
    if method not in IMPUTE_METHODS:
        raise InvalidInputError(f"Unknown imputation {method!r}; expected one of {', '.join(IMPUTE_METHODS)}.")
    was_null = wide.select("area", "year", *[pl.col(c).is_null().alias(c) for c in columns])
    ordered = wide.sort("area", "year")
    if method == "linear":  # interior gaps only: a value is never invented beyond the observed years
        filled = ordered.with_columns([pl.col(c).interpolate().over("area") for c in columns])
    else:  # nearest observed year, forward then backward
        filled = ordered.with_columns(
            [pl.col(c).forward_fill().over("area").fill_null(pl.col(c).backward_fill().over("area")) for c in columns]
        )
    now_null = filled.select("area", "year", *[pl.col(c).is_null().alias(c) for c in columns])
    changed = (
        was_null.sort("area", "year")
        .unpivot(index=["area", "year"], on=columns, variable_name="indicator", value_name="was")
        .join(
            now_null.unpivot(index=["area", "year"], on=columns, variable_name="indicator", value_name="now"),
            on=["area", "year", "indicator"],
        )
        .filter(pl.col("was") & ~pl.col("now"))
        .select("area", "year", "indicator")
    )
    return filled, changed


def _wide(panel: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The long panel as one row per area-year and one column per indicator (NaN/null where missing).

    Scatters the values into a dense array by hashed codes (no sort of the long table); a cell given
    twice is an error naming it.
    """
    area = panel["area"].cast(pl.Utf8)
    names = area.unique().sort()
    a = area.cast(pl.Enum(names.to_list())).to_physical().cast(pl.Int64).to_numpy()
    y = panel["year"].cast(pl.Int64).to_numpy()
    i = panel["indicator"].cast(pl.Enum(columns)).to_physical().cast(pl.Int64).to_numpy()
    v = panel["value"].cast(pl.Float64).to_numpy()
    y0, ny = int(y.min()), int(y.max() - y.min() + 1)
    k = len(columns)
    row = a * ny + (y - y0)
    counts = np.bincount(row * k + i, minlength=len(names) * ny * k)
    if counts.max(initial=0) > 1:
        first = int(np.flatnonzero(counts > 1)[0])
        at, ind = divmod(first, k)
        ar, yr = divmod(at, ny)
        raise InvalidInputError(f"Two values for {names[ar]} {yr + y0} {columns[ind]}: one value per cell.")
    grid = np.full((k, len(names) * ny), np.nan)  # indicator-major: each column of the result is contiguous
    grid[i, row] = v
    rows = np.flatnonzero(np.bincount(row, minlength=len(names) * ny) > 0)
    dense = grid[:, rows]
    return pl.DataFrame(
        {
            "area": names.gather(rows // ny),
            "year": (rows % ny + y0).astype(np.int64),
            **{c: dense[j] for j, c in enumerate(columns)},
        },
        nan_to_null=True,
    )


def evaluate(
    panel: pl.DataFrame, indicators: Sequence[Indicator], bands: Sequence[Band], options: Options | None = None
) -> Evaluation:
    """Evaluate every unit-year of ``panel`` (columns ``area, year, indicator, value``; one row per cell)."""
    opt = options or Options()
    by_name = {i.indicator: i for i in indicators}
    present = set(panel["indicator"].unique().to_list())
    unknown = sorted(present - set(by_name))
    if unknown:
        raise InvalidInputError(f"Unknown indicators in the panel: {', '.join(unknown)}.")
    subsystems = list(opt.subsystems)
    if len(subsystems) < 2:
        raise InvalidInputError("A coupling evaluation needs at least two subsystems.")
    a = opt.subsystem_weights or tuple(1.0 / len(subsystems) for _ in subsystems)
    if len(a) != len(subsystems) or any(x < 0 for x in a) or not np.isclose(sum(a), 1.0):
        raise InvalidInputError(f"Expected {len(subsystems)} subsystem weights that are >= 0 and sum to 1, got {a}.")
    if opt.method not in ("entropy", "topsis"):
        raise InvalidInputError(f"Unknown method {opt.method!r}; expected entropy or topsis.")
    unknown_w = sorted(set(opt.weights) - set(by_name))
    if unknown_w:
        raise InvalidInputError(f"Weights for unknown indicators: {', '.join(unknown_w)}.")
    columns = [i.indicator for i in indicators if i.indicator in present]
    for s in subsystems:
        if not any(by_name[c].subsystem == s for c in columns):
            raise InvalidInputError(f"The panel has no indicator of the subsystem {s!r}.")
    wide = _wide(panel, columns)
    coverage = pl.DataFrame(
        {
            "indicator": columns,
            "cells": [wide.height] * len(columns),
            "present": [wide.height - wide[c].null_count() for c in columns],
        }
    ).with_columns((pl.col("present") / pl.col("cells")).alias("share"))
    wide, imputed = _impute(wide, columns, opt.impute)
    units = wide["area"].to_numpy()
    years = wide["year"].to_numpy()

    weight_rows: list[dict[str, object]] = []
    z_all: dict[str, np.ndarray] = {}
    contribution: dict[str, float] = {}
    out: dict[str, np.ndarray] = {}
    u_cols: list[np.ndarray] = []
    for s, a_s in zip(subsystems, a, strict=True):
        cols = [c for c in columns if by_name[c].subsystem == s]
        x = wide.select(cols).to_numpy().astype(np.float64)
        z = methods.normalise(x, [by_name[c].direction for c in cols], opt.shift)
        if opt.weights and any(c in opt.weights for c in cols):
            w = np.array([opt.weights.get(c, 0.0) for c in cols], dtype=np.float64)
            if w.sum() <= 0:
                raise InvalidInputError(f"The weights of subsystem {s!r} sum to zero.")
            w = w / w.sum()
        else:
            w = methods.entropy_weights(z)
        scores = methods.subsystem_scores(z, w)
        out[f"u_{s}"] = scores.index
        out[f"topsis_{s}"] = scores.topsis
        out[f"coverage_{s}"] = scores.coverage
        u_cols.append(scores.index if opt.method == "entropy" else scores.topsis)
        for c, wj, zc in zip(cols, w, z.T, strict=True):
            z_all[c] = zc
            contribution[c] = float(a_s * wj)
            weight_rows.append(
                {
                    "subsystem": s,
                    "indicator": c,
                    "weight": float(wj),
                    "subsystem_weight": float(a_s),
                    "contribution": float(a_s * wj),
                }
            )

    u = np.column_stack(u_cols)
    complete = ~np.isnan(u).any(axis=1)
    coord = methods.coordination(np.where(complete[:, None], u, 0.0), list(a))

    def masked(v: np.ndarray) -> np.ndarray:
        return np.where(complete, v, np.nan)

    d = masked(coord.d)
    scores_df = pl.DataFrame(
        {
            "area": units,
            "year": years,
            **out,
            "c": masked(coord.c),
            "c_traditional": masked(coord.c_traditional),
            "t": masked(coord.t),
            "d": d,
            "d_traditional": masked(coord.d_traditional),
            "band": band_of(d, bands),
        },
        nan_to_null=True,
    )
    scores_df = scores_df.with_columns(
        pl.col("d").rank("min", descending=True).over("year").alias("rank_d"),
        *[pl.col(f"u_{s}").rank("min", descending=True).over("year").alias(f"rank_{s}") for s in subsystems],
    )
    if imputed.height:
        counts = imputed.group_by("area", "year").len("imputed_cells")
        scores_df = scores_df.join(counts, on=["area", "year"], how="left").with_columns(
            pl.col("imputed_cells").fill_null(0)
        )
    else:
        scores_df = scores_df.with_columns(pl.lit(0).alias("imputed_cells"))

    ind_order = list(z_all)
    zmat = np.column_stack([z_all[c] for c in ind_order])
    obst = methods.obstacle_degrees(zmat, [contribution[c] for c in ind_order])
    obstacles = pl.DataFrame({"area": units, "year": years, **{c: obst[:, j] for j, c in enumerate(ind_order)}})
    dynamics = (
        scores_df.filter(pl.col("d").is_not_null())
        .sort("year")
        .group_by("area", maintain_order=True)
        .agg(
            pl.col("year").first().alias("first_year"),
            pl.col("year").last().alias("last_year"),
            pl.col("d").first().alias("d_first"),
            pl.col("d").last().alias("d_last"),
        )
        .with_columns((pl.col("d_last") - pl.col("d_first")).alias("d_change"))
        .sort("area")
    )
    gap = _gap(scores_df, units, years, zmat, ind_order, contribution, opt)
    return Evaluation(
        weights=pl.DataFrame(weight_rows),
        scores=scores_df.sort("year", "area"),
        obstacles=obstacles,
        dynamics=dynamics,
        gap=gap,
        imputed=imputed,
        coverage=coverage,
    )


def _gap(
    scores: pl.DataFrame,
    units: np.ndarray,
    years: np.ndarray,
    zmat: np.ndarray,
    ind_order: list[str],
    contribution: dict[str, float],
    opt: Options,
) -> pl.DataFrame:
    """The focus unit's gap in T to the median unit (by D) and to the best western unit, per indicator.

    ``contribution_j = F_j (z_ref,j - z_focus,j)`` with ``F_j`` the indicator's share of T; on complete
    rows the contributions sum to ``T_ref - T_focus`` exactly.
    """
    empty = pl.DataFrame(
        schema={
            "reference": pl.Utf8,
            "reference_area": pl.Utf8,
            "year": pl.Int64,
            "indicator": pl.Utf8,
            "contribution": pl.Float64,
        }
    )
    if opt.focus is None:
        return empty
    focus_rows = scores.filter((pl.col("area") == opt.focus) & pl.col("d").is_not_null())
    if not focus_rows.height:
        return empty
    year = int(focus_rows["year"].max())  # type: ignore[arg-type]
    that_year = scores.filter((pl.col("year") == year) & pl.col("d").is_not_null()).sort("d")
    refs: list[tuple[str, str]] = []
    if that_year.height:
        refs.append(("median", str(that_year["area"][(that_year.height - 1) // 2])))
    west = that_year.filter(pl.col("area").is_in(list(opt.west)) & (pl.col("area") != opt.focus))
    if west.height:
        refs.append(("best_west", str(west["area"][-1])))
    row_of = {(str(u), int(y)): i for i, (u, y) in enumerate(zip(units, years, strict=True))}
    f = np.array([contribution[c] for c in ind_order])
    zf = np.nan_to_num(zmat[row_of[(opt.focus, year)]])
    rows: list[dict[str, object]] = []
    for ref, ref_unit in refs:
        zr = np.nan_to_num(zmat[row_of[(ref_unit, year)]])
        for c, v in zip(ind_order, f * (zr - zf), strict=True):
            rows.append({"reference": ref, "reference_area": ref_unit, "year": year, "indicator": c, "contribution": v})
    return pl.DataFrame(rows, schema=empty.schema) if rows else empty


__all__ = ["IMPUTE_METHODS", "Band", "Evaluation", "Indicator", "Options", "band_of", "evaluate"]
