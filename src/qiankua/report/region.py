"""Report section of the regional evaluation: where Guizhou stands, its band, what holds it back, the coverage."""

from __future__ import annotations

from typing import Any

import polars as pl

from qiankua.reference import ReferenceData
from qiankua.report.model import BarChart, Section, Table


def region_sections(ref: ReferenceData, doc: dict[str, Any] | None) -> list[Section]:
    """One section from :func:`qiankua.services.region.evaluate_region`'s document (None: no panel yet)."""
    if doc is None or "unavailable" in doc:
        coverage = pl.DataFrame(
            [
                {
                    "indicator": f"{c['indicator_zh']} {c['indicator_en']}",
                    "years": f"{c['first_year']}-{c['last_year']}" if c["cells"] else "—",
                    "areas": c["areas"],
                    "cells": c["cells"],
                }
                for c in (doc or {}).get("coverage", [])
            ],
            schema={"indicator": pl.Utf8, "years": pl.Utf8, "areas": pl.Int64, "cells": pl.Int64},
        )
        return [
            Section(
                key="region",
                title_zh="区域评价：数字基础与跨境电商",
                title_en="Regional evaluation: digital foundations and CBEC",
                intro="内置省级面板尚不足以评价（下表为其覆盖情况，缺失即缺失、不作填补）；导入「区域指标面板」"
                "（qiankua data import FILE --table region_panel）后即可评价。 / The built-in provincial panel is too "
                "thin to evaluate (its coverage below; missing stays missing); import a regional indicator panel "
                "(qiankua data import FILE --table region_panel) to run the evaluation.",
                tables=[
                    Table(
                        name="region_coverage",
                        frame=coverage,
                        headers={
                            "indicator": "指标 Indicator",
                            "years": "年份 Years",
                            "areas": "地区数 Areas",
                            "cells": "数值个数 Cells",
                        },
                    )
                ],
                notes=[(doc or {}).get("unavailable", "")],
            )
        ]
    latest = doc["years"][1]
    rows = sorted((r for r in doc["scores"] if r["year"] == latest and r["d"] is not None), key=lambda r: r["rank_d"])
    table = pl.DataFrame(
        [
            {
                "rank": r["rank_d"],
                "area": f"{r['name_zh']} {r['name_en']}",
                "u_digital": round(r["u_digital"], 4),
                "u_cbec": round(r["u_cbec"], 4),
                "c": round(r["c"], 4),
                "c_traditional": round(r["c_traditional"], 4),
                "d": round(r["d"], 4),
                "band": f"{r['band_zh']} {r['band_en']}",
            }
            for r in rows
        ]
    )
    gz = next((r for r in rows if r["area"] == doc.get("focus")), None)
    figures: list[tuple[str, str]] = []
    recs: list[tuple[str, str]] = []
    if gz is not None:
        figures = [
            ("贵州协调度 D / Guizhou D", f"{gz['d']:.3f} ({gz['band_zh']} / {gz['band_en']})"),
            ("贵州排名 / Guizhou rank", f"{gz['rank_d']} / {len(rows)}"),
        ]
        top = [o for o in doc["obstacles"] if o["area"] == gz["area"]][:3]
        if top:
            recs.append(
                (
                    "贵州的主要障碍因子：" + "、".join(o["indicator_zh"] for o in top),
                    "Guizhou's main obstacle factors: " + ", ".join(o["indicator_en"] for o in top),
                )
            )
    gap = [g for g in doc["gap"] if g["reference"] == "median"]
    chart = BarChart(
        title="贵州与全国中位省份的 T 差距（按指标）/ Guizhou's gap in T to the median province, by indicator",
        labels=[f"{g['indicator_zh']} {g['indicator_en']}" for g in gap],
        values=[round(g["contribution"], 4) for g in gap],
    )
    coverage = pl.DataFrame(
        [
            {"indicator": f"{c['indicator_zh']} {c['indicator_en']}", "present": c["present"], "share": c["share"]}
            for c in doc["coverage"]
        ]
    )
    return [
        Section(
            key="region",
            title_zh="区域评价：数字基础与跨境电商的耦合协调",
            title_en="Regional evaluation: coupling coordination of digital foundations and CBEC",
            intro=f"{doc['method_note']['zh']} / {doc['method_note']['en']}",
            figures=figures,
            charts=[chart] if gap else [],
            tables=[
                Table(
                    name="region_ranking",
                    frame=table,
                    headers={
                        "rank": "名次 Rank",
                        "area": "地区 Area",
                        "u_digital": "数字基础指数 Digital index",
                        "u_cbec": "跨境电商指数 CBEC index",
                        "c": "修正 C Corrected C",
                        "c_traditional": "传统 C Traditional C",
                        "d": "协调度 D",
                        "band": "等级 Band",
                    },
                ),
                Table(
                    name="region_coverage",
                    frame=coverage,
                    headers={
                        "indicator": "指标 Indicator",
                        "present": "有值单元格 Cells present",
                        "share": "覆盖率 Share",
                    },
                ),
            ],
            notes=[f"{f['zh']} / {f['en']}" for f in doc["flags"]],
            recommendations=recs,
        )
    ]
