"""Rank product x market pairs: entropy (or user) weights, TOPSIS, feasibility, stability, reasons.

Input is one polars row per pair with indicator columns named as in :data:`CRITERIA`; each
criterion may also carry ``<name>_conf`` (confirmed / likely / unconfirmed) and ``<name>_proxy``
(bool: a documented proxy, not a measured figure). Missing criteria columns (e.g. ``margin`` and
``route_cost`` until ``costing`` / ``routing`` supply them) are left out of the ranking and listed
as unavailable; a missing value inside an available column is filled with the column median and
named as such in the pair's reasons. Pure: polars and numpy only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from qiankua.exceptions import InvalidInputError
from qiankua.i18n import t
from qiankua.opportunity.mcda import entropy_weights, minmax_normalise, topk_stability, topsis_normalised


@dataclass(frozen=True, slots=True)
class Criterion:
    name: str
    kind: int  # +1 benefit, -1 cost
    log: bool = False  # log1p before normalising (heavy-tailed money values)
    unit: str = ""


CRITERIA: tuple[Criterion, ...] = (
    Criterion("demand", +1, log=True, unit="usd"),
    Criterion("growth", +1, unit="pct"),
    Criterion("china_share", +1, unit="pct"),
    Criterion("rca", +1),
    Criterion("province_rca", +1),
    Criterion("tariff", -1, unit="pct"),
    Criterion("margin", +1, unit="pct"),
    Criterion("route_cost", -1, unit="cny_kg"),
    Criterion("route_days", -1, unit="days"),
    Criterion("ecommerce_rank", -1, unit="rank"),
    Criterion("culture", +1),
    Criterion("compliance", -1),
)
BY_NAME = {c.name: c for c in CRITERIA}


@dataclass(frozen=True, slots=True)
class Reason:
    criterion: str
    direction: str  # "for" | "against" | "blocker" | "proxy" | "missing"
    value: float | None
    confidence: str | None
    text_zh: str
    text_en: str

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        return {
            "criterion": self.criterion,
            "direction": self.direction,
            "value": self.value,
            "confidence": self.confidence,
            "text": self.text(lang),
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


@dataclass(frozen=True, kw_only=True)
class Ranking:
    """The ranked pairs (``table``, best first) and the weights used."""

    table: pl.DataFrame  # product, market, score, rank, feasible, stability, potential_usd, + indicators
    weights: dict[str, float]
    weight_source: dict[str, str]  # criterion -> "entropy" | "user"
    unavailable: list[str]
    normalised: np.ndarray = field(repr=False)
    criteria: list[str] = field(default_factory=list)
    stability_scope: str = "all pairs"


def parse_weights(spec: str | Mapping[str, object] | None) -> dict[str, float]:
    """User weights from ``"demand=0.4,culture=0.2"`` or ``{"demand": 0.4, …}`` (``None`` values are left
    out): names must be criteria of :data:`CRITERIA`, values finite and non-negative. Every edge's
    weights pass through here; whether a criterion can be used in a run is checked by
    :func:`final_weights`, once its values are known."""
    if not spec:
        return {}
    if isinstance(spec, str):
        items: list[tuple[str, object]] = []
        for part in spec.split(","):
            if not part.strip():
                continue
            key, sep, text = part.partition("=")
            if not sep:
                raise InvalidInputError(
                    f"Expected `weights` as name=value,... with names from {', '.join(BY_NAME)}; got {part.strip()!r}."
                )
            items.append((key.strip(), text.strip()))
    else:
        items = [(str(key), val) for key, val in spec.items() if val is not None]
    out: dict[str, float] = {}
    for name, value in items:
        if name not in BY_NAME:
            raise InvalidInputError(f"Unknown criterion {name!r} in `weights`; expected one of {', '.join(BY_NAME)}.")
        w = float("nan")
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            with contextlib.suppress(ValueError):
                w = float(value)
        if not np.isfinite(w) or w < 0:
            raise InvalidInputError(f"Expected a non-negative number as the weight of {name!r}, got {value!r}.")
        out[name] = w
    return out


def final_weights(
    names: list[str],
    entropy: np.ndarray,
    user_weights: Mapping[str, float],
    why_unavailable: Mapping[str, str] | None = None,
) -> tuple[np.ndarray, dict[str, str]]:
    """Entropy weights with any criterion named in ``user_weights`` overridden, renormalised to 1.

    ``names`` are the criteria usable in this run (with a value for some pair); a user weight for any
    other criterion is an error that says why it is unavailable (``why_unavailable``: criterion -> the
    data status, e.g. "needs trade data") and lists the usable ones, never a weight silently dropped.
    """
    unusable = [name for name in user_weights if name not in names]
    if unusable:
        why = why_unavailable or {}
        detail = "; ".join(f"{name}: {why.get(name) or 'no value for any of these pairs'}" for name in unusable)
        which = "Criterion" if len(unusable) == 1 else "Criteria"
        raise InvalidInputError(
            f"{which} {', '.join(repr(n) for n in unusable)} in `weights` cannot be used in this run ({detail}). "
            f"Usable criteria: {', '.join(names)}."
        )
    w = np.array(entropy, dtype=np.float64)
    source = dict.fromkeys(names, "entropy")
    for i, name in enumerate(names):
        if name in user_weights:
            w[i] = user_weights[name]
            source[name] = "user"
    if w.sum() <= 0:
        raise InvalidInputError("The weights sum to zero; give at least one criterion a positive weight.")
    return w / w.sum(), source


def rank_pairs(
    pairs: pl.DataFrame,
    *,
    user_weights: Mapping[str, float] | None = None,
    top_k: int = 10,
    samples: int = 400,
    concentration: float = 50.0,
    seed: int = 0,
    max_candidates: int = 20_000,
    why_unavailable: Mapping[str, str] | None = None,
) -> Ranking:
    """Score every pair with TOPSIS, mark blocked pairs infeasible, and measure top-k stability.

    ``pairs`` must have ``product``, ``market`` and ``blockers`` (open blocker count). Weights:
    entropy weights of the normalised matrix, with any criterion named in ``user_weights``
    overriding its entropy weight (same fraction scale), then renormalised; a user weight for a
    criterion without values here is an error (:func:`final_weights`, with ``why_unavailable``). Stability is exact
    for tables up to ``max_candidates`` pairs; on larger tables (a whole BACI year) only the
    ``max_candidates`` best-scored feasible pairs compete for the top k in each weight draw, and
    ``stability_scope`` says so.
    """
    for col in ("product", "market", "blockers"):
        if col not in pairs.columns:
            raise InvalidInputError(f"Pair table needs column {col!r}; has {', '.join(pairs.columns)}.")
    if pairs.height == 0:
        raise InvalidInputError("No product x market pairs to rank (check --product / --market filters).")
    user_weights = parse_weights(user_weights)
    used: list[Criterion] = []
    unavailable: list[str] = []
    for c in CRITERIA:
        if c.name in pairs.columns and pairs[c.name].drop_nulls().len() > 0:
            used.append(c)
        else:
            unavailable.append(c.name)
    if not used:
        raise InvalidInputError("No criterion has any value for these pairs.")
    # the decision matrix column-major: every per-criterion pass (min, max, sums) reads contiguous memory
    x = np.empty((pairs.height, len(used)), order="F")
    for j, c in enumerate(used):
        s = pairs[c.name].cast(pl.Float64)
        if c.log:
            s = s.clip(lower_bound=0.0).log1p()
        if s.null_count():
            s = s.fill_null(s.median())
        x[:, j] = s.to_numpy()
    types = np.array([c.kind for c in used])
    normalised = minmax_normalise(x, types)
    entropy = entropy_weights(normalised)
    w, source = final_weights([c.name for c in used], entropy, user_weights, why_unavailable)
    score = topsis_normalised(normalised, w)
    feasible = (pairs["blockers"].fill_null(0) == 0).to_numpy()
    eligible = feasible.copy()
    scope = "all pairs"
    if int(eligible.sum()) > max_candidates:
        cut = np.partition(np.where(eligible, score, -np.inf), -max_candidates)[-max_candidates]
        eligible &= score >= cut
        scope = f"best {max_candidates} feasible pairs by score"
    stability = topk_stability(
        normalised, w, top_k, samples=samples, concentration=concentration, seed=seed, eligible=eligible
    )
    table = _best_first(
        pairs.with_columns(
            score=pl.Series(score),
            feasible=pl.Series(feasible),
            stability=pl.Series(stability),
            _row=pl.int_range(pl.len()),
        )
    )
    table = table.with_columns(rank=pl.int_range(1, pl.len() + 1))
    return Ranking(
        table=table,
        weights={c.name: float(w[i]) for i, c in enumerate(used)},
        weight_source=source,
        unavailable=unavailable,
        normalised=normalised,
        criteria=[c.name for c in used],
        stability_scope=scope,
    )


def _best_first(table: pl.DataFrame) -> pl.DataFrame:
    """Feasible pairs first, then by score (descending), ties by product and market.

    Each feasibility group is sorted on the score alone (one float key: fast on a million pairs); only
    a group with tied scores takes the three-key sort that breaks the ties.
    """
    parts = []
    for flag in (True, False):
        part = table.filter(pl.col("feasible") == flag)
        score = part["score"].to_numpy()
        order = np.argsort(-score)  # numpy's float sort is about twice polars' on a million rows
        if part.height > 1 and np.any(np.diff(score[order]) == 0):
            part = part.sort(["score", "product", "market"], descending=[True, False, False])
        else:
            part = part[order]
        parts.append(part)
    return pl.concat(parts)


# ---------------------------------------------------------------------------- explanations


def format_value(value: float | None, unit: str, lang: str) -> str:
    """A criterion value in its unit for reasons and summaries (USD in m / bn, 万 / 亿 in zh)."""
    if value is None:
        return "—"
    if unit == "usd":
        if value >= 1e9:
            return f"USD {value / 1e9:.2f} bn" if lang == "en" else f"{value / 1e8:.1f} 亿美元"
        if value >= 1e6:
            return f"USD {value / 1e6:.1f} m" if lang == "en" else f"{value / 1e4:,.0f} 万美元"
        return f"USD {value:,.0f}" if lang == "en" else f"{value:,.0f} 美元"
    if unit == "pct":
        return f"{value * 100:.1f}%"
    if unit == "cny_kg":
        return f"CNY {value:.1f}/kg" if lang == "en" else f"{value:.1f} 元/千克"
    if unit == "days":
        return f"{value:.0f} d" if lang == "en" else f"{value:.0f} 天"
    if unit == "rank":
        return f"#{value:.0f}"
    return f"{value:.2f}"


def _conf_label(conf: str | None, lang: str) -> str:
    return t(f"opportunity.conf.{conf or 'unconfirmed'}", lang)


def explain(ranking: Ranking, row_index: int, *, n_for: int = 3, n_against: int = 2) -> list[Reason]:
    """The strongest reasons for and against one pair (``row_index`` = position in ``ranking.table``)."""
    row = ranking.table.row(row_index, named=True)
    norm = ranking.normalised[row["_row"]]
    reasons: list[Reason] = []
    if row["blockers"]:
        for req in row.get("blocker_texts") or []:
            reasons.append(
                Reason(
                    "compliance",
                    "blocker",
                    None,
                    req.get("confidence"),
                    t("opportunity.reason.blocker", "zh", req=req["requirement"], auth=req["authority"]),
                    t("opportunity.reason.blocker", "en", req=req["requirement"], auth=req["authority"]),
                )
            )
    contrib = []
    missing = []
    for j, name in enumerate(ranking.criteria):
        w = ranking.weights[name]
        if row.get(name) is None:
            if w >= 0.05:
                missing.append(name)
            continue
        if w <= 0:
            continue
        contrib.append((name, norm[j], w))
    pro = sorted((c for c in contrib if c[1] >= 0.6), key=lambda c: -c[2] * c[1])[:n_for]
    con = sorted((c for c in contrib if c[1] <= 0.4), key=lambda c: -c[2] * (1 - c[1]))[:n_against]
    for direction, group in (("for", pro), ("against", con)):
        for name, _n, _w in group:
            crit = BY_NAME[name]
            value = row.get(name)
            conf = row.get(f"{name}_conf")
            proxy = bool(row.get(f"{name}_proxy"))
            texts = []
            for lang in ("zh", "en"):
                text = t(f"opportunity.reason.{name}.{direction}", lang, v=format_value(value, crit.unit, lang))
                text += f"（{_conf_label(conf, lang)}）" if lang == "zh" else f" ({_conf_label(conf, lang)})"
                if proxy:
                    text += t("opportunity.reason.proxy_tag", lang)
                texts.append(text)
            reasons.append(Reason(name, direction, value, conf, texts[0], texts[1]))
    if missing:
        names = {
            lang: ("、" if lang == "zh" else ", ").join(t(f"opportunity.crit.{m}", lang) for m in missing)
            for lang in ("zh", "en")
        }
        reasons.append(
            Reason(
                ",".join(missing),
                "missing",
                None,
                "unconfirmed",
                t("opportunity.reason.missing", "zh", name=names["zh"]),
                t("opportunity.reason.missing", "en", name=names["en"]),
            )
        )
    return reasons
