"""The pages: 总览 overview, 报价 quote, 线路 routes, 机会 opportunities, 拼货 pooling, 数据 data."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import run, ui
from starlette.requests import Request

from qiankua.api.auth import SESSION_COOKIE
from qiankua.exceptions import ImportValidationError, QiankuaError
from qiankua.i18n import t
from qiankua.schema import USER_TABLES
from qiankua.services.accounts import Accounts, Identity, Workspace
from qiankua.web.context import lang_of, money, number

NAV = (
    ("/", "web.nav.overview"),
    ("/quote", "web.nav.quote"),
    ("/routes", "web.nav.routes"),
    ("/opportunities", "web.nav.opportunities"),
    ("/pooling", "web.nav.pooling"),
    ("/data", "web.nav.data"),
)

CONF_COLORS = {"confirmed": "positive", "likely": "primary", "unconfirmed": "warning"}

_CSS = """
<style>
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Noto Sans", sans-serif; }
.qk-grid { border-collapse: collapse; font-size: 13px; }
.qk-grid th, .qk-grid td { border: 1px solid #ccc; padding: 2px 6px; white-space: nowrap; }
.qk-grid th { background: #eceff1; }
.qk-grid td.qk-bad { background: #ffcdd2; outline: 2px solid #c62828; outline-offset: -2px; }
.qk-grid td.qk-rowno { color: #777; text-align: right; }
</style>
"""


class Page:
    """What a page needs: language, who is asking, their workspace."""

    def __init__(self, lang: str, identity: Identity, workspace: Workspace, multi_user: bool, path: str) -> None:
        self.lang = lang
        self.identity = identity
        self.workspace = workspace
        self.multi_user = multi_user
        self.path = path

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def name(self, row: dict[str, Any]) -> str:
        return str(row.get("name_zh") if self.lang == "zh" else row.get("name_en")) or str(row.get("name_en"))

    def conf_badge(self, level: str | None) -> None:
        level = level or "unconfirmed"
        ui.badge(self.t(f"web.conf.{level}"), color=CONF_COLORS.get(level, "grey")).props("outline").classes(
            f"qk-conf qk-conf-{level}")


def _frame(page: Page) -> None:
    ui.add_head_html(_CSS)
    other = "en" if page.lang == "zh" else "zh"
    with ui.header().classes("items-center bg-red-9 text-white q-px-md q-py-xs"):
        ui.label(page.t("web.brand")).classes("text-h6 q-mr-lg")
        for path, key in NAV:
            link = ui.link(page.t(key), path).classes("text-white q-mx-sm text-subtitle1 no-underline")
            link.props(f'data-nav="{path}"')
            if path == page.path:
                link.classes("text-weight-bold underline")
        ui.space()
        if page.multi_user:
            ui.label(f"{page.t('web.org')}: {page.identity.org} · {page.identity.username}").classes("q-mr-md")
            ui.link(page.t("web.logout"), "/auth/web-logout").classes("text-white q-mr-md")
        ui.link(page.t("web.api.docs"), "/api/v1/docs").classes("text-white q-mr-md")
        ui.link(page.t("web.lang.switch"), f"/lang/{other}?next={quote(page.path)}").classes(
            "text-white").props('id="lang-switch"')


def _unavailable(page: Page, engine_key: str) -> None:
    with ui.card().classes("q-ma-lg").props('id="module-unavailable"'):
        ui.label(page.t("web.unavailable.title")).classes("text-h5")
        ui.label(page.t("web.unavailable.body", module=page.t(engine_key)))


def register(accounts: Accounts) -> None:
    """Register every page (called once, from :func:`qiankua.web.mount`)."""

    def guarded(path: str, build: Callable[[Page], Any]) -> None:
        async def handler(request: Request) -> Any:
            identity = accounts.identify(session=request.cookies.get(SESSION_COOKIE))
            if identity is None:
                return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
            page = Page(lang_of(request), identity, accounts.workspace(identity), accounts.multi_user, path)
            ui.page_title(f"{page.t(dict(NAV)[path])} · {page.t('web.title')}")
            _frame(page)
            with ui.column().classes("w-full q-pa-md") as body:
                try:
                    result = build(page)
                    if hasattr(result, "__await__"):
                        await result
                except QiankuaError as exc:  # e.g. reference data being rebuilt: say so, never a 500 page
                    body.clear()
                    with body:
                        ui.label(page.t("web.error", message=str(exc).splitlines()[0])).classes(
                            "text-negative").props('id="page-error"')
            return None

        handler.__name__ = f"page_{path.strip('/') or 'overview'}"
        ui.page(path)(handler)

    from qiankua.web import engine_pages

    guarded("/", overview_page)
    guarded("/data", data_page)
    guarded("/quote", engine_pages.quote_page)
    guarded("/routes", engine_pages.routes_page)
    guarded("/opportunities", engine_pages.opportunities_page)
    guarded("/pooling", engine_pages.pooling_page)


# ---------------------------------------------------------------------------- overview


COUNTY_MAP = "qiankua-guizhou-counties"

# registers the county polygons (GET /api/v1/divisions/boundaries, ~0.3 MB, cached by the browser)
# with the page's ECharts once; the map chart is created only afterwards, so it never asks ECharts
# for a map it does not know yet
_REGISTER_COUNTY_MAP_JS = f"""
const {{ echarts }} = await import("nicegui-echart");
if (!echarts.getMap("{COUNTY_MAP}")) {{
  const response = await fetch("/api/v1/divisions/boundaries");
  if (!response.ok) return false;
  echarts.registerMap("{COUNTY_MAP}", await response.json());
}}
return true;
"""


def county_map_options(page: Page, highlight: set[str], title: str, *, boundaries: bool = True) -> dict[str, Any]:
    """ECharts map of Guizhou: county polygons (registered as ``COUNTY_MAP``, regions named by
    ``name_zh`` / ``name_en``) with the county seats on top. Without ``boundaries`` the seats alone,
    on lon/lat axes."""
    from qiankua.services import overview

    counties = overview.divisions("county")
    normal = [[d["lon"], d["lat"], page.name(d), d["adcode"]] for d in counties if d["adcode"] not in highlight]
    marked = [[d["lon"], d["lat"], page.name(d), d["adcode"]] for d in counties if d["adcode"] in highlight]
    seats = [
        {"name": "seats", "type": "scatter", "data": normal, "symbolSize": 6, "itemStyle": {"color": "#78909c"},
         "z": 3},
        {"name": "seats-with-products", "type": "scatter", "data": marked, "symbolSize": 10,
         "itemStyle": {"color": "#c62828"}, "z": 4,
         "label": {"show": True, "position": "right", "fontSize": 10, ":formatter": "p => p.data[2]"}},
    ]
    options: dict[str, Any] = {
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "animation": False,
        "tooltip": {"trigger": "item",
                    ":formatter": "p => Array.isArray(p.data) ? p.data[2] + ' ' + p.data[3] : p.name"},
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
            "map": COUNTY_MAP, "roam": True, "nameProperty": "name_zh" if page.lang == "zh" else "name_en",
            "aspectScale": 0.89,  # cos(26.8°): equal-distance degrees at Guizhou's latitude
            "top": 40, "bottom": 10, "scaleLimit": {"min": 0.8, "max": 12},
            "itemStyle": {"areaColor": "#eceff1", "borderColor": "#90a4ae", "borderWidth": 0.6},
            "emphasis": {"itemStyle": {"areaColor": "#ffe0b2"}, "label": {"show": False}},
            "select": {"disabled": True},
            "tooltip": {"show": True},
            "regions": [{"name": name_of[a], "itemStyle": {"areaColor": "#ffcdd2"}}
                        for a in sorted(highlight) if a in name_of],
        },
        "series": [dict(series, coordinateSystem="geo") for series in seats],
    }


async def _draw_county_map(page: Page, slot: ui.element, highlight: set[str]) -> None:
    """Register the county polygons in the browser, then draw the map into ``slot`` (seats only if that fails)."""
    boundaries = False
    try:
        await ui.context.client.connected(timeout=20)
        boundaries = bool(await ui.run_javascript(_REGISTER_COUNTY_MAP_JS, timeout=20))
    except Exception:  # noqa: BLE001 — no socket or a failed fetch: the seats still show where the counties are
        boundaries = False
    with slot:
        ui.echart(county_map_options(page, highlight, page.t("web.overview.map"), boundaries=boundaries)).classes(
            "w-full h-96").props(f'id="county-map" data-boundaries="{str(boundaries).lower()}"')
        ui.label(page.t("web.overview.map.note" if boundaries else "web.overview.map.fallback")).classes(
            "text-caption text-grey-7")


async def overview_page(page: Page) -> None:
    from qiankua.services import data, overview

    ov = overview.overview()
    with ui.row().classes("w-full q-gutter-md"):
        for fig in ov["figures"]:
            with ui.card().classes("q-pa-sm min-w-[140px]").props(f'data-figure="{fig["key"]}"'):
                ui.label(fig["label_zh"] if page.lang == "zh" else fig["label_en"]).classes("text-caption")
                ui.label(number(fig["value"], page.lang)).classes("text-h5")
    with ui.row().classes("w-full no-wrap q-gutter-md"):
        with ui.card().classes("w-1/2"):
            map_slot = ui.column().classes("w-full")  # filled once the browser has the county polygons
        with ui.card().classes("w-1/2"):
            cats = ov["products_by_category"]
            ui.echart({
                "title": {"text": page.t("web.overview.categories"), "textStyle": {"fontSize": 13}},
                "tooltip": {}, "grid": {"left": 120, "right": 20, "top": 40, "bottom": 30},
                "xAxis": {"type": "value"}, "yAxis": {"type": "category", "data": list(cats)},
                "series": [{"type": "bar", "data": list(cats.values()), "itemStyle": {"color": "#b71c1c"}}],
            }).classes("w-full h-96")
    ui.label(page.t("web.overview.catalogue")).classes("text-h6 q-mt-md")
    products = data.catalogue().to_dicts()
    rows = [{
        "id": p["id"], "name": page.name(p), "category": p["category"], "hs6": p["hs6"],
        "origin": p["origin_adcode"], "value": money(p["unit_value_cny"], "CNY", page.lang),
        "confidence": p["value_confidence"] or "unconfirmed",
        "confidence_label": page.t(f"web.conf.{p['value_confidence'] or 'unconfirmed'}"),
    } for p in products]
    columns = [{"name": k, "label": page.t(f"web.col.{k}"), "field": k, "align": "left", "sortable": True}
               for k in ("id", "name", "category", "hs6", "origin", "value", "confidence")]
    table = ui.table(columns=columns, rows=rows, row_key="id", pagination=15).classes("w-full")
    table.props('id="catalogue-table" dense flat bordered')
    table.add_slot("body-cell-confidence", """
        <q-td :props="props"><q-badge outline class="qk-conf"
          :color="{confirmed: 'positive', likely: 'primary', unconfirmed: 'warning'}[props.row.confidence]"
          :label="props.row.confidence_label" /></q-td>""")
    with ui.expansion(page.t("web.overview.sources")).classes("w-full q-mt-md"):
        from qiankua.services.overview import sources

        src_rows = [{"id": s["source_id"], "source": s["source"], "url": s["url"] or "", "table": s["table"],
                     "as_of": str(s["as_of"]), "confidence": page.t(f"web.conf.{s['confidence']}")}
                    for s in sources() if s["row_key"] != "*"]
        src = ui.table(columns=[
            {"name": "id", "label": "ID", "field": "id", "align": "left"},
            {"name": "source", "label": page.t("web.col.source"), "field": "source", "align": "left"},
            {"name": "as_of", "label": page.t("web.col.as_of"), "field": "as_of"},
            {"name": "confidence", "label": page.t("web.col.confidence"), "field": "confidence"},
        ], rows=src_rows, row_key="id", pagination=10).classes("w-full").props("dense flat")
        src.add_slot("body-cell-source", """
            <q-td :props="props"><a v-if="props.row.url" :href="props.row.url" target="_blank"
              rel="noopener">{{ props.row.source }}</a><span v-else>{{ props.row.source }}</span></q-td>""")
    await _draw_county_map(page, map_slot, set(ov["counties_with_products"]))


# ---------------------------------------------------------------------------- data


USER_TABLE_NAMES = tuple(USER_TABLES)


def issue_grid_html(preview: list[dict[str, Any]], issues: list[dict[str, Any]]) -> str:
    """The uploaded sheets as an HTML grid, each bad cell marked (class ``qk-bad``, reason on hover)."""
    bad: dict[tuple[Any, Any, Any], list[str]] = {}
    for issue in issues:
        bad.setdefault((issue["sheet"], issue["row"], issue["column"]), []).append(issue["reason"])
    parts: list[str] = []
    for sheet in preview:
        if sheet["sheet"]:
            parts.append(f"<h6 class='q-my-sm'>{html.escape(str(sheet['sheet']))}</h6>")
        parts.append("<div style='overflow:auto;max-height:420px'><table class='qk-grid'><thead><tr><th>#</th>")
        for index, head in enumerate(sheet["header"]):
            reasons = bad.get((sheet["sheet"], sheet["header_row"], sheet["columns"][index]))
            cls = " class='qk-bad'" if reasons else ""
            parts.append(f"<th{cls}>{html.escape(head)}</th>")
        parts.append("</tr></thead><tbody>")
        for row_no, values in sheet["rows"]:
            parts.append(f"<tr><td class='qk-rowno'>{row_no}</td>")
            width = max(len(sheet["header"]), len(values))
            for index in range(width):
                value = values[index] if index < len(values) else ""
                column = sheet["columns"][index] if index < len(sheet["columns"]) else None
                reasons = bad.get((sheet["sheet"], row_no, column)) if column else None
                if reasons:
                    title = html.escape("; ".join(reasons), quote=True)
                    parts.append(f"<td class='qk-bad' title=\"{title}\" data-column='{html.escape(column or '')}'>"
                                 f"{html.escape(value)}</td>")
                else:
                    parts.append(f"<td>{html.escape(value)}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table></div>")
    return "".join(parts)


async def data_page(page: Page) -> None:
    from qiankua.schema import table_spec
    from qiankua.services import workspace

    state = {"table": "products", "mode": "append"}
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
                        for fmt in ("xlsx", "csv"):
                            ui.link(f"{page.t('web.data.export')} {fmt.upper()}",
                                    f"/api/v1/data/{item['table']}/export?format={fmt}").classes("text-caption")

    counts()
    with ui.row().classes("items-end q-gutter-md q-mt-md"):
        options = {name: (table_spec(name).title_zh if page.lang == "zh" else table_spec(name).title_en)
                   for name in USER_TABLE_NAMES}
        ui.select(options, value="products", label=page.t("web.data.table"),
                  on_change=lambda e: (state.update(table=e.value), templates.refresh())).props(
                      'id="table-select"').classes("min-w-[180px]")
        ui.select({"append": "append", "upsert": "upsert", "replace": "replace"}, value="append",
                  label=page.t("web.data.mode"), on_change=lambda e: state.update(mode=e.value)).classes(
                      "min-w-[140px]")

        @ui.refreshable
        def templates() -> None:
            for fmt in ("xlsx", "csv"):
                ui.link(f"{page.t('web.data.template')} {fmt.upper()}",
                        f"/api/v1/data/templates/{state['table']}?format={fmt}").props(
                            f'data-template="{fmt}"')

        templates()

    upload = ui.upload(label=page.t("web.data.upload"), auto_upload=True,
                       max_file_size=workspace.MAX_UPLOAD_BYTES).props(
                           'accept=".csv,.xlsx,.txt" id="data-upload"').classes("w-full max-w-xl")
    result = ui.column().classes("w-full")

    async def on_upload(event: Any) -> None:
        content = await event.file.read()
        name = event.file.name
        result.clear()
        with result:
            spinner = ui.spinner(size="lg")
        try:
            check = await run.io_bound(workspace.check_upload, state["table"], content, name)
            if check is None:
                return
            issues, preview = check.issues, check.preview
            if not issues:
                try:
                    imported = await run.io_bound(workspace.import_upload, page.workspace, state["table"],
                                                  content, name, mode=state["mode"])
                except ImportValidationError as exc:
                    issues, preview = [i.to_dict() for i in exc.issues], check.preview
                else:
                    if imported is not None:
                        result.clear()
                        with result:
                            ui.label(page.t("web.data.ok", rows=number(imported.rows_written, page.lang),
                                            table=imported.table)).classes("text-positive text-h6").props(
                                                'id="import-ok"')
                        counts.refresh()
                        return
            result.clear()
            with result:
                _issue_view(page, check.file, issues, preview)
        except QiankuaError as exc:
            result.clear()
            with result:
                ui.label(page.t("web.error", message=str(exc).splitlines()[0])).classes("text-negative")
        finally:
            spinner.delete() if not spinner.is_deleted else None

    upload.on_upload(on_upload)


def _issue_view(page: Page, file: str, issues: list[dict[str, Any]], preview: list[dict[str, Any]]) -> None:
    ui.label(page.t("web.data.bad", file=file, n=len(issues))).classes("text-negative text-subtitle1").props(
        'id="import-bad"')
    if preview:
        ui.label(page.t("web.data.preview")).classes("text-subtitle2")
        ui.html(issue_grid_html(preview, issues), sanitize=False).classes("w-full").props('id="issue-grid"')
    ui.label(page.t("web.data.issues")).classes("text-subtitle2 q-mt-md")
    rows = [{"n": i, "row": issue["row"] or "", "column": issue["column"] or "", "value": issue["value"] or "",
             "reason": issue["reason"]} for i, issue in enumerate(issues)]
    ui.table(columns=[
        {"name": "row", "label": page.t("web.data.row"), "field": "row", "align": "right"},
        {"name": "column", "label": page.t("web.data.column"), "field": "column", "align": "left"},
        {"name": "value", "label": page.t("web.data.cell"), "field": "value", "align": "left"},
        {"name": "reason", "label": page.t("web.data.reason"), "field": "reason", "align": "left"},
    ], rows=rows, row_key="n", pagination=20).classes("w-full").props('dense flat id="issues-table"')
