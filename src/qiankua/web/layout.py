"""What every page shares: the ``Page`` context, the header and its navigation (the engines' pages from
:data:`qiankua.vocabulary.ENGINES`), the confidence badge, the "module not ready" card, the upload issue
grid, and :func:`busy` — the one spinner / error handler around a page's long-running call."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nicegui import ui

from qiankua.exceptions import QiankuaError
from qiankua.i18n import t
from qiankua.services.accounts import Identity, Workspace
from qiankua.services.requests import user_db
from qiankua.vocabulary import ENGINES, label, options

# (path, engine or None, message key of a page that is not an engine's)
NAV: tuple[tuple[str, str | None, str | None], ...] = (
    ("/", None, "web.nav.overview"),
    *((e.page, e.name, None) for e in ENGINES if e.page is not None),
    ("/data", None, "web.nav.data"),
    ("/admin", None, "web.nav.admin"),
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
/* two charts or cards side by side on a desktop, stacked below 600 px (issue 20 item 7) */
.qk-pair { display: flex; flex-wrap: nowrap; gap: 16px; width: 100%; }
.qk-pair > .qk-half { flex: 1 1 0; min-width: 0; }
/* a form's labels are never cut (监…, 物流…): the field grows with its label */
.q-field__label { overflow: visible; text-overflow: clip; }
.qk-field { min-width: 11em; }
.qk-header-nav { flex-wrap: wrap; row-gap: 0; }
.q-table__container { max-width: 100%; }
.qk-svg svg { max-width: 100%; height: auto; }
@media (max-width: 599px) {
  .qk-pair { flex-wrap: wrap; }
  .qk-pair > .qk-half { flex: 1 1 100%; }
  .qk-field, .q-field { min-width: 0 !important; max-width: 100%; }
  .nicegui-row > .q-field, .nicegui-row > .qk-field { flex: 1 1 100%; }
  .q-header .text-h6 { font-size: 1rem; }
  .nicegui-content, .q-page { overflow-x: hidden; }
  .qk-wide-label { white-space: normal; }
}
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

    @property
    def db(self) -> Path:
        """The user's database, as the API and the CLI find it (:func:`qiankua.services.requests.user_db`)."""
        return user_db(self.workspace.db)

    def label(self, kind: str, value: str) -> str:
        """A vocabulary value's label in the page's language (see :func:`qiankua.vocabulary.label`)."""
        return label(kind, value, self.lang)

    def options(self, kind: str) -> dict[str, str]:
        """``{value: label}`` of a vocabulary, for a select (see :func:`qiankua.vocabulary.options`)."""
        return options(kind, self.lang)

    def name(self, row: dict[str, Any]) -> str:
        return str(row.get("name_zh") if self.lang == "zh" else row.get("name_en")) or str(row.get("name_en"))

    def conf_badge(self, level: str | None) -> None:
        level = level or "unconfirmed"
        ui.badge(self.label("confidence", level), color=CONF_COLORS.get(level, "grey")).props("outline").classes(
            f"qk-conf qk-conf-{level}"
        )


def nav_title(page: Page, path: str) -> str:
    """The navigation title of the page at ``path``: an engine's label, or the page's message."""
    for nav_path, engine, key in NAV:
        if nav_path == path:
            return page.label("engine", engine) if engine is not None else page.t(key or "")
    raise KeyError(path)


_QUASAR_EN_JS = """
const L = window.Quasar && (Quasar.Lang || Quasar.lang);
if (L && !L.enUS) {
  await new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = "/_nicegui/%s/static/lang/en-US.umd.prod.js";
    script.onload = resolve;
    script.onerror = resolve;
    document.head.appendChild(script);
  });
}
if (L && L.enUS) L.set(L.enUS);
"""


def _quasar_language(page: Page) -> None:
    """Quasar's own strings (a table's "rows per page", a date picker's months) in the page's language: the
    app starts Quasar in zh-CN; an English page loads Quasar's en-US pack (a same-origin script file, so a
    strict Content-Security-Policy allows it) and switches to it once the browser is connected."""
    if page.lang != "en":
        return
    import nicegui

    client = ui.context.client
    client.on_connect(lambda: client.run_javascript(_QUASAR_EN_JS % nicegui.__version__))


def explain(page: Page, term: str) -> None:
    """A short plain-words explanation of a jargon term (帕累托, 熵权, 核心检验, 排名稳定性) where it appears:
    an icon from the bundled icon font and the sentence (``web.jargon.<term>``)."""
    with ui.row().classes("items-center no-wrap q-gutter-xs").props(f'data-jargon="{term}"'):
        ui.icon("help_outline", size="xs").classes("text-grey-7")
        ui.label(page.t(f"web.jargon.{term}")).classes("text-caption text-grey-8 qk-wide-label").style(
            "white-space: normal"
        )


