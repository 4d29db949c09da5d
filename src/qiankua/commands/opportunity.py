"""``qiankua opportunities`` and ``qiankua data fetch baci|comtrade``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from qiankua.commands.common import JsonOpt, _h, out, run, state, user_db
from qiankua.i18n import t
from qiankua.services.requests import OPPORTUNITY_FIELDS
from qiankua.vocabulary import OPPORTUNITY_WEIGHTINGS, TRADE_BACKENDS, label

Engine = Enum("Engine", {x: x for x in TRADE_BACKENDS}, type=str)  # type: ignore[misc]
_ENGINE = Engine(OPPORTUNITY_FIELDS["engine"])
Weighting = Enum("Weighting", {x: x for x in OPPORTUNITY_WEIGHTINGS}, type=str)  # type: ignore[misc]
_WEIGHTING = Weighting(OPPORTUNITY_FIELDS["weighting"])


def _data_app(app: typer.Typer) -> typer.Typer:
    """The ``qiankua data`` group (the fetch commands join it)."""
    group = next((g.typer_instance for g in app.registered_groups if g.name == "data"), None)
    if group is None:
        group = typer.Typer(no_args_is_help=True)
        app.add_typer(group, name="data")
    return group


def register(app: typer.Typer) -> None:
    from rich.table import Table as RichTable

    data_app = _data_app(app)

    @app.command("opportunities", help=_h("opportunity.help"))
    def opportunities_cmd(
        product: Annotated[
            list[str] | None, typer.Option("--product", "-p", help=_h("opportunity.opt.product"))
        ] = None,
        market: Annotated[list[str] | None, typer.Option("--market", "-m", help=_h("opportunity.opt.market"))] = None,
        weights: Annotated[str | None, typer.Option("--weights", "-w", help=_h("opportunity.opt.weights"))] = None,
        top: Annotated[int, typer.Option("--top", "-n", help=_h("opportunity.opt.top"))] = OPPORTUNITY_FIELDS["top"],
        engine: Annotated[Engine, typer.Option("--engine", help=_h("opportunity.opt.engine"))] = _ENGINE,
        met: Annotated[list[str] | None, typer.Option("--met", help=_h("opportunity.opt.met"))] = None,
        seed: Annotated[int, typer.Option("--seed", help=_h("opportunity.opt.seed"))] = OPPORTUNITY_FIELDS["seed"],
        samples: Annotated[int, typer.Option("--samples", min=10, max=2000, help=_h("opportunity.opt.samples"))] = (
            OPPORTUNITY_FIELDS["samples"]
        ),
        weighting: Annotated[Weighting, typer.Option("--weighting", help=_h("opportunity.opt.weighting"))] = _WEIGHTING,
        weight_cap: Annotated[
            float, typer.Option("--weight-cap", min=0.01, max=1.0, help=_h("opportunity.opt.weight_cap"))
        ] = OPPORTUNITY_FIELDS["weight_cap"],
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services.engines_view import rank_opportunities

        def show(doc: dict[str, Any]) -> None:
            lang = state.lang
            head = doc.get("headline") or {}
            potential = RichTable(
                "HS",
                "market",
                "potential USD",
                "realised USD",
                "unrealised USD",
                "demand",
                "products",
                title=t("opportunity.headline.title", lang),
            )
            for line in head.get("lines", []):
                potential.add_row(
                    line["line"],
                    line["market"],
                    f"{line['potential_usd']:,.0f}",
                    "" if line["realised_usd"] is None else f"{line['realised_usd']:,.0f}",
                    "" if line["unrealised_usd"] is None else f"{line['unrealised_usd']:,.0f}",
                    "proxy" if line["demand_proxy"] else "cited",
                    ", ".join(line["products"]),
                )
            if head.get("lines"):
                out.print(potential)
            else:
                out.print(t("opportunity.headline.none", lang))
            for miss in head.get("not_estimated", []):
                why = t(f"opportunity.headline.why.{miss['reason']}", lang)
                out.print(
                    t(
                        "opportunity.headline.not_estimated",
                        lang,
                        hs6=miss["hs6"],
                        products=", ".join(miss["products"]),
                        why=why,
                    )
                )
            from qiankua.services.products import user_catalogue

            ref = user_catalogue(user_db()).ref
            name = "name_zh" if lang == "zh" else "name_en"
            products = dict(zip(ref.products["id"].to_list(), ref.products[name].to_list(), strict=True))
            markets = dict(zip(ref.markets["iso2"].to_list(), ref.markets[name].to_list(), strict=True))
            table = RichTable(
                "#",
                t("opportunity.col.product", lang),
                t("opportunity.col.market", lang),
                t("opportunity.col.score", lang),
                t("opportunity.col.potential", lang),
                t("opportunity.col.margin", lang),
                t("opportunity.col.feasible", lang),
                t("opportunity.col.stability", lang),
                t("opportunity.col.reasons", lang),
                title=t("opportunity.title", lang),
            )
            sep = "；" if lang == "zh" else "; "
            for e in doc["ranking"]:
                pot = "" if e["potential_usd"] is None else f"{e['potential_usd']:,.0f}"
                margin = e.get("margin") or {}
                mtxt = f"{margin['value'] * 100:.0f}%" if margin.get("available") else t("opportunity.col.n_a", lang)
                table.add_row(
                    str(e["rank"]),
                    products.get(e["product"]) or e["product"],
                    f"{markets.get(e['market']) or e['market']} {e['market']}",
                    f"{e['score']:.3f}",
                    pot,
                    mtxt,
                    "✓" if e["feasible"] else "✗",
                    f"{e['stability']:.2f}",
                    sep.join(r["text"] for r in e["reasons"]),
                )
            out.print(table)
            out.print(
                t(
                    "opportunity.weights_line",
                    lang,
                    weighting=label("weighting", doc["weighting"], lang),
                    cap=f"{doc['weight_cap']:.2f}",
                    weights=("，" if lang == "zh" else ", ").join(
                        f"{t(f'opportunity.crit.{k}', lang)} {v:.3f}" for k, v in doc["weights"].items()
                    ),
                )
            )
            for note in doc["notes"]:
                out.print(note)

        fields = {
            "products": product,
            "markets": market,
            "weights": weights,
            "top": top,
            "lang": state.lang,
            "engine": engine.value,
            "met": met,
            "seed": seed,
            "samples": samples,
            "weighting": weighting.value,
            "weight_cap": weight_cap,
        }
        run(as_json, lambda: rank_opportunities(fields, user_db()), show, lambda doc: doc)

    fetch_app = typer.Typer(help=_h("opportunity.fetch.help"), no_args_is_help=True)
    if not any(g.name == "fetch" for g in data_app.registered_groups):
        data_app.add_typer(fetch_app, name="fetch")

    def _loaded(r: dict[str, Any]) -> None:
        out.print(t("opportunity.fetch.ok", state.lang, rows=r["rows"], source=r["source"], years=r["years"]))

    @fetch_app.command("baci", help=_h("opportunity.fetch.baci.help"))
    def fetch_baci_cmd(
        year: Annotated[int, typer.Option("--year", help="year / 年份")],
        revision: Annotated[str, typer.Option("--revision", help=_h("opportunity.opt.revision"))] = "HS22",
        release: Annotated[str, typer.Option("--release", help=_h("opportunity.opt.release"))] = "V202501",
        file: Annotated[Path | None, typer.Option("--file", help=_h("opportunity.fetch.file"))] = None,
        url: Annotated[str | None, typer.Option("--url", help=_h("opportunity.opt.url"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services.trade_data import fetch_baci

        run(
            as_json,
            lambda: fetch_baci(state.db, year=year, revision=revision, release=release, file=file, url=url),
            _loaded,
            lambda r: r,
            status="BACI …",
        )

    @fetch_app.command("comtrade", help=_h("opportunity.fetch.comtrade.help"))
    def fetch_comtrade_cmd(
        hs: Annotated[str, typer.Option("--hs", help=_h("opportunity.opt.hs_prefix"))],
        year: Annotated[int, typer.Option("--year", help="year / 年份")],
        file: Annotated[Path | None, typer.Option("--file", help=_h("opportunity.fetch.file"))] = None,
        as_json: JsonOpt = False,
    ) -> None:
        from qiankua.services.trade_data import fetch_comtrade

        run(
            as_json,
            lambda: fetch_comtrade(state.db, hs=hs, year=year, file=file),
            _loaded,
            lambda r: r,
            status="UN Comtrade …",
        )
