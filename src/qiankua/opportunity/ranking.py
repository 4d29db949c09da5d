"""Entropy weights + TOPSIS over a whole pair table, on its Ibis backend (DuckDB or Spark).

The ranking of :func:`qiankua.opportunity.scoring.rank_pairs`, for tables too large to bring into
Python (every importer x HS6 pair of a BACI year: ~1.1 million rows). Min-max normalisation,
entropy weights and TOPSIS closeness are Ibis expressions evaluated where the table lives:

1. one aggregate gives each criterion's min, max and count (and, only for a criterion with gaps,
   a second one its median, used to fill the gaps as ``rank_pairs`` does);
2. one aggregate gives the entropy sums ``T_j = sum n_ij`` and ``S_j = sum n_ij ln n_ij`` of the
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
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.opportunity.mcda import entropy_weights_from_sums, topk_stability
from qiankua.opportunity.scoring import CRITERIA, Criterion, final_weights, parse_weights


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


def _one_row(expr: ir.Table) -> dict[str, Any]:
    row: dict[str, Any] = expr.to_pyarrow().to_pylist()[0]
    return row


def _value(pairs: ir.Table, c: Criterion) -> ir.FloatingValue:
    v = pairs[c.name].cast("float64")
    if c.log:  # log1p of the value clipped at 0; a null stays null (GREATEST would drop it)
        v = (ibis.ifelse(v < 0.0, 0.0, v) + 1.0).ln()
    return v


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
) -> TableRanking:
    """Rank every pair of ``pairs`` on its backend; see the module docstring.

    ``pairs`` needs the ``keys`` columns and ``blockers`` (open blocker count; > 0 = infeasible) plus
    any criteria of :data:`~qiankua.opportunity.scoring.CRITERIA`. ``materialise`` caches ``pairs``
    on the backend first (a temp table on DuckDB), so the three passes read it instead of
    recomputing it. ``top_k`` is both the number of pairs returned and the k of the stability.
    ``user_weights`` and ``why_unavailable`` as in :func:`~qiankua.opportunity.scoring.rank_pairs`.
    """
    for col in (*keys, "blockers"):
        if col not in pairs.columns:
            raise InvalidInputError(f"Pair table needs column {col!r}; has {', '.join(pairs.columns)}.")
    if top_k < 1:
        raise InvalidInputError(f"`top_k` must be at least 1, got {top_k}.")
    present = [c for c in CRITERIA if c.name in pairs.columns]
    if materialise:
        pairs = pairs.cache()
    feasible = pairs.blockers.fill_null(0) == 0
    values = {c.name: _value(pairs, c) for c in present}
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
        if span > 0:
            norm[c.name] = (v - lo) / span if c.kind > 0 else (hi - v) / span
            ideal[j] = 1.0  # the normalised column runs exactly from 0 to 1
        else:
            norm[c.name] = ibis.literal(0.0, type="float64")  # constant column: no information
    names = [c.name for _, c in used]
    live = [j for j in range(len(names)) if ideal[j] > 0]  # a constant column sums to 0: entropy 1, weight 0
    sums = (
        _one_row(
            pairs.aggregate(
                **{
                    **{f"t{j}": norm[names[j]].sum() for j in live},
                    **{
                        f"s{j}": ibis.ifelse(norm[names[j]] > 0, norm[names[j]] * norm[names[j]].ln(), 0.0).sum()
                        for j in live
                    },
                }
            )
        )
        if live
        else {}
    )
    entropy = entropy_weights_from_sums(
        n,
        [float(sums.get(f"t{j}") or 0.0) for j in range(len(names))],
        [float(sums.get(f"s{j}") or 0.0) for j in range(len(names))],
    )
    w, source = final_weights(names, entropy, parse_weights(user_weights), why_unavailable)
    # one column per step, so that each normalised value is computed once per row
    scored = pairs.mutate(**{f"n_{name}": norm[name] for name in names}, feasible=feasible)
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
    )
