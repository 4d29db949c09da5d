"""The /region page: the paradox chart (digital vs CBEC index, Guizhou highlighted, years as trails), the
coordination ranking with bands, the obstacle factors, Guizhou's gap by indicator and the data coverage.

Thin: the document comes from :func:`qiankua.services.region.evaluate_region` (the same as the CLI's and
the API's); this module only draws it.
"""

from __future__ import annotations

import html
from typing import Any

from nicegui import ui

from qiankua.exceptions import QiankuaError
from qiankua.web.layout import Page

_BAND_COLOURS = {
    1: "#7f0000",
    2: "#b30000",
    3: "#d7301f",
    4: "#ef6548",
    5: "#fc8d59",
    6: "#fdbb84",
    7: "#a1d99b",
    8: "#74c476",
    9: "#31a354",
    10: "#006d2c",
}


def paradox_options(page: Page, doc: dict[str, Any]) -> dict[str, Any]:
    """ECharts scatter: one point per area in the latest year, the focus area's years as a trail."""
    latest = doc["years"][1]
    focus = doc.get("focus")
    points = []
    for r in doc["scores"]:
        if r["year"] != latest or r["u_digital"] is None or r["u_cbec"] is None:
            continue
        name = html.escape(page.name(r))
        points.append(
            {
                "name": name,
                "value": [round(r["u_digital"], 4), round(r["u_cbec"], 4), round(r["d"] or 0, 4)],
                "itemStyle": {"color": "#c62828" if r["area"] == focus else "#546e7a"},
                "symbolSize": 16 if r["area"] == focus else 9,
                "label": {"show": r["area"] == focus, "formatter": name, "position": "top"},
            }
        )
    trail = [
        [round(r["u_digital"], 4), round(r["u_cbec"], 4), r["year"]]
        for r in sorted(doc["scores"], key=lambda r: r["year"])
        if r["area"] == focus and r["u_digital"] is not None and r["u_cbec"] is not None
    ]
    return {
        "tooltip": {"trigger": "item"},
        "xAxis": {"name": page.t("region.col.digital"), "nameLocation": "middle", "nameGap": 28, "min": 0},
        "yAxis": {"name": page.t("region.col.cbec"), "nameLocation": "middle", "nameGap": 36, "min": 0},
        "series": [
            {"type": "scatter", "data": points},
            {
                "type": "line",
                "data": trail,
                "lineStyle": {"color": "#c62828", "type": "dashed"},
                "symbol": "circle",
                "symbolSize": 5,
                "itemStyle": {"color": "#c62828"},
            },
            {
                "type": "line",
                "data": [[0, 0], [1, 1]],
                "lineStyle": {"color": "#9e9e9e", "type": "dotted"},
                "symbol": "none",
                "silent": True,
            },
        ],
        "grid": {"left": 56, "right": 16, "top": 24, "bottom": 48},
    }


