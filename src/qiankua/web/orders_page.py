"""The orders page (``/orders``): drop platform order exports, confirm SKU mappings, a margin dashboard
(by product, market, platform and week; orders that lost money first) and the 9610 downloads.

Thin: every action calls :mod:`qiankua.services.orders` (the CLI's and the API's use cases) off the event
loop; the sample button loads the made-up fixture files, labelled as sample data wherever shown.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from nicegui import run, ui

from qiankua.web.layout import Page, error_line

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "orders" / "samples"
SAMPLE_FILES = ("amazon_all_orders.txt", "amazon_de_sample.txt", "aliexpress_zh.csv")


def bar_options(page: Page, rows: list[dict[str, Any]], key: str, label: str) -> dict[str, Any]:
    """ECharts bars: profit (CNY) per group, losses in red, margin on a second axis."""
    names = [str(r[key]) for r in rows]
    return {
        "title": {"text": label, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [page.t("orders.col.profit"), page.t("orders.col.margin")], "bottom": 0},
        "grid": {"left": 60, "right": 60, "bottom": 100, "top": 40},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30}},
        "yAxis": [{"type": "value", "name": "CNY"}, {"type": "value", "name": "%"}],
        "series": [
            {
                "name": page.t("orders.col.profit"),
                "type": "bar",
                "data": [
                    {
                        "value": round(r["profit_cny"], 2),
                        "itemStyle": {"color": "#c62828" if r["profit_cny"] < 0 else "#2e7d32"},
                    }
                    for r in rows
                ],
            },
            {
                "name": page.t("orders.col.margin"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [None if r["margin"] is None else round(100 * r["margin"], 1) for r in rows],
            },
        ],
    }


def _money(v: Any) -> str:
    return "" if v is None else f"{v:,.2f}"


def _pct(v: Any) -> str:
    return "" if v is None else f"{100 * v:.1f}%"


def build(page: Page) -> Any:
    from qiankua.services import orders as svc

    ui.label(page.t("orders.page.title")).classes("text-h5")
    status = ui.column().classes("w-full")
    mapping_box = ui.column().classes("w-full")
    dash = ui.column().classes("w-full")
    downloads = ui.column().classes("w-full")
    currency: dict[str, str | None] = {"value": None}

    async def show_import(sources: list[tuple[str, bytes]], sample: bool = False) -> None:
        status.clear()
        try:
            doc = await run.io_bound(svc.import_orders, sources, page.db, currency=currency["value"])
        except Exception as exc:  # the service's errors name file, row, column and reason
            with status:
                error_line(page, exc, "orders-error")  # reasons in the page's language, each cell named
            return
        if doc is None:
            return
        with status:
            if sample:
                ui.label(page.t("orders.page.sample")).classes("text-warning").props('id="orders-sample"')
            ui.label(
                f"{page.t('orders.page.imported')}: "
                + page.t("orders.import.ok", **{k: doc[k] for k in ("new", "updated", "duplicates", "sales_rows")})
            ).props('id="orders-imported"')
        await refresh()

    async def on_upload(event: Any) -> None:
        await show_import([(event.file.name, await event.file.read())])

    async def load_sample() -> None:
        await show_import([(n, (SAMPLE_DIR / n).read_bytes()) for n in SAMPLE_FILES], sample=True)

    async def refresh() -> None:
        await draw_mapping()
        await draw_dashboard()

    async def draw_mapping() -> None:
        doc = await run.io_bound(svc.mapping_suggestions, page.db)
        mapping_box.clear()
        if not doc or not doc["unmapped"]:
            return
        with mapping_box:
            ui.label(page.t("orders.page.mapping")).classes("text-h6")
            for n, u in enumerate(doc["unmapped"][:30]):
                options = {
                    s["product_id"]: f"{s['name_zh'] if page.lang == 'zh' else s['name_en']} ({s['score']:.0f})"
                    for s in u["suggestions"]
                }
                with ui.row().classes("items-center q-gutter-sm"):
                    ui.label(f"{u['platform']} · {u['sku'] or ''} · {(u['title'] or '')[:50]} · {u['lines']}")
                    sel = (
                        ui.select(options, value=next(iter(options), None))
                        .classes("min-w-[280px]")
                        .props(f'id="map-select-{n}"')
                    )

                    async def confirm(u: dict[str, Any] = u, sel: Any = sel) -> None:
                        if not sel.value:
                            return
                        kind, key = ("sku", u["sku"]) if u["sku"] else ("title", u["title"])
                        await run.io_bound(
                            svc.confirm_mappings,
                            page.db,
                            [{"platform": u["platform"], "key_kind": kind, "key": key, "product_id": sel.value}],
                        )
                        await refresh()

                    ui.button(page.t("orders.page.confirm"), on_click=confirm).props(
                        f'id="map-confirm-{n}" color="red-9" dense'
                    )

    def names() -> tuple[dict[str, str], dict[str, str]]:
        """Product and market names in the page's language (never a raw code on the page)."""
        from qiankua.services.products import user_catalogue

        ref = user_catalogue(page.db).ref
        products = {r["id"]: page.name(r) for r in ref.products.iter_rows(named=True)}
        markets = {r["iso2"]: page.name(r) for r in ref.markets.iter_rows(named=True)}
        return products, markets

    async def draw_dashboard() -> None:
        from qiankua.report.orders import explain_variance

        doc = await run.io_bound(svc.order_margins, page.db)
        found = await run.io_bound(names)
        products, markets = found if found is not None else ({}, {})
        dash.clear()
        downloads.clear()
        with dash:
            if not doc or not doc["lines"]:
                ui.label(page.t("orders.page.none")).props('id="orders-none"')
                return
            tot = doc["totals"]
            ui.label(page.t("orders.page.dashboard")).classes("text-h6")
            ui.label(page.t("orders.margin.title", **tot)).props('id="orders-totals"')
            with ui.row().classes("w-full"):
                for by, key in (
                    ("product_id", "orders.page.by_product"),
                    ("ship_country", "orders.page.by_market"),
                    ("platform", "orders.page.by_platform"),
                ):
                    rows = doc["summary"].get(by) or []
                    if rows:
                        ui.echart(bar_options(page, rows, by, page.t(key))).classes("w-[32%] h-80").props(
                            f'id="orders-chart-{by}"'
                        )
            weeks = doc["summary"].get("week") or []
            if weeks:
                ui.echart(bar_options(page, weeks, "week", page.t("orders.page.by_week"))).classes("w-full h-72").props(
                    'id="orders-chart-week"'
                )
            ui.label(page.t("orders.page.losing")).classes("text-subtitle1")
            columns = [
                {"name": "order", "label": page.t("orders.col.order"), "field": "order"},
                {"name": "product", "label": page.t("orders.col.product"), "field": "product"},
                {"name": "market", "label": page.t("orders.col.market"), "field": "market"},
                {"name": "platform", "label": page.t("orders.col.platform"), "field": "platform"},
                {"name": "status", "label": page.t("orders.col.status"), "field": "status"},
                {"name": "revenue", "label": page.t("orders.col.revenue"), "field": "revenue"},
                {"name": "profit", "label": page.t("orders.col.profit"), "field": "profit"},
                {"name": "margin", "label": page.t("orders.col.margin"), "field": "margin"},
                {"name": "quoted", "label": page.t("orders.col.quoted"), "field": "quoted"},
                {"name": "why", "label": page.t("orders.col.why"), "field": "why", "align": "left"},
                {"name": "low_value", "label": page.t("orders.col.low_value"), "field": "low_value"},
                {"name": "logistics", "label": page.t("orders.col.logistics"), "field": "logistics"},
            ]
            rows = [
                {
                    "order": r["order_id"],
                    "product": products.get(r["product_id"], r["product_id"]) if r["product_id"] else "—",
                    "market": markets.get(r["ship_country"], r["ship_country"]),
                    "platform": page.label("platform", r["platform"]),
                    "status": page.t(f"orders.mstatus.{r['margin_status']}"),
                    "revenue": _money(r["revenue_cny"]),
                    "profit": _money(r["profit_cny"]),
                    "margin": _pct(r["margin"]),
                    "quoted": _pct(r["quoted_margin"]),
                    "why": explain_variance(r, page.lang),
                    "low_value": page.t(f"orders.duty_basis.{r['duty_basis']}") if r.get("duty_basis") else "",
                    "logistics": ""
                    if r["profit_cny"] is None
                    else page.t(
                        "orders.logistics.invoiced"
                        if r.get("logistics_invoiced_cny") is not None
                        else "orders.logistics.estimated"
                    ),
                }
                for r in doc["lines"][:300]
            ]
            ui.table(columns=columns, rows=rows, row_key="order").classes("w-full").props('id="orders-table" dense')
            ui.label(page.t("orders.margin.note")).classes("text-caption")
            inv = doc.get("invoices")
            if inv:
                ui.label(page.t("orders.invoices.summary", **inv)).props('id="orders-invoices"')
                for u in inv["unmatched"][:50]:
                    ui.label(
                        f"{u['carrier']} · {u['waybill_or_order']} · {u['amount']} {u['currency']}: "
                        + page.t(f"orders.invoice.{u['invoice_status']}")
                    ).classes("text-negative text-caption")
            else:
                ui.label(page.t("orders.invoices.hint")).classes("text-caption").props('id="orders-invoices-hint"')
        with downloads:
            ui.label(page.t("orders.page.downloads")).classes("text-h6")
            dates = [r["order_date"] for r in doc["lines"] if r.get("order_date")]
            start, end = min(dates), max(dates)

            async def make() -> None:
                tmp = Path(tempfile.mkdtemp(prefix="qiankua-ceb603-"))
                out = await run.io_bound(svc.declare, page.db, start=start, end=end, out_dir=tmp)
                for path in (out or {}).get("files", {}).values():
                    ui.download(Path(path).read_bytes(), Path(path).name)

            with ui.row().classes("items-center q-gutter-md"):
                ui.label(f"{start} – {end}")
                ui.button(page.t("orders.page.declare"), icon="download", on_click=make).props(
                    'id="orders-declare" color="red-9"'
                )

    with ui.row().classes("items-center q-gutter-md"):
        ui.upload(label=page.t("orders.page.drop"), auto_upload=True, multiple=True, on_upload=on_upload).props(
            'accept=".csv,.txt,.tsv,.xlsx" id="orders-upload"'
        ).classes("max-w-md")
        ui.input(
            page.t("orders.page.currency"), on_change=lambda e: currency.update(value=(e.value or "").upper() or None)
        ).props('id="orders-currency" maxlength=3').classes("w-48")
        ui.button(page.t("orders.page.sample"), icon="science", on_click=load_sample).props(
            'id="orders-sample-load" color="red-9" outline'
        )
    status.move(target_index=-1)
    mapping_box.move(target_index=-1)
    dash.move(target_index=-1)
    downloads.move(target_index=-1)
    return refresh()
