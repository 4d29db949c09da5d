"""Route planning for the CLI, the API and the web page, on top of :mod:`qiankua.services.routing`:
adds each leg's end-point coordinates (for maps) and keeps the result JSON-safe."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from qiankua.jsonio import finite
from qiankua.services.requests import route_request


@cache
def node_coordinates() -> dict[str, tuple[float, float]]:
    """lon/lat of every routing node: divisions (adcode), hubs, and the routing node table."""
    from qiankua.reference import load_reference

    ref = load_reference()
    coords: dict[str, tuple[float, float]] = {}
    for frame, key in ((ref.divisions, "adcode"), (ref.hubs, "hub_id")):
        for row in frame.select(key, "lon", "lat").iter_rows():
            coords[str(row[0])] = (float(row[1]), float(row[2]))
    nodes = ref.tables.get("route_nodes")
    if nodes is not None:
        for row in nodes.select("node_id", "lon", "lat").iter_rows():
            try:
                coords[str(row[0])] = (float(row[1]), float(row[2]))
            except (TypeError, ValueError):
                continue
    return coords


def plan_routes(fields: dict[str, Any], db: Path | None = None) -> dict[str, Any]:
    """Pareto routes for ``fields`` (:data:`qiankua.services.requests.ROUTE_FIELDS`) with the user's products,
    freight quotes and FX rates in ``db``; each leg carries its end points' lon/lat (``None`` when unknown).
    ``product`` says whether the product is the user's (and replaces a built-in one of the same id)."""
    from qiankua.services import routing
    from qiankua.services.accounts import db_lock
    from qiankua.services.products import user_catalogue

    use_db = db if db is not None and Path(db).is_file() else None
    with db_lock(use_db):
        catalogue = user_catalogue(use_db)
        request = route_request(fields, catalogue.ref)
        product = catalogue.describe(request["product_id"])
        result = routing.route(request.pop("origin"), request.pop("market"), db=use_db, ref=catalogue.ref, **request)
    doc: dict[str, Any] = finite(result.to_dict())
    doc["product"] = product
    coords = node_coordinates()
    for option in doc["routes"]:
        for leg in option["legs"]:
            a, b = coords.get(leg["from"]), coords.get(leg["to"])
            leg["from_lonlat"] = list(a) if a else None
            leg["to_lonlat"] = list(b) if b else None
    return doc
