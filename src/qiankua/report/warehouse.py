"""The report's warehouse section (9610 / 9810 / 9710 per SKU x market) and the CLI's plan printout.

Presentation only: the plan document comes from :func:`qiankua.services.warehouse.plan`.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from qiankua.i18n import t
from qiankua.i18n.warehouse import flag_text
from qiankua.report.model import BarChart, Section, Table

__all__ = ["print_plan", "warehouse_sections"]

SAMPLE_NOTE = (
    "销售记录为内置【合成样例】数据（随机生成，非真实销售），仅供演示。"
    " The sales history is the bundled SYNTHETIC SAMPLE (randomly generated, not real sales), for demonstration only."
)


def _channel(ch: str | None, lang: str) -> str:
    return "—" if ch is None else t(f"warehouse.ch.{ch}", lang)


def _rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for it in doc["items"]:
        d = it["decision"]
        rep = it.get("replenishment") or {}
        pol = rep.get("policy") or {}
        sim = rep.get("simulation") or {}
        for ch, c in d["channels"].items():
            rows.append(
                {
                    "sku": it["sku"],
                    "market": it["market"],
                    "monthly_units": round(it["monthly_volume"], 1),
                    "method": it["forecast"]["method"],
                    "channel": ch,
                    "unit_cost_cny": round(c["unit_cost_cny"], 2),
                    "margin_cny": None if c["margin_cny"] is None else round(c["margin_cny"], 2),
                    "break_even_units": None
                    if d["break_even"].get(ch) is None
                    else round(float(d["break_even"][ch]), 1),
                    "recommended": ch == d["recommended"],
                    "reorder_point": round(pol["reorder_point"], 1) if ch == rep.get("channel") else None,
                    "shipment_qty": round(pol["order_qty"], 1) if ch == rep.get("channel") else None,
                    "sim_cycle_service": round(sim["cycle_service"], 3) if ch == rep.get("channel") else None,
                    "reorder_point_simulated": round(rep["reorder_point_simulated"]["reorder_point"], 1)
                    if ch == rep.get("channel")
                    else None,
                    "confidence": "unconfirmed" if it["flags"] else "likely",
                }
            )
    return rows


_HEADERS = {
    "sku": "产品 SKU",
    "market": "市场 market",
    "monthly_units": "预测月销量 units/month",
    "method": "预测方法 method",
    "channel": "渠道 channel",
    "unit_cost_cny": "单位成本 CNY/unit",
    "margin_cny": "单位毛利 margin CNY",
    "break_even_units": "相对9610盈亏平衡月销量 break-even vs 9610",
    "recommended": "推荐 recommended",
    "reorder_point": "再订货点 reorder point",
    "shipment_qty": "每次发货 shipment",
    "sim_cycle_service": "模拟周期服务水平 simulated CSL",
    "reorder_point_simulated": "模拟校准再订货点 calibrated reorder point",
    "confidence": "可信度 confidence",
}


def warehouse_sections(ref: Any, doc: dict[str, Any]) -> list[Section]:
    """Report section and sheet: the channel comparison and replenishment plan per SKU x market."""
    rows = _rows(doc)
    frame = pl.DataFrame(rows) if rows else pl.DataFrame({"sku": []})
    flags = pl.DataFrame(
        [
            {"sku": it["sku"], "market": it["market"], "flag_zh": flag_text(f, "zh"), "flag_en": flag_text(f, "en")}
            for it in doc["items"]
            for f in it["flags"]
        ]
        or [{"sku": "", "market": "", "flag_zh": "", "flag_en": ""}]
    )
    recs = []
    for it in doc["items"]:
        ch = it["decision"]["recommended"]
        if ch is None:
            continue
        units = f"{it['monthly_volume']:.0f}"
        recs.append(
            (
                f"{it['sku']} → {it['market']}：{_channel(ch, 'zh')}（预测月销量 {units}）",
                f"{it['sku']} → {it['market']}: {_channel(ch, 'en')} (forecast {units} units/month)",
            )
        )
    chart = BarChart(
        title="推荐渠道的单位成本 unit cost of the recommended channel (CNY)",
        labels=[f"{it['sku']}·{it['market']}" for it in doc["items"] if it["decision"]["recommended"]],
        values=[
            float(it["decision"]["channels"][it["decision"]["recommended"]]["unit_cost_cny"])
            for it in doc["items"]
            if it["decision"]["recommended"]
        ],
        unit="CNY",
    )
    notes = [
        "9810 成本 = 货值/关税/平台费（costing 9810 报价）+ 头程（routing 整票运价按发货量摊分）+ 正式报关费用（美国 MPF/HMF）"
        "+ 仓储/配送费（FBA 费卡或第三方仓价目表）+ 库存资金占用。缺失的费用不按 0 计，而是列为缺失。"
        " 9810 cost = goods, duty and platform fees (costing 9810 quote) + line-haul (routing, per shipment) + "
        "formal-entry fees (US MPF/HMF) + warehouse fees (FBA card or 3PL list) + cash in stock. Missing fees are "
        "listed as missing, never priced at zero.",
    ]
    if doc.get("synthetic_sample"):
        notes.insert(0, SAMPLE_NOTE)
    return [
        Section(
            key="warehouse",
            title_zh="海外仓还是直邮（9610 / 9810 / 9710）",
            title_en="Overseas warehouse or direct parcel (9610 / 9810 / 9710)",
            intro=(
                ("【合成样例数据】" if doc.get("synthetic_sample") else "")
                + "按 SKU × 市场：需求预测（statsforecast，按 Syntetos-Boylan 分类选模型并回测）、各渠道单位成本与毛利、"
                "盈亏平衡月销量、推荐渠道与补货计划（经模拟验证）。"
                " Per SKU x market: demand forecast (statsforecast, model chosen by the Syntetos-Boylan class and "
                "back-tested), unit cost and margin of each channel, break-even volumes, the recommendation and a "
                "replenishment plan checked by simulation."
            ),
            figures=[
                ("SKU × 市场 pairs", str(len(doc["items"]))),
                (
                    "推荐海外仓 warehouse recommended",
                    str(sum(1 for r in rows if r["recommended"] and r["channel"].startswith("9810"))),
                ),
                ("服务水平 service level", f"{doc['service_level']:.0%}"),
            ],
            charts=[chart] if chart.values else [],
            tables=[
                Table(name="渠道比较 channels", frame=frame, headers=_HEADERS, confidence_column="confidence"),
                Table(
                    name="估算与缺失 estimates",
                    frame=flags,
                    headers={"sku": "SKU", "market": "市场 market", "flag_zh": "估算依据", "flag_en": "estimate"},
                ),
            ],
            notes=notes,
            recommendations=recs,
        )
    ]


def print_plan(doc: dict[str, Any], lang: str, out: Any) -> None:
    """The plan on a terminal: one block per SKU x market."""
    from rich.table import Table as RichTable

    if doc.get("synthetic_sample"):
        out.print(t("warehouse.plan.sample", lang), style="bold yellow")
    if not doc["items"]:
        out.print(t("warehouse.none", lang))
    for it in doc["items"]:
        d = it["decision"]
        table = RichTable(
            t("warehouse.col.channel", lang),
            t("warehouse.col.unit_cost", lang),
            t("warehouse.col.margin", lang),
            t("warehouse.col.breakeven", lang),
            title=t("warehouse.plan.title", lang, sku=it["sku"], market=it["market"]),
        )
        for ch, c in d["channels"].items():
            mark = " ★" if ch == d["recommended"] else ""
            be = d["break_even"].get(ch)
            table.add_row(
                _channel(ch, lang) + mark,
                f"{c['unit_cost_cny']:,.2f}",
                "" if c["margin_cny"] is None else f"{c['margin_cny']:,.2f}",
                "" if be is None else f"{be:,.1f}",
            )
        for ch, why in d["missing"].items():
            table.add_row(_channel(ch, lang), "—", "—", t(f"warehouse.missing.{why}", lang))
        out.print(table)
        out.print(
            t("warehouse.rec", lang, channel=_channel(d["recommended"], lang), units=f"{it['monthly_volume']:.1f}")
        )
        rep = it.get("replenishment")
        if rep:
            p = rep["policy"]
            out.print(
                t("warehouse.replenish", lang, ss=f"{p['safety_stock']:.0f}", rop=f"{p['reorder_point']:.0f}",
                  q=f"{p['order_qty']:.0f}", days=f"{rep['ship_every_days']:.0f}", route=rep["route"]["service"],
                  lt=f"{rep['route']['lead_days']:.0f}"),
                markup=False,
            )  # fmt: skip
            s = rep["simulation"]
            out.print(
                t("warehouse.sim", lang, csl=f"{s['cycle_service']:.1%}", target=f"{doc['service_level']:.0%}",
                  fill=f"{s['fill_rate']:.1%}", stock=f"{s['average_on_hand']:.0f}"),
                markup=False,
            )  # fmt: skip
            cal = rep["reorder_point_simulated"]
            out.print(
                t("warehouse.sim_cal", lang, rop=f"{cal['reorder_point']:.0f}", csl=f"{cal['cycle_service']:.1%}")
            )
        out.print(
            f"{t('warehouse.col.flags', lang)}: " + "; ".join(flag_text(f, lang) for f in it["flags"]), markup=False
        )
