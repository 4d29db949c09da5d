"""Engine pages (报价 quote, 线路 routes, 机会 opportunities, 拼货 pooling).

Each is wired to ``qiankua.services.<engine>`` when that module exists at start-up; otherwise
the page says "模块尚未就绪 / module not available yet" (never a server error).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from nicegui import run, ui

from qiankua.services.registry import service
from qiankua.services.requests import QUOTE_FIELDS, ROUTE_FIELDS
from qiankua.vocabulary import ENGINES
from qiankua.web.context import money, number
from qiankua.web.layout import CONF_COLORS, Page, busy, issue_view, unavailable

WATERFALL = (
    "product_cost",
    "first_mile",
    "export_clearance",
    "line_haul",
    "duty",
    "import_vat",
    "excise",
    "handling",
    "last_mile",
    "commission",
    "payment_fee",
    "returns",
    "export_rebate",
)


def _source_urls() -> dict[str, tuple[str, str]]:
    from qiankua.services.overview import sources

    return {s["source_id"]: (s["source"], s["url"] or "") for s in sources()}


def waterfall_options(page: Page, doc: dict[str, Any]) -> dict[str, Any]:
    """ECharts cost waterfall: each line stacked on the running total (the rebate steps down)."""
    labels, base, up = [], [], []
    running = 0.0
    for key in WATERFALL:
        value = doc["per_unit"].get(key)
        if not value:
            continue
        if key == "export_rebate":
            value = -value  # a refund: total = landed + fees - rebate
        start = running if value >= 0 else running + value
        running += value
        labels.append(page.t(f"web.quote.line.{key}"))
        base.append(round(start, 2))
        up.append(round(abs(value), 2))
    labels.append(page.t("web.quote.line.total_cost"))
    base.append(0)
    up.append(round(running, 2))
    series = [
        {"type": "bar", "stack": "w", "data": base, "itemStyle": {"color": "transparent"}, "silent": True},
        {
            "type": "bar",
            "stack": "w",
            "data": up,
            "itemStyle": {"color": "#b71c1c"},
            "label": {"show": True, "position": "top", "fontSize": 10},
        },
    ]
    price = doc["per_unit"].get("price")
    if price:
        series.append(
            {
                "type": "line",
                "data": [price] * len(labels),
                "symbol": "none",
                "lineStyle": {"type": "dashed", "color": "#1565c0"},
                "name": page.t("web.quote.price"),
            }
        )
    return {
        "title": {"text": page.t("web.quote.waterfall", currency=doc["currency"]), "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 80},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30, "fontSize": 10}},
        "yAxis": {"type": "value", "name": doc["currency"]},
        "series": series,
    }


def tornado_options(page: Page, doc: dict[str, Any]) -> dict[str, Any]:
    """Sensitivity tornado: change of profit (or landed cost) for -20% / +20% of each driver."""
    base_profit = doc["per_unit"].get("profit")
    key = "profit" if base_profit is not None else "landed_cost"
    base = base_profit if base_profit is not None else doc["per_unit"].get("landed_cost") or 0.0
    drivers: dict[str, dict[float, float]] = {}
    for row in doc.get("sensitivity", []):
        if row.get(key) is not None:
            drivers.setdefault(row["driver"], {})[row["change"]] = row[key] - base
    names = sorted(drivers, key=lambda d: max(abs(v) for v in drivers[d].values()))
    return {
        "title": {
            "text": page.t("web.quote.tornado", measure=page.t(f"web.quote.line.{key}")),
            "textStyle": {"fontSize": 13},
        },
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 110, "right": 30, "top": 40, "bottom": 40},
        "xAxis": {"type": "value", "name": doc["currency"]},
        "yAxis": {"type": "category", "data": [page.t(f"web.quote.driver.{d}") for d in names]},
        "series": [
            {
                "type": "bar",
                "name": "-20%",
                "data": [round(drivers[d].get(-0.2, 0.0), 4) for d in names],
                "itemStyle": {"color": "#1565c0"},
            },
            {
                "type": "bar",
                "name": "+20%",
                "data": [round(drivers[d].get(0.2, 0.0), 4) for d in names],
                "itemStyle": {"color": "#ef6c00"},
            },
        ],
    }


def quote_page(page: Page) -> None:
    if service("costing") is None:
        unavailable(page, "costing")
        return
    from qiankua.services import data
    from qiankua.services.quoting import quote

    products = {p["id"]: f"{page.name(p)} ({p['id']})" for p in data.catalogue().to_dicts()}
    markets = {m["iso2"]: f"{page.name(m)} {m['iso2']}" for m in data.markets().to_dicts()}
    form: dict[str, Any] = {
        "product_id": "duyun-maojian-250g",
        "market": "DE",
        "mode": QUOTE_FIELDS["mode"],
        "service": QUOTE_FIELDS["service"],
        "platform": QUOTE_FIELDS["platform"],
        "date": dt.date.today().isoformat(),
        "quantity": QUOTE_FIELDS["quantity"],
        "gross_kg": None,
        "dims": "",
        "price": None,
        "target_margin": 25,
        "fx_rate": None,
        "invoices": "auto",
    }
    ui.label(page.t("web.quote.title")).classes("text-h5")
    with ui.row().classes("items-end q-gutter-md"):
        ui.select(products, label=page.t("web.quote.product"), with_input=True).bind_value(form, "product_id").props(
            'id="quote-product"'
        ).classes("min-w-[320px]")
        ui.select(markets, label=page.t("web.quote.market"), with_input=True).bind_value(form, "market").props(
            'id="quote-market"'
        ).classes("min-w-[200px]")
        ui.select(page.options("mode"), label=page.t("web.quote.mode")).bind_value(form, "mode").props(
            'id="quote-mode"'
        )
        ui.select(page.options("service"), label=page.t("web.quote.service")).bind_value(form, "service").props(
            'id="quote-service"'
        )
        ui.select(page.options("platform"), label=page.t("web.quote.platform")).bind_value(form, "platform").props(
            'id="quote-platform"'
        )
        ui.input(page.t("web.quote.date")).bind_value(form, "date").props('type=date id="quote-date"')
        ui.number(page.t("web.quote.price_in"), min=0).bind_value(form, "price").props('id="quote-price"')
        ui.number(page.t("web.quote.target_margin"), min=0, max=95, suffix="%").bind_value(form, "target_margin")
    with ui.row().classes("items-end q-gutter-md"):
        ui.number(page.t("web.quote.quantity"), min=1, step=1, format="%d").bind_value(form, "quantity").props(
            'id="quote-quantity"'
        )
        ui.number(page.t("web.quote.gross_kg"), min=0).bind_value(form, "gross_kg").props('id="quote-gross-kg"')
        ui.input(page.t("web.quote.dims"), placeholder="30x20x10").bind_value(form, "dims").props('for="quote-dims"')
        ui.number(page.t("web.quote.fx_rate"), min=0).bind_value(form, "fx_rate").props('for="quote-fx-rate"')
        ui.select(
            {
                "auto": page.t("web.quote.invoices.auto"),
                "yes": page.t("web.quote.invoices.yes"),
                "no": page.t("web.quote.invoices.no"),
            },
            label=page.t("web.quote.invoices"),
        ).bind_value(form, "invoices").props('id="quote-invoices"').classes("min-w-[160px]")
        button = ui.button(page.t("web.quote.run")).props('id="quote-run" color="red-9"')
    out = ui.column().classes("w-full")

    async def calculate() -> None:
        def fields() -> dict[str, Any]:
            return {
                "product_id": form["product_id"],
                "market": form["market"],
                "mode": form["mode"],
                "service": form["service"],
                "platform": form["platform"],
                "sensitivity": True,
                "date": dt.date.fromisoformat(form["date"]) if form["date"] else None,
                "quantity": int(form["quantity"] or 1),
                "gross_kg": float(form["gross_kg"]) if form["gross_kg"] else None,
                "dims": form["dims"] or None,
                "fx_rate": float(form["fx_rate"]) if form["fx_rate"] else None,
                "invoices": {"yes": True, "no": False}.get(form["invoices"]),
                "price": float(form["price"]) if form["price"] else None,
                "target_margin": float(form["target_margin"]) / 100 if form["target_margin"] else None,
            }

        async def work() -> Any:
            return await run.io_bound(quote, fields(), page.db)

        await busy(page, out, work, lambda doc: _quote_result(page, doc), button=button, error_id="quote-error")

    button.on_click(calculate)


def _quote_notes(page: Page, doc: dict[str, Any]) -> None:
    """What the quote lacks or rests on, next to the result: the FX rate's age, each missing figure,
    and the duty range the candidate tariff lines imply."""
    lang = "zh" if page.lang == "zh" else "en"
    fx = doc.get("fx") or {}
    notes = []
    if fx.get(f"note_{lang}"):
        notes.append(("fx", fx[f"note_{lang}"]))
    notes += [(m["flag"], m[lang]) for m in doc.get("missing") or []]
    rng = doc.get("duty_range")
    if rng and rng.get("low") is not None:
        lines = ", ".join(f"{x['line']} {number(x['rate'] * 100, page.lang, 1)}%" for x in rng["lines"])
        notes.append(
            (
                "duty_range",
                page.t(
                    "costing.duty_range",
                    lines=lines,
                    low=money(rng["low"], rng["currency"], page.lang),
                    high=money(rng["high"], rng["currency"], page.lang),
                    currency="",
                ),
            )
        )
    if not notes:
        return
    with ui.column().classes("q-gutter-xs").props('id="quote-notes"'):
        for key, text in notes:
            ui.label("⚠ " + text).classes("text-warning").props(f'data-note="{key}"')


def _quote_result(page: Page, doc: dict[str, Any]) -> None:
    cur = doc["currency"]
    with ui.row().classes("items-center q-gutter-md").props('id="quote-result"'):
        ui.label(page.t("web.quote.status", status=page.t(f"web.quote.status.{doc['status']}"))).classes(
            "text-subtitle1"
        ).props(f'data-status="{doc["status"]}"')
        if doc.get("reason"):
            ui.label(doc["reason"]).classes("text-warning")
        if doc.get("unconfirmed"):
            ui.badge(page.t("web.quote.unconfirmed"), color="warning").props('id="quote-unconfirmed"')
        for label, key in (
            ("web.quote.line.landed_cost", "landed_cost"),
            ("web.quote.line.total_cost", "total_cost"),
            ("web.quote.line.profit", "profit"),
        ):
            value = doc["per_unit"].get(key)
            if value is not None:
                with ui.card().classes("q-pa-sm"):
                    ui.label(page.t(label)).classes("text-caption")
                    ui.label(money(value, cur, page.lang)).classes("text-h6").props(f'data-quote="{key}"')
        margin = doc["per_unit"].get("margin")
        if margin is not None:
            with ui.card().classes("q-pa-sm"):
                ui.label(page.t("web.quote.margin")).classes("text-caption")
                ui.label(number(margin * 100, page.lang, 1) + "%").classes("text-h6")
        for key in ("break_even_price", "target_price"):
            if doc.get(key) is not None:
                with ui.card().classes("q-pa-sm"):
                    ui.label(page.t(f"web.quote.{key}")).classes("text-caption")
                    ui.label(money(doc[key], cur, page.lang)).classes("text-h6").props(f'data-quote="{key}"')
    _quote_notes(page, doc)
    with ui.row().classes("w-full no-wrap q-gutter-md"):
        with ui.card().classes("w-1/2"):
            ui.echart(waterfall_options(page, doc)).classes("w-full h-96").props('id="quote-waterfall"')
        with ui.card().classes("w-1/2"):
            if doc.get("sensitivity"):
                ui.echart(tornado_options(page, doc)).classes("w-full h-96").props('id="quote-tornado"')
    urls = _source_urls()
    rows = []
    for i, rule in enumerate(doc.get("rules", [])):
        ids = [x.strip() for x in (rule.get("source_id") or "").split(";") if x.strip()]
        links = [{"id": x, "url": urls.get(x, ("", ""))[1]} for x in ids]
        rows.append(
            {
                "n": i,
                "table": rule.get("table") or "",
                "key": rule.get("key") or "",
                "note": rule.get("note") or "",
                "as_of": rule.get("as_of") or "",
                "confidence": rule.get("confidence") or "unconfirmed",
                "confidence_label": page.label("confidence", rule.get("confidence") or "unconfirmed"),
                "links": links,
            }
        )
    ui.label(page.t("web.quote.rules")).classes("text-h6 q-mt-md")
    table = (
        ui.table(
            columns=[
                {"name": "table", "label": page.t("web.quote.rule_table"), "field": "table", "align": "left"},
                {"name": "key", "label": page.t("web.quote.rule_key"), "field": "key", "align": "left"},
                {"name": "confidence", "label": page.t("web.col.confidence"), "field": "confidence", "align": "left"},
                {"name": "links", "label": page.t("web.col.source"), "field": "links", "align": "left"},
                {"name": "as_of", "label": page.t("web.col.as_of"), "field": "as_of"},
                {
                    "name": "note",
                    "label": page.t("web.quote.note"),
                    "field": "note",
                    "align": "left",
                    "style": "white-space: normal; max-width: 480px",
                },
            ],
            rows=rows,
            row_key="n",
            pagination=15,
        )
        .classes("w-full")
        .props('dense flat id="quote-rules"')
    )
    colors = "{" + ", ".join(f"{k}: '{v}'" for k, v in CONF_COLORS.items()) + "}"
    table.add_slot(
        "body-cell-confidence",
        f"""
        <q-td :props="props"><q-badge outline class="qk-conf" :color="{colors}[props.row.confidence]"
          :label="props.row.confidence_label" /></q-td>""",
    )
    table.add_slot(
        "body-cell-links",
        """
        <q-td :props="props"><span v-for="l in props.row.links" :key="l.id" class="q-mr-sm">
          <a v-if="l.url" :href="l.url" target="_blank" rel="noopener" class="qk-source">{{ l.id }}</a>
          <span v-else>{{ l.id }}</span></span></q-td>""",
    )


ROUTE_COLORS = ("#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457")


def route_map_options(page: Page, doc: dict[str, Any]) -> dict[str, Any]:
    """ECharts map of the Pareto routes' legs on lon/lat axes (offline: no tiles)."""
    series: list[dict[str, Any]] = []
    points: dict[str, list[float]] = {}
    shown = sorted(doc["routes"], key=lambda r: (not r["recommended"], r["cost_cny"]))[:6]
    for i, option in enumerate(shown):
        data = []
        for leg in option["legs"]:
            if leg.get("from_lonlat") and leg.get("to_lonlat"):
                data.append([leg["from_lonlat"], leg["to_lonlat"]])
                points[leg.get("from_name") or leg["from"]] = leg["from_lonlat"]
                points[leg.get("to_name") or leg["to"]] = leg["to_lonlat"]
        series.append(
            {
                "type": "lines",
                "coordinateSystem": "cartesian2d",
                "name": f"{i + 1}. {option['main_mode']}",
                "data": [{"coords": [a, b]} for a, b in data],
                "polyline": False,
                "lineStyle": {
                    "width": 4 if option["recommended"] else 2,
                    "opacity": 0.8,
                    "color": ROUTE_COLORS[i % len(ROUTE_COLORS)],
                },
            }
        )
    series.append(
        {
            "type": "scatter",
            "name": page.t("web.routes.nodes"),
            "data": [[lonlat[0], lonlat[1], name] for name, lonlat in points.items()],
            "symbolSize": 6,
            "itemStyle": {"color": "#455a64"},
            "tooltip": {":formatter": "p => p.data[2]"},
        }
    )
    lons = [p[0] for p in points.values()] or [100.0]
    lats = [p[1] for p in points.values()] or [25.0]
    return {
        "title": {"text": page.t("web.routes.map"), "textStyle": {"fontSize": 13}},
        "animation": False,
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 50},
        "xAxis": {
            "type": "value",
            "min": int(min(lons)) - 3,
            "max": int(max(lons)) + 3,
            "name": "°E",
            "splitLine": {"show": False},
        },
        "yAxis": {
            "type": "value",
            "min": int(min(lats)) - 3,
            "max": int(max(lats)) + 3,
            "name": "°N",
            "splitLine": {"show": False},
        },
        "series": series,
    }


