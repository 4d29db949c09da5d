"""``qiankua region evaluate|coupling|indicators``: the digital-vs-CBEC paradox measured for provinces and counties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.i18n import t


def register(app: typer.Typer) -> None:
    region_app = typer.Typer(help=_h("region.help"), no_args_is_help=True)
    app.add_typer(region_app, name="region")

    @region_app.command("evaluate", help=_h("region.evaluate.help"))
    def evaluate_cmd(
        level: Annotated[str, typer.Option("--level", help=_h("region.opt.level"))] = "province",
        years: Annotated[str | None, typer.Option("--years", help=_h("region.opt.years"))] = None,
        method: Annotated[str, typer.Option("--method", help=_h("region.opt.method"))] = "entropy",
        subsystem_weights: Annotated[
            str | None, typer.Option("--subsystem-weights", help=_h("region.opt.subsystem_weights"))
        ] = None,
        weights: Annotated[str | None, typer.Option("--weights", help=_h("region.opt.weights"))] = None,
        impute: Annotated[str, typer.Option("--impute", help=_h("region.opt.impute"))] = "none",
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.region import evaluate_region

            return evaluate_region(
                {
                    "level": level,
                    "years": years,
                    "method": method,
                    "subsystem_weights": subsystem_weights,
                    "weights": weights,
                    "impute": impute,
                },
                user_db(),
            )

        def show(doc: dict[str, Any]) -> None:
            from rich.table import Table

            lang = state.lang
            zh = lang == "zh"
            latest = doc["years"][1]
            table = Table(
                t("region.col.rank", lang),
                t("region.col.area", lang),
                t("region.col.digital", lang),
                t("region.col.cbec", lang),
                "C",
                t("region.col.c_traditional", lang),
                "D",
                t("region.col.band", lang),
                title=t("region.title", lang, year=latest),
            )
            rows = sorted(
                (r for r in doc["scores"] if r["year"] == latest and r["d"] is not None), key=lambda r: r["rank_d"]
            )
            for r in rows:
                mark = " ★" if r["area"] == doc["focus"] else ""
                table.add_row(
                    str(r["rank_d"]),
                    (r["name_zh"] if zh else r["name_en"]) + mark,
                    f"{r['u_digital']:.3f}",
                    f"{r['u_cbec']:.3f}",
                    f"{r['c']:.3f}",
                    f"{r['c_traditional']:.3f}",
                    f"{r['d']:.3f}",
                    r["band_zh"] if zh else r["band_en"],
                )
            out.print(table)
            if doc["gap"]:
                gap = Table(
                    t("region.col.reference", lang),
                    t("region.col.indicator", lang),
                    t("region.col.contribution", lang),
                    title=t("region.gap.title", lang),
                )
                for g in sorted(doc["gap"], key=lambda g: -abs(g["contribution"]))[:10]:
                    ref_name = (
                        f"{g['reference_zh'] if zh else g['reference_en']} ({g['area_zh'] if zh else g['area_en']})"
                    )
                    gap.add_row(ref_name, g["indicator_zh"] if zh else g["indicator_en"], f"{g['contribution']:+.4f}")
                out.print(gap)
            for f in doc["flags"]:
                out.print(f"⚠ {f['zh'] if zh else f['en']}", markup=False)
            out.print(doc["method_note"]["zh" if zh else "en"], markup=False)

        run(as_json, action, show, lambda doc: doc)

    @region_app.command("coupling", help=_h("region.coupling.help"))
    def coupling_cmd(
        u: Annotated[str, typer.Option("--u", help=_h("region.opt.u"))],
        weights: Annotated[str | None, typer.Option("--weights", help=_h("region.opt.ab"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.region import coupling

            return coupling({"u": u, "weights": weights})

        def show(doc: dict[str, Any]) -> None:
            lang = state.lang
            band = doc["band_zh"] if lang == "zh" else doc["band_en"]
            out.print(
                t(
                    "region.coupling.result",
                    lang,
                    c=f"{doc['c']:.4f}",
                    ct=f"{doc['c_traditional']:.4f}",
                    t=f"{doc['t']:.4f}",
                    d=f"{doc['d']:.4f}",
                    band=band,
                ),
                markup=False,
            )

        run(as_json, action, show, lambda doc: doc)

    @region_app.command("indicators", help=_h("region.indicators.help"))
    def indicators_cmd(as_json: JsonOpt = False) -> None:
        def action() -> Any:
            from qiankua.services.region import indicator_system

            return indicator_system().to_dicts()

        def show(doc: list[dict[str, Any]]) -> None:
            from rich.table import Table

            lang = state.lang
            table = Table(
                t("region.col.indicator", lang),
                t("region.col.subsystem", lang),
                t("region.col.direction", lang),
                t("region.col.unit", lang),
                title=t("region.indicators.title", lang),
            )
            for r in doc:
                table.add_row(
                    f"{r['indicator']} ({r['name_zh'] if lang == 'zh' else r['name_en']})",
                    t(f"region.subsystem.{r['subsystem']}", lang),
                    t("region.direction.benefit" if r["direction"] > 0 else "region.direction.cost", lang),
                    r["unit"],
                )
            out.print(table)

        run(as_json, action, show, lambda doc: doc)

    @region_app.command("coverage", help=_h("region.coverage.help"))
    def coverage_cmd(as_json: JsonOpt = False) -> None:
        def action() -> Any:
            from qiankua.services.region import panel_coverage

            return panel_coverage()

        def show(doc: list[dict[str, Any]]) -> None:
            from rich.table import Table

            lang = state.lang
            table = Table(
                t("region.col.indicator", lang),
                t("region.col.years", lang),
                t("region.col.areas", lang),
                t("region.col.cells", lang),
                title=t("region.coverage.title", lang),
            )
            for r in doc:
                years = f"{r['first_year']}-{r['last_year']}" if r["cells"] else "—"
                name = r["indicator_zh"] if lang == "zh" else r["indicator_en"]
                table.add_row(name, years, str(r["areas"]), str(r["cells"]))
            out.print(table)

        run(as_json, action, show, lambda doc: doc)

    @region_app.command("import-nbs", help=_h("region.import_nbs.help"))
    def import_nbs_cmd(
        indicator: Annotated[str, typer.Option("--indicator", help=_h("region.opt.indicator"))],
        file: Annotated[Path | None, typer.Option("--file", help=_h("region.opt.nbs_file"))] = None,
        nbs_code: Annotated[str | None, typer.Option("--nbs-code", help=_h("region.opt.nbs_code"))] = None,
        url: Annotated[str | None, typer.Option("--url", help=_h("region.opt.nbs_url"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        def action() -> Any:
            from qiankua.services.region import import_nbs

            return import_nbs(user_db(), indicator=indicator, file=file, zb_code=nbs_code, url=url)

        def show(doc: dict[str, Any]) -> None:
            out.print(
                t(
                    "region.import_nbs.ok",
                    state.lang,
                    rows=doc["rows"],
                    indicator=doc["indicator"],
                    areas=doc["areas"],
                    first=doc["years"][0],
                    last=doc["years"][1],
                ),
                markup=False,
            )

        run(as_json, action, show, lambda doc: doc)