def build(page: Page) -> None:
    from qiankua.services.region import evaluate_region

    ui.label(page.t("region.page.title")).classes("text-h5")
    ui.label(page.t("region.page.intro")).classes("text-body2")
    ui.label(page.t("region.page.jargon")).classes("text-caption text-grey-8")
    try:
        doc = evaluate_region({"level": "province"}, page.db)
    except QiankuaError as exc:
        ui.label(page.t("region.page.empty")).props('id="region-empty"')
        ui.label(str(exc).splitlines()[0]).classes("text-caption")
        return
    zh = page.lang == "zh"
    for flag in doc["flags"]:
        ui.label(flag["zh"] if zh else flag["en"]).classes("text-warning")
    latest = doc["years"][1]
    with ui.row().classes("w-full qk-stack"):
        with ui.card().classes("qk-half"):
            ui.label(page.t("region.page.scatter")).classes("text-subtitle1")
            ui.echart(paradox_options(page, doc)).classes("w-full h-96").props('id="region-paradox"')
        with ui.card().classes("qk-half"):
            ui.label(page.t("region.page.ranking")).classes("text-subtitle1")
            rows = []
            for r in sorted(
                (r for r in doc["scores"] if r["year"] == latest and r["d"] is not None), key=lambda r: r["rank_d"]
            ):
                rows.append(
                    {
                        "rank": r["rank_d"],
                        "area": page.name(r),
                        "d": f"{r['d']:.3f}",
                        "c": f"{r['c']:.3f} / {r['c_traditional']:.3f}",
                        "band": r["band_zh"] if zh else r["band_en"],
                        "colour": _BAND_COLOURS.get(r["band"], "#999"),
                    }
                )
            table = ui.table(
                columns=[
                    {"name": "rank", "label": page.t("region.col.rank"), "field": "rank"},
                    {"name": "area", "label": page.t("region.col.area"), "field": "area", "align": "left"},
                    {"name": "d", "label": "D", "field": "d"},
                    {"name": "c", "label": f"C / {page.t('region.col.c_traditional')}", "field": "c"},
                    {"name": "band", "label": page.t("region.col.band"), "field": "band", "align": "left"},
                ],
                rows=rows,
                row_key="rank",
                pagination=10,
            ).classes("w-full")
            table.props('dense flat id="region-ranking"')
    with ui.row().classes("w-full qk-stack"):
        with ui.card().classes("qk-half"):
            ui.label(page.t("region.page.obstacles")).classes("text-subtitle1")
            focus_obstacles = [o for o in doc["obstacles"] if o["area"] == doc.get("focus")] or doc["obstacles"][:3]
            ui.table(
                columns=[
                    {"name": "area", "label": page.t("region.col.area"), "field": "area", "align": "left"},
                    {"name": "ind", "label": page.t("region.col.indicator"), "field": "ind", "align": "left"},
                    {"name": "o", "label": page.t("region.col.obstacle"), "field": "o"},
                ],
                rows=[
                    {
                        "id": i,
                        "area": page.name(o),
                        "ind": o["indicator_zh"] if zh else o["indicator_en"],
                        "o": f"{o['obstacle'] * 100:.1f}%",
                    }
                    for i, o in enumerate(focus_obstacles)
                ],
                row_key="id",
            ).classes("w-full").props('dense flat id="region-obstacles"')
        with ui.card().classes("qk-half"):
            ui.label(page.t("region.page.gap")).classes("text-subtitle1")
            ui.table(
                columns=[
                    {"name": "ref", "label": page.t("region.col.reference"), "field": "ref", "align": "left"},
                    {"name": "ind", "label": page.t("region.col.indicator"), "field": "ind", "align": "left"},
                    {"name": "v", "label": page.t("region.col.contribution"), "field": "v"},
                ],
                rows=[
                    {
                        "id": i,
                        "ref": f"{g['reference_zh'] if zh else g['reference_en']} · {g['area_zh'] if zh else g['area_en']}",
                        "ind": g["indicator_zh"] if zh else g["indicator_en"],
                        "v": f"{g['contribution']:+.4f}",
                    }
                    for i, g in enumerate(sorted(doc["gap"], key=lambda g: -abs(g["contribution"]))[:12])
                ],
                row_key="id",
            ).classes("w-full").props('dense flat id="region-gap"')
    ui.label(page.t("region.page.coverage")).classes("text-subtitle1")
    ui.table(
        columns=[
            {"name": "ind", "label": page.t("region.col.indicator"), "field": "ind", "align": "left"},
            {"name": "share", "label": page.t("region.col.coverage"), "field": "share"},
        ],
        rows=[
            {"id": c["indicator"], "ind": c["indicator_zh"] if zh else c["indicator_en"], "share": f"{c['share']:.0%}"}
            for c in doc["coverage"]
        ],
        row_key="id",
    ).classes("w-full").props('dense flat id="region-coverage"')
    ui.label(doc["method_note"]["zh" if zh else "en"]).classes("text-caption")
