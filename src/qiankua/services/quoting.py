"""Quote use case for the CLI, the API and the web page, on top of :mod:`qiankua.services.costing`.

The request is built by :func:`qiankua.services.requests.quote_request` (the same for every edge) and
priced against the user's database ``db`` (their FX rates, tariffs, excise and fees override the
built-in rows). The document is JSON-safe (:func:`qiankua.jsonio.finite`); the API path gets it already
encoded (:func:`qiankua.jsonio.to_json`): encoding once with orjson is ~15x cheaper than cleaning the
floats in Python and re-validating the document against the response model on every request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qiankua.jsonio import finite, to_json
from qiankua.services.products import user_catalogue
from qiankua.services.requests import quote_request


def quote(fields: dict[str, Any], db: Path | None = None) -> dict[str, Any]:
    """One quote from ``fields`` (:data:`qiankua.services.requests.QUOTE_FIELDS`) with the user's data in
    ``db`` (their products, rule rows and rates), with the sensitivity table if ``sensitivity``. ``product``
    says whether the product is the user's (and replaces a built-in one of the same id)."""
    from qiankua.services import costing
    from qiankua.services.accounts import db_lock

    with db_lock(db):  # the user's products, rule rows and rates are read from the file: not while it is written
        catalogue = user_catalogue(db, _reference())
        request, fx_overrides = quote_request(fields, catalogue.ref)
        result = costing.quote_one(
            request, catalogue.ref, sensitivity=bool(fields.get("sensitivity")), fx_overrides=fx_overrides, db=db
        )
    return finite(result.to_dict() | {"product": catalogue.describe(request.get("product_id"))})  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- micro-batching
#
# The costing engine is vectorised: a batch costs a fixed few milliseconds (frame building, FX
# arrays; 20-30 ms on the engine's reference path before its kernel is warm) plus well under a
# millisecond per item. Concurrent API requests are therefore
# collected for a few milliseconds and priced in one batch call (the design's "batch first"); while
# a batch runs, the next requests queue up and form the next batch, so the batch size follows the
# load. An error in a batch is isolated by re-running its requests one by one. The batcher hands
# back JSON bytes (the API sends them as they are).


class QuoteBatcher:
    """Collects concurrent quote requests and prices them together on one worker thread."""

    def __init__(self, *, max_batch: int = 256, wait_s: float = 0.002) -> None:
        import queue
        import threading

        self.max_batch = max_batch
        self.wait_s = wait_s
        self._queue: queue.Queue[tuple[dict[str, Any], Path | None, Any]] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="quote-batcher", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def submit(self, fields: dict[str, Any], db: Path | None = None) -> Any:
        """Queue one quote (without sensitivity or FX override) priced with the user's data in ``db``;
        returns a ``concurrent.futures.Future`` of JSON bytes.

        Malformed input raises here, in the caller's thread, before anything is queued.
        """
        from concurrent.futures import Future

        from qiankua.services.accounts import db_lock

        with db_lock(db):
            catalogue = user_catalogue(db, _reference())
        request, overrides = quote_request(fields, catalogue.ref)
        if overrides:
            raise ValueError("the batcher prices without FX overrides: use quote_json")
        if not self._started:
            with self._lock:
                if not self._started:
                    self._thread.start()
                    self._started = True
        future: Future[bytes] = Future()
        self._queue.put((request, db, future))
        return future

    def _work(self) -> None:
        import queue
        import time

        while True:
            batch = [self._queue.get()]
            deadline = time.monotonic() + self.wait_s
            while len(batch) < self.max_batch:
                remaining = deadline - time.monotonic()
                try:
                    batch.append(self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait())
                except queue.Empty:
                    break
            self._run(batch)

    @staticmethod
    def _run(batch: list[tuple[dict[str, Any], Path | None, Any]]) -> None:
        by_db: dict[Path | None, list[tuple[dict[str, Any], Any]]] = {}
        for request, db, future in batch:  # one batch call per user database
            by_db.setdefault(db, []).append((request, future))
        for db, items in by_db.items():
            try:
                docs = quote_many_json([request for request, _ in items], db=db)
            except Exception:
                for request, future in items:
                    try:
                        future.set_result(quote_many_json([request], db=db)[0])
                    except Exception as exc:
                        future.set_exception(exc)
                continue
            for (_, future), doc in zip(items, docs, strict=True):
                future.set_result(doc)


_REF: Any = None


def _reference() -> Any:
    """The built-in reference data (``load_reference()`` resolves its path on every call; a quote needs it twice)."""
    global _REF
    if _REF is None:
        from qiankua.reference import load_reference

        _REF = load_reference()
    return _REF


def quote_many_json(requests: list[dict[str, Any]], db: Path | None = None) -> list[bytes]:
    """Price costing requests in one batch call; one JSON document (bytes) per request, in order."""
    from qiankua.services import costing
    from qiankua.services.accounts import db_lock

    if not requests:
        return []
    with db_lock(db):
        catalogue = user_catalogue(db, _reference())
        quoted = costing.quote_many(requests, catalogue.ref, db=db)
    return [
        to_json(q.to_dict() | {"product": catalogue.describe(r.get("product_id"))})
        for q, r in zip(quoted, requests, strict=True)
    ]


def quote_json(fields: dict[str, Any], db: Path | None = None) -> bytes:
    """:func:`quote` encoded as JSON bytes."""
    return to_json(quote(fields, db))


_WARM = {"state": "cold"}  # cold (never asked) -> warming -> warm | failed


def warm_state() -> str:
    """``cold``, ``warming``, ``warm`` or ``failed`` (see :func:`warm_in_background`)."""
    return _WARM["state"]


def warm_in_background() -> Any:
    """Load the rule tables and the costing engine's compiled kernel in a daemon thread (a server calls
    this at start-up). Until then small batches run on the engine's slower reference path; nothing
    waits. Returns the thread, or ``None`` when the costing engine is absent."""
    import logging
    import threading

    try:
        from qiankua.services import costing
    except ModuleNotFoundError:
        return None
    warm = getattr(costing, "warm_kernel", None)

    def run() -> None:
        log = logging.getLogger("qiankua.quoting")
        try:
            seconds = warm(_reference()) if warm is not None else 0.0
        except Exception:
            _WARM["state"] = "failed"
            log.exception("costing warm-up failed; quotes use the engine's reference path")
            return
        _WARM["state"] = "warm"
        log.info("costing engine warm in %.1f s", seconds)

    _WARM["state"] = "warming"
    thread = threading.Thread(target=run, name="quote-warm-up", daemon=True)
    thread.start()
    return thread


_BATCHER: QuoteBatcher | None = None


def batcher() -> QuoteBatcher:
    """The process-wide micro-batcher (for concurrent API requests)."""
    global _BATCHER
    if _BATCHER is None:
        _BATCHER = QuoteBatcher()
    return _BATCHER


async def batched_quote_json(fields: dict[str, Any], db: Path | None = None) -> bytes:
    """Await a batched quote as JSON bytes without holding a worker thread (pricing runs on the batcher thread).

    With ``sensitivity`` or ``fx_rate`` the single-item path runs in a worker thread instead.
    """
    import asyncio

    if fields.get("sensitivity") or fields.get("fx_rate") is not None:
        return await asyncio.to_thread(quote_json, fields, db)
    return await asyncio.wrap_future(batcher().submit(fields, db))
