"""The report's opportunity section: export potential in USD (the headline), then the second view: score
heatmap (SVG and table), top pairs, weights, recommendations.

Presentation only: it takes a finished ranking (:class:`qiankua.services.opportunity.OpportunityResult`
or anything shaped like :class:`RankedPairs`) and the reference data, and computes nothing new.
"""

from __future__ import annotations

from html import escape
from typing import Any, Protocol

import polars as pl

from qiankua.i18n import t
from qiankua.opportunity.scoring import Ranking, format_value
from qiankua.reference import ReferenceData
from qiankua.report.model import Section, Table

DEMO_TOP = 20  # the demo ranks every pair and shows the top 20 (also the k of top-k stability)
DEMO_SAMPLES = 200


class RankedPairs(Protocol):
    """What the section reads from an opportunity result."""

    @property
    def ranking(self) -> Ranking: ...
    @property
    def entries(self) -> list[dict[str, Any]]: ...
    @property
    def indicator_status(self) -> dict[str, str]: ...
    @property
    def trade(self) -> dict[str, Any]: ...


_SHADES = " ░▒▓█"


def _shade(score: float | None, feasible: bool) -> str:
    """One heatmap cell in text: a shade block, the score to two decimals, ✗ when infeasible."""
    if score is None:
        return ""
    block = _SHADES[min(4, int(score * 5))]
    return f"{block} {score:.2f}" + ("" if feasible else " ✗")


