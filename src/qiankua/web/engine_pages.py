"""Engine pages (报价 quote, 线路 routes, 机会 opportunities, 拼货 pooling).

Each is wired to ``qiankua.services.<engine>`` when that module exists at start-up; otherwise
the page says "模块尚未就绪 / module not available yet" (never a server error).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from fastapi import Response
from nicegui import Client, background_tasks, run, ui
from nicegui import app as nicegui_app

from qiankua.report.maps import (
    COUNTY_MAP,
    PACIFIC_MAP,
    WORLD_MAP,
    pacific_basemap_json,
    pool_map_options,
    route_map_options,
    world_basemap_json,
)
from qiankua.services.costing import COST_LINES
from qiankua.services.registry import service
from qiankua.services.requests import QUOTE_FIELDS, ROUTE_FIELDS
from qiankua.vocabulary import ENGINES, SERVICES, SEVERITIES
from qiankua.web import scenarios_page
from qiankua.web.context import money, number
from qiankua.web.layout import CONF_COLORS, Page, busy, explain, issue_view, unavailable

# the waterfall's steps: a quote's cost lines up to the totals (services.costing.COST_LINES)
WATERFALL = COST_LINES[: COST_LINES.index("landed_cost")]


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


def _query(name: str) -> str | None:
    """A query parameter of the page's request (``/quote?product=…&market=…``: links from other pages)."""
    try:
        value = ui.context.client.request.query_params.get(name)
    except Exception:
        return None
    return value or None


def product_options(page: Page) -> dict[str, str]:
    """``{id: label}`` of the products a quote can use: the user's own first (marked 我的 / mine), then the
    built-in catalogue (:func:`qiankua.services.products.user_catalogue`, the catalogue every engine reads)."""
    from qiankua.services.products import user_catalogue

    catalogue = user_catalogue(page.db)
    rows = catalogue.ref.products.to_dicts()
    mine = page.t("web.quote.mine")
    options = {p["id"]: f"★ {page.name(p)} ({p['id']}) · {mine}" for p in rows if p["id"] in catalogue.user_ids}
    options.update({p["id"]: f"{page.name(p)} ({p['id']})" for p in rows if p["id"] not in catalogue.user_ids})
    return options


def quote_page(page: Page) -> None:
    if service("costing") is None:
        unavailable(page, "costing")
        return
    from qiankua.services import data
    from qiankua.services.quoting import quote

    products = product_options(page)
    markets = {m["iso2"]: f"{page.name(m)} {m['iso2']}" for m in data.markets().to_dicts()}
    wanted = _query("product")
    form: dict[str, Any] = {
        "product_id": wanted if wanted in products else "duyun-maojian-250g",
        "market": (_query("market") or "DE").upper() if (_query("market") or "DE").upper() in markets else "DE",
        "mode": QUOTE_FIELDS["mode"],
        "service": _query("service") if _query("service") in SERVICES else QUOTE_FIELDS["service"],
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
        ).classes("qk-field").style("min-width: 320px")
        ui.select(markets, label=page.t("web.quote.market"), with_input=True).bind_value(form, "market").props(
            'id="quote-market"'
        ).classes("qk-field").style("min-width: 200px")
        ui.select(page.options("mode"), label=page.t("web.quote.mode")).bind_value(form, "mode").props(
            'id="quote-mode"'
        ).classes("qk-field").style("min-width: 240px")
        ui.select(page.options("service"), label=page.t("web.quote.service")).bind_value(form, "service").props(
            'id="quote-service"'
        ).classes("qk-field")
        ui.select(page.options("platform"), label=page.t("web.quote.platform")).bind_value(form, "platform").props(
            'id="quote-platform"'
        ).classes("qk-field")
        ui.input(page.t("web.quote.date")).bind_value(form, "date").props('type=date id="quote-date"').classes(
            "qk-field"
        )
        ui.number(page.t("web.quote.price_in"), min=0).bind_value(form, "price").props('for="quote-price"').classes(
            "qk-field"
        ).style("min-width: 240px")
        ui.number(page.t("web.quote.target_margin"), min=0, max=95, suffix="%").bind_value(
            form, "target_margin"
        ).classes("qk-field")
    with ui.row().classes("items-end q-gutter-md"):
        ui.number(page.t("web.quote.quantity"), min=1, step=1, format="%d").bind_value(form, "quantity").props(
            'id="quote-quantity"'
        ).classes("qk-field")
        ui.number(page.t("web.quote.gross_kg"), min=0).bind_value(form, "gross_kg").props(
            'id="quote-gross-kg"'
        ).classes("qk-field").style("min-width: 260px")
        ui.input(page.t("web.quote.dims"), placeholder="30x20x10").bind_value(form, "dims").props(
            'for="quote-dims"'
        ).classes("qk-field").style("min-width: 260px")
        ui.number(page.t("web.quote.fx_rate"), min=0).bind_value(form, "fx_rate").props('for="quote-fx-rate"').classes(
            "qk-field"
        ).style("min-width: 280px")
        ui.select(
            {
                "auto": page.t("web.quote.invoices.auto"),
                "yes": page.t("web.quote.invoices.yes"),
                "no": page.t("web.quote.invoices.no"),
            },
            label=page.t("web.quote.invoices"),
        ).bind_value(form, "invoices").props('id="quote-invoices"').classes("qk-field").style("min-width: 160px")
        button = ui.button(page.t("web.quote.run"), icon="calculate").props('id="quote-run" color="red-9"')
    out = ui.column().classes("w-full")

    async def calculate() -> None:
        def fields() -> dict[str, Any]:
            # numbers go to the shared request builder as typed: a negative price or weight is refused there
            # (services.requests), never silently dropped to "none" here
            def given(key: str) -> Any:
                return None if form[key] is None or form[key] == "" else form[key]

            margin = given("target_margin")
            return {
                "product_id": form["product_id"],
                "market": form["market"],
                "mode": form["mode"],
                "service": form["service"],
                "platform": form["platform"],
                "sensitivity": True,
                "date": dt.date.fromisoformat(form["date"]) if form["date"] else None,
                "quantity": given("quantity"),
                "gross_kg": given("gross_kg"),
                "dims": form["dims"] or None,
                "fx_rate": given("fx_rate"),
                "invoices": {"yes": True, "no": False}.get(form["invoices"]),
                "price": given("price"),
                "target_margin": float(margin) / 100 if margin is not None else None,
            }

        async def work() -> Any:
            return await run.io_bound(quote, fields(), page.db)

        await busy(page, out, work, lambda doc: _quote_result(page, doc, form), button=button, error_id="quote-error")

    button.on_click(calculate)