def pareto_options(page: Page, doc: dict[str, Any]) -> dict[str, Any]:
    """Cost vs days, bubble size by CO2e; the recommended route in red."""
    co2 = [r["kg_co2e"] for r in doc["routes"]] or [1.0]
    top = max(co2) or 1.0
    data = [
        {
            "value": [r["days"], r["cost_cny"], r["kg_co2e"], r["label"]],
            "symbolSize": 8 + 32 * (r["kg_co2e"] / top),
            "itemStyle": {"color": "#b71c1c" if r["recommended"] else "#1565c0"},
        }
        for r in doc["routes"]
    ]
    return {
        "title": {"text": page.t("web.routes.pareto"), "textStyle": {"fontSize": 13}},
        "tooltip": {
            ":formatter": "p => p.data.value[3] + '<br>' + p.data.value[1] + ' CNY, ' + "
            "p.data.value[0] + ' d, ' + p.data.value[2] + ' kg CO2e'"
        },
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 40},
        "xAxis": {"type": "value", "name": page.t("web.routes.days"), "scale": True},
        "yAxis": {"type": "value", "name": "CNY", "scale": True},
        "series": [{"type": "scatter", "data": data}],
    }


def routes_page(page: Page) -> None:
    if service("routing") is None:
        unavailable(page, "routing")
        return
    from qiankua.services import data, overview
    from qiankua.services.routes_view import plan_routes

    counties = {d["adcode"]: f"{page.name(d)} {d['adcode']}" for d in overview.divisions("county")}
    markets = {m["iso2"]: f"{page.name(m)} {m['iso2']}" for m in data.markets().to_dicts()}
    products = {"": "—", **{p["id"]: f"{page.name(p)}" for p in data.catalogue().to_dicts()}}
    form: dict[str, Any] = {
        "origin": "522636",
        "market": "DE",
        "product_id": "duyun-maojian-250g",
        "weight_kg": 100.0,
        "volume_m3": None,
        "pieces": None,
        "b2b": ROUTE_FIELDS["b2b"],
        "date": dt.date.today().isoformat(),
    }
    ui.label(page.t("web.routes.title")).classes("text-h5")
    with ui.row().classes("items-end q-gutter-md"):
        ui.select(counties, label=page.t("web.routes.origin"), with_input=True).bind_value(form, "origin").props(
            'id="route-origin"'
        ).classes("min-w-[220px]")
        ui.select(markets, label=page.t("web.quote.market"), with_input=True).bind_value(form, "market").classes(
            "min-w-[200px]"
        )
        ui.select(products, label=page.t("web.quote.product"), with_input=True).bind_value(form, "product_id").classes(
            "min-w-[260px]"
        )
        ui.number(page.t("web.routes.weight"), min=0.1).bind_value(form, "weight_kg")
        ui.number(page.t("web.routes.volume"), min=0).bind_value(form, "volume_m3").props('id="route-volume"')
        ui.number(page.t("web.routes.pieces"), min=1, step=1, format="%d").bind_value(form, "pieces").props(
            'id="route-pieces"'
        )
        ui.input(page.t("web.quote.date")).bind_value(form, "date").props('type=date id="route-date"')
        ui.switch("B2B").bind_value(form, "b2b").props('id="route-b2b"')
        button = ui.button(page.t("web.routes.run")).props('id="route-run" color="red-9"')
    out = ui.column().classes("w-full")

    async def plan() -> None:
        def fields() -> dict[str, Any]:
            return {
                "origin": form["origin"],
                "market": form["market"],
                "product_id": form["product_id"] or None,
                "weight_kg": float(form["weight_kg"] or 0),
                "volume_m3": float(form["volume_m3"]) if form["volume_m3"] else None,
                "pieces": int(form["pieces"]) if form["pieces"] else None,
                "b2b": bool(form["b2b"]),
                "date": form["date"] or None,
            }

        async def work() -> Any:
            return await run.io_bound(plan_routes, fields(), page.db)

        await busy(page, out, work, lambda doc: _routes_result(page, doc), button=button, error_id="route-error")

    button.on_click(plan)


