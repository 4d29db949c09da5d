"""The opportunity service and CLI: JSON shape, weights, adapters, exit codes, demo section."""

import json

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from qiankua.commands.opportunity import register
from qiankua.reference import load_reference
from qiankua.report import Section
from qiankua.services import opportunity as svc
from qiankua.store import Store, trade
from tests.opportunity.conftest import FLOWS


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(scope="module")
def cli():
    app = typer.Typer()
    register(app)

    @app.callback()
    def _cb() -> None:
        pass

    return app


def test_cli_json_shape(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(
        cli,
        [
            "opportunities",
            "--top",
            "5",
            "--json",
            "--market",
            "US",
            "--market",
            "DE",
            "--market",
            "JP",
            "--product",
            "duyun-maojian-250g",
            "--product",
            "leishan-miao-silver-necklace",
            "--product",
            "moutai-feitian-53-500ml",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"weights", "ranking"}
    assert sum(doc["weights"].values()) == pytest.approx(1.0)
    assert len(doc["ranking"]) == 5
    for e in doc["ranking"]:
        assert set(e) >= {
            "product",
            "market",
            "score",
            "potential_usd",
            "reasons",
            "requirements",
            "feasible",
            "stability",
        }
        assert 0 <= e["score"] <= 1 and 0 <= e["stability"] <= 1
        assert isinstance(e["reasons"], list) and isinstance(e["requirements"], list)
        for r in e["reasons"]:
            assert r["text_zh"] and r["text_en"]
    # routing and costing are wired in: route and tariff criteria come from them; a margin needs a
    # typical retail price (no sales imported, no cited figure), so it is unavailable and says so
    assert "margin" in doc["unavailable"] and "route_cost" not in doc["unavailable"]
    assert doc["indicator_status"]["route_cost"] == "ok (routing)"
    assert doc["indicator_status"]["tariff"] == "ok (costing)"
    assert doc["indicator_status"]["margin"].startswith("unavailable: no typical retail price")
    for e in doc["ranking"]:
        assert e["margin"]["available"] is False and e["margin"]["value"] is None
        assert "no typical retail price" in e["margin"]["flag"]
    assert not list(tmp_path.iterdir())  # ranking with defaults writes nothing


@pytest.mark.parametrize(
    "args",
    [
        ["--market", "XX"],
        ["--product", "nope"],
        ["--weights", "demand=abc"],
        ["--weights", "colour=1"],
        ["--top", "0"],
        ["--engine", "hadoop"],
    ],
)
def test_cli_bad_input_exits_2(cli, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["opportunities", "--json", *args])
    assert res.exit_code == 2, res.output


def test_user_weights_override_and_culture_ranks_products_only(ref):
    """Issue 16: culture is the same for every market of a product, so it cannot choose the market; a user
    weight on it applies to the product view, and weighting culture alone leaves no market criterion."""
    from qiankua.exceptions import InvalidInputError

    base = svc.opportunities(ref=ref, top=5, samples=20)
    assert base.ranking.weight_source["culture"] == "product-level" and base.ranking.weights["culture"] == 0.0
    assert max(base.ranking.weights.values()) <= 0.30 + 1e-12
    assert base.ranking.weighting == "blend"
    with pytest.raises(InvalidInputError, match="culture: the same for every market of a product"):
        svc.opportunities(
            ref=ref,
            top=5,
            samples=20,
            weights="demand=0,china_share=0,ecommerce_rank=0,compliance=0,tariff=0,route_cost=0,route_days=0,culture=1",
        )
    only = svc.opportunities(ref=ref, top=5, samples=20, weights="demand=1,culture=1", weight_cap=1.0)
    assert only.ranking.weight_source["demand"] == "user" and only.product_weights == {"culture": 1.0}
    top = only.products.head(5)
    assert top["culture"].min() == 1.0
    doc = only.to_dict()
    assert doc["product_view"][0]["rank"] == 1 and doc["product_level"] == ["culture"]


def test_headline_is_export_potential_in_usd(ref):
    """The headline: potential per HS line x market, measured demand first, realised and unrealised beside it;
    lines without a supply share are listed with the reason, never shown as zero."""
    res = svc.opportunities(ref=ref, top=10, samples=20)
    doc = res.to_dict()["headline"]
    lines = doc["lines"]
    assert lines and doc["pairs_estimated"] > 0
    assert all(not line["demand_proxy"] for line in lines[:5])
    potentials = [line["potential_usd"] for line in lines if not line["demand_proxy"]]
    assert potentials == sorted(potentials, reverse=True)
    us = next(line for line in lines if line["market"] == "US")
    # tea 0902: China's cited world exports / world imports x US imports; China's Jan-Sep exports to the US
    assert us["line"] == "0902" and us["realised_usd"] == 43_400_000
    assert us["potential_usd"] == pytest.approx(1_420_000_000 / 7_330_000_000 * 578_600_000, abs=1)
    assert us["unrealised_usd"] == pytest.approx(us["potential_usd"] - 43_400_000, abs=1)
    assert "duyun-maojian-250g" in us["products"]
    missing = {m["hs6"]: m for m in doc["not_estimated"]}
    assert missing["220890"]["reason"] == "supply" and "moutai-feitian-53-500ml" in missing["220890"]["products"]


def test_weighting_a_criterion_without_trade_data_says_so(ref):
    """Without trade data, a weight on growth is refused with the reason (never silently dropped)."""
    from qiankua.exceptions import InvalidInputError

    with pytest.raises(InvalidInputError) as err:
        svc.opportunities(
            ref=ref, products=["duyun-maojian-250g"], markets=["US", "DE"], weights="culture=0.3,growth=0.2", top=2
        )
    assert "growth: needs trade data" in str(err.value)
    assert "Usable criteria:" in str(err.value) and "culture" in str(err.value)


def test_readme_weights_example_runs(ref):
    """The README's `--weights culture=0.3,tariff=0.2`: both weights are the user's, each in its view."""
    res = svc.opportunities(ref=ref, weights="culture=0.3,tariff=0.2", top=3, samples=20)
    assert res.ranking.weight_source["tariff"] == "user"
    # culture is product-level (issue 16): the user's weight ranks products, not markets
    assert res.ranking.weight_source["culture"] == "product-level" and res.product_weights == {"culture": 1.0}


def test_extra_columns_enter_the_ranking(ref):
    pairs = pl.DataFrame(
        {
            "product": ["duyun-maojian-250g", "duyun-maojian-250g"],
            "market": ["US", "DE"],
            "margin_pct": [0.31, 0.05],
            "route_days": [12.0, 30.0],
        }
    )
    res = svc.opportunities(
        ref=ref, products=["duyun-maojian-250g"], markets=["US", "DE"], extra=pairs, top=2, samples=20
    )
    assert "margin" in res.ranking.weights and "route_days" in res.ranking.weights
    assert res.indicator_status["margin"] == "ok (user)"


def test_trade_data_drive_indicators(ref, tmp_path):
    with Store(tmp_path / "db.duckdb") as store:
        trade.load_flows(store, FLOWS.drop(["source"]), source="baci", file="hand")
        res = svc.opportunities(
            ref=ref, store=store, products=["duyun-maojian-250g"], markets=["US", "GB"], top=2, samples=20
        )
    table = res.ranking.table.sort("market")
    assert table["demand"].to_list() == [10.0, 50.0]  # GB, US imports of 090210 in 2023
    assert table["rca"].to_list() == pytest.approx([(40 / 50) / (65 / 105)] * 2)
    assert res.trade["year"] == 2023 and res.indicator_status["rca"].startswith("trade data 2023")
    us = next(e for e in res.entries if e["market"] == "US")
    assert us["potential_usd"] is not None and "EPI" in us["potential_basis"]


def test_demo_section(ref, tmp_path):
    """The demo's opportunity run, presented by report.opportunity: heatmap and a 20-row top table."""
    from qiankua.report.opportunity import heatmap_svg, opportunity_sections
    from qiankua.services.demo import rank_opportunities

    with Store(tmp_path / "db.duckdb") as store:
        sections = opportunity_sections(ref, rank_opportunities(ref, store))
    assert len(sections) == 1 and isinstance(sections[0], Section)
    names = [t.name for t in sections[0].tables]
    assert "opportunity_heatmap" in names and "opportunity_top20" in names
    top = next(t for t in sections[0].tables if t.name == "opportunity_top20").frame
    assert top.height == 20 and top["reasons"].str.len_chars().min() > 0
    svg = heatmap_svg(svc.opportunities(ref=ref, top=3, samples=10).ranking.table, ["duyun-maojian-250g"], ["US"])
    assert svg.startswith("<svg") and "<rect" in svg


def test_a_failing_criterion_is_reported_not_swallowed(ref, monkeypatch):
    """A qiankua error in routing leaves route criteria unavailable with the reason; a bug still raises."""
    from qiankua.exceptions import DatasetNotFoundError

    def missing(_ref, _pairs):
        raise DatasetNotFoundError("route_links.csv not found")

    monkeypatch.setattr(svc, "pair_routes", missing)
    res = svc.opportunities(ref=ref, products=["duyun-maojian-250g"], markets=["US", "DE"], top=2, samples=10)
    assert res.indicator_status["route_cost"] == "routing failed: DatasetNotFoundError: route_links.csv not found"
    assert "route_cost" in res.ranking.unavailable

    def broken(_ref, _pairs):
        raise TypeError("a bug")

    monkeypatch.setattr(svc, "pair_routes", broken)
    with pytest.raises(TypeError, match="a bug"):
        svc.opportunities(ref=ref, products=["duyun-maojian-250g"], markets=["US"], top=1, samples=10)


def test_data_fetch_baci_from_a_local_file(tmp_path):
    from qiankua.cli import app
    from tests.opportunity.test_trade_loader import BACI_2023, COUNTRIES, _zip

    path = _zip(tmp_path, {"BACI_HS22_Y2023_V202501.csv": BACI_2023, "country_codes_V202501.csv": COUNTRIES})
    db = tmp_path / "q.duckdb"
    res = CliRunner().invoke(
        app, ["--db", str(db), "data", "fetch", "baci", "--year", "2023", "--file", str(path), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["rows"] == 5
    res = CliRunner().invoke(
        app,
        [
            "--db",
            str(db),
            "opportunities",
            "--product",
            "duyun-maojian-250g",
            "--market",
            "US",
            "--market",
            "GB",
            "--top",
            "2",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["trade_data"]["year"] == 2023 and "rca" in doc["weights"]
    bad = CliRunner().invoke(
        app, ["--db", str(db), "data", "fetch", "comtrade", "--hs", "09x", "--year", "2023", "--json"]
    )
    assert bad.exit_code == 2


SALES_CSV = (
    "order_id,order_date,product_id,market,channel,quantity,unit_price,currency\n"
    "A1,2026-09-01,duyun-maojian-250g,US,Amazon US,2,38.00,USD\n"
    "A2,2026-09-03,duyun-maojian-250g,US,Amazon US,1,45.00,USD\n"
    "A3,2026-09-09,duyun-maojian-250g,US,own shop,1,40.00,USD\n"
    "A4,2026-09-02,leishan-miao-silver-necklace,US,AliExpress,1,120.00,USD\n"
)


def test_margin_at_typical_retail_from_imported_sales(ref, tmp_path):
    from qiankua.services.costing import quote_many
    from qiankua.store import import_file

    path = tmp_path / "sales.csv"
    path.write_text(SALES_CSV, encoding="utf-8")
    day = __import__("datetime").date(2026, 10, 1)
    products = ["duyun-maojian-250g", "leishan-miao-silver-necklace"]
    with Store(tmp_path / "db.duckdb") as store:
        import_file(store, path, "sales", ref)
        res = svc.opportunities(
            ref=ref, store=store, products=products, markets=["US", "DE"], top=4, samples=20, on=day
        )
    assert res.indicator_status["margin"] == "ok (costing at typical retail price; 2 of 4 pairs)"
    assert "margin" in res.ranking.criteria
    by_pair = {(e["product"], e["market"]): e for e in res.entries}
    tea = by_pair[("duyun-maojian-250g", "US")]["margin"]
    # quantity-weighted median of 38, 38, 45, 40 is 38 USD; best-selling channel Amazon
    assert tea["available"] and tea["retail_price"] == 38.0 and tea["currency"] == "USD"
    assert tea["basis"].startswith("your sales: 3 order lines, 4 units")
    expect = quote_many(
        [
            {
                "product_id": "duyun-maojian-250g",
                "market": "US",
                "mode": "9610",
                "service": "postal",
                "platform": "amazon",
                "date": "2026-10-01",
                "price": 38.0,
            }
        ],
        ref,
    )[0].row["margin"]
    assert tea["value"] == pytest.approx(expect, abs=1e-4)
    silver = by_pair[("leishan-miao-silver-necklace", "US")]["margin"]
    assert silver["available"] and silver["retail_price"] == 120.0
    # DE has no sales and no cited price: flagged unavailable, never counted as a zero margin
    for product in products:
        entry = by_pair[(product, "DE")]
        assert entry["margin"]["available"] is False and entry["margin"]["value"] is None
        assert entry["margin"]["flag"] == entry["margin"]["flag_en"] == svc.NO_PRICE and entry["margin"]["flag_zh"]
        assert (
            any(r["direction"] == "missing" and "margin" in r["criterion"] for r in entry["reasons"])
            or res.ranking.weights["margin"] < 0.05
        )
    table = res.ranking.table
    assert table.filter(pl.col("market") == "DE")["margin"].null_count() == 2
    # a margin reason reads "margin 31.0% at typical retail" when it counts for or against a pair
    texts = [r["text_en"] for e in res.entries for r in e["reasons"] if r["criterion"] == "margin"]
    assert all("at typical retail" in x for x in texts)


def test_the_ranking_does_not_hold_the_store_while_it_computes(ref, tmp_path, monkeypatch):
    """Issue 21 soak: the user's store is read (trade indicators, sales) and released before the margins,
    routes and ranking are computed, so an import waiting to write does not wait for the whole ranking."""
    db = tmp_path / "db.duckdb"
    with Store(db) as store:
        trade.load_flows(store, FLOWS.drop(["source"]), source="baci", file="hand")
    took: list[float] = []
    routes = svc.pair_routes

    def routes_while_writing(*args, **kwargs):  # type: ignore[no-untyped-def]
        import time

        started = time.monotonic()
        with Store(db, lock_timeout=2):  # a writer: needs the file alone (StoreBusyError if a reader has it)
            took.append(time.monotonic() - started)
        return routes(*args, **kwargs)

    monkeypatch.setattr(svc, "pair_routes", routes_while_writing)
    res = svc.opportunities(db, products=["duyun-maojian-250g"], markets=["US", "GB"], top=2, samples=20)
    assert took and took[0] < 1.0
    assert res.trade["year"] == 2023  # the trade data were read all the same


def test_route_criteria_are_cached_per_shipment_and_give_the_same_answer(ref, monkeypatch):
    """Issue 21 soak: a repeated ranking does not plan its routes again (the cache answers exactly what the
    router answered); a product shipped alike (same flags, carton, value and origin under another id) shares
    the entries, a product that ships differently does not; the cache is bounded."""
    import dataclasses

    from qiankua.services.routing import pair_routes

    base = ref.product("duyun-maojian-250g")
    twin = dataclasses.replace(base, id="my-own-tea", name_en="My tea")
    fresh = dataclasses.replace(base, id="my-fresh-tea", fresh=True, max_transit_days=10)
    products = {p.id: p for p in (base, twin, fresh, ref.product("moutai-feitian-53-500ml"))}

    class Ref:  # what pair_routes reads of a catalogue
        def product(self, product_id: str):  # type: ignore[no-untyped-def]
            return products[product_id]

    def pairs(ids: list[str], markets: list[str]) -> pl.DataFrame:
        rows = [(p, m, products[p].hs6) for p in ids for m in markets]
        return pl.DataFrame(rows, schema=["product", "market", "hs6"], orient="row")

    def rows(frame: pl.DataFrame) -> list[tuple]:
        return sorted(frame.select("product", "market", "route_cost_cny_per_kg", "route_days", "confidence").rows())

    cache = svc._RouteCache(maxsize=100)
    one = pairs(["duyun-maojian-250g", "moutai-feitian-53-500ml"], ["US", "DE", "JP"])
    first = cache(Ref(), one)
    assert (cache.hits, cache.misses) == (0, 6)
    assert rows(first) == rows(pair_routes(Ref(), one)) and first.height == 6
    assert rows(cache(Ref(), one)) == rows(first) and (cache.hits, cache.misses) == (6, 6)
    # the twin ships exactly like duyun-maojian: answered from the cache, under its own id
    twin_rows = rows(cache(Ref(), pairs(["my-own-tea"], ["US", "DE"])))
    assert (cache.hits, cache.misses) == (8, 6)
    assert twin_rows == rows(pair_routes(Ref(), pairs(["my-own-tea"], ["US", "DE"])))
    assert [r[0] for r in twin_rows] == ["my-own-tea"] * 2
    # a fresh product is planned (its own key), and gets what the router gives it
    fresh_pairs = pairs(["my-fresh-tea"], ["US", "DE"])
    assert rows(cache(Ref(), fresh_pairs)) == rows(pair_routes(Ref(), fresh_pairs))
    assert cache.misses == 8
    # bounded: the least recently used entries go
    small = svc._RouteCache(maxsize=2)
    small(Ref(), one)
    assert len(small._rows) == 2
    # a swapped router is never answered from the cache (its own key), and its errors are not stored
    calls: list[int] = []

    def counting(ref_, frame):  # type: ignore[no-untyped-def]
        calls.append(frame.height)
        return pair_routes(ref_, frame)

    monkeypatch.setattr(svc, "pair_routes", counting)
    cache(Ref(), one)
    cache(Ref(), one)
    assert calls == [6]


def test_a_repeated_ranking_is_the_same_ranking(ref):
    """The cached routes change nothing: the same request, cold and warm, gives the same document."""
    svc.cached_pair_routes.clear()
    cold = svc.opportunities(ref=ref, markets=["DE", "US"], top=5, samples=20).to_dict()
    assert svc.cached_pair_routes.misses > 0 and svc.cached_pair_routes.hits == 0
    warm = svc.opportunities(ref=ref, markets=["DE", "US"], top=5, samples=20).to_dict()
    assert svc.cached_pair_routes.hits == svc.cached_pair_routes.misses
    assert warm == cold
