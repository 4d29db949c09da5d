"""Pair indicators from the built-in data, so the ranking works without any download.

Sources: the cited figures in reference table ``trade_demand_figures`` (restated from
../shared/research/demand_trade_figures.csv), the markets table (population, UNCTAD B2C rank)
and the products table (ICH level, GI name). The figures are sparse (full importer tables only
for HS 0902 tea), so:

* ``demand`` = the market's cited import value for the product's HS line (longest matching HS
  prefix, latest year) — measured; otherwise a **proxy**: the median per-capita import value of
  the markets that do have a cited figure for that line, times the market's population. Income is
  not in the reference data, so the proxy uses population only; online readiness enters the
  ranking separately. No cited figure for the line, or no population: missing.
* ``china_share`` = China's cited exports to the market / the market's cited imports (tea only;
  the export figures are Jan-Sep, so it is a lower bound, flagged unconfirmed).
* ``supply_share`` = China's cited world exports of the line / cited world imports (tea only);
  ``potential_usd`` = supply_share x demand (EPI supply x demand, ease assumed 1 — flagged), for the
  HS line of the figures (``line``); ``realised_usd`` = China's cited exports of the line to the market
  (Jan-Sep figures: a lower bound, flagged) and ``unrealised_usd`` = max(potential - realised, 0), only
  where the realised value is cited (an uncited export is unknown, not zero).
* ``rca`` and ``growth`` need a full trade table: unavailable until BACI or Comtrade is imported.
* ``ecommerce_rank`` = UNCTAD B2C index rank (cost criterion: lower is better).
* ``culture`` = (ICH: national 1, provincial 0.5, none 0 + GI: 1 or 0) / 2 (project convention).
"""

from __future__ import annotations

from typing import Any

import polars as pl

_CONF_ORDER = {"confirmed": 0, "likely": 1, "unconfirmed": 2}


def worst(*confs: str | None) -> str:
    known = [c for c in confs if c]
    return max(known, key=lambda c: _CONF_ORDER[c]) if known else "unconfirmed"


def _matching(figures: list[dict[str, Any]], hs6: str) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for f in figures:
        best = max((len(p) for p in f["hs_prefixes"].split(";") if hs6.startswith(p)), default=0)
        if best:
            out.append((best, f))
    return out


def _pick(rows: list[tuple[int, dict[str, Any]]]) -> dict[str, Any] | None:
    if not rows:
        return None
    return max(rows, key=lambda r: (r[0], r[1]["year"], r[1]["period"] == "year"))[1]


def culture_score(ich_level: str | None, gi_name: str | None) -> float:
    ich = {"national": 1.0, "provincial": 0.5}.get(ich_level or "", 0.0)
    return (ich + (1.0 if gi_name else 0.0)) / 2.0


