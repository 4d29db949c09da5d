"""The /warehouse page: per SKU x market, cost per unit of each channel against monthly volume with the
break-even points, the recommendation, and the stock projection of the replenishment plan.

Thin: the document comes from :func:`qiankua.services.warehouse.plan` (the same as the CLI's
``--json`` and the API's); this module only draws it. A page built on the bundled sample says, first
and in colour, that the sales history is synthetic.
"""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from qiankua.i18n.warehouse import flag_text
from qiankua.web.layout import Page, busy

_COLOURS = {"9610": "#546e7a", "9810_fba": "#c62828", "9810_3pl": "#ef6c00", "9710": "#2e7d32"}


def cost_chart_options(page: Page, item: dict[str, Any]) -> dict[str, Any]:
    """ECharts lines: unit cost (CNY) of each channel against monthly volume (log axis), dashed vertical
    lines at the break-even volumes and a dotted one at the forecast volume."""
    d = item["decision"]
    curve = d["curve"]
    vol = curve["volume"]
    series: list[dict[str, Any]] = []
    for ch, costs in curve.items():
        if ch == "volume":
            continue
        series.append(
            {
                "name": page.t(f"warehouse.ch.{ch}"),
                "type": "line",
                "showSymbol": False,
                "data": [[round(v, 3), round(c, 2)] for v, c in zip(vol, costs, strict=True)],
                "lineStyle": {"color": _COLOURS.get(ch, "#999")},
                "itemStyle": {"color": _COLOURS.get(ch, "#999")},
            }
        )
    marks = [
        {"xAxis": round(be, 3), "name": f"{page.t(f'warehouse.ch.{ch}')}: {be:.1f}", "lineStyle": {"type": "dashed"}}
        for ch, be in d["break_even"].items()
        if be
    ]
    marks.append(
        {"xAxis": round(max(item["monthly_volume"], 1.0), 3), "name": "forecast", "lineStyle": {"type": "dotted"}}
    )
    if series:
        series[0]["markLine"] = {"symbol": "none", "data": marks, "label": {"formatter": "{b}"}}
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {"type": "log", "name": page.t("warehouse.page.volume"), "nameLocation": "middle", "nameGap": 28},
        "yAxis": {"type": "value", "name": "CNY", "min": 0},
        "series": series,
        "grid": {"left": 64, "right": 24, "top": 40, "bottom": 48},
    }


def stock_chart_options(page: Page, item: dict[str, Any]) -> dict[str, Any]:
    """ECharts: simulated stock on hand by day (mean, and the 10-90 % band as a stacked area)."""
    proj = item["replenishment"]["stock_projection"]
    days = proj["day"]
    lo = [round(v, 1) for v in proj["p10"]]
    band = [round(h - low, 1) for h, low in zip(proj["p90"], proj["p10"], strict=True)]
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": days, "name": page.t("warehouse.page.day")},
        "yAxis": {"type": "value", "name": page.t("warehouse.page.units"), "min": 0},
        "series": [
            {"type": "line", "data": lo, "stack": "band", "lineStyle": {"opacity": 0}, "showSymbol": False},
            {"type": "line", "data": band, "stack": "band", "lineStyle": {"opacity": 0}, "showSymbol": False,
             "areaStyle": {"color": "#ffcdd2"}},
            {"type": "line", "name": "mean", "data": [round(v, 1) for v in proj["mean"]], "showSymbol": False,
             "lineStyle": {"color": "#c62828"}},
        ],
        "grid": {"left": 56, "right": 16, "top": 24, "bottom": 40},
    }  # fmt: skip


