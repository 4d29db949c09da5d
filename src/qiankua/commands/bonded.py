"""``qiankua bonded check|tax|quota|returns|list-import``: 1210 bonded retail import checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.i18n import t


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=_h("bonded.help"), no_args_is_help=True)
    app.add_typer(group, name="bonded")

    @group.command("check", help=_h("bonded.check.help"))
    def check_cmd(
        orders: Annotated[Path, typer.Argument(help=_h("bonded.opt.orders"))],
        payments: Annotated[Path | None, typer.Option("--payments", help=_h("bonded.opt.payments"))] = None,
        waybills: Annotated[Path | None, typer.Option("--waybills", help=_h("bonded.opt.waybills"))] = None,
        out_file: Annotated[Path | None, typer.Option("--out", help=_h("bonded.opt.out"))] = None,
        duty_rate: Annotated[float | None, typer.Option("--duty-rate", help=_h("bonded.opt.duty"))] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help=_h("bonded.opt.dry_run"))] = False,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services import bonded

        def action() -> dict[str, Any]:
            result = bonded.check_files(orders, payments, waybills, user_db(), commit=not dry_run, duty_rate=duty_rate)
            if out_file is not None:
                frame = result["orders"]
                if out_file.suffix.lower() == ".xlsx":
                    from openpyxl import Workbook

                    wb = Workbook(write_only=True)
                    for title, part in (("orders", frame), ("declaration", bonded.declaration_table(frame))):
                        ws = wb.create_sheet(title)
                        ws.append(part.columns)
                        for row in part.iter_rows():
                            ws.append(list(row))
                    wb.save(out_file)
                else:
                    frame.write_csv(out_file)
            return bonded.document(result)

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            s, lang = doc["summary"], state.lang
            table = Table(
                "order_id", t("bonded.col.status", lang), t("bonded.col.reason", lang), "CNY", t("bonded.col.tax", lang)
            )
            for r in doc["orders"][:50]:
                tax = "" if r["total_tax"] is None else f"{r['total_tax']:,.2f}"
                table.add_row(r["order_id"], r["status"], r["reason"], f"{r['dutiable_value']:,.2f}", tax)
            out.print(table)
            out.print(
                t(
                    "bonded.summary",
                    lang,
                    orders=s["orders"],
                    accepted=s["accepted"],
                    rejected=s["rejected"],
                    already=s["already_decided"],
                    value=f"{s['declared_value_cny']:,.2f}",
                    tax=f"{s['tax_cny']:,.2f}",
                )
            )
            from qiankua.report.bonded import coverage_lines

            for line in coverage_lines(doc["positive_list"], lang):
                out.print(line, markup=False)

        run(as_json, action, show, lambda doc: doc)

    @group.command("tax", help=_h("bonded.tax.help"))
    def tax_cmd(
        value: Annotated[float, typer.Option("--value", help=_h("bonded.opt.value"))],
        hs: Annotated[str | None, typer.Option("--hs", help=_h("bonded.opt.hs"))] = None,
        vat_rate: Annotated[float | None, typer.Option("--vat-rate", help=_h("bonded.opt.vat"))] = None,
        ct_rate: Annotated[float | None, typer.Option("--ct-rate", help=_h("bonded.opt.ct"))] = None,
        duty_rate: Annotated[float | None, typer.Option("--duty-rate", help=_h("bonded.opt.duty"))] = None,
        items: Annotated[int, typer.Option("--items", help=_h("bonded.opt.items"))] = 1,
        annual_used: Annotated[float, typer.Option("--annual-used", help=_h("bonded.opt.used"))] = 0.0,
        date: Annotated[str | None, typer.Option("--date", help=_h("bonded.opt.date"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services import bonded

        def action() -> dict[str, Any]:
            return bonded.tax(
                {
                    "value": value,
                    "hs": hs,
                    "vat_rate": vat_rate,
                    "ct_rate": ct_rate,
                    "duty_rate": duty_rate,
                    "items": items,
                    "annual_used": annual_used,
                    "date": date,
                }
            )

        def show(doc: dict[str, Any]) -> None:
            from qiankua.report.bonded import reason_name

            def f(x: float | None) -> str:
                return "—" if x is None else f"{x:,.2f}"

            out.print(
                t(
                    "bonded.tax.line",
                    state.lang,
                    duty=f(doc["duty"]),
                    vat=f(doc["vat"]),
                    ct=f(doc["consumption_tax"]),
                    total=f(doc["total_tax"]),
                    channel=t(f"bonded.channel.{doc['channel']}", state.lang),
                    reason=reason_name(doc["reason"], state.lang),
                )
            )

        run(as_json, action, show, lambda doc: doc)

    @group.command("quota", help=_h("bonded.quota.help"))
    def quota_cmd(
        buyer: Annotated[str, typer.Option("--buyer", help=_h("bonded.opt.buyer"))],
        year: Annotated[int | None, typer.Option("--year", help=_h("bonded.opt.year"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services import bonded

        def show(doc: dict[str, Any]) -> None:
            out.print(
                t(
                    "bonded.quota.line",
                    state.lang,
                    buyer=doc["buyer"],
                    year=doc["year"],
                    limit=f"{doc['annual_limit']:,.2f}",
                    used=f"{doc['used']:,.2f}",
                    left=f"{doc['left']:,.2f}",
                )
            )

        run(as_json, lambda: bonded.quota(buyer, user_db(), year), show, lambda doc: doc)

    @group.command("returns", help=_h("bonded.returns.help"))
    def returns_cmd(
        file: Annotated[Path, typer.Argument(help=_h("bonded.returns.help"))], as_json: JsonOpt = False
    ) -> None:
        from qiankua.services import bonded

        run(
            as_json,
            lambda: bonded.restore_file(file, user_db()),
            lambda doc: out.print(t("bonded.returns.line", state.lang, n=doc["restored"])),
            lambda doc: doc,
        )

    @group.command("list-import", help=_h("bonded.list_import.help"))
    def list_import_cmd(
        file: Annotated[Path, typer.Argument(help=_h("bonded.opt.list_file"))],
        edition: Annotated[str | None, typer.Option("--edition", help=_h("bonded.opt.edition"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services import bonded

        def show(doc: dict[str, Any]) -> None:
            from qiankua.report.bonded import coverage_lines

            lang = state.lang
            out.print(
                t(
                    "bonded.list_import.done",
                    lang,
                    rows=f"{doc['rows_written']:,}",
                    editions=", ".join(doc["editions"]),
                    replaced=f"{doc['rows_replaced']:,}",
                ),
                markup=False,
            )
            for line in coverage_lines(doc["positive_list"], lang):
                out.print(line, markup=False)

        run(as_json, lambda: bonded.import_positive_list(file, user_db(), edition=edition), show, lambda doc: doc)

    @group.command("template", help=_h("bonded.template.help"))
    def template_cmd(
        kind: Annotated[str, typer.Argument(help=_h("bonded.opt.kind"))],
        lang: Annotated[str, typer.Option("--lang", help=_h("bonded.opt.lang"))] = "zh",
        fmt: Annotated[str, typer.Option("--format", help=_h("bonded.opt.format"))] = "csv",
        out_file: Annotated[Path | None, typer.Option("--out", help=_h("bonded.opt.out_template"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services import bonded

        def action() -> dict[str, Any]:
            name, content = bonded.template(kind, lang, fmt)
            path = out_file or Path(name)
            path.write_bytes(content)
            return {"ok": True, "kind": kind, "lang": lang, "format": fmt, "file": str(path)}

        run(as_json, action, lambda doc: out.print(doc["file"]), lambda doc: doc)
