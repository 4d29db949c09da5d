"""``qiankua quote``: one landed-cost quote or a batch file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

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
                result = svc.describe(svc.quote_table(_read(batch), user_catalogue(db).ref, db=db))
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

            table = Table(
                "line", doc["currency"], "CNY", title=t("costing.quote.title", state.lang, currency=doc["currency"])
            )
            for key, val in doc["per_unit"].items():
                cny = doc["per_unit_cny"].get(key)
                table.add_row(
                    key,
                    "" if val is None else f"{val:,.2f}" if key != "margin" else f"{val:.1%}",
                    "" if cny is None else f"{cny:,.2f}",
                )
            out.print(table)
            out.print(
                f"status={doc['status']} vat_collected_by={doc['vat_collected_by']} confidence={doc['confidence']}"
                f" flags={','.join(doc['flags']) or '-'}"
            )
            if doc["reason"]:
                out.print(f"reason: {doc['reason']}")
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
                out.print(f"[yellow]! {item[state.lang if state.lang in ('zh', 'en') else 'en']}[/yellow]")
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
                    out.print(f"{key}={doc[key]:,.2f} {doc['currency']}")
            rules = Table("table", "key", "source_id", "as_of", "confidence", title="rules")
            for r in doc["rules"]:
                rules.add_row(r["table"], r["key"], r["source_id"], str(r["as_of"] or ""), r["confidence"])
            out.print(rules)

        run(as_json, action, show, lambda doc: doc)
