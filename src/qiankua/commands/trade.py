"""``qiankua trade``: product space and economic complexity (``complexity``), and what a region could add
(``diversify``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.i18n import t

_SHOWN = 30  # rows printed without --json


def register(app: typer.Typer) -> None:
    trade_app = typer.Typer(help=_h("trade.help"), no_args_is_help=True)
    app.add_typer(trade_app, name="trade")

    @trade_app.command("complexity", help=_h("trade.complexity.help"))
    def complexity_cmd(
        file: Annotated[Path, typer.Argument(help=_h("trade.opt.file"))],
        location_col: Annotated[str, typer.Option("--location-col", help=_h("trade.opt.location_col"))] = "location",
        product_col: Annotated[str, typer.Option("--product-col", help=_h("trade.opt.product_col"))] = "product",
        year_col: Annotated[str, typer.Option("--year-col", help=_h("trade.opt.year_col"))] = "year",
        value_col: Annotated[str, typer.Option("--value-col", help=_h("trade.opt.value_col"))] = "export_value",
        rca_threshold: Annotated[float, typer.Option("--rca-threshold", help=_h("trade.opt.rca"))] = 1.0,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> dict[str, Any]:
            from qiankua.services.complexity import complexity_file

            return complexity_file(
                file,
                location_col=location_col,
                product_col=product_col,
                year_col=year_col or None,
                value_col=value_col,
                rca_threshold=rca_threshold,
            )

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            lang = state.lang
            for y in doc["years"]:
                out.print(
                    t(
                        "trade.complexity.year",
                        lang,
                        year=y["year"],
                        locations=y["locations"],
                        products=y["products"],
                        dropped=len(y["dropped_locations"]) + len(y["dropped_products"]),
                    )
                )
            # one line per location of the latest year: ECI, diversity, COI
            rows = doc["rows"]
            if not rows:
                return
            last = rows[-1]["year"]
            seen: dict[str, dict[str, Any]] = {}
            for r in rows:
                if r["year"] == last and r["location"] not in seen:
                    seen[r["location"]] = r
            table = Table(
                t("trade.col.location", lang),
                "ECI",
                t("trade.col.diversity", lang),
                "COI",
                title=t("trade.complexity.title", lang, year=last),
            )
            ranked = sorted(seen.values(), key=lambda r: -(r["eci"] if r["eci"] is not None else -1e9))
            for r in ranked[:_SHOWN]:
                table.add_row(r["location"], _num(r["eci"]), str(r["diversity"]), _num(r["coi"]))
            out.print(table)
            out.print(t("trade.complexity.more", lang, n=len(rows)))

        run(as_json, action, show, lambda doc: doc, status=f"{file.name} …")

    @trade_app.command("diversify", help=_h("trade.diversify.help"))
    def diversify_cmd(
        region: Annotated[str, typer.Option("--region", help=_h("trade.opt.region"))] = "Guizhou",
        year: Annotated[int | None, typer.Option("--year", help=_h("trade.opt.year"))] = None,
        top: Annotated[int, typer.Option("--top", help=_h("trade.opt.top"))] = 20,
        rca_threshold: Annotated[float, typer.Option("--rca-threshold", help=_h("trade.opt.rca"))] = 1.0,
        w_density: Annotated[float, typer.Option("--w-density", help=_h("trade.opt.weights"))] = 0.5,
        w_pci: Annotated[float, typer.Option("--w-pci", help=_h("trade.opt.weights"))] = 0.25,
        w_demand: Annotated[float, typer.Option("--w-demand", help=_h("trade.opt.weights"))] = 0.25,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> dict[str, Any]:
            from qiankua.services.complexity import diversify

            return diversify(
                user_db(),
                region=region,
                year=year,
                top=top,
                rca_threshold=rca_threshold,
                weights={"density": w_density, "pci": w_pci, "demand": w_demand},
            )

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            lang = state.lang
            cov = doc["coverage"]
            out.print(t(f"trade.coverage.{cov['status']}", lang, region=doc["region"], year=doc["year"]))
            if cov["status"] != "ok":
                return
            out.print(
                t(
                    "trade.coverage.summary",
                    lang,
                    regions=cov["regions_in_year"],
                    products=cov["products"],
                    year=doc["year"],
                    sources="; ".join(cov["sources"]) or "—",
                )
            )
            p = doc["region_profile"]
            out.print(
                t(
                    "trade.diversify.profile",
                    lang,
                    region=doc["region"],
                    eci=_num(p["eci"]),
                    diversity=p["diversity"],
                    candidates=doc["candidates"],
                )
            )
            table = Table(
                "#",
                t("trade.col.product", lang),
                t("trade.col.density", lang),
                "PCI",
                t("trade.col.demand", lang),
                t("trade.col.score", lang),
                title=t("trade.diversify.title", lang, region=doc["region"], year=doc["year"]),
            )
            for r in doc["rows"]:
                name = f"{r['product']} {r.get('product_name') or ''}".strip()
                table.add_row(
                    str(r["rank"]),
                    name,
                    _num(r["density"], 3),
                    _num(r["pci"]),
                    f"{r['demand_usd']:,.0f}",
                    _num(r["score"], 3),
                )
            out.print(table)
            out.print(t("trade.diversify.method", lang, **{k: f"{v:.2f}" for k, v in doc["weights"].items()}))

        run(as_json, action, show, lambda doc: doc)


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
