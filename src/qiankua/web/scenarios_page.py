"""方案 scenarios (issue 20 item 8): the user's saved scenarios — list (name, kind, date, key result), open one
(its inputs and headline results), compare two or three side by side (the document of
:func:`qiankua.services.scenarios.compare`, the same as ``POST /api/v1/scenarios/compare``), export that
comparison to Excel, delete — and :func:`save_button`, the "save as scenario" row under the quote, routes,
opportunities and pooling results.

Thin: every figure comes from :mod:`qiankua.services.scenarios`; this module only names and formats it in
the page's language (no input field, status or criterion is shown by its identifier).
"""

from __future__ import annotations

import datetime as dt
import html
import io
from typing import Any
from urllib.parse import urlencode

from nicegui import run, ui

from qiankua.exceptions import QiankuaError
from qiankua.web.context import money, number
from qiankua.web.layout import Page, error_line, nav_title

__all__ = ["build", "compare_html", "compare_xlsx", "pool_inputs", "quote_inputs", "save_button"]

# the page where a kind's inputs can be worked out again
KIND_PAGES = {"quote": "/quote", "route": "/routes", "opportunity": "/opportunities", "pooling": "/pooling"}
# the headline figure shown in the list, per kind (a key of services.scenarios' metrics)
KEY_METRIC = {"quote": "margin", "route": "cost_cny", "opportunity": "top_pair", "pooling": "saving_cny"}
# quote figures in the quote's currency; the rest of the money figures are in CNY
_QUOTE_MONEY = {"price", "landed_cost", "total_cost", "profit", "break_even_price"}
_VOCAB_FIELDS = {"mode": "mode", "service": "service", "platform": "platform"}
LIST_LIMIT = 200  # newest scenarios listed, each with its key result

_CSS = """
<style>
.qk-compare { border-collapse: collapse; font-size: 13px; min-width: 100%; }
.qk-compare th, .qk-compare td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
.qk-compare thead th { background: #eceff1; position: sticky; top: 0; }
.qk-compare th.qk-part { background: #f5f5f5; text-align: left; }
.qk-compare tr.qk-differs td { background: #fff8e1; }
.qk-compare td.qk-best { font-weight: 600; color: #1b5e20; }
.qk-compare-wrap { overflow-x: auto; max-width: 100%; }
.qk-scenario-actions { flex-wrap: wrap; }
@media (max-width: 599px) {
  .qk-compare { font-size: 12px; }
  .qk-compare th, .qk-compare td { padding: 3px 4px; }
}
</style>
"""


# ---------------------------------------------------------------------------- names and values