def _routes_result(page: Page, doc: dict[str, Any]) -> None:
    if not doc["routes"]:
        ui.label(page.t("web.routes.none")).classes("text-warning").props('id="route-none"')
    with ui.row().classes("w-full no-wrap q-gutter-md").props('id="route-result"'):
        with ui.card().classes("w-1/2"):
            ui.echart(route_map_options(page, doc)).classes("w-full h-96").props('id="route-map"')
        with ui.card().classes("w-1/2"):
            ui.echart(pareto_options(page, doc)).classes("w-full h-96").props('id="route-pareto"')
    rows = [
        {
            "n": i,
            "label": r["label"],
            "cost": money(r["cost_cny"], "CNY", page.lang),
            "days": number(r["days"], page.lang, 1),
            "co2": number(r["kg_co2e"], page.lang, 1),
            "recommended": "★" if r["recommended"] else "",
            "confidence": r["confidence"],
            "confidence_label": page.label("confidence", r["confidence"]),
        }
        for i, r in enumerate(doc["routes"])
    ]
    table = (
        ui.table(
            columns=[
                {"name": "recommended", "label": "", "field": "recommended"},
                {"name": "label", "label": page.t("web.routes.route"), "field": "label", "align": "left"},
                {"name": "cost", "label": page.t("web.routes.cost"), "field": "cost", "align": "right"},
                {"name": "days", "label": page.t("web.routes.days"), "field": "days", "align": "right"},
                {"name": "co2", "label": "kg CO2e", "field": "co2", "align": "right"},
                {"name": "confidence", "label": page.t("web.col.confidence"), "field": "confidence"},
            ],
            rows=rows,
            row_key="n",
            pagination=10,
        )
        .classes("w-full")
        .props('dense flat id="route-table"')
    )
    colors = "{" + ", ".join(f"{k}: '{v}'" for k, v in CONF_COLORS.items()) + "}"
    table.add_slot(
        "body-cell-confidence",
        f"""
        <q-td :props="props"><q-badge outline class="qk-conf" :color="{colors}[props.row.confidence]"
          :label="props.row.confidence_label" /></q-td>""",
    )
    if doc["excluded"]:
        ui.label(page.t("web.routes.excluded")).classes("text-h6 q-mt-md")
        ui.table(
            columns=[
                {"name": "service", "label": page.t("web.quote.service"), "field": "service", "align": "left"},
                {"name": "mode", "label": page.t("web.quote.mode"), "field": "mode", "align": "left"},
                {"name": "reason", "label": page.t("web.data.reason"), "field": "reason", "align": "left"},
            ],
            rows=[
                {
                    "n": i,
                    "service": e["service"],
                    "mode": e["mode"],
                    "reason": e["reason_zh"] if page.lang == "zh" else e["reason"],
                }
                for i, e in enumerate(doc["excluded"])
            ],
            row_key="n",
        ).classes("w-full").props('dense flat id="route-excluded"')


