"""Rank product x market pairs (the second view, beside the export potential in USD): TOPSIS with capped
weights, feasibility, stability, reasons.

Method (docs/methods/opportunity.en.md, section 3):

* a criterion whose value is the same for every market of each product (``culture``, an exporter's
  ``rca``) cannot decide the market: it is *product-level*, weighs 0 in the pair score and ranks the
  products in a separate product view (:func:`product_view`);
* the other criteria are min-max normalised, except heavy-tailed money values (``demand``), which take
  their percent rank: both are unchanged by a rescaling or a shift of the criterion, so is the ranking;
* weights (``weighting``): ``blend`` (default) = half the entropy weights, half equal weights over the
  criteria that vary; ``entropy``; ``critic``; ``equal``; a user weight overrides a criterion's weight;
  then no criterion takes more than ``weight_cap`` (default 0.30) of the total
  (:func:`~qiankua.opportunity.mcda.cap_weights`).

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
from qiankua.opportunity.mcda import (
    cap_weights,
    critic_weights,
    entropy_weights,
    minmax_normalise,
    rank_normalise,
    topk_stability,
    topsis_normalised,
)
from qiankua.vocabulary import DEFAULT_WEIGHTING as DEFAULT_WEIGHTING
from qiankua.vocabulary import OPPORTUNITY_WEIGHTINGS

WEIGHTINGS = OPPORTUNITY_WEIGHTINGS
DEFAULT_WEIGHT_CAP = 0.30
BLEND_DATA_SHARE = 0.5  # blend = 0.5 x data-driven (entropy) + 0.5 x equal weights
PRODUCT_LEVEL = "product-level"  # weight_source of a criterion that cannot decide the market


@dataclass(frozen=True, slots=True)
class Criterion:
    name: str
    kind: int  # +1 benefit, -1 cost
    rank: bool = False  # percent rank instead of min-max (heavy-tailed money values)
    unit: str = ""


CRITERIA: tuple[Criterion, ...] = (
    Criterion("demand", +1, rank=True, unit="usd"),
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
    weight_source: dict[str, str]  # criterion -> the weighting, "user" or "product-level"
    unavailable: list[str]
    normalised: np.ndarray = field(repr=False)
    criteria: list[str] = field(default_factory=list)
    stability_scope: str = "all pairs"
    product_level: list[str] = field(default_factory=list)
    weighting: str = DEFAULT_WEIGHTING
    weight_cap: float = DEFAULT_WEIGHT_CAP


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


def check_weighting(weighting: str, weight_cap: float) -> None:
    if weighting not in WEIGHTINGS:
        raise InvalidInputError(f"Expected `weighting` in {', '.join(WEIGHTINGS)}, got {weighting!r}.")
    if not (isinstance(weight_cap, (int, float)) and 0 < weight_cap <= 1):
        raise InvalidInputError(f"Expected `weight_cap` in (0, 1], got {weight_cap!r}.")


def method_weights(weighting: str, live: np.ndarray, entropy: np.ndarray, critic: np.ndarray | None) -> np.ndarray:
    """Data weights of the criteria that decide the market by ``weighting``; ``live`` marks those that vary
    (a constant criterion weighs 0 whatever the method: it adds nothing to either TOPSIS distance)."""
    k = live.size
    equal = np.where(live, 1.0 / max(int(live.sum()), 1), 0.0) if live.any() else np.full(k, 1.0 / k)
    if weighting == "equal":
        return equal
    if weighting == "critic":
        assert critic is not None
        return critic
    if weighting == "entropy":
        return entropy
    return BLEND_DATA_SHARE * entropy + (1.0 - BLEND_DATA_SHARE) * equal


def final_weights(
    names: list[str],
    data: np.ndarray,
    user_weights: Mapping[str, float],
    why_unavailable: Mapping[str, str] | None = None,
    *,
    weighting: str = DEFAULT_WEIGHTING,
    weight_cap: float = 1.0,
    product_level: list[str] | tuple[str, ...] = (),
    given: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, dict[str, str]]:
    """Data weights with any criterion named in ``user_weights`` overridden, renormalised, then capped.

    ``names`` are the criteria usable in this run (with a value for some pair); a user weight for any
    other criterion is an error that says why it is unavailable (``why_unavailable``: criterion -> the
    data status, e.g. "needs trade data") and lists the usable ones, never a weight silently dropped.
    ``product_level`` criteria weigh 0 here (a user weight for one goes to the product view; ``given`` = every
    user weight, for the error message). No weight
    ends above ``weight_cap`` (:func:`~qiankua.opportunity.mcda.cap_weights`; zeros stay zero).
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
    w = np.array(data, dtype=np.float64)
    source = dict.fromkeys(names, weighting)
    for i, name in enumerate(names):
        if name in product_level:
            w[i] = 0.0
            source[name] = PRODUCT_LEVEL
        elif name in user_weights:
            w[i] = user_weights[name]
            source[name] = "user"
    if w.sum() <= 0:
        pl_given = [n for n in product_level if n in (given or ())]
        extra = (
            f" ({', '.join(pl_given)}: the same for every market of a product, so it ranks products in the "
            "product view, not markets)"
            if pl_given
            else ""
        )
        raise InvalidInputError(
            "The weights of the criteria that decide the market sum to zero; give at least one of "
            f"{', '.join(n for n in names if n not in product_level)} a positive weight{extra}."
        )
    return cap_weights(w / w.sum(), weight_cap), source


