"""Server start-up warm-up: fill the caches the first requests would otherwise fill (issue 21).

A server that has just started answered its first requests slowly (the soak's cold p99 449-521 ms
against 386 ms warm): the first route request built the day's routing network, the first ranking of a
market planned every product's pallet route to it, the first import loaded the importer's modules, and
the first request of an organisation read its store (its catalogue, rule rows, FX book, freight quotes).
:func:`warm_in_background` does that work once, in a daemon thread at low priority, when the server
starts (:func:`qiankua.api.app.create_app`'s lifespan, so ``qiankua serve`` with or without
``--multi-user`` and ``python -m qiankua.api`` alike). Nothing waits for it: requests that arrive
meanwhile fill the same caches themselves, as before. Each step is independent; one that fails is
logged and the next runs — a warm-up never stops a server. It reads the organisations' stores
(read-only, sharing the file with other readers) and writes nothing: the import path is warmed on a
scratch database (:func:`qiankua.services.workspace.check_upload`). ``Settings(warm_up=False)``
(:class:`qiankua.api.app.Settings`) turns it off.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["WARM_UP_NICE", "store_paths", "warm_caches", "warm_in_background", "warm_up_state"]

log = logging.getLogger("qiankua.warmup")

#: how much lower (``nice``) the warm-up thread runs than the event loop: under load, requests go first
WARM_UP_NICE = 10

# a tiny products file: the import path's modules and code paths, checked on a scratch database
_SAMPLE_PRODUCTS = (
    "id,name_en,name_zh,category,hs6,origin_adcode,unit,unit_value_cny,unit_gross_kg\n"
    "warm-up-tea,Warm-up tea,预热茶,tea,090210,522701,tin,120,0.4\n"
).encode()

_STATE = {"state": "off"}  # off (never started) -> warming -> warm | failed (some step failed)


def warm_up_state() -> str:
    """``off``, ``warming``, ``warm`` or ``failed`` (a step failed; the others ran)."""
    return _STATE["state"]


def store_paths(*, multi_user: bool, home: Path, local_db: Path | None) -> list[Path]:
    """The user stores a server serves that exist now: every organisation's (multi-user) or the one
    local store (single-user: ``local_db``, else the default file)."""
    if multi_user:
        return sorted(p for p in (home / "orgs").glob("*/qiankua.duckdb") if p.is_file())
    from qiankua.services.requests import user_db

    path = user_db(local_db)
    return [path] if path.is_file() else []


def _delivery_markets() -> list[str]:
    from qiankua.services.routing import network_on

    return sorted(network_on(dt.date.today()).delivery)


def _route_cache(ref: Any, products: Sequence[str], markets: Sequence[str]) -> None:
    """Plan the pallet routes a ranking needs for ``products`` x ``markets`` (one planning per product)."""
    from qiankua.services.opportunity import cached_pair_routes

    if not products or not markets:
        return
    pairs = pl.DataFrame({"product": list(products)}).join(pl.DataFrame({"market": list(markets)}), how="cross")
    cached_pair_routes(ref, pairs)


def _builtin_steps(scratch: Path) -> list[tuple[str, Callable[[], object]]]:
    def network() -> None:
        from qiankua.services.routes_view import node_coordinates, node_names

        _delivery_markets()
        node_coordinates()
        node_names()

    def routes() -> None:
        from qiankua.services.routes_view import plan_routes

        # the route page's own work once (labels, rule reasons); a store that does not exist: built-in rates only
        plan_routes({"origin": "522701", "market": "US", "weight_kg": 20}, db=scratch)

    def route_cache() -> None:
        from qiankua.reference import load_reference

        ref = load_reference()
        _route_cache(ref, ref.products["id"].to_list(), _delivery_markets())

    def ranking() -> None:
        from qiankua.services.engines_view import rank_opportunities

        rank_opportunities({"markets": ["US"]}, db=scratch)

    def importer() -> None:
        from qiankua.services.workspace import check_upload

        result = check_upload("products", _SAMPLE_PRODUCTS, "warm-up.csv")
        if not result.ok:
            raise RuntimeError(f"the warm-up sample did not check: {result.issues[:1]}")

    return [("network", network), ("routes", routes), ("route cache", route_cache), ("ranking", ranking),
            ("import", importer)]  # fmt: skip


def _store_steps(db: Path) -> list[tuple[str, Callable[[], object]]]:
    def views() -> None:
        from qiankua.services.costing import compiled_rules
        from qiankua.services.fx import fx_book
        from qiankua.services.products import user_catalogue
        from qiankua.services.routing import network_with_quotes

        catalogue = user_catalogue(db)
        compiled_rules(catalogue.ref, db)
        fx_book(db)
        network_with_quotes(db, dt.date.today())  # the quotes and the day's network with them
        # the user's own products' routes (the built-in ones are planned above), while the cache has room
        # for them: warming one organisation never pushes out the routes every ranking uses
        from qiankua.services.opportunity import cached_pair_routes

        markets = _delivery_markets()
        mine = sorted(catalogue.user_ids)
        if len(cached_pair_routes) + len(mine) * len(markets) <= cached_pair_routes.maxsize:
            _route_cache(catalogue.ref, mine, markets)

    return [(f"store {db.parent.name}", views)]


def warm_caches(
    dbs: Iterable[Path] = (), *, stop: threading.Event | None = None, scratch: Path | None = None
) -> dict[str, float | None]:
    """Run every warm-up step now (blocking): the built-in caches, then each store of ``dbs``. Returns
    the seconds each step took (``None`` for one that failed: logged, the others still run). ``stop``:
    checked between steps (a server shutting down). ``scratch``: a path where no store exists (default:
    one under a fresh temporary directory), standing for an organisation without data."""
    import tempfile

    timings: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory(prefix="qiankua-warm-") as tmp:
        missing = scratch or Path(tmp) / "none.duckdb"
        steps = _builtin_steps(missing)
        for db in dbs:
            steps += _store_steps(Path(db))
        for name, step in steps:
            if stop is not None and stop.is_set():
                break
            started = time.perf_counter()
            try:
                step()
            except Exception:  # never fatal: the request that needs it fills the cache itself
                log.exception("warm-up step %r failed", name)
                timings[name] = None
                continue
            timings[name] = time.perf_counter() - started
    return timings


def _freeze_long_lived() -> None:
    """Move what the warm-up built (and everything older) out of the garbage collector's reach
    (:func:`gc.freeze`): the caches live as long as the server, and without this every full collection
    walks them again — a pause of a few hundred ms in whichever request triggered it (seen in the soak's
    upload burst: /catalogue p99 250-290 ms with the warm-up, ~40 ms without)."""
    import gc

    gc.collect()
    gc.freeze()


def warm_in_background(
    dbs: Callable[[], Iterable[Path]] | Iterable[Path] = (), *, stop: threading.Event | None = None
) -> threading.Thread:
    """:func:`warm_caches` in a daemon thread at low priority (:data:`WARM_UP_NICE`); returns the thread.
    ``dbs`` may be a function (called in the thread: listing the stores never delays start-up)."""

    def run() -> None:
        from qiankua.services.jobs import background_priority

        background_priority(WARM_UP_NICE)
        started = time.perf_counter()
        try:
            paths = list(dbs() if callable(dbs) else dbs)
            timings = warm_caches(paths, stop=stop)
            _freeze_long_lived()
        except Exception:
            _STATE["state"] = "failed"
            log.exception("warm-up failed")
            return
        failed = [name for name, seconds in timings.items() if seconds is None]
        _STATE["state"] = "failed" if failed else "warm"
        log.info(
            "warm-up done in %.1f s (%s)%s",
            time.perf_counter() - started,
            ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items() if seconds is not None),
            f"; failed: {', '.join(failed)}" if failed else "",
        )

    _STATE["state"] = "warming"
    thread = threading.Thread(target=run, name="server-warm-up", daemon=True)
    thread.start()
    return thread
