"""The report's costing sections: the catalogue's margin across markets, and the data coverage table.

Presentation only: the quotes and the coverage cells come from the costing use cases
(:func:`qiankua.services.costing.quote_table`, :func:`qiankua.services.costing.data_coverage`),
run for the demo by :mod:`qiankua.services.demo`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import polars as pl

from qiankua.costing.coverage import FIGURES
from qiankua.costing.engine import STATUS
from qiankua.reference import ReferenceData
from qiankua.report.model import Section, Table


class Coverage(Protocol):
    """What the coverage section reads from :class:`qiankua.services.costing.CoverageResult`."""

    def summary(self) -> pl.DataFrame: ...
    def to_dict(self) -> dict[str, Any]: ...


class CatalogueQuotes(Protocol):
    """The catalogue quoted in each market on one day, and the data coverage on that day."""

    @property
    def on(self) -> dt.date: ...
    @property
    def markets(self) -> tuple[str, ...]: ...
    @property
    def requests(self) -> pl.DataFrame: ...  # product_id, market, … one row per quote
    @property
    def quotes(self) -> pl.DataFrame: ...  # quote_table's result, row for row with requests
    @property
    def coverage(self) -> Coverage: ...


def margins_section(ref: ReferenceData, demo: CatalogueQuotes) -> Section:
    """Margin of the catalogue across markets (9610 postal parcels, AliExpress)."""
    res = demo.quotes
    table = (
        demo.requests.select("product_id", "market")
        .with_columns(
            margin=res["margin"], status=pl.Series(res["status"]).replace_strict(list(range(3)), list(STATUS))
        )
        .with_columns(
            cell=pl.when(pl.col("status") == "no_rule")
            .then(pl.lit("n/a"))
            .otherwise(
                (pl.col("margin") * 100).round(0).cast(pl.Int64).cast(pl.String)
                + "%"
                + pl.when(pl.col("status") == "incomplete").then(pl.lit("*")).otherwise(pl.lit(""))
            )
        )
        .pivot(on="market", index="product_id", values="cell")
        .join(ref.products.select(pl.col("id").alias("product_id"), "name_zh"), on="product_id", how="left")
        .select("product_id", "name_zh", *demo.markets)
    )
    return Section(
        key="costing",
        title_zh="落地成本与利润率",
        title_en="Landed cost and margin",
        intro=(
            "9610 邮政小包经速卖通于 2026-08-01 销售，标价 = 货值 × 3；利润率已扣除货值、物流（备用运价表）、关税、增值税/GST、"
            "消费税、平台与支付费用，并计入出口退税。* = 缺少某项税率（按 0 计并标注）；n/a = 该市场无规则或汇率。 "
            "9610 parcels via AliExpress on 2026-08-01, list price = 3x product value; margin after product cost, "
            "logistics (fallback rate table), duty, VAT/GST, excise, fees and export rebate. "
            "* = a rate is not on file (counted as 0 and flagged); n/a = no rule or FX for the market."
        ),
        figures=[("报价 quotes", str(res.height)), ("数据完整 complete", str(int((res["status"] == 0).sum())))],
        tables=[Table(name="margins", frame=table)],
    )


def coverage_section(result: Coverage, on: dt.date) -> Section:
    """The demo report's coverage table: per market, figures sourced by confidence and missing."""
    s = result.summary().with_columns(cell=pl.format("{}/{}/{} · {}", "confirmed", "likely", "unconfirmed", "missing"))
    wide = s.pivot(on="figure", index="market", values="cell").sort("market")
    wide = wide.rename({k: f"{FIGURES[k][0]} {FIGURES[k][1]}" for k in FIGURES if k in wide.columns})
    totals = result.to_dict()["totals"]
    return Section(
        key="coverage",
        title_zh="数据覆盖",
        title_en="Data coverage",
        intro=(
            f"目录商品 × 24 个主要市场，{on} 报价所需的各项数据：每格为 已证实/较可信/未证实 · 缺失 的 HS 税目数。"
            "缺失的数据在报价中按 0 计入并标注，绝不静默填充。 "
            f"Catalogue x 24 headline markets, the figures a quote on {on} needs: each cell counts HS lines "
            "confirmed/likely/unconfirmed · missing. A missing figure is counted as 0 and flagged in the quote, "
            "never filled silently."
        ),
        figures=[
            ("数据格 cells", str(totals["cells"])),
            ("已证实 confirmed", str(totals["confirmed"])),
            ("较可信 likely", str(totals["likely"])),
            ("未证实 unconfirmed", str(totals["unconfirmed"])),
            ("缺失 missing", str(totals["missing"])),
        ],
        tables=[Table(name="coverage", frame=wide)],
    )


def costing_sections(ref: ReferenceData, demo: CatalogueQuotes) -> list[Section]:
    """The landed-cost margin section, then the data coverage section."""
    return [margins_section(ref, demo), coverage_section(demo.coverage, demo.on)]


__all__ = ["CatalogueQuotes", "Coverage", "costing_sections", "coverage_section", "margins_section"]
