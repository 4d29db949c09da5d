"""The server's start-up warm-up (issue 21): it fills the caches the first requests would fill, from the
organisations' real stores, writes nothing, and a step that fails is logged without stopping the others."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from qiankua.schema import PRODUCTS
from qiankua.services import routing, warmup
from qiankua.services.engines_view import rank_opportunities
from qiankua.services.opportunity import cached_pair_routes
from qiankua.store import Store
from qiankua.store.importer import write_rows

MY_TEA = {"id": "warm-test-tea", "name_en": "My tea", "name_zh": "我的茶", "category": "tea", "hs6": "090210",
          "origin_adcode": "522634", "unit": "tin", "unit_value_cny": 150, "unit_gross_kg": 0.5}  # fmt: skip


def _org_store(home: Path, org: str) -> Path:
    db = home / "orgs" / org / "qiankua.duckdb"
    with Store(db, short_writes=True) as store:
        write_rows(store, PRODUCTS, PRODUCTS.frame([MY_TEA]), mode="append", file_name="p.csv", sha256="")
    return db


def test_store_paths_lists_the_stores_that_exist(tmp_path: Path):
    good = _org_store(tmp_path, "acme")
    (tmp_path / "orgs" / "empty").mkdir()  # an organisation without data yet: no store
    assert warmup.store_paths(multi_user=True, home=tmp_path, local_db=None) == [good]
    assert warmup.store_paths(multi_user=False, home=tmp_path, local_db=good) == [good]
    assert warmup.store_paths(multi_user=False, home=tmp_path, local_db=tmp_path / "none.duckdb") == []


def test_warm_up_fills_the_caches_and_survives_a_broken_store(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    acme = _org_store(tmp_path, "acme")
    broken = tmp_path / "orgs" / "broken" / "qiankua.duckdb"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not a duckdb file" * 100)
    files_before = sorted(p.name for p in acme.parent.iterdir())
    cached_pair_routes.clear()

    with caplog.at_level(logging.ERROR, logger="qiankua.warmup"):
        timings = warmup.warm_caches(warmup.store_paths(multi_user=True, home=tmp_path, local_db=None))

    assert timings["store broken"] is None  # failed, logged, and the steps after it ran
    assert "store broken" in caplog.text
    ok = {name for name, seconds in timings.items() if seconds is not None}
    assert ok == {"network", "routes", "route cache", "ranking", "import", "store acme"}
    assert sorted(p.name for p in acme.parent.iterdir()) == files_before  # read only: nothing written

    # a ranking of any market, the user's own product included, plans no route: all were planned at start-up
    misses = cached_pair_routes.misses
    doc = rank_opportunities({"markets": ["JP"]}, db=acme)
    assert any(entry["product"] == "warm-test-tea" for entry in doc["cells"])
    assert cached_pair_routes.misses == misses and cached_pair_routes.hits > 0
    # the organisation's freight quotes were read at start-up: a route request does not read them again
    hits = routing._quotes_at.cache_info().hits
    routing.quotes_frame(acme)
    assert routing._quotes_at.cache_info().hits == hits + 1


def test_warm_up_stops_between_steps_when_the_server_stops():
    stop = threading.Event()
    stop.set()
    assert warmup.warm_caches([], stop=stop) == {}


def test_warm_in_background_never_blocks_and_reports_its_state(tmp_path: Path):
    stop = threading.Event()
    stop.set()  # the plumbing only: no step runs
    listed = threading.Event()

    def stores() -> list[Path]:
        listed.set()  # called in the warm-up thread, not by the caller
        return []

    import gc

    thread = warmup.warm_in_background(stores, stop=stop)
    assert thread.daemon and thread.name == "server-warm-up"
    thread.join(timeout=60)
    assert listed.is_set() and not thread.is_alive()
    assert warmup.warm_up_state() == "warm"
    # what lives as long as the server is out of the collector's reach (no full-collection pauses walking it)
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
