"""Quote use case for the CLI, the API and the web page, on top of :mod:`qiankua.services.costing`.

The request is built by :func:`qiankua.services.requests.quote_request` (the same for every edge) and
priced against the user's database ``db`` (their FX rates, tariffs, excise and fees override the
built-in rows). The document is JSON-safe (:func:`qiankua.jsonio.finite`); the API path gets it already
encoded (:func:`qiankua.jsonio.to_json`): encoding once with orjson is ~15x cheaper than cleaning the
floats in Python and re-validating the document against the response model on every request.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from qiankua.jsonio import finite, to_json
from qiankua.services.costing import COST_LINES
from qiankua.services.products import user_catalogue
from qiankua.services.requests import quote_request


def quote(fields: dict[str, Any], db: Path | None = None) -> dict[str, Any]:
    """One quote from ``fields`` (:data:`qiankua.services.requests.QUOTE_FIELDS`) with the user's data in
    ``db`` (their products, rule rows and rates), with the sensitivity table if ``sensitivity``. ``product``
    says whether the product is the user's (and replaces a built-in one of the same id)."""
    from qiankua.services import costing

    # the user's products, rule rows and rates are read from the file (shared with other readers, after any
    # commit in progress: qiankua.store.locking), and cached until the file changes
    catalogue = user_catalogue(db, _reference())
    request, fx_overrides = quote_request(fields, catalogue.ref)
    hs6 = _hs_of(request, catalogue.ref)
    if hs6 is not None and hs6 not in costing.compiled_rules(catalogue.ref, db).hs_codes:
        doc = _no_rule(request, hs6, catalogue.ref, costing)
    else:
        doc = costing.quote_one(
            request, catalogue.ref, sensitivity=bool(fields.get("sensitivity")), fx_overrides=fx_overrides, db=db
        ).to_dict()
    return finite(_decorate(doc, request, catalogue))  # type: ignore[no-any-return]


def rule_table_title(name: str, lang: str) -> str:
    """A quote rule's table by its title (``vat_rates`` -> 增值税率 / VAT/GST rates): the quote's own wording
    (``web.quote.table.<name>``) where it has one, else the table's spec (the user's tables first)."""
    from qiankua.i18n import t
    from qiankua.schema import table_title

    key = f"web.quote.table.{name}"
    if t(key, lang) != key:
        return t(key, lang)
    return table_title(name, lang) or name


def _hs_of(request: dict[str, Any], ref: Any) -> str | None:
    if request.get("hs6"):
        return str(request["hs6"])[:6]
    product_id = request.get("product_id")
    return str(ref.product(product_id).hs6) if product_id else None


_LINES = COST_LINES


def _no_rule(request: dict[str, Any], hs6: str, ref: Any, costing: Any) -> dict[str, Any]:
    """The result for a product (typically the user's own) whose HS code no costing rule covers: a ``no_rule``
    quote that says so — nothing priced, never a failure — with the route the router would use."""
    route = costing._route_logistics(dict(request), ref)  # the same route a priced quote would show
    reason_en = f"no duty or tax rule on file for HS {hs6}: import your own tariff rows on the data page"
    return {
        "ok": False,
        "status": "no_rule",
        "reason": reason_en,
        "reason_zh": f"HS {hs6} 没有关税或税费规则：可在“数据”页导入自己的税率",
        "hs6": hs6,
        "currency": ref.market(request["market"]).currency,
        "fx_cny_per_unit": None,
        "fx": None,
        "per_unit": dict.fromkeys((*_LINES, "margin")),
        "per_unit_cny": dict.fromkeys(_LINES),
        "vat_collected_by": None,
        "vat_rate": None,
        "declared_value_cny": None,
        "customs_value_cny": None,
        "chargeable_kg": None,
        "break_even_price": None,
        "target_price": None,
        "confidence": "unconfirmed",
        "flags": ["tariff_rate_missing"],
        "missing": _tariff_missing(hs6, str(request["market"]), ref, priced=False),
        "duty_range": None,
        "unconfirmed": True,
        "rules": [],
        "sensitivity": [],
        "route": route,
    }


