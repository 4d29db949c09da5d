"""``qiankua warehouse plan|policy|newsvendor|forecast``: overseas warehouse or parcel, and the calculators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.i18n import t


def _table(title: str, rows: list[tuple[str, Any]]) -> None:
    from rich.table import Table

    lang = state.lang
    table = Table(t("warehouse.col.item", lang), t("warehouse.col.value", lang), title=title)
    for key, value in rows:
        if value is None:
            continue
        shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
        table.add_row(t(f"warehouse.r.{key}", lang), shown)
    out.print(table)


def register(app: typer.Typer) -> None:
    wh = typer.Typer(help=_h("warehouse.help"), no_args_is_help=True)
    app.add_typer(wh, name="warehouse")

    @wh.command("policy", help=_h("warehouse.policy.help"))
    def policy_cmd(
        mean_demand: Annotated[float, typer.Option("--mean-demand", help=_h("warehouse.opt.mean_demand"))],
        sd_demand: Annotated[float, typer.Option("--sd-demand", help=_h("warehouse.opt.sd_demand"))],
        lead_time: Annotated[float, typer.Option("--lead-time", help=_h("warehouse.opt.lead_time"))],
        lead_time_sd: Annotated[float, typer.Option("--lead-time-sd", help=_h("warehouse.opt.lead_time_sd"))] = 0.0,
        service_level: Annotated[float, typer.Option("--service-level", help=_h("warehouse.opt.service_level"))] = 0.95,
        fill_rate: Annotated[bool, typer.Option("--fill-rate", help=_h("warehouse.opt.fill_rate"))] = False,
        holding_cost: Annotated[
            float | None, typer.Option("--holding-cost", help=_h("warehouse.opt.holding_cost"))
        ] = None,
        order_cost: Annotated[float | None, typer.Option("--order-cost", help=_h("warehouse.opt.order_cost"))] = None,
        order_qty: Annotated[float | None, typer.Option("--order-qty", help=_h("warehouse.opt.order_qty"))] = None,
        periods_per_year: Annotated[
            float, typer.Option("--periods-per-year", help=_h("warehouse.opt.periods_per_year"))
        ] = 365.0,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.warehouse import policy_calc

            return policy_calc(
                {
                    "mean_demand": mean_demand,
                    "sd_demand": sd_demand,
                    "lead_time": lead_time,
                    "lead_time_sd": lead_time_sd,
                    "service_level": service_level,
                    "fill_rate": fill_rate,
                    "holding_cost": holding_cost,
                    "order_cost": order_cost,
                    "order_qty": order_qty,
                    "periods_per_year": periods_per_year,
                }
            )

        def show(doc: dict[str, Any]) -> None:
            r = doc["result"]
            keys = ("sigma_lead_time", "z", "safety_stock", "reorder_point", "eoq", "order_qty", "order_up_to")
            _table(t("warehouse.policy.title", state.lang), [(k, r[k]) for k in (*keys, "review_period")])

        run(as_json, action, show, lambda doc: doc)

    @wh.command("newsvendor", help=_h("warehouse.newsvendor.help"))
    def newsvendor_cmd(
        mean: Annotated[float, typer.Option("--mean", help=_h("warehouse.opt.mean"))],
        sd: Annotated[float, typer.Option("--sd", help=_h("warehouse.opt.sd"))],
        unit_holding: Annotated[float, typer.Option("--unit-holding", help=_h("warehouse.opt.unit_holding"))],
        unit_shortage: Annotated[float, typer.Option("--unit-shortage", help=_h("warehouse.opt.unit_shortage"))],
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.warehouse import newsvendor_calc

            return newsvendor_calc(
                {"mean": mean, "sd": sd, "unit_holding": unit_holding, "unit_shortage": unit_shortage}
            )

        def show(doc: dict[str, Any]) -> None:
            r = doc["result"]
            keys = ("critical_ratio", "z", "order_qty", "expected_leftover", "expected_shortage", "expected_cost")
            _table(t("warehouse.newsvendor.title", state.lang), [(k, r[k]) for k in keys])

        run(as_json, action, show, lambda doc: doc)

    @wh.command("forecast", help=_h("warehouse.forecast.help"))
    def forecast_cmd(
        series: Annotated[str, typer.Option("--series", help=_h("warehouse.opt.series"))],
        method: Annotated[str, typer.Option("--method", help=_h("warehouse.opt.method"))] = "auto",
        h: Annotated[int, typer.Option("--h", help=_h("warehouse.opt.h"))] = 6,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.warehouse import forecast_calc

            return forecast_calc({"series": series, "method": method, "h": h})

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            lang = state.lang
            r = doc["result"]
            klass = t(f"warehouse.class.{r['demand_class']}", lang)
            table = Table(
                t("warehouse.r.step", lang),
                t("warehouse.r.point", lang),
                "80%",
                "95%",
                title=t("warehouse.forecast.title", lang, klass=klass, method=r["method"]),
            )
            for i, p in enumerate(r["point"]):
                table.add_row(
                    str(i + 1),
                    f"{p:,.2f}",
                    f"{r['lower']['80'][i]:,.1f} – {r['upper']['80'][i]:,.1f}",
                    f"{r['lower']['95'][i]:,.1f} – {r['upper']['95'][i]:,.1f}",
                )
            out.print(table)
            out.print(f"ADI {r['adi']:.2f}  CV² {r['cv2']:.2f}", markup=False)
            if r["fallback"]:
                out.print(f"{t('warehouse.r.fallback', lang)} {r['fallback']} → mean", markup=False)
            if r["mase"] is not None:
                naive = "" if r["naive_mase"] is None else f"{r['naive_mase']:.3f}"
                bias = "" if r["bias"] is None else f"{r['bias']:+.1%}"
                out.print(
                    f"{t('warehouse.r.mase', lang)}: {r['mase']:.3f} / {naive}  {t('warehouse.r.bias', lang)}: {bias}",
                    markup=False,
                )

        run(as_json, action, show, lambda doc: doc)

    @wh.command("plan", help=_h("warehouse.plan.help"))
    def plan_cmd(
        sku: Annotated[str | None, typer.Option("--sku", help=_h("warehouse.opt.sku"))] = None,
        market: Annotated[str | None, typer.Option("--market", help=_h("warehouse.opt.market"))] = None,
        service_level: Annotated[float, typer.Option("--service-level", help=_h("warehouse.opt.service_level"))] = 0.95,
        discount_rate: Annotated[float, typer.Option("--discount-rate", help=_h("warehouse.opt.discount"))] = 0.10,
        sales: Annotated[Path | None, typer.Option("--sales", help=_h("warehouse.opt.sales"))] = None,
        date: Annotated[str | None, typer.Option("--date", help=_h("costing.opt.date"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.warehouse import plan

            return plan(
                {
                    "sku": sku,
                    "market": market,
                    "service_level": service_level,
                    "discount_rate": discount_rate,
                    "sales_file": None if sales is None else str(sales),
                    "date": date,
                },
                user_db(),
            )

        def show(doc: dict[str, Any]) -> None:
            from qiankua.report.warehouse import print_plan

            print_plan(doc, state.lang, out)

        run(as_json, action, show, lambda doc: doc, status=t("warehouse.demo.step", state.lang))