class Names:
    """Products, markets and counties by their names in the page's language (read once per page)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self._products: dict[str, str] | None = None
        self._markets: dict[str, str] | None = None
        self._counties: dict[str, str] | None = None

    def product(self, pid: str) -> str:
        if self._products is None:
            from qiankua.services.products import user_catalogue

            rows = user_catalogue(self.page.db).ref.products.to_dicts()
            self._products = {p["id"]: self.page.name(p) for p in rows}
        return self._products.get(pid, pid)

    def market(self, iso2: str) -> str:
        if self._markets is None:
            from qiankua.services import data

            self._markets = {m["iso2"]: self.page.name(m) for m in data.markets().to_dicts()}
        return self._markets.get(str(iso2).upper(), str(iso2))

    def county(self, adcode: str) -> str:
        if self._counties is None:
            from qiankua.services import overview

            self._counties = {str(d["adcode"]): self.page.name(d) for d in overview.divisions("county")}
        return self._counties.get(str(adcode), str(adcode))


def field_label(page: Page, field: str) -> str:
    """An input field's name in the page's language (never its identifier)."""
    key = f"scenarios.field.{field}"
    text = page.t(key)
    return text if text != key else f"{page.t('scenarios.field.other')} {field.replace('_', ' ')}"


def _yes_no(page: Page, value: Any) -> str:
    return page.t("scenarios.value.yes" if value else "scenarios.value.no")


def _criterion(page: Page, key: str) -> str:
    for candidate in (f"web.opp.c.{key}", f"scenarios.criterion.{key}"):
        text = page.t(candidate)
        if text != candidate:
            return text
    return key.replace("_", " ")


def input_value(page: Page, names: Names, field: str, value: Any) -> str:
    """An input's value as a user reads it: names for products, markets, counties and vocabulary codes."""
    if field == "weights" and not isinstance(value, dict):
        return page.t("scenarios.value.entropy")  # no weights given: the ranking's own (entropy) weights
    if value is None or value == "":
        return "—"
    if field == "product_id":
        return names.product(str(value))
    if field == "market":
        return f"{names.market(str(value))} {str(value).upper()}"
    if field == "origin":
        return names.county(str(value))
    if field in _VOCAB_FIELDS:
        return page.label(_VOCAB_FIELDS[field], str(value))
    if field == "invoices":
        return page.t("scenarios.value.auto") if value is None else _yes_no(page, value)
    if field == "target_margin" and isinstance(value, int | float):
        return number(float(value) * 100, page.lang, 1) + "%"
    if field == "lang":
        return page.t(f"scenarios.lang.{value}") if value in ("zh", "en") else str(value)
    if field == "source":
        key = f"scenarios.source.{value}"
        return page.t(key) if page.t(key) != key else str(value)
    if field == "weights" and isinstance(value, dict):
        return ", ".join(f"{_criterion(page, k)} {number(float(v), page.lang, 2)}" for k, v in value.items())
    if isinstance(value, bool):
        return _yes_no(page, value)
    if isinstance(value, int | float):
        return number(value, page.lang, 0 if float(value).is_integer() else 2)
    if isinstance(value, dict | list):
        return ", ".join(str(v) for v in (value.values() if isinstance(value, dict) else value))
    return str(value)


def _pair(names: Names, value: str) -> str:
    product, _, market = value.partition(" → ")
    return f"{names.product(product)} → {names.market(market)}" if market else value


def metric_value(page: Page, names: Names, key: str, value: Any, currency: str | None = None) -> str:
    """A headline figure as a user reads it (money with its currency, a margin in %, a status by name)."""
    if value is None or value == "":
        return "—"
    if key == "status":
        text = page.t(f"web.quote.status.{value}")
        return text if text != f"web.quote.status.{value}" else str(value)
    if key == "margin" and isinstance(value, int | float):
        return number(float(value) * 100, page.lang, 1) + "%"
    if isinstance(value, bool):
        return _yes_no(page, value)
    if key in _QUOTE_MONEY and isinstance(value, int | float):
        return money(value, currency, page.lang) if currency else number(value, page.lang, 2)
    if key.endswith("_cny") and isinstance(value, int | float):
        return money(value, "CNY", page.lang)
    if key == "top_pair":
        return _pair(names, str(value))
    if key in ("days", "fastest_days", "kg_co2e") and isinstance(value, int | float):
        return number(value, page.lang, 1)
    if key == "top_score" and isinstance(value, int | float):
        return number(value, page.lang, 3)
    if isinstance(value, int | float):
        return number(value, page.lang, 0 if float(value).is_integer() else 2)
    return str(value)


def _localised_route(page: Page, kind: str, result: dict[str, Any] | None) -> str | None:
    """The route of a quote or a route plan in the page's language (the stored headline holds the zh name)."""
    result = result or {}
    suffix = "zh" if page.lang == "zh" else "en"
    if kind == "quote":
        route = result.get("route") or {}
        return route.get(f"label_{suffix}") or route.get("label")
    if kind == "route":
        routes = result.get("routes") or []
        chosen = next((r for r in routes if r.get("recommended")), routes[0] if routes else {})
        return chosen.get(f"label_{suffix}") or chosen.get("label")
    return None


def _when(value: str | None, lang: str) -> str:
    """A stored UTC time (``2026-12-06T09:45:00Z``) as a local date and time."""
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M")


def _kind(page: Page, kind: str) -> str:
    key = f"scenarios.kind.{kind}"
    text = page.t(key)
    return text if text != key else page.t(f"scenario.kind.{kind}")


# ---------------------------------------------------------------------------- comparison