CRITERIA = ("demand", "china_share", "ecommerce_rank", "culture", "compliance")


def heatmap_options(page: Page, doc: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """Product x market heatmap of scores (infeasible pairs blank), top products and markets first."""
    top_products: list[str] = []
    top_markets: list[str] = []
    for entry in doc["ranking"]:
        if entry["product"] not in top_products:
            top_products.append(entry["product"])
        if entry["market"] not in top_markets:
            top_markets.append(entry["market"])
    by_product: dict[str, float] = {}
    by_market: dict[str, float] = {}
    for cell in doc["cells"]:
        if cell["score"] is not None:
            by_product[cell["product"]] = max(by_product.get(cell["product"], 0.0), cell["score"])
            by_market[cell["market"]] = max(by_market.get(cell["market"], 0.0), cell["score"])
    products = (top_products + sorted(set(by_product) - set(top_products), key=lambda p: -by_product[p]))[:25]
    markets = (top_markets + sorted(set(by_market) - set(top_markets), key=lambda m: -by_market[m]))[:30]
    pi = {p: i for i, p in enumerate(products)}
    mi = {m: i for i, m in enumerate(markets)}
    data = [
        [mi[c["market"]], pi[c["product"]], c["score"] if c["feasible"] else None]
        for c in doc["cells"]
        if c["product"] in pi and c["market"] in mi
    ]
    return {
        "title": {"text": page.t("web.opp.heatmap"), "textStyle": {"fontSize": 13}},
        "tooltip": {"position": "top"},
        "grid": {"left": 180, "right": 20, "top": 40, "bottom": 80},
        "xAxis": {"type": "category", "data": markets, "axisLabel": {"fontSize": 10}},
        "yAxis": {
            "type": "category",
            "data": [names.get(p, p) for p in products],
            "inverse": True,
            "axisLabel": {"fontSize": 10},
        },
        "visualMap": {
            "min": 0,
            "max": 1,
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "inRange": {"color": ["#fff3e0", "#b71c1c"]},
        },
        "series": [{"type": "heatmap", "data": data, "label": {"show": False}}],
    }


def opportunities_page(page: Page) -> None:
    if service("opportunity") is None:
        unavailable(page, "opportunity")
        return
    from qiankua.services import data
    from qiankua.services.engines_view import rank_opportunities

    names = {p["id"]: page.name(p) for p in data.catalogue().to_dicts()}
    weights = {c: 1.0 for c in CRITERIA}
    state: dict[str, Any] = {"custom": False}
    ui.label(page.t("web.opp.title")).classes("text-h5")
    with ui.row().classes("items-center q-gutter-md"):
        ui.switch(page.t("web.opp.custom")).bind_value(state, "custom").props('id="opp-custom"')
        for criterion in CRITERIA:
            with ui.column().classes("min-w-[140px]"):
                ui.label(page.t(f"web.opp.c.{criterion}")).classes("text-caption")
                ui.slider(min=0, max=5, step=0.5).bind_value(weights, criterion).props("label")
        button = ui.button(page.t("web.opp.run")).props('id="opp-run" color="red-9"')
    out = ui.column().classes("w-full")

    async def rank() -> None:
        async def work() -> Any:
            fields = {
                "top": 20,
                "lang": page.lang,
                "weights": {k: float(v) for k, v in weights.items()} if state["custom"] else None,
            }
            return await run.io_bound(rank_opportunities, fields, page.db)

        await busy(
            page, out, work, lambda doc: _opportunities_result(page, doc, names), button=button, error_id="opp-error"
        )

    button.on_click(rank)


def _opportunities_result(page: Page, doc: dict[str, Any], names: dict[str, str]) -> None:
    ui.echart(heatmap_options(page, doc, names)).classes("w-full").style("height: 640px").props('id="opp-heatmap"')
    weights = ", ".join(
        f"{page.t(f'web.opp.c.{k}') if k in CRITERIA else k} {number(v * 100, page.lang, 0)}%"
        for k, v in doc["weights"].items()
    )
    ui.label(f"{page.t('web.opp.weights')}: {weights}").classes("text-caption")
    if doc.get("unavailable"):
        ui.label(page.t("web.opp.unavailable", names=", ".join(doc["unavailable"]))).classes("text-caption text-grey-7")
    ui.label(page.t("web.opp.top")).classes("text-h6 q-mt-md")
    with ui.column().classes("w-full").props('id="opp-ranking"'):
        for entry in doc["ranking"]:
            title = (
                f"#{entry['rank']} {names.get(entry['product'], entry['product'])} → {entry['market']}  "
                f"{page.t('web.opp.score')} {number(entry['score'], page.lang, 3)}  "
                f"{page.t('web.opp.stability')} {number((entry.get('stability') or 0) * 100, page.lang, 0)}%"
            )
            with ui.expansion(title).classes("w-full qk-opp-entry"):
                with ui.row().classes("items-center"):
                    level = entry.get("confidence") or "unconfirmed"
                    ui.badge(page.label("confidence", level), color=CONF_COLORS.get(level, "grey")).props("outline")
                    if not entry.get("feasible", True):
                        ui.badge(page.t("web.opp.blocked"), color="negative")
                ui.label(page.t("web.opp.reasons")).classes("text-subtitle2")
                for reason in entry.get("reasons", []):
                    text = reason.get("text_zh") if page.lang == "zh" else reason.get("text_en")
                    icon = "👍" if reason.get("direction") == "for" else "⚠️"
                    ui.label(f"{icon} {text or reason.get('text')}")
                if entry.get("requirements"):
                    ui.label(page.t("web.opp.requirements")).classes("text-subtitle2")
                    for req in entry["requirements"]:
                        parts = [str(req.get(k)) for k in ("requirement", "authority", "severity") if req.get(k)]
                        ui.label("• " + " · ".join(parts))


def pool_map_options(page: Page, doc: dict[str, Any]) -> dict[str, Any]:
    """Pickup routes: each vehicle's stops in order, on lon/lat axes over the county seats."""
    series: list[dict[str, Any]] = []
    for i, route in enumerate(doc.get("routes", [])):
        coords = [doc["stops"][s] for s in route.get("stops", []) if s in doc["stops"]]
        series.append(
            {
                "type": "lines",
                "coordinateSystem": "cartesian2d",
                "name": f"{route['vehicle']} #{i + 1}",
                "data": [{"coords": [a, b]} for a, b in itertools.pairwise(coords)],
                "lineStyle": {"color": ROUTE_COLORS[i % len(ROUTE_COLORS)], "width": 2, "opacity": 0.9},
            }
        )
    series.append(
        {
            "type": "scatter",
            "name": page.t("web.routes.nodes"),
            "symbolSize": 8,
            "data": [[lon, lat, name] for name, (lon, lat) in doc.get("stops", {}).items()],
            "itemStyle": {"color": "#455a64"},
            "tooltip": {":formatter": "p => p.data[2]"},
        }
    )
    return {
        "title": {"text": page.t("web.pool.map"), "textStyle": {"fontSize": 13}},
        "animation": False,
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 50},
        "xAxis": {"type": "value", "min": 103.5, "max": 109.7, "name": "°E", "splitLine": {"show": False}},
        "yAxis": {"type": "value", "min": 24.5, "max": 29.3, "name": "°N", "splitLine": {"show": False}},
        "series": series,
    }


