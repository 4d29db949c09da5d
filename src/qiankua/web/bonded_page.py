"""The bonded retail import page (``/bonded``): upload the day's orders, payments and waybills, see each
order accepted or rejected with its reason in Chinese or English, the day's summary and the reasons for
rejection, and download the declaration-ready table (accepted orders) and all results.

Thin: the check is :func:`qiankua.services.bonded.check_uploads` (the CLI's ``bonded check`` and the API's
``POST /bonded/check``), run off the event loop; this module only draws its document.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from nicegui import run, ui

from qiankua.report.bonded import coverage_lines
from qiankua.web.layout import Page, error_line

MAX_ROWS = 500
_KINDS = ("orders", "payments", "waybills")


def reason_text(page: Page, codes: str | None) -> str:
    """``a;b`` reason or warning codes as the page's language says them."""
    if not codes:
        return ""
    sep = "；" if page.lang == "zh" else "; "
    return sep.join(page.t(f"bonded.reason.{c}") for c in codes.split(";"))


def _money(v: Any) -> str:
    return "—" if v is None else f"{v:,.2f}"


def result_rows(page: Page, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results table's rows (status, channel and reasons in the page's language)."""
    return [
        {
            "order": r["order_id"],
            "status": page.t(f"bonded.status.{r['status']}"),
            "accepted": r["status"] == "accepted",
            "channel": page.t(f"bonded.channel.{r['channel']}") if r["channel"] else "—",
            "reason": reason_text(page, r["reason"]),
            "warnings": reason_text(page, r["warnings"]),
            "value": _money(r["dutiable_value"]),
            "tax": _money(r["total_tax"]),
        }
        for r in orders[:MAX_ROWS]
    ]


def summary_options(page: Page, orders: pl.DataFrame) -> dict[str, Any]:
    """The day's summary chart: orders by outcome and reason (accepted first), named in the page's
    language (never the codes)."""
    counts = (
        orders.group_by("status", "reason")
        .len()
        .sort([pl.col("status") != "accepted", "len"], descending=[False, True])
        if orders.height
        else pl.DataFrame(schema={"status": pl.String, "reason": pl.String, "len": pl.UInt32})
    )
    rows = counts.reverse().to_dicts()  # ECharts draws a category axis from the bottom up
    sep = "：" if page.lang == "zh" else ": "
    return {
        "title": {"text": page.t("bonded.page.chart"), "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 260, "right": 40, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", "name": page.t("bonded.sum.orders"), "minInterval": 1},
        "yAxis": {
            "type": "category",
            "data": [page.t(f"bonded.status.{r['status']}") + sep + reason_text(page, r["reason"]) for r in rows],
            "axisLabel": {"width": 240, "overflow": "truncate"},
        },
        "series": [
            {
                "type": "bar",
                "name": page.t("bonded.sum.orders"),
                "data": [
                    {"value": r["len"], "itemStyle": {"color": "#2e7d32" if r["status"] == "accepted" else "#c62828"}}
                    for r in rows
                ],
            }
        ],
    }


def _xlsx(frame: pl.DataFrame) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("declaration")
    ws.append(frame.columns)
    for row in frame.iter_rows():
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build(page: Page) -> None:
    from qiankua.services import bonded as svc

    ui.label(page.t("bonded.page.title")).classes("text-h5")
    ui.label(page.t("bonded.page.intro")).classes("text-body2")
    files: dict[str, tuple[str, bytes]] = {}
    received: dict[str, Any] = {}

    with ui.row().classes("w-full items-start q-gutter-md"):
        for kind in _KINDS:
            with ui.column().classes("min-w-[260px]"):

                async def on_upload(event: Any, kind: str = kind) -> None:
                    files[kind] = (event.file.name, await event.file.read())
                    received[kind].text = page.t("bonded.page.received", name=event.file.name)

                ui.upload(label=page.t(f"bonded.page.{kind}"), auto_upload=True, on_upload=on_upload).props(
                    f'accept=".csv,.txt,.xlsx,.xls" id="bonded-upload-{kind}"'
                ).classes("max-w-xs")
                received[kind] = ui.label("").classes("text-caption").props(f'id="bonded-received-{kind}"')
    with ui.row().classes("items-center q-gutter-md"):
        dry = ui.checkbox(page.t("bonded.page.dry_run")).props('id="bonded-dry-run"')
        check_button = ui.button(page.t("bonded.page.check"), icon="fact_check").props(
            'id="bonded-check" color="red-9"'
        )
        ui.label(page.t("bonded.page.templates") + ":").classes("text-caption")
        for kind in _KINDS:
            for lang in ("zh", "en"):
                name, content = svc.template(kind, lang, "csv")
                ui.button(
                    f"{page.t(f'bonded.file.{kind}')}（{page.t(f'bonded.page.lang_{lang}')}）"
                    if page.lang == "zh"
                    else f"{page.t(f'bonded.file.{kind}')} ({page.t(f'bonded.page.lang_{lang}')})",
                    on_click=lambda n=name, c=content: ui.download(c, n),
                ).props(f'flat dense no-caps id="bonded-template-{kind}-{lang}"')
    status = ui.column().classes("w-full")
    results = ui.column().classes("w-full")

    async def check() -> None:
        status.clear()
        results.clear()
        if "orders" not in files:
            with status:
                ui.label(page.t("bonded.page.need_orders")).classes("text-negative").props('id="bonded-error"')
            return
        try:
            result = await run.io_bound(
                svc.check_uploads,
                files["orders"],
                files.get("payments"),
                files.get("waybills"),
                page.db,
                commit=not dry.value,
            )
        except Exception as exc:  # the service's errors name file, row, column and reason
            with status:
                error_line(page, exc, "bonded-error")  # reasons in the page's language, each cell named
            return
        if result is None:
            return
        draw(result)

    def draw(result: dict[str, Any]) -> None:
        doc = svc.document(result)
        s = doc["summary"]
        with results:
            if not doc["committed"]:
                ui.label(page.t("bonded.page.dry_note")).classes("text-warning").props('id="bonded-dry-note"')
            ui.label(page.t("bonded.page.summary")).classes("text-h6")
            with ui.row().classes("q-gutter-md").props('id="bonded-summary"'):
                for key, value in (
                    ("orders", s["orders"]),
                    ("accepted", s["accepted"]),
                    ("rejected", s["rejected"]),
                    ("already", s["already_decided"]),
                    ("buyers", s["buyers"]),
                    ("value", _money(s["declared_value_cny"])),
                    ("tax", _money(s["tax_cny"])),
                ):
                    with ui.card().classes("q-pa-sm"):
                        ui.label(page.t(f"bonded.sum.{key}")).classes("text-caption")
                        ui.label(str(value)).classes("text-subtitle1").props(f'id="bonded-sum-{key}"')
            cov = doc["positive_list"]
            with ui.column().classes("gap-0").props('id="bonded-coverage"'):
                for k, line in enumerate(coverage_lines(cov, page.lang)):
                    ui.label(line).classes(
                        "text-caption text-warning" if (k == 0 and not cov["complete"]) else "text-caption"
                    )
            if result["orders"].height:
                ui.echart(summary_options(page, result["orders"])).classes("w-full h-72").props('id="bonded-chart"')
            if s["rejections"]:
                ui.label(page.t("bonded.page.rejections")).classes("text-subtitle1")
                ui.table(
                    columns=[
                        {"name": "reason", "label": page.t("bonded.col.reason"), "field": "reason", "align": "left"},
                        {"name": "n", "label": page.t("bonded.sum.orders"), "field": "n"},
                    ],
                    rows=[{"reason": reason_text(page, r), "n": n} for r, n in s["rejections"].items()],
                    row_key="reason",
                ).props('dense flat id="bonded-rejections"')
            ui.label(page.t("bonded.page.results")).classes("text-subtitle1")
            if len(doc["orders"]) > MAX_ROWS:
                ui.label(page.t("bonded.page.shown", n=MAX_ROWS, total=len(doc["orders"]))).classes("text-caption")
            ui.table(
                columns=[
                    {"name": "order", "label": page.t("bonded.col.order"), "field": "order", "align": "left"},
                    {"name": "status", "label": page.t("bonded.col.status"), "field": "status"},
                    {"name": "channel", "label": page.t("bonded.col.channel"), "field": "channel"},
                    {"name": "reason", "label": page.t("bonded.col.reason"), "field": "reason", "align": "left"},
                    {"name": "value", "label": page.t("bonded.col.value"), "field": "value"},
                    {"name": "tax", "label": page.t("bonded.col.tax"), "field": "tax"},
                    {"name": "warnings", "label": page.t("bonded.col.warnings"), "field": "warnings", "align": "left"},
                ],
                rows=result_rows(page, doc["orders"]),
                row_key="order",
                pagination=20,
            ).classes("w-full").props('dense flat id="bonded-results"')
            frame: pl.DataFrame = result["orders"]
            declaration = svc.declaration_table(frame)
            with ui.row().classes("q-gutter-md"):
                ui.button(
                    page.t("bonded.page.download"),
                    icon="download",
                    on_click=lambda: ui.download(_xlsx(declaration), "bonded-declaration.xlsx"),
                ).props('id="bonded-download" color="red-9"')
                ui.button(
                    page.t("bonded.page.download_all"),
                    icon="download",
                    on_click=lambda: ui.download(frame.write_csv().encode(), "bonded-results.csv"),
                ).props('id="bonded-download-all" outline color="red-9"')

    check_button.on_click(check)
