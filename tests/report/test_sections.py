"""Engine sections of the report, built by qiankua.report from the demo's use-case results."""

import pytest

from qiankua.reference import load_reference
from qiankua.report import Section, Table
from qiankua.report.costing import costing_sections
from qiankua.report.routing import routing_sections
from qiankua.services.demo import (
    COSTING_MARKETS,
    ROUTING_MARKETS,
    DemoEngine,
    engine_sections,
    plan_routes,
    quote_catalogue,
)


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def test_routing_section_from_the_demo_plans(ref):
    """Three products to five markets: the recommended routes table covers every market."""
    (section,) = routing_sections(ref, plan_routes(ref))
    assert section.key == "routing" and section.tables[0].frame.height >= 10
    rec = section.tables[0].frame
    assert set(rec["market"].unique()) == set(ROUTING_MARKETS) == {"DE", "US", "VN", "SG", "GB"}
    assert rec["recommended"].all()


def test_costing_sections_from_the_catalogue_quotes(ref):
    """Margins pivot (product x market, cells like '31%' or 'n/a') then the coverage table."""
    demo = quote_catalogue(ref)
    margins, coverage = costing_sections(ref, demo)
    assert [margins.key, coverage.key] == ["costing", "coverage"]
    table = margins.tables[0].frame
    assert table.columns == ["product_id", "name_zh", *COSTING_MARKETS]
    assert table.height == ref.products.height
    cells = [c for m in COSTING_MARKETS for c in table[m].to_list()]
    assert all(c == "n/a" or c.rstrip("*").endswith("%") for c in cells)
    assert dict(margins.figures)["报价 quotes"] == str(ref.products.height * len(COSTING_MARKETS))
    assert coverage.tables[0].frame["market"].n_unique() == coverage.tables[0].frame.height


def test_engine_sections_run_each_engine_then_present_it(ref):
    """The demo runs each engine's use case and hands the result to its presenter, in order."""
    seen, steps = [], []

    def run(key):
        return lambda _ref, store: (key, store)

    def present(_ref, result):
        seen.append(result)
        import polars as pl

        return [Section(key=result[0], title_zh="", title_en="", tables=[Table(name=result[0], frame=pl.DataFrame())])]

    engines = (DemoEngine(key="a", run=run("a"), sections=present), DemoEngine(key="b", run=run("b"), sections=present))
    sections = engine_sections(ref, "the store", steps.append, engines)  # type: ignore[arg-type]
    assert [s.key for s in sections] == ["a", "b"]
    assert seen == [("a", "the store"), ("b", "the store")]
    assert steps == ["a.demo.step", "b.demo.step"]
