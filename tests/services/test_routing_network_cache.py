"""The network with an organisation's freight quotes (issue 21, api_soak): built once per (store, day, version
of the quotes and FX tables) instead of rebuilt and re-validated on every route request; a new import is seen
by the next request, the cached answer is the uncached one, a shared network is never written by a request,
and threads asking for it together build it once. Real DuckDB stores, real reference data."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qiankua.routing import Network, Profile, plan
from qiankua.schema import FREIGHT_QUOTES, FX_RATES, PRODUCTS
from qiankua.services import routing
from qiankua.services.buildcache import BuildOnceCache
from qiankua.services.routes_view import plan_routes
from qiankua.store import Store
from qiankua.store.importer import write_rows

DAY = dt.date(2026, 12, 6)
ORIGIN, MARKET = "522634", "DE"


def _quote(quote_id: str, per_kg: float = 3.0, **over: Any) -> dict[str, Any]:
    return {
        "quote_id": quote_id,
        "provider": "x",
        "mode": "air",
        "origin": "CN-CAN",
        "destination": MARKET,
        "currency": "CNY",
        "per_kg": per_kg,
        "valid_from": dt.date(2026, 1, 1),
        **over,
    }


def _write(db: Path, spec: Any, rows: list[dict[str, Any]]) -> None:
    # as an import does: the write turn for the whole write, the written table's version renewed on commit
    with Store(db, short_writes=True) as store:
        write_rows(store, spec, spec.frame(rows), mode="append", file_name="t.csv", sha256="")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A fresh cache, and one entry per network built with the user's quotes."""
    monkeypatch.setattr(routing, "_quote_networks", BuildOnceCache(maxsize=16))
    made: list[int] = []
    build = routing.load_network

    def counting(**kwargs: Any) -> Network:
        if kwargs.get("quotes") is not None:  # not the built-in network of the day (network_on)
            made.append(1)
        return build(**kwargs)

    monkeypatch.setattr(routing, "load_network", counting)
    return made


@pytest.fixture
def org(tmp_path: Path) -> Path:
    db = tmp_path / "org.duckdb"
    _write(db, FREIGHT_QUOTES, [_quote(f"q{i}", 3.0 + i / 10) for i in range(5)] + [
        _quote("nowhere", destination="ATLANTIS")  # unusable: skipped and named, never fails the request
    ])  # fmt: skip
    return db


def _labels(result: Any) -> list[str]:
    return [r.label for r in result.routes]


def test_the_network_with_quotes_is_built_once_per_version_and_an_import_is_seen_at_once(
    org: Path, builds: list[int]
) -> None:
    first = routing.route(ORIGIN, MARKET, weight_kg=10, db=org, on=DAY)
    for _ in range(3):
        again = routing.route(ORIGIN, MARKET, weight_kg=10, db=org, on=DAY)
        assert again.to_dict() == first.to_dict()
    assert len(builds) == 1
    assert "quote:nowhere" in {e.service for e in first.excluded if e.rule_id == "user_quote_unusable"}
    assert not any("quote:cheap" in label for label in _labels(first))

    # an import of a table the network does not read keeps it
    _write(org, PRODUCTS, [{"id": "my-tea", "name_en": "My tea", "name_zh": "我的茶", "category": "tea",
                            "hs6": "090210", "origin_adcode": "522701", "unit": "tin", "unit_value_cny": 120,
                            "unit_gross_kg": 0.4}])  # fmt: skip
    routing.route(ORIGIN, MARKET, weight_kg=10, db=org, on=DAY)
    assert len(builds) == 1

    # a new quote is used by the very next request
    _write(org, FREIGHT_QUOTES, [_quote("cheap", 0.5)])
    fresh = routing.route(ORIGIN, MARKET, weight_kg=10, db=org, on=DAY)
    assert len(builds) == 2
    assert any("quote:cheap" in label for label in _labels(fresh))

    # another day is another network
    routing.route(ORIGIN, MARKET, weight_kg=10, db=org, on=DAY + dt.timedelta(days=1))
    assert len(builds) == 3


def test_an_import_of_fx_rates_rebuilds_the_network_at_the_new_rate(tmp_path: Path, builds: list[int]) -> None:
    db = tmp_path / "org.duckdb"
    _write(db, FREIGHT_QUOTES, [_quote("usd", 1.0, currency="USD")])
    before, _ = routing.network_with_quotes(db, DAY)
    _write(db, FX_RATES, [{"currency": "USD", "valid_from": dt.date(2026, 12, 1), "cny_per_unit": 100.0}])
    after, _ = routing.network_with_quotes(db, DAY)
    assert len(builds) == 2
    assert after.fx["USD"] == 100.0 != before.fx["USD"]


def test_a_store_without_quotes_uses_the_built_in_network(tmp_path: Path, builds: list[int]) -> None:
    assert routing.network_with_quotes(None, DAY) == (routing.network_on(DAY), ())
    assert routing.network_with_quotes(tmp_path / "missing.duckdb", DAY)[0] is routing.network_on(DAY)
    db = tmp_path / "org.duckdb"
    _write(db, PRODUCTS, [{"id": "my-tea", "name_en": "My tea", "name_zh": "我的茶", "category": "tea",
                           "hs6": "090210", "origin_adcode": "522701", "unit": "tin", "unit_value_cny": 120,
                           "unit_gross_kg": 0.4}])  # fmt: skip
    assert routing.network_with_quotes(db, DAY)[0] is routing.network_on(DAY)
    assert builds == []
    assert not (tmp_path / "missing.duckdb").exists()