def product_level_criteria(normalised: np.ndarray, products: np.ndarray, names: list[str]) -> list[str]:
    """The criteria whose (normalised) value is the same for every market of each product.

    Only meaningful when some product has two or more markets; otherwise there is no market to choose
    and every criterion stays in the pair score.
    """
    if normalised.shape[0] == 0:
        return []
    codes, inverse = np.unique(products, return_inverse=True)
    if codes.size == normalised.shape[0]:
        return []
    out = []
    for j, name in enumerate(names):
        col = normalised[:, j]
        hi = np.full(codes.size, -np.inf)
        lo = np.full(codes.size, np.inf)
        np.maximum.at(hi, inverse, col)
        np.minimum.at(lo, inverse, col)
        if np.all(hi - lo == 0):
            out.append(name)
    return out


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
    weighting: str = DEFAULT_WEIGHTING,
    weight_cap: float = DEFAULT_WEIGHT_CAP,
) -> Ranking:
    """Score every pair with TOPSIS, mark blocked pairs infeasible, and measure top-k stability.

    ``pairs`` must have ``product``, ``market`` and ``blockers`` (open blocker count). Weights (module
    docstring): ``weighting`` over the criteria that vary across markets, any criterion named in
    ``user_weights`` overriding its weight (same fraction scale), renormalised, capped at ``weight_cap``; a
    user weight for a criterion without values here is an error (:func:`final_weights`, with
    ``why_unavailable``). Stability is exact
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
        if s.null_count():
            s = s.fill_null(s.median())
        x[:, j] = rank_normalise(s.to_numpy()) if c.rank else s.to_numpy()
    types = np.array([c.kind for c in used])
    normalised = minmax_normalise(x, types)
    names = [c.name for c in used]
    product_level = product_level_criteria(normalised, pairs["product"].to_numpy(), names)
    w, source = pair_weights(normalised, names, product_level, weighting, user_weights, why_unavailable, weight_cap)
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
        criteria=names,
        stability_scope=scope,
        product_level=product_level,
        weighting=weighting,
        weight_cap=weight_cap,
    )


def pair_weights(
    normalised: np.ndarray,
    names: list[str],
    product_level: list[str],
    weighting: str,
    user_weights: Mapping[str, float],
    why_unavailable: Mapping[str, str] | None,
    weight_cap: float,
) -> tuple[np.ndarray, dict[str, str]]:
    """The pair (market-deciding) weights of the in-memory ranking: data weights by ``weighting`` over the
    criteria that are not product-level, user overrides, cap."""
    check_weighting(weighting, weight_cap)
    pair = [j for j, n in enumerate(names) if n not in product_level]
    data = np.zeros(len(names))
    if pair:
        sub = normalised[:, pair]
        live = sub.max(axis=0) > sub.min(axis=0)
        critic = critic_weights(sub) if weighting == "critic" else None
        data[pair] = method_weights(weighting, live, entropy_weights(sub), critic)
    user = {k: v for k, v in user_weights.items() if k not in product_level}
    return final_weights(
        names,
        data,
        user,
        why_unavailable,
        weighting=weighting,
        weight_cap=weight_cap,
        product_level=product_level,
        given=user_weights,
    )


def product_view(
    pairs: pl.DataFrame,
    ranking: Ranking,
    *,
    user_weights: Mapping[str, float] | None = None,
) -> tuple[pl.DataFrame, dict[str, float]]:
    """The products ranked by the product-level criteria (one row per product: ``product``,
    ``product_score``, ``product_rank`` and the criteria) and their weights, with the ranking's weighting and
    cap; empty when no criterion is product-level. A user weight on a product-level criterion applies here."""
    names = ranking.product_level
    if not names:
        return pl.DataFrame(schema={"product": pl.String, "product_score": pl.Float64, "product_rank": pl.Int64}), {}
    idx = [ranking.criteria.index(n) for n in names]
    per = (
        pl.DataFrame(
            {"product": pairs["product"], **{n: ranking.normalised[:, j] for n, j in zip(names, idx, strict=True)}}
        )
        .group_by("product", maintain_order=True)
        .first()
    )
    m = per.select(names).to_numpy().astype(np.float64).reshape(per.height, len(names))
    live = m.max(axis=0) > m.min(axis=0) if per.height else np.zeros(len(names), dtype=bool)
    critic = critic_weights(m) if ranking.weighting == "critic" and per.height else None
    data = method_weights(ranking.weighting, live, entropy_weights(m) if per.height else live * 0.0, critic)
    user = {k: v for k, v in parse_weights(user_weights).items() if k in names}
    w, _source = final_weights(names, data, user, weighting=ranking.weighting, weight_cap=ranking.weight_cap)
    score = topsis_normalised(m, w) if per.height else np.zeros(0)
    raw = pairs.group_by("product", maintain_order=True).first().select("product", *names)
    out = per.select("product").with_columns(product_score=pl.Series(score, dtype=pl.Float64)).join(raw, on="product")
    out = out.sort(["product_score", "product"], descending=[True, False])
    weights = {n: float(v) for n, v in zip(names, w, strict=True)}
    return out.with_columns(product_rank=pl.int_range(1, pl.len() + 1)), weights


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
