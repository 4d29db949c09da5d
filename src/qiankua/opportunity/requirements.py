"""Market-entry requirements as data: which rules apply to a product in a market.

Rows come from the reference table ``market_entry_requirements`` (restated from
../shared/research/requirements_market_entry.csv and demand_requirements.md section B): market
(ISO alpha-2, or ``EU`` / ``EAEU`` meaning every member of that customs union), HS scope,
severity (blocker / registration / certification / labelling), authority, link, source and
confidence. A *blocker* that the user has not marked as met makes the pair infeasible — it is
reported, never folded into the score.

Scope tokens: HS prefixes (4 or 6 digits), ``food`` (every food and drink category of the
catalogue) and ``prepacked_food`` (food that is not fresh produce). ``min_net_g`` limits a rule
to products whose net mass per unit exceeds it (UK silver hallmarking above 7.78 g).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from qiankua.schema import ColumnSpec, TableSpec
from qiankua.vocabulary import CONFIDENCE_LEVELS

SEVERITIES = ("blocker", "registration", "certification", "labelling")
CONFIDENCES = CONFIDENCE_LEVELS
FOOD_CATEGORIES = frozenset({"baijiu", "tea", "condiment", "fruit_fresh", "fruit_processed", "herbal", "food_other"})
#: compliance-burden points per open requirement (project convention, documented in the report)
BURDEN_POINTS = {"blocker": 0, "registration": 2, "certification": 2, "labelling": 1}

REQUIREMENTS_SPEC = TableSpec(
    name="market_entry_requirements",
    title_zh="市场准入要求",
    title_en="Market-entry requirements",
    key=("req_id",),
    columns=(
        ColumnSpec(name="req_id", zh="编号", required=True, pattern=r"[a-z0-9-]+"),
        ColumnSpec(name="market", zh="市场", required=True, pattern=r"[A-Z]{2}|EU|EAEU"),
        ColumnSpec(name="authority", zh="主管机构", required=True),
        ColumnSpec(name="requirement", zh="要求", required=True),
        ColumnSpec(name="authority_zh", zh="主管机构（中文）", required=True),
        ColumnSpec(name="requirement_zh", zh="要求（中文）", required=True),
        ColumnSpec(
            name="hs_scope",
            zh="HS范围",
            required=True,
            pattern=r"(\d{4}(\d{2})?|food|prepacked_food)(;(\d{4}(\d{2})?|food|prepacked_food))*",
        ),
        ColumnSpec(name="severity", zh="严重程度", required=True, choices=SEVERITIES),
        ColumnSpec(name="min_net_g", zh="最低净重(克)", kind="float", ge=0),
        ColumnSpec(name="url", zh="链接"),
        ColumnSpec(name="valid_from", zh="生效日", kind="date"),
        ColumnSpec(name="valid_to", zh="失效日", kind="date"),
        ColumnSpec(name="source_id", zh="来源", required=True),
        ColumnSpec(name="confidence", zh="可信度", required=True, choices=CONFIDENCES),
        ColumnSpec(name="note", zh="备注"),
    ),
)

DEMAND_SPEC = TableSpec(
    name="trade_demand_figures",
    title_zh="进口需求数据（引用）",
    title_en="Cited import-demand figures",
    key=("figure_id",),
    columns=(
        ColumnSpec(name="figure_id", zh="编号", required=True),
        ColumnSpec(name="hs_prefixes", zh="HS前缀", required=True, pattern=r"\d{4,6}(;\d{4,6})*"),
        ColumnSpec(name="product_label", zh="产品", required=True),
        ColumnSpec(name="metric", zh="指标", required=True),
        ColumnSpec(name="reporter", zh="报告方", required=True),
        ColumnSpec(name="partner", zh="伙伴", required=True),
        ColumnSpec(name="value", zh="数值", kind="float", ge=0),
        ColumnSpec(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        ColumnSpec(name="period", zh="期间", required=True, choices=("year", "jan_sep")),
        ColumnSpec(name="year", zh="年份", kind="int", required=True, ge=1990, le=2100),
        ColumnSpec(name="unit_note", zh="单位说明"),
        ColumnSpec(name="source_id", zh="来源", required=True),
        ColumnSpec(name="confidence", zh="可信度", required=True, choices=CONFIDENCES),
        ColumnSpec(name="note", zh="备注"),
    ),
)

REQUIREMENT_COLUMNS = (
    "product",
    "market",
    "req_id",
    "severity",
    "authority",
    "requirement",
    "authority_zh",
    "requirement_zh",
    "url",
    "confidence",
    "met",
)

#: the row generated for fresh produce without a phytosanitary-access row (see :func:`applicable_requirements`)
PHYTO_UNVERIFIED = {
    "req_id": "phyto-unverified",
    "severity": "certification",
    "authority": "NPPO",
    "requirement": "Phytosanitary market access for this fresh product from China not verified in the built-in "
    "data; check the importing country's plant-protection rules",
    "authority_zh": "进口国国家植物保护机构（NPPO）",
    "requirement_zh": "内置数据未核实这一中国产鲜品的植物检疫市场准入；请查询进口国的植物保护规定",
    "url": None,
    "confidence": "unconfirmed",
}


def _scope_matches(tokens: list[str], hs6: str, category: str, fresh: bool) -> bool:
    for tok in tokens:
        if tok == "food" and category in FOOD_CATEGORIES:
            return True
        if tok == "prepacked_food" and category in FOOD_CATEGORIES and not fresh:
            return True
        if tok[0].isdigit() and hs6.startswith(tok):
            return True
    return False


def applicable_requirements(
    products: pl.DataFrame,
    markets: pl.DataFrame,
    requirements: pl.DataFrame,
    *,
    on: dt.date | None = None,
    met: frozenset[str] | set[str] = frozenset(),
) -> pl.DataFrame:
    """One row per (product, market, requirement) that applies on ``on`` (default: today), its text in English
    (``authority``, ``requirement``) and Chinese (``authority_zh``, ``requirement_zh``: translations of the same
    row, with its source and confidence).

    ``products`` needs id, hs6, category, fresh, unit_net_kg; ``markets`` iso2, customs_union.
    Fresh produce in a market with no phytosanitary-access row for its HS line gets a generated
    ``phyto-unverified`` certification row (confidence unconfirmed): access is unknown, not granted.
    """
    day = on or dt.date.today()
    union_members: dict[str, list[str]] = {}
    for iso2, union in markets.select("iso2", "customs_union").iter_rows():
        union_members.setdefault(iso2, []).append(iso2)
        if union:
            union_members.setdefault(union, []).append(iso2)
    reqs = []
    for r in requirements.iter_rows(named=True):
        vf, vt = r.get("valid_from"), r.get("valid_to")
        if (vf is not None and day < vf) or (vt is not None and day >= vt):
            continue
        reqs.append((r, r["hs_scope"].split(";"), union_members.get(r["market"], [])))
    rows: list[dict[str, object]] = []
    for p in products.select("id", "hs6", "category", "fresh", "unit_net_kg").iter_rows(named=True):
        hs6, cat, fresh = p["hs6"] or "", p["category"] or "", bool(p["fresh"])
        net_g = (p["unit_net_kg"] or 0.0) * 1000.0
        covered: set[str] = set()
        for r, tokens, members in reqs:
            if not members or not _scope_matches(tokens, hs6, cat, fresh):
                continue
            if r["min_net_g"] is not None and net_g <= r["min_net_g"]:
                continue
            specific = any(t[0].isdigit() and hs6.startswith(t) for t in tokens)
            for iso2 in members:
                if fresh and specific:
                    covered.add(iso2)
                rows.append(
                    {
                        "product": p["id"],
                        "market": iso2,
                        "req_id": r["req_id"],
                        "severity": r["severity"],
                        "authority": r["authority"],
                        "requirement": r["requirement"],
                        "authority_zh": r.get("authority_zh") or r["authority"],
                        "requirement_zh": r.get("requirement_zh") or r["requirement"],
                        "url": r["url"],
                        "confidence": r["confidence"],
                        "met": r["req_id"] in met,
                    }
                )
        if fresh:
            for iso2 in markets["iso2"].to_list():
                if iso2 not in covered:
                    rows.append(
                        {"product": p["id"], "market": iso2, **PHYTO_UNVERIFIED, "met": "phyto-unverified" in met}
                    )
    schema = {
        "product": pl.String,
        "market": pl.String,
        "req_id": pl.String,
        "severity": pl.String,
        "authority": pl.String,
        "requirement": pl.String,
        "authority_zh": pl.String,
        "requirement_zh": pl.String,
        "url": pl.String,
        "confidence": pl.String,
        "met": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


def pair_compliance(applicable: pl.DataFrame) -> pl.DataFrame:
    """Per (product, market): open blockers, compliance-burden points, requirement count."""
    points = pl.col("severity").replace_strict(BURDEN_POINTS, return_dtype=pl.Float64)
    open_ = ~pl.col("met")
    return applicable.group_by("product", "market").agg(
        blockers=(open_ & (pl.col("severity") == "blocker")).sum().cast(pl.Int64),
        compliance_burden=pl.when(open_).then(points).otherwise(0.0).sum(),
        requirements_n=pl.len().cast(pl.Int64),
    )