def test_the_cached_answer_is_the_uncached_answer(org: Path, builds: list[int]) -> None:
    # uncached: the network built from the tables for this request alone, as before the cache
    quotes = routing.quotes_frame(org)
    assert quotes is not None
    _, skipped = routing.screen_quotes(quotes, DAY, org)
    network = routing.load_network(on=DAY, db=org, quotes=quotes)
    for profile, kwargs in (
        (Profile(weight_kg=10), {"weight_kg": 10}),
        (Profile(weight_kg=250, volume_m3=1.2, pieces=8, b2b=True), {"weight_kg": 250, "volume_m3": 1.2, "pieces": 8,
                                                                      "b2b": True}),
    ):  # fmt: skip
        uncached = plan(network, ORIGIN, MARKET, profile)
        uncached = replace(uncached, excluded=uncached.excluded + skipped)
        for _ in range(2):  # built, then from the cache
            assert routing.route(ORIGIN, MARKET, db=org, on=DAY, **kwargs).to_dict() == uncached.to_dict()
    # the same through the view the CLI, the API and the web page call
    doc = plan_routes({"origin": ORIGIN, "market": MARKET, "weight_kg": 10, "date": DAY.isoformat()}, db=org)
    assert doc == plan_routes({"origin": ORIGIN, "market": MARKET, "weight_kg": 10, "date": DAY.isoformat()}, db=org)
    assert [r["label"] for r in doc["routes"]] == _labels(plan(network, ORIGIN, MARKET, Profile(weight_kg=10)))


def _fingerprint(network: Network) -> str:
    digest = hashlib.sha256()
    arrays = [network.cold_ok, network.tails, network.heads]
    arrays += [network.params[k] for k in sorted(network.params)]
    arrays += [network.market_edges[k] for k in sorted(network.market_edges)]
    arrays += [r["mask"] for r in network.rules]
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(repr((network.edges, network.fx, network.delivery, network.county_of, network.rule_texts)).encode())
    digest.update(repr([{k: v for k, v in r.items() if k != "mask"} for r in network.rules]).encode())
    digest.update(repr((network.into, network.outof, network.missing_rates)).encode())
    return digest.hexdigest()


def test_requests_never_write_the_shared_network(org: Path, builds: list[int]) -> None:
    network, _ = routing.network_with_quotes(org, DAY)
    before = _fingerprint(network)
    profiles = [
        Profile(weight_kg=2, volume_m3=0.01),
        Profile(weight_kg=20, liquid=True, abv_pct=53.0, fragile=True, value_cny=3000.0),
        Profile(weight_kg=5, battery=True, pieces=3),
        Profile(weight_kg=30, fresh=True, cold_chain=True, max_transit_days=4),
        Profile(weight_kg=20000, volume_m3=40, pieces=800, b2b=True),
    ]
    for profile in profiles:
        for market in (MARKET, "US", "JP"):
            plan(network, ORIGIN, market, profile)
    assert routing.network_with_quotes(org, DAY)[0] is network
    assert _fingerprint(network) == before
    # and a write would fail loudly rather than change every later request's answer
    with pytest.raises(ValueError, match="read-only"):
        network.params["per_kg"][0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        network.market_edges[MARKET][0] = True


def test_threads_asking_together_build_the_network_once(org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routing, "_quote_networks", BuildOnceCache(maxsize=16))
    build = routing.load_network
    made: list[int] = []

    def slow(**kwargs: Any) -> Network:
        made.append(int(kwargs.get("quotes") is not None))
        time.sleep(0.3)  # long enough for every thread to ask while it is being built
        return build(**kwargs)

    monkeypatch.setattr(routing, "load_network", slow)
    start = threading.Barrier(6)
    got: list[Network] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            start.wait()
            got.append(routing.network_with_quotes(org, DAY)[0])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert len(got) == 6 and all(n is got[0] for n in got)
    assert made == [1]


def test_build_once_cache_is_bounded_least_recently_used_and_keeps_no_failure() -> None:
    cache: BuildOnceCache[int] = BuildOnceCache(maxsize=2)
    assert cache.get("a", lambda: 1) == 1
    assert cache.get("b", lambda: 2) == 2
    assert cache.get("a", lambda: 99) == 1  # kept; "a" now the most recently used
    assert cache.get("c", lambda: 3) == 3  # drops "b"
    assert len(cache) == 2 and cache.builds == 3
    assert cache.get("b", lambda: 22) == 22
    assert cache.get("a", lambda: 11) == 11  # the least recently used ("a", before "c") was dropped
    assert cache.builds == 5

    def broken() -> int:
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError):
        cache.get("d", broken)
    assert cache.get("d", lambda: 4) == 4  # the failure was not kept
    assert routing._quote_networks.maxsize <= 64  # keyed on store versions: bounded


def test_a_failed_build_lets_a_waiting_thread_build_it() -> None:
    cache: BuildOnceCache[str] = BuildOnceCache(maxsize=4)
    started = threading.Event()
    results: list[str] = []

    def failing() -> str:
        started.set()
        time.sleep(0.2)
        raise RuntimeError("store busy")

    def first() -> None:
        with pytest.raises(RuntimeError):
            cache.get("k", failing)

    thread = threading.Thread(target=first)
    thread.start()
    started.wait(5)
    results.append(cache.get("k", lambda: "built"))  # waits for the failing build, then builds itself
    thread.join(5)
    assert results == ["built"] and cache.builds == 1
