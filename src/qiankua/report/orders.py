"""The report's orders section: the weekly margin dashboard for a seller or an official.

Presentation only: the margin document comes from :func:`qiankua.services.orders.order_margins` (the demo:
:func:`qiankua.services.orders.demo_margins`, on the SAMPLE order exports). Margin by product, market and
platform (names, not codes), the order lines that lost money first, each line's variance to the quote
explained in words (FX moved, fee tier, duty, logistics invoiced vs estimated), the low-value (de minimis)
outcome of every order, and the carrier invoice lines that matched no order.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from qiankua.i18n import t
from qiankua.orders.margin import VARIANCE
from qiankua.report.model import BarChart, Section, Table
from qiankua.vocabulary import label

__all__ = ["SAMPLE_NOTE", "explain_variance", "orders_sections"]

SAMPLE_NOTE = (
    "订单、报价、承运商账单均为内置【示例数据】（虚构，非真实销售），仅供演示。"
    " The orders, quotes and carrier invoice are the bundled SAMPLE DATA (made up, not real sales), for "
    "demonstration only."
)
# a variance line smaller than this (CNY) is not worth a word
_SMALL = 0.5
_TOP_REASONS = 3


def _names(ref: Any) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    products = {r["id"]: (r["name_zh"] or r["id"], r["name_en"] or r["id"]) for r in ref.products.iter_rows(named=True)}
    markets = {
        r["iso2"]: (r["name_zh"] or r["iso2"], r["name_en"] or r["iso2"]) for r in ref.markets.iter_rows(named=True)
    }
    return products, markets


def _platform(code: str | None, lang: str) -> str:
    if code is None:
        return "—"
    own = t(f"orders.platform.{code}", lang)
    return own if own != f"orders.platform.{code}" else label("platform", code, lang)


def explain_variance(line: dict[str, Any], lang: str, top: int = _TOP_REASONS) -> str:
    """The largest variance lines of an order line against its quote, in words with their CNY amounts
    (``+`` raised the profit, ``−`` lowered it); empty without a quote."""
    if line.get("quoted_profit_cny") is None:
        return ""
    parts = [(v, line.get(v)) for v in VARIANCE]
    big = sorted(((v, x) for v, x in parts if x is not None and abs(x) >= _SMALL), key=lambda p: -abs(p[1]))
    sep = "；" if lang == "zh" else "; "
    return sep.join(f"{t(f'orders.v.{v}', lang)} {x:+,.2f}".replace("-", "−") for v, x in big[:top])


def _low_value(line: dict[str, Any], lang: str) -> str:
    basis = line.get("duty_basis")
    if basis is None:
        return ""
    text = t(f"orders.duty_basis.{basis}", lang)
    collector = line.get("vat_collector")
    if collector:
        text += ("，增值税" if lang == "zh" else ", VAT ") + t(f"orders.collector.{collector}", lang)
    return text


def _summary_frame(rows: list[dict[str, Any]], key: str, names: dict[str, tuple[str, str]] | None) -> pl.DataFrame:
    out = []
    for r in rows:
        code = r[key]
        if key == "platform":
            zh, en = _platform(code, "zh"), _platform(code, "en")
        elif names is not None:
            zh, en = names.get(code, (code, code))
        else:
            zh = en = str(code)
        out.append(
            {
                "name_zh": zh,
                "name_en": en,
                "lines": r["lines"],
                "quantity": r["quantity"],
                "revenue_cny": r["revenue_cny"],
                "profit_cny": r["profit_cny"],
                "margin": None if r["margin"] is None else round(100 * r["margin"], 1),
                "losing_lines": r["losing_lines"],
            }
        )
    return pl.DataFrame(out) if out else pl.DataFrame({"name_zh": [], "name_en": []})


_SUMMARY_HEADERS = {
    "name_zh": "名称",
    "name_en": "name",
    "lines": "订单行 lines",
    "quantity": "件数 units",
    "revenue_cny": "收入 revenue CNY",
    "profit_cny": "利润 profit CNY",
    "margin": "毛利率 margin %",
    "losing_lines": "亏损行 lines at a loss",
}

_LINE_HEADERS = {
    "order": "订单 order",
    "platform": "平台 platform",
    "product_zh": "产品",
    "product_en": "product",
    "market_zh": "市场",
    "market_en": "market",
    "order_date": "日期 date",
    "revenue_cny": "收入 revenue CNY",
    "profit_cny": "利润 profit CNY",
    "margin": "毛利率 margin %",
    "quoted_margin": "报价毛利率 quoted %",
    "why_zh": "与报价的差异（主要原因，元）",
    "why_en": "variance to the quote (main reasons, CNY)",
    "logistics": "物流依据 logistics",
    "low_value": "低值规则 low-value rule",
    "confidence": "可信度 confidence",
}


def _line_rows(
    doc: dict[str, Any], products: dict[str, tuple[str, str]], markets: dict[str, tuple[str, str]]
) -> pl.DataFrame:
    rows = []
    for r in doc["lines"]:
        if r.get("profit_cny") is None:
            continue
        pzh, pen = products.get(r["product_id"], (r["product_id"], r["product_id"]))
        mzh, men = markets.get(r["ship_country"], (r["ship_country"], r["ship_country"]))
        invoiced = r.get("logistics_invoiced_cny") is not None
        rows.append(
            {
                "order": r["order_id"],
                "platform": " / ".join(dict.fromkeys((_platform(r["platform"], "zh"), _platform(r["platform"], "en")))),
                "product_zh": pzh,
                "product_en": pen,
                "market_zh": mzh,
                "market_en": men,
                "order_date": str(r["order_date"]),
                "revenue_cny": r["revenue_cny"],
                "profit_cny": r["profit_cny"],
                "margin": None if r["margin"] is None else round(100 * r["margin"], 1),
                "quoted_margin": None if r.get("quoted_margin") is None else round(100 * r["quoted_margin"], 1),
                "why_zh": explain_variance(r, "zh"),
                "why_en": explain_variance(r, "en"),
                "logistics": "账单 invoiced" if invoiced else "估算 estimated",
                "low_value": " / ".join(x for x in (_low_value(r, "zh"), _low_value(r, "en")) if x),
                "confidence": "likely" if r["margin_status"] == "ok" and not r.get("flags") else "unconfirmed",
            }
        )
    # lines that lost money first (the service sorts by profit already; kept explicit)
    frame = pl.DataFrame(rows) if rows else pl.DataFrame({"order": []})
    return frame.sort("profit_cny") if rows else frame


def _low_value_rows(doc: dict[str, Any], markets: dict[str, tuple[str, str]]) -> pl.DataFrame:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for r in doc["lines"]:
        if r.get("duty_basis") is None or r.get("consignment_value") is None:
            continue
        key = (r["platform"], r["order_id"])
        if key in seen:
            continue
        mzh, men = markets.get(r["ship_country"], (r["ship_country"], r["ship_country"]))
        seen[key] = {
            "order": r["order_id"],
            "market_zh": mzh,
            "market_en": men,
            "lines": r.get("consignment_lines"),
            "value": round(r["consignment_value"], 2),
            "currency": r.get("threshold_currency"),
            "duty_de_minimis": r.get("duty_de_minimis"),
            "vat_de_minimis": r.get("vat_de_minimis"),
            "lvg_ceiling": r.get("lvg_ceiling"),
            "regime": r.get("regime"),
            "outcome": f"{_low_value(r, 'zh')} / {_low_value(r, 'en')}",
        }
    rows = list(seen.values())
    return pl.DataFrame(rows) if rows else pl.DataFrame({"order": []})


_LOW_HEADERS = {
    "order": "订单 order",
    "market_zh": "市场",
    "market_en": "market",
    "lines": "订单行 lines",
    "value": "订单申报货值 order value",
    "currency": "币种 currency",
    "duty_de_minimis": "关税起征点 duty de minimis",
    "vat_de_minimis": "增值税起征点 VAT de minimis",
    "lvg_ceiling": "低值商品上限 low-value ceiling",
    "regime": "规则 rule",
    "outcome": "结果 outcome",
}

_INVOICE_HEADERS = {
    "carrier": "承运商 carrier",
    "invoice_no": "账单号 invoice",
    "waybill_or_order": "运单号/订单号 waybill or order",
    "invoice_date": "账单日期 date",
    "amount": "金额 amount",
    "currency": "币种 currency",
    "amount_cny": "折合人民币 CNY",
    "reason": "未匹配原因 reason",
}


def _figure(value: Any, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def orders_sections(ref: Any, doc: dict[str, Any]) -> list[Section]:
    """Report section and sheets: the margin dashboard of ``doc`` (an :func:`order_margins` document)."""
    products, markets = _names(ref)
    sample = bool(doc.get("sample"))
    totals = doc.get("totals") or {}
    summary = doc.get("summary") or {}
    lines = _line_rows(doc, products, markets)
    tables = [
        Table(
            name="亏损在前 margin per order",
            frame=lines,
            headers=_LINE_HEADERS,
            confidence_column="confidence" if lines.height else None,
        ),
        Table(
            name="按产品 by product",
            frame=_summary_frame(summary.get("product_id", []), "product_id", products),
            headers=_SUMMARY_HEADERS,
        ),
        Table(
            name="按市场 by market",
            frame=_summary_frame(summary.get("ship_country", []), "ship_country", markets),
            headers=_SUMMARY_HEADERS,
        ),
        Table(
            name="按平台 by platform",
            frame=_summary_frame(summary.get("platform", []), "platform", None),
            headers=_SUMMARY_HEADERS,
        ),
        Table(name="低值规则 de minimis per order", frame=_low_value_rows(doc, markets), headers=_LOW_HEADERS),
    ]
    inv = doc.get("invoices")
    if inv and inv["unmatched"]:
        frame = pl.DataFrame(inv["unmatched"])
        # the reason texts are made in Python here, not in a polars UDF (map_elements runs Python on
        # polars' thread pool holding the GIL, which once deadlocked the server); a few rows at most
        reasons = [
            None if s is None else f"{t(f'orders.invoice.{s}', 'zh')} / {t(f'orders.invoice.{s}', 'en')}"
            for s in frame["invoice_status"].to_list()
        ]
        frame = frame.with_columns(
            reason=pl.Series("reason", reasons, dtype=pl.String),
            invoice_date=pl.col("invoice_date").cast(pl.String),
        )
        tables.append(
            Table(
                name="未匹配账单 unmatched invoices",
                frame=frame.select([c for c in _INVOICE_HEADERS if c in frame.columns]),
                headers=_INVOICE_HEADERS,
            )
        )
    charts = []
    by_product = summary.get("product_id", [])
    if by_product:
        charts.append(
            BarChart(
                title="按产品的利润 profit by product (CNY)",
                labels=[" ".join(products.get(r["product_id"], (r["product_id"],) * 2)) for r in by_product],
                values=[float(r["profit_cny"]) for r in by_product],
                unit="CNY",
            )
        )
    by_market = summary.get("ship_country", [])
    if by_market:
        charts.append(
            BarChart(
                title="按市场的利润 profit by market (CNY)",
                labels=[" ".join(markets.get(r["ship_country"], (r["ship_country"],) * 2)) for r in by_market],
                values=[float(r["profit_cny"]) for r in by_market],
                unit="CNY",
            )
        )
    recs = []
    for r in lines.head(3).iter_rows(named=True) if lines.height else []:
        if r["profit_cny"] >= 0:
            break
        recs.append(
            (
                f"订单 {r['order']}（{r['product_zh']} → {r['market_zh']}）亏损 {-r['profit_cny']:,.2f} 元"
                + (f"：{r['why_zh']}" if r["why_zh"] else ""),
                f"Order {r['order']} ({r['product_en']} → {r['market_en']}) lost CNY {-r['profit_cny']:,.2f}"
                + (f": {r['why_en']}" if r["why_en"] else ""),
            )
        )
    notes = [
        "每行成本来自成本引擎（订单当日的汇率、税率与平台费率）；起征点按整单（一个包裹）判断；有承运商账单的订单按账单计物流成本，"
        "差额列为“物流：账单与估算之差”。与报价的差异逐项拆分，各项之和等于利润与报价利润之差。"
        " Each line's costs come from the costing engine (the order date's FX, tax rules and platform fees); the "
        "de minimis is judged on the whole order (one parcel); where a carrier invoice matches, logistics is the "
        "invoiced amount and the difference is the line 'logistics: invoiced vs estimated'. The variance lines "
        "add up to the profit minus the quoted profit.",
        t("orders.invoices.hint", "zh") + " " + t("orders.invoices.hint", "en"),
    ]
    if sample:
        notes.insert(0, SAMPLE_NOTE)
    figures = [
        ("已核算订单行 lines priced", f"{totals.get('priced', 0)}/{totals.get('lines', 0)}"),
        ("亏损行 lines at a loss", str(totals.get("losing", 0))),
        ("收入 revenue CNY", _figure(totals.get("revenue_cny"))),
        ("利润 profit CNY", _figure(totals.get("profit_cny"))),
        ("毛利率 margin", "—" if totals.get("margin") is None else f"{totals['margin']:.1%}"),
        ("按账单计物流的行 lines with invoiced logistics", str(totals.get("invoiced_lines", 0))),
    ]
    if sample:
        figures = [(f"【示例 SAMPLE】{k}", v) for k, v in figures]
    return [
        Section(
            key="orders",
            title_zh="订单真实毛利（周看板）" + ("【示例数据】" if sample else ""),
            title_en="True margin per order (weekly dashboard)" + (" [SAMPLE DATA]" if sample else ""),
            intro=(
                ("【示例数据，虚构】" if sample else "")
                + "平台订单逐单核算落地成本与毛利，按产品、市场、平台汇总；亏损订单在前，并说明与报价的差异（汇率、费率档、关税、物流账单）。"
                + (" [SAMPLE DATA, made up] " if sample else " ")
                + "Platform orders priced one by one (landed cost and margin), summed by product, market and "
                "platform; orders that lost money first, with the variance to the quote explained (FX, fee tier, "
                "duty, carrier invoice)."
            ),
            figures=figures,
            charts=charts,
            tables=tables,
            notes=notes,
            recommendations=recs,
        )
    ]
