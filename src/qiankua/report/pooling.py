"""The report's pooling section: a week of small exporters' cartons pooled, with a fair cost split.

Presentation only: the plan comes from :func:`qiankua.services.pooling.plan_file`, run for the
demo by :mod:`qiankua.services.demo`.
"""

from __future__ import annotations

from typing import Any, Protocol

import polars as pl

from qiankua.i18n import fmt_number
from qiankua.pooling import PoolResult
from qiankua.reference import ReferenceData
from qiankua.report.model import BarChart, Section, Table


class PoolPlan(Protocol):
    """The demo's pool: the plan, how long it took, and the line-haul options it chose from."""

    @property
    def result(self) -> PoolResult: ...
    @property
    def seconds(self) -> float: ...
    @property
    def options(self) -> pl.DataFrame: ...


def pooling_sections(ref: ReferenceData, demo: PoolPlan) -> list[Section]:
    """The pooled-shipping section: exporters' shares and savings, pickups, loads, line-haul options."""
    result, took = demo.result, demo.seconds
    d: dict[str, Any] = result.to_dict(placements=False)
    biggest = max((x for x in result.decisions if x.loading is not None), key=lambda x: x.m3, default=None)
    placements = (
        pl.DataFrame([{**p.to_dict(), "unit": p.unit + 1} for p in biggest.loading.placements if p.unit == 0])
        if biggest is not None and biggest.loading
        else pl.DataFrame()
    )
    ex = pl.DataFrame(
        [
            {
                k: e[k]
                for k in (
                    "id",
                    "cartons",
                    "kg",
                    "m3",
                    "standalone_cny",
                    "share_cny",
                    "saving_cny",
                    "saving_pct",
                    "shapley_ci_cny",
                )
            }
            for e in d["exporters"]
        ]
    )
    routes = pl.DataFrame(
        [
            {
                "vehicle": r["vehicle"],
                "stops": " → ".join(r["stops"]),
                "km": r["km"],
                "hours": r["hours"],
                "kg": r["kg"],
                "m3": r["m3"],
                "cost_cny": r["cost_cny"],
            }
            for r in d["routes"]
        ]
    )
    loads = pl.DataFrame(
        [
            {
                "destination": x["destination"],
                "group": x["group"],
                "mode": x["mode"],
                "cost_cny": x["cost_cny"],
                "load_unit": x["load_unit"] or "",
                "units": x["units_used"],
                "lower_bound_units": x["lower_bound_units"],
                "utilisation": ", ".join(f"{u:.0%}" for u in x.get("utilisation", [])),
                "kg": x["kg"],
                "m3": x["m3"],
                "alternatives_cny": "; ".join(f"{k} {v:,.0f}" for k, v in x["alternatives_cny"].items()),
                "confidence": x["confidence"],
            }
            for x in d["loads"]
        ]
    )
    saving = d["total_saving_cny"]
    core = d["core"]
    lang = "en"
    figures = [
        ("出口企业 / exporters", str(len(d["exporters"]))),
        ("单独发运合计 / total stand-alone (CNY)", fmt_number(d["total_standalone_cny"], lang, 2)),
        ("拼货总成本 / pooled cost (CNY)", fmt_number(d["total_pooled_cny"], lang, 2)),
        ("节省 / saving (CNY)", f"{fmt_number(saving, lang, 2)} ({saving / d['total_standalone_cny']:.0%})"),
        ("分摊在核心内 / split in the core", "yes / 是" if d["in_core"] else "no / 否"),
    ]
    notes = [
        "Sample week built in: 25 exporters in Qiandongnan and Qiannan, products from the catalogue; carton sizes "
        "and counts are illustrative (taken from catalogue carton figures, not from real orders). / 演示数据：卡箱尺寸与数量为示意。",
        f"Shapley value ({d['shapley'].replace('_', ' ')}) over {d['coalitions_evaluated']} coalitions (exact up to 12 "
        "exporters, Monte Carlo permutation sampling beyond; the ± column is the 95% confidence half-width); coalitions other than each exporter alone and the whole pool "
        "are costed at fast fidelity (savings heuristic routing, container counts from the loader's achieved fill).",
        f"Core check: worst coalition {', '.join(core['worst_coalition'])} pays {core['worst_excess_cny']:,.2f} CNY "
        f"{'more' if core['worst_excess_cny'] > 0 else 'less'} than alone ({core['coalitions_checked']} coalitions checked"
        f"{'' if core['exhaustive'] else ', not exhaustive'}); least-core epsilon {core['least_core_epsilon_cny']}.",
        "Road distances are great circle x circuity (1.25 expressway, 1.5 county roads) and speeds by road class: "
        "estimates flagged unconfirmed. Line-haul prices: Drewry WCI / SCFI / Freightos indices plus estimated "
        "pre-carriage; LCL rates are derived, not quoted (unconfirmed).",
        "The container loader is an extreme-point heuristic written for qiankua; 'lower_bound_units' is the volume/"
        "weight bound, so the container count is at most (containers - lower bound) above optimal.",
        f"Pickup plan: PyVRP, seed 1, {d['routing_iterations']} iterations (stopped by {d['routing_stopped_by']}); "
        f"whole plan in {took:.1f} s. Overall confidence: {d['confidence']}.",
    ]
    return [
        Section(
            key="pooling",
            title_zh="拼货发运：提货路线、装箱与公平分摊",
            title_en="Pooled shipping: pickups, loading and a fair split",
            intro="A Guiyang 3PL pools one week of cartons from 25 small exporters to US, DE and MY. "
            "/ 贵阳第三方物流为25家小微出口企业拼货发往美国、德国、马来西亚。",
            figures=figures,
            charts=[
                BarChart(
                    title="节省比例 / saving vs shipping alone",
                    labels=[e["id"] for e in d["exporters"]],
                    values=[e["saving_pct"] for e in d["exporters"]],
                    unit="%",
                )
            ],
            tables=[
                Table(
                    name="pool_exporters",
                    frame=ex,
                    headers={
                        "id": "出口企业 / exporter",
                        "cartons": "箱数 / cartons",
                        "kg": "kg",
                        "m3": "m3",
                        "standalone_cny": "单独发运 / stand-alone CNY",
                        "share_cny": "分摊 / share CNY",
                        "saving_cny": "节省 / saving CNY",
                        "saving_pct": "节省% / saving %",
                        "shapley_ci_cny": "± 95% CI CNY",
                    },
                ),
                Table(
                    name="pool_routes", frame=routes, headers={"vehicle": "车辆 / vehicle", "stops": "提货点 / stops"}
                ),
                Table(
                    name="pool_loads",
                    frame=loads,
                    headers={"destination": "目的市场 / market", "mode": "方式 / mode"},
                    confidence_column="confidence",
                ),
                Table(
                    name="pool_linehaul_options",
                    frame=demo.options,
                    confidence_column="confidence",
                    headers={"market": "市场 / market", "mode": "方式 / mode"},
                ),
                *(
                    [
                        Table(
                            name="pool_placements",
                            frame=placements,
                            headers={
                                "key": f"装载位置（{biggest.market} {biggest.group}，第1个{biggest.load_unit}） / placements in "
                                f"the first {biggest.load_unit} of {biggest.market} {biggest.group} (cm)"
                            },
                        )
                    ]
                    if biggest is not None and placements.height
                    else []
                ),
            ],
            notes=notes,
        )
    ]


__all__ = ["PoolPlan", "pooling_sections"]
