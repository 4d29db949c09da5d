"""The report's route-planning section: Pareto routes and the recommended one per product and market.

Presentation only: the plans come from :func:`qiankua.routing.plan`, run for the demo by
:mod:`qiankua.services.demo`.
"""

from __future__ import annotations

from typing import Any, Protocol

import polars as pl

from qiankua.domain import Product
from qiankua.reference import ReferenceData
from qiankua.report.model import Section, Table
from qiankua.routing import Network, RouteResult


class RoutePlans(Protocol):
    """Route plans of the demo: (product, market, result) and the network they were planned on."""

    @property
    def network(self) -> Network: ...
    @property
    def plans(self) -> list[tuple[Product, str, RouteResult]]: ...


def routing_sections(ref: ReferenceData, demo: RoutePlans) -> list[Section]:
    """Report section: representative products from their counties to a few markets, one plan each."""
    network = demo.network
    rows: list[dict[str, Any]] = []
    excl: list[dict[str, Any]] = []
    for product, market, result in demo.plans:
        if not result.routes:
            rows.append(
                {
                    "product": product.name_zh,
                    "county": product.origin_adcode,
                    "market": market,
                    "route": "无可行线路 no feasible route",
                    "main_mode": None,
                    "cost_cny": None,
                    "days": None,
                    "kg_co2e": None,
                    "recommended": False,
                    "confidence": "unconfirmed",
                }
            )
        for r in result.routes:
            rows.append(
                {
                    "product": product.name_zh,
                    "county": product.origin_adcode,
                    "market": market,
                    "route": r.label,
                    "main_mode": r.main_mode,
                    "cost_cny": round(r.cost_cny, 2),
                    "days": round(r.days, 1),
                    "kg_co2e": round(r.kg_co2e, 1),
                    "recommended": r.recommended,
                    "confidence": r.confidence.value,
                }
            )
        for e in result.excluded:
            excl.append(
                {
                    "product": product.name_zh,
                    "market": market,
                    "service": e.service,
                    "reason_zh": e.reason_zh,
                    "reason_en": e.reason_en,
                }
            )
    frame = pl.DataFrame(rows)
    rec = frame.filter(pl.col("recommended"))
    excluded = (
        pl.DataFrame(excl).unique(subset=["product", "service", "reason_en"], maintain_order=True)
        if excl
        else pl.DataFrame()
    )
    headers = {
        "product": "产品 product",
        "county": "县 county",
        "market": "市场 market",
        "route": "线路 route",
        "main_mode": "主运输方式 main mode",
        "cost_cny": "运费 CNY",
        "days": "天 days",
        "kg_co2e": "kg CO2e",
        "recommended": "推荐 recommended",
        "confidence": "可信度 confidence",
    }
    tables = [
        Table(name="推荐线路 recommended", frame=rec, headers=headers, confidence_column="confidence"),
        Table(name="帕累托线路 Pareto routes", frame=frame, headers=headers, confidence_column="confidence"),
    ]
    if excluded.height:
        tables.append(
            Table(
                name="排除的服务 excluded services",
                frame=excluded,
                headers={
                    "product": "产品 product",
                    "market": "市场 market",
                    "service": "服务 service",
                    "reason_zh": "原因",
                    "reason_en": "reason",
                },
            )
        )
    return [
        Section(
            key="routing",
            title_zh="线路规划",
            title_en="Route planning",
            intro=(
                "从产地县到五个市场的线路：成本、时效与碳排放三目标的帕累托集合（精确的标号设定算法），"
                "以及按等权重推荐的线路。多数运价为估算值（unconfirmed），可导入自己的运价报价覆盖。"
                " Routes from the origin county to five markets: the exact cost / time / CO2e Pareto set "
                "(label-setting search) and the route recommended under equal weights. Most rates are estimates "
                "(unconfirmed); import your own freight quotes to override them."
            ),
            figures=[
                ("帕累托线路 Pareto routes", str(frame.filter(pl.col("cost_cny").is_not_null()).height)),
                ("网络边 network edges", str(len(network.edges))),
                ("市场 markets with routes", str(len(network.delivery))),
            ],
            tables=tables,
            notes=[
                "时间 = 运输 + 港口/口岸/海关停留；CO2e 按 ISO 14083 / GLEC WTW 吨公里强度。"
                " Time = transit + dwell at ports, borders and customs; CO2e per ISO 14083 / GLEC well-to-wheel tkm.",
            ],
        )
    ]


__all__ = ["RoutePlans", "routing_sections"]