def frame(page: Page) -> None:
    ui.add_head_html(_CSS)
    _quasar_language(page)
    other = "en" if page.lang == "zh" else "zh"
    with ui.header().classes("items-center bg-red-9 text-white q-px-md q-py-xs qk-header-nav"):
        ui.label(page.t("web.brand")).classes("text-h6 q-mr-lg")
        for path, _engine, _key in NAV:
            if path == "/admin" and not page.identity.is_admin:  # admins only (issue 21)
                continue
            link = ui.link(nav_title(page, path), path).classes("text-white q-mx-sm text-subtitle1 no-underline")
            link.props(f'data-nav="{path}"')
            if path == page.path:
                link.classes("text-weight-bold underline")
        ui.space()
        if page.multi_user:
            ui.label(f"{page.t('web.org')}: {page.identity.org} · {page.identity.username}").classes("q-mr-md")
            ui.link(page.t("web.logout"), "/auth/web-logout").classes("text-white q-mr-md")
        ui.link(page.t("web.api.docs"), "/api/v1/docs").classes("text-white q-mr-md")
        ui.link(page.t("web.lang.switch"), f"/lang/{other}?next={quote(page.path)}").classes("text-white").props(
            'id="lang-switch"'
        )


def unavailable(page: Page, engine: str) -> None:
    with ui.card().classes("q-ma-lg").props('id="module-unavailable"'):
        ui.label(page.t("web.unavailable.title")).classes("text-h5")
        ui.label(page.t("web.unavailable.body", module=page.label("engine", engine)))


def error_line(page: Page, exc: BaseException, element_id: str | None = None) -> None:
    """The first line of an error's message, in red (and up to 50 of its cell issues, if any)."""
    from qiankua.i18n.validation import describe_issue, translate

    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    line = ui.label(page.t("web.error", message=translate(first, page.lang)))
    line.classes("text-negative").style("white-space: normal")
    if element_id:
        line.props(f'id="{element_id}"')
    for issue in list(getattr(exc, "issues", None) or [])[:50]:
        text = describe_issue(issue.to_dict(), page.lang) if hasattr(issue, "to_dict") else str(issue)
        ui.label(text).classes("text-caption")


async def busy(
    page: Page,
    out: ui.element,
    work: Callable[[], Awaitable[Any]],
    draw: Callable[[Any], None],
    *,
    button: ui.button | None = None,
    error_id: str | None = None,
    caption: bool = False,
) -> None:
    """Run a page's long call: disable ``button``, show a spinner in ``out`` (with "working…" if
    ``caption``), await ``work()``, then draw its result into ``out`` with ``draw`` (nothing when it
    returns ``None``: the client left). Bad input or data (``QiankuaError``, ``ValueError``) is shown in
    ``out`` as the page's error line (id ``error_id``), never a server error."""
    if button is not None:
        button.disable()
    out.clear()
    with out:
        ui.spinner(size="lg")
        if caption:
            ui.label(page.t("web.busy"))
    try:
        result = await work()
        out.clear()
        if result is not None:
            with out:
                draw(result)
    except (QiankuaError, ValueError) as exc:
        out.clear()
        with out:
            error_line(page, exc, error_id)
    finally:
        if button is not None:
            button.enable()


def issue_grid_html(preview: list[dict[str, Any]], issues: list[dict[str, Any]], lang: str = "en") -> str:
    """The uploaded sheets as an HTML grid, each bad cell marked (class ``qk-bad``, reason on hover, in ``lang``)."""
    from qiankua.i18n.validation import translate

    bad: dict[tuple[Any, Any, Any], list[str]] = {}
    for issue in issues:
        bad.setdefault((issue["sheet"], issue["row"], issue["column"]), []).append(translate(issue["reason"], lang))
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
                    parts.append(
                        f"<td class='qk-bad' title=\"{title}\" data-column='{html.escape(column or '')}'>"
                        f"{html.escape(value)}</td>"
                    )
                else:
                    parts.append(f"<td>{html.escape(value)}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table></div>")
    return "".join(parts)


def issue_view(
    page: Page, file: str, issues: list[dict[str, Any]], preview: list[dict[str, Any]], table: str | None = None
) -> None:
    """The problems of an upload: the sheet with each bad cell marked, and the list (reasons in the page's
    language, each column by its header in the template: ``箱数`` rather than ``cartons`` on a Chinese page)."""
    from qiankua.i18n.validation import translate

    headers: dict[str, str] = {}
    if table and page.lang == "zh":
        from qiankua.schema import table_spec

        headers = {c.name: c.zh for c in table_spec(table).columns if getattr(c, "zh", None)}
    ui.label(page.t("web.data.bad", file=file, n=len(issues))).classes("text-negative text-subtitle1").props(
        'id="import-bad"'
    )
    if preview:
        ui.label(page.t("web.data.preview")).classes("text-subtitle2")
        ui.html(issue_grid_html(preview, issues, page.lang), sanitize=False).classes("w-full").props('id="issue-grid"')
    ui.label(page.t("web.data.issues")).classes("text-subtitle2 q-mt-md")
    rows = [
        {
            "n": i,
            "row": issue["row"] or "",
            "column": headers.get(issue["column"] or "", issue["column"] or ""),
            "value": issue["value"] or "",
            "reason": translate(issue["reason"], page.lang),
        }
        for i, issue in enumerate(issues)
    ]
    ui.table(
        columns=[
            {"name": "row", "label": page.t("web.data.row"), "field": "row", "align": "right"},
            {"name": "column", "label": page.t("web.data.column"), "field": "column", "align": "left"},
            {"name": "value", "label": page.t("web.data.cell"), "field": "value", "align": "left"},
            {"name": "reason", "label": page.t("web.data.reason"), "field": "reason", "align": "left"},
        ],
        rows=rows,
        row_key="n",
        pagination=20,
    ).classes("w-full").props('dense flat id="issues-table"')
