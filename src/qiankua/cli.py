"""The ``qiankua`` command line (Typer + rich) — thin: parse, call a service, print.

Every command accepts ``--json`` and then prints exactly one JSON document on
stdout. Exit codes: 0 success, 2 bad input or data (including a rejected import),
1 internal error (traceback with ``--debug``).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from qiankua.commands.common import (  # noqa: F401 — State, emit_json: the plumbing, re-exported
    _LANG,
    JsonOpt,
    State,
    _h,
    emit_json,
    err,
    out,
    print_frame,
    run,
    state,
)
from qiankua.exceptions import QiankuaError
from qiankua.i18n import LANGS, t
from qiankua.plugins import engine_modules
from qiankua.vocabulary import FILE_FORMATS, IMPORT_MODES, IMPORT_TABLES

app = typer.Typer(
    help=_h("app.help"),
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
data_app = typer.Typer(help=_h("data.help"), no_args_is_help=True)
app.add_typer(data_app, name="data")

Lang = Enum("Lang", {x: x for x in LANGS}, type=str)  # type: ignore[misc]

Fmt = Enum("Fmt", {x: x for x in FILE_FORMATS}, type=str)  # type: ignore[misc]
UserTable = Enum("UserTable", {x: x for x in IMPORT_TABLES}, type=str)  # type: ignore[misc]
ImportMode = Enum("ImportMode", {x: x for x in IMPORT_MODES}, type=str)  # type: ignore[misc]
_FMT = Fmt(FILE_FORMATS[0])
_IMPORT_MODE = ImportMode(IMPORT_MODES[0])


@app.callback()
def main_callback(
    lang: Annotated[Lang | None, typer.Option("--lang", help=_h("app.lang"))] = None,
    db: Annotated[Path | None, typer.Option("--db", help=_h("app.db"))] = None,
    debug: Annotated[bool, typer.Option("--debug", help=_h("app.debug"))] = False,
) -> None:
    state.lang = lang.value if lang else _LANG
    state.db = db
    state.debug = debug


# ---------------------------------------------------------------------------- data


def _table_name(name: str) -> str:
    """A table by its title and its name (the name is what ``--table`` takes): ``运费报价 freight_quotes``."""
    from qiankua.schema import table_title

    title = table_title(name, state.lang) or t(f"data.table.{name}", state.lang)
    return name if title.startswith("data.table.") else f"{title} {name}"


@data_app.command("validate", help=_h("data.validate.help"))
def data_validate(
    store: Annotated[bool, typer.Option("--store", help=_h("data.validate.store"))] = False,
    as_json: JsonOpt = False,
) -> None:
    from qiankua.services import data

    def show(report: Any) -> None:
        table = RichTable(
            t("data.col.table", state.lang),
            t("data.col.rows", state.lang),
            title=t("data.validate.ok" if report.ok else "data.validate.bad", state.lang, n=len(report.issues)),
        )
        for name, rows in report.row_counts.items():
            table.add_row(_table_name(name), str(rows))
        out.print(table)
        for issue in report.issues[:50]:
            err.print(str(issue), markup=False)

    report = run(as_json, lambda: data.validate(store=store, db=state.db), show, lambda r: r.to_dict())
    if not report.ok:
        raise typer.Exit(2)  # invalid reference data (or stored rows) is bad data


@data_app.command("import", help=_h("data.import.help"))
def data_import(
    file: Annotated[Path, typer.Argument(help=_h("cli.arg.import_file"))],
    table: Annotated[UserTable, typer.Option("--table", "-t", help=_h("data.import.table"))],
    mode: Annotated[ImportMode, typer.Option("--mode", help=_h("data.import.mode"))] = _IMPORT_MODE,
    sheet: Annotated[str | None, typer.Option("--sheet", help=_h("data.import.sheet"))] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=_h("data.import.as_of"))] = None,
    as_json: JsonOpt = False,
) -> None:
    from qiankua.services import data

    run(
        as_json,
        lambda: data.import_user_file(state.db, file, table.value, mode=mode.value, sheet=sheet, as_of=as_of),
        lambda r: out.print(
            t("data.import.ok", state.lang, rows=r.rows_written, table=r.table, file=r.file)
            + (f" — ignored columns: {', '.join(r.ignored_columns)}" if r.ignored_columns else "")
        ),
        lambda r: r.to_dict(),
        status=f"{file.name} …",
    )


@data_app.command("template", help=_h("data.template.help"))
def data_template(
    table: Annotated[UserTable, typer.Argument(help=_h("data.import.table"))],
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help=_h("opt.format"))] = _FMT,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help=_h("opt.out"))] = None,
    as_json: JsonOpt = False,
) -> None:
    from qiankua.services import data

    run(
        as_json,
        lambda: data.template(table.value, fmt.value, out_path),
        lambda p: out.print(t("data.template.ok", state.lang, path=p)),
        lambda p: {"ok": True, "table": table.value, "format": fmt.value, "path": str(p)},
    )


@data_app.command("export", help=_h("data.export.help"))
def data_export(
    table: Annotated[str, typer.Option("--table", "-t", help=_h("data.import.table"))],
    reference: Annotated[bool, typer.Option("--ref", help=_h("data.export.ref"))] = False,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help=_h("opt.format"))] = _FMT,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help=_h("opt.out"))] = None,
    as_json: JsonOpt = False,
) -> None:
    from qiankua.services import data

    run(
        as_json,
        lambda: data.export(state.db, table, reference=reference, fmt=fmt.value, out=out_path),
        lambda r: out.print(t("data.export.ok", state.lang, rows=r.rows, path=r.path)),
        lambda r: {"ok": True, "table": r.table, "schema": r.schema, "rows": r.rows, "path": str(r.path)},
    )


@data_app.command("coverage", help=_h("data.coverage.help"))
def data_coverage(
    markets: Annotated[str | None, typer.Option("--markets", help=_h("data.coverage.markets"))] = None,
    date: Annotated[str | None, typer.Option("--date", help=_h("data.coverage.date"))] = None,
    as_json: JsonOpt = False,
) -> None:
    import datetime as dt

    from qiankua.services.costing import data_coverage as coverage

    def action() -> Any:
        try:
            on = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise QiankuaError(f"Expected `--date` as YYYY-MM-DD, got {date!r}.") from None
        return coverage(markets.split(",") if markets else None, on=on, db=state.db)

    def show(result: Any) -> None:
        import polars as pl

        from qiankua.costing.coverage import FIGURES

        lang = 0 if state.lang == "zh" else 1
        summary = result.summary()
        figures = [f for f in FIGURES if f in set(summary["figure"])]
        table = RichTable(
            t("data.coverage.market", state.lang),
            *(FIGURES[f][lang] for f in figures),
            title=t("data.coverage.title", state.lang, date=result.on),
        )
        for market in summary["market"].unique(maintain_order=True):
            cells = {r["figure"]: r for r in summary.filter(pl.col("market") == market).iter_rows(named=True)}
            table.add_row(
                market,
                *(
                    f"{c['confirmed']}/{c['likely']}/{c['unconfirmed']}"
                    + (f" [red]-{c['missing']}[/red]" if c["missing"] else "")
                    if (c := cells.get(f))
                    else ""
                    for f in figures
                ),
            )
        out.print(table)
        totals = result.to_dict()["totals"]
        out.print(t("data.coverage.totals", state.lang, **totals))

    run(as_json, action, show, lambda r: r.to_dict())


update_app = typer.Typer(help=_h("data.update.help"), no_args_is_help=True)
data_app.add_typer(update_app, name="update")


@update_app.command("fx", help=_h("data.update.fx.help"))
def data_update_fx(
    url: Annotated[str | None, typer.Option("--url", help=_h("data.update.fx.url"))] = None,
    file: Annotated[Path | None, typer.Option("--file", help=_h("data.update.fx.file"))] = None,
    as_json: JsonOpt = False,
) -> None:
    from qiankua.services.fx import update_fx

    run(
        as_json,
        lambda: update_fx(state.db, url=url, file=file),
        lambda r: out.print(t("data.update.fx.ok", state.lang, rows=r["rows"], newest=r["newest"], source=r["source"])),
        lambda r: r,
        status="ECB …",
    )


@data_app.command("list", help=_h("data.list.help"))
def data_list(as_json: JsonOpt = False) -> None:
    from qiankua.services import data

    def show(rows: list[dict[str, Any]]) -> None:
        table = RichTable(
            t("data.col.schema", state.lang), t("data.col.table", state.lang), t("data.col.rows", state.lang)
        )
        for r in rows:
            schema = str(r["schema"])
            table.add_row(t(f"data.schema.{schema}", state.lang), _table_name(str(r["table"])), str(r["rows"]))
        out.print(table)

    run(as_json, lambda: data.list_tables(state.db), show, lambda rows: {"ok": True, "tables": rows})


# ---------------------------------------------------------------------------- browse


@app.command("catalog", help=_h("catalog.help"))
def catalog(
    category: Annotated[str | None, typer.Option("--category", help=_h("catalog.category"))] = None,
    as_json: JsonOpt = False,
) -> None:
    import polars as pl

    from qiankua.services import data

    name = "name_zh" if state.lang == "zh" else "name_en"
    run(
        as_json,
        lambda: data.catalogue(category),
        lambda f: print_frame(
            f.with_columns(
                origin=pl.col("origin_adcode").replace_strict(data.division_names(state.lang), default=None)
            ),
            ["id", name, "category", "hs6", "origin", "unit_value_cny", "value_confidence"],
            headers={
                "id": "web.col.id",
                name: "web.col.name",
                "category": "web.col.category",
                "hs6": "web.col.hs6",
                "origin": "web.col.origin",
                "unit_value_cny": "cli.col.unit_value_cny",
                "value_confidence": "web.col.confidence",
            },
            vocab={"category": "category", "value_confidence": "confidence"},
            money={"unit_value_cny": "CNY"},
        ),
        lambda f: {"ok": True, "products": f.to_dicts()},
    )


@app.command("markets", help=_h("markets.help"))
def markets_cmd(
    region: Annotated[str | None, typer.Option("--region", help=_h("markets.region"))] = None,
    as_json: JsonOpt = False,
) -> None:
    from qiankua.services import data

    name = "name_zh" if state.lang == "zh" else "name_en"
    run(
        as_json,
        lambda: data.markets(region),
        lambda f: print_frame(
            f,
            ["iso2", name, "currency", "region", "fta", "unctad_b2c_rank", "confidence"],
            headers={
                "iso2": "cli.col.iso2",
                name: "web.col.name",
                "currency": "cli.col.currency",
                "region": "cli.col.region",
                "fta": "cli.col.fta",
                "unctad_b2c_rank": "cli.col.unctad_b2c_rank",
                "confidence": "web.col.confidence",
            },
            vocab={"region": "market_region", "confidence": "confidence"},
        ),
        lambda f: {"ok": True, "markets": f.to_dicts()},
    )


# ---------------------------------------------------------------------------- demo / serve


@app.command("demo", help=_h("demo.help"))
def demo(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help=_h("demo.out"))] = Path("out"),
    as_json: JsonOpt = False,
) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from qiankua.services.demo import run_demo

    def action() -> Any:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=as_json,
        ) as progress:
            task = progress.add_task("…", total=None)

            def step(key: str) -> None:
                progress.update(task, description=t(key, state.lang))

            return run_demo(state.db, out_dir, step)

    def show(result: Any) -> None:
        table = RichTable(title=t("report.headline", state.lang), show_header=False)
        for label, value in result.headlines:
            table.add_row(label, value)
        out.print(table)
        if result.recommendations:
            recs = RichTable(title=t("demo.recommendations", state.lang), show_header=False)
            for i, (zh, en) in enumerate(result.recommendations, 1):
                recs.add_row(str(i), zh if state.lang == "zh" else en)
            out.print(recs)
        out.print(t("demo.done", state.lang, html=result.html, xlsx=result.xlsx))

    run(as_json, action, show, lambda r: r.to_dict())


# each engine present adds its commands in ``qiankua.commands.<engine>.register(app)`` (they use the
# plumbing in :mod:`qiankua.commands.common`, never this module)
for _engine, _module in engine_modules("commands"):
    _module.register(app)
for _engine, _module in engine_modules("commands", ("scenario",)):  # saved scenarios: no engine of their own
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
