"""The built-in reference data: counts, typed records, lookups."""

import polars as pl
import pytest

from qiankua.domain import Confidence, Market, Product
from qiankua.exceptions import UnknownReferenceError
from qiankua.reference import load_reference


def test_counts_meet_the_spine_contract(ref):
    assert ref.products.height >= 30
    assert ref.markets.height >= 40
    levels = dict(ref.divisions.group_by("level").len().iter_rows())
    assert levels == {"province": 1, "prefecture": 9, "county": 88}


def test_loading_is_cached(ref):
    assert load_reference() is ref


def test_records_are_typed(ref):
    products = ref.all_products()
    assert all(isinstance(p, Product) for p in products)
    assert all(isinstance(m, Market) for m in ref.all_markets())
    assert {p.unit_value.currency for p in products} == {"CNY"}
    assert all(p.origin_adcode in ref.county_adcodes for p in products)


def test_catalogue_covers_the_guizhou_staples(ref):
    cats = set(ref.products["category"])
    assert {"baijiu", "tea", "condiment", "fruit_fresh", "silver_jewellery", "textile_craft", "instrument"} <= cats
    assert ref.products.filter(pl.col("ich_level") == "national").height >= 3
    assert ref.products.filter(pl.col("gi_name").is_not_null()).height >= 3


def test_alcohol_and_fresh_flags_are_consistent(ref):
    for p in ref.all_products():
        if p.category == "baijiu":
            assert p.is_alcohol and p.liquid
        if p.category == "fruit_fresh":
            assert p.fresh and p.shelf_life_days


def test_lookups_suggest_close_matches(ref):
    pid = ref.products["id"][0]
    assert ref.product(pid).id == pid
    with pytest.raises(UnknownReferenceError, match="Did you mean"):
        ref.product(pid[:-1])
    assert ref.market("de").currency == "EUR"
    assert ref.division("520123").name_zh == "修文县"
    with pytest.raises(UnknownReferenceError):
        ref.division("999999")


def test_market_agreements_parse(ref):
    assert ref.market("VN").has_agreement("RCEP")
    assert ref.market("AU").has_agreement("ChAFTA")
    assert not ref.market("US").fta


def test_sources_of_a_row_include_the_table_wide_row(ref):
    row = ref.products.row(0, named=True)
    sources = ref.sources("products", row["source_id"])
    assert "*" in sources["row_key"].to_list()
    assert set(row["source_id"].split(";")) <= set(sources["source_id"])


def test_unconfirmed_figures_are_visible(ref):
    """Estimates are flagged, never silently presented as facts."""
    flagged = ref.products.filter(pl.col("value_confidence") == Confidence.UNCONFIRMED.value)
    assert flagged.height > 0
    assert all(n for n in flagged["notes"].to_list())