def default_indicators(products: pl.DataFrame, markets: pl.DataFrame, figures: pl.DataFrame) -> pl.DataFrame:
    """One row per (product, market) with the built-in indicators and their confidence / proxy flags."""
    figs = [f for f in figures.iter_rows(named=True) if f["value"] is not None and f["currency"] == "USD"]
    imports = [f for f in figs if f["metric"] == "import_value" and f["partner"] == "WLD" and f["period"] == "year"]
    cn_exports = [f for f in figs if f["metric"] == "export_value" and f["reporter"] == "CN"]
    world_imports = [f for f in figs if f["metric"] == "world_imports_total"]
    pop = {r["iso2"]: r["population_m"] for r in markets.iter_rows(named=True)}
    rows = []
    for p in products.iter_rows(named=True):
        hs6 = p["hs6"] or ""
        imp = _matching(imports, hs6)
        by_market: dict[str, dict[str, Any]] = {}
        for reporter in {f["reporter"] for _, f in imp}:
            pick = _pick([(n, f) for n, f in imp if f["reporter"] == reporter])
            if pick is not None:
                by_market[reporter] = pick
        per_capita = sorted(f["value"] / (pop[m] * 1e6) for m, f in by_market.items() if pop.get(m))
        pc_median = None
        if per_capita:
            mid = len(per_capita) // 2
            pc_median = per_capita[mid] if len(per_capita) % 2 else (per_capita[mid - 1] + per_capita[mid]) / 2
        world_m = _pick(_matching(world_imports, hs6))
        # China's exports with the same HS coverage as the world figure (tea 0902 vs 0902, not green tea only)
        world_cn = (
            None
            if world_m is None
            else _pick(
                [
                    (n, f)
                    for n, f in _matching(cn_exports, hs6)
                    if f["partner"] == "WLD" and f["period"] == "year" and f["hs_prefixes"] == world_m["hs_prefixes"]
                ]
            )
        )
        supply_share = supply_conf = None
        if world_cn and world_m and world_m["value"]:
            supply_share = world_cn["value"] / world_m["value"]
            supply_conf = "unconfirmed"  # derived from two figures, possibly different coverage
        culture = culture_score(p["ich_level"], p["gi_name"])
        for m in markets.iter_rows(named=True):
            iso2 = m["iso2"]
            fig = by_market.get(iso2)
            demand = demand_conf = None
            demand_proxy = False
            if fig is not None:
                demand, demand_conf = fig["value"], fig["confidence"]
            elif pc_median is not None and m["population_m"]:
                demand, demand_conf, demand_proxy = pc_median * m["population_m"] * 1e6, "unconfirmed", True
            share = share_conf = None
            exp = _pick([(n, f) for n, f in _matching(cn_exports, hs6) if f["partner"] == iso2])
            if exp is not None and fig is not None and fig["value"]:
                share = exp["value"] / fig["value"]
                share_conf = "unconfirmed" if exp["period"] != "year" else worst(exp["confidence"], fig["confidence"])
            potential = demand * supply_share if (demand is not None and supply_share is not None) else None
            # realised: China's cited exports of the line to the market (Jan-Sep figures: a lower bound)
            realised = exp["value"] if exp is not None and potential is not None else None
            partial = exp is not None and exp["period"] != "year"
            line = (world_m or {}).get("hs_prefixes") if potential is not None else None
            rows.append(
                {
                    "product": p["id"],
                    "market": iso2,
                    "hs6": hs6,
                    "demand": demand,
                    "demand_conf": demand_conf,
                    "demand_proxy": demand_proxy,
                    "china_share": share,
                    "china_share_conf": share_conf,
                    "china_share_proxy": False,
                    "supply_share": supply_share,
                    "potential_usd": potential,
                    "potential_conf": worst(demand_conf, supply_conf) if potential is not None else None,
                    "potential_basis": (
                        "proxy: cited China share of world exports x demand, ease = 1"
                        if potential is not None
                        else None
                    ),
                    "line": line,
                    "realised_usd": realised,
                    "realised_conf": "unconfirmed"
                    if realised is not None and partial
                    else (exp["confidence"] if realised is not None and exp is not None else None),
                    "realised_basis": (
                        None
                        if realised is None
                        else "China's cited exports to the market, "
                        + ("Jan-Sep only: a lower bound" if partial else "full year")
                    ),
                    "unrealised_usd": None if realised is None or potential is None else max(potential - realised, 0.0),
                    "ecommerce_rank": float(m["unctad_b2c_rank"]) if m["unctad_b2c_rank"] is not None else None,
                    "ecommerce_rank_conf": m["confidence"] if m["unctad_b2c_rank"] is not None else None,
                    "ecommerce_rank_proxy": False,
                    "culture": culture,
                    "culture_conf": "likely",
                    "culture_proxy": False,
                }
            )
    schema_over = {
        "demand": pl.Float64,
        "china_share": pl.Float64,
        "supply_share": pl.Float64,
        "potential_usd": pl.Float64,
        "ecommerce_rank": pl.Float64,
        "culture": pl.Float64,
        "demand_conf": pl.String,
        "china_share_conf": pl.String,
        "potential_conf": pl.String,
        "potential_basis": pl.String,
        "ecommerce_rank_conf": pl.String,
        "line": pl.String,
        "realised_usd": pl.Float64,
        "realised_conf": pl.String,
        "realised_basis": pl.String,
        "unrealised_usd": pl.Float64,
    }
    return pl.DataFrame(rows, schema_overrides=schema_over, infer_schema_length=None)
