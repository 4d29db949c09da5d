"""The pages that are not an engine's: 总览 overview and 数据 data (the engines' pages: :mod:`qiankua.web.engine_pages`)."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from qiankua.exceptions import ImportValidationError, QiankuaError
from qiankua.report.maps import COUNTY_MAP
from qiankua.vocabulary import FILE_FORMATS, IMPORT_MODES, IMPORT_TABLES
from qiankua.web.context import money, number
from qiankua.web.layout import Page, busy, issue_view, nav_title

# ---------------------------------------------------------------------------- overview


def county_map_options(page: Page, highlight: set[str], title: str, *, boundaries: bool = True) -> dict[str, Any]:
    """ECharts map of Guizhou: county polygons (registered as ``COUNTY_MAP``, regions named by
    ``name_zh`` / ``name_en``) with the county seats on top. Without ``boundaries`` the seats alone,
    on lon/lat axes."""
    from qiankua.services import overview

    counties = overview.divisions("county")
    normal = [[d["lon"], d["lat"], page.name(d), d["adcode"]] for d in counties if d["adcode"] not in highlight]
    marked = [[d["lon"], d["lat"], page.name(d), d["adcode"]] for d in counties if d["adcode"] in highlight]
    seats: list[dict[str, Any]] = [
        {
            "name": "seats",
            "type": "scatter",
            "data": normal,
            "symbolSize": 6,
            "itemStyle": {"color": "#78909c"},
            "z": 3,
        },
        {
            "name": "seats-with-products",
            "type": "scatter",
            "data": marked,
            "symbolSize": 10,
            "itemStyle": {"color": "#c62828"},
            "z": 4,
            "label": {"show": True, "position": "right", "fontSize": 10, ":formatter": "p => p.data[2]"},
        },
    ]
    options: dict[str, Any] = {
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "animation": False,
        "tooltip": {
            "trigger": "item",
            ":formatter": "p => Array.isArray(p.data) ? p.data[2] + ' ' + p.data[3] : p.name",
        },
    }
    if not boundaries:
        for series in seats:
            series["symbolSize"] = series["symbolSize"] + 1
        return options | {
            "grid": {"left": 50, "right": 20, "top": 40, "bottom": 40},
            "xAxis": {"type": "value", "min": 103.5, "max": 109.7, "name": "°E", "splitLine": {"show": False}},
            "yAxis": {"type": "value", "min": 24.5, "max": 29.3, "name": "°N", "splitLine": {"show": False}},
            "series": seats,
        }
    name_of = {d["adcode"]: page.name(d) for d in counties}
    return options | {
        "geo": {
            "map": COUNTY_MAP,
            "roam": True,
            "nameProperty": "name_zh" if page.lang == "zh" else "name_en",
            "aspectScale": 0.89,  # cos(26.8°): equal-distance degrees at Guizhou's latitude
            "top": 40,
            "bottom": 10,
            "scaleLimit": {"min": 0.8, "max": 12},
            "itemStyle": {"areaColor": "#eceff1", "borderColor": "#90a4ae", "borderWidth": 0.6},
            "emphasis": {"itemStyle": {"areaColor": "#ffe0b2"}, "label": {"show": False}},
            "select": {"disabled": True},
            "tooltip": {"show": True},
            "regions": [
                {"name": name_of[a], "itemStyle": {"areaColor": "#ffcdd2"}} for a in sorted(highlight) if a in name_of
            ],
        },
        "series": [dict(series, coordinateSystem="geo") for series in seats],
    }


async def _draw_county_map(page: Page, slot: ui.element, highlight: set[str]) -> None:
    """Register the county polygons in the browser, then draw the map into ``slot`` (seats only if that fails)."""
    from qiankua.web.engine_pages import register_maps

    boundaries = await register_maps(ui.context.client, COUNTY_MAP)
    with slot:
        ui.echart(county_map_options(page, highlight, page.t("web.overview.map"), boundaries=boundaries)).classes(
            "w-full h-96"
        ).props(f'id="county-map" data-boundaries="{str(boundaries).lower()}"')
        ui.label(page.t("web.overview.map.note" if boundaries else "web.overview.map.fallback")).classes(
            "text-caption text-grey-7"
        )


# the four tasks of the start page: (engine, page path, icon from the bundled Material icon font)
TASKS: tuple[tuple[str, str, str], ...] = (
    ("quote", "/quote", "calculate"),
    ("routes", "/routes", "alt_route"),
    ("opportunities", "/opportunities", "travel_explore"),
    ("pooling", "/pooling", "local_shipping"),
)


def start_tasks(page: Page) -> None:
    """The start page: the four tasks in plain words, each a card that opens its page."""
    from qiankua.web.layout import NAV

    present = {path for path, _, _ in NAV}
    ui.label(page.t("web.start.title")).classes("text-h5")
    with ui.element("div").classes("qk-tasks w-full").props('id="start-tasks"'):
        for key, path, icon in TASKS:
            if path not in present:
                continue
            link = ui.link(target=path).classes("qk-task no-underline text-dark").props(f'data-task="{key}"')
            with link, ui.card().classes("q-pa-md full-height"):
                with ui.row().classes("items-center no-wrap q-gutter-sm"):
                    ui.icon(icon, size="md").classes("text-red-9")
                    ui.label(page.t(f"web.start.{key}.title")).classes("text-subtitle1 text-weight-medium")
                ui.label(page.t(f"web.start.{key}.body")).classes("text-body2 text-grey-8")
                ui.label(f"{page.t('web.start.go')} · {nav_title(page, path)}").classes("text-red-9 text-caption")
    with ui.row().classes("items-center no-wrap q-gutter-xs"):
        ui.icon("upload_file", size="xs").classes("text-grey-7")
        ui.link(page.t("web.start.data"), "/data").classes("text-caption")


_TASKS_CSS = """
<style>
.qk-tasks { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 12px; }
.qk-task .q-card { transition: box-shadow .15s; } .qk-task:hover .q-card { box-shadow: 0 2px 8px #0003; }
</style>
"""


async def overview_page(page: Page) -> None:
    from qiankua.services import data, overview

    ui.add_head_html(_TASKS_CSS)
    start_tasks(page)
    ov = overview.overview()
    with ui.row().classes("w-full q-gutter-md"):
        for fig in ov["figures"]:
            with ui.card().classes("q-pa-sm").style("min-width: 140px").props(f'data-figure="{fig["key"]}"'):
                ui.label(fig["label_zh"] if page.lang == "zh" else fig["label_en"]).classes("text-caption")
                ui.label(number(fig["value"], page.lang)).classes("text-h5")
    with ui.element("div").classes("qk-pair"):
        with ui.card().classes("qk-half"):
            map_slot = ui.column().classes("w-full")  # filled once the browser has the county polygons
        with ui.card().classes("qk-half"):
            cats = ov["products_by_category"]
            ui.echart(
                {
                    "title": {"text": page.t("web.overview.categories"), "textStyle": {"fontSize": 13}},
                    "tooltip": {},
                    "grid": {"left": 8, "right": 20, "top": 40, "bottom": 30, "containLabel": True},
                    "xAxis": {"type": "value"},
                    "yAxis": {"type": "category", "data": [page.label("category", c) for c in cats]},
                    "series": [{"type": "bar", "data": list(cats.values()), "itemStyle": {"color": "#b71c1c"}}],
                }
            ).classes("w-full h-96")
    ui.label(page.t("web.overview.catalogue")).classes("text-h6 q-mt-md")
    products = data.catalogue().to_dicts()
    origins = {d["adcode"]: page.name(d) for d in overview.divisions()}
    rows = [
        {
            "id": p["id"],
            "name": page.name(p),
            "category": page.label("category", p["category"]),
            "hs6": p["hs6"],
            "origin": origins.get(p["origin_adcode"], p["origin_adcode"]),
            "value": money(p["unit_value_cny"], "CNY", page.lang),
            "confidence": p["value_confidence"] or "unconfirmed",
            "confidence_label": page.label("confidence", p["value_confidence"] or "unconfirmed"),
        }
        for p in products
    ]
    columns = [
        {"name": k, "label": page.t(f"web.col.{k}"), "field": k, "align": "left", "sortable": True}
        for k in ("id", "name", "category", "hs6", "origin", "value", "confidence")
    ]
    table = ui.table(columns=columns, rows=rows, row_key="id", pagination=15).classes("w-full")
    table.props('id="catalogue-table" dense flat bordered')
    table.add_slot(
        "body-cell-confidence",
        """
        <q-td :props="props"><q-badge outline class="qk-conf"
          :color="{confirmed: 'positive', likely: 'primary', unconfirmed: 'warning'}[props.row.confidence]"
          :label="props.row.confidence_label" /></q-td>""",
    )
    with ui.expansion(page.t("web.overview.sources")).classes("w-full q-mt-md"):
        from qiankua.services.overview import sources

        src_rows = [
            {
                "id": s["source_id"],
                "source": s["source"],
                "url": s["url"] or "",
                "table": s["table"],  # not shown: a table's name is an identifier
                "as_of": str(s["as_of"]),
                "confidence": page.label("confidence", s["confidence"]),
            }
            for s in sources()
            if s["row_key"] != "*"
        ]
        src = (
            ui.table(
                columns=[
                    {"name": "id", "label": "ID", "field": "id", "align": "left", "classes": "qk-verbatim"},
                    {"name": "source", "label": page.t("web.col.source"), "field": "source", "align": "left"},
                    {"name": "as_of", "label": page.t("web.col.as_of"), "field": "as_of"},
                    {"name": "confidence", "label": page.t("web.col.confidence"), "field": "confidence"},
                ],
                rows=src_rows,
                row_key="id",
                pagination=10,
            )
            .classes("w-full")
            .props("dense flat")
        )
        src.add_slot(
            "body-cell-source",
            """
            <q-td :props="props"><a v-if="props.row.url" :href="props.row.url" target="_blank"
              rel="noopener">{{ props.row.source }}</a><span v-else>{{ props.row.source }}</span></q-td>""",
        )
    await _draw_county_map(page, map_slot, set(ov["counties_with_products"]))


# ---------------------------------------------------------------------------- data


def _check_and_import(ws: Any, table: str, content: bytes, name: str, mode: str) -> tuple[str, Any]:
    """Check an upload cell by cell (with the currencies the workspace's FX book converts, as the API's
    validate does) and, when every cell is good, import it: ``("issues", (file, issues, preview))`` or
    ``("ok", ImportResult)``. One job of the import queue: it parses and writes the whole file."""
    from qiankua.services import data, workspace

    currencies = data.fx_currencies(ws.db)
    check = workspace.check_upload(table, content, name, currencies=currencies)
    if check.issues:
        return "issues", (check.file, check.issues, check.preview)
    try:
        imported = workspace.import_upload(ws, table, content, name, mode=mode)
    except ImportValidationError as exc:
        return "issues", (check.file, [i.to_dict() for i in exc.issues], check.preview)
    return "ok", imported


async def upload_outcome(
    ws: Any, table: str, content: bytes, name: str, mode: str, gate: Any = None
) -> tuple[str, Any]:
    """The data page's upload through the import queue the API uses (:func:`qiankua.services.jobs.import_gate`:
    a bounded number of imports at once, a bounded line): ``("ok", result)``, ``("issues", …)``, or
    ``("busy", {seconds, running, waiting})`` when the queue (or the database) is full — retry after that."""
    from qiankua.services.jobs import ImportsBusy, import_gate

    gate = gate or import_gate()
    try:
        return await gate.run(_check_and_import, ws, table, content, name, mode)  # type: ignore[no-any-return]
    except ImportsBusy as exc:
        return "busy", {"seconds": exc.retry_after, "running": exc.running, "waiting": exc.waiting}
    except QiankuaError as exc:  # the database held by another writer for too long (StoreBusyError)
        retry = getattr(exc, "retry_after", None)
        if retry is None:
            raise
        return "busy", {"seconds": int(retry), "running": gate.running, "waiting": gate.waiting}


async def data_page(page: Page) -> None:
    from qiankua.schema import table_spec
    from qiankua.services import workspace

    state = {"table": IMPORT_TABLES[0], "mode": IMPORT_MODES[0]}
    ui.label(page.t("web.data.title")).classes("text-h5")

    @ui.refreshable
    def counts() -> None:
        rows = workspace.list_user_tables(page.workspace)
        with ui.row().classes("q-gutter-md"):
            for item in rows:
                spec = table_spec(item["table"])
                with ui.card().classes("q-pa-sm").props(f'data-table-count="{item["table"]}"'):
                    ui.label(spec.title_zh if page.lang == "zh" else spec.title_en).classes("text-caption")
                    ui.label(number(item["rows"], page.lang)).classes("text-h6 qk-count")
                    with ui.row():
                        for fmt in FILE_FORMATS:
                            ui.link(
                                f"{page.t('web.data.export')} {fmt.upper()}",
                                f"/api/v1/data/{item['table']}/export?format={fmt}",
                            ).classes("text-caption")

    counts()
    with ui.row().classes("items-end q-gutter-md q-mt-md"):
        options = {
            name: (table_spec(name).title_zh if page.lang == "zh" else table_spec(name).title_en)
            for name in IMPORT_TABLES
        }
        ui.select(
            options,
            value=IMPORT_TABLES[0],
            label=page.t("web.data.table"),
            on_change=lambda e: (state.update(table=e.value), templates.refresh()),
        ).props('id="table-select"').classes("qk-field").style("min-width: 180px")
        ui.select(
            page.options("import_mode"),
            value=IMPORT_MODES[0],
            label=page.t("web.data.mode"),
            on_change=lambda e: state.update(mode=e.value),
        ).classes("qk-field").style("min-width: 260px")

        @ui.refreshable
        def templates() -> None:
            for fmt in FILE_FORMATS:
                ui.link(
                    f"{page.t('web.data.template')} {fmt.upper()}",
                    f"/api/v1/data/templates/{state['table']}?format={fmt}",
                ).props(f'data-template="{fmt}"')

        templates()

    upload = (
        ui.upload(label=page.t("web.data.upload"), auto_upload=True, max_file_size=workspace.MAX_UPLOAD_BYTES)
        .props('accept=".csv,.xlsx,.xls,.et,.txt" id="data-upload"')
        .classes("w-full max-w-xl")
    )
    result = ui.column().classes("w-full")

    async def on_upload(event: Any) -> None:
        await handle(await event.file.read(), event.file.name, state["table"], state["mode"])

    async def handle(content: bytes, name: str, table: str, mode: str) -> None:
        async def work() -> tuple[str, Any] | None:
            return await upload_outcome(page.workspace, table, content, name, mode)

        def draw(outcome: tuple[str, Any]) -> None:
            kind, value = outcome
            if kind == "busy":
                ui.label(page.t("web.data.busy_retry", **value)).classes("text-warning text-subtitle1").style(
                    "white-space: normal"
                ).props(f'id="import-busy" data-retry-after="{value["seconds"]}"')
                ui.button(
                    page.t("web.data.retry"), icon="refresh", on_click=lambda: handle(content, name, table, mode)
                ).props('id="import-retry" color="red-9" outline')
                return
            if kind == "issues":
                file, issues, preview = value
                issue_view(page, file, issues, preview, table=table)
                return
            spec = table_spec(value.table)
            title = spec.title_zh if page.lang == "zh" else spec.title_en
            ui.label(page.t("web.data.ok", rows=number(value.rows_written, page.lang), table=title)).classes(
                "text-positive text-h6"
            ).props('id="import-ok"')
            counts.refresh()

        await busy(page, result, work, draw)

    upload.on_upload(on_upload)
