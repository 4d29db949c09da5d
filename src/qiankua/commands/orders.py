"""``qiankua orders …``: platform order exports in, SKU mappings, true margin per order, 9610 documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.exceptions import InvalidInputError
from qiankua.i18n import t


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"{option}: expected YYYY-MM-DD, not {value!r}") from None


def _money(v: Any) -> str:
    return "" if v is None else f"{v:,.2f}"


def _pct(v: Any) -> str:
    return "" if v is None else f"{v * 100:.1f}%"


def register(app: typer.Typer) -> None:
    orders_app = typer.Typer(help=_h("orders.help"), no_args_is_help=True)
    app.add_typer(orders_app, name="orders")

    @orders_app.command("import", help=_h("orders.import.help"))
    def import_cmd(
        files: Annotated[list[Path], typer.Argument(help=_h("orders.arg.files"))],
        # plain text, checked by the service: the export layouts are the orders engine's, not a shared vocabulary
        platform: Annotated[str, typer.Option("--platform", help=_h("orders.opt.platform"))] = "auto",
        column_map: Annotated[Path | None, typer.Option("--map", help=_h("orders.opt.map"))] = None,
        currency: Annotated[str | None, typer.Option("--currency", help=_h("orders.opt.currency"))] = None,
        tz: Annotated[str, typer.Option("--tz", help=_h("orders.opt.tz"))] = "UTC",
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.orders import import_orders, load_column_map

            spec = load_column_map(column_map) if column_map is not None else None
            return import_orders(
                list(files),
                user_db(),
                platform=platform.strip().lower(),
                column_map=spec,
                currency=currency.upper() if currency else None,
                tz=tz,
            )

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            lang = state.lang
            table = Table(
                t("orders.col.file", lang),
                t("orders.col.layout", lang),
                t("orders.col.basis", lang),
                t("orders.col.lines", lang),
            )
            for f in doc["files"]:
                table.add_row(
                    f["file"],
                    f["layout_zh"] if lang == "zh" else f["layout_en"],
                    t(f"orders.basis.{f['basis']}", lang),
                    str(f["lines"]),
                )
            out.print(table)
            out.print(
                t("orders.import.ok", lang, **{k: doc[k] for k in ("new", "updated", "duplicates", "sales_rows")})
            )
            if doc["unmapped"]:
                um = Table(
                    "platform",
                    "SKU",
                    t("orders.col.title", lang),
                    t("orders.col.lines", lang),
                    t("orders.col.suggest", lang),
                    title=t("orders.unmapped", lang, n=doc["unmapped_lines"]),
                )
                for u in doc["unmapped"][:50]:
                    sug = ", ".join(f"{s['product_id']} ({s['score']:.0f})" for s in u["suggestions"])
                    um.add_row(u["platform"], u["sku"] or "", (u["title"] or "")[:40], str(u["lines"]), sug)
                out.print(um)
                out.print(t("orders.map.hint", lang))

        run(as_json, action, show, lambda doc: doc)

    @orders_app.command("map", help=_h("orders.map.help"))
    def map_cmd(
        platform: Annotated[str, typer.Argument(help=_h("orders.arg.platform"))],
        key: Annotated[str, typer.Argument(help=_h("orders.arg.key"))],
        product: Annotated[str, typer.Argument(help=_h("orders.arg.product"))],
        kind: Annotated[str, typer.Option("--kind", help=_h("orders.opt.kind"))] = "sku",
        quoted_price: Annotated[
            float | None, typer.Option("--quoted-price", help=_h("orders.opt.quoted_price"))
        ] = None,
        quoted_currency: Annotated[
            str | None, typer.Option("--quoted-currency", help=_h("orders.opt.quoted_currency"))
        ] = None,
        quoted_on: Annotated[str | None, typer.Option("--quoted-on", help=_h("orders.opt.quoted_on"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.orders import confirm_mappings

            item = {
                "platform": platform,
                "key_kind": kind,
                "key": key,
                "product_id": product,
                "quoted_price": quoted_price,
                "quoted_currency": quoted_currency,
                "quoted_on": quoted_on,
            }
            return confirm_mappings(user_db(), [item])

        def show(doc: dict[str, Any]) -> None:
            out.print(t("orders.map.ok", state.lang, **doc))

        run(as_json, action, show, lambda doc: doc)

    @orders_app.command("margin", help=_h("orders.margin.help"))
    def margin_cmd(
        start: Annotated[str | None, typer.Option("--from", help=_h("orders.opt.from"))] = None,
        end: Annotated[str | None, typer.Option("--to", help=_h("orders.opt.to"))] = None,
        quoted_on: Annotated[str | None, typer.Option("--quoted-on", help=_h("orders.opt.quoted_on_all"))] = None,
        mode: Annotated[str, typer.Option("--mode", help=_h("orders.opt.mode"))] = "9610",
        service: Annotated[str, typer.Option("--service", help=_h("orders.opt.service"))] = "postal",
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.orders import order_margins

            s, e = _date(start, "--from"), _date(end, "--to")
            if s is not None and e is not None and s > e:
                raise InvalidInputError(f"--from {s} is after --to {e}")
            return order_margins(
                user_db(),
                start=s,
                end=e,
                quoted_on=_date(quoted_on, "--quoted-on"),
                mode=mode,
                service=service,
            )

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            lang = state.lang
            if not doc["lines"]:
                out.print(t("orders.none", lang))
                return
            tot = doc["totals"]
            table = Table(
                t("orders.col.order", lang),
                "SKU",
                t("orders.col.product", lang),
                t("orders.col.market", lang),
                t("orders.col.status", lang),
                t("orders.col.revenue", lang),
                t("orders.col.profit", lang),
                t("orders.col.margin", lang),
                t("orders.col.quoted", lang),
                t("orders.col.low_value", lang),
                t("orders.col.logistics", lang),
                title=t("orders.margin.title", lang, **tot),
            )
            for r in doc["lines"][:100]:
                style = "red" if (r["profit_cny"] or 0) < 0 else None
                table.add_row(
                    f"{r['platform']}:{r['order_id']}",
                    r["sku"] or "",
                    r["product_id"] or "—",
                    r["ship_country"] or "",
                    t(f"orders.mstatus.{r['margin_status']}", lang),
                    _money(r["revenue_cny"]),
                    _money(r["profit_cny"]),
                    _pct(r["margin"]),
                    _pct(r["quoted_margin"]),
                    t(f"orders.duty_basis.{r['duty_basis']}", lang) if r.get("duty_basis") else "",
                    t("orders.logistics.invoiced" if r.get("logistics_invoiced_cny") is not None else
                      "orders.logistics.estimated", lang) if r["profit_cny"] is not None else "",
                    style=style,
                )  # fmt: skip
            out.print(table)
            inv = doc.get("invoices")
            if inv:
                out.print(t("orders.invoices.summary", lang, **inv))
                for u in inv["unmatched"][:20]:
                    out.print(
                        f"  {u['carrier']} {u['waybill_or_order']} {u['amount']} {u['currency']}: "
                        + t(f"orders.invoice.{u['invoice_status']}", lang),
                        markup=False,
                    )
            else:
                out.print(t("orders.invoices.hint", lang), markup=False)
            out.print(t("orders.margin.note", lang))

        run(as_json, action, show, lambda doc: doc)

    @orders_app.command("declare", help=_h("orders.declare.help"))
    def declare_cmd(
        start: Annotated[str, typer.Option("--from", help=_h("orders.opt.from"))],
        end: Annotated[str, typer.Option("--to", help=_h("orders.opt.to"))],
        out_dir: Annotated[Path, typer.Option("--out", help=_h("orders.opt.out"))],
        config: Annotated[Path | None, typer.Option("--config", help=_h("orders.opt.config"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.orders import declare, load_column_map

            cfg = load_column_map(config) if config is not None else None
            s, e = _date(start, "--from"), _date(end, "--to")
            assert s is not None and e is not None
            return declare(user_db(), start=s, end=e, out_dir=out_dir, config=cfg)

        def show(doc: dict[str, Any]) -> None:
            lang = state.lang
            out.print(t("orders.declare.ok", lang, orders=doc["orders"], lines=doc["lines"]))
            for kind, path in doc["files"].items():
                out.print(f"  {kind}: {path}", markup=False)
            for ccy, tot in doc["totals"].items():
                out.print(
                    t(
                        "orders.declare.totals",
                        lang,
                        ccy=ccy,
                        orders=_money(tot["orders"]),
                        declared=_money(tot["declared"]),
                    )
                )
            if doc["missing"]:
                out.print(t("orders.declare.missing", lang, fields=", ".join(sorted(doc["missing"]))))
            if doc["skipped"]:
                out.print(t("orders.declare.skipped", lang, n=len(doc["skipped"])))
            out.print(doc["note_zh"] if lang == "zh" else doc["note_en"])

        run(as_json, action, show, lambda doc: doc)