def heatmap_svg(table: pl.DataFrame, products: list[str], markets: list[str]) -> str:
    """An inline SVG heatmap (product rows x market columns, colour = score, hatched = infeasible).

    Self-contained markup for the report's ``Section.svgs``; every text is escaped.
    """
    cell, left, top_ = 22, 230, 40
    lookup = {(r["product"], r["market"]): (r["score"], r["feasible"]) for r in table.iter_rows(named=True)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + cell * len(markets) + 10}" '
        f'height="{top_ + cell * len(products) + 10}" font-size="10">'
    ]
    for j, m in enumerate(markets):
        parts.append(f'<text x="{left + j * cell + 6}" y="{top_ - 6}">{escape(m)}</text>')
    for i, p in enumerate(products):
        parts.append(f'<text x="{left - 4}" y="{top_ + i * cell + 15}" text-anchor="end">{escape(p)}</text>')
        for j, m in enumerate(markets):
            score, feasible = lookup.get((p, m), (None, True))
            if score is None:
                continue
            g = int(255 - 180 * score)
            fill = f"rgb({g},{int(255 - 120 * score)},{g})" if feasible else "#ddd"
            parts.append(
                f'<rect x="{left + j * cell}" y="{top_ + i * cell}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="{fill}"><title>{escape(p)} {escape(m)} {score:.2f}{"" if feasible else " infeasible"}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)


def opportunity_sections(ref: ReferenceData, result: RankedPairs, *, top: int = DEMO_TOP) -> list[Section]:
    """The report's opportunity section from a ranking (``top`` = its k of stability and table length)."""
    table = result.ranking.table
    top_markets = (
        table.filter(pl.col("feasible"))
        .group_by("market")
        .agg(pl.col("score").max())
        .sort("score", descending=True)
        .head(12)["market"]
        .to_list()
    )
    products = ref.products["id"].to_list()
    heat = table.filter(pl.col("market").is_in(top_markets)).select("product", "market", "score", "feasible")
    # a few hundred cells: texts made in Python here, not in a polars UDF (map_elements runs Python inside
    # polars' thread pool and holds the GIL there: the server deadlock of issue 21 came from one)
    heat = (
        heat.with_columns(cell=pl.Series([_shade(s, f) for s, f in heat.select("score", "feasible").rows()]))
        .select("product", "market", pl.col("cell").cast(pl.String))
        .pivot(on="market", index="product", values="cell")
        .select("product", *top_markets)
    )
    heat = pl.DataFrame({"product": products}).join(heat, on="product", how="left")
    names = dict(zip(ref.products["id"].to_list(), ref.products["name_zh"].to_list(), strict=True))
    top_rows = []
    for e in result.entries:
        top_rows.append(
            {
                "rank": e["rank"],
                "product": names.get(e["product"], e["product"]),
                "market": e["market"],
                "score": e["score"],
                "potential_usd": e["potential_usd"],
                "margin": (f"{e['margin']['value'] * 100:.0f}%" if e["margin"]["available"] else "n/a"),
                "stability": e["stability"],
                "feasible": e["feasible"],
                "confidence": e["confidence"],
                "reasons": "；".join(r["text_zh"] for r in e["reasons"])
                + " / "
                + "; ".join(r["text_en"] for r in e["reasons"]),
                "requirements": "; ".join(f"[{q['severity']}] {q['authority']}" for q in e["requirements"]),
            }
        )
    top_frame = pl.DataFrame(top_rows, infer_schema_length=None)
    feasible_n = int(table["feasible"].sum())
    proxy_share = float(table["demand_proxy"].fill_null(False).cast(pl.Float64).mean() or 0.0)  # type: ignore[arg-type]
    weights = pl.DataFrame(
        {
            "criterion": list(result.ranking.weights),
            "weight": [round(w, 4) for w in result.ranking.weights.values()],
            "source": [result.ranking.weight_source[c] for c in result.ranking.weights],
            "status": [result.indicator_status.get(c, "") for c in result.ranking.weights],
        }
    )
    unavailable = pl.DataFrame(
        {
            "criterion": result.ranking.unavailable,
            "status": [result.indicator_status.get(c, "unavailable") for c in result.ranking.unavailable],
        }
    )
    potential = getattr(result, "potential", None)
    headline_frame, headline_lines = _headline(potential, ref, n=top)
    estimated = int(table["potential_usd"].is_not_null().sum()) if "potential_usd" in table.columns else 0
    return [
        Section(
            key="opportunity",
            title_zh="产品 × 市场机会",
            title_en="Product x market opportunities",
            intro=t("opportunity.report.intro", "zh") + " " + t("opportunity.report.intro", "en"),
            figures=[
                ("产品×市场组合 pairs", str(table.height)),
                ("有出口潜力估计 pairs with a potential estimate", str(estimated)),
                ("当前可行 feasible now", str(feasible_n)),
                ("被准入要求阻断 blocked by a requirement", str(table.height - feasible_n)),
                ("需求为代理值 demand is a proxy", f"{proxy_share * 100:.0f}%"),
                ("排序引擎 engine", str(result.trade.get("engine"))),
            ],
            svgs=[heatmap_svg(table, products, top_markets)],
            tables=[
                Table(
                    name="opportunity_potential",
                    frame=headline_frame,
                    confidence_column="confidence",
                    headers={
                        "line": "HS 品目 line",
                        "market": "市场 market",
                        "potential_usd": "出口潜力(美元) potential USD",
                        "realised_usd": "已实现(美元) realised USD",
                        "unrealised_usd": "未实现(美元) unrealised USD",
                        "demand": "需求 demand",
                        "products": "本省产品 products",
                        "confidence": "可信度 confidence",
                    },
                ),
                Table(name="opportunity_heatmap", frame=heat, headers={"product": "产品 product"}),
                Table(
                    name="opportunity_top20",
                    frame=top_frame,
                    confidence_column="confidence",
                    headers={
                        "rank": "名次 rank",
                        "product": "产品 product",
                        "market": "市场 market",
                        "score": "得分 score",
                        "potential_usd": "潜力(美元) potential USD",
                        "margin": "典型零售价毛利率 margin at typical retail",
                        "stability": "前20稳定性 top-20 stability",
                        "feasible": "可行 feasible",
                        "confidence": "可信度 confidence",
                        "reasons": "理由 reasons",
                        "requirements": "准入要求 requirements",
                    },
                ),
                Table(
                    name="opportunity_weights",
                    frame=weights,
                    headers={
                        "criterion": "指标 criterion",
                        "weight": "权重 weight",
                        "source": "来源 source",
                        "status": "数据 data",
                    },
                ),
                Table(
                    name="opportunity_unavailable",
                    frame=unavailable,
                    headers={"criterion": "未纳入指标 criterion left out", "status": "原因 why"},
                ),
            ],
            notes=[
                t("opportunity.report.heat_note", "zh") + " " + t("opportunity.report.heat_note", "en"),
                t("opportunity.note.baci", "zh") + " " + t("opportunity.note.baci", "en"),
            ],
            recommendations=headline_lines + recommendations(result.entries, ref, k=top, n=3),
        )
    ]


def _usd(value: float | None, lang: str) -> str:
    return t("opportunity.headline.unknown", lang) if value is None else format_value(value, "usd", lang)


def _headline(potential: pl.DataFrame | None, ref: ReferenceData, n: int) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """The headline table (``n`` lines x markets, measured demand first) and the five first as (zh, en) lines."""
    cols = ["line", "market", "potential_usd", "realised_usd", "unrealised_usd", "demand", "products", "confidence"]
    if potential is None or potential.height == 0:
        text = (t("opportunity.headline.none", "zh"), t("opportunity.headline.none", "en"))
        return pl.DataFrame(schema=dict.fromkeys(cols, pl.String)), [text]
    names = {r["id"]: r for r in ref.products.iter_rows(named=True)}
    markets = {r["iso2"]: r for r in ref.markets.iter_rows(named=True)}
    rows, lines = [], []
    for i, r in enumerate(potential.head(n).iter_rows(named=True)):
        rows.append(
            {
                "line": r["line"],
                "market": r["market"],
                "potential_usd": round(float(r["potential_usd"]), 0),
                "realised_usd": None if r["realised_usd"] is None else round(float(r["realised_usd"]), 0),
                "unrealised_usd": None if r["unrealised_usd"] is None else round(float(r["unrealised_usd"]), 0),
                "demand": "代理 proxy" if r["demand_proxy"] else "引用 cited",
                "products": ", ".join(names.get(p, {}).get("name_zh", p) for p in r["products"]),
                "confidence": r["potential_conf"],
            }
        )
        if i < 5:
            pair = []
            for lang in ("zh", "en"):
                open_products = [p for p in r["products"] if p not in (r["blocked_products"] or [])]
                sep = "、" if lang == "zh" else ", "
                pair.append(
                    t(
                        "opportunity.headline.line",
                        lang,
                        line=r["line"],
                        market=markets.get(r["market"], {}).get(f"name_{lang}", r["market"]),
                        potential=_usd(r["potential_usd"], lang),
                        realised=_usd(r["realised_usd"], lang),
                        unrealised=_usd(r["unrealised_usd"], lang),
                        products=sep.join(names.get(p, {}).get(f"name_{lang}", p) for p in open_products) or "—",
                    )
                )
            lines.append((pair[0], pair[1]))
    return pl.DataFrame(rows, infer_schema_length=None), lines


def recommendations(entries: list[dict[str, Any]], ref: ReferenceData, k: int, n: int = 5) -> list[tuple[str, str]]:
    """The ``n`` best feasible pairs of ``entries`` (ranked with top-``k`` stability) as one (zh, en)
    line each: product, market, score, stability, potential, the pair's weakest data confidence, the
    strongest reason for and the first market-entry requirement to meet."""
    products = {r["id"]: r for r in ref.products.iter_rows(named=True)}
    markets = {r["iso2"]: r for r in ref.markets.iter_rows(named=True)}
    lines = []
    for e in [e for e in entries if e["feasible"]][:n]:
        p, m = products.get(e["product"], {}), markets.get(e["market"], {})
        reason = next((r for r in e["reasons"] if r["direction"] == "for"), None)
        first = e["requirements"][0] if e["requirements"] else None
        line = []
        for lang in ("zh", "en"):
            conf = t(f"opportunity.conf.{e['confidence'] or 'unconfirmed'}", lang)
            potential = (
                t("opportunity.recommendation.no_potential", lang)
                if e["potential_usd"] is None
                else format_value(e["potential_usd"], "usd", lang)
            )
            text = t(
                "opportunity.recommendation",
                lang,
                product=p.get(f"name_{lang}", e["product"]),
                market=m.get(f"name_{lang}", e["market"]),
                iso2=e["market"],
                score=e["score"],
                k=k,
                stability=e["stability"] * 100,
                potential=potential,
                conf=conf,
            )
            if reason is not None:
                text += ("；" if lang == "zh" else "; ") + reason[f"text_{lang}"]
            if first is not None:
                text += t("opportunity.recommendation.first", lang, req=first["requirement"], auth=first["authority"])
                if len(e["requirements"]) > 1:
                    text += t("opportunity.recommendation.more", lang, more=len(e["requirements"]) - 1)
            line.append(text)
        lines.append((line[0], line[1]))
    return lines


__all__ = ["DEMO_SAMPLES", "DEMO_TOP", "RankedPairs", "heatmap_svg", "opportunity_sections", "recommendations"]