def _note(text: str, key: str, *, color: str = "text-warning", icon: str = "warning") -> None:
    with ui.row().classes(f"items-center no-wrap q-gutter-xs {color}").props(f'data-note="{key}"'):
        ui.icon(icon, size="xs")
        ui.label(text).style("white-space: normal")


_REASON_KEYS = {
    "no import regime on file for this market and date": "web.quote.reason.regime",
    "no VAT/GST rate on file for this market and date": "web.quote.reason.vat",
    "no FX rate for the destination currency on this date": "web.quote.reason.fx",
}


def _quote_notes(page: Page, doc: dict[str, Any]) -> None:
    """What the quote lacks or rests on, next to the result: the FX rate's age, each missing figure,
    and the duty range the candidate tariff lines imply."""
    lang = "zh" if page.lang == "zh" else "en"
    fx = doc.get("fx") or {}
    notes = []
    if fx.get(f"note_{lang}"):
        notes.append(("fx", fx[f"note_{lang}"]))
    sep = "：" if lang == "zh" else ": "
    notes += [
        (m["flag"], m[lang] + (sep + m[f"detail_{lang}"] if m.get(f"detail_{lang}") else ""))
        for m in doc.get("missing") or []
    ]
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
            _note(text, key)


def _quote_route(page: Page, doc: dict[str, Any], form: dict[str, Any]) -> None:
    """The route the quote priced its logistics with (the router's pick for the chosen service), its days and
    CO2e, and — when the router excludes that service for this product — a red warning with the router's reasons."""
    route = doc.get("route") or {}
    advice = doc.get("advice") or {}
    lang = "zh" if page.lang == "zh" else "en"
    link = f"/routes?product={form.get('product_id') or ''}&market={form.get('market') or ''}"
    with ui.card().classes("w-full q-pa-sm").props('id="quote-route"'):
        with ui.row().classes("items-center q-gutter-sm"):
            ui.icon("route").classes("text-red-9")
            ui.label(page.t("web.quote.route")).classes("text-subtitle1")
        if route.get("feasible"):
            ui.label(route.get(f"label_{lang}") or "").classes("qk-wide-label").props('id="quote-route-label"')
            with ui.row().classes("items-center q-gutter-md"):
                with ui.row().classes("items-center no-wrap q-gutter-xs"):
                    ui.icon("schedule", size="xs")
                    ui.label(page.t("web.quote.route.days", days=number(route.get("days"), page.lang, 1))).props(
                        'id="quote-route-days"'
                    )
                with ui.row().classes("items-center no-wrap q-gutter-xs"):
                    ui.icon("co2", size="xs")
                    ui.label(page.t("web.quote.route.co2", kg=number(route.get("kg_co2e"), page.lang, 2))).props(
                        'id="quote-route-co2"'
                    )
                page.conf_badge(route.get("confidence"))
        elif not advice.get("shippable", True):
            with ui.column().classes("q-gutter-xs").props('id="quote-excluded"'):
                _note(
                    page.t("web.quote.excluded", service=page.label("service", str(advice.get("service") or ""))),
                    "excluded",
                    color="text-negative",
                    icon="block",
                )
                for item in route.get("excluded") or []:
                    ui.label(f"{page.label('route_service', item['service'])}: {item[f'reason_{lang}']}").classes(
                        "text-negative text-caption q-ml-lg"
                    )
        else:
            ui.label(page.t("web.quote.route.fallback")).classes("text-caption")
        ui.link(page.t("web.quote.route.open"), link).props('id="quote-route-link"')


