"""Route planning for the CLI, the API and the web page, on top of :mod:`qiankua.services.routing`:
adds each leg's end-point coordinates (for maps) and keeps the result JSON-safe."""

from __future__ import annotations

from functools import cache, lru_cache
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


@cache
def node_names() -> dict[str, tuple[str, str]]:
    """``(name_zh, name_en)`` of every routing node: divisions (adcode), hubs and the routing node table."""
    from qiankua.reference import load_reference

    ref = load_reference()
    names: dict[str, tuple[str, str]] = {}
    frames = [(ref.divisions, "adcode"), (ref.hubs, "hub_id")]
    nodes = ref.tables.get("route_nodes")
    if nodes is not None:
        frames.append((nodes, "node_id"))
    for frame, key in frames:
        for node, zh, en in frame.select(key, "name_zh", "name_en").iter_rows():
            names[str(node)] = (str(zh or en or node), str(en or zh or node))
    return names


def node_name(node: str, lang: str) -> str:
    """A routing node's name in ``lang`` (a delivery node ``DLV-XX`` is its market's; else the id itself)."""
    pair = node_names().get(node)
    if pair is not None:
        return pair[0] if lang == "zh" else pair[1]
    return node


def localise_label(label: str, lang: str) -> str:
    """A route's label (``truck_container > rail_cer_lcl > dest_ltl via CN-CQ-TJC``, see
    :attr:`qiankua.routing.records.Route.label`) with each service and the gateway named in ``lang``."""
    from qiankua.vocabulary import label as vocab_label

    services, sep, via = label.partition(" via ")
    names = " > ".join(vocab_label("route_service", s.strip(), lang) for s in services.split(" > ") if s.strip())
    if not sep:
        return names
    return (
        f"{names}（经 {node_name(via.strip(), 'zh')}）"
        if lang == "zh"
        else f"{names} via {node_name(via.strip(), 'en')}"
    )


@lru_cache(maxsize=8)  # keyed on a request's date: bounded
def _rule_reasons(day: str) -> dict[str, str]:
    import datetime as dt

    from qiankua.services.routing import network_on

    on = dt.date.fromisoformat(day) if day else dt.date.today()
    return {en: zh for _, en, zh in network_on(on).rule_texts}


def rule_reasons(day: str = "") -> dict[str, str]:
    """The router's exclusion reasons, English text -> Chinese text (``route_service_rules``) on ``day``."""
    return _rule_reasons(day[:10])


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
        option["label_zh"] = localise_label(option["label"], "zh")
        option["label_en"] = localise_label(option["label"], "en")
        for leg in option["legs"]:
            a, b = coords.get(leg["from"]), coords.get(leg["to"])
            leg["from_lonlat"] = list(a) if a else None
            leg["to_lonlat"] = list(b) if b else None
            leg["from_name_zh"] = node_name(leg["from"], "zh")
            leg["to_name_zh"] = node_name(leg["to"], "zh")
    return doc
