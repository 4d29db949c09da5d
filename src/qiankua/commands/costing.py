"""``qiankua quote``: one landed-cost quote or a batch file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.exceptions import InvalidInputError
from qiankua.i18n import t
from qiankua.services.requests import QUOTE_FIELDS
from qiankua.vocabulary import MODES, SERVICES, label

Mode = Enum("Mode", {x: x for x in MODES}, type=str)  # type: ignore[misc]
Service = Enum("Service", {x: x for x in SERVICES}, type=str)  # type: ignore[misc]
_MODE = Mode(QUOTE_FIELDS["mode"])
_SERVICE = Service(QUOTE_FIELDS["service"])


def _read(path: Path) -> Any:
    import polars as pl

    if not path.is_file():
        raise InvalidInputError(f"Batch file not found: {path}")
    if path.suffix.lower() == ".parquet":
        return pl.read_parquet(path)
    return pl.read_csv(
        path, infer_schema_length=10000, schema_overrides={"hs6": pl.String, "mode": pl.String, "date": pl.String}
    )


def _write(frame: Any, path: Path) -> None:
    if path.suffix.lower() == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)


def register(app: typer.Typer) -> None:
    @app.command("quote", help=_h("costing.quote.help"))
    def quote(
        product: Annotated[str | None, typer.Option("--product", help=_h("costing.opt.product"))] = None,
        hs: Annotated[str | None, typer.Option("--hs", help=_h("costing.opt.hs"))] = None,
        value: Annotated[float | None, typer.Option("--value", help=_h("costing.opt.value"))] = None,
        value_currency: Annotated[str, typer.Option("--value-currency", help=_h("costing.opt.value_currency"))] = (
            QUOTE_FIELDS["value_currency"]
        ),
        weight_kg: Annotated[float | None, typer.Option("--weight-kg", help=_h("costing.opt.weight"))] = None,
        dims: Annotated[str | None, typer.Option("--dims", help=_h("costing.opt.dims"))] = None,
        quantity: Annotated[int, typer.Option("--quantity", min=1, help=_h("costing.opt.quantity"))] = (
            QUOTE_FIELDS["quantity"]
        ),
        market: Annotated[str | None, typer.Option("--market", help=_h("costing.opt.market"))] = None,
        mode: Annotated[Mode, typer.Option("--mode", help=_h("costing.opt.mode"))] = _MODE,
        service: Annotated[Service, typer.Option("--service", help=_h("costing.opt.service"))] = _SERVICE,
        platform: Annotated[str, typer.Option("--platform", help=_h("costing.opt.platform"))] = QUOTE_FIELDS[
            "platform"
        ],
        price: Annotated[float | None, typer.Option("--price", help=_h("costing.opt.price"))] = None,
        target_margin: Annotated[float | None, typer.Option("--target-margin", help=_h("costing.opt.target"))] = None,
        date: Annotated[str | None, typer.Option("--date", help=_h("costing.opt.date"))] = None,
        fx_rate: Annotated[float | None, typer.Option("--fx-rate", help=_h("costing.opt.fx"))] = None,
        invoices: Annotated[
            bool | None, typer.Option("--invoices/--no-invoices", help=_h("costing.opt.invoices"))
        ] = None,
        sensitivity: Annotated[
            bool, typer.Option("--sensitivity/--no-sensitivity", help=_h("costing.opt.sensitivity"))
        ] = True,
        batch: Annotated[Path | None, typer.Option("--batch", help=_h("costing.opt.batch"))] = None,
        out_path: Annotated[Path | None, typer.Option("--out", help=_h("costing.opt.out"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services import costing as svc

        if batch is not None:

            def batch_action() -> dict[str, Any]:
                if out_path is None:
                    raise InvalidInputError("Expected `--out FILE` with `--batch`.")
                from qiankua.services.products import user_catalogue

                db = user_db()  # the user's products, rule rows and rates
                from qiankua.services.quoting import check_batch

                frame = _read(batch)
                check_batch(frame, batch.name)  # the same positive checks as a single quote
                ref = user_catalogue(db).ref
                # the rule ids of the result index the rules compiled for the user's database: name them from those
                result = svc.describe(svc.quote_table(frame, ref, db=db), svc.compiled_rules(ref, db))
                _write(result, out_path)
                return {"ok": True, "rows": result.height, "out": str(out_path)}

            run(
                as_json,
                batch_action,
                lambda r: out.print(t("costing.quote.batch_done", state.lang, n=r["rows"], out=r["out"])),
                lambda r: r,
            )
            return

        def action() -> dict[str, Any]:
            from qiankua.services.quoting import quote as quote_doc

            fields = {
                "market": market,
                "product_id": product,
                "hs6": hs,
                "declared_value": value,
                "value_currency": value_currency,
                "gross_kg": weight_kg,
                "dims": dims,
                "quantity": quantity,
                "mode": mode.value,
                "service": service.value,
                "platform": platform,
                "date": date,
                "price": price,
                "target_margin": target_margin,
                "fx_rate": fx_rate,
                "invoices": invoices,
                "sensitivity": sensitivity,
            }
            return quote_doc(fields, user_db())

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            from qiankua.services.quoting import rule_table_title

            lang = "zh" if state.lang == "zh" else "en"
            table = Table(
                t("costing.quote.line", lang),
                doc["currency"],
                "CNY",
                title=t("costing.quote.title", lang, currency=doc["currency"]),
            )
            for key, val in doc["per_unit"].items():
                cny = doc["per_unit_cny"].get(key)
                table.add_row(
                    _line_name(key, lang),
                    "" if val is None else f"{val:,.2f}" if key != "margin" else f"{val:.1%}",
                    "" if cny is None else f"{cny:,.2f}",
                )
            out.print(table)
            out.print(
                t(
                    "costing.quote.status",
                    lang,
                    status=label("quote_status", doc["status"], lang),
                    collector=t(f"costing.collector.{doc['vat_collected_by']}", lang)
                    if doc["vat_collected_by"]
                    else "-",
                    confidence=label("confidence", doc["confidence"], lang),
                )
            )
            if doc["reason"]:
                reason = doc.get("reason_zh") if lang == "zh" and doc.get("reason_zh") else doc["reason"]
                out.print(t("costing.quote.reason", lang, reason=reason))
            product = doc.get("product") or {}
            if product.get("replaces_builtin"):
                out.print(f"[yellow]{product['note_zh' if state.lang == 'zh' else 'note_en']}[/yellow]")
            fx = doc.get("fx") or {}
            if fx.get("cny_per_unit") is not None:
                out.print(
                    t(
                        "costing.quote.fx",
                        state.lang,
                        currency=fx["currency"],
                        rate=f"{fx['cny_per_unit']:.6g}",
                        source=t(f"costing.fx_source.{fx['source']}", state.lang),
                        as_of=fx["as_of"],
                        confidence=label("confidence", fx["confidence"], state.lang),
                    )
                )
            note = fx.get("note_zh" if state.lang == "zh" else "note_en")
            if note:
                out.print(f"[yellow]{note}[/yellow]")
            for item in doc.get("missing") or []:
                detail = item.get(f"detail_{lang}")
                sep = _colon(lang) if detail else ""
                out.print(f"[yellow]! {escape(item[lang])}{sep}{escape(detail or '')}[/yellow]")
            rng = doc.get("duty_range")
            if rng and rng.get("low") is not None:
                lines = ", ".join(f"{x['line']} {x['rate']:.1%}" for x in rng["lines"])
                out.print(
                    t(
                        "costing.duty_range",
                        state.lang,
                        lines=lines,
                        low=f"{rng['low']:,.2f}",
                        high=f"{rng['high']:,.2f}",
                        currency=rng["currency"],
                    )
                )
            for key in ("break_even_price", "target_price"):
                if doc.get(key) is not None:
                    out.print(f"{t(f'web.quote.{key}', lang)}{_colon(lang)}{doc[key]:,.2f} {doc['currency']}")
            _show_route(doc, lang)
            _show_requirements(doc, lang)
            rules = Table(
                t("web.quote.rule_table", lang),
                t("web.quote.rule_key", lang),
                t("web.col.source", lang),
                t("web.col.as_of", lang),
                t("web.col.confidence", lang),
                title=t("web.quote.rules", lang),
            )
            for r in doc["rules"]:
                rules.add_row(
                    rule_table_title(r["table"] or "", lang),
                    r["key"],
                    r["source_id"],
                    str(r["as_of"] or ""),
                    label("confidence", r["confidence"] or "unconfirmed", lang),
                )
            out.print(rules)

        run(as_json, action, show, lambda doc: doc)


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _line_name(key: str, lang: str) -> str:
    """A quote line's name in ``lang`` (the web page's names), the key itself when it has none."""
    name = t(f"web.quote.{key}" if key in ("margin", "price") else f"web.quote.line.{key}", lang)
    return key if name.startswith("web.quote.") else name


def _show_route(doc: dict[str, Any], lang: str) -> None:
    """The route the quote priced its logistics with (label, days, CO2e), or why there is none: the router
    excludes the chosen service for this product (each service and the router's reason), or no route was planned."""
    route = doc.get("route") or {}
    advice = doc.get("advice") or {}
    if route.get("feasible"):
        out.print(
            t(
                "costing.quote.route",
                lang,
                label=route.get(f"label_{lang}") or route.get("route_label") or "",
                days=f"{route['days']:.1f}" if route.get("days") is not None else "-",
                co2=f"{route['kg_co2e']:.2f}" if route.get("kg_co2e") is not None else "-",
                confidence=label("confidence", str(route.get("confidence") or "unconfirmed"), lang),
            )
        )
    elif not advice.get("shippable", True):
        service = label("service", str(advice.get("service") or ""), lang)
        out.print(f"[red]{t('costing.quote.excluded', lang, service=service)}[/red]")
        for item in route.get("excluded") or []:
            reason = escape(str(item[f"reason_{lang}"]))
            out.print(f"[red]  - {label('route_service', item['service'], lang)}{_colon(lang)}{reason}[/red]")
    else:
        out.print(t("costing.quote.route_fallback", lang))


def _show_requirements(doc: dict[str, Any], lang: str) -> None:
    """The market-entry requirements the opportunity ranking applies to this product and market, blockers first
    (as the quote document lists them), in the page's language; nothing for a bare HS quote (no product)."""
    from qiankua.services.quoting import requirement_text

    if not doc.get("product"):
        return
    reqs = doc.get("requirements") or []
    out.print(t("costing.quote.requirements", lang, n=len(reqs)))
    if (doc.get("advice") or {}).get("blocked"):
        out.print(f"[red]{t('costing.quote.blocked', lang)}[/red]")
    if not reqs:
        out.print(t("costing.quote.requirements_none", lang))
    for req in reqs:
        authority, text = requirement_text(req, lang)
        severity = escape(f"[{label('severity', req['severity'], lang)}]")
        if req["severity"] == "blocker":
            severity = f"[bold red]{severity}[/bold red]"
        out.print(
            f"  {severity} {escape(authority)} · {escape(text)}"
            + t("costing.quote.confidence", lang, confidence=label("confidence", req["confidence"], lang)),
            soft_wrap=True,
        )
        if req.get("url"):
            out.print(f"    {req['url']}", soft_wrap=True, highlight=False)
