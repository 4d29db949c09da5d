"""Quote use case for the API and the web page, on top of :mod:`qiankua.services.costing`.

Builds the costing request from plain fields the way ``qiankua quote`` does, runs it, and
returns a JSON-safe document (non-finite numbers become ``None``) with each rule's source URL.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from qiankua.exceptions import InvalidInputError


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _finite(value.item())
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def quote(fields: dict[str, Any]) -> dict[str, Any]:
    """One quote from ``fields`` (see :class:`qiankua.api.schemas.QuoteIn`), with sensitivity if asked."""
    from qiankua.services import costing

    result = costing.quote_one(_request(fields), sensitivity=bool(fields.get("sensitivity")))
    doc: dict[str, Any] = _finite(result.to_dict())
    for rule in doc.get("rules", []):
        for key in ("as_of", "valid_from", "valid_to"):
            if rule.get(key) is not None:
                rule[key] = str(rule[key])
    return doc


# ---------------------------------------------------------------------------- micro-batching
#
# A single quote costs ~10 ms of fixed overhead (frame building, FX arrays, the price solver),
# while a batch of 60 costs ~40 ms in all: the engine is vectorised. Concurrent API requests are
# therefore collected for a few milliseconds and priced in one batch call (the design's "batch
# first"); an error in a batch is isolated by re-running its requests one by one.


class QuoteBatcher:
    """Collects concurrent quote requests and prices them together on one worker thread."""

    def __init__(self, *, max_batch: int = 256, wait_s: float = 0.003) -> None:
        import queue
        import threading

        self.max_batch = max_batch
        self.wait_s = wait_s
        self._queue: queue.Queue[tuple[dict[str, Any], Any]] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="quote-batcher", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def quote(self, fields: dict[str, Any], timeout: float = 30.0) -> dict[str, Any]:
        if fields.get("sensitivity"):
            return quote(fields)
        return self.submit(fields).result(timeout=timeout)

    def submit(self, fields: dict[str, Any]) -> Any:
        """Queue one quote (without sensitivity); returns a ``concurrent.futures.Future``.

        Malformed input raises here, in the caller's thread, before anything is queued.
        """
        from concurrent.futures import Future

        request = _request(fields)
        with self._lock:
            if not self._started:
                self._thread.start()
                self._started = True
        future: Future[dict[str, Any]] = Future()
        self._queue.put((request, future))
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
                    batch.append(self._queue.get(timeout=max(remaining, 0)) if remaining > 0
                                 else self._queue.get_nowait())
                except queue.Empty:
                    break
            self._run(batch)

    @staticmethod
    def _run(batch: list[tuple[dict[str, Any], Any]]) -> None:
        try:
            docs = quote_many([request for request, _ in batch])
        except Exception:  # noqa: BLE001 — isolate the bad request: price each alone
            for request, future in batch:
                try:
                    future.set_result(quote_many([request])[0])
                except Exception as exc:  # noqa: BLE001 — the caller re-raises it
                    future.set_exception(exc)
            return
        for (_, future), doc in zip(batch, docs, strict=True):
            future.set_result(doc)


def _request(fields: dict[str, Any]) -> dict[str, Any]:
    """The costing request for ``fields`` (validated; unknown market/product raise here)."""
    from qiankua.reference import load_reference

    product, hs6 = fields.get("product_id"), fields.get("hs6")
    if (product is None) == (hs6 is None):
        raise InvalidInputError("Expected either `product_id` or `hs6` (with `declared_value`).")
    ref = load_reference()
    market = ref.market(str(fields["market"]).upper()).iso2
    when = fields.get("date") or dt.date.today()
    req: dict[str, Any] = {
        "market": market, "mode": fields.get("mode", "9610"), "service": fields.get("service", "postal"),
        "platform": fields.get("platform", "aliexpress"),
        "date": when.isoformat() if isinstance(when, dt.date) else str(when),
        "quantity": fields.get("quantity", 1), "price": fields.get("price"),
        "target_margin": fields.get("target_margin"),
    }
    if product is not None:
        req["product_id"] = ref.product(product).id
    else:
        if fields.get("declared_value") is None:
            raise InvalidInputError("Expected `declared_value` with `hs6`.")
        req.update(hs6=hs6, declared_value=fields["declared_value"],
                   value_currency=fields.get("value_currency", "CNY"), unit_cost_cny=None,
                   gross_kg=fields.get("gross_kg") or 1.0)
    if fields.get("gross_kg") is not None:
        req["gross_kg"] = fields["gross_kg"]
    return {k: v for k, v in req.items() if v is not None}


def quote_many(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Price costing requests in one batch call; one JSON-safe document per request, in order."""
    from qiankua.services import costing

    if not requests:
        return []
    from qiankua.reference import load_reference

    docs = []
    for quoted in costing.quote_many(requests, load_reference()):
        doc: dict[str, Any] = _finite(quoted.to_dict())
        for rule in doc.get("rules", []):
            for key in ("as_of", "valid_from", "valid_to"):
                if rule.get(key) is not None:
                    rule[key] = str(rule[key])
        docs.append(doc)
    return docs


_BATCHER: QuoteBatcher | None = None


def batcher() -> QuoteBatcher:
    """The process-wide micro-batcher (for concurrent API requests)."""
    global _BATCHER
    if _BATCHER is None:
        _BATCHER = QuoteBatcher()
    return _BATCHER


def batched_quote(fields: dict[str, Any]) -> dict[str, Any]:
    """:func:`quote` through the process-wide micro-batcher."""
    return batcher().quote(fields)


async def batched_quote_async(fields: dict[str, Any]) -> dict[str, Any]:
    """Await a batched quote without holding a worker thread (the pricing runs on the batcher thread).

    With ``sensitivity`` the single-item path runs in a worker thread instead.
    """
    import asyncio

    if fields.get("sensitivity"):
        return await asyncio.to_thread(quote, fields)
    return await asyncio.wrap_future(batcher().submit(fields))