def _currencies(doc: dict[str, Any]) -> list[str | None]:
    """Each compared scenario's currency (a quote's headline figures are in it)."""
    row = next((m for m in doc["metrics"] if m["key"] == "currency"), None)
    return list(row["values"]) if row is not None else [None] * len(doc["scenarios"])


def needs_results(page: Page, doc: dict[str, Any]) -> bool:
    """Whether the page needs the compared scenarios' full results: only for route names in English (the
    headline figures hold the Chinese name)."""
    return page.lang != "zh" and any(s["kind"] in ("quote", "route") for s in doc["scenarios"])


def compare_rows(page: Page, names: Names, doc: dict[str, Any], loaded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The comparison as display rows: ``{part, item, values, differs, best}`` (inputs, then results)."""
    rows: list[dict[str, Any]] = []
    for entry in doc["inputs"]:
        rows.append(
            {
                "part": "inputs",
                "key": entry["field"],
                "item": field_label(page, entry["field"]),
                "values": [input_value(page, names, entry["field"], v) for v in entry["values"]],
                "raw": entry["values"],
                "differs": bool(entry["differs"]),
                "best": None,
            }
        )
    currencies = _currencies(doc)
    for metric in doc["metrics"]:
        values = []
        for i, value in enumerate(metric["values"]):
            if metric["key"] == "route" and i < len(loaded):
                value = _localised_route(page, loaded[i]["kind"], loaded[i].get("result")) or value
            values.append(
                metric_value(page, names, metric["key"], value, currencies[i] if i < len(currencies) else None)
            )
        rows.append(
            {
                "part": "results",
                "key": metric["key"],
                "item": metric["label_zh"] if page.lang == "zh" else metric["label_en"],
                "values": values,
                "raw": metric["values"],
                "differs": False,
                "best": metric["best"],
            }
        )
    return rows


def compare_html(page: Page, doc: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """The comparison as one HTML table (scenarios as columns), differing inputs shaded, best results starred."""
    heads = "".join(
        f"<th data-scenario='{int(s['id'])}'>{html.escape(s['name'])}<br><span class='text-caption'>"
        f"{html.escape(_kind(page, s['kind']))} · {html.escape(_when(s.get('created_at'), page.lang))}</span></th>"
        for s in doc["scenarios"]
    )
    parts = [
        f"<table class='qk-compare' id='scenario-compare-table'><thead><tr><th>{html.escape(page.t('scenarios.col.item'))}</th>{heads}</tr></thead><tbody>"
    ]
    current = None
    width = len(doc["scenarios"]) + 1
    for row in rows:
        if row["part"] != current:
            current = row["part"]
            parts.append(
                f"<tr><th class='qk-part' colspan='{width}'>{html.escape(page.t(f'scenarios.page.{current}'))}</th></tr>"
            )
        cls = f" data-{row['part']}='{html.escape(str(row.get('key', '')), quote=True)}'"
        cls += " class='qk-differs' data-differs='true'" if row["differs"] else ""
        cells = []
        for i, value in enumerate(row["values"]):
            best = row["best"] == i
            mark = " ★" if best else ""
            cells.append(f"<td{' class=qk-best data-best=true' if best else ''}>{html.escape(value)}{mark}</td>")
        parts.append(f"<tr{cls}><td>{html.escape(row['item'])}</td>{''.join(cells)}</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def compare_xlsx(page: Page, doc: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    """The comparison as an Excel workbook, written by the report's table writer (widths, number formats,
    bold frozen header, filter): one row per input and result, one column per scenario. Numbers stay numbers
    (a margin as a fraction formatted as such by the writer's rules), names stay names."""
    from openpyxl import Workbook

    from qiankua.report.model import Table
    from qiankua.report.xlsx import write_table

    columns = [f"s{s['id']}" for s in doc["scenarios"]]
    headers = {"part": page.t("scenarios.col.section"), "item": page.t("scenarios.col.item")}
    headers.update({c: f"#{s['id']} {s['name']}" for c, s in zip(columns, doc["scenarios"], strict=True)})
    data: dict[str, list[Any]] = {"part": [], "item": []}
    data.update({c: [] for c in columns})
    data["best"] = []
    headers["best"] = "★"
    for row in rows:
        data["part"].append(page.t(f"scenarios.page.{row['part']}"))
        data["item"].append(row["item"] + (page.t("scenarios.page.differs") if row["differs"] else ""))
        for i, c in enumerate(columns):
            raw = row["raw"][i] if i < len(row["raw"]) else None
            shown: Any = row["values"][i]
            if row["part"] == "results" and isinstance(raw, int | float) and not isinstance(raw, bool):
                shown = float(raw)  # a number stays a number in the workbook
            data[c].append(shown)
        best = row["best"]
        data["best"].append(f"#{doc['scenarios'][best]['id']}" if best is not None else None)
    frame = _frame(data)
    wb = Workbook()
    ws = wb.active
    ws.title = page.t("scenarios.sheet")[:31]
    write_table(ws, Table(name=page.t("scenarios.sheet"), frame=frame, headers=headers))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _frame(data: dict[str, list[Any]]) -> Any:
    """A polars frame of mixed cells (numbers and text in one column kept as they are, via ``pl.Object``)."""
    import polars as pl

    return pl.DataFrame({k: pl.Series(k, v, dtype=pl.Object) for k, v in data.items()})


# ---------------------------------------------------------------------------- the save button


def quote_inputs(form: dict[str, Any]) -> dict[str, Any]:
    """The quote page's form as the quote's request fields (those of ``POST /api/v1/quote``), as the page
    sends them: the target margin as a fraction, invoices as yes/no/automatic, empty fields left out."""

    def given(key: str) -> Any:
        value = form.get(key)
        return None if value is None or value == "" else value

    margin = given("target_margin")
    fields: dict[str, Any] = {
        "product_id": form.get("product_id"),
        "market": form.get("market"),
        "mode": form.get("mode"),
        "service": form.get("service"),
        "platform": form.get("platform"),
        "date": given("date"),
        "quantity": given("quantity"),
        "gross_kg": given("gross_kg"),
        "dims": given("dims"),
        "price": given("price"),
        "target_margin": float(margin) / 100 if margin is not None else None,
        "fx_rate": given("fx_rate"),
        "invoices": {"yes": True, "no": False}.get(str(form.get("invoices"))),
    }
    return {k: v for k, v in fields.items() if v is not None}


def pool_inputs(stored: bool, content: bytes | None) -> dict[str, Any]:
    """Where a pool's shipments came from: the user's imported ones, the built-in demo week or an upload."""
    return {"source": "stored" if stored else "demo" if content is None else "upload"}


def _derived_inputs(kind: str, doc: dict[str, Any], page: Page) -> dict[str, Any]:
    """Inputs read back from a result document (a route plan names its origin, market, date and profile)."""
    if kind == "route":
        profile = doc.get("profile") or {}
        fields = {
            "origin": doc.get("origin"),
            "market": doc.get("market"),
            "product_id": profile.get("product_id"),
            "weight_kg": profile.get("weight_kg"),
            "volume_m3": profile.get("volume_m3"),
            "pieces": profile.get("pieces"),
            "b2b": profile.get("b2b"),
            "date": doc.get("date"),
        }
        return {k: v for k, v in fields.items() if v is not None}
    if kind == "pooling":
        params = doc.get("params") or {}
        return {k: params[k] for k in ("time_limit_s", "seed") if params.get(k) is not None}
    if kind == "opportunity":
        custom = any(v == "user" for v in (doc.get("weight_source") or {}).values())
        return {
            "top": len(doc.get("ranking") or []) or 20,
            "lang": page.lang,
            "weights": doc.get("weights") if custom else None,
        }
    return {}


def _default_name(page: Page, kind: str, inputs: dict[str, Any]) -> str:
    stamp = dt.datetime.now().strftime("%m-%d %H:%M")
    names = Names(page)
    named = {"product_id": names.product, "origin": names.county, "market": names.market}
    target = " → ".join(named[k](str(inputs[k])) for k in named if inputs.get(k))
    if kind == "pooling" and inputs.get("source"):
        target = page.t(f"scenarios.source.{inputs['source']}")
    return " · ".join(x for x in (_kind(page, kind), target, stamp) if x)[:120]


def save_button(page: Page, kind: str, inputs: dict[str, Any] | None, doc: dict[str, Any]) -> None:
    """A "save as scenario" row under a result: a name field (a default name filled in) and a button that
    keeps ``inputs`` (the use case's request fields; read back from ``doc`` when None) and ``doc`` (the result
    as shown) in the user's database, for the scenarios page. Inputs are copied now: later edits of the form
    do not change what is saved."""
    chosen = (
        {**_derived_inputs(kind, doc, page), **(inputs or {})} if kind == "pooling" or inputs is None else dict(inputs)
    )
    state = {"name": _default_name(page, kind, chosen)}
    with ui.row().classes("items-end q-gutter-sm w-full qk-save-scenario").props(f'data-save-kind="{kind}"'):
        ui.input(page.t("scenarios.save.name")).bind_value(state, "name").props(
            'maxlength=120 dense for="scenario-name"'
        ).classes("qk-field").style("min-width: 16em")
        button = ui.button(page.t("scenarios.save.button"), icon="bookmark_add").props(
            'id="scenario-save" color="red-9" outline'
        )
        done = ui.row().classes("items-center q-gutter-sm")

    async def save() -> None:
        from qiankua.services.scenarios import save as save_scenario

        button.disable()
        done.clear()
        try:
            saved = await run.io_bound(save_scenario, page.db, page.identity.username, kind, state["name"], chosen, doc)
        except (QiankuaError, ValueError) as exc:
            with done:
                error_line(page, exc, "scenario-save-error")
            button.enable()
            return
        if saved is None:  # the client left
            return
        with done:
            ui.label(page.t("scenarios.save.done", id=saved["id"], name=saved["name"])).classes("text-positive").props(
                f'id="scenario-saved" data-scenario="{saved["id"]}"'
            )
            ui.link(page.t("scenarios.save.view"), "/scenarios").props('id="scenario-view"')
        button.enable()

    button.on_click(save)


# ---------------------------------------------------------------------------- the page


def _list_rows(page: Page, names: Names) -> list[dict[str, Any]]:
    """The newest scenarios (name, kind, date) with their key results, from the scenarios list alone (it
    carries each scenario's headline figures: no scenario is opened again)."""
    from qiankua.services import scenarios as svc

    listed = svc.list_scenarios(page.db, page.identity.username)["scenarios"][:LIST_LIMIT]
    return [
        {
            "id": s["id"],
            "kind_code": s["kind"],
            "created_at": s.get("created_at"),
            "name": s["name"],
            "kind": _kind(page, s["kind"]),
            "date": _when(s.get("created_at"), page.lang),
            "key": key_result(page, names, s),
        }
        for s in listed
    ]


def key_result(page: Page, names: Names, scenario: dict[str, Any]) -> str:
    """A scenario's key result (listed or loaded: read from its headline figures): a quote's margin, a route
    plan's cost, a ranking's top pair, a pool's saving."""
    kind = scenario["kind"]
    key = KEY_METRIC.get(kind, "")
    figures = scenario.get("metrics") or []
    metric = next((m for m in figures if m["key"] == key), None)
    if metric is None:
        return "—"
    currency = (scenario.get("result") or {}).get("currency") or next(
        (m["value"] for m in figures if m["key"] == "currency"), None
    )
    label = metric["label_zh"] if page.lang == "zh" else metric["label_en"]
    colon = "：" if page.lang == "zh" else ": "
    return f"{label}{colon}{metric_value(page, names, key, metric['value'], currency)}"


def _link_to(page: Page, scenario: dict[str, Any]) -> str | None:
    """The scenario's page with its product, market (and service or origin) filled in."""
    kind, inputs = scenario["kind"], scenario.get("inputs") or {}
    path = KIND_PAGES.get(kind)
    if path is None:
        return None
    wanted = {"product": inputs.get("product_id"), "market": inputs.get("market")}
    if kind == "quote":
        wanted["service"] = inputs.get("service")
    if kind == "route":
        wanted["origin"] = inputs.get("origin")
    query = urlencode({k: v for k, v in wanted.items() if v})
    return f"{path}?{query}" if query else path


def _show(page: Page, names: Names, scenario: dict[str, Any]) -> None:
    """One scenario: its name, kind and date, its inputs and its headline results."""
    currency = (scenario.get("result") or {}).get("currency")
    with ui.card().classes("w-full q-pa-md").props(f'id="scenario-detail" data-scenario="{scenario["id"]}"'):
        ui.label(scenario["name"]).classes("text-h6")
        ui.label(f"{_kind(page, scenario['kind'])} · {_when(scenario.get('created_at'), page.lang)}").classes(
            "text-caption text-grey-8"
        )
        with ui.element("div").classes("qk-pair"):
            with ui.column().classes("qk-half"):
                ui.label(page.t("scenarios.page.inputs")).classes("text-subtitle1")
                rows = [
                    {"n": i, "item": field_label(page, f), "value": input_value(page, names, f, v)}
                    for i, (f, v) in enumerate((scenario.get("inputs") or {}).items())
                ]
                _item_table(page, "scenarios.page.inputs", rows, "scenario-inputs")
            with ui.column().classes("qk-half"):
                ui.label(page.t("scenarios.page.results")).classes("text-subtitle1")
                results = []
                for i, m in enumerate(scenario.get("metrics") or []):
                    value = m["value"]
                    if m["key"] == "route":
                        value = _localised_route(page, scenario["kind"], scenario.get("result")) or value
                    results.append(
                        {
                            "n": i,
                            "item": m["label_zh"] if page.lang == "zh" else m["label_en"],
                            "value": metric_value(page, names, m["key"], value, currency),
                        }
                    )
                _item_table(page, "scenarios.page.results", results, "scenario-results")
        target = _link_to(page, scenario)
        if target:
            page_name = nav_title(page, KIND_PAGES[scenario["kind"]])
            ui.link(page.t("scenarios.page.goto", page=page_name), target).props('id="scenario-goto"')


def _item_table(page: Page, value_label: str, rows: list[dict[str, Any]], element_id: str) -> None:
    """A scenario's inputs or results: item and value, every row shown."""
    ui.table(
        columns=[
            {"name": "item", "label": page.t("scenarios.col.item"), "field": "item", "align": "left"},
            {"name": "value", "label": page.t(value_label), "field": "value", "align": "left"},
        ],
        rows=rows,
        row_key="n",
        pagination=0,
    ).classes("w-full").props(f'dense flat hide-bottom id="{element_id}"')


async def build(page: Page) -> None:
    from qiankua.services import scenarios as svc

    ui.add_head_html(_CSS)
    names = Names(page)
    owner = page.identity.username
    ui.label(page.t("scenarios.page.title")).classes("text-h5")
    ui.label(page.t("scenarios.page.intro")).classes("text-body2 text-grey-8").style("white-space: normal")
    listing = ui.column().classes("w-full")
    out = ui.column().classes("w-full")
    state: dict[str, Any] = {"table": None}

    def selected_ids() -> list[int]:
        table = state["table"]
        return [int(r["id"]) for r in (table.selected if table is not None else [])]

    def say(key: str) -> None:
        ui.notify(page.t(key), type="warning")

    async def draw_list() -> None:
        rows = await run.io_bound(_list_rows, page, names)
        if rows is None:
            return
        listing.clear()
        with listing:
            if not rows:
                ui.label(page.t("scenarios.page.none")).classes("text-grey-8").props('id="scenario-none"')
                state["table"] = None
                return
            ui.label(page.t("scenarios.page.pick")).classes("text-caption text-grey-8")
            table = ui.table(
                columns=[
                    {"name": "name", "label": page.t("scenarios.col.name"), "field": "name", "align": "left"},
                    {
                        "name": "kind",
                        "label": page.t("scenarios.col.kind"),
                        "field": "kind",
                        "align": "left",
                        "classes": "gt-xs",  # a phone shows the name and the key result
                        "headerClasses": "gt-xs",
                    },
                    {
                        "name": "date",
                        "label": page.t("scenarios.col.date"),
                        "field": "date",
                        "align": "left",
                        "classes": "gt-xs",  # a phone shows the name and the key result
                        "headerClasses": "gt-xs",
                    },
                    {
                        "name": "key",
                        "label": page.t("scenarios.col.key"),
                        "field": "key",
                        "align": "left",
                        "style": "white-space: normal",
                    },
                ],
                rows=rows,
                row_key="id",
                selection="multiple",
                pagination=15,
            )
            # data-keys: the key results are in (they come with the list)
            table.classes("w-full").props('dense flat bordered id="scenario-table" data-keys="ready"')
            state["table"] = table
            with ui.row().classes("q-gutter-sm q-mt-sm qk-scenario-actions"):
                ui.button(page.t("scenarios.page.open"), icon="folder_open", on_click=open_one).props(
                    'id="scenario-open" color="red-9"'
                )
                ui.button(page.t("scenarios.page.compare"), icon="compare_arrows", on_click=compare).props(
                    'id="scenario-compare" color="red-9"'
                )
                ui.button(page.t("scenarios.page.delete"), icon="delete", on_click=ask_delete).props(
                    'id="scenario-delete" color="grey-8" outline'
                )

    async def open_one() -> None:
        ids = selected_ids()
        if len(ids) != 1:
            say("scenarios.page.need_one")
            return
        try:
            scenario = await run.io_bound(svc.load, page.db, owner, ids[0])
        except QiankuaError as exc:
            out.clear()
            with out:
                error_line(page, exc, "scenario-error")
            return
        if scenario is None:
            return
        out.clear()
        with out:
            _show(page, names, scenario)

    async def compare() -> None:
        ids = selected_ids()
        if not 2 <= len(ids) <= svc.MAX_COMPARE:
            say("scenarios.page.need_compare")
            return

        def work() -> tuple[dict[str, Any], list[dict[str, Any]]]:
            doc = svc.compare(page.db, owner, ids)
            wanted = needs_results(page, doc)
            loaded = [svc.load(page.db, owner, int(s["id"])) for s in doc["scenarios"]] if wanted else []
            return doc, loaded

        try:
            got = await run.io_bound(work)
        except QiankuaError as exc:
            out.clear()
            with out:
                error_line(page, exc, "scenario-error")
            return
        if got is None:
            return
        doc, loaded = got
        rows = compare_rows(page, names, doc, loaded)
        out.clear()
        with out, ui.card().classes("w-full q-pa-md").props(f'id="scenario-comparison" data-kind="{doc["kind"]}"'):
            ui.label(page.t("scenario.title.compare")).classes("text-h6")
            if doc["kind"] == "mixed":
                ui.label(page.t("scenarios.page.mixed")).classes("text-warning")
            ui.label(page.t("scenarios.page.legend")).classes("text-caption text-grey-8")
            ui.html(compare_html(page, doc, rows), sanitize=False).classes("qk-compare-wrap w-full")
            ui.button(
                page.t("scenarios.page.export"),
                icon="download",
                on_click=lambda: ui.download(compare_xlsx(page, doc, rows), "scenario-comparison.xlsx"),
            ).props('id="scenario-export" color="red-9" outline')

    async def ask_delete() -> None:
        ids = selected_ids()
        if not ids:
            say("scenarios.page.need_delete")
            return
        with ui.dialog() as dialog, ui.card():
            ui.label(page.t("scenarios.page.confirm_delete", n=len(ids)))
            with ui.row():
                ui.button(page.t("scenarios.page.cancel"), on_click=lambda: dialog.submit(False)).props("flat")
                ui.button(page.t("scenarios.page.delete"), on_click=lambda: dialog.submit(True)).props(
                    'color="negative" id="scenario-delete-confirm"'
                )
        if not await dialog:
            return

        def work() -> int:
            gone = 0
            for i in ids:
                try:
                    svc.delete(page.db, owner, i)
                    gone += 1
                except QiankuaError:
                    pass  # already gone
            return gone

        gone = await run.io_bound(work)
        ui.notify(page.t("scenarios.page.deleted", n=gone or 0), type="positive")
        out.clear()
        await draw_list()

    with listing:
        ui.spinner(size="lg")
    await draw_list()