# ---------------------------------------------------------------------------- one answer across engines
#
# The quote prices its logistics with the route the router picks (services.costing._route_logistics); these
# helpers name that route and what the router and the market-entry rules say about the request, in zh and
# en, from the same tables the route planner and the opportunity ranking read: nothing is re-decided here.


def route_view(route: dict[str, Any] | None, request: dict[str, Any]) -> dict[str, Any] | None:
    """The quote's route with its label in zh and en, and when the router excludes the requested service for
    this product, ``excluded``: each service and why (``reason_zh`` / ``reason_en``, the router's own texts)."""
    if not route:
        return route
    from qiankua.services.routes_view import localise_label, rule_reasons

    view = dict(route)
    label = str(route.get("route_label") or "")
    if route.get("feasible"):
        view["label_zh"] = localise_label(label, "zh")
        view["label_en"] = localise_label(label, "en")
        view["excluded"] = []
        return view
    reasons = rule_reasons(str(request.get("date") or ""))
    excluded = []
    _, _, tail = label.partition("; ")
    for part in tail.split("; ") if tail else []:
        service, sep, reason_en = part.partition(": ")
        if not sep:
            continue
        excluded.append(
            {
                "service": service,
                "reason_en": reason_en,
                "reason_zh": reasons.get(reason_en, reason_en),
            }
        )
    view["label_zh"] = view["label_en"] = None
    view["excluded"] = excluded
    return view


def entry_requirements(ref: Any, request: dict[str, Any]) -> list[dict[str, Any]]:
    """The market-entry requirements the opportunity ranking applies to this product in this market, blockers
    first (:func:`qiankua.opportunity.requirements.applicable_requirements`); none for a bare HS quote."""
    import polars as pl

    product_id = request.get("product_id")
    if not product_id:
        return []
    products = ref.products.filter(pl.col("id") == product_id)
    if not products.height:
        return []
    facts = products.select("id", "hs6", "category", "fresh", "unit_net_kg").row(0)
    return [dict(r) for r in _requirements(facts, str(request["market"]), str(request.get("date") or ""))]


@lru_cache(maxsize=4096)
def _requirements(facts: tuple[Any, ...], market: str, day: str) -> tuple[dict[str, Any], ...]:
    import datetime as dt

    import polars as pl

    from qiankua.opportunity.requirements import applicable_requirements
    from qiankua.reference import load_reference
    from qiankua.services.opportunity import SEVERITY_ORDER, opportunity_tables

    products = pl.DataFrame(
        [dict(zip(("id", "hs6", "category", "fresh", "unit_net_kg"), facts, strict=True))],
        schema={
            "id": pl.String,
            "hs6": pl.String,
            "category": pl.String,
            "fresh": pl.Boolean,
            "unit_net_kg": pl.Float64,
        },
    )
    markets = load_reference().markets.filter(pl.col("iso2") == market)
    if not markets.height:
        return ()
    _, requirements = opportunity_tables()
    on = dt.date.fromisoformat(day[:10]) if day else None
    rows = applicable_requirements(products, markets, requirements, on=on).to_dicts()
    order = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    rows.sort(key=lambda r: (order.get(r["severity"], len(order)), r["req_id"]))
    keep = ("req_id", "severity", "authority", "requirement", "authority_zh", "requirement_zh", "url", "confidence")
    return tuple({k: r[k] for k in keep} for r in rows)


def requirement_text(req: dict[str, Any], lang: str) -> tuple[str, str]:
    """``(authority, requirement)`` of a market-entry requirement row in ``lang``: the row's ``authority_zh`` /
    ``requirement_zh`` on a Chinese page; a row that lacks them (one passed on without those columns) is looked
    up by ``req_id`` in the reference table; English otherwise."""
    authority, text = str(req.get("authority") or ""), str(req.get("requirement") or "")
    if lang != "zh":
        return authority, text
    if req.get("requirement_zh"):
        return str(req.get("authority_zh") or authority), str(req["requirement_zh"])
    found = _requirement_zh().get(str(req.get("req_id") or ""))
    return found if found else (authority, text)


