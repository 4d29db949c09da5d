"""Regional evaluation kernels: normalisation, panel entropy weights, TOPSIS, coupling coordination, obstacles.

Pure numpy on a units x indicators matrix (one row per unit-year). Missing cells are ``NaN`` and stay
missing: a weight is computed from the cells present, and a unit's index uses the weights of the
indicators it has, renormalised, with its coverage reported beside it (:class:`SubsystemScores`).

Conventions (stated in the methods section of the report and in ``qiankua region --help``):

* min-max per indicator over the whole panel (all units, all years), so indices are comparable across
  years ("global" entropy method); benefit ``(x - min)/(max - min)``, cost ``(max - x)/(max - min)``;
  then shifted ``z' = (1 - delta) z + delta`` (default ``delta = 1e-4``) so that no share is zero and
  ``ln p`` exists for every cell. The shift is affine and the same for every cell of an indicator, so
  rescaling or shifting an indicator's unit changes nothing.
* entropy weight per subsystem: ``p_ij = z_ij / sum_i z_ij``, ``e_j = -1/ln(n_j) sum_i p_ij ln p_ij``
  (``n_j`` the cells present), ``w_j = (1 - e_j) / sum_j (1 - e_j)``; equal weights if no indicator varies.
* subsystem index ``U = sum_j w_j z_j``; alternative: entropy-TOPSIS closeness on the same weights.
* coupling degree, traditional form ``C = n [prod U_i / (sum U_i)^n]^(1/n)`` (for two subsystems
  ``2 sqrt(U1 U2)/(U1 + U2)``), and the corrected form of Wang Shujia, Kong Wei and Ren Lang (2021,
  自然资源学报 36(3): 793-810) ``C = sqrt{[1 - sum_{i>j} |U_i - U_j| / sum_{m=1}^{n-1} m] *
  [prod_i (U_i / max U)]^(1/(n-1))}`` (two subsystems: ``sqrt[(1 - |U1 - U2|) min/max]``), the default;
  comprehensive index ``T = sum a_i U_i``; coordination degree ``D = sqrt(C T)``.
* obstacle degree of indicator j for a unit: ``O_j = F_j I_j / sum_j F_j I_j`` with factor contribution
  ``F_j`` = indicator weight x subsystem weight and deviation ``I_j = 1 - z_j`` (sums to one per unit).

Written by hand: the formulas are a few lines each and no maintained library implements the corrected
coupling degree or the panel conventions above. ``tests/region`` cross-checks entropy and TOPSIS against
:mod:`qiankua.opportunity.mcda` on complete data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qiankua.exceptions import InvalidInputError

F = NDArray[np.float64]
DEFAULT_SHIFT = 1e-4


def _matrix(x: ArrayLike) -> F:
    m = np.asarray(x, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] < 1 or m.shape[1] < 1:
        raise InvalidInputError(f"Expected a 2-D matrix (units x indicators), got shape {m.shape}.")
    if np.any(np.isinf(m)):
        raise InvalidInputError("The matrix has infinite values; a missing cell is NaN.")
    return m


def normalise(x: ArrayLike, directions: ArrayLike, shift: float = DEFAULT_SHIFT) -> F:
    """Min-max per column (cost columns reversed), shifted into ``[shift, 1]``; NaN stays NaN.

    A column with a single distinct value (or none) carries no information: every present cell is 1
    (the best), so it neither separates units nor shows as an obstacle.
    """
    m = _matrix(x)
    d = np.asarray(directions, dtype=np.float64)
    if d.shape != (m.shape[1],) or not np.all(np.isin(d, (-1.0, 1.0))):
        raise InvalidInputError(f"Expected {m.shape[1]} directions, each +1 (benefit) or -1 (cost).")
    if not 0 <= shift < 1:
        raise InvalidInputError(f"The shift must be in [0, 1), got {shift}.")
    with np.errstate(all="ignore"):
        lo = np.nanmin(np.where(np.isnan(m), np.inf, m), axis=0)
        hi = np.nanmax(np.where(np.isnan(m), -np.inf, m), axis=0)
        span = hi - lo
        varies = np.isfinite(span) & (span > 0)
        safe = np.where(varies, span, 1.0)
        z = np.where(d > 0, (m - lo) / safe, (hi - m) / safe)
        z = np.where(varies, z, 1.0)
    z = (1.0 - shift) * z + shift
    out: F = np.where(np.isnan(m), np.nan, z)
    return out


def entropy_weights(z: ArrayLike) -> F:
    """Entropy weights of a non-negative matrix with NaN for missing cells (0 ln 0 := 0).

    A column with fewer than two present cells, all zero, or constant weighs 0; equal weights if none
    informs. On a complete matrix this equals :func:`qiankua.opportunity.mcda.entropy_weights`.
    """
    m = _matrix(z)
    if np.any(m[~np.isnan(m)] < 0):
        raise InvalidInputError("Entropy weights need non-negative values; normalise first.")
    present = ~np.isnan(m)
    n = present.sum(axis=0)
    vals = np.where(present, m, 0.0)
    totals = vals.sum(axis=0)
    safe = np.where(totals > 0, totals, 1.0)
    p = vals / safe
    plogp = np.zeros_like(p)
    np.log(p, out=plogp, where=p > 0)
    plogp *= p
    ln_n = np.log(np.where(n > 1, n, 2))
    e = np.where((totals > 0) & (n > 1), -plogp.sum(axis=0) / ln_n, 1.0)
    dvg = np.clip(1.0 - e, 0.0, None)
    k = m.shape[1]
    if dvg.sum() <= 1e-15:
        return np.full(k, 1.0 / k)
    out: F = dvg / dvg.sum()
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class SubsystemScores:
    """Per unit: the weighted index, the TOPSIS closeness and the share of the weight actually observed."""

    index: F
    topsis: F
    coverage: F


def subsystem_scores(z: ArrayLike, weights: ArrayLike) -> SubsystemScores:
    """Index ``U = sum w_j z_j`` over the indicators a unit has (weights renormalised) and TOPSIS closeness.

    ``coverage`` is the share of the subsystem's weight the unit's present cells carry (1 = complete);
    a unit with no cell has index and closeness NaN.
    """
    m = _matrix(z)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (m.shape[1],) or np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise InvalidInputError(f"Expected {m.shape[1]} non-negative weights with a positive sum.")
    w = w / w.sum()
    present = ~np.isnan(m)
    wp = np.where(present, w, 0.0)
    cover = wp.sum(axis=1)
    has = cover > 0
    safe_cover = np.where(has, cover, 1.0)
    vals = np.where(present, m, 0.0)
    index = np.where(has, (vals * wp).sum(axis=1) / safe_cover, np.nan)
    # TOPSIS on the normalised matrix: ideal = column max, anti-ideal = column min of the present cells
    with np.errstate(all="ignore"):
        best = np.nanmax(np.where(present, m, -np.inf), axis=0)
        worst = np.nanmin(np.where(present, m, np.inf), axis=0)
    best = np.where(np.isfinite(best), best, 0.0)
    worst = np.where(np.isfinite(worst), worst, 0.0)
    wn = wp / safe_cover[:, None]  # the weighted normalised matrix is w_j z_ij (Hwang and Yoon's TOPSIS)
    d_plus = np.sqrt(((wn * (vals - best)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((wn * (vals - worst)) ** 2).sum(axis=1))
    total = d_plus + d_minus
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    return SubsystemScores(index=index, topsis=np.where(has, closeness, np.nan), coverage=cover)


def _scores(u: ArrayLike) -> F:
    arr = np.atleast_2d(np.asarray(u, dtype=np.float64))
    if arr.shape[1] < 2:
        raise InvalidInputError("Coupling needs at least two subsystem scores per unit.")
    ok = ~np.isnan(arr)
    if np.any((arr[ok] < 0) | (arr[ok] > 1)):
        raise InvalidInputError("Subsystem scores must be in [0, 1].")
    return arr


def coupling_traditional(u: ArrayLike) -> F:
    """``C = n [prod U_i / (sum U_i)^n]^(1/n)``, rows = units, columns = subsystems; 0 when all are 0."""
    arr = _scores(u)
    n = arr.shape[1]
    s = arr.sum(axis=1)
    safe = np.where(s > 0, s, 1.0)
    c = n * np.power(np.prod(arr / safe[:, None], axis=1), 1.0 / n)
    out: F = np.where(s > 0, c, np.where(np.isnan(s), np.nan, 0.0))
    return out


def coupling_corrected(u: ArrayLike) -> F:
    """Wang, Kong and Ren (2021): ``sqrt{[1 - sum_{i>j}|U_i-U_j| / sum_{m<n} m] [prod U_i/max U]^(1/(n-1))}``."""
    arr = _scores(u)
    n = arr.shape[1]
    i, j = np.triu_indices(n, k=1)
    spread = np.abs(arr[:, i] - arr[:, j]).sum(axis=1) / (n * (n - 1) / 2)
    top = arr.max(axis=1)
    safe = np.where(top > 0, top, 1.0)
    ratio = np.power(np.prod(arr / safe[:, None], axis=1), 1.0 / (n - 1))
    c = np.sqrt(np.clip(1.0 - spread, 0.0, None) * ratio)
    out: F = np.where(top > 0, c, np.where(np.isnan(top), np.nan, 0.0))
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Coordination:
    c: F
    c_traditional: F
    t: F
    d: F
    d_traditional: F


def coordination(u: ArrayLike, weights: ArrayLike | None = None) -> Coordination:
    """C (corrected, the default) and C (traditional), ``T = sum a_i U_i`` and ``D = sqrt(C T)`` in both forms."""
    arr = _scores(u)
    n = arr.shape[1]
    a = np.full(n, 1.0 / n) if weights is None else np.asarray(weights, dtype=np.float64)
    if a.shape != (n,) or np.any(a < 0) or not np.isclose(a.sum(), 1.0):
        raise InvalidInputError(f"Expected {n} subsystem weights (a, b, …) that are >= 0 and sum to 1.")
    t = arr @ a
    c = coupling_corrected(arr)
    ct = coupling_traditional(arr)
    return Coordination(c=c, c_traditional=ct, t=t, d=np.sqrt(c * t), d_traditional=np.sqrt(ct * t))


def obstacle_degrees(z: ArrayLike, contribution: ArrayLike) -> F:
    """``O_ij = F_j (1 - z_ij) / sum_j F_j (1 - z_ij)`` per unit (rows sum to 1; NaN cells give 0).

    A unit at the best value of every indicator has no obstacle: its row is all 0.
    """
    m = _matrix(z)
    f = np.asarray(contribution, dtype=np.float64)
    if f.shape != (m.shape[1],) or np.any(f < 0):
        raise InvalidInputError(f"Expected {m.shape[1]} non-negative factor contributions.")
    out: F = np.subtract(1.0, m)  # deviation from the best value, in place from here on
    np.clip(out, 0.0, None, out=out)
    out[np.isnan(out)] = 0.0
    out *= f
    total = out.sum(axis=1, keepdims=True)
    np.divide(out, total, out=out, where=total > 0)
    return out


__all__ = [
    "DEFAULT_SHIFT",
    "Coordination",
    "SubsystemScores",
    "coordination",
    "coupling_corrected",
    "coupling_traditional",
    "entropy_weights",
    "normalise",
    "obstacle_degrees",
    "subsystem_scores",
]