def pooling_page(page: Page) -> None:
    if service("pooling") is None:
        unavailable(page, "pooling")
        return
    from qiankua.services.engines_view import pool_shipments

    ui.label(page.t("web.pool.title")).classes("text-h5")
    out = ui.column().classes("w-full")

    async def plan(content: bytes | None, name: str | None) -> None:
        from qiankua.services import workspace

        async def work() -> tuple[str, Any] | None:
            if content is not None:
                # the same cell-by-cell check as the data page: show the sheet with each bad cell marked
                check = await run.io_bound(workspace.check_upload, "shipments", content, name)
                if check is not None and check.issues:
                    return "issues", check
            doc = await run.io_bound(pool_shipments, content, name, time_limit_s=1.0, seed=1, placements=True)
            return None if doc is None else ("pool", doc)

        def draw(outcome: tuple[str, Any]) -> None:
            kind, value = outcome
            if kind == "issues":
                ui.label(page.t("web.pool.bad", n=len(value.issues))).classes("text-negative").props('id="pool-error"')
                issue_view(page, value.file, value.issues, value.preview)
            else:
                _pool_result(page, value)

        await busy(page, out, work, draw, error_id="pool-error", caption=True)

    async def on_upload(event: Any) -> None:
        await plan(await event.file.read(), event.file.name)

    with ui.row().classes("items-center q-gutter-md"):
        ui.upload(label=page.t("web.pool.upload"), auto_upload=True, on_upload=on_upload).props(
            'accept=".csv,.xlsx" id="pool-upload"'
        ).classes("max-w-md")
        ui.button(page.t("web.pool.demo"), on_click=lambda: plan(None, None)).props('id="pool-demo" color="red-9"')
        ui.link(page.t("web.data.template"), "/api/v1/data/templates/shipments?format=xlsx")
    out.move(target_index=-1)


