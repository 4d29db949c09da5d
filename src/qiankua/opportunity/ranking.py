"""Capped weights + TOPSIS over a whole pair table, on its Ibis backend (DuckDB or Spark).

The ranking of :func:`qiankua.opportunity.scoring.rank_pairs`, for tables too large to bring into
Python (every importer x HS6 pair of a BACI year: ~1.1 million rows). Min-max normalisation,
entropy weights and TOPSIS closeness are Ibis expressions evaluated where the table lives:

1. one aggregate gives each criterion's min, max and count (and, only for a criterion with gaps,
   a second one its median, used to fill the gaps as ``rank_pairs`` does); the normalised matrix
   (min-max, or ``PERCENT_RANK`` for ``demand``) is then kept on the backend;
2. a group-by product finds the product-level criteria (constant across every product's markets);
   one aggregate gives the entropy sums ``T_j = sum n_ij`` and ``S_j = sum n_ij ln n_ij`` of the
   normalised matrix, from which :func:`~qiankua.opportunity.mcda.entropy_weights_from_sums`
   gives the weights (user weights override them, as in ``rank_pairs``);
3. the score column alone (8 bytes a pair) gives the score of the ``max_candidates``-th best
   feasible pair, and a filter returns the feasible pairs at or above it; only they come back
   to Python, for the Dirichlet rank stability
   (:func:`~qiankua.opportunity.mcda.topk_stability`, the same kernel, with the ideal and
   anti-ideal of the whole table).

The numbers equal ``rank_pairs``'s (tests/opportunity/test_ranking.py). This module imports
ibis but never duckdb; it runs the few small queries above on the table's backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.opportunity.mcda import critic_from_moments, entropy_weights_from_sums, topk_stability
from qiankua.opportunity.scoring import (
    CRITERIA,
    DEFAULT_WEIGHT_CAP,
    DEFAULT_WEIGHTING,
    check_weighting,
    final_weights,
    method_weights,
    parse_weights,
)


@dataclass(frozen=True, kw_only=True)
class TableRanking:
    """The best pairs (``top``: best first, with ``score``, ``stability``, ``rank``), the lazy
    ``scored`` table (every pair with ``n_<criterion>``, ``score``, ``feasible``) and the weights."""

    scored: ir.Table
    top: pl.DataFrame
    weights: dict[str, float]
    weight_source: dict[str, str]
    unavailable: list[str]
    criteria: list[str]
    pairs: int
    stability_scope: str
    product_level: list[str] = field(default_factory=list)
    weighting: str = DEFAULT_WEIGHTING
    weight_cap: float = DEFAULT_WEIGHT_CAP


def _one_row(expr: ir.Table) -> dict[str, Any]:
    row: dict[str, Any] = expr.to_pyarrow().to_pylist()[0]
    return row


def rank_table(
    pairs: ir.Table,
    *,
    user_weights: Mapping[str, float] | None = None,
    top_k: int = 10,
    samples: int = 400,
    concentration: float = 50.0,
    seed: int = 0,
    max_candidates: int = 20_000,
    keys: Sequence[str] = ("product", "market"),
    materialise: bool = True,
    why_unavailable: Mapping[str, str] | None = None,
    weighting: str = DEFAULT_WEIGHTING,
    weight_cap: float = DEFAULT_WEIGHT_CAP,
) -> TableRanking:
    """Rank every pair of ``pairs`` on its backend; see the module docstring.

    ``pairs`` needs the ``keys`` columns (the first is the product: a criterion constant across the
    markets of every product is product-level and weighs 0) and ``blockers`` (open blocker count; > 0 =
    infeasible) plus any criteria of :data:`~qiankua.opportunity.scoring.CRITERIA`. ``materialise``
    caches ``pairs`` on the backend first (a temp table on DuckDB); the normalised matrix is always cached,
    so the passes read it instead of recomputing it. ``top_k`` is both the number of pairs returned and the k of the
    stability. ``user_weights``, ``why_unavailable``, ``weighting`` and ``weight_cap`` as in
    :func:`~qiankua.opportunity.scoring.rank_pairs`.
    """
    for col in (*keys, "blockers"):
        if col not in pairs.columns:
            raise InvalidInputError(f"Pair table needs column {col!r}; has {', '.join(pairs.columns)}.")
    if top_k < 1:
        raise InvalidInputError(f"`top_k` must be at least 1, got {top_k}.")
    check_weighting(weighting, weight_cap)
    product = keys[0]
    present = [c for c in CRITERIA if c.name in pairs.columns]
    if materialise:
        pairs = pairs.cache()
    feasible = pairs.blockers.fill_null(0) == 0
    values = {c.name: pairs[c.name].cast("float64") for c in present}
    aggs: dict[str, ir.Value] = {"_n": pairs.count(), "_feasible": feasible.cast("int64").sum()}
    for i, c in enumerate(present):
        aggs |= {f"lo{i}": values[c.name].min(), f"hi{i}": values[c.name].max(), f"cnt{i}": values[c.name].count()}
    stats = _one_row(pairs.aggregate(**aggs))
    n = int(stats["_n"])
    if n == 0:
        raise InvalidInputError("No product x market pairs to rank (check the filters).")
    used = [(i, c) for i, c in enumerate(present) if int(stats[f"cnt{i}"]) > 0]
    unavailable = [c.name for c in CRITERIA if c not in [u for _, u in used]]
    if not used:
        raise InvalidInputError("No criterion has any value for these pairs.")
    gaps = [(i, c) for i, c in used if int(stats[f"cnt{i}"]) < n]
    medians = _one_row(pairs.aggregate(**{f"m{i}": values[c.name].median() for i, c in gaps})) if gaps else {}
    norm: dict[str, ir.FloatingValue] = {}
    ideal = np.zeros(len(used))
    for j, (i, c) in enumerate(used):
        v = values[c.name]
        if f"m{i}" in medians:
            v = v.fill_null(float(medians[f"m{i}"]))
        lo, hi = float(stats[f"lo{i}"]), float(stats[f"hi{i}"])
        span = hi - lo
        if span > 0 and c.rank:  # percent rank (ties at their lowest rank), 0 .. 1 as rank_normalise
            norm[c.name] = ibis.percent_rank().over(order_by=v).cast("float64")
            ideal[j] = 1.0
        elif span > 0:
            norm[c.name] = (v - lo) / span if c.kind > 0 else (hi - v) / span
            ideal[j] = 1.0  # the normalised column runs exactly from 0 to 1
        else:
            norm[c.name] = ibis.literal(0.0, type="float64")  # constant column: no information
    names = [c.name for _, c in used]
    # the normalised matrix, once (always kept: a percent rank is a window over the whole table, too dear to
    # recompute in each pass below)
    scored = pairs.mutate(**{f"n_{name}": norm[name] for name in names}, feasible=feasible).cache()
    live = [j for j in range(len(names)) if ideal[j] > 0]  # a constant column sums to 0: entropy 1, weight 0
    per = scored.group_by(product).aggregate(
        _m=scored.count(),
        **{f"d{j}": scored[f"n_{names[j]}"].max() - scored[f"n_{names[j]}"].min() for j in live},
    )
    spans = _one_row(per.aggregate(_m=per._m.max(), **{f"d{j}": per[f"d{j}"].max() for j in live}))
    product_level: list[str] = []
    if int(spans["_m"]) > 1:  # some product has two or more markets: there is a market to choose
        # a constant column is the same within every product too
        product_level = [name for j, name in enumerate(names) if j not in live or float(spans[f"d{j}"]) == 0.0]
    pair_live = [j for j in live if names[j] not in product_level]
    moments: dict[str, Any] = {}
    if pair_live:
        cols: dict[int, ir.FloatingColumn] = {j: scored[f"n_{names[j]}"] for j in pair_live}
        aggs = {f"t{j}": cols[j].sum() for j in pair_live}
        aggs |= {f"s{j}": ibis.ifelse(cols[j] > 0, cols[j] * cols[j].ln(), 0.0).sum() for j in pair_live}
        if weighting == "critic":
            aggs |= {f"q{a}_{b}": (cols[a] * cols[b]).sum() for a in pair_live for b in pair_live if a <= b}
        moments = _one_row(scored.aggregate(**aggs))
    pair_idx = [j for j in range(len(names)) if names[j] not in product_level]
    data = np.zeros(len(names))
    if pair_idx:
        sub_live = np.array([j in pair_live for j in pair_idx])
        entropy = entropy_weights_from_sums(
            n,
            [float(moments.get(f"t{j}") or 0.0) for j in pair_idx],
            [float(moments.get(f"s{j}") or 0.0) for j in pair_idx],
        )
        critic = None
        if weighting == "critic":
            k = len(pair_idx)
            t = np.array([float(moments.get(f"t{j}") or 0.0) for j in pair_idx])
            q = np.zeros((k, k))
            for a_, a in enumerate(pair_idx):
                for b_, b in enumerate(pair_idx):
                    key = f"q{min(a, b)}_{max(a, b)}"
                    q[a_, b_] = float(moments.get(key) or 0.0)
            critic = critic_from_moments(n, t, q)
        data[pair_idx] = method_weights(weighting, sub_live, entropy, critic)
    user = {k: v for k, v in parse_weights(user_weights).items() if k not in product_level}
    w, source = final_weights(
        names,
        data,
        user,
        why_unavailable,
        weighting=weighting,
        weight_cap=weight_cap,
        product_level=product_level,
        given=parse_weights(user_weights),
    )
    dp: ir.FloatingValue = ibis.literal(0.0, type="float64")
    dm: ir.FloatingValue = ibis.literal(0.0, type="float64")
    for j, name in enumerate(names):
        w2 = float(w[j] ** 2)
        if w2 == 0:
            continue
        gap = scored[f"n_{name}"] - ideal[j]
        dp = dp + w2 * (gap * gap)  # x * x, not POWER(x, 2): several times faster per row on DuckDB
        dm = dm + w2 * (scored[f"n_{name}"] * scored[f"n_{name}"])
    scored = scored.mutate(_dp=dp.sqrt(), _dm=dm.sqrt())
    total = scored._dp + scored._dm
    scored = scored.mutate(score=ibis.ifelse(total > 0, scored._dm / total, 0.5)).drop("_dp", "_dm")
    n_feasible = int(stats["_feasible"] or 0)
    order = [ibis.desc("score"), *keys]
    best = scored.filter(scored.feasible)
    scope = "all pairs"
    if n_feasible > max_candidates:
        # the score of the max_candidates-th best feasible pair (from the one score column: cheaper than
        # a top-N on the backend), then every feasible pair at or above it, ties kept as in rank_pairs
        scores = best.select("score").to_pyarrow()["score"].to_numpy()
        cut = float(np.partition(scores, scores.size - max_candidates)[scores.size - max_candidates])
        best = best.filter(best.score >= cut)
        scope = f"best {max_candidates} feasible pairs by score"
    cand = pl.from_arrow(best.to_pyarrow())
    assert isinstance(cand, pl.DataFrame)
    cand = cand.sort(["score", *keys], descending=[True] + [False] * len(keys))
    matrix = cand.select([f"n_{name}" for name in names]).to_numpy().astype(np.float64).reshape(cand.height, len(names))
    stability = (
        topk_stability(
            matrix, w, top_k, samples=samples, concentration=concentration, seed=seed, hi=ideal, lo=np.zeros(len(names))
        )
        if cand.height
        else np.zeros(0)
    )
    top = cand.with_columns(stability=pl.Series(stability, dtype=pl.Float64)).head(top_k)
    if top.height < top_k:  # fewer feasible pairs than places: the best infeasible ones follow
        rest = pl.from_arrow(scored.filter(~scored.feasible).order_by(order).limit(top_k - top.height).to_pyarrow())
        assert isinstance(rest, pl.DataFrame)
        top = pl.concat([top, rest.with_columns(stability=pl.lit(0.0))], how="diagonal_relaxed")
    top = top.with_columns(rank=pl.int_range(1, pl.len() + 1))
    return TableRanking(
        scored=scored,
        top=top,
        weights={name: float(w[j]) for j, name in enumerate(names)},
        weight_source=source,
        unavailable=unavailable,
        criteria=names,
        pairs=n,
        stability_scope=scope,
        product_level=product_level,
        weighting=weighting,
        weight_cap=weight_cap,
    )