@lru_cache(maxsize=1)
def _requirement_zh() -> dict[str, tuple[str, str]]:
    from qiankua.opportunity.requirements import PHYTO_UNVERIFIED
    from qiankua.services.opportunity import opportunity_tables

    _, table = opportunity_tables()
    texts = {r[0]: (r[1], r[2]) for r in table.select("req_id", "authority_zh", "requirement_zh").iter_rows()}
    texts[str(PHYTO_UNVERIFIED["req_id"])] = (
        str(PHYTO_UNVERIFIED["authority_zh"]),
        str(PHYTO_UNVERIFIED["requirement_zh"]),
    )
    return texts


def advice(doc: dict[str, Any], request: dict[str, Any], ref: Any) -> dict[str, Any]:
    """What the other engines say about this quote: ``shippable`` (False when the router excludes the service
    for the product: the logistics lines are then the fallback table's, not a route's) and ``blocked`` (an
    open market-entry blocker, as the opportunity ranking marks the pair)."""
    route = doc.get("route") or {}
    blocked = any(r["severity"] == "blocker" for r in doc.get("requirements") or [])
    return {
        "shippable": not (route and route.get("feasible") is False),
        "blocked": blocked,
        "service": request.get("service"),
    }


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

        Nothing is read or computed in the caller's thread (an event loop calls this): the request is
        built on the batcher thread, and malformed input fails the future with the builder's error.
        """
        from concurrent.futures import Future

        if fields.get("fx_rate") is not None:
            raise ValueError("the batcher prices without FX overrides: use quote_json")
        if not self._started:
            with self._lock:
                if not self._started:
                    self._thread.start()
                    self._started = True
        future: Future[bytes] = Future()
        self._queue.put((fields, db, future))
        return future

    def _work(self) -> None:
        import queue
        import time

        from qiankua.services.jobs import background_priority

        background_priority()  # below the event loop's thread (see qiankua.services.jobs)

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
        for fields, db, future in batch:  # one batch call per user database
            by_db.setdefault(db, []).append((fields, future))
        for db, entries in by_db.items():
            items: list[tuple[dict[str, Any], Any]] = []
            try:
                catalogue = user_catalogue(db, _reference())
            except Exception as exc:
                for _, future in entries:
                    future.set_exception(exc)
                continue
            for fields, future in entries:
                try:
                    items.append((quote_request(fields, catalogue.ref)[0], future))
                except Exception as exc:  # malformed input: this request's own answer (400/404)
                    future.set_exception(exc)
            if not items:
                continue
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

    if not requests:
        return []
    catalogue = user_catalogue(db, _reference())
    known = costing.compiled_rules(catalogue.ref, db).hs_codes
    codes = [_hs_of(r, catalogue.ref) for r in requests]
    priced = [r for r, h in zip(requests, codes, strict=True) if h is None or h in known]
    quoted = iter(costing.quote_many(priced, catalogue.ref, db=db))
    docs = [
        next(quoted).to_dict() if h is None or h in known else _no_rule(r, h, catalogue.ref, costing)
        for r, h in zip(requests, codes, strict=True)
    ]
    return [to_json(_decorate(doc, r, catalogue)) for doc, r in zip(docs, requests, strict=True)]


def _tariff_missing(hs6: str, market: str, ref: Any, *, priced: bool = True) -> list[dict[str, str]]:
    """The ``missing`` entry of a quote that no tariff row covers: the engine's flag, named in zh and en, with the
    HS line, the market and where to add a rate. ``priced``: the quote counted the duty as 0 (a user product on a
    line no row covers); otherwise nothing was priced (a bare HS line that is on file nowhere)."""
    from qiankua.i18n import t

    found = ref.market(market)  # the request builder has checked the market
    key = "costing.missing.no_tariff_row" if priced else "costing.missing.hs_not_on_file"
    return [
        {
            "flag": "tariff_rate_missing",
            "zh": t("costing.flag.tariff_rate_missing" if priced else "costing.missing.tariff", "zh"),
            "en": t("costing.flag.tariff_rate_missing" if priced else "costing.missing.tariff", "en"),
            "detail_zh": t(key, "zh", hs=hs6, market=found.name_zh),
            "detail_en": t(key, "en", hs=hs6, market=found.name_en),
        }
    ]


def _name_missing(doc: dict[str, Any], request: dict[str, Any], ref: Any) -> None:
    """When the quote's tariff rate is missing because no tariff row covers the HS line at all (not a row with an
    empty rate), say so on its ``missing`` entry: which line, which market, and that the user can import a rate."""
    if "tariff_rate_missing" not in (doc.get("flags") or []) or any(
        r.get("table") == "tariffs" for r in doc.get("rules") or []
    ):
        return
    hs6 = _hs_of(request, ref)
    if not hs6:
        return
    named = _tariff_missing(hs6, str(request["market"]), ref)[0]
    doc["missing"] = [named if m.get("flag") == "tariff_rate_missing" else m for m in doc.get("missing") or []]


def _decorate(doc: dict[str, Any], request: dict[str, Any], catalogue: Any) -> dict[str, Any]:
    """A costing result with what every edge shows next to it: whose product, the route named in zh and en,
    the market-entry requirements, and the other engines' advice (the same for the CLI, the API and the web)."""
    doc = doc | {"product": catalogue.describe(request.get("product_id"))}
    if doc.get("status") != "no_rule":
        _name_missing(doc, request, catalogue.ref)
    doc["route"] = route_view(doc.get("route"), request)
    doc["requirements"] = entry_requirements(catalogue.ref, request)
    doc["advice"] = advice(doc, request, catalogue.ref)
    return doc


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
        from qiankua.services.jobs import background_priority

        background_priority()
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