def _loading_view(page: Page, loads: list[dict[str, Any]]) -> None:
    """Pick a load and one of its units; draw that unit's cartons (isometric SVG)."""
    from qiankua.web.loading_view import isometric_svg

    viewable = [i for i, load in enumerate(loads) if load.get("placements") and load.get("unit_cm")]
    with ui.card().classes("w-full q-mt-md").props('id="pool-view"'):
        ui.label(page.t("web.pool.view")).classes("text-subtitle1")
        if not viewable:
            ui.label(page.t("web.pool.view.none")).classes("text-caption")
            return

        def mix(i: int, unit: int) -> tuple[int, int]:  # (shipments, cartons) in that unit
            keys = [p.get("key") for p in loads[i]["placements"] if int(p.get("unit", 0)) == unit]
            return len(set(keys)), len(keys)

        # open on the most mixed unit: several exporters' cartons sharing one pallet / container
        first, first_unit = max(
            ((i, u) for i in viewable for u in range(int(loads[i].get("units_used") or 1))), key=lambda iu: mix(*iu)
        )
        state = {"load": first, "unit": first_unit}

        def units_of(i: int) -> dict[int, str]:
            util = loads[i].get("utilisation") or []
            return {
                u: f"{u + 1} · {number(100 * util[u], page.lang, 0) if u < len(util) else '?'}%"
                for u in range(int(loads[i].get("units_used") or 1))
            }

        @ui.refreshable
        def view() -> None:
            load = loads[state["load"]]
            unit = state["unit"]
            l, w, h = load["unit_cm"]
            util = load.get("utilisation") or []
            cartons = sum(1 for p in load["placements"] if int(p.get("unit", 0)) == unit)
            ui.html(
                isometric_svg(load["placements"], load["unit_cm"], unit=unit, width=640, height=420), sanitize=False
            ).props('id="pool-view-svg"')
            ui.label(
                page.t(
                    "web.pool.view.caption",
                    unit=load.get("load_unit") or "",
                    l=number(l, page.lang, 0),
                    w=number(w, page.lang, 0),
                    h=number(h, page.lang, 0),
                    n=unit + 1,
                    cartons=cartons,
                    util=f"{number(100 * util[unit], page.lang, 1)}%" if unit < len(util) else "?",
                )
            ).classes("text-caption text-grey-8")

        def pick_load(event: Any) -> None:
            state.update(load=int(event.value), unit=0)
            unit_select.set_options(units_of(state["load"]), value=0)
            view.refresh()

        def pick_unit(event: Any) -> None:
            if event.value is not None:
                state["unit"] = int(event.value)
                view.refresh()

        with ui.row().classes("q-gutter-md items-end"):
            ui.select(
                {
                    i: f"{loads[i]['destination']} · {loads[i]['mode']} · {loads[i].get('load_unit') or ''}"
                    for i in viewable
                },
                value=first,
                label=page.t("web.pool.view.load"),
                on_change=pick_load,
            ).classes("min-w-[220px]").props('id="pool-view-load"')
            unit_select = (
                ui.select(units_of(first), value=first_unit, label=page.t("web.pool.view.unit"), on_change=pick_unit)
                .classes("min-w-[140px]")
                .props('id="pool-view-unit"')
            )
        view()


