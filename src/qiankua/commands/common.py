"""What every ``qiankua`` command shares: the start-up language, the global options' state, the
consoles, ``--json``, and :func:`run` — call a service, print its result or its one JSON document
(:mod:`qiankua.jsonio`, the encoder the API uses), map errors to exit codes 2 (bad input or data)
and 1 (internal).

:mod:`qiankua.cli` builds the app from these; the engine commands (``qiankua.commands.<engine>``) use
them too. Nothing here imports :mod:`qiankua.cli`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table as RichTable

from qiankua.exceptions import DataError, ImportValidationError, QiankuaError, StoreError
from qiankua.i18n import default_lang, t
from qiankua.i18n.framework import localise_cli
from qiankua.jsonio import dumps

T = TypeVar("T")


def _argv_lang(argv: list[str]) -> str | None:
    """``zh`` / ``en`` when the command line says ``--lang zh`` (or ``--lang=zh``): the help texts are built
    when the commands are defined, before Typer parses anything, so ``qiankua --lang zh --help`` is
    Chinese only if the language is read from the command line first."""
    for i, arg in enumerate(argv):
        value = (
            arg.split("=", 1)[1]
            if arg.startswith("--lang=")
            else argv[i + 1]
            if arg == "--lang" and i + 1 < len(argv)
            else None
        )
        if value is not None:
            return "zh" if value.lower().startswith("zh") else "en" if value.lower().startswith("en") else None
    return None


_LANG = _argv_lang(sys.argv[1:]) or default_lang()
localise_cli(_LANG)  # Click's and Typer's own words ("Usage:", "Options", parse errors) in the same language


def _h(key: str) -> str:
    """Help text in the start-up language (``QIANKUA_LANG`` / locale)."""
    return t(key, _LANG)


@dataclass
class State:
    lang: str = _LANG
    db: Path | None = None
    debug: bool = False


state = State()
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

JsonOpt = Annotated[bool, typer.Option("--json", help=_h("opt.json"))]


def user_db() -> Path:
    """The user's database for a command that reads it: ``--db``, else the default file (it may not exist)."""
    from qiankua.services.requests import user_db as resolve

    return resolve(state.db)


def emit_json(document: Any) -> None:
    """Print one JSON document on stdout (the encoder of every edge, indented)."""
    sys.stdout.write(dumps(document, indent=True) + "\n")


def run(
    as_json: bool,
    action: Callable[[], T],
    show: Callable[[T], None],
    to_json: Callable[[T], Any],
    *,
    status: str | None = None,
) -> T:
    """Run a service call, print its result, and map errors to exit codes and messages.

    ``status`` shows a spinner on stderr while the call runs (not with ``--json``).
    """
    try:
        if status and not as_json:
            with err.status(status):
                result = action()
        else:
            result = action()
    except ImportValidationError as exc:
        _fail(
            as_json,
            2,
            t("data.import.bad", state.lang, file=exc.issues[0].file if exc.issues else "", n=len(exc.issues)),
            exc,
            issues=[i.to_dict() for i in exc.issues],
        )
    except (DataError, StoreError) as exc:
        issues = [i.to_dict() for i in getattr(exc, "issues", [])]
        _fail(as_json, 2, t("error.input", state.lang), exc, issues=issues)
    except (QiankuaError, ValueError, LookupError) as exc:
        _fail(as_json, 2, t("error.input", state.lang), exc)
    except Exception as exc:
        _fail(as_json, 1, t("error.internal", state.lang), exc)
    else:
        if as_json:
            emit_json(to_json(result))
        else:
            show(result)
        return result
    raise AssertionError("unreachable: _fail always exits")


def _headers(table: str | None, lang: str) -> dict[str, str]:
    """column name -> ``中文表头（name）`` for a user table's columns on a Chinese screen; else nothing."""
    if lang != "zh" or not table:
        return {}
    from qiankua.i18n.validation import column_header
    from qiankua.schema import USER_TABLES

    spec = USER_TABLES.get(table)
    headers = {c.name: column_header(table, c.name) for c in (spec.columns if spec is not None else ())}
    return {name: f"{zh}（{name}）" for name, zh in headers.items() if zh and zh != name}


def _fail(
    as_json: bool, code: int, title: str, exc: BaseException, issues: list[dict[str, Any]] | None = None
) -> NoReturn:
    if state.debug:
        traceback.print_exception(exc, file=sys.stderr)
    if as_json:
        emit_json({"ok": False, "error": type(exc).__name__, "message": str(exc), "issues": issues or []})
    else:
        from qiankua.i18n.validation import translate

        lang = state.lang
        # the error's class is for --json and --debug; a person reads the title and the reason in their language
        err.print(f"[bold red]{title}[/]" if lang == "zh" else f"[bold red]{title}[/]: {type(exc).__name__}")
        if issues:
            columns = ("file", "sheet", "row", "column", "value", "reason")
            headers = _headers(getattr(exc, "table", None), lang)

            def cell(k: str, value: Any) -> str:
                if value is None:
                    return ""
                if k == "reason":
                    return translate(str(value), lang)
                return headers.get(str(value), str(value)) if k == "column" else str(value)

            table = RichTable(*(t(f"cli.issue.{k}", lang) for k in columns), show_lines=False)
            for issue in issues[:200]:
                table.add_row(*(cell(k, issue[k]) for k in columns))
            if lang != "zh" or not isinstance(exc, ImportValidationError):  # zh: the title already says it
                err.print(translate(str(getattr(exc, "summary", "")), lang), markup=False)
            err.print(table)
            if len(issues) > 200:
                err.print(t("cli.issue.more", lang, n=len(issues) - 200))
        else:
            err.print(translate(str(exc), lang), markup=False)
    raise typer.Exit(code)


def print_frame(
    frame: Any,
    columns: list[str],
    title: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    vocab: dict[str, str] | None = None,
    money: dict[str, str] | None = None,
) -> None:
    """``frame``'s ``columns`` as a table: each header the i18n text of ``headers[column]`` (a catalog key; else
    the column's name), each value of a coded column ``vocab[column]`` (a vocabulary kind) by its label, each
    amount of a ``money[column]`` (its currency) rounded and written as that currency's."""
    from qiankua.i18n import fmt_money
    from qiankua.vocabulary import label

    headers, vocab, money = headers or {}, vocab or {}, money or {}
    lang = state.lang

    def cell(column: str, value: Any) -> str:
        if value is None:
            return ""
        if column in vocab:
            return label(vocab[column], str(value), lang)
        if column in money:
            return fmt_money(value, money[column], lang)
        return str(value)

    table = RichTable(*(t(headers[c], lang) if c in headers else c for c in columns), title=title)
    for row in frame.select(columns).iter_rows():
        table.add_row(*(cell(c, v) for c, v in zip(columns, row, strict=True)))
    out.print(table)
