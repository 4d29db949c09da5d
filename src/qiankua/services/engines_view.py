"""Opportunity ranking and pooling for the CLI, the API and the web pages, on top of
:mod:`qiankua.services.opportunity` and :mod:`qiankua.services.pooling` (JSON-safe documents)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qiankua.jsonio import finite
from qiankua.services.requests import opportunities_request
from qiankua.services.workspace import _spooled


def rank_opportunities(fields: dict[str, Any], db: Path | None = None) -> dict[str, Any]:
    """The ranking for ``fields`` (:data:`qiankua.services.requests.OPPORTUNITY_FIELDS`), with trade data from
    the user's database ``db`` when it holds some: the ranking document plus ``cells`` (every pair's score)."""
    from qiankua.services import opportunity
    from qiankua.services.accounts import db_lock

    request = opportunities_request(fields)
    use_db = db if db is not None and Path(db).is_file() else None
    with db_lock(use_db):
        # the organisation's store supplies trade data when imported; a missing file means none
        result = opportunity.opportunities(db, **request)
    doc: dict[str, Any] = result.to_dict()
    table = result.ranking.table
    doc["cells"] = [
        {"product": p, "market": m, "score": None if s is None else round(float(s), 4), "feasible": bool(f)}
        for p, m, s, f in table.select("product", "market", "score", "feasible").iter_rows()
    ]
    return finite(doc)  # type: ignore[no-any-return]


def pool_shipments(
    content: bytes | None, filename: str | None, *, time_limit_s: float = 2.0, seed: int = 0, placements: bool = False
) -> dict[str, Any]:
    """Plan the pool of an uploaded shipments sheet (or the built-in demo week when ``content`` is None).

    With ``placements`` every load also carries its cartons' positions (``placements``: key, unit, x, y, z,
    dx, dy, dz in cm) and its load unit's interior (``unit_cm``: [length, width, height]) for a loading view.
    """
    from qiankua.reference import load_reference
    from qiankua.services import pooling

    ref = load_reference()
    if content is None:
        result = pooling.plan_file(pooling.DEMO_FILE, ref, time_limit_s=time_limit_s, seed=seed)
    else:
        tmp, path = _spooled(content, filename)
        with tmp:
            result = pooling.plan_file(path, ref, time_limit_s=time_limit_s, seed=seed)
    return _pool_doc(result, ref, placements)


def stored_shipment_count(db: Path | None) -> int:
    """How many shipments the user has imported (``user.shipments`` in ``db``; 0 without a database)."""
    from qiankua.services.accounts import db_lock
    from qiankua.store import Store

    if db is None or not Path(db).is_file():
        return 0
    with db_lock(db), Store(db, read_only=True) as store:
        if ("user", "shipments") not in store.tables():
            return 0
        return int(store.frame("shipments").height)


def pool_stored(
    db: Path | None, *, time_limit_s: float = 2.0, seed: int = 0, placements: bool = False
) -> dict[str, Any]:
    """Plan the pool of the shipments imported into the user's database ``db`` (the data page's shipments
    table), as :func:`pool_shipments` plans an uploaded sheet; none imported is a clear error."""
    from qiankua.exceptions import InvalidInputError
    from qiankua.i18n import default_lang, t
    from qiankua.reference import load_reference
    from qiankua.services import pooling
    from qiankua.services.accounts import db_lock

    if db is None or not Path(db).is_file():
        raise InvalidInputError(t("web.pool.stored.empty", default_lang()))
    ref = load_reference()
    with db_lock(db):
        result = pooling.plan_file(None, ref, time_limit_s=time_limit_s, seed=seed, db=db)
    return _pool_doc(result, ref, placements)


def _pool_doc(result: Any, ref: Any, placements: bool) -> dict[str, Any]:
    doc: dict[str, Any] = finite(result.to_dict(placements=placements))
    if placements:
        for load, decision in zip(doc.get("loads", []), result.decisions, strict=True):
            unit = decision.loading.unit if decision.loading is not None else None
            load["unit_cm"] = [unit.l_cm, unit.w_cm, unit.h_cm] if unit is not None else None
    stops: dict[str, list[float]] = {}
    for route in doc.get("routes", []):
        for stop in route.get("stops", []):
            adcode = str(stop).rsplit("@", 1)[-1]
            try:
                division = ref.division(adcode)
            except LookupError:
                continue
            stops[stop] = [division.lon, division.lat]
    doc["stops"] = stops
    return doc


__all__ = ["pool_shipments", "pool_stored", "rank_opportunities", "stored_shipment_count"]
