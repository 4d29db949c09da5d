"""``qiankua route``: Pareto routes (cost / time / CO2e) from a Guizhou county to a market."""

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from qiankua.i18n import default_lang, t


def _h(key: str) -> str:
    return t(key, default_lang())


def register(app: typer.Typer) -> None:
    from qiankua.cli import JsonOpt, out, run, state

    @app.command("route", help=_h("routing.route.help"))
    def route_cmd(
        origin: Annotated[str, typer.Option("--from", help=_h("routing.opt.from"))],
        market: Annotated[str, typer.Option("--to", help=_h("routing.opt.to"))],
        weight_kg: Annotated[float, typer.Option("--weight-kg", help=_h("routing.opt.weight"))],
        volume_m3: Annotated[Optional[float], typer.Option("--volume-m3", help=_h("routing.opt.volume"))] = None,
        pieces: Annotated[Optional[int], typer.Option("--pieces", help=_h("routing.opt.pieces"))] = None,
        product: Annotated[Optional[str], typer.Option("--product", help=_h("routing.opt.product"))] = None,
        b2b: Annotated[bool, typer.Option("--b2b", help=_h("routing.opt.b2b"))] = False,
        w_cost: Annotated[float, typer.Option("--w-cost", help=_h("routing.opt.weights"))] = 0.5,
        w_time: Annotated[float, typer.Option("--w-time", help=_h("routing.opt.weights"))] = 0.3,
        w_co2: Annotated[float, typer.Option("--w-co2", help=_h("routing.opt.weights"))] = 0.2,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.routing import Weights
            from qiankua.services.routing import route

            db: Optional[Path] = state.db
            if db is None:
                from qiankua.store.database import default_db_path

                db = default_db_path()
            return route(origin, market, weight_kg=weight_kg, volume_m3=volume_m3, pieces=pieces,
                         product_id=product, b2b=b2b, db=db if db.exists() else None,
                         weights=Weights(cost=w_cost, time=w_time, co2=w_co2))

        def show(result: Any) -> None:
            from rich.table import Table

            lang = state.lang
            table = Table("#", t("routing.col.route", lang), t("routing.col.mode", lang), "CNY",
                          t("routing.col.days", lang), "kg CO2e", t("routing.col.confidence", lang),
                          title=t("routing.title", lang, origin=result.origin, market=result.market,
                                  kg=f"{result.profile.weight_kg:g}"))
            for i, r in enumerate(result.routes, start=1):
                mark = " ★" if r.recommended else ""
                table.add_row(f"{i}{mark}", r.label, r.main_mode, f"{r.cost_cny:,.2f}", f"{r.days:.1f}",
                              f"{r.kg_co2e:,.1f}", r.confidence.value)
            out.print(table)
            if not result.routes:
                out.print(t("routing.none", lang))
            rec = result.recommended
            if rec is not None:
                out.print(t("routing.recommended", lang))
                for leg in rec.legs:
                    out.print(f"  {leg.from_node} → {leg.to_node}  {leg.mode}/{leg.service}  "
                              f"{leg.distance_km:,.0f} km  {leg.cost_cny:,.2f} CNY  {leg.hours:.0f} h  "
                              f"({leg.confidence.value})", markup=False)
            if result.excluded:
                ex = Table(t("routing.col.service", lang), t("routing.col.reason", lang), title=t("routing.excluded", lang))
                for e in result.excluded:
                    ex.add_row(e.service, e.reason_zh if lang == "zh" else e.reason_en)
                out.print(ex)
            out.print(t("routing.estimates", lang))

        run(as_json, action, show, lambda r: r.to_dict())
