"""Quote use case for the API and the web page, on top of :mod:`qiankua.services.costing`.

Builds the costing request from plain fields the way ``qiankua quote`` does, runs it, and
returns a JSON-safe document (non-finite numbers become ``None``) with each rule's source URL.
The API path gets the same document already encoded as JSON bytes (:func:`to_json`): encoding
once with orjson is ~15x cheaper than cleaning the floats in Python and re-validating the
document against the response model on every request.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from qiankua.exceptions import InvalidInputError

try:  # orjson ships with NiceGUI (fast, NaN/inf -> null, numpy scalars, ISO dates)
    import orjson
except ImportError:  # pragma: no cover - the stdlib path gives the same document, slower
    orjson = None  # type: ignore[assignment]


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


def _json_default(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars orjson does not know
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(doc: Any) -> bytes:
    """``doc`` as compact UTF-8 JSON: non-finite floats become ``null``, numpy scalars numbers, dates ISO.

    The same document as ``json.dumps(_finite(doc))``, encoded once (orjson when installed).
    """
    if orjson is not None:
        return orjson.dumps(doc, default=_json_default,
                            option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
    return json.dumps(_finite(doc), ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                      default=_json_default).encode()


def quote(fields: dict[str, Any]) -> dict[str, Any]:
    """One quote from ``fields`` (see :class:`qiankua.api.schemas.QuoteIn`), with sensitivity if asked."""
    from qiankua.services import costing

    result = costing.quote_one(_request(fields), _reference(), sensitivity=bool(fields.get("sensitivity")))
    doc: dict[str, Any] = _finite(result.to_dict())
    for rule in doc.get("rules", []):
        for key in ("as_of", "valid_from", "valid_to"):
            if rule.get(key) is not None:
                rule[key] = str(rule[key])
    return doc


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
        self._queue: queue.Queue[tuple[dict[str, Any], Any]] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="quote-batcher", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def submit(self, fields: dict[str, Any]) -> Any:
        """Queue one quote (without sensitivity); returns a ``concurrent.futures.Future`` of JSON bytes.

        Malformed input raises here, in the caller's thread, before anything is queued.
        """
        from concurrent.futures import Future

        request = _request(fields)
        if not self._started:
            with self._lock:
                if not self._started:
                    self._thread.start()
                    self._started = True
        future: Future[bytes] = Future()
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
                    batch.append(self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait())
                except queue.Empty:
                    break
            self._run(batch)

    @staticmethod
    def _run(batch: list[tuple[dict[str, Any], Any]]) -> None:
        try:
            docs = quote_many_json([request for request, _ in batch])
        except Exception:  # noqa: BLE001 — isolate the bad request: price each alone
            for request, future in batch:
                try:
                    future.set_result(quote_many_json([request])[0])
                except Exception as exc:  # noqa: BLE001 — the caller re-raises it
                    future.set_exception(exc)
            return
        for (_, future), doc in zip(batch, docs, strict=True):
            future.set_result(doc)


_REF: Any = None


def _reference() -> Any:
    """The built-in reference data (``load_reference()`` resolves its path on every call; a quote needs it twice)."""
    global _REF
    if _REF is None:
        from qiankua.reference import load_reference

        _REF = load_reference()
    return _REF


def _request(fields: dict[str, Any]) -> dict[str, Any]:
    """The costing request for ``fields`` (validated; unknown market/product raise here)."""
    product, hs6 = fields.get("product_id"), fields.get("hs6")
    if (product is None) == (hs6 is None):
        raise InvalidInputError("Expected either `product_id` or `hs6` (with `declared_value`).")
    ref = _reference()
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


def _priced(requests: list[dict[str, Any]]) -> list[Any]:
    from qiankua.services import costing

    return costing.quote_many(requests, _reference()) if requests else []


def quote_many_json(requests: list[dict[str, Any]]) -> list[bytes]:
    """Price costing requests in one batch call; one JSON document (bytes) per request, in order."""
    return [to_json(quoted.to_dict()) for quoted in _priced(requests)]


def quote_json(fields: dict[str, Any]) -> bytes:
    """:func:`quote` encoded as JSON bytes."""
    return to_json(quote(fields))


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
        except Exception:  # noqa: BLE001 — quotes still work on the reference path; say why in the log
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


async def batched_quote_json(fields: dict[str, Any]) -> bytes:
    """Await a batched quote as JSON bytes without holding a worker thread (pricing runs on the batcher thread).

    With ``sensitivity`` the single-item path runs in a worker thread instead.
    """
    import asyncio

    if fields.get("sensitivity"):
        return await asyncio.to_thread(quote_json, fields)
    return await asyncio.wrap_future(batcher().submit(fields))  # type: ignore[no-any-return]