def _quote_requirements(page: Page, doc: dict[str, Any]) -> None:
    """The market-entry requirements the opportunity ranking applies to this pair, blockers first."""
    reqs = doc.get("requirements") or []
    with ui.card().classes("w-full q-pa-sm").props('id="quote-requirements"'):
        with ui.row().classes("items-center q-gutter-sm"):
            ui.icon("gavel").classes("text-red-9")
            ui.label(page.t("web.quote.requirements")).classes("text-subtitle1")
        if (doc.get("advice") or {}).get("blocked"):
            _note(page.t("web.quote.blocked"), "blocked", color="text-negative", icon="block")
        if not reqs:
            ui.label(page.t("web.quote.requirements.none")).classes("text-caption")
        for req in reqs:
            blocker = req["severity"] == "blocker"
            with ui.row().classes("items-center q-gutter-sm").props(f'data-severity="{req["severity"]}"'):
                ui.badge(page.label("severity", req["severity"]), color="negative" if blocker else "grey-7")
                from qiankua.services.quoting import requirement_text

                authority, text = requirement_text(req, page.lang)  # the row's Chinese text on a Chinese page
                ui.label(f"{authority} · {text}").classes("qk-wide-label").style("white-space: normal")
                if req.get("url"):
                    ui.link(page.t("web.col.source"), req["url"], new_tab=True).classes("text-caption")


def _product_hs(page: Page, product_id: str | None) -> str:
    from qiankua.services.products import user_catalogue

    try:
        return str(user_catalogue(page.db).ref.product(product_id or "").hs6)
    except LookupError:
        return ""


