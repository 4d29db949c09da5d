"""Opportunity ranking and pooling for the API and the web pages, on top of
:mod:`qiankua.services.opportunity` and :mod:`qiankua.services.pooling` (JSON-safe documents)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qiankua.services.quoting import _finite
from qiankua.services.workspace import _spooled


def rank_opportunities(fields: dict[str, Any], db: Path | None = None) -> dict[str, Any]:
    from qiankua.exceptions import InvalidInputError
    from qiankua.services import opportunity
    from qiankua.services.accounts import db_lock

    weights = fields.get("weights")
    if weights is not None and any(not isinstance(v, (int, float)) or v < 0 for v in weights.values()):
        raise InvalidInputError("Expected non-negative numbers in `weights`.")
    with db_lock(db):
        # the organisation's store supplies trade data when imported; a missing file means none
        result = opportunity.opportunities(
            db, products=fields.get("products") or None, markets=fields.get("markets") or None,
            weights=weights or None, top=fields.get("top", 20), lang=fields.get("lang", "zh"), samples=200)
    doc: dict[str, Any] = _finite(result.to_dict())
    table = result.ranking.table
    doc["cells"] = [{"product": p, "market": m, "score": None if s is None else round(float(s), 4),
                     "feasible": bool(f)}
                    for p, m, s, f in table.select("product", "market", "score", "feasible").iter_rows()]
    doc.pop("trade_data", None)
    return _finite(doc)


def pool_shipments(content: bytes | None, filename: str | None, *, time_limit_s: float = 2.0,
                   seed: int = 0, placements: bool = False) -> dict[str, Any]:
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
    doc: dict[str, Any] = _finite(result.to_dict(placements=placements))
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


__all__ = ["pool_shipments", "rank_opportunities"]