def _draw(page: Page, doc: dict[str, Any]) -> None:
    if doc["synthetic_sample"]:
        ui.label(page.t("warehouse.plan.sample")).classes("text-warning text-bold").props('id="warehouse-synthetic"')
    if not doc["items"]:
        ui.label(page.t("warehouse.none"))
    for item in doc["items"]:
        d = item["decision"]
        title = page.t("warehouse.plan.title", sku=item["sku"], market=item["market"])
        ui.label(title).classes("text-h6")
        rec = d["recommended"]
        ui.label(
            page.t(
                "warehouse.rec",
                channel=page.t(f"warehouse.ch.{rec}") if rec else "—",
                units=f"{item['monthly_volume']:.1f}",
            )
        ).classes("text-subtitle1").props('id="warehouse-recommendation"')
        rows = []
        for ch, c in d["channels"].items():
            be = d["break_even"].get(ch)
            rows.append(
                {
                    "channel": page.t(f"warehouse.ch.{ch}") + (" ★" if ch == rec else ""),
                    "cost": f"{c['unit_cost_cny']:,.2f}",
                    "margin": "—" if c["margin_cny"] is None else f"{c['margin_cny']:,.2f}",
                    "be": "—" if be is None else f"{be:,.1f}",
                }
            )
        for ch, why in d["missing"].items():
            rows.append(
                {
                    "channel": page.t(f"warehouse.ch.{ch}"),
                    "cost": "—",
                    "margin": "—",
                    "be": page.t(f"warehouse.missing.{why}"),
                }
            )
        ui.table(
            columns=[
                {"name": "channel", "label": page.t("warehouse.col.channel"), "field": "channel", "align": "left"},
                {"name": "cost", "label": page.t("warehouse.col.unit_cost"), "field": "cost"},
                {"name": "margin", "label": page.t("warehouse.col.margin"), "field": "margin"},
                {"name": "be", "label": page.t("warehouse.col.breakeven"), "field": "be", "align": "left"},
            ],
            rows=rows,
            row_key="channel",
        ).props('id="warehouse-channels" dense flat')
        with ui.row().classes("w-full qk-stack"):
            with ui.card().classes("qk-half"):
                ui.label(page.t("warehouse.page.cost_chart")).classes("text-subtitle1")
                ui.echart(cost_chart_options(page, item)).classes("w-full h-80").props('id="warehouse-cost-chart"')
            rep = item.get("replenishment")
            if rep:
                with ui.card().classes("qk-half"):
                    ui.label(page.t("warehouse.page.stock_chart")).classes("text-subtitle1")
                    ui.echart(stock_chart_options(page, item)).classes("w-full h-80").props(
                        'id="warehouse-stock-chart"'
                    )
                    p, s, cal = rep["policy"], rep["simulation"], rep["reorder_point_simulated"]
                    ui.label(
                        page.t(
                            "warehouse.replenish",
                            ss=f"{p['safety_stock']:.0f}",
                            rop=f"{p['reorder_point']:.0f}",
                            q=f"{p['order_qty']:.0f}",
                            days=f"{rep['ship_every_days']:.0f}",
                            route=rep["route"]["service"],
                            lt=f"{rep['route']['lead_days']:.0f}",
                        )
                    )
                    ui.label(page.t("warehouse.sim", csl=f"{s['cycle_service']:.1%}", target=f"{doc['service_level']:.0%}",
                                    fill=f"{s['fill_rate']:.1%}", stock=f"{s['average_on_hand']:.0f}"))  # fmt: skip
                    ui.label(
                        page.t(
                            "warehouse.sim_cal", rop=f"{cal['reorder_point']:.0f}", csl=f"{cal['cycle_service']:.1%}"
                        )
                    )
        words = "; ".join(flag_text(f, page.lang) for f in item["flags"])
        ui.label(page.t("warehouse.col.flags") + ": " + words).classes("text-caption text-grey-8").props(
            'id="warehouse-flags"'
        )


def build(page: Page) -> None:
    from qiankua.services.warehouse import plan, plan_pairs

    ui.label(page.t("warehouse.page.title")).classes("text-h5")
    ui.label(page.t("warehouse.page.intro")).classes("text-body2")
    pairs = plan_pairs(page.db)
    if pairs["synthetic_sample"]:
        ui.label(page.t("warehouse.plan.sample")).classes("text-warning text-bold").props(
            'id="warehouse-synthetic-top"'
        )
    options = {f"{sku}|{market}": f"{sku} → {market}" for sku, market in pairs["pairs"]}
    out = ui.column().classes("w-full")
    with ui.row().classes("items-center q-gutter-md"):
        pick = (
            ui.select(options, value=next(iter(options), None), label=page.t("warehouse.page.pair"))
            .props('id="warehouse-pair"')
            .classes("min-w-[18rem]")
        )
        level = ui.number(label=page.t("warehouse.opt.service_level"), value=0.95, min=0.5, max=0.999, step=0.01).props(
            'id="warehouse-level"'
        )
        button = ui.button(page.t("warehouse.page.run"), icon="calculate").props('id="warehouse-run" color="red-9"')

    async def go() -> None:
        if not pick.value:
            return
        sku, market = str(pick.value).split("|")

        async def work() -> dict[str, Any] | None:
            fields = {"sku": sku, "market": market, "service_level": float(level.value or 0.95), "n_paths": 200}
            doc: dict[str, Any] | None = await run.io_bound(plan, fields, page.db)
            return doc

        await busy(
            page, out, work, lambda doc: _draw(page, doc), button=button, error_id="warehouse-error", caption=True
        )

    button.on_click(go)
    out.move(target_index=-1)