def _quote_result(page: Page, doc: dict[str, Any], form: dict[str, Any] | None = None) -> None:
    scenarios_page.save_button(page, "quote", scenarios_page.quote_inputs(form or {}), doc)
    cur = doc["currency"]
    form = form or {}
    with ui.row().classes("items-center q-gutter-md").props('id="quote-result"'):
        ui.label(page.t("web.quote.status", status=page.t(f"web.quote.status.{doc['status']}"))).classes(
            "text-subtitle1"
        ).props(f'data-status="{doc["status"]}"')
        if doc.get("reason"):
            key = _REASON_KEYS.get(doc["reason"])
            reason = str(doc.get("reason_zh") if page.lang == "zh" and doc.get("reason_zh") else doc["reason"])
            ui.label(page.t(key) if key else reason).classes("text-warning")
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
    product = doc.get("product") or {}
    if product.get("source") == "user" and any(f in (doc.get("flags") or []) for f in ("tariff_rate_missing",)):
        _note(
            page.t("web.quote.no_rules", hs=_product_hs(page, product.get("id")), market=form.get("market") or ""),
            "no_rules",
        )
    if product.get("replaces_builtin"):
        _note(product.get("note_zh" if page.lang == "zh" else "note_en") or "", "replaces", icon="info")
    _quote_notes(page, doc)
    with ui.element("div").classes("qk-pair q-mt-sm"):
        with ui.element("div").classes("qk-half"):
            _quote_route(page, doc, form)
        with ui.element("div").classes("qk-half"):
            _quote_requirements(page, doc)
    with ui.element("div").classes("qk-pair q-mt-sm"):
        with ui.card().classes("qk-half"):
            ui.echart(waterfall_options(page, doc)).classes("w-full h-96").props('id="quote-waterfall"')
        with ui.card().classes("qk-half"):
            if doc.get("sensitivity"):
                ui.echart(tornado_options(page, doc)).classes("w-full h-96").props('id="quote-tornado"')
    from qiankua.services.quoting import rule_table_title

    urls = _source_urls()
    rows = []
    for i, rule in enumerate(doc.get("rules", [])):
        ids = [x.strip() for x in (rule.get("source_id") or "").split(";") if x.strip()]
        links = [{"id": x, "url": urls.get(x, ("", ""))[1]} for x in ids]
        rows.append(
            {
                "n": i,
                "table": rule_table_title(rule.get("table") or "", page.lang),
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
                {
                    "name": "key",
                    "label": page.t("web.quote.rule_key"),
                    "field": "key",
                    "align": "left",
                    "classes": "qk-verbatim",
                },
                {"name": "confidence", "label": page.t("web.col.confidence"), "field": "confidence", "align": "left"},
                {"name": "links", "label": page.t("web.col.source"), "field": "links", "align": "left"},
                {"name": "as_of", "label": page.t("web.col.as_of"), "field": "as_of"},
                {
                    "name": "note",
                    "label": page.t("web.quote.note"),
                    "field": "note",
                    "align": "left",
                    "style": "white-space: normal; max-width: 480px",
                    "classes": "qk-verbatim",
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
        <q-td :props="props" class="qk-verbatim"><span v-for="l in props.row.links" :key="l.id" class="q-mr-sm">
          <a v-if="l.url" :href="l.url" target="_blank" rel="noopener" class="qk-source">{{ l.id }}</a>
          <span v-else>{{ l.id }}</span></span></q-td>""",
    )


# ---------------------------------------------------------------------------- maps (offline basemaps)

WORLD_MAP_URL = "/static/qiankua/world_countries_110m.geojson"
PACIFIC_MAP_URL = "/static/qiankua/world_countries_110m_pacific.geojson"
_MAP_URLS = {WORLD_MAP: WORLD_MAP_URL, PACIFIC_MAP: PACIFIC_MAP_URL, COUNTY_MAP: "/api/v1/divisions/boundaries"}


@nicegui_app.get(WORLD_MAP_URL, include_in_schema=False)
def _world_basemap() -> Response:
    """The world basemap (Natural Earth 1:110m, public domain) for ``echarts.registerMap``; no CDN, no tiles."""
    return Response(
        world_basemap_json(), media_type="application/geo+json", headers={"Cache-Control": "public, max-age=86400"}
    )


@nicegui_app.get(PACIFIC_MAP_URL, include_in_schema=False)
def _pacific_basemap() -> Response:
    """The same countries seen from the Pacific, for routes that cross the antimeridian."""
    return Response(
        pacific_basemap_json(), media_type="application/geo+json", headers={"Cache-Control": "public, max-age=86400"}
    )


# registers each basemap with the page's ECharts once (fetched from this server, cached by the browser);
# a map chart is created only afterwards, so ECharts is never asked for a map it does not know yet
_REGISTER_MAPS_JS = """
const { echarts } = await import("nicegui-echart");
for (const [name, url] of Object.entries(%s)) {
  if (echarts.getMap(name)) continue;
  const response = await fetch(url);
  if (!response.ok) return false;
  echarts.registerMap(name, await response.json());
}
return true;
"""


async def register_maps(client: Client, *names: str) -> bool:
    """Register the named basemaps (:data:`WORLD_MAP`, :data:`COUNTY_MAP`) in ``client``'s browser; False if that failed."""
    try:
        await client.connected(timeout=20)
        urls = json.dumps({n: _MAP_URLS[n] for n in names})
        return bool(await client.run_javascript(_REGISTER_MAPS_JS % urls, timeout=20))
    except Exception:
        return False


def map_chart(page: Page, options: dict[str, Any], basemap: str, element_id: str) -> None:
    """An ECharts map on an offline basemap: a holder now, the chart (id ``element_id``) once ``basemap`` is
    registered in the browser; if it cannot be, a caption says so instead (never an ECharts error)."""
    holder = ui.element("div").classes("w-full").props(f'id="{element_id}-holder"')

    async def draw() -> None:
        registered = await register_maps(holder.client, basemap)
        if holder.is_deleted:
            return
        with holder:
            if registered:
                ui.echart(options).classes("w-full h-96").props(f'id="{element_id}" data-basemap="{basemap}"')
            else:
                ui.label(page.t("web.map.unavailable")).classes("text-caption text-grey-7")

    background_tasks.create(draw(), name=f"map {element_id}")


def pareto_options(page: Page, doc: dict[str, Any]) -> dict[str, Any]:
    """Cost vs days, bubble size by CO2e; the recommended route in red."""
    co2 = [r["kg_co2e"] for r in doc["routes"]] or [1.0]
    top = max(co2) or 1.0
    data = [
        {
            "value": [r["days"], r["cost_cny"], r["kg_co2e"], r.get(f"label_{page.lang}") or r["label"]],
            "symbolSize": 8 + 32 * (r["kg_co2e"] / top),
            "itemStyle": {"color": "#b71c1c" if r["recommended"] else "#1565c0"},
        }
        for r in doc["routes"]
    ]
    return {
        "title": {"text": page.t("web.routes.pareto"), "textStyle": {"fontSize": 13}},
        "tooltip": {
            # the label is user text (quote ids): escaped, since ECharts renders a formatter's string as HTML
            ":formatter": "p => String(p.data.value[3]).replace(/[&<>\"']/g, c => '&#' + c.charCodeAt(0) + ';') "
            "+ '<br>' + p.data.value[1] + ' CNY, ' + "
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
    products = {"": "—", **product_options(page)}
    wanted, market = _query("product"), (_query("market") or "DE").upper()
    origin = _query("origin")
    if wanted in products and origin is None:
        from qiankua.services.products import user_catalogue

        try:  # from the product's own county, as the quote routes it
            origin = str(user_catalogue(page.db).ref.product(wanted or "").origin_adcode)
        except LookupError:
            origin = None
    form: dict[str, Any] = {
        "origin": origin if origin in counties else "522636",
        "market": market if market in markets else "DE",
        "product_id": wanted if wanted in products else "duyun-maojian-250g",
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
        ).classes("qk-field").style("min-width: 220px")
        ui.select(markets, label=page.t("web.quote.market"), with_input=True).bind_value(form, "market").classes(
            "qk-field"
        ).style("min-width: 200px").props('id="route-market"')
        ui.select(products, label=page.t("web.quote.product"), with_input=True).bind_value(form, "product_id").classes(
            "qk-field"
        ).style("min-width: 260px").props('id="route-product"')
        ui.number(page.t("web.routes.weight"), min=0.1).bind_value(form, "weight_kg").classes("qk-field").props(
            'id="route-weight"'
        )
        ui.number(page.t("web.routes.volume"), min=0).bind_value(form, "volume_m3").props('id="route-volume"').classes(
            "qk-field"
        )
        ui.number(page.t("web.routes.pieces"), min=1, step=1, format="%d").bind_value(form, "pieces").props(
            'id="route-pieces"'
        ).classes("qk-field")
        ui.input(page.t("web.quote.date")).bind_value(form, "date").props('type=date id="route-date"').classes(
            "qk-field"
        )
        ui.switch("B2B").bind_value(form, "b2b").props('id="route-b2b"')
        button = ui.button(page.t("web.routes.run"), icon="alt_route").props('id="route-run" color="red-9"')
    explain(page, "pareto")
    out = ui.column().classes("w-full")

    async def plan() -> None:
        def fields() -> dict[str, Any]:
            return {
                "origin": form["origin"],
                "market": form["market"],
                "product_id": form["product_id"] or None,
                "weight_kg": form["weight_kg"],
                "volume_m3": None if form["volume_m3"] in (None, "") else form["volume_m3"],
                "pieces": None if form["pieces"] in (None, "") else form["pieces"],
                "b2b": bool(form["b2b"]),
                "date": form["date"] or None,
            }

        async def work() -> Any:
            return await run.io_bound(plan_routes, fields(), page.db)

        await busy(page, out, work, lambda doc: _routes_result(page, doc), button=button, error_id="route-error")

    button.on_click(plan)


def _routes_result(page: Page, doc: dict[str, Any]) -> None:
    scenarios_page.save_button(page, "route", None, doc)
    if not doc["routes"]:
        ui.label(page.t("web.routes.none")).classes("text-warning").props('id="route-none"')
    lang = "zh" if page.lang == "zh" else "en"
    with ui.element("div").classes("qk-pair").props('id="route-result"'):
        with ui.card().classes("qk-half"):
            options = route_map_options(doc, lang=lang, title=page.t("web.routes.map"))
            map_chart(page, options, options["geo"]["map"], "route-map")
        with ui.card().classes("qk-half"):
            ui.echart(pareto_options(page, doc)).classes("w-full h-96").props('id="route-pareto"')
    rows = [
        {
            "n": i,
            "label": r.get(f"label_{lang}") or r["label"],
            "cost": money(r["cost_cny"], "CNY", page.lang),
            "days": number(r["days"], page.lang, 1),
            "co2": number(r["kg_co2e"], page.lang, 1),
            "recommended": r["recommended"],
            "confidence": r["confidence"],
            "confidence_label": page.label("confidence", r["confidence"]),
        }
        for i, r in enumerate(doc["routes"])
    ]
    table = (
        ui.table(
            columns=[
                {"name": "recommended", "label": "", "field": "recommended"},
                {
                    "name": "label",
                    "label": page.t("web.routes.route"),
                    "field": "label",
                    "align": "left",
                    "style": "white-space: normal; min-width: 240px",
                },
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
    table.add_slot(
        "body-cell-recommended",
        """<q-td :props="props"><q-icon v-if="props.row.recommended" name="star" color="red-9" /></q-td>""",
    )
    if doc["excluded"]:
        ui.label(page.t("web.routes.excluded")).classes("text-h6 q-mt-md")
        ui.table(
            columns=[
                {"name": "service", "label": page.t("web.quote.service"), "field": "service", "align": "left"},
                {"name": "mode", "label": page.t("routing.col.leg_mode"), "field": "mode", "align": "left"},
                {"name": "reason", "label": page.t("web.data.reason"), "field": "reason", "align": "left"},
            ],
            rows=[
                {
                    "n": i,
                    "service": page.label("route_service", e["service"]),
                    "mode": page.label("leg_mode", e["mode"]),
                    "reason": e["reason_zh"] if page.lang == "zh" else e["reason"],
                }
                for i, e in enumerate(doc["excluded"])
            ],
            row_key="n",
        ).classes("w-full").props('dense flat id="route-excluded"')


CRITERIA = ("demand", "china_share", "ecommerce_rank", "culture", "compliance")


def criterion_name(page: Page, key: str) -> str:
    """A ranking criterion's name (``web.opp.c.<key>``); never its raw key on a page."""
    name = page.t(f"web.opp.c.{key}")
    return name if name != f"web.opp.c.{key}" else key.replace("_", " ")


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
        "grid": {"left": 8, "right": 20, "top": 40, "bottom": 80, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [names.get(f"market:{m}", m) for m in markets],
            "axisLabel": {"fontSize": 10, "rotate": 45},
        },
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
    names.update({f"market:{m['iso2']}": page.name(m) for m in data.markets().to_dicts()})
    weights = {c: 1.0 for c in CRITERIA}
    state: dict[str, Any] = {"custom": False}
    ui.label(page.t("web.opp.title")).classes("text-h5")
    with ui.row().classes("items-center q-gutter-md"):
        ui.switch(page.t("web.opp.custom")).bind_value(state, "custom").props('id="opp-custom"')
        for criterion in CRITERIA:
            with ui.column().style("min-width: 140px"):
                ui.label(page.t(f"web.opp.c.{criterion}")).classes("text-caption")
                ui.slider(min=0, max=5, step=0.5).bind_value(weights, criterion).props("label")
        button = ui.button(page.t("web.opp.run"), icon="leaderboard").props('id="opp-run" color="red-9"')
    explain(page, "entropy")
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
    # the headline first (issue 16): export potential in USD per HS line x market, realised and unrealised beside it
    scenarios_page.save_button(page, "opportunity", None, doc)
    head = doc.get("headline") or {}
    ui.label(page.t("opportunity.headline.title")).classes("text-h6")
    zh = page.lang == "zh"

    def usd(v: float | None) -> str:
        return "—" if v is None else money(v, "USD", page.lang)

    ui.table(
        columns=[
            {"name": c, "label": label, "field": c, "align": "left"}
            for c, label in (
                ("line", "HS"),
                ("market", "市场" if zh else "market"),
                ("potential", "出口潜力" if zh else "potential"),
                ("realised", "已实现" if zh else "realised"),
                ("unrealised", "未实现" if zh else "unrealised"),
                ("products", "产品" if zh else "products"),
            )
        ],
        rows=[
            {
                "n": i,
                "line": r["line"],
                "market": names.get(f"market:{r['market']}", r["market"]),
                "potential": usd(r["potential_usd"]) + (" *" if r.get("demand_proxy") else ""),
                "realised": usd(r["realised_usd"]),
                "unrealised": usd(r["unrealised_usd"]),
                "products": ", ".join(names.get(p, p) for p in r["products"]),
            }
            for i, r in enumerate(head.get("lines", []))
        ],
        row_key="n",
    ).classes("w-full").props('id="opp-potential" dense')
    if not head.get("lines"):
        ui.label(page.t("opportunity.headline.none")).classes("text-warning")
    ui.echart(heatmap_options(page, doc, names)).classes("w-full").style("height: 640px").props('id="opp-heatmap"')
    weights = ", ".join(
        f"{criterion_name(page, k)} {number(v * 100, page.lang, 0)}%" for k, v in doc["weights"].items()
    )
    ui.label(f"{page.t('web.opp.weights')}: {weights}").classes("text-caption").style("white-space: normal")
    if doc.get("unavailable"):
        ui.label(
            page.t("web.opp.unavailable", names=", ".join(criterion_name(page, str(k)) for k in doc["unavailable"]))
        ).classes("text-caption text-grey-7").style("white-space: normal")
    explain(page, "stability")
    ui.label(page.t("web.opp.top")).classes("text-h6 q-mt-md")
    with ui.column().classes("w-full").props('id="opp-ranking"'):
        for entry in doc["ranking"]:
            market_name = names.get(f"market:{entry['market']}", entry["market"])
            title = (
                f"#{entry['rank']} {names.get(entry['product'], entry['product'])} → {market_name}  "
                f"{page.t('web.opp.score')} {number(entry['score'], page.lang, 3)}  "
                f"{page.t('web.opp.stability')} {number((entry.get('stability') or 0) * 100, page.lang, 0)}%"
            )
            with ui.expansion(title).classes("w-full qk-opp-entry"):
                with ui.row().classes("items-center"):
                    level = entry.get("confidence") or "unconfirmed"
                    ui.badge(page.label("confidence", level), color=CONF_COLORS.get(level, "grey")).props("outline")
                    if not entry.get("feasible", True):
                        ui.badge(page.t("web.opp.blocked"), color="negative")
                    # the same pair on the quote and route pages (one answer across engines)
                    query = f"product={entry['product']}&market={entry['market']}"
                    ui.label(page.t("web.opp.links")).classes("text-caption q-ml-md")
                    ui.link(page.t("web.opp.to_quote"), f"/quote?{query}").classes("qk-opp-quote")
                    ui.link(page.t("web.opp.to_route"), f"/routes?{query}").classes("qk-opp-route")
                ui.label(page.t("web.opp.reasons")).classes("text-subtitle2")
                for reason in entry.get("reasons", []):
                    text = reason.get("text_zh") if page.lang == "zh" else reason.get("text_en")
                    good = reason.get("direction") == "for"
                    with ui.row().classes("items-center no-wrap q-gutter-xs"):
                        ui.icon("thumb_up" if good else "warning", size="xs").classes(
                            "text-positive" if good else "text-warning"
                        )
                        ui.label(str(text or reason.get("text") or "")).style("white-space: normal")
                if entry.get("requirements"):
                    ui.label(page.t("web.opp.requirements")).classes("text-subtitle2")
                    order = {s: i for i, s in enumerate(SEVERITIES)}
                    for req in sorted(entry["requirements"], key=lambda r: order.get(str(r.get("severity")), 9)):
                        severity = str(req.get("severity") or "")
                        with ui.row().classes("items-center no-wrap q-gutter-xs"):
                            ui.badge(
                                page.label("severity", severity),
                                color="negative" if severity == "blocker" else "grey-7",
                            )
                            from qiankua.services.quoting import requirement_text

                            authority, text = requirement_text(req, page.lang)  # Chinese text on a Chinese page
                            ui.label(" · ".join(p for p in (text, authority) if p)).style("white-space: normal")


def pooling_page(page: Page) -> None:
    if service("pooling") is None:
        unavailable(page, "pooling")
        return
    from qiankua.services.engines_view import pool_shipments, pool_stored, stored_shipment_count

    ui.label(page.t("web.pool.title")).classes("text-h5")
    out = ui.column().classes("w-full")

    async def plan(content: bytes | None, name: str | None, stored: bool = False) -> None:
        from qiankua.services import workspace

        async def work() -> tuple[str, Any] | None:
            if stored:  # the shipments imported on the data page, in the user's own database
                doc = await run.io_bound(pool_stored, page.db, time_limit_s=1.0, seed=1, placements=True)
                return None if doc is None else ("pool", doc)
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
                issue_view(page, value.file, value.issues, value.preview, table="shipments")
            else:
                scenarios_page.save_button(page, "pooling", scenarios_page.pool_inputs(stored, content), value)
                _pool_result(page, value)

        await busy(page, out, work, draw, error_id="pool-error", caption=True)

    async def on_upload(event: Any) -> None:
        await plan(await event.file.read(), event.file.name)

    with ui.row().classes("items-center q-gutter-md"):
        ui.upload(label=page.t("web.pool.upload"), auto_upload=True, on_upload=on_upload).props(
            'accept=".csv,.xlsx" id="pool-upload"'
        ).classes("max-w-md")
        stored = stored_shipment_count(page.db)
        mine = ui.button(
            f"{page.t('web.pool.stored')} ({number(stored, page.lang)})",
            icon="inventory_2",
            on_click=lambda: plan(None, None, stored=True),
        ).props('id="pool-stored" color="red-9"')
        if not stored:
            mine.disable()
            mine.tooltip(page.t("web.pool.stored.empty"))
        ui.button(page.t("web.pool.demo"), icon="science", on_click=lambda: plan(None, None)).props(
            'id="pool-demo" color="red-9" outline'
        )
        ui.link(page.t("web.data.template"), "/api/v1/data/templates/shipments?format=xlsx")
    explain(page, "core")
    out.move(target_index=-1)


def _market(page: Page, iso2: str) -> str:
    """A market's name in the page's language (its code when it is not in the markets table)."""
    from qiankua.services import data

    names = {m["iso2"]: page.name(m) for m in data.markets().to_dicts()}
    return names.get(iso2, iso2)


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
            ).props('id="pool-view-svg"').classes("qk-svg w-full")
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
                    i: f"{_market(page, loads[i]['destination'])} · {page.label('freight_mode', loads[i]['mode'])}"
                    f" · {loads[i].get('load_unit') or ''}"
                    for i in viewable
                },
                value=first,
                label=page.t("web.pool.view.load"),
                on_change=pick_load,
            ).style("min-width: 220px").props('id="pool-view-load"')
            unit_select = (
                ui.select(units_of(first), value=first_unit, label=page.t("web.pool.view.unit"), on_change=pick_unit)
                .style("min-width: 140px")
                .props('id="pool-view-unit"')
            )
        view()


def _pool_map(page: Page, doc: dict[str, Any]) -> dict[str, Any]:
    """The pickup routes over the county basemap, counties and vehicles named in the page's language."""
    from qiankua.reference import load_reference
    from qiankua.services import overview

    places = {d["adcode"]: page.name(d) for d in overview.divisions("county")}
    ref = load_reference()
    fleet = ref.table("pooling_vehicles").to_dicts()
    vehicles = {v["vehicle_id"]: page.name(v) for v in fleet}
    depot = None
    if fleet:  # every vehicle of the fleet starts from one depot hub (the pooling service checks that)
        hub = ref.hub(fleet[0]["depot_hub"])
        depot = (hub.name_zh if page.lang == "zh" else hub.name_en, [hub.lon, hub.lat])
    return pool_map_options(
        doc,
        lang="zh" if page.lang == "zh" else "en",
        title=page.t("web.pool.map"),
        places=places,
        vehicles=vehicles,
        depot=depot,
    )


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
            ui.tooltip(page.t("web.jargon.core"))
            ui.label(page.t("web.pool.in_core") if doc["in_core"] else page.t("web.pool.not_in_core")).classes(
                "text-h6"
            ).props('id="pool-core"')
        level = doc.get("confidence") or "unconfirmed"
        ui.badge(page.label("confidence", level), color=CONF_COLORS.get(level, "grey")).props("outline")
    with ui.element("div").classes("qk-pair"):
        with ui.card().classes("qk-half"):
            map_chart(page, _pool_map(page, doc), COUNTY_MAP, "pool-map")
        with ui.card().classes("qk-half"):
            loads = doc.get("loads", [])
            ui.echart(
                {
                    "title": {"text": page.t("web.pool.loading"), "textStyle": {"fontSize": 13}},
                    "tooltip": {},
                    "grid": {"left": 8, "right": 20, "top": 40, "bottom": 30, "containLabel": True},
                    "xAxis": {"type": "value", "max": 1, "name": page.t("web.pool.utilisation")},
                    "yAxis": {
                        "type": "category",
                        "data": [
                            f"{_market(page, x['destination'])} {page.label('freight_mode', x['mode'])}" for x in loads
                        ],
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


def _builder(engine: str) -> Callable[[Page], Any]:
    """The page of ``engine``: one of the above, or ``build`` in the engine's own ``qiankua.web.<engine>_page``."""
    if engine in _BUILDERS:
        return _BUILDERS[engine]
    import importlib

    module = importlib.import_module(f"qiankua.web.{engine}_page")
    build: Callable[[Page], Any] = module.build
    return build


PAGES: dict[str, Callable[[Page], Any]] = {e.page: _builder(e.name) for e in ENGINES if e.page is not None}
