"""Route planning for the API and the web page, on top of :mod:`qiankua.services.routing`:
adds each leg's end-point coordinates (for maps) and keeps the result JSON-safe."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from qiankua.services.quoting import _finite


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
    from qiankua.reference import load_reference
    from qiankua.routing import Weights
    from qiankua.services import routing
    from qiankua.services.accounts import db_lock

    from qiankua.exceptions import UnknownReferenceError

    ref = load_reference()
    origin = str(fields["origin"])
    if origin not in ref.county_adcodes:
        raise UnknownReferenceError(f"Expected a Guizhou county adcode for `origin`, got {origin!r} "
                                    "(see GET /api/v1/divisions?level=county).")
    market = ref.market(str(fields["market"]).upper()).iso2
    weights = Weights(cost=fields.get("weight_cost", 0.5), time=fields.get("weight_time", 0.3),
                      co2=fields.get("weight_co2", 0.2))
    use_db = db if db is not None and Path(db).is_file() else None
    when = fields.get("date") or dt.date.today()
    with db_lock(use_db) if use_db else _nullcontext():
        result = routing.route(origin, market, weight_kg=fields["weight_kg"], volume_m3=fields.get("volume_m3"),
                               pieces=fields.get("pieces"), product_id=fields.get("product_id"),
                               b2b=bool(fields.get("b2b")), db=use_db, on=when, weights=weights)
    doc: dict[str, Any] = _finite(result.to_dict())
    coords = node_coordinates()
    for option in doc["routes"]:
        for leg in option["legs"]:
            a, b = coords.get(leg["from"]), coords.get(leg["to"])
            leg["from_lonlat"] = list(a) if a else None
            leg["to_lonlat"] = list(b) if b else None
    return doc


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
