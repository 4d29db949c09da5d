"""What a ranking reads from an organisation's store (trade indicators, sales; issue 21, api_soak) is kept per
version of the tables it reads, so a repeated ranking does not open DuckDB; an import of trade data or sales
is seen by the next ranking, an import of another table keeps it, and the cached ranking is the uncached one.
Real DuckDB stores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest

from qiankua.reference import load_reference
from qiankua.schema import FREIGHT_QUOTES, USER_PRODUCTS
from qiankua.services import opportunity as svc
from qiankua.services.buildcache import BuildOnceCache
from qiankua.services.engines_view import rank_opportunities
from qiankua.store import Store, import_file, trade
from qiankua.store.importer import write_rows
from tests.opportunity.conftest import FLOWS

PRODUCTS = ["duyun-maojian-250g", "leishan-miao-silver-necklace"]
MARKETS = ["US", "GB"]
DAY = dt.date(2026, 10, 1)
BUILT_IN_LINES = set(load_reference().products["hs6"].drop_nulls().to_list())
SALES_CSV = (
    "order_id,order_date,product_id,market,channel,quantity,unit_price,currency\n"
    "A1,2026-09-01,duyun-maojian-250g,US,Amazon US,2,38.00,USD\n"
    "A2,2026-09-03,duyun-maojian-250g,US,Amazon US,1,45.00,USD\n"
)


@pytest.fixture
def visits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A fresh cache, and one entry per visit to the store (a DuckDB connection)."""
    monkeypatch.setattr(svc, "_store_reads", BuildOnceCache(maxsize=32))
    made: list[int] = []
    read = svc.read_store

    def counting(*args: Any, **kwargs: Any) -> svc.StoreReads:
        made.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(svc, "read_store", counting)
    return made


@pytest.fixture
def org(tmp_path: Path) -> Path:
    db = tmp_path / "org.duckdb"
    with Store(db) as store:
        trade.load_flows(store, FLOWS.drop(["source"]), source="baci", file="hand")
    return db


def _rank(db: Path, **kw: Any) -> svc.OpportunityResult:
    return svc.opportunities(db, products=PRODUCTS, markets=MARKETS, top=4, samples=20, on=DAY, **kw)


def _demand(result: svc.OpportunityResult) -> dict[str, float]:
    """The tea's import demand per market (HS 090210, in the trade flows)."""
    tea = result.ranking.table.filter(pl.col("product") == "duyun-maojian-250g")
    return dict(tea.select("market", "demand").iter_rows())


def test_a_repeated_ranking_does_not_open_the_store_and_an_import_is_seen_at_once(
    org: Path, visits: list[int], tmp_path: Path
) -> None:
    first = _rank(org)
    assert first.trade["year"] == 2023
    assert _rank(org).to_dict() == first.to_dict()
    assert len(visits) == 1

    # an import of a table the ranking does not read from the store keeps what was read
    with Store(org, short_writes=True) as store:
        row = {"quote_id": "q1", "provider": "x", "mode": "air", "origin": "CN-CAN", "destination": "DE",
               "currency": "CNY", "per_kg": 3.0, "valid_from": dt.date(2026, 1, 1)}  # fmt: skip
        write_rows(store, FREIGHT_QUOTES, FREIGHT_QUOTES.frame([row]), mode="append", file_name="q.csv", sha256="")
    _rank(org)
    assert len(visits) == 1

    # sales: the next ranking reads them (a typical retail price, so a margin for the tea in the US)
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES_CSV, encoding="utf-8")
    with Store(org, short_writes=True) as store:
        import_file(store, sales, "sales", load_reference())
    with_sales = _rank(org)
    assert len(visits) == 2
    tea_us = next(e for e in with_sales.entries if (e["product"], e["market"]) == ("duyun-maojian-250g", "US"))
    assert tea_us["margin"]["available"] and tea_us["margin"]["retail_price"] == pytest.approx(38.0)

    # new trade data: the next ranking's demand is the new one
    more = FLOWS.drop(["source"]).set_column(
        FLOWS.schema.get_field_index("value_usd") - 1, "value_usd", pa.array([300.0] * FLOWS.num_rows)
    )
    with Store(org) as store:
        trade.load_flows(store, more, source="baci", file="hand2")
    after = _rank(org)
    assert len(visits) == 3
    assert _demand(after)["US"] == 600.0 != _demand(first)["US"]

    # another selection of markets is another read
    svc.opportunities(org, products=PRODUCTS, markets=["US"], top=2, samples=20, on=DAY)
    assert len(visits) == 4


def _product(product_id: str, hs6: str) -> dict[str, Any]:
    return {"id": product_id, "name_en": product_id, "name_zh": "我的产品", "category": "tea", "hs6": hs6,
            "origin_adcode": "522701", "unit": "tin", "unit_value_cny": 120, "unit_gross_kg": 0.4}  # fmt: skip


def test_a_new_product_is_a_new_read_only_when_it_brings_a_new_hs_line(org: Path, visits: list[int]) -> None:
    def rank_all() -> svc.OpportunityResult:  # every product: the built-in ones and the user's
        return svc.opportunities(org, markets=MARKETS, top=3, samples=20, on=DAY)

    rank_all()
    for product in (_product("my-green-tea", "090210"), _product("my-tableware", "691200")):
        with Store(org, short_writes=True) as store:
            write_rows(store, USER_PRODUCTS, USER_PRODUCTS.frame([product]), mode="append", file_name="p.csv",
                       sha256="")  # fmt: skip
        result = rank_all()
        assert product["id"] in set(result.ranking.table["product"].to_list())
    # a tea line ranked already: the same read; a line no product had (691200) needs its own
    assert "691200" not in BUILT_IN_LINES and "090210" in BUILT_IN_LINES
    assert len(visits) == 2


def test_the_cached_ranking_is_the_uncached_ranking(org: Path, visits: list[int]) -> None:
    cached = [_rank(org).to_dict() for _ in range(2)]  # read, then from the cache
    with Store(org, read_only=True) as store:  # a store passed in is read on the spot, never cached
        uncached = _rank(org, store=store).to_dict()
    assert cached[0] == cached[1] == uncached
    assert len(visits) == 2
    # and through the view the CLI, the API and the web page call
    fields = {"products": PRODUCTS, "markets": MARKETS, "top": 4}
    assert rank_opportunities(fields, db=org) == rank_opportunities(fields, db=org)


def test_a_caller_changing_its_result_does_not_change_the_next_one(org: Path, visits: list[int]) -> None:
    first = _rank(org)
    first.trade["years"].append(1999)
    first.trade["year"] = 1999
    again = _rank(org)
    assert again.trade["years"] == [2022, 2023] and again.trade["year"] == 2023
    assert len(visits) == 1


def test_a_store_without_trade_data_or_sales_is_read_once_too(tmp_path: Path, visits: list[int]) -> None:
    db = tmp_path / "org.duckdb"
    Store(db).close()
    for _ in range(3):
        result = _rank(db)
    assert len(visits) == 1
    assert result.trade["engine"].startswith("none")
    assert svc._store_reads.maxsize <= 64  # keyed on store versions: bounded
