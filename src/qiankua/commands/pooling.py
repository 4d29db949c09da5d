"""``qiankua pool FILE``: plan a pooled shipment and split its cost."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state
from qiankua.i18n import t


class Method(StrEnum):
    shapley = "shapley"
    volume = "volume"
    standalone = "standalone"


class Fidelity(StrEnum):
    fast = "fast"
    full = "full"


def register(app: typer.Typer) -> None:

    @app.command("pool", help=_h("pooling.pool.help"))
    def pool(
        file: Annotated[Path | None, typer.Argument(help=_h("pooling.arg.file"))] = None,
        time_limit: Annotated[float, typer.Option("--time-limit", help=_h("pooling.opt.time_limit"))] = 5.0,
        max_iterations: Annotated[int, typer.Option("--max-iterations", help=_h("pooling.opt.max_iterations"))] = 2000,
        seed: Annotated[int, typer.Option("--seed", help=_h("pooling.opt.seed"))] = 0,
        method: Annotated[Method, typer.Option("--method", help=_h("pooling.opt.method"))] = Method.shapley,
        fidelity: Annotated[Fidelity, typer.Option("--fidelity", help=_h("pooling.opt.fidelity"))] = Fidelity.fast,
        vehicles: Annotated[Path | None, typer.Option("--vehicles", help=_h("pooling.opt.vehicles"))] = None,
        matrix: Annotated[Path | None, typer.Option("--matrix", help=_h("pooling.opt.matrix"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.reference import load_reference
            from qiankua.services.pooling import plan_file

            return plan_file(
                file,
                load_reference(),
                time_limit_s=time_limit,
                seed=seed,
                method=method.value,
                fidelity=fidelity.value,
                vehicles_file=vehicles,
                matrix_file=matrix,
                max_iterations=max_iterations,
                db=state.db,
            )

        def show(result: Any) -> None:
            from rich.table import Table

            lang = state.lang
            d = result.to_dict(placements=False)
            table = Table(
                "exporter", "standalone CNY", "share CNY", "saving CNY", "saving %", title=t("pooling.title", lang)
            )
            for e in d["exporters"]:
                table.add_row(
                    e["id"],
                    f"{e['standalone_cny']:,.2f}",
                    f"{e['share_cny']:,.2f}",
                    f"{e['saving_cny']:,.2f}",
                    f"{e['saving_pct']:.1f}",
                )
            out.print(table)
            loads = Table("destination", "group", "mode", "cost CNY", "load unit", "units", "lower bound", "confidence")
            for x in d["loads"]:
                loads.add_row(
                    x["destination"],
                    x["group"],
                    x["mode"],
                    f"{x['cost_cny']:,.2f}",
                    str(x["load_unit"] or ""),
                    str(x["units_used"]),
                    str(x["lower_bound_units"]),
                    x["confidence"],
                )
            out.print(loads)
            out.print(
                t(
                    "pooling.total",
                    lang,
                    standalone=f"{d['total_standalone_cny']:,.2f}",
                    pooled=f"{d['total_pooled_cny']:,.2f}",
                    saving=f"{d['total_saving_cny']:,.2f}",
                )
            )
            core = d["core"]
            if d["in_core"]:
                out.print(t("pooling.core.in", lang))
            else:
                out.print(
                    t(
                        "pooling.core.out",
                        lang,
                        who=", ".join(core["objecting_coalition"]),
                        amount=f"{core['objection_cny']:,.2f}",
                    )
                )
            out.print(t("pooling.confidence", lang, level=d["confidence"]))
            for note in d["notes"]:
                out.print(f"- {note}", markup=False)

        run(as_json, action, show, lambda r: r.to_dict(), status=f"{file.name if file else 'store'} …")
