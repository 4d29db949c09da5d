"""Caches of a long-running server (issue 21): the user's freight quotes read once per version of their
table (seen at once after an import), and every cache keyed on a store version or a user value bounded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qiankua.schema import FREIGHT_QUOTES, PRODUCTS
from qiankua.services import costing, products, routing
from qiankua.store import Store
from qiankua.store.database import bump_versions, table_version
from qiankua.store.importer import write_rows


def _quote(quote_id: str, per_kg: float = 3.0) -> dict[str, object]:
    return {
        "quote_id": quote_id,
        "provider": "x",
        "mode": "air",
        "origin": "CN-CAN",
        "destination": "DE",
        "currency": "CNY",
        "per_kg": per_kg,
        "valid_from": dt.date(2026, 1, 1),
    }


def _write(db: Path, spec, rows: list[dict[str, object]]) -> None:  # type: ignore[no-untyped-def]
    # as an import does: the write turn for the whole write, the version of the written table renewed on commit
    with Store(db, short_writes=True) as store:
        write_rows(store, spec, spec.frame(rows), mode="append", file_name="t.csv", sha256="")


def test_quotes_frame_is_read_once_per_version_and_an_import_is_seen_at_once(tmp_path: Path):
    db = tmp_path / "org.duckdb"
    assert routing.quotes_frame(db) is None  # no store: nothing read, nothing created
    assert not db.exists()
    _write(db, FREIGHT_QUOTES, [_quote("q1")])
    first = routing.quotes_frame(db)
    assert first is not None and first["quote_id"].to_list() == ["q1"]
    assert routing.quotes_frame(db) is first  # the same version: from the cache, the store not opened again

    # an import of another table keeps the cached quotes
    before = table_version(db, "user.freight_quotes")
    _write(db, PRODUCTS, [{"id": "my-tea", "name_en": "My tea", "name_zh": "我的茶", "category": "tea",
                           "hs6": "090210", "origin_adcode": "522701", "unit": "tin", "unit_value_cny": 120,
                           "unit_gross_kg": 0.4}])  # fmt: skip
    assert table_version(db, "user.freight_quotes") == before
    assert routing.quotes_frame(db) is first

    # an import of quotes is seen by the next request
    _write(db, FREIGHT_QUOTES, [_quote("q2", 4.0)])
    second = routing.quotes_frame(db)
    assert second is not first and second is not None
    assert sorted(second["quote_id"].to_list()) == ["q1", "q2"]


def test_a_route_request_uses_the_freshly_imported_quote(tmp_path: Path):
    db = tmp_path / "org.duckdb"
    day = dt.date(2026, 12, 6)
    _write(db, FREIGHT_QUOTES, [_quote("first")])
    routing.route("522634", "DE", weight_kg=10, db=db, on=day)  # caches the quotes of this version
    _write(db, FREIGHT_QUOTES, [{**_quote("second"), "destination": "ATLANTIS"}])  # unusable: named in the result
    result = routing.route("522634", "DE", weight_kg=10, db=db, on=day)
    assert "quote:second" in {e.service for e in result.excluded if e.rule_id == "user_quote_unusable"}


# the caches whose key holds a store version (a new key per import) or a date a request names
BOUNDED = [
    products.user_hs_at,
    products._user_rows,
    products._merged,
    costing._user_rules,
    costing._tables_with_user,
    costing._user_inputs,
    routing._quotes_at,
    routing._cached_network,
]


@pytest.mark.parametrize("fn", BOUNDED, ids=lambda fn: f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}")
def test_caches_keyed_on_versions_or_request_values_are_bounded(fn):  # type: ignore[no-untyped-def]
    maxsize = fn.cache_info().maxsize
    assert maxsize is not None and 1 <= maxsize <= 256


def test_many_store_versions_do_not_grow_the_cache_past_its_bound(tmp_path: Path):
    db = tmp_path / "org.duckdb"
    _write(db, FREIGHT_QUOTES, [_quote("q0")])
    bound = routing._quotes_at.cache_info().maxsize
    assert bound is not None
    for _ in range(bound + 5):  # as many commits to the table: each a new version of it, so a new key
        bump_versions(db, ["user.freight_quotes"])
        frame = routing.quotes_frame(db)
        assert frame is not None and frame["quote_id"].to_list() == ["q0"]
    assert routing._quotes_at.cache_info().currsize <= bound
