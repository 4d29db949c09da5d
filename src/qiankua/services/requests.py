"""One request builder per use case (quote, route, opportunities), shared by the CLI, the API and the web.

Each edge collects the same plain fields (the API's pydantic model dumps them, the CLI's options and
the web forms fill the same names) and hands them here; the builder validates them and produces the
engine's request, so an option exists on every edge or on none. :func:`user_db` picks the user's
database the same way for all of them: the given file, else the default one.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from qiankua.exceptions import InvalidInputError
from qiankua.opportunity.scoring import DEFAULT_WEIGHT_CAP
from qiankua.vocabulary import (
    DEFAULT_MODE,
    DEFAULT_PLATFORM,
    DEFAULT_SERVICE,
    DEFAULT_WEIGHTING,
    MODES,
    SERVICES,
    TRADE_BACKENDS,
)

__all__ = [
    "OPPORTUNITY_FIELDS",
    "QUOTE_FIELDS",
    "ROUTE_FIELDS",
    "opportunities_request",
    "quote_request",
    "route_request",
    "user_db",
]

# the fields of each use case and their defaults (None: optional); the API models, the CLI options and the
# web forms carry exactly these names (tests/test_vocabulary.py checks the API and the CLI)
QUOTE_FIELDS: dict[str, Any] = {
    "market": None,
    "product_id": None,
    "hs6": None,
    "declared_value": None,
    "value_currency": "CNY",
    "gross_kg": None,
    "dims": None,
    "quantity": 1,
    "mode": DEFAULT_MODE,
    "service": DEFAULT_SERVICE,
    "platform": DEFAULT_PLATFORM,
    "date": None,
    "price": None,
    "target_margin": None,
    "fx_rate": None,
    "invoices": None,
    "sensitivity": False,
}
ROUTE_FIELDS: dict[str, Any] = {
    "origin": None,
    "market": None,
    "weight_kg": None,
    "volume_m3": None,
    "pieces": None,
    "product_id": None,
    "b2b": False,
    "date": None,
    "weight_cost": 0.5,
    "weight_time": 0.3,
    "weight_co2": 0.2,
}
OPPORTUNITY_FIELDS: dict[str, Any] = {
    "products": None,
    "markets": None,
    "weights": None,
    "top": 20,
    "lang": "zh",
    "engine": TRADE_BACKENDS[0],
    "met": None,
    "seed": 0,
    "samples": 200,
    "weighting": DEFAULT_WEIGHTING,
    "weight_cap": DEFAULT_WEIGHT_CAP,
}


def user_db(db: Path | str | None) -> Path:
    """The user's database: ``db``, or the default file (``$QIANKUA_HOME/qiankua.duckdb``, else
    ``./qiankua.duckdb``) when none is given — the file the data commands import into. It may not exist
    (then the built-in data alone apply); nothing here creates it, and a missing ``db`` never falls
    back to another file."""
    if db is not None:
        return Path(db)
    from qiankua.store.database import default_db_path

    return default_db_path()


def _date(value: Any, option: str) -> dt.date:
    if value is None or value == "":
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInputError(f"Expected `{option}` as YYYY-MM-DD, got {value!r}.") from None


def _fill(fields: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(spec)
    if unknown:
        raise InvalidInputError(f"Unknown field(s) {', '.join(sorted(unknown))}; expected {', '.join(spec)}.")
    return {k: fields.get(k, default) if fields.get(k) is not None else default for k, default in spec.items()}


def _positive(value: Any, option: str, *, whole: bool = False) -> Any:
    """``value`` when it is a finite number > 0 (a whole number >= 1 with ``whole``), ``None`` for none; else
    :class:`InvalidInputError` naming ``option``. Every edge goes through here, so a negative price or weight
    is refused before anything is computed (the engines would price it)."""
    if value is None or value == "":
        return None
    number: float | None = None
    if not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
    if whole:
        if number is None or not math.isfinite(number) or number != int(number) or number < 1:
            raise InvalidInputError(f"Expected `{option}` as a whole number of at least 1, got {value!r}.")
        return int(number)
    if number is None or not math.isfinite(number) or not number > 0:
        raise InvalidInputError(f"Expected a positive number for `{option}`, got {value!r}.")
    return number


def volume_cm3(dims: str | None) -> float | None:
    """``"LxWxH"`` in cm -> cm3 (``None`` for no dimensions)."""
    if not dims:
        return None
    try:
        sides = [float(x) for x in str(dims).lower().replace("×", "x").split("x")]
    except ValueError:
        sides = []
    if len(sides) != 3 or any(not side > 0 for side in sides):
        raise InvalidInputError(f"Expected `dims` as LxWxH in cm (e.g. 30x20x10), got {dims!r}.")
    return sides[0] * sides[1] * sides[2]


def quote_request(fields: dict[str, Any], ref: Any = None) -> tuple[dict[str, Any], dict[str, float] | None]:
    """The costing request and its FX overrides (``fx_rate``: CNY per unit of the market's currency) for
    ``fields`` (:data:`QUOTE_FIELDS`); unknown market or product raise here (products of ``ref``, as in
    :func:`route_request`). Prices, weights, quantities and declared values must be positive."""
    from qiankua.reference import load_reference

    f = _fill(fields, QUOTE_FIELDS)
    if f["market"] is None:
        raise InvalidInputError("Expected `market` (ISO 3166 alpha-2).")
    if (f["product_id"] is None) == (f["hs6"] is None):
        raise InvalidInputError("Expected either `product_id` or `hs6` (with `declared_value`).")
    if f["mode"] not in MODES:
        raise InvalidInputError(f"Expected `mode` in {', '.join(MODES)}, got {f['mode']!r}.")
    if f["service"] not in SERVICES:
        raise InvalidInputError(f"Expected `service` in {', '.join(SERVICES)}, got {f['service']!r}.")
    for option in ("declared_value", "gross_kg", "price"):
        f[option] = _positive(f[option], option)
    f["quantity"] = _positive(f["quantity"], "quantity", whole=True)
    ref = ref or load_reference()
    market = ref.market(str(f["market"]).upper())
    req: dict[str, Any] = {
        "market": market.iso2,
        "mode": f["mode"],
        "service": f["service"],
        "platform": f["platform"],
        "date": _date(f["date"], "date").isoformat(),
        "quantity": f["quantity"],
        "price": f["price"],
        "target_margin": f["target_margin"],
        "invoices": f["invoices"],
    }
    if f["product_id"] is not None:
        req["product_id"] = ref.product(f["product_id"]).id
    else:
        if f["declared_value"] is None:
            raise InvalidInputError("Expected `declared_value` with `hs6`.")
        req.update(
            hs6=f["hs6"],
            declared_value=f["declared_value"],
            value_currency=str(f["value_currency"]).upper(),
            unit_cost_cny=None,
            gross_kg=f["gross_kg"] or 1.0,
        )
    if f["gross_kg"] is not None:
        req["gross_kg"] = f["gross_kg"]
    req["volume_cm3"] = volume_cm3(f["dims"])
    overrides = None
    if f["fx_rate"] is not None:
        if not f["fx_rate"] > 0:
            raise InvalidInputError(f"Expected a positive `fx_rate` (CNY per unit), got {f['fx_rate']!r}.")
        overrides = {market.currency: float(f["fx_rate"])}
    return {k: v for k, v in req.items() if v is not None}, overrides


def _county(ref: Any, key: str) -> str | None:
    """The adcode of a county given its adcode or its Chinese or English name (``None`` if none is)."""
    if key in ref.county_adcodes:
        return key
    text = key.lower()
    for row in ref.divisions.select("adcode", "name_zh", "name_en").iter_rows():
        if row[0] in ref.county_adcodes and text in {str(row[1]).lower(), str(row[2]).lower()}:
            return str(row[0])
    return None


def route_request(fields: dict[str, Any], ref: Any = None) -> dict[str, Any]:
    """The keyword arguments of :func:`qiankua.services.routing.route` for ``fields`` (:data:`ROUTE_FIELDS`);
    an unknown market or product raises here (products of ``ref``: pass the catalogue with the user's
    products, :func:`qiankua.services.products.user_catalogue`, to accept theirs)."""
    from qiankua.exceptions import UnknownReferenceError
    from qiankua.reference import load_reference
    from qiankua.routing import Weights

    f = _fill(fields, ROUTE_FIELDS)
    ref = ref or load_reference()
    origin = _county(ref, str(f["origin"]).strip())
    if origin is None:
        raise UnknownReferenceError(
            f"Expected a Guizhou county adcode (or its Chinese or English name) for "
            f"`origin`, got {f['origin']!r} (see GET /api/v1/divisions?level=county)."
        )
    if f["market"] is None:
        raise InvalidInputError("Expected `market` (ISO 3166 alpha-2).")
    if f["weight_kg"] is None:
        raise InvalidInputError("Expected a positive `weight_kg`.")
    f["weight_kg"] = _positive(f["weight_kg"], "weight_kg")
    f["volume_m3"] = _positive(f["volume_m3"], "volume_m3")
    f["pieces"] = _positive(f["pieces"], "pieces", whole=True)
    return {
        "origin": origin,
        "market": ref.market(str(f["market"]).upper()).iso2,
        "weight_kg": f["weight_kg"],
        "volume_m3": f["volume_m3"],
        "pieces": f["pieces"],
        "product_id": ref.product(str(f["product_id"])).id if f["product_id"] else None,
        "b2b": bool(f["b2b"]),
        "on": _date(f["date"], "date"),
        "weights": Weights(cost=f["weight_cost"], time=f["weight_time"], co2=f["weight_co2"]),
    }


def opportunities_request(fields: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :func:`qiankua.services.opportunity.opportunities` for ``fields``
    (:data:`OPPORTUNITY_FIELDS`; ``weights`` as ``{criterion: weight}`` or ``"name=value,…"``, see
    :func:`qiankua.opportunity.scoring.parse_weights`)."""
    from qiankua.opportunity.scoring import check_weighting, parse_weights

    f = _fill(fields, OPPORTUNITY_FIELDS)
    # names and values are checked here, before anything is computed; whether each criterion has data in
    # this run is checked where the weights are applied (qiankua.opportunity.scoring.final_weights)
    weights = parse_weights(f["weights"])
    check_weighting(f["weighting"], f["weight_cap"])
    if f["engine"] not in TRADE_BACKENDS:
        raise InvalidInputError(f"Expected `engine` in {', '.join(TRADE_BACKENDS)}, got {f['engine']!r}.")
    return {
        "products": f["products"] or None,
        "markets": f["markets"] or None,
        "weights": weights or None,
        "top": f["top"],
        "lang": f["lang"],
        "engine": f["engine"],
        "met": f["met"] or None,
        "seed": f["seed"],
        "samples": f["samples"],
        "weighting": f["weighting"],
        "weight_cap": f["weight_cap"],
    }