# ---------------------------------------------------------------------------- batch input

#: batch columns that must be positive when given (as :func:`qiankua.services.requests.quote_request` checks
#: them for one quote); ``quantity`` must be a whole number of at least 1
BATCH_POSITIVE = (
    "price",
    "gross_kg",
    "declared_value",
    "volume_cm3",
    "unit_cost_cny",
    "fx_override",
    "consignment_value",  # the whole parcel's value and weight when a row is one line of it (costing engine)
    "consignment_kg",
)


def check_batch(frame: Any, file: str = "") -> None:
    """Refuse a batch with a non-positive price, weight, value or quantity before anything is computed: an
    :class:`~qiankua.exceptions.InvalidInputError` naming the first bad rows (1-based, the header is row 1)
    and the column, as a single quote refuses it."""
    import polars as pl

    from qiankua.exceptions import InvalidInputError

    problems: list[str] = []
    for column in (*BATCH_POSITIVE, "quantity"):
        if column not in frame.columns:
            continue
        values = frame[column]
        if not values.dtype.is_numeric():
            values = values.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
            unparsable = frame[column].is_not_null() & values.is_null()
        else:
            values = values.cast(pl.Float64)
            unparsable = pl.Series([False] * frame.height)
        bad = unparsable | (values.is_not_null() & ~(values > 0))
        if column == "quantity":
            bad = bad | (values.is_not_null() & (values != values.floor()))
        rows = [i + 2 for i in bad.arg_true().to_list()[:5]]
        if rows:
            what = "a whole number of at least 1" if column == "quantity" else "a positive number"
            shown = ", ".join(str(r) for r in rows) + (" …" if int(bad.sum()) > len(rows) else "")
            problems.append(f"`{column}` must be {what}: row(s) {shown}")
    if problems:
        where = f"{file}: " if file else ""
        raise InvalidInputError(f"{where}{'; '.join(problems)}. Nothing was computed.")