def _pool_result(page: Page, doc: dict[str, Any]) -> None:
    with ui.row().classes("q-gutter-md").props('id="pool-result"'):
        for key, label in (
            ("total_standalone_cny", "web.pool.standalone"),
            ("total_pooled_cny", "web.pool.pooled"),
            ("total_saving_cny", "web.pool.saving"),
        ):
            with ui.card().classes("q-pa-sm"):
                ui.label(page.t(label)).classes("text-caption")
                ui.label(money(doc[key], "CNY", page.lang)).classes("text-h6")
        with ui.card().classes("q-pa-sm"):
            ui.label(page.t("web.pool.core")).classes("text-caption")
            ui.label(page.t("web.pool.in_core") if doc["in_core"] else page.t("web.pool.not_in_core")).classes(
                "text-h6"
            ).props('id="pool-core"')
        level = doc.get("confidence") or "unconfirmed"
        ui.badge(page.label("confidence", level), color=CONF_COLORS.get(level, "grey")).props("outline")
    with ui.row().classes("w-full no-wrap q-gutter-md"):
        with ui.card().classes("w-1/2"):
            ui.echart(pool_map_options(page, doc)).classes("w-full h-96").props('id="pool-map"')
        with ui.card().classes("w-1/2"):
            loads = doc.get("loads", [])
            ui.echart(
                {
                    "title": {"text": page.t("web.pool.loading"), "textStyle": {"fontSize": 13}},
                    "tooltip": {},
                    "grid": {"left": 90, "right": 20, "top": 40, "bottom": 30},
                    "xAxis": {"type": "value", "max": 1, "name": page.t("web.pool.utilisation")},
                    "yAxis": {
                        "type": "category",
                        "data": [f"{x['destination']} {x['mode']} {x.get('load_unit') or ''}" for x in loads],
                    },
                    "series": [
                        {
                            "type": "bar",
                            "data": [round(max(x.get("utilisation") or [0]), 3) for x in loads],
                            "itemStyle": {"color": "#b71c1c"},
                        }
                    ],
                }
            ).classes("w-full h-96").props('id="pool-loading"')
    _loading_view(page, doc.get("loads", []))
    ui.label(page.t("web.pool.allocation")).classes("text-h6 q-mt-md")
    rows = [
        {
            "id": e["id"],
            "cartons": e.get("cartons"),
            "standalone": money(e["standalone_cny"], "CNY", page.lang),
            "share": money(e["share_cny"], "CNY", page.lang),
            "saving": money(e["saving_cny"], "CNY", page.lang),
            "pct": number(e.get("saving_pct"), page.lang, 1),
        }
        for e in doc["exporters"]
    ]
    ui.table(
        columns=[
            {"name": "id", "label": page.t("web.pool.exporter"), "field": "id", "align": "left"},
            {"name": "cartons", "label": page.t("web.pool.cartons"), "field": "cartons"},
            {"name": "standalone", "label": page.t("web.pool.standalone"), "field": "standalone", "align": "right"},
            {"name": "share", "label": page.t("web.pool.share"), "field": "share", "align": "right"},
            {"name": "saving", "label": page.t("web.pool.saving"), "field": "saving", "align": "right"},
            {"name": "pct", "label": "%", "field": "pct", "align": "right"},
        ],
        rows=rows,
        row_key="id",
        pagination=15,
    ).classes("w-full").props('dense flat id="pool-allocation"')


# the page of each engine that has one (path from :data:`qiankua.vocabulary.ENGINES`)
_BUILDERS: dict[str, Callable[[Page], Any]] = {
    "costing": quote_page,
    "routing": routes_page,
    "opportunity": opportunities_page,
    "pooling": pooling_page,
}
PAGES: dict[str, Callable[[Page], Any]] = {e.page: _BUILDERS[e.name] for e in ENGINES if e.page is not None}
