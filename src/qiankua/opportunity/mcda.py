"""Multi-criteria kernels: entropy weights, TOPSIS, Dirichlet rank stability, coupling degree.

Own small implementations (DESIGN.md: exact and zero-safe), cross-checked against pymcdm in
tests. Conventions follow ../shared/research/methods.md section 4:

* entropy weight: ``p_ij = x_ij / sum_i x_ij``, ``e_j = -1/ln(n) * sum_i p_ij ln p_ij`` with
  ``0 ln 0 := 0``, ``w_j = (1 - e_j) / sum_j (1 - e_j)``. A column that is all zero (or
  constant) carries no information: ``e_j = 1``, weight 0. pymcdm instead gives any column
  that *contains* a zero entropy 0, i.e. the largest weight — the bug this module avoids.
* TOPSIS with min-max normalisation (pymcdm's default): benefit ``(x - min)/(max - min)``,
  cost ``(max - x)/(max - min)``; a constant column normalises to 0 and so adds nothing to
  either distance; closeness ``D- / (D+ + D-)``, 0.5 when every alternative is identical.

Pure numpy: no file, database or UI imports.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qiankua.exceptions import InvalidInputError

F = NDArray[np.float64]


def _matrix(x: ArrayLike) -> F:
    m = np.asarray(x, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] < 1 or m.shape[1] < 1:
        raise InvalidInputError(f"Expected a 2-D decision matrix (alternatives x criteria), got shape {m.shape}.")
    if not np.all(np.isfinite(m)):
        raise InvalidInputError("Decision matrix has NaN or infinite values; fill or drop them first.")
    return m


def _types(types: ArrayLike | None, n: int) -> NDArray[np.int64]:
    if types is None:
        return np.ones(n, dtype=np.int64)
    t = np.asarray(types, dtype=np.int64)
    if t.shape != (n,) or not np.all(np.isin(t, (-1, 1))):
        raise InvalidInputError(f"Expected {n} criterion types, each +1 (benefit) or -1 (cost); got {t.tolist()}.")
    return t


def minmax_normalise(x: ArrayLike, types: ArrayLike | None = None) -> F:
    """Min-max to [0, 1], cost criteria reversed; a constant column becomes all 0."""
    m = _matrix(x)
    t = _types(types, m.shape[1])
    lo, hi = m.min(axis=0), m.max(axis=0)
    span = hi - lo
    out = np.zeros_like(m)  # same memory order as the input: column by column below
    for j in np.flatnonzero(span > 0):
        col = out[:, j]
        if t[j] > 0:
            np.subtract(m[:, j], lo[j], out=col)
        else:
            np.subtract(hi[j], m[:, j], out=col)
        col /= span[j]
    return out


def entropy_weights(x: ArrayLike) -> F:
    """Entropy weights of a non-negative matrix (sum-normalised per column, 0 ln 0 = 0).

    All-zero and constant columns get weight 0; if no column carries information the weights
    are equal. With a single alternative every column is uninformative (equal weights).
    """
    m = _matrix(x)
    if np.any(m < 0):
        raise InvalidInputError("Entropy weights need non-negative values; min-max normalise the matrix first.")
    n, k = m.shape
    if n == 1:
        return np.full(k, 1.0 / k)
    totals = m.sum(axis=0)
    safe = np.where(totals > 0, totals, 1.0)
    p = m / safe
    plogp = np.zeros_like(p)
    np.log(p, out=plogp, where=p > 0)  # 0 ln 0 := 0
    plogp *= p
    e = -plogp.sum(axis=0) / np.log(n)
    e = np.where(totals > 0, e, 1.0)
    d = np.clip(1.0 - e, 0.0, None)
    if d.sum() <= 1e-15:
        return np.full(k, 1.0 / k)
    out: F = d / d.sum()
    return out


def entropy_weights_from_sums(n: int, totals: ArrayLike, xlogx: ArrayLike) -> F:
    """Entropy weights from per-column sums, for matrices too large to hold (e.g. on a database).

    ``totals[j] = sum_i x_ij`` and ``xlogx[j] = sum_i x_ij ln x_ij`` (``0 ln 0 := 0``) over ``n``
    non-negative rows. Since ``p = x / T``: ``sum_i p ln p = xlogx / T - ln T``. Same conventions as
    :func:`entropy_weights` (all-zero or constant columns weigh 0; equal weights if none informs).
    """
    t = np.asarray(totals, dtype=np.float64)
    s = np.asarray(xlogx, dtype=np.float64)
    k = t.size
    if n <= 1:
        return np.full(k, 1.0 / k)
    safe = np.where(t > 0, t, 1.0)
    e = np.where(t > 0, -(s / safe - np.log(safe)) / np.log(n), 1.0)
    d = np.clip(1.0 - e, 0.0, None)
    if d.sum() <= 1e-15:
        return np.full(k, 1.0 / k)
    out: F = d / d.sum()
    return out


def rank_normalise(x: ArrayLike) -> F:
    """Percent rank ``(r - 1) / (n - 1)`` with ``r`` the minimum rank among ties (SQL ``PERCENT_RANK``).

    Invariant under every strictly increasing transform of ``x`` (rescaling, shifting, a change of unit or
    a log): used for heavy-tailed money criteria instead of a log, which is not shift-invariant. One value
    (or all tied): zeros.
    """
    v = np.asarray(x, dtype=np.float64)
    n = v.size
    if n <= 1:
        return np.zeros(n)
    order = np.argsort(v, kind="stable")
    s = v[order]
    first = np.empty(n, dtype=np.int64)  # position of the first of each tie run, for every sorted position
    new = np.ones(n, dtype=bool)
    new[1:] = s[1:] != s[:-1]
    starts = np.flatnonzero(new)
    first = starts[np.cumsum(new) - 1]
    out = np.empty(n)
    out[order] = first / (n - 1)
    return out


def critic_weights(normalised: ArrayLike) -> F:
    """CRITIC weights (Diakoulaki et al. 1995): ``c_j = sd_j * sum_k (1 - r_jk)`` on the normalised matrix.

    ``sd_j`` the (population) standard deviation of column j, ``r_jk`` Pearson correlation (0 against a
    constant column). A constant column weighs 0; equal weights if no column varies. Invariant under a
    positive affine change of any criterion, like the min-max matrix it reads.
    """
    m = _matrix(normalised)
    return critic_from_moments(m.shape[0], m.sum(axis=0), m.T @ m)


def critic_from_moments(n: int, totals: ArrayLike, cross: ArrayLike) -> F:
    """CRITIC weights from column sums ``totals[j] = sum_i x_ij`` and cross sums ``cross[a, b] = sum_i x_ia
    x_ib`` over ``n`` rows (for a matrix kept on a database); same conventions as :func:`critic_weights`."""
    t = np.asarray(totals, dtype=np.float64)
    q = np.asarray(cross, dtype=np.float64)
    k = t.size
    if n < 2:
        return np.full(k, 1.0 / k)
    mean = t / n
    cov = q / n - np.outer(mean, mean)
    var = np.clip(np.diag(cov), 0.0, None)
    sd = np.sqrt(var)
    live = sd > 1e-12
    if not live.any():
        return np.full(k, 1.0 / k)
    r = np.zeros((k, k))
    idx = np.flatnonzero(live)
    r[np.ix_(idx, idx)] = np.clip(cov[np.ix_(idx, idx)] / np.outer(sd[idx], sd[idx]), -1.0, 1.0)
    c = np.where(live, sd * (1.0 - r).sum(axis=1), 0.0)
    c = np.clip(c, 0.0, None)
    if c.sum() <= 1e-15:
        return np.where(live, 1.0 / live.sum(), 0.0)
    out: F = c / c.sum()
    return out


def cap_weights(w: ArrayLike, cap: float) -> F:
    """Weights summing to 1 with none above ``cap``: the excess of each capped weight is handed to the
    others in proportion to their weights (to all others equally when they are all 0), until none is over.

    ``cap`` below ``1 / k`` cannot hold for ``k`` criteria: it is raised to ``1 / k`` (equal weights).
    Only positive weights can be raised: a criterion the data or the user set to 0 (or below 1e-12 of the
    total) stays 0, so with too few
    positive weights the cap is raised to ``1 / (number of positive weights)``.
    """
    arr = np.asarray(w, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0 or np.any(arr < 0) or arr.sum() <= 0:
        raise InvalidInputError(f"Expected non-negative weights with a positive sum, got {arr.tolist()}.")
    if not 0 < cap <= 1:
        raise InvalidInputError(f"Expected a weight cap in (0, 1], got {cap!r}.")
    out = arr / arr.sum()
    out[out < 1e-12] = 0.0  # a vanishing weight (below 1e-12 of the total) is a zero weight
    pos = out > 0
    limit = max(cap, 1.0 / int(pos.sum()))
    for _ in range(out.size + 1):
        over = out > limit + 1e-15
        if not over.any():
            break
        excess = float((out[over] - limit).sum())
        out[over] = limit
        free = pos & (out < limit - 1e-15)
        base = out[free]
        out[free] += excess * (base / base.sum() if base.sum() > 0 else 1.0 / free.sum())
    result: F = out / out.sum()
    return result


def _check_weights(w: ArrayLike, k: int) -> F:
    arr = np.asarray(w, dtype=np.float64)
    if arr.shape != (k,) or np.any(arr < 0) or not np.all(np.isfinite(arr)) or arr.sum() <= 0:
        raise InvalidInputError(f"Expected {k} non-negative weights with a positive sum, got {arr.tolist()}.")
    out: F = arr / arr.sum()
    return out


def topsis_normalised(n: F, w: ArrayLike, hi: F | None = None, lo: F | None = None) -> F:
    """TOPSIS closeness on an already normalised benefit-oriented matrix (rows = alternatives).

    ``w`` may be one weight vector (k,) or a stack (s, k): the result is then (s, n). With
    non-negative weights the ideal of column j is ``w_j max_i n_ij`` (anti-ideal ``w_j min_i n_ij``),
    so ``D+^2 = sum_j w_j^2 (n_ij - max_j)^2`` — one matrix product for every weight vector at once.
    """
    weights = np.asarray(w, dtype=np.float64)
    if weights.ndim == 1:
        one: F = topsis_normalised(n, weights[None, :], hi, lo)[0]
        return one
    if np.any(weights < 0):
        raise InvalidInputError("TOPSIS weights must be non-negative.")
    hi = n.max(axis=0) if hi is None else hi  # column ideal / anti-ideal of the whole matrix
    lo = n.min(axis=0) if lo is None else lo
    w2 = weights**2  # (s, k)
    s_, k = w2.shape
    dp = np.zeros((s_, n.shape[0]))
    dm = np.zeros((s_, n.shape[0]))
    for j in range(k):  # k is small (a dozen criteria): k rank-1 updates, no BLAS threads
        if not np.any(w2[:, j]):
            continue
        dp += w2[:, j : j + 1] * ((n[:, j] - hi[j]) ** 2)[None, :]
        dm += w2[:, j : j + 1] * ((n[:, j] - lo[j]) ** 2)[None, :]
    np.sqrt(dp, out=dp)
    np.sqrt(dm, out=dm)
    total = dp + dm
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(total > 0, dm / np.where(total > 0, total, 1.0), 0.5)
    return c


def topsis(x: ArrayLike, weights: ArrayLike, types: ArrayLike | None = None) -> F:
    """TOPSIS closeness in [0, 1] (min-max normalisation, Euclidean distances)."""
    m = _matrix(x)
    w = _check_weights(weights, m.shape[1])
    return topsis_normalised(minmax_normalise(m, types), w)


def dirichlet_weights(weights: ArrayLike, n: int, *, concentration: float = 50.0, seed: int = 0) -> F:
    """``n`` weight vectors ~ Dirichlet(concentration * w) around ``w``; zero weights stay zero."""
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    rng = np.random.default_rng(seed)
    out = np.zeros((n, w.size))
    live = w > 0
    if live.sum() == 1:
        out[:, live] = 1.0
        return out
    out[:, live] = rng.dirichlet(concentration * w[live], size=n)
    return out


def topk_stability(
    normalised: F,
    weights: ArrayLike,
    k: int,
    *,
    samples: int = 400,
    concentration: float = 50.0,
    seed: int = 0,
    eligible: NDArray[np.bool_] | None = None,
    chunk: int = 4,
    hi: F | None = None,
    lo: F | None = None,
) -> F:
    """Probability that each alternative is in the top ``k`` when weights are perturbed.

    Weights are drawn from a Dirichlet centred on the chosen ones (seeded, reproducible).
    ``eligible`` restricts who can hold a top-k place (e.g. only feasible pairs); others get 0.
    ``hi`` / ``lo`` are the column ideal / anti-ideal when ``normalised`` holds only some rows of
    the decision matrix (the candidates of a larger table); by default those of ``normalised``.
    An alternative tied with the k-th closeness of a draw counts as in its top k (only identical
    criteria rows tie under continuous weights).

    Per chunk of draws: ``D+^2`` and ``D-^2`` for every alternative as one matrix product each
    (squared gaps precomputed once), the k-th largest closeness by ``np.partition`` (a value
    selection, several times cheaper than ``argpartition``) and a count of who reaches it; small
    chunks keep the (chunk x alternatives) arrays in cache.
    """
    n_alt = normalised.shape[0]
    elig = np.ones(n_alt, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    k = max(0, min(k, int(elig.sum())))
    hits = np.zeros(n_alt)
    if k == 0:
        return hits
    idx = np.flatnonzero(elig)
    sub = normalised[idx]
    m = idx.size
    # ideals stay those of every alternative
    hi = normalised.max(axis=0) if hi is None else np.asarray(hi, dtype=np.float64)
    lo = normalised.min(axis=0) if lo is None else np.asarray(lo, dtype=np.float64)
    w2 = dirichlet_weights(weights, samples, concentration=concentration, seed=seed) ** 2
    gap_hi = np.ascontiguousarray(((sub - hi) ** 2).T)  # (criteria, alternatives)
    gap_lo = np.ascontiguousarray(((sub - lo) ** 2).T)
    counts = np.zeros(m, dtype=np.int64)
    for start in range(0, samples, chunk):
        w = w2[start : start + chunk]
        dp = np.sqrt(w @ gap_hi)
        dm = np.sqrt(w @ gap_lo)
        dp += dm  # D+ + D-
        c = np.divide(dm, dp, out=np.full_like(dm, 0.5), where=dp > 0)
        kth = np.partition(c, m - k, axis=1)[:, m - k]
        counts += np.count_nonzero(c >= kth[:, None], axis=0)
    hits[idx] = counts
    return hits / samples


def coupling_coordination(u1: ArrayLike, u2: ArrayLike, alpha: float = 0.5) -> tuple[F, F]:
    """Coupling degree ``C = 2 sqrt(U1 U2) / (U1 + U2)`` and coordination ``D = sqrt(C T)``.

    ``T = alpha U1 + (1 - alpha) U2``; both subsystem scores in [0, 1]; C := 0 when both are 0.
    """
    a = np.asarray(u1, dtype=np.float64)
    b = np.asarray(u2, dtype=np.float64)
    if np.any((a < 0) | (a > 1) | (b < 0) | (b > 1)):
        raise InvalidInputError("Coupling needs subsystem scores in [0, 1].")
    s = a + b
    c = np.where(s > 0, 2 * np.sqrt(a * b) / np.where(s > 0, s, 1.0), 0.0)
    t = alpha * a + (1 - alpha) * b
    return c, np.sqrt(c * t)


def rca(x_ik: ArrayLike, x_i: ArrayLike, x_wk: ArrayLike, x_w: ArrayLike) -> F:
    """Balassa RCA ``(x_ik / x_i) / (x_wk / x_w)`` (0 where the world exports none of k)."""
    a, b, c, d = (np.asarray(v, dtype=np.float64) for v in (x_ik, x_i, x_wk, x_w))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a / b) / (c / d)
    return np.where(np.isfinite(out), out, 0.0)
