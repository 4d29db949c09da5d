"""``qiankua route``: Pareto routes (cost / time / CO2e) from a Guizhou county to a market."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.i18n import t
from qiankua.services.requests import ROUTE_FIELDS


def register(app: typer.Typer) -> None:
    @app.command("route", help=_h("routing.route.help"))
    def route_cmd(
        origin: Annotated[str, typer.Option("--from", help=_h("routing.opt.from"))],
        market: Annotated[str, typer.Option("--to", help=_h("routing.opt.to"))],
        weight_kg: Annotated[float, typer.Option("--weight-kg", help=_h("routing.opt.weight"))],
        volume_m3: Annotated[float | None, typer.Option("--volume-m3", help=_h("routing.opt.volume"))] = None,
        pieces: Annotated[int | None, typer.Option("--pieces", help=_h("routing.opt.pieces"))] = None,
        product: Annotated[str | None, typer.Option("--product", help=_h("routing.opt.product"))] = None,
        b2b: Annotated[bool, typer.Option("--b2b", help=_h("routing.opt.b2b"))] = False,
        date: Annotated[str | None, typer.Option("--date", help=_h("costing.opt.date"))] = None,
        w_cost: Annotated[float, typer.Option("--w-cost", help=_h("routing.opt.weights"))] = ROUTE_FIELDS[
            "weight_cost"
        ],
        w_time: Annotated[float, typer.Option("--w-time", help=_h("routing.opt.weights"))] = ROUTE_FIELDS[
            "weight_time"
        ],
        w_co2: Annotated[float, typer.Option("--w-co2", help=_h("routing.opt.weights"))] = ROUTE_FIELDS["weight_co2"],
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.routes_view import plan_routes

            return plan_routes(
                {
                    "origin": origin,
                    "market": market,
                    "weight_kg": weight_kg,
                    "volume_m3": volume_m3,
                    "pieces": pieces,
                    "product_id": product,
                    "b2b": b2b,
                    "date": date,
                    "weight_cost": w_cost,
                    "weight_time": w_time,
                    "weight_co2": w_co2,
                },
                user_db(),
            )

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            from qiankua.services.routes_view import localise_label, node_name
            from qiankua.vocabulary import ROUTE_SERVICES, label

            lang = state.lang

            def mode(value: str) -> str:  # a route's main mode is a service (sea_lcl); a leg's a mode (sea)
                return label("route_service" if value in ROUTE_SERVICES else "leg_mode", value, lang)

            table = Table(
                "#",
                t("routing.col.route", lang),
                t("routing.col.mode", lang),
                "CNY",
                t("routing.col.days", lang),
                "kg CO2e",
                t("routing.col.confidence", lang),
                title=t(
                    "routing.title",
                    lang,
                    origin=node_name(doc["origin"], lang),
                    market=node_name(f"DLV-{doc['market']}", lang),
                    kg=f"{doc['profile']['weight_kg']:g}",
                ),
            )
            for i, r in enumerate(doc["routes"], start=1):
                mark = " ★" if r["recommended"] else ""
                table.add_row(
                    f"{i}{mark}",
                    localise_label(r["label"], lang),
                    mode(r["main_mode"]),
                    f"{r['cost_cny']:,.2f}",
                    f"{r['days']:.1f}",
                    f"{r['kg_co2e']:,.1f}",
                    label("confidence", r["confidence"], lang),
                )
            out.print(table)
            if not doc["routes"]:
                out.print(t("routing.none", lang))
            rec = next((r for r in doc["routes"] if r["recommended"]), None)
            if rec is not None:
                out.print(t("routing.recommended", lang))
                for leg in rec["legs"]:
                    service = label("route_service", leg["service"], lang)
                    how = service if mode(leg["mode"]) == service else f"{mode(leg['mode'])}/{service}"
                    out.print(
                        f"  {node_name(leg['from'], lang)} → {node_name(leg['to'], lang)}  {how}  "
                        f"{leg['distance_km']:,.0f} km  {leg['cost_cny']:,.2f} CNY  {leg['hours']:.0f} h  "
                        f"({label('confidence', leg['confidence'], lang)})",
                        markup=False,
                    )
            if doc["excluded"]:
                ex = Table(
                    t("routing.col.service", lang), t("routing.col.reason", lang), title=t("routing.excluded", lang)
                )
                for e in doc["excluded"]:
                    ex.add_row(
                        label("route_service", e["service"], lang), e["reason_zh"] if lang == "zh" else e["reason"]
                    )
                out.print(ex)
            out.print(t("routing.estimates", lang))

        run(as_json, action, show, lambda doc: doc)
