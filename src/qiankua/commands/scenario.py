"""``qiankua scenario save|list|show|compare|delete``: saved scenarios in the user's database.

The owner defaults to ``local``, the single-user web app's and API's user, so a scenario saved here is
listed there too (and the other way round). ``--json`` prints the API's document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.exceptions import InvalidInputError
from qiankua.i18n import t

UserOpt = Annotated[str, typer.Option("--user", help=_h("scenario.opt.user"))]


def parse_inputs(text: str) -> dict[str, Any]:
    """``text`` as a JSON object: inline JSON, or the path of a ``.json`` file holding one."""
    source = text
    if not text.lstrip().startswith("{") and Path(text).is_file():
        source = Path(text).read_text(encoding="utf-8-sig")
    try:
        doc = json.loads(source)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(t("scenario.error.inputs_json", state.lang, reason=exc.msg)) from exc
    if not isinstance(doc, dict):
        raise InvalidInputError(t("scenario.error.inputs", state.lang))
    return doc


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _shown(key: str, value: Any) -> str:
    """A headline figure for the terminal: margins as percentages, statuses and booleans in words."""
    from qiankua.vocabulary import label

    if key == "margin" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1%}"
    if key == "status" and isinstance(value, str):
        return label("quote_status", value, state.lang)
    return _value(value)


def _label(row: dict[str, Any]) -> str:
    return str(row["label_zh"] if state.lang == "zh" else row["label_en"])


def register(app: typer.Typer) -> None:
    scenario_app = typer.Typer(help=_h("scenario.help"), no_args_is_help=True)
    app.add_typer(scenario_app, name="scenario")

    @scenario_app.command("save", help=_h("scenario.save.help"))
    def save_cmd(
        kind: Annotated[str, typer.Option("--kind", help=_h("scenario.opt.kind"))],
        name: Annotated[str, typer.Option("--name", help=_h("scenario.opt.name"))],
        inputs: Annotated[str, typer.Option("--inputs", help=_h("scenario.opt.inputs"))] = "{}",
        user: UserOpt = "local",
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> dict[str, Any]:
            from qiankua.services.scenarios import save

            return save(user_db(), user, kind, name, parse_inputs(inputs))

        def show(doc: dict[str, Any]) -> None:
            out.print(t("scenario.saved", state.lang, id=doc["id"], name=doc["name"]))
            _print_metrics(doc)

        run(as_json, action, show, lambda d: d)

    @scenario_app.command("list", help=_h("scenario.list.help"))
    def list_cmd(
        kind: Annotated[str | None, typer.Option("--kind", help=_h("scenario.opt.kind"))] = None,
        user: UserOpt = "local",
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> dict[str, Any]:
            from qiankua.services.scenarios import list_scenarios

            return list_scenarios(user_db(), user, kind)

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            if not doc["scenarios"]:
                out.print(t("scenario.none", state.lang))
                return
            lang = state.lang
            table = Table(
                t("scenario.col.id", lang),
                t("scenario.col.kind", lang),
                t("scenario.col.name", lang),
                t("scenario.col.created", lang),
                t("scenario.col.inputs", lang),
                title=t("scenario.title.list", lang),
            )
            for s in doc["scenarios"]:
                table.add_row(
                    str(s["id"]),
                    t(f"scenario.kind.{s['kind']}", lang),
                    s["name"],
                    s["created_at"],
                    _value(s["inputs"]),
                )
            out.print(table)

        run(as_json, action, show, lambda d: d)

    @scenario_app.command("show", help=_h("scenario.show.help"))
    def show_cmd(
        scenario_id: Annotated[int, typer.Argument(help=_h("scenario.arg.id"))],
        user: UserOpt = "local",
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> dict[str, Any]:
            from qiankua.services.scenarios import load

            return load(user_db(), user, scenario_id)

        def show(doc: dict[str, Any]) -> None:
            out.print(
                f"#{doc['id']} {doc['name']} · {t('scenario.kind.' + doc['kind'], state.lang)} · {doc['created_at']}"
            )
            out.print(_value(doc["inputs"]))
            _print_metrics(doc)

        run(as_json, action, show, lambda d: d)

    @scenario_app.command("compare", help=_h("scenario.compare.help"))
    def compare_cmd(
        ids: Annotated[list[int], typer.Argument(help=_h("scenario.arg.ids"))],
        user: UserOpt = "local",
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> dict[str, Any]:
            from qiankua.services.scenarios import compare

            return compare(user_db(), user, list(ids))

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            lang = state.lang
            table = Table(
                t("scenario.col.field", lang),
                *(f"#{s['id']} {s['name']}" for s in doc["scenarios"]),
                title=t("scenario.title.compare", lang) + " · " + t(f"scenario.kind.{doc['kind']}", lang),
            )
            for row in doc["inputs"]:
                if row["differs"]:
                    table.add_row(row["field"], *(_value(v) for v in row["values"]))
            for row in doc["metrics"]:
                cells = [
                    _shown(row["key"], v) + (t("scenario.best", lang) if row["best"] == i else "")
                    for i, v in enumerate(row["values"])
                ]
                table.add_row(_label(row), *cells)
            out.print(table)

        run(as_json, action, show, lambda d: d)

    @scenario_app.command("delete", help=_h("scenario.delete.help"))
    def delete_cmd(
        scenario_id: Annotated[int, typer.Argument(help=_h("scenario.arg.id"))],
        user: UserOpt = "local",
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> dict[str, Any]:
            from qiankua.services.scenarios import delete

            return delete(user_db(), user, scenario_id)

        run(as_json, action, lambda d: out.print(t("scenario.deleted", state.lang, id=d["deleted"])), lambda d: d)


def _print_metrics(doc: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(show_header=False)
    for row in doc.get("metrics", []):
        table.add_row(_label(row), _shown(row["key"], row["value"]))
    out.print(table)
